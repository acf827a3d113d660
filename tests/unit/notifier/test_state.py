"""Both stores: round trip, absence, refusal of garbage, atomicity of the
file; epochs and fenced writes of the shared database."""

import json
import os
from unittest import mock

import fixtures
import testtools

from host_status_ext.notifier import state
from tests.unit.notifier import fixtures as notifier_fixtures

P = state.Pending('UP', 'DOWN', '2026-11-26T05:00:00.000001Z')


def saved(path):
    """``{cell: {host: status}}`` as the state file holds it, or None."""
    try:
        with open(path) as f:
            return json.load(f)['cells']
    except FileNotFoundError:
        return None


class TestFileStore(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'state.json')
        self.store = state.FileStore(self.path)

    def test_missing_file_is_no_state(self):
        self.assertIsNone(saved(self.path))
        self.assertFalse(self.store.take('c1').baselined)

    def test_round_trip_drops_empty_statuses(self):
        self.store.save({'c1': {'h1': 'UP', 'h2': ''}, 'c2': {}})
        self.assertEqual({'c1': {'h1': 'UP'}, 'c2': {}}, saved(self.path))

    def test_pending_survives_a_restart(self):
        s = self.store.take('c1')
        self.store.baseline(s, {'h1': 'UP'})
        self.store.record_pending(s, {'h1': P})
        again = state.FileStore(self.path).take('c1')
        self.assertEqual(({'h1': 'UP'}, {'h1': P}),
                         (again.hosts, again.pending))
        self.store.commit(s, 'h1', 'DOWN')
        again = state.FileStore(self.path).take('c1')
        self.assertEqual(({'h1': 'DOWN'}, {}), (again.hosts, again.pending))

    def test_reads_a_version_1_file(self):
        with open(self.path, 'w') as f:
            json.dump({'version': 1, 'cells': {'c1': {'h1': 'UP'}}}, f)
        s = self.store.take('c1')
        self.assertEqual((True, {'h1': 'UP'}, {}),
                         (s.baselined, s.hosts, s.pending))

    def test_refuses_a_file_that_is_not_a_state(self):
        with open(self.path, 'w') as f:
            json.dump({'hosts': {}}, f)
        self.assertRaises(ValueError, self.store.take, 'c1')

    def test_failed_write_keeps_the_old_file_and_no_temporary(self):
        self.store.save({'c1': {'h1': 'UP'}})
        with mock.patch('json.dump', side_effect=OSError('disk full')):
            self.assertRaises(OSError, self.store.save,
                              {'c1': {'h1': 'DOWN'}})
        self.assertEqual({'c1': {'h1': 'UP'}}, saved(self.path))
        self.assertEqual(['state.json'], os.listdir(self.dir))


class TestDatabaseStore(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.database = self.useFixture(notifier_fixtures.SharedDatabase())

    def store(self):
        return self.database.store()

    def test_take_bumps_the_epoch_and_reads_what_the_last_owner_left(self):
        a = self.store().take('c1', 'a')
        self.assertEqual((1, False), (a.epoch, a.baselined))
        self.store().baseline(a, {'h1': 'UP', 'h2': 'UP', 'gone': ''})
        self.store().record_pending(a, {'h1': P})
        b = self.store().take('c1', 'b')
        self.assertEqual(2, b.epoch)
        self.assertEqual((True, {'h1': 'UP', 'h2': 'UP'}, {'h1': P}),
                         (b.baselined, b.hosts, b.pending))

    def test_every_write_of_a_fenced_owner_is_refused(self):
        store = self.store()
        a = store.take('c1', 'a')
        store.baseline(a, {'h1': 'UP'})
        b = store.take('c1', 'b')
        self.assertEqual({'c1'}, store.still_current([b]))
        self.assertEqual(set(), store.still_current([a]))
        self.assertRaises(state.Fenced, store.record_pending, a, {'h1': P})
        self.assertRaises(state.Fenced, store.commit, a, 'h1', 'DOWN')
        self.assertRaises(state.Fenced, store.baseline, a, {})
        # Nothing of it reached the database.
        c = store.take('c1', 'c')
        self.assertEqual(({'h1': 'UP'}, {}), (c.hosts, c.pending))

    def test_commit_clears_the_pending_change(self):
        store = self.store()
        a = store.take('c1', 'a')
        store.baseline(a, {'h1': 'UP'})
        store.record_pending(a, {'h1': P, 'new': state.Pending(
            '', 'UP', P.changed_at)})
        store.commit(a, 'h1', 'DOWN')
        store.commit(a, 'new', 'UP')
        b = store.take('c1', 'b')
        self.assertEqual(({'h1': 'DOWN', 'new': 'UP'}, {}),
                         (b.hosts, b.pending))

    def test_cells_are_independent(self):
        store = self.store()
        a1, a2 = store.take('c1', 'a'), store.take('c2', 'a')
        store.take('c1', 'b')
        self.assertEqual({'c2'}, store.still_current([a1, a2]))
