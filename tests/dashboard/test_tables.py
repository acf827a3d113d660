"""The Host Status column in Horizon's own Instances tables."""

from unittest import mock

from django.test import RequestFactory
from django.test import SimpleTestCase
from django.utils import html
from horizon.tables import base as tables_base
from openstack_dashboard.api import nova as api_nova
from openstack_dashboard.dashboards.admin.instances import \
    tables as admin_tables
from openstack_dashboard.dashboards.admin.instances import \
    views as admin_views
from openstack_dashboard.dashboards.project.instances import \
    tables as project_tables
from openstack_dashboard.dashboards.project.instances import \
    views as project_views

from host_status_dashboard import tables
from host_status_dashboard import values
from tests.dashboard import fakes

HORIZON_TABLES = {'project': project_tables.InstancesTable,
                  'admin': admin_tables.AdminInstancesTable}
URL = '/project/instances/'
LIMITS = {'maxTotalInstances': 10, 'totalInstancesUsed': 0,
          'maxTotalCores': 20, 'totalCoresUsed': 0,
          'maxTotalRAMSize': 51200, 'totalRAMUsed': 0}


def make_table(horizon_table, servers, query=''):
    """The plugin's table over ``servers``, as a view hands it its data."""
    table = tables.with_host_status(horizon_table)(
        RequestFactory().get(URL + query))
    table.data = servers
    table.maybe_handle()
    return table


def cell(table, server):
    row = table._meta.row_class(table)
    row.datum = server
    return tables_base.Cell(server, table.columns[tables.COLUMN], row)


def classes(a_cell):
    return set(a_cell.get_final_attrs()['class'].split())


def text(a_cell):
    """The cell's text, as the browser shows it."""
    return html.strip_tags(str(a_cell.value))


class ColumnTest(SimpleTestCase):

    def test_beside_status_and_nothing_else_changed(self):
        for name, horizon_table in HORIZON_TABLES.items():
            table = make_table(horizon_table, [fakes.server('UP')])
            theirs = list(horizon_table(RequestFactory().get(URL)).columns)
            ours = list(table.columns)
            at = theirs.index('status') + 1
            self.assertEqual(theirs[:at] + [tables.COLUMN] + theirs[at:],
                             ours, name)
            self.assertEqual('Host Status',
                             str(table.columns[tables.COLUMN].verbose_name))
            self.assertEqual(horizon_table._meta.name, table._meta.name)

    def test_every_value_as_the_api_returns_it(self):
        for horizon_table in HORIZON_TABLES.values():
            for value in values.VALUES:
                server = fakes.server(value)
                table = make_table(horizon_table, [server])
                self.assertEqual(value, text(cell(table, server)))

    def test_dash_where_there_is_no_value(self):
        given = fakes.server('UP')
        for server in (fakes.server(''), fakes.server()):
            table = make_table(project_tables.InstancesTable,
                               [given, server])
            self.assertEqual('-', cell(table, server).value)
            self.assertIn('status_up', classes(cell(table, server)))

    def test_down_and_unknown_stand_out(self):
        # Horizon's status classes on the cell, as its Status column's;
        # the theme's labels on the values that need attention.
        expected = {
            values.UP: ('status_up', None),
            values.MAINTENANCE: ('status_up', None),
            values.DOWN: ('status_down', 'label-danger'),
            values.UNKNOWN: ('status_down', 'label-warning'),
        }
        for horizon_table in HORIZON_TABLES.values():
            for value, (status_class, label) in expected.items():
                server = fakes.server(value)
                got = cell(make_table(horizon_table, [server]), server)
                self.assertIn(status_class, classes(got), value)
                self.assertNotIn('warning', classes(got), value)
                if label:
                    self.assertHTMLEqual(
                        '<span class="label %s">%s</span>' % (label, value),
                        str(got.value))
                else:
                    self.assertEqual(value, got.value)

    def test_rows_are_not_polled_for_it(self):
        # Horizon polls a row while its status columns say it is in
        # transition; a host's status is not a server's transition.
        for horizon_table in HORIZON_TABLES.values():
            table = tables.with_host_status(horizon_table)
            self.assertNotIn(tables.COLUMN, table._meta.status_columns)
            self.assertEqual(horizon_table._meta.status_columns,
                             table._meta.status_columns)


class LeftOutTest(SimpleTestCase):

    def test_left_out_where_nova_gave_the_field_for_no_server(self):
        table = make_table(project_tables.InstancesTable,
                           [fakes.server(), fakes.server()])
        self.assertNotIn(tables.COLUMN, table.columns)

    def test_left_out_of_an_empty_page(self):
        table = make_table(project_tables.InstancesTable, [])
        self.assertNotIn(tables.COLUMN, table.columns)

    def test_shown_where_the_policy_lets_the_caller_see_it(self):
        table = make_table(admin_tables.AdminInstancesTable,
                           [fakes.server('UP'), fakes.server('')])
        self.assertIn(tables.COLUMN, table.columns)

    def test_unknown_only(self):
        # nova's unknown-only rule: the field only where the host is
        # UNKNOWN; the column shows once there is one.
        quiet = make_table(project_tables.InstancesTable,
                           [fakes.server(), fakes.server()])
        self.assertNotIn(tables.COLUMN, quiet.columns)
        unknown, other = fakes.server('UNKNOWN'), fakes.server()
        table = make_table(project_tables.InstancesTable, [unknown, other])
        self.assertEqual('UNKNOWN', text(cell(table, unknown)))
        self.assertIn('label-warning', str(cell(table, unknown).value))
        self.assertEqual('-', cell(table, other).value)

    def test_a_refreshed_row_keeps_its_page_columns(self):
        for servers, shown in (([fakes.server('UP')], True),
                               ([fakes.server()], False)):
            page = make_table(project_tables.InstancesTable, servers)
            row = page._meta.row_class(page)
            row.datum = servers[0]
            url = row.get_ajax_update_url()
            query = url[url.index('?'):]
            refresh = RequestFactory().get(URL + query)
            # NOTE: on a row update Horizon checks its table actions, and
            # Launch Instance asks nova for the project's limits; there is
            # no nova here. The user is what Horizon's middleware sets.
            refresh.user = mock.Mock(tenant_id='demo')
            with mock.patch.object(api_nova, 'tenant_absolute_limits',
                                   return_value=LIMITS):
                refreshed = tables.with_host_status(
                    project_tables.InstancesTable)(refresh)
            self.assertEqual(shown, tables.COLUMN in refreshed.columns, url)
            self.assertEqual(list(page.columns), list(refreshed.columns))


class ViewsTest(SimpleTestCase):

    def test_the_app_puts_the_tables_into_both_views(self):
        for view, horizon_table in (
                (project_views.IndexView, project_tables.InstancesTable),
                (admin_views.AdminIndexView,
                 admin_tables.AdminInstancesTable)):
            self.assertTrue(issubclass(view.table_class, horizon_table))
            self.assertTrue(issubclass(view.table_class,
                                       tables.HostStatusTableMixin))
            self.assertIn(tables.COLUMN, view.table_class.base_columns)

    def test_composes_with_another_subclass(self):
        class Theirs(project_tables.InstancesTable):
            pass

        ours = tables.with_host_status(Theirs)
        self.assertTrue(issubclass(ours, Theirs))
