"""The loop body: baseline, record-send-commit, retry on failure, silence,
fencing, and the re-send of what was in flight after a takeover."""

import os
from unittest import mock

import fixtures
import testtools

from host_status_ext.notifier import coordination
from host_status_ext.notifier import delivery
from host_status_ext.notifier import manager
from host_status_ext.notifier import state
from tests.unit.notifier import fixtures as notifier_fixtures


class FakeWatcher(object):
    def __init__(self, polled):
        self.polled = polled

    def cells(self, ctxt):
        return {'c1': 'cell-mapping-1', 'c2': 'cell-mapping-2'}

    def poll(self, ctxt, cells):
        return {c: dict(h) for c, h in self.polled.items() if c in cells}


class Coordinator(coordination.SoloCoordinator):
    """Hands out the cells it is told to."""

    def __init__(self, cells=('c1', 'c2')):
        self.cells = set(cells)
        self.released = []

    def cells_to_watch(self, cell_uuids):
        return self.cells & set(cell_uuids)

    def release(self, cell_uuid):
        self.released.append(cell_uuid)


class Base(object):

    def setUp(self):
        super().setUp()
        # The failure paths log warnings: into the test's details, shown
        # only if it fails, not onto the console.
        self.useFixture(fixtures.FakeLogger())
        patcher = mock.patch('nova.context.get_admin_context',
                             return_value='ctxt')
        patcher.start()
        self.addCleanup(patcher.stop)
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.watcher = FakeWatcher({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}})
        self.emitter = mock.Mock()
        self.emitter.emit_host_change.return_value = 7

    def make(self, coordinator=None, emitter=None):
        return manager.HostStatusNotifierManager(
            self.watcher, emitter or self.emitter, self.new_store(),
            coordinator, owner='me')

    def baselined(self, **kw):
        m = self.make(**kw)
        self.assertEqual([], m.tick())
        return m

    def changes_sent(self):
        return [(c[0][2], c[0][3]) for c in
                self.emitter.emit_host_change.call_args_list]

    def test_first_start_is_a_silent_baseline(self):
        self.baselined()
        self.emitter.emit_host_change.assert_not_called()
        self.assertEqual({'h1': 'UP'}, self.new_store().read('c1').hosts)

    def test_change_is_recorded_sent_then_committed(self):
        m = self.baselined()
        self.watcher.polled['c2']['h2'] = 'DOWN'
        self.assertEqual([('c2', 'h2', 'UP', 'DOWN', 7)], m.tick())
        ctxt, mapping, host, change = \
            self.emitter.emit_host_change.call_args[0]
        self.assertEqual(('cell-mapping-2', 'h2', 'UP', 'DOWN'),
                         (mapping, host, change.old, change.new))
        self.assertRegex(change.changed_at,
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$')
        saved = self.new_store().read('c2')
        self.assertEqual(({'h2': 'DOWN'}, {}), (saved.hosts, saved.pending))
        self.assertEqual([], m.tick())
        self.assertEqual(1, self.emitter.emit_host_change.call_count)

    def test_steady_state_sends_nothing(self):
        m = self.baselined()
        for _ in range(3):
            self.assertEqual([], m.tick())
        self.emitter.emit_host_change.assert_not_called()

    def test_failed_send_stays_pending_and_is_resent_identically(self):
        m = self.baselined()
        self.watcher.polled['c1']['h1'] = 'UNKNOWN'
        self.emitter.emit_host_change.side_effect = [
            delivery.DeliveryFailed('bus'), 3]
        self.assertEqual([], m.tick())
        pending = self.new_store().read('c1').pending
        self.assertEqual(['h1'], list(pending))
        self.assertEqual([('c1', 'h1', 'UP', 'UNKNOWN', 3)], m.tick())
        first, second = [c[0][3] for c in
                         self.emitter.emit_host_change.call_args_list]
        self.assertEqual(first, second)  # same changed_at: same event ids
        self.assertEqual({}, self.new_store().read('c1').pending)

    def test_a_failed_send_stops_sending_but_not_recording(self):
        m = self.baselined()
        self.watcher.polled = {'c1': {'h1': 'DOWN'}, 'c2': {'h2': 'DOWN'}}
        self.emitter.emit_host_change.side_effect = delivery.DeliveryFailed(
            'down')
        self.assertEqual([], m.tick())
        # One attempt (broker down for the rest of the tick), both recorded.
        self.assertEqual(1, self.emitter.emit_host_change.call_count)
        self.assertEqual(['h1'], list(self.new_store().read('c1')
                                      .pending))
        self.assertEqual(['h2'], list(self.new_store().read('c2')
                                      .pending))
        self.emitter.emit_host_change.side_effect = None
        self.assertEqual(2, len(m.tick()))

    def test_a_host_changing_again_while_pending_is_sent_after(self):
        m = self.baselined()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        self.emitter.emit_host_change.side_effect = delivery.DeliveryFailed(
            'down')
        m.tick()
        self.watcher.polled['c1']['h1'] = 'MAINTENANCE'
        m.tick()
        self.emitter.emit_host_change.side_effect = None
        m.tick()
        m.tick()
        self.assertEqual(
            [('h1', ('UP', 'DOWN'))] * 3 + [('h1', ('DOWN', 'MAINTENANCE'))],
            [(h, (c.old, c.new)) for h, c in self.changes_sent()])

    def test_a_new_host_in_a_known_cell_is_a_change_from_empty(self):
        m = self.baselined()
        self.watcher.polled['c2']['h3'] = 'UP'
        self.assertEqual([('c2', 'h3', '', 'UP', 7)], m.tick())

    def test_a_removed_host_is_a_change_to_empty_and_forgotten(self):
        m = self.baselined()
        del self.watcher.polled['c2']['h2']
        self.assertEqual([('c2', 'h2', 'UP', '', 7)], m.tick())
        self.assertEqual({}, self.new_store().read('c2').hosts)

    def test_a_crash_after_recording_is_resent_by_the_next_owner(self):
        m = self.baselined()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        self.emitter.emit_host_change.side_effect = RuntimeError('crash')
        m.tick()
        self.emitter.emit_host_change.side_effect = None
        first = self.changes_sent()[0][1]
        # A new instance (after a crash or a takeover) re-sends it as it was.
        successor = self.make()
        self.assertEqual([('c1', 'h1', 'UP', 'DOWN', 7)], successor.tick())
        self.assertEqual(first, self.changes_sent()[1][1])
        self.assertEqual([], successor.tick())

    def test_only_the_cells_the_coordinator_gives_are_polled(self):
        coordinator = Coordinator(['c2'])
        m = self.baselined(coordinator=coordinator)
        self.assertEqual({'c2'}, m.watched_cells())
        self.watcher.polled = {'c1': {'h1': 'DOWN'}, 'c2': {'h2': 'DOWN'}}
        self.assertEqual([('c2', 'h2', 'UP', 'DOWN', 7)], m.tick())
        coordinator.cells = {'c1'}
        self.assertEqual([], m.tick())  # c1 is new to the store: baseline
        self.assertEqual({'c1'}, m.watched_cells())


class TestWithStateFile(Base, testtools.TestCase):

    def new_store(self):
        return state.FileStore(os.path.join(self.dir, 'state.json'))


class TestWithSharedDatabase(Base, testtools.TestCase):

    def new_store(self):
        if not hasattr(self, 'database'):
            self.database = self.useFixture(
                notifier_fixtures.SharedDatabase())
        return self.database.store()

    def test_a_fenced_instance_sends_nothing_more_for_the_cell(self):
        coordinator = Coordinator()
        old = self.baselined(coordinator=coordinator)
        # Another instance takes c1 (its lock expired under the old one).
        new = self.make(coordinator=Coordinator(['c1']))
        new.tick()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        self.watcher.polled['c2']['h2'] = 'DOWN'
        sent = old.tick()
        # The old one noticed at the top of its tick: c2 only.
        self.assertEqual([('c2', 'h2', 'UP', 'DOWN', 7)], sent)
        self.assertEqual({'c2'}, old.watched_cells())
        self.assertEqual(['c1'], coordinator.released)
        self.assertEqual([('c1', 'h1', 'UP', 'DOWN', 7)], new.tick())

    def test_a_write_after_a_takeover_is_refused(self):
        old = self.baselined()
        self.watcher.polled['c1']['h1'] = 'DOWN'
        taken = []

        def send_then_lose_the_cell(ctxt, mapping, host, change):
            # The takeover happens while this instance is sending.
            taken.append(self.new_store().take(mapping[-1] == '1' and 'c1'
                                               or 'c2', 'other'))
            return 7
        self.emitter.emit_host_change.side_effect = send_then_lose_the_cell
        self.assertEqual([], old.tick())
        self.assertEqual({'c2'}, old.watched_cells())
        # The commit was refused: the change is still pending for the new
        # owner, which sends it again with the same changed_at.
        left = self.new_store().read('c1')
        self.assertEqual('DOWN', left.pending['h1'].new)
        self.assertEqual(taken[0].pending['h1'], left.pending['h1'])
