"""When a cell's worker reads what: wake-ups, heartbeat deadlines with their
look-ahead, UNKNOWN re-checks, records that disagree with nova's
notification, the full read, and the pause after a failed read."""

import os
import types
from unittest import mock

import fixtures
import testtools

from host_status_ext import episodes
from host_status_ext.notifier import cell_worker
from host_status_ext.notifier import listener
from host_status_ext.notifier import state
from host_status_ext.notifier import watcher

CONF = types.SimpleNamespace(
    host_status_notifier=types.SimpleNamespace(
        poll_interval=0.25, full_read_interval=60.0, cell_timeout=10),
    report_interval=10, service_down_time=60)


class Clock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Watcher(object):
    """Hosts as ``records`` says: ``{host: (status, down_in, forced)}``."""

    def __init__(self, records):
        self.records = records
        self.reads = []
        self.fail = False

    def _reading(self, host):
        value, down_in, forced = self.records[host]
        return watcher.HostReading(value, False, forced, down_in)

    def read_cell(self, ctxt, mapping):
        self.reads.append(None)
        if self.fail:
            raise RuntimeError('gone')
        return {h: self._reading(h) for h in self.records}

    def read_hosts(self, ctxt, mapping, hosts):
        self.reads.append(sorted(hosts))
        if self.fail:
            raise RuntimeError('gone')
        return {h: self._reading(h) for h in hosts if h in self.records}


class TestWhatIsRead(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger())
        patcher = mock.patch('nova.context.get_admin_context')
        patcher.start()
        self.addCleanup(patcher.stop)
        path = os.path.join(self.useFixture(fixtures.TempDir()).path, 's')
        self.store = state.FileStore(path)
        self.clock = Clock()
        self.watcher = Watcher({'a': ('UP', 30.0, False),
                                'b': ('UP', 35.0, False),
                                'c': ('UP', 50.0, False)})
        self.emitter = mock.Mock()
        self.emitter.emit_host_change.return_value = 1
        self.worker = cell_worker.CellWorker(
            self.store.take('c1'), mock.Mock(uuid='c1'), self.watcher,
            self.emitter, self.store, CONF,
            episodes.Episode(mock.Mock(), 'read'),
            episodes.Episode(mock.Mock(), 'send'), clock=self.clock)
        self.worker.step()          # the baseline: a full read
        self.watcher.reads = []

    def at(self, seconds):
        self.clock.now = 1000.0 + seconds
        return self.worker.step()

    def test_nothing_is_read_before_a_deadline(self):
        self.at(29.9)
        self.assertEqual([], self.watcher.reads)

    def test_a_deadline_reads_its_host_and_those_due_soon_after(self):
        self.at(30.01)
        # a is due; b within report_interval (10 s); c is not.
        self.assertEqual([['a', 'b']], self.watcher.reads)

    def test_a_host_down_at_its_deadline_is_sent(self):
        self.watcher.records['a'] = ('UNKNOWN', None, False)
        sent = self.at(30.01)
        self.assertEqual([('c1', 'a', 'UP', 'UNKNOWN', 1)], sent)
        # UNKNOWN: read again every poll_interval until it is back.
        self.watcher.reads = []
        self.watcher.records['a'] = ('UP', 60.0, False)
        sent = self.at(30.3)
        self.assertEqual([['a']], self.watcher.reads)
        self.assertEqual([('c1', 'a', 'UNKNOWN', 'UP', 1)], sent)

    def test_a_live_host_read_again_moves_its_deadline(self):
        self.watcher.records['a'] = ('UP', 60.0, False)
        self.watcher.records['b'] = ('UP', 55.0, False)
        self.at(30.01)
        self.watcher.reads = []
        self.at(55.0)
        # c was due at 50; a and b moved to 90 and 85, out of the lookahead.
        self.assertEqual([['c']], self.watcher.reads)

    def test_a_wake_up_is_read_at_once(self):
        self.watcher.records['c'] = ('DOWN', None, True)
        self.worker.wake('c', listener.Expectation(False, True, False))
        self.assertEqual([('c1', 'c', 'UP', 'DOWN', 1)], self.at(1))
        self.assertEqual([['c']], self.watcher.reads)

    def test_a_record_that_disagrees_with_nova_is_read_again(self):
        # nova said forced down; the record does not show it yet.
        self.worker.wake('c', listener.Expectation(False, True, False))
        self.assertEqual([], self.at(1))
        self.watcher.records['c'] = ('DOWN', None, True)
        self.assertEqual([], self.at(1.05))
        self.assertEqual([('c1', 'c', 'UP', 'DOWN', 1)], self.at(1.11))
        self.assertEqual([['c'], ['c']], self.watcher.reads)

    def test_a_record_that_never_agrees_is_read_three_more_times(self):
        self.worker.wake('c', listener.Expectation(False, True, False))
        for t in (1, 1.2, 1.8, 4.0, 10.0, 20.0):
            self.assertEqual([], self.at(t))
        self.assertEqual([['c']] * 4, self.watcher.reads)

    def test_every_host_is_read_every_full_read_interval(self):
        self.watcher.records = {h: ('UP', 3600.0, False) for h in 'abc'}
        self.worker.read_all()
        self.at(0)
        self.watcher.reads = []
        self.at(59)
        self.assertEqual([], self.watcher.reads)
        self.at(60.1)
        self.assertEqual([None], self.watcher.reads)

    def test_after_a_failed_read_nothing_is_read_until_the_full_read(self):
        self.watcher.fail = True
        self.worker.wake('a')
        self.at(1)
        self.worker.wake('b')
        self.at(1.1)                    # within the pause: not read
        self.assertEqual([['a']], self.watcher.reads)
        self.watcher.fail = False
        self.at(1.3)                    # past it: the whole cell
        self.assertEqual([['a'], None], self.watcher.reads)
