"""Servers in two cells; a cell that is down, fails or is slow."""

import time

import fixtures
from nova import objects
from nova.tests import fixtures as nova_fixtures
from nova import utils
from oslo_db import exception as db_exc

from tests.functional import base

# Every read of service records by the filter, for a listing or for one
# server, goes through this function.
ROWS = base.LOOKUP_EXECUTE


class TestCells(base.HostStatusTestCase):

    def setUp(self):
        super().setUp()
        self.in_cell1 = self.boot('host1', name='in-cell1')
        self.in_cell2 = self.boot('host3', name='in-cell2')

    def test_each_server_gets_its_own_cell_host_status(self):
        self.force_down('host3')
        self.disable('host1')
        self.assertEqual({'in-cell1': 'MAINTENANCE', 'in-cell2': 'DOWN'},
                         self.statuses(self.admin_api))
        self.assertEqual('DOWN', self.shown(self.admin_api, self.in_cell2))

    def test_down_cell(self):
        cell2 = self.cell_mappings['cell2']
        with nova_fixtures.DownCellFixture([cell2]):
            # Below 2.69 nova skips the down cell's servers.
            self.assertEqual({'in-cell1': 'UP'},
                             self.statuses(self.admin_api))
            # From 2.69 nova lists them as partial records: no host_status.
            with utils.temporary_mutation(self.admin_api,
                                          microversion='2.69'):
                servers = {s['id']: s for s in self.admin_api.get_servers()}
                partial = servers[self.in_cell2['id']]
                self.assertEqual('UNKNOWN', partial['status'])
                self.assertNotIn('host_status', partial)
                self.assertEqual(
                    'UP', servers[self.in_cell1['id']]['host_status'])
                shown = self.admin_api.get_server(self.in_cell2['id'])
                self.assertNotIn('host_status', shown)

    def _fail_in(self, cell_name, failure):
        real = base.lookup_execute()
        cell_uuid = self.cell_mappings[cell_name].uuid

        def rows(cell_context, statement, **parameters):
            if cell_context.cell_uuid == cell_uuid:
                return failure()
            return real(cell_context, statement, **parameters)
        self.useFixture(fixtures.MonkeyPatch(ROWS, rows))

    def _raise(self):
        raise db_exc.DBConnectionError('cell2 is unreachable')

    def test_a_cell_that_errors_only_for_the_filter(self):
        self._fail_in('cell2', self._raise)
        # nova answers for both cells; the filter can vouch only for cell1.
        self.assertEqual({'in-cell1': 'UP', 'in-cell2': None},
                         self.statuses(self.admin_api))
        self.assertIsNone(self.shown(self.admin_api, self.in_cell2))
        self.assertEqual('UP', self.shown(self.admin_api, self.in_cell1))

    def test_a_cell_slower_than_cell_timeout(self):
        self.flags(cell_timeout=1, group='host_status_ext')

        def slow():
            time.sleep(3)
            return []
        self._fail_in('cell2', slow)
        self.assertEqual({'in-cell1': 'UP', 'in-cell2': None},
                         self.statuses(self.admin_api))

    def test_failing_cell_logs_an_episode_not_a_line_per_listing(self):
        real = base.lookup_execute()
        self._fail_in('cell2', self._raise)
        for _ in range(20):
            self.assertEqual({'in-cell1': 'UP', 'in-cell2': None},
                             self.statuses(self.admin_api))
        self.useFixture(fixtures.MonkeyPatch(ROWS, real))
        self.assertEqual({'in-cell1': 'UP', 'in-cell2': 'UP'},
                         self.statuses(self.admin_api))
        cell2 = self.cell_mappings['cell2'].uuid
        lines = [line for line in self.log_lines()
                 if 'host_status_ext' in line and cell2 in line]
        self.assertEqual(2, len(lines), '\n'.join(lines))
        self.assertIn('failing', lines[0])
        self.assertIn('recovered', lines[1])
        self.assertIn('20 failure(s)', lines[1])

    def log_lines(self):
        # nova's StandardLogging (nova.test.TestCase) captures the test's
        # logging at INFO.
        return self.stdlog.logger.output.splitlines()

    def test_a_context_targeted_at_another_cell_gives_no_value(self):
        # nova leaves the request context targeted at the server's cell
        # after reading it, and the filter asks that cell alone. Were it
        # targeted at another cell, the server is not there: it must get
        # no host_status at all, never "".
        from nova.compute import api as compute_api
        from nova import context as nova_context
        real_get = compute_api.API.get
        cell1 = self.cell_mappings['cell1']

        def get(api, context, *args, **kwargs):
            instance = real_get(api, context, *args, **kwargs)
            nova_context.set_target_cell(context, cell1)
            return instance
        self.useFixture(fixtures.MonkeyPatch(
            'nova.compute.api.API.get', get))
        seen = self._cells_asked()
        self.assertIsNone(self.shown(self.admin_api, self.in_cell2))
        self.assertEqual([cell1.uuid], seen)
        self.assertEqual('UP', self.shown(self.admin_api, self.in_cell1))

    def _cells_asked(self):
        seen = []
        real = base.lookup_execute()

        def rows(cell_context, statement, **parameters):
            seen.append(cell_context.cell_uuid)
            return real(cell_context, statement, **parameters)
        self.useFixture(fixtures.MonkeyPatch(ROWS, rows))
        return seen

    def test_a_single_server_asks_only_its_own_cell(self):
        seen = self._cells_asked()
        self.force_down('host3')
        self.assertEqual('DOWN', self.shown(self.admin_api, self.in_cell2))
        self.assertEqual([self.cell_mappings['cell2'].uuid], seen)
        del seen[:]
        self.assertEqual('UP', self.shown(self.admin_api, self.in_cell1))
        self.assertEqual([self.cell_mappings['cell1'].uuid], seen)

    def test_a_listing_asks_every_cell_but_cell0_once(self):
        seen = self._cells_asked()
        self.statuses(self.admin_api)
        self.assertEqual(
            sorted(self.cell_mappings[c].uuid for c in ('cell1', 'cell2')),
            sorted(seen))
        self.assertNotIn(objects.CellMapping.CELL0_UUID, seen)

    def test_a_page_larger_than_one_query(self):
        # NOTE: nova's max_limit keeps pages far below UUIDS_PER_QUERY; at
        # one uuid per query, each cell is asked once per listed server.
        self.useFixture(fixtures.MonkeyPatch(
            'host_status_ext.lookup.UUIDS_PER_QUERY', 1))
        self.boot('host2', name='in-cell1-b')
        self.force_down('host2')
        seen = self._cells_asked()
        self.assertEqual(
            {'in-cell1': 'UP', 'in-cell1-b': 'DOWN', 'in-cell2': 'UP'},
            self.statuses(self.admin_api))
        self.assertEqual(3 * 2, len(seen))
