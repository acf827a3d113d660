"""What the filter costs in SQL: one query per cell it asks, whatever the size.
"""

import fixtures
import sqlalchemy
from sqlalchemy import engine
import testtools.content

from tests.functional import base


TRANSACTION_CONTROL = ('BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE')


class StatementCounter(fixtures.Fixture):
    """Counts the SQL queries every engine executes."""

    def _setUp(self):
        self.count = 0
        sqlalchemy.event.listen(engine.Engine, 'before_cursor_execute',
                                self._seen)
        self.addCleanup(sqlalchemy.event.remove, engine.Engine,
                        'before_cursor_execute', self._seen)

    def _seen(self, conn, cursor, statement, *args, **kwargs):
        # Transaction control (sqlite's emulated BEGIN) is not a query.
        if statement.split(None, 1)[0].upper() not in TRANSACTION_CONTROL:
            self.count += 1


class TestSQLCost(base.HostStatusTestCase):
    """50 servers on 5 hosts in 2 cells (nova's own field off)."""

    COMPUTES = {'host1': 'cell1', 'host2': 'cell1', 'host3': 'cell1',
                'host4': 'cell2', 'host5': 'cell2'}
    SERVERS_PER_HOST = 10

    def configure(self):
        # Room for 10 servers on each fake compute, and in the quota.
        self.flags(cpu_allocation_ratio=16.0, ram_allocation_ratio=16.0)
        self.flags(instances=-1, cores=-1, ram=-1, group='quota')

    def setUp(self):
        super().setUp()
        for host in sorted(self.COMPUTES):
            for i in range(self.SERVERS_PER_HOST):
                self.boot(host, name='%s-%d' % (host, i))
        # nova's services run queries of their own in the background
        # (heartbeats, periodic tasks): none may run while a request is
        # counted. The API needs none of them for a GET.
        for service in [self.conductor, self.scheduler] + list(
                self.computes.values()):
            service.stop()

    def statements(self, path, repeat=3):
        # Once before counting, so that caches nova fills on first use
        # (cell mappings, policy) are not counted against either side; then
        # the least of a few counts, should anything else still run a query.
        self.admin_api.api_get(path)
        counts = []
        for _ in range(repeat):
            with StatementCounter() as counter:
                body = self.admin_api.api_get(path).body
            counts.append(counter.count)
        return min(counts), body

    def test_statements_added_per_request(self):
        detail_with, body = self.statements('/servers/detail')
        self.assertEqual(50, len(body['servers']))
        self.assertEqual(50, sum('host_status' in s for s in body['servers']))
        self.assertEqual({'UP'},
                         {s['host_status'] for s in body['servers']})
        one = body['servers'][0]['id']
        show_with, body = self.statements('/servers/%s' % one)
        self.assertEqual('UP', body['server']['host_status'])

        self.start_api(filter=False)
        detail_without, body = self.statements('/servers/detail')
        self.assertEqual(0, sum('host_status' in s for s in body['servers']))
        show_without, _ = self.statements('/servers/%s' % one)

        cells = 2
        # A listing asks every cell; one server, only the cell nova read it
        # from (as nova's own field costs one query there).
        self.addDetailUniqueName('sql', testtools.content.text_content(
            'detail of 50 servers on 5 hosts in 2 cells: %d queries with '
            'the filter, %d without; show: %d with, %d without' % (
                detail_with, detail_without, show_with, show_without)))
        self.assertEqual(cells, detail_with - detail_without)
        self.assertEqual(1, show_with - show_without)
