"""The versioned payload: wire format, no host name, version fingerprints."""

import datetime
from unittest import mock

from oslo_versionedobjects import fixture as ovo_fixture
import testtools

from host_status_ext.notifier import emitter
from host_status_ext.notifier import objects

# NOTE: change a fingerprint only together with the object's VERSION: a
# consumer relies on the version to know the payload's shape.
EXPECTED_FINGERPRINTS = {
    'HostStatusChangePayload': '1.0-893443381267201b82b7b1a662b14516',
    'HostStatusChangeNotification': '1.0-85a589ba6818eec1a3653cf412295dad',
}

INSTANCE = mock.Mock(uuid='8c9f2e35-3d3d-4f0a-9b61-5b1a0a0b3c1d',
                     project_id='the-project', user_id='the-user')
WHEN = datetime.datetime(2026, 11, 26, 5, 0, 0,
                         tzinfo=datetime.timezone.utc)


class TestPayload(testtools.TestCase):

    def notification(self):
        return emitter.build_notification(
            INSTANCE, 'secret-host', 'UP', 'DOWN', WHEN,
            'host-status-notifier:me')

    def test_wire_format(self):
        payload = self.notification().payload.obj_to_primitive()
        self.assertEqual('HostStatusChangePayload',
                         payload['nova_object.name'])
        self.assertEqual('1.0', payload['nova_object.version'])
        self.assertEqual('host_status_ext', payload['nova_object.namespace'])
        data = payload['nova_object.data']
        self.assertEqual(INSTANCE.uuid, data['uuid'])
        self.assertEqual('the-project', data['project_id'])
        self.assertEqual('the-user', data['user_id'])
        self.assertEqual('UP', data['old_host_status'])
        self.assertEqual('DOWN', data['host_status'])
        self.assertEqual('2026-11-26T05:00:00Z', data['changed_at'])
        self.assertEqual(56, len(data['host_id']))  # sha224, like hostId

    def test_no_host_name_anywhere(self):
        self.assertNotIn('secret-host',
                         repr(self.notification().obj_to_primitive()))

    def test_status_values_are_checked(self):
        self.assertRaises(ValueError, emitter.build_notification,
                          INSTANCE, 'h', 'UP', 'SIDEWAYS', WHEN, 'p')

    def test_emit_goes_through_the_notifier(self):
        notifier = mock.Mock()
        self.notification().emit(notifier)
        notifier.prepare.assert_called_once_with(
            publisher_id='host-status-notifier:me')
        info = notifier.prepare.return_value.info
        ctxt, event_type, payload = info.call_args[0]
        self.assertEqual({}, ctxt)
        self.assertEqual('instance.host_status_change', event_type)
        self.assertEqual('DOWN', payload['nova_object.data']['host_status'])

    def test_versions(self):
        # NOTE: oslo.versionedobjects registries share one table; keep
        # only this project's classes.
        registered = objects.HostStatusObjectRegistry.obj_classes()
        checker = ovo_fixture.ObjectVersionChecker(
            {name: registered[name] for name in EXPECTED_FINGERPRINTS})
        expected, actual = checker.test_hashes(EXPECTED_FINGERPRINTS)
        self.assertEqual(expected, actual)
