"""The diff of known and polled statuses, and the per-cell status read."""

from unittest import mock

import fixtures
import testtools

from host_status_ext.notifier import watcher
from host_status_ext import status


class TestDiff(testtools.TestCase):

    def test_nothing_changed(self):
        known = {'c1': {'h1': 'UP', 'h2': 'DOWN'}, 'c2': {'h3': 'UP'}}
        self.assertEqual([], watcher.diff(known, known))

    def test_changes_in_two_cells(self):
        known = {'c1': {'h1': 'UP', 'h2': 'UP'}, 'c2': {'h3': 'UP'}}
        polled = {'c1': {'h1': 'DOWN', 'h2': 'UP'},
                  'c2': {'h3': 'UNKNOWN'}}
        self.assertEqual([('c1', 'h1', 'UP', 'DOWN'),
                          ('c2', 'h3', 'UP', 'UNKNOWN')],
                         watcher.diff(known, polled))

    def test_cell_that_did_not_answer_is_not_compared(self):
        known = {'c1': {'h1': 'UP'}, 'c2': {'h3': 'UP'}}
        self.assertEqual([], watcher.diff(known, {'c1': {'h1': 'UP'}}))

    def test_new_and_removed_hosts_go_from_and_to_empty(self):
        known = {'c1': {'old': 'UP'}}
        polled = {'c1': {'new': 'UP'}, 'c2': {'n2': 'MAINTENANCE'}}
        self.assertEqual([('c1', 'new', '', 'UP'),
                          ('c1', 'old', 'UP', ''),
                          ('c2', 'n2', '', 'MAINTENANCE')],
                         watcher.diff(known, polled))


FakeService = dict


class TestHostStatuses(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # The failure paths log warnings: into the test's details, shown
        # only if it fails, not onto the console.
        self.useFixture(fixtures.FakeLogger())

    def test_precedence_and_servicegroup(self):
        services = [
            FakeService(host='up', disabled=False, forced_down=False),
            FakeService(host='lost', disabled=False, forced_down=False),
            FakeService(host='forced', disabled=False, forced_down=True),
            FakeService(host='maint', disabled=True, forced_down=True),
        ]
        sg = mock.Mock()
        sg.service_is_up.side_effect = lambda s: s['host'] == 'up'
        w = watcher.CellWatcher(mock.Mock(), servicegroup_api=sg)
        with mock.patch('host_status_ext.lookup.select_compute_services',
                        return_value=services) as get:
            result = w._host_statuses(mock.sentinel.cctxt)
        get.assert_called_once_with(mock.sentinel.cctxt)
        self.assertEqual({'up': status.UP, 'lost': status.UNKNOWN,
                          'forced': status.DOWN,
                          'maint': status.MAINTENANCE}, result)
        self.assertEqual(4, sg.service_is_up.call_count)

    def test_poll_leaves_out_cells_that_failed_or_timed_out(self):
        from nova import context as nova_context
        conf = mock.Mock()
        w = watcher.CellWatcher(conf, servicegroup_api=mock.Mock())
        results = {'ok': {'h1': 'UP'},
                   'slow': nova_context.did_not_respond_sentinel,
                   'broken': RuntimeError('db gone')}
        with mock.patch('nova.context.scatter_gather_cells',
                        return_value=results):
            self.assertEqual({'ok': {'h1': 'UP'}},
                             w.poll(mock.sentinel.ctxt, {}))
