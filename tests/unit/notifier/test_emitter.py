"""Sending a host's notifications: all of them, once each, failures raised,
a stable event id, and a deadline that keeps a hung broker from stalling."""

import threading
import time
from unittest import mock

import testtools

from host_status_ext.notifier import delivery
from host_status_ext.notifier import emitter
from host_status_ext.notifier import servers
from host_status_ext.notifier import state

CELL = mock.Mock(uuid='c1')
CHANGE = state.Pending('UP', 'DOWN', '2026-11-26T05:00:00.123456Z')
SERVERS = [servers.Server('00000000-0000-0000-0000-%012d' % i,
                          'project-%d' % (i % 3), 'user')
           for i in range(20)]


class RecordingSender(object):
    """Stands in for the broker side of a Sender: records or refuses."""

    def __init__(self, fail_uuids=(), block=None):
        self.sent = []
        self.fail_uuids = set(fail_uuids)
        self.block = block
        self.lock = threading.Lock()

    def send(self, publisher_id, event_type, priority, payload, message_id):
        data = payload['nova_object.data']
        if self.block is not None:
            self.block.wait()
        if data['uuid'] in self.fail_uuids:
            raise delivery.DeliveryFailed('broker said no')
        with self.lock:
            self.sent.append((data['uuid'], data['event_id'], message_id))


class TestEmitter(testtools.TestCase):

    def setUp(self):
        super().setUp()
        patcher = mock.patch('nova.context.target_cell')
        patcher.start()
        self.addCleanup(patcher.stop)
        patcher = mock.patch.object(servers, 'get_by_host',
                                    return_value=SERVERS)
        self.get_by_host = patcher.start()
        self.addCleanup(patcher.stop)

    def emit(self, sender, workers, timeout=5.0, e=None):
        e = e or emitter.Emitter(sender, 'pub:x', workers, timeout)
        return e.emit_host_change(mock.sentinel.ctxt, CELL,
                                  'h1', CHANGE)

    def test_one_notification_per_server_sequential_and_parallel(self):
        for workers in (1, 8):
            sender = RecordingSender()
            self.assertEqual(20, self.emit(sender, workers))
            self.assertEqual(sorted(s.uuid for s in SERVERS),
                             sorted(u for u, _, _ in sender.sent))

    def test_event_ids_are_stable_distinct_and_the_message_id(self):
        first, again = RecordingSender(), RecordingSender()
        self.emit(first, 8)
        self.emit(again, 1)
        self.assertEqual(sorted(first.sent), sorted(again.sent))
        ids = [i for _, i, _ in first.sent]
        self.assertEqual(20, len(set(ids)))
        for _, event_id, message_id in first.sent:
            self.assertEqual(event_id, message_id)

    def test_a_failed_send_is_raised_after_the_others_went(self):
        sender = RecordingSender(fail_uuids=[SERVERS[3].uuid])
        self.assertRaises(delivery.DeliveryFailed, self.emit, sender, 8)
        self.assertEqual(19, len(sender.sent))

    def test_any_error_of_a_send_is_a_delivery_failure(self):
        sender = mock.Mock()
        sender.send.side_effect = OSError('connection refused')
        self.assertRaises(delivery.DeliveryFailed, self.emit, sender, 1)

    def test_a_hung_broker_costs_the_deadline_then_fails_fast(self):
        block = threading.Event()
        self.addCleanup(block.set)
        sender = RecordingSender(block=block)
        e = emitter.Emitter(sender, 'pub:x', 2, 0.2)
        started = time.monotonic()
        self.assertRaises(delivery.DeliveryFailed, self.emit, sender, 2,
                          e=e)
        self.assertLess(time.monotonic() - started, 3.0)
        # While the late sends still hang, nothing new is started.
        self.assertRaisesRegex(delivery.DeliveryFailed, 'still waiting',
                               self.emit, sender, 2, e=e)
        block.set()
        deadline = time.monotonic() + 5
        while len(sender.sent) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        # Once they finished, sending resumes.
        self.assertEqual(20, self.emit(sender, 2, e=e))

    def test_no_servers_no_notifications(self):
        self.get_by_host.return_value = []
        sender = RecordingSender()
        self.assertEqual(0, self.emit(sender, 8))
        self.assertEqual([], sender.sent)


class SlowSender(RecordingSender):
    """Accepts every notification, each after a delay."""

    def __init__(self, delay):
        super().__init__()
        self.delay = delay

    def send(self, *args):
        time.sleep(self.delay)
        super().send(*args)


class TestDeadlineIsOnProgress(testtools.TestCase):

    def test_a_slow_but_steady_broker_is_waited_for(self):
        patcher = mock.patch('nova.context.target_cell')
        patcher.start()
        self.addCleanup(patcher.stop)
        patcher = mock.patch.object(servers, 'get_by_host',
                                    return_value=SERVERS)
        patcher.start()
        self.addCleanup(patcher.stop)
        # 20 sends of 0.05 s one at a time: 1 s in all, each well within
        # the 0.5 s deadline.
        sender = SlowSender(0.05)
        e = emitter.Emitter(sender, 'pub:x', 1, 0.5)
        self.assertEqual(20, e.emit_host_change(
            mock.sentinel.ctxt, CELL, 'h1', CHANGE))
