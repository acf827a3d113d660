"""The Host Status tab of the instance's page."""

from unittest import mock

from django.test import RequestFactory
from django.test import SimpleTestCase

from host_status_dashboard import tabs
from host_status_dashboard import values
from tests.dashboard import fakes


def make_tab(server):
    group = mock.Mock(kwargs={'instance': server})
    request = RequestFactory().get('/')
    request.user = mock.Mock(**{'has_perms.return_value': True})
    return tabs.HostStatusTab(group, request)


class HostStatusTabTest(SimpleTestCase):

    def test_left_out_where_the_policy_hides_the_field(self):
        self.assertFalse(make_tab(fakes.server()).allowed(None))

    def test_shown_where_nova_gave_the_field(self):
        for value in values.VALUES + ('',):
            self.assertTrue(make_tab(fakes.server(value)).allowed(None))

    def test_the_value_and_its_style(self):
        for value, label in ((values.UP, 'label-default'),
                             (values.MAINTENANCE, 'label-default'),
                             (values.DOWN, 'label-danger'),
                             (values.UNKNOWN, 'label-warning')):
            tab = make_tab(fakes.server(value))
            html = tab.render()
            self.assertIn('class="label %s" data-host-status="%s">%s<'
                          % (label, value, value), html)
            self.assertIn('<strong>%s</strong>' % value, html)

    def test_no_host(self):
        html = make_tab(fakes.server('')).render()
        self.assertIn('data-host-status="">-<', html)
        self.assertNotIn('<strong>', html)
