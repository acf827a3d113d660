"""What the filter costs in SQL: one query per cell it asks, whatever the size.

And what it reads there: the records of the listed servers' hosts only, so
that neither the number of compute hosts in the cloud nor the number of
projects in the response changes the filter's work.
"""

import fixtures
from nova import objects
from nova.tests.functional.api import client
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


class RowsRead(fixtures.Fixture):
    """Counts the rows the filter's own queries return."""

    def _setUp(self):
        self.rows = 0
        real = base.lookup_execute()

        def execute(context, statement, **parameters):
            rows = real(context, statement, **parameters)
            self.rows += len(rows)
            return rows
        self.useFixture(fixtures.MonkeyPatch(base.LOOKUP_EXECUTE, execute))


class CostTestCase(base.HostStatusTestCase):

    def configure(self):
        # Room for many servers on each fake compute, and in the quota.
        self.flags(cpu_allocation_ratio=16.0, ram_allocation_ratio=16.0)
        self.flags(instances=-1, cores=-1, ram=-1, group='quota')

    def stop_services(self):
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


class TestSQLCost(CostTestCase):
    """50 servers on 5 hosts in 2 cells (nova's own field off)."""

    COMPUTES = {'host1': 'cell1', 'host2': 'cell1', 'host3': 'cell1',
                'host4': 'cell2', 'host5': 'cell2'}
    SERVERS_PER_HOST = 10

    def setUp(self):
        super().setUp()
        for host in sorted(self.COMPUTES):
            for i in range(self.SERVERS_PER_HOST):
                self.boot(host, name='%s-%d' % (host, i))
        self.stop_services()

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


class TestCostWithManyHostsAndProjects(CostTestCase):
    """An admin's listing of every project, in a cloud of many hosts.

    One project's 4 servers on 2 hosts, then every project's 12 servers in
    9 projects with 600 more compute hosts in the cells: the filter's
    queries stay one per cell, and it reads one service record per host and
    project among the listed servers, not one per host in the cloud.
    """

    COMPUTES = {'host1': 'cell1', 'host2': 'cell2'}
    MORE_HOSTS_PER_CELL = 300
    MORE_PROJECTS = 8

    def setUp(self):
        super().setUp()
        for host in sorted(self.COMPUTES):
            for i in range(2):
                self.boot(host, name='%s-%d' % (host, i))
        for i in range(self.MORE_PROJECTS):
            self.boot_as_owner_of('c0c0c0c0c0c0c0c0c0c0c0c0c0c0%04d' % i)
        self.stop_services()

    def boot_as_owner_of(self, project):
        """A server of *project*, booted by its member, placed by nova."""
        api = client.TestOpenStackClient(
            'owner-' + project, self.api_fixture.base_url.replace(
                self.api_fixture.project_id, project),
            project_id=project, roles=['reader', 'member'])
        api.microversion = '2.37'
        server = self._create_server(name='of-' + project, networks='none',
                                     api=api)
        self.assertEqual(project, server['tenant_id'])

    def add_hosts(self):
        """nova-compute records of hosts the listed servers are not on."""
        for cell in ('cell1', 'cell2'):
            with self.cell_context(cell) as cctxt:
                for i in range(self.MORE_HOSTS_PER_CELL):
                    objects.Service(
                        cctxt, host='%s-more-%03d' % (cell, i),
                        binary='nova-compute', topic='compute').create()

    def listing(self, path):
        """(queries, rows the filter read, servers) of an admin listing."""
        with RowsRead() as read:
            queries, body = self.statements(path, repeat=1)
        return queries, read.rows, body['servers']

    def test_queries_and_rows_do_not_grow_with_hosts_and_projects(self):
        one_project = ('/servers/detail?all_tenants=1&project_id=%s'
                       % self.api_fixture.project_id)
        every_project = '/servers/detail?all_tenants=1'

        small_with, small_rows, servers = self.listing(one_project)
        small_pairs = hosts_and_projects(servers)
        self.assertEqual(4, len(servers))
        self.assertEqual({'UP'}, {s['host_status'] for s in servers})
        self.add_hosts()
        large_with, large_rows, servers = self.listing(every_project)
        self.assertEqual(4 + self.MORE_PROJECTS, len(servers))
        self.assertEqual(1 + self.MORE_PROJECTS,
                         len({s['tenant_id'] for s in servers}))
        self.assertEqual({'UP'}, {s['host_status'] for s in servers})
        large_pairs = hosts_and_projects(servers)

        self.start_api(filter=False)
        small_without, _, _ = self.listing(one_project)
        large_without, _, _ = self.listing(every_project)

        self.addDetailUniqueName('sql', testtools.content.text_content(
            'admin listings: 4 servers of 1 project on 2 hosts, %d queries '
            'with the filter, %d without; 12 servers of 9 projects, 602 '
            'hosts: %d with, %d without; rows the filter read: %d, then %d'
            % (small_with, small_without, large_with, large_without,
               small_rows, large_rows)))
        cells = 2
        self.assertEqual(cells, small_with - small_without)
        self.assertEqual(cells, large_with - large_without)
        # One record per host and project among the listed servers, in
        # each request (statements() makes it twice: once uncounted),
        # whatever the number of hosts in the cells.
        self.assertEqual(2, small_pairs)
        self.assertEqual(2 * small_pairs, small_rows)
        self.assertEqual(2 + self.MORE_PROJECTS, large_pairs)
        self.assertEqual(2 * large_pairs, large_rows)


def hosts_and_projects(servers):
    """How many (project, host) pairs the listed servers are on."""
    return len({(s['tenant_id'], s['hostId']) for s in servers})


class TestCostBesideNovasField(CostTestCase):
    """nova's own field on, as nova 34 ships: the filter's fast path.

    nova writes host_status itself; the filter reads nova's bytes and asks
    a cell only for the servers nova calls DOWN.
    """

    NATIVE = True
    COMPUTES = {'host1': 'cell1', 'host2': 'cell1', 'host3': 'cell2',
                'host4': 'cell2'}

    def setUp(self):
        super().setUp()
        self.servers = {}
        for host in sorted(self.COMPUTES):
            for i in range(2):
                self.servers['%s-%d' % (host, i)] = self.boot(
                    host, name='%s-%d' % (host, i))

    def cost(self, path):
        """(queries with the filter, without, bodies with and without)."""
        with_filter, body = self.statements(path)
        raw = self.admin_api.api_get(path).content
        self.start_api(filter=False)
        without, plain_body = self.statements(path)
        plain_raw = self.admin_api.api_get(path).content
        self.start_api(filter=True)
        return with_filter - without, body, plain_body, raw, plain_raw

    def test_no_query_and_nova_bytes_when_no_host_is_forced_down(self):
        self.disable('host2')
        self.stop_services()
        for path in ('/servers/detail',
                     '/servers/%s' % self.servers['host2-0']['id']):
            extra, body, plain, raw, plain_raw = self.cost(path)
            self.assertEqual(0, extra, path)
            self.assertEqual(plain_raw, raw, path)
        servers = self.statuses(self.admin_api)
        self.assertEqual('MAINTENANCE', servers['host2-0'])
        self.assertEqual('UP', servers['host1-0'])

    def test_one_query_per_cell_when_a_listed_host_is_forced_down(self):
        # host4 both disabled and forced down: nova says DOWN, the
        # specification MAINTENANCE; host3 only forced down: DOWN.
        self.force_down('host3')
        self.force_down('host4')
        self.disable('host4')
        self.stop_services()
        extra, body, plain, _, _ = self.cost('/servers/detail')
        cells = 2
        self.assertEqual(cells, extra)
        shown = {s['name']: s['host_status'] for s in body['servers']}
        novas = {s['name']: s['host_status'] for s in plain['servers']}
        self.assertEqual('MAINTENANCE', shown['host4-0'])
        self.assertEqual('DOWN', novas['host4-0'])
        self.assertEqual(dict(novas, **{'host4-0': 'MAINTENANCE',
                                        'host4-1': 'MAINTENANCE'}), shown)
        # One server nova calls DOWN: one query, in its cell only.
        extra, body, _, _, _ = self.cost(
            '/servers/%s' % self.servers['host4-0']['id'])
        self.assertEqual(1, extra)
        self.assertEqual('MAINTENANCE', body['server']['host_status'])
        # One nova calls UP: none.
        extra, body, _, _, _ = self.cost(
            '/servers/%s' % self.servers['host1-0']['id'])
        self.assertEqual(0, extra)
        self.assertEqual('UP', body['server']['host_status'])
