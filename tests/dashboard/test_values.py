"""The field as read from Horizon's servers: no call, every value."""

from unittest import mock

from novaclient.v2 import servers as nova_servers
from openstack_dashboard.api import nova as api_nova
import testtools

from host_status_dashboard import values
from tests.dashboard import fakes


class ValueTest(testtools.TestCase):

    def test_every_value_as_nova_gave_it(self):
        for value in values.VALUES:
            server = fakes.server(host_status=value)
            self.assertTrue(values.is_given(server))
            self.assertEqual(value, values.host_status(server))

    def test_no_host(self):
        server = fakes.server(host_status='')
        self.assertTrue(values.is_given(server))
        self.assertIsNone(values.host_status(server))

    def test_hidden_by_the_policy(self):
        server = fakes.server()
        self.assertFalse(values.is_given(server))
        self.assertIsNone(values.host_status(server))

    def test_the_novaclient_resource_itself(self):
        resource = nova_servers.Server(None, {'id': 'x', 'host_status': 'UP'},
                                       loaded=True)
        self.assertEqual('UP', values.host_status(resource))

    def test_no_call_to_nova_for_a_missing_field(self):
        # A resource that thinks itself not loaded GETs the server again
        # when asked for an attribute it lacks.
        manager = mock.Mock()
        resource = nova_servers.Server(manager, {'id': 'x'}, loaded=False)
        for server in (api_nova.Server(resource, request=None), resource):
            self.assertFalse(values.is_given(server))
            self.assertIsNone(values.host_status(server))
        self.assertEqual([], manager.mock_calls)

    def test_what_stands_out(self):
        self.assertEqual('label-danger', values.label_class(values.DOWN))
        self.assertEqual('label-warning', values.label_class(values.UNKNOWN))
        for quiet in (values.UP, values.MAINTENANCE, None, 'SOMETHING'):
            self.assertEqual('', values.label_class(quiet))
