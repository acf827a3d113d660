from nova import utils
import testtools

from host_status_ext import authorization
from host_status_ext import hostid
from host_status_ext import lookup
from host_status_ext import views

ALL = authorization.Visibility.ALL
UNKNOWN_ONLY = authorization.Visibility.UNKNOWN_ONLY
NONE = authorization.Visibility.NONE


def server(host='cmp1', project='p1', **fields):
    view = {'id': 'uuid-1', 'tenant_id': project, 'status': 'ACTIVE',
            'hostId': utils.generate_hostid(host, project) if host else ''}
    view.update(fields)
    return view


class TestResolve(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.statuses = lookup.HostStatuses(
            {'cmp1': 'UP', 'cmp2': 'MAINTENANCE'}, complete=True)
        self.index = hostid.HostIdIndex(self.statuses.by_host)

    def resolve(self, view, statuses=None):
        statuses = statuses or self.statuses
        return views.resolve(view, statuses,
                             hostid.HostIdIndex(statuses.by_host))

    def test_host_status_of_the_server_host(self):
        self.assertEqual('UP', self.resolve(server('cmp1')))
        self.assertEqual('MAINTENANCE', self.resolve(server('cmp2', 'p9')))

    def test_no_host(self):
        self.assertEqual('', views.resolve(server(host=None), None, None))
        self.assertFalse(views.needs_host(server(host=None)))

    def test_deleted_server(self):
        view = server('cmp1', status='DELETED')
        self.assertFalse(views.needs_host(view))
        self.assertEqual('', views.resolve(view, None, None))

    def test_host_without_compute_service(self):
        self.assertEqual('', self.resolve(server('gone')))

    def test_unknown_host_while_a_cell_failed_is_not_resolved(self):
        partial = lookup.HostStatuses({'cmp1': 'UP'}, complete=False)
        self.assertIsNone(self.resolve(server('gone'), partial))
        self.assertEqual('UP', self.resolve(server('cmp1'), partial))

    def test_partial_record_of_a_down_cell(self):
        view = {'id': 'uuid-1', 'tenant_id': 'p1', 'status': 'UNKNOWN'}
        self.assertIsNone(views.resolve(view, self.statuses, self.index))


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
