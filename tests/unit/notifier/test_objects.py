"""The versioned payload: wire format, no host name, version fingerprints."""

from unittest import mock

from oslo_versionedobjects import fixture as ovo_fixture
import testtools

from host_status_ext.notifier import emitter
from host_status_ext.notifier import objects
from host_status_ext.notifier import state

# NOTE: change a fingerprint only together with the object's VERSION: a
# consumer relies on the version to know the payload's shape.
EXPECTED_FINGERPRINTS = {
    'HostStatusChangePayload': '1.1-97eb6bf9aaa92f64e7dff502a95e397b',
    'HostStatusChangeNotification': '1.0-85a589ba6818eec1a3653cf412295dad',
    'HostStatusSummaryPayload': '1.0-04c034108018b7dc184c3b7a9eed04b5',
    'HostStatusSummaryNotification': '1.0-85a589ba6818eec1a3653cf412295dad',
}

INSTANCE = mock.Mock(uuid='8c9f2e35-3d3d-4f0a-9b61-5b1a0a0b3c1d',
                     project_id='the-project', user_id='the-user')
CHANGE = state.Pending('UP', 'DOWN', '2026-11-26T05:00:00.250000Z')


class TestPayload(testtools.TestCase):

    def notification(self):
        return emitter.build_notification(
            INSTANCE, 'secret-host', CHANGE, 'host-status-notifier:me')

    def test_wire_format(self):
        payload = self.notification().payload.obj_to_primitive()
        self.assertEqual('HostStatusChangePayload',
                         payload['nova_object.name'])
        self.assertEqual('1.1', payload['nova_object.version'])
        self.assertEqual('host_status_ext', payload['nova_object.namespace'])
        data = payload['nova_object.data']
        self.assertEqual(INSTANCE.uuid, data['uuid'])
        self.assertEqual('the-project', data['project_id'])
        self.assertEqual('the-user', data['user_id'])
        self.assertEqual('UP', data['old_host_status'])
        self.assertEqual('DOWN', data['host_status'])
        self.assertEqual('2026-11-26T05:00:00Z', data['changed_at'])
        self.assertEqual(56, len(data['host_id']))  # sha224, like hostId
        self.assertEqual(objects.event_id(INSTANCE.uuid, 'UP', 'DOWN',
                                          CHANGE.changed_at),
                         data['event_id'])

    def test_event_id_is_stable_and_tells_changes_apart(self):
        a = objects.event_id('s', 'UP', 'DOWN', '2026-11-26T05:00:00.1Z')
        self.assertEqual(a, objects.event_id('s', 'UP', 'DOWN',
                                             '2026-11-26T05:00:00.1Z'))
        self.assertEqual('a86ff97b', a[:8])  # the same in every release
        for other in (('t', 'UP', 'DOWN', '2026-11-26T05:00:00.1Z'),
                      ('s', 'UP', 'UNKNOWN', '2026-11-26T05:00:00.1Z'),
                      ('s', 'UP', 'DOWN', '2026-11-26T05:00:00.2Z')):
            self.assertNotEqual(a, objects.event_id(*other))

    def test_a_1_0_consumer_gets_the_1_0_shape(self):
        primitive = self.notification().payload.obj_to_primitive(
            target_version='1.0')
        self.assertEqual('1.0', primitive['nova_object.version'])
        self.assertNotIn('event_id', primitive['nova_object.data'])

    def test_no_host_name_anywhere(self):
        self.assertNotIn('secret-host',
                         repr(self.notification().obj_to_primitive()))

    def test_status_values_are_checked(self):
        self.assertRaises(ValueError, emitter.build_notification,
                          INSTANCE, 'h', state.Pending('UP', 'SIDEWAYS',
                                                       CHANGE.changed_at),
                          'p')

    def test_emit_goes_through_the_sender(self):
        sender = mock.Mock()
        n = self.notification()
        n.emit(sender)
        publisher, event_type, priority, payload, message_id = \
            sender.send.call_args[0]
        self.assertEqual('host-status-notifier:me', publisher)
        self.assertEqual('instance.host_status_change', event_type)
        self.assertEqual('info', priority)
        self.assertEqual('DOWN', payload['nova_object.data']['host_status'])
        self.assertEqual(n.payload.event_id, message_id)

    def test_versions(self):
        # NOTE: oslo.versionedobjects registries share one table; keep
        # only this project's classes.
        registered = objects.HostStatusObjectRegistry.obj_classes()
        checker = ovo_fixture.ObjectVersionChecker(
            {name: registered[name] for name in EXPECTED_FINGERPRINTS})
        expected, actual = checker.test_hashes(EXPECTED_FINGERPRINTS)
        self.assertEqual(expected, actual)
