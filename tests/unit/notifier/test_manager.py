"""The loop body: baseline, emit-then-save, retry on failure, silence."""

from unittest import mock

import fixtures
import testtools

from host_status_ext.notifier import manager


class FakeWatcher(object):
    def __init__(self, polled):
        self.polled = polled

    def cells(self, ctxt):
        return {'c1': 'cell-mapping-1', 'c2': 'cell-mapping-2'}

    def poll(self, ctxt, cells):
        return {c: dict(h) for c, h in self.polled.items()}


class FakeStore(object):
    path = '/nowhere'

    def __init__(self, saved=None):
        self.saved = saved
        self.saves = 0

    def load(self):
        return None if self.saved is None else {
            c: dict(h) for c, h in self.saved.items()}

    def save(self, cells):
        self.saves += 1
        self.saved = {c: dict(h) for c, h in cells.items()}


class TestManager(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # The failure paths log warnings: into the test's details, shown
        # only if it fails, not onto the console.
        self.useFixture(fixtures.FakeLogger())
        self.useFixture_patch = mock.patch(
            'nova.context.get_admin_context', return_value='ctxt')
        self.useFixture_patch.start()
        self.addCleanup(self.useFixture_patch.stop)
        self.watcher = FakeWatcher({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}})
        self.emitter = mock.Mock()
        self.emitter.emit_host_change.return_value = 7

    def make(self, saved=None):
        self.store = FakeStore(saved)
        return manager.HostStatusNotifierManager(self.watcher, self.emitter,
                                                 self.store)

    def test_first_start_without_state_is_a_silent_baseline(self):
        self.assertEqual([], self.make().tick())
        self.emitter.emit_host_change.assert_not_called()
        self.assertEqual({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}},
                         self.store.saved)

    def test_change_is_emitted_then_saved(self):
        m = self.make({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}})
        self.watcher.polled['c2']['h2'] = 'DOWN'
        emitted = m.tick()
        self.assertEqual([('c2', 'h2', 'UP', 'DOWN', 7)], emitted)
        self.emitter.emit_host_change.assert_called_once_with(
            'ctxt', 'cell-mapping-2', 'h2', 'UP', 'DOWN', mock.ANY)
        self.assertEqual('DOWN', self.store.saved['c2']['h2'])
        self.assertEqual([], m.tick())
        self.assertEqual(1, self.emitter.emit_host_change.call_count)
        self.assertEqual(1, self.store.saves)

    def test_steady_state_neither_emits_nor_writes(self):
        m = self.make({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}})
        for _ in range(3):
            self.assertEqual([], m.tick())
        self.emitter.emit_host_change.assert_not_called()
        self.assertEqual(0, self.store.saves)

    def test_failed_emission_is_not_saved_and_is_retried(self):
        m = self.make({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}})
        self.watcher.polled['c1']['h1'] = 'UNKNOWN'
        self.emitter.emit_host_change.side_effect = [RuntimeError('bus'), 3]
        self.assertEqual([], m.tick())
        self.assertEqual('UP', self.store.saved['c1']['h1'])
        self.assertEqual([('c1', 'h1', 'UP', 'UNKNOWN', 3)], m.tick())
        self.assertEqual('UNKNOWN', self.store.saved['c1']['h1'])

    def test_one_failing_host_does_not_hold_back_the_others(self):
        m = self.make({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}})
        self.watcher.polled = {'c1': {'h1': 'DOWN'}, 'c2': {'h2': 'DOWN'}}
        self.emitter.emit_host_change.side_effect = [RuntimeError('x'), 1]
        self.assertEqual([('c2', 'h2', 'UP', 'DOWN', 1)], m.tick())
        self.assertEqual({'c1': {'h1': 'UP'}, 'c2': {'h2': 'DOWN'}},
                         self.store.saved)

    def test_a_new_cell_is_a_silent_starting_point(self):
        m = self.make({'c1': {'h1': 'UP'}})
        self.watcher.polled['c2']['h2'] = 'DOWN'
        self.assertEqual([], m.tick())
        self.emitter.emit_host_change.assert_not_called()
        self.assertEqual({'c1': {'h1': 'UP'}, 'c2': {'h2': 'DOWN'}},
                         self.store.saved)
        # From then on its changes are emitted like any other.
        self.watcher.polled['c2']['h2'] = 'UP'
        self.assertEqual([('c2', 'h2', 'DOWN', 'UP', 7)], m.tick())

    def test_a_new_host_in_a_known_cell_is_a_change_from_empty(self):
        m = self.make({'c1': {'h1': 'UP'}, 'c2': {}})
        self.assertEqual([('c2', 'h2', '', 'UP', 7)], m.tick())
