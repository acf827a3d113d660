"""Sending a host's notifications: all of them, once each, failures raised."""

import datetime
import threading
from unittest import mock

import testtools

from host_status_ext.notifier import emitter
from host_status_ext.notifier import servers

WHEN = datetime.datetime(2026, 11, 26, 5, 0, 0)
SERVERS = [servers.Server('00000000-0000-0000-0000-%012d' % i,
                          'project-%d' % (i % 3), 'user')
           for i in range(20)]


class RecordingNotifier(object):
    def __init__(self, fail_uuids=()):
        self.sent = []
        self.fail_uuids = set(fail_uuids)
        self.lock = threading.Lock()

    def prepare(self, publisher_id):
        outer = self

        class Prepared(object):
            def info(self, ctxt, event_type, payload):
                uuid = payload['nova_object.data']['uuid']
                if uuid in outer.fail_uuids:
                    raise RuntimeError('broker said no')
                with outer.lock:
                    outer.sent.append(uuid)
        return Prepared()


class TestEmitter(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture_target = mock.patch('nova.context.target_cell')
        self.useFixture_target.start()
        self.addCleanup(self.useFixture_target.stop)
        patcher = mock.patch.object(servers, 'get_by_host',
                                    return_value=SERVERS)
        self.get_by_host = patcher.start()
        self.addCleanup(patcher.stop)

    def emit(self, notifier, workers):
        return emitter.Emitter(notifier, 'pub:x', workers).emit_host_change(
            mock.sentinel.ctxt, mock.sentinel.cell, 'h1', 'UP', 'DOWN', WHEN)

    def test_one_notification_per_server_sequential_and_parallel(self):
        for workers in (1, 8):
            notifier = RecordingNotifier()
            self.assertEqual(20, self.emit(notifier, workers))
            self.assertEqual(sorted(s.uuid for s in SERVERS),
                             sorted(notifier.sent))

    def test_a_failed_send_is_raised_after_the_others_went(self):
        notifier = RecordingNotifier(fail_uuids=[SERVERS[3].uuid])
        self.assertRaises(RuntimeError, self.emit, notifier, 8)
        self.assertEqual(19, len(notifier.sent))
        self.assertNotIn(SERVERS[3].uuid, notifier.sent)

    def test_no_servers_no_notifications(self):
        self.get_by_host.return_value = []
        notifier = RecordingNotifier()
        self.assertEqual(0, self.emit(notifier, 8))
        self.assertEqual([], notifier.sent)
