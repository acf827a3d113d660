"""The shortcut's events: what Aodh's event alarm listener reads.

The traits themselves are held to etc/ceilometer's definitions by
tests/unit/test_ceilometer_files.py; here, the event around them and the
values as ceilometer would convert them. The end-to-end tests run the
shortcut into a real aodh-listener.
"""

import datetime

import testtools

from host_status_ext.authorization import Visibility
from host_status_ext.notifier import aodh_events
from host_status_ext.notifier import objects
from host_status_ext.notifier import owner_feed
from host_status_ext import status
from tests.unit.notifier.test_emitter import RecordingSender
from tests.unit.notifier.test_owner_feed import FakeGate
from tests.unit.notifier.test_owner_feed import notifications

GENERATED = datetime.datetime(2026, 12, 6, 12, 0, 0, 123456)


def copies(old, new, projects, visibility=Visibility.ALL,
           shapes=('server', 'project')):
    feed = owner_feed.OwnerFeed(
        RecordingSender(), gate=FakeGate({p: visibility for p in projects}),
        shapes=shapes, wire=aodh_events.send)
    return feed.copies(notifications(old, new, projects))


def traits(event):
    return {name: (trait_type, value)
            for name, trait_type, value in event['traits']}


class Recorder(object):

    def __init__(self):
        self.sent = []

    def send(self, *args):
        self.sent.append(args)


class TestEvent(testtools.TestCase):

    def test_a_servers_event(self):
        [copy] = copies(status.UP, status.DOWN, ['p1'], shapes=['server'])
        event = aodh_events.event(copy.notification, GENERATED)
        payload = copy.payload
        self.assertEqual(
            {'message_id': payload.event_id,
             'event_type': objects.EVENT_TYPE,
             'generated': '2026-12-06T12:00:00.123456',
             'raw': {}, 'message_signature': ''},
            {k: v for k, v in event.items() if k != 'traits'})
        self.assertEqual(
            {'instance_id': (1, payload.uuid),
             'resource_id': (1, payload.uuid),
             'project_id': (1, 'p1'), 'tenant_id': (1, 'p1'),
             'user_id': (1, 'u-p1'),
             'host_status': (1, status.DOWN),
             'old_host_status': (1, status.UP),
             'host_id': (1, payload.host_id),
             # ceilometer's datetime: naive UTC, ISO 8601.
             'changed_at': (4, '2026-12-02T05:00:00'),
             'service': (1, 'host_status_ext')},
            traits(event))

    def test_a_summarys_event(self):
        [copy] = copies(status.UP, status.DOWN, ['p1', 'p1', 'p1'],
                        shapes=['project'])
        event = aodh_events.event(copy.notification, GENERATED)
        self.assertEqual(objects.SUMMARY_EVENT_TYPE, event['event_type'])
        self.assertEqual(copy.payload.event_id, event['message_id'])
        found = traits(event)
        self.assertEqual((2, 3), found['instance_count'])
        self.assertEqual((1, 'p1'), found['project_id'])
        self.assertEqual((1, 'p1'), found['tenant_id'])
        self.assertNotIn('user_id', found)

    def test_a_hidden_old_value_is_no_trait(self):
        for copy in copies(status.UP, status.UNKNOWN, ['p1'],
                           Visibility.UNKNOWN_ONLY):
            found = traits(aodh_events.event(copy.notification))
            self.assertEqual((1, status.UNKNOWN), found['host_status'])
            self.assertNotIn('old_host_status', found)

    def test_no_host_is_named(self):
        for copy in copies(status.UP, status.DOWN, ['p1', 'p2']):
            text = repr(aodh_events.event(copy.notification))
            self.assertNotIn('compute-7', text)
            self.assertNotIn('notifier-host', text)

    def test_an_empty_host_status_is_a_value(self):
        # A server without a host: "" is a text value, as in ceilometer.
        [copy] = copies(status.UP, status.NONE, ['p1'], shapes=['server'])
        found = traits(aodh_events.event(copy.notification))
        self.assertEqual((1, ''), found['host_status'])


class TestSend(testtools.TestCase):

    def test_one_event_a_message_on_the_sample_priority(self):
        [copy] = copies(status.UP, status.DOWN, ['p1'], shapes=['server'])
        sender = Recorder()
        aodh_events.send(copy.notification, sender)
        [(publisher, event_type, priority, payload, message_id)] = \
            sender.sent
        self.assertEqual('host-status-notifier', publisher)
        self.assertEqual('sample', priority)
        self.assertEqual(copy.payload.event_id, message_id)
        [event] = payload
        self.assertEqual(message_id, event['message_id'])
        self.assertEqual(objects.EVENT_TYPE, event_type)

    def test_an_owner_copy_goes_the_shortcut_through_its_own_sender(self):
        feed_sender = Recorder()
        feed = owner_feed.OwnerFeed(feed_sender, gate=FakeGate(
            {'p1': Visibility.ALL}), shapes=['server'], wire=aodh_events.send)
        [copy] = feed.copies(notifications(status.UP, status.DOWN, ['p1']))
        operator = Recorder()
        copy.emit(operator)
        self.assertEqual([], operator.sent)
        self.assertEqual(1, len(feed_sender.sent))
