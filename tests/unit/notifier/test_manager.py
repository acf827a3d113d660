"""Ownership and the per-cell work: baseline, record-send-commit, retry on
failure, silence, fencing, the re-send of what was in flight after a
takeover, and where a wake-up goes."""

import collections
import os
import types
from unittest import mock

import fixtures
import testtools

from host_status_ext.notifier import coordination
from host_status_ext.notifier import delivery
from host_status_ext.notifier import listener
from host_status_ext.notifier import manager
from host_status_ext.notifier import state
from host_status_ext.notifier import watcher
from tests.notifier_drive import read_all
from tests.notifier_drive import step_all
from tests.unit.notifier import fixtures as notifier_fixtures

Mapping = collections.namedtuple('Mapping', ['uuid'])


def reading(value):
    return watcher.HostReading(value, value == 'MAINTENANCE',
                               value == 'DOWN',
                               3600.0 if value == 'UP' else None)


class FakeWatcher(object):
    """Two cells whose hosts read as ``polled`` says; counts the reads."""

    def __init__(self, polled):
        self.polled = polled
        self.reads = []

    def cells(self, ctxt):
        return {'c1': Mapping('c1'), 'c2': Mapping('c2')}

    def read_cell(self, ctxt, mapping):
        self.reads.append((mapping.uuid, None))
        return {h: reading(s)
                for h, s in self.polled.get(mapping.uuid, {}).items()}

    def read_hosts(self, ctxt, mapping, hosts):
        self.reads.append((mapping.uuid, sorted(hosts)))
        return {h: reading(s)
                for h, s in self.polled.get(mapping.uuid, {}).items()
                if h in hosts}


class Coordinator(coordination.SoloCoordinator):
    """Hands out the cells it is told to."""

    def __init__(self, cells=('c1', 'c2')):
        self.cells = set(cells)
        self.released = []

    def cells_to_watch(self, cell_uuids):
        return self.cells & set(cell_uuids)

    def release(self, cell_uuid):
        self.released.append(cell_uuid)


CONF = types.SimpleNamespace(
    host_status_notifier=types.SimpleNamespace(
        poll_interval=0.001, full_read_interval=3600.0, cell_timeout=10),
    report_interval=10, service_down_time=60)


class Base(object):

    def setUp(self):
        super().setUp()
        # The failure paths log warnings: into the test's details, shown
        # only if it fails, not onto the console.
        self.useFixture(fixtures.FakeLogger())
        for name in ('nova.context.get_admin_context',):
            patcher = mock.patch(name, return_value='ctxt')
            patcher.start()
            self.addCleanup(patcher.stop)
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.watcher = FakeWatcher({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}})
        self.emitter = mock.Mock()
        self.emitter.emit_host_change.return_value = 7

    def make(self, coordinator=None, emitter=None):
        return manager.HostStatusNotifierManager(
            self.watcher, emitter or self.emitter, self.new_store(), CONF,
            coordinator, owner='me')

    def baselined(self, **kw):
        m = self.make(**kw)
        self.assertEqual([], read_all(m))
        return m

    def changes_sent(self):
        return [(c[0][2], c[0][3]) for c in
                self.emitter.emit_host_change.call_args_list]

    def test_first_start_is_a_silent_baseline(self):
        self.baselined()
        self.emitter.emit_host_change.assert_not_called()
        self.assertEqual({'h1': 'UP'}, self.saved('c1').hosts)

    def test_change_is_recorded_sent_then_committed(self):
        m = self.baselined()
        self.watcher.polled['c2']['h2'] = 'DOWN'
        self.assertEqual([('c2', 'h2', 'UP', 'DOWN', 7)], read_all(m))
        ctxt, mapping, host, change = \
            self.emitter.emit_host_change.call_args[0]
        self.assertEqual((Mapping('c2'), 'h2', 'UP', 'DOWN'),
                         (mapping, host, change.old, change.new))
        self.assertRegex(change.changed_at,
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$')
        saved = self.saved('c2')
        self.assertEqual(({'h2': 'DOWN'}, {}), (saved.hosts, saved.pending))
        self.assertEqual([], read_all(m))
        self.assertEqual(1, self.emitter.emit_host_change.call_count)

    def test_a_wake_up_reads_only_its_host(self):
        m = self.baselined()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        self.watcher.reads = []
        m.wake('h1', listener.Expectation(False, True, False))
        self.assertEqual([('c1', 'h1', 'UP', 'DOWN', 7)], step_all(m))
        self.assertEqual([('c1', ['h1'])], self.watcher.reads)

    def test_nothing_due_reads_nothing(self):
        m = self.baselined()
        self.watcher.reads = []
        for _ in range(3):
            self.assertEqual([], step_all(m))
        self.assertEqual([], self.watcher.reads)
        self.emitter.emit_host_change.assert_not_called()

    def test_steady_state_sends_nothing(self):
        m = self.baselined()
        for _ in range(3):
            self.assertEqual([], read_all(m))
        self.emitter.emit_host_change.assert_not_called()

    def test_failed_send_stays_pending_and_is_resent_identically(self):
        m = self.baselined()
        self.watcher.polled['c1']['h1'] = 'UNKNOWN'
        self.emitter.emit_host_change.side_effect = [
            delivery.DeliveryFailed('bus'), 3]
        self.assertEqual([], read_all(m))
        self.assertEqual(['h1'], list(self.saved('c1').pending))
        # Sent again by the cell on its own, without a read.
        self.assertEqual([('c1', 'h1', 'UP', 'UNKNOWN', 3)], step_all(m))
        first, second = [c[0][3] for c in
                         self.emitter.emit_host_change.call_args_list]
        self.assertEqual(first, second)  # same changed_at: same event ids
        self.assertEqual({}, self.saved('c1').pending)

    def test_a_failed_send_stops_sending_but_not_recording(self):
        m = self.baselined()
        self.watcher.polled = {'c1': {'h1': 'DOWN', 'h3': 'DOWN'},
                               'c2': {'h2': 'DOWN'}}
        self.emitter.emit_host_change.side_effect = delivery.DeliveryFailed(
            'down')
        self.assertEqual([], read_all(m))
        # One attempt per cell (the rest of the cell waits), all recorded.
        self.assertEqual(2, self.emitter.emit_host_change.call_count)
        self.assertEqual(['h1', 'h3'], sorted(self.saved('c1').pending))
        self.assertEqual(['h2'], list(self.saved('c2').pending))
        self.emitter.emit_host_change.side_effect = None
        self.assertEqual(3, len(step_all(m)))

    def test_a_host_changing_again_while_pending_is_sent_after(self):
        m = self.baselined()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        self.emitter.emit_host_change.side_effect = delivery.DeliveryFailed(
            'down')
        read_all(m)
        self.watcher.polled['c1']['h1'] = 'MAINTENANCE'
        read_all(m)
        self.emitter.emit_host_change.side_effect = None
        step_all(m)     # the pending change sent; h1 to be read again
        step_all(m)     # ... and its further change found and sent
        sent = [(h, (c.old, c.new)) for h, c in self.changes_sent()]
        # Failed attempts, then the first change, then the second.
        self.assertEqual([('h1', ('UP', 'DOWN')),
                          ('h1', ('DOWN', 'MAINTENANCE'))], sent[-2:])
        self.assertEqual({('h1', ('UP', 'DOWN'))}, set(sent[:-1]))

    def test_a_new_host_in_a_known_cell_is_a_change_from_empty(self):
        m = self.baselined()
        self.watcher.polled['c2']['h3'] = 'UP'
        self.assertEqual([('c2', 'h3', '', 'UP', 7)], read_all(m))

    def test_a_removed_host_is_a_change_to_empty_and_forgotten(self):
        m = self.baselined()
        del self.watcher.polled['c2']['h2']
        self.assertEqual([('c2', 'h2', 'UP', '', 7)], read_all(m))
        self.assertEqual({}, self.saved('c2').hosts)

    def test_a_deleted_service_woken_is_a_change_to_empty(self):
        m = self.baselined()
        del self.watcher.polled['c2']['h2']
        m.wake('h2', listener.Expectation(False, False, True))
        self.assertEqual([('c2', 'h2', 'UP', '', 7)], step_all(m))

    def test_a_crash_after_recording_is_resent_by_the_next_owner(self):
        m = self.baselined()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        self.emitter.emit_host_change.side_effect = RuntimeError('crash')
        read_all(m)
        self.emitter.emit_host_change.side_effect = None
        first = self.changes_sent()[0][1]
        # A new instance (after a crash or a takeover) re-sends it as it was.
        successor = self.make()
        self.assertEqual([('c1', 'h1', 'UP', 'DOWN', 7)], read_all(successor))
        self.assertEqual(first, self.changes_sent()[1][1])
        self.assertEqual([], read_all(successor))

    def test_only_the_cells_the_coordinator_gives_are_read(self):
        coordinator = Coordinator(['c2'])
        m = self.baselined(coordinator=coordinator)
        self.assertEqual({'c2'}, set(m.workers))
        self.watcher.polled = {'c1': {'h1': 'DOWN'}, 'c2': {'h2': 'DOWN'}}
        self.assertEqual([('c2', 'h2', 'UP', 'DOWN', 7)], read_all(m))
        coordinator.cells = {'c1'}
        self.assertEqual([], read_all(m))  # c1 is new to the store: baseline
        self.assertEqual({'c1'}, set(m.workers))

    def test_a_wake_up_of_a_cell_owned_elsewhere_is_dropped(self):
        m = self.baselined(coordinator=Coordinator(['c2']))
        self.watcher.polled['c1']['h1'] = 'DOWN'
        self.watcher.reads = []
        with mock.patch.object(m, '_mapped_cell', return_value='c1'):
            m.wake('h1', listener.Expectation(False, True, False))
        self.assertEqual([], step_all(m))
        self.assertEqual([], self.watcher.reads)

    def test_a_host_no_cell_knows_wakes_every_cell(self):
        m = self.baselined()
        self.watcher.polled['c2']['h9'] = 'UP'
        self.watcher.reads = []
        with mock.patch.object(m, '_mapped_cell', return_value=None):
            m.wake('h9', listener.Expectation(False, False, False))
        self.assertEqual([('c2', 'h9', '', 'UP', 7)], step_all(m))
        self.assertEqual([('c1', ['h9']), ('c2', ['h9'])],
                         self.watcher.reads)


class TestWithStateFile(Base, testtools.TestCase):

    def new_store(self):
        return state.FileStore(os.path.join(self.dir, 'state.json'))

    def saved(self, cell_uuid):
        return self.new_store().take(cell_uuid)


class TestWithSharedDatabase(Base, testtools.TestCase):

    def new_store(self):
        if not hasattr(self, 'database'):
            self.database = self.useFixture(
                notifier_fixtures.SharedDatabase())
        return self.database.store()

    def saved(self, cell_uuid):
        store = self.new_store()
        with store.engine.connect() as conn:
            return store._read(conn, cell_uuid)

    def test_a_fenced_instance_sends_nothing_more_for_the_cell(self):
        coordinator = Coordinator()
        old = self.baselined(coordinator=coordinator)
        # Another instance takes c1 (its lock expired under the old one).
        new = self.make(coordinator=Coordinator(['c1']))
        new.tick()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        self.watcher.polled['c2']['h2'] = 'DOWN'
        sent = read_all(old)
        # The old one noticed at the top of its round: c2 only.
        self.assertEqual([('c2', 'h2', 'UP', 'DOWN', 7)], sent)
        self.assertEqual({'c2'}, set(old.workers))
        self.assertEqual(['c1'], coordinator.released)
        self.assertEqual([('c1', 'h1', 'UP', 'DOWN', 7)], read_all(new))

    def test_a_write_after_a_takeover_is_refused(self):
        old = self.baselined()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        taken = []

        def send_then_lose_the_cell(ctxt, mapping, host, change):
            # The takeover happens while this instance is sending.
            taken.append(self.new_store().take(mapping.uuid, 'other'))
            return 7
        self.emitter.emit_host_change.side_effect = send_then_lose_the_cell
        old.tick()
        worker = old.workers['c1']
        worker.read_all()
        self.assertRaises(state.Fenced, worker.step)
        # The commit was refused: the change is still pending for the new
        # owner, which sends it again with the same changed_at.
        left = self.saved('c1')
        self.assertEqual('DOWN', left.pending['h1'].new)
        self.assertEqual(taken[0].pending['h1'], left.pending['h1'])
