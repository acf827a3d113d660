import testtools

from host_status_ext import authorization
from host_status_ext import lookup
from host_status_ext import views

ALL = authorization.Visibility.ALL
UNKNOWN_ONLY = authorization.Visibility.UNKNOWN_ONLY
NONE = authorization.Visibility.NONE


def server(uuid='uuid-1', host_id='a1b2', project='p1', **fields):
    view = {'id': uuid, 'tenant_id': project, 'status': 'ACTIVE',
            'hostId': host_id}
    view.update(fields)
    return view


class TestRepresentatives(testtools.TestCase):

    def test_one_server_per_host_and_project(self):
        servers = [server('s1', 'h1'), server('s2', 'h1'),
                   server('s3', 'h2'), server('s4', 'h1', project='p2'),
                   server('s5', 'h2')]
        self.assertEqual({('p1', 'h1'): 's1', ('p1', 'h2'): 's3',
                          ('p2', 'h1'): 's4'},
                         views.representatives(servers))

    def test_servers_that_need_no_lookup_are_left_out(self):
        servers = [server('s1', ''), server('s2', 'h1', status='DELETED'),
                   {'id': 's3', 'tenant_id': 'p1', 'status': 'UNKNOWN'}]
        self.assertEqual({}, views.representatives(servers))


class TestResolve(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.servers = [server('s1', 'h1'), server('s2', 'h2'),
                        server('s3', 'h1'), server('s4', 'h3')]
        self.reps = views.representatives(self.servers)
        self.statuses = lookup.ServerStatuses(
            {'s1': 'UP', 's2': 'MAINTENANCE'}, complete=True)

    def resolve(self, view, statuses=None):
        return views.resolve(view, statuses or self.statuses, self.reps)

    def test_host_status_of_the_server_host(self):
        self.assertEqual('UP', self.resolve(self.servers[0]))
        self.assertEqual('MAINTENANCE', self.resolve(self.servers[1]))

    def test_a_server_shares_its_representative_status(self):
        self.assertEqual('UP', self.resolve(self.servers[2]))

    def test_no_host(self):
        self.assertEqual('', views.resolve(server(host_id=''), None, {}))
        self.assertFalse(views.needs_host(server(host_id='')))

    def test_deleted_server(self):
        view = server(status='DELETED')
        self.assertFalse(views.needs_host(view))
        self.assertEqual('', views.resolve(view, None, {}))

    def test_server_not_found_when_every_cell_answered(self):
        # Its host has no live nova-compute record in any cell.
        self.assertEqual('', self.resolve(self.servers[3]))

    def test_server_not_found_while_a_cell_failed_is_not_resolved(self):
        partial = lookup.ServerStatuses({'s1': 'UP'}, complete=False)
        self.assertIsNone(self.resolve(self.servers[3], partial))
        self.assertIsNone(self.resolve(self.servers[1], partial))
        self.assertEqual('UP', self.resolve(self.servers[2], partial))

    def test_partial_record_of_a_down_cell(self):
        view = {'id': 'uuid-1', 'tenant_id': 'p1', 'status': 'UNKNOWN'}
        self.assertIsNone(self.resolve(view))


class TestWrite(testtools.TestCase):

    def test_all_sets_value(self):
        view = server()
        self.assertTrue(views.write(view, 'DOWN', ALL))
        self.assertEqual('DOWN', view['host_status'])

    def test_replaces_nova_value_in_place(self):
        view = {'id': 'x', 'host_status': 'DOWN', 'locked': False}
        self.assertTrue(views.write(view, 'MAINTENANCE', ALL))
        self.assertEqual(['id', 'host_status', 'locked'], list(view))
        self.assertEqual('MAINTENANCE', view['host_status'])

    def test_same_value_is_no_change(self):
        view = {'id': 'x', 'host_status': 'UP'}
        self.assertFalse(views.write(view, 'UP', ALL))

    def test_unknown_only(self):
        view = server()
        self.assertTrue(views.write(view, 'UNKNOWN', UNKNOWN_ONLY))
        self.assertEqual('UNKNOWN', view['host_status'])
        for value in ('UP', 'DOWN', 'MAINTENANCE', ''):
            view = server()
            self.assertFalse(views.write(view, value, UNKNOWN_ONLY))
            self.assertNotIn('host_status', view)

    def test_withheld_value_removes_nova_field(self):
        view = {'id': 'x', 'host_status': 'UNKNOWN'}
        self.assertTrue(views.write(view, 'MAINTENANCE', UNKNOWN_ONLY))
        self.assertNotIn('host_status', view)

    def test_none_visibility_never_shows(self):
        for value in ('UP', 'UNKNOWN', 'DOWN', 'MAINTENANCE', ''):
            view = server()
            views.write(view, value, NONE)
            self.assertNotIn('host_status', view)

    def test_unresolved_leaves_the_view_alone(self):
        view = {'id': 'x', 'host_status': 'UP'}
        self.assertFalse(views.write(view, None, ALL))
        self.assertEqual({'id': 'x', 'host_status': 'UP'}, view)
