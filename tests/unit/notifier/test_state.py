"""The state file: round trip, absence, refusal of garbage, atomicity."""

import json
import os
from unittest import mock

import fixtures
import testtools

from host_status_ext.notifier import state


class TestStateStore(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.store = state.StateStore(os.path.join(self.dir, 'state.json'))

    def test_missing_file_is_no_state(self):
        self.assertIsNone(self.store.load())

    def test_round_trip_drops_empty_statuses(self):
        self.store.save({'c1': {'h1': 'UP', 'h2': ''}, 'c2': {}})
        self.assertEqual({'c1': {'h1': 'UP'}, 'c2': {}}, self.store.load())

    def test_refuses_a_file_that_is_not_a_state(self):
        with open(self.store.path, 'w') as f:
            json.dump({'hosts': {}}, f)
        self.assertRaises(ValueError, self.store.load)

    def test_failed_write_keeps_the_old_file_and_no_temporary(self):
        self.store.save({'c1': {'h1': 'UP'}})
        with mock.patch('json.dump', side_effect=OSError('disk full')):
            self.assertRaises(OSError, self.store.save,
                              {'c1': {'h1': 'DOWN'}})
        self.assertEqual({'c1': {'h1': 'UP'}}, self.store.load())
        self.assertEqual(['state.json'], os.listdir(self.dir))
