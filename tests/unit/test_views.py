import testtools

from host_status_ext import authorization
from host_status_ext import lookup
from host_status_ext import views

ALL = authorization.Visibility.ALL
UNKNOWN_ONLY = authorization.Visibility.UNKNOWN_ONLY
NONE = authorization.Visibility.NONE


def server(uuid='uuid-1', host_id='a1b2', **fields):
    view = {'id': uuid, 'tenant_id': 'p1', 'status': 'ACTIVE',
            'hostId': host_id}
    view.update(fields)
    return view


class TestResolve(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.statuses = lookup.ServerStatuses(
            {'uuid-1': 'UP', 'uuid-2': 'MAINTENANCE'}, complete=True)

    def test_host_status_of_the_server_host(self):
        self.assertEqual('UP', views.resolve(server('uuid-1'),
                                             self.statuses))
        self.assertEqual('MAINTENANCE', views.resolve(server('uuid-2'),
                                                      self.statuses))

    def test_no_host(self):
        self.assertEqual('', views.resolve(server(host_id=''), None))
        self.assertFalse(views.needs_host(server(host_id='')))

    def test_deleted_server(self):
        view = server(status='DELETED')
        self.assertFalse(views.needs_host(view))
        self.assertEqual('', views.resolve(view, None))

    def test_server_not_found_when_every_cell_answered(self):
        # Its host has no live nova-compute record in any cell.
        self.assertEqual('', views.resolve(server('uuid-3'), self.statuses))

    def test_server_not_found_while_a_cell_failed_is_not_resolved(self):
        partial = lookup.ServerStatuses({'uuid-1': 'UP'}, complete=False)
        self.assertIsNone(views.resolve(server('uuid-3'), partial))
        self.assertEqual('UP', views.resolve(server('uuid-1'), partial))

    def test_partial_record_of_a_down_cell(self):
        view = {'id': 'uuid-1', 'tenant_id': 'p1', 'status': 'UNKNOWN'}
        self.assertIsNone(views.resolve(view, self.statuses))


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
