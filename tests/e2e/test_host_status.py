"""host_status in a real nova-api with the filter, as the owner sees it.

Most of these would also pass with nova's own host_status (nova 34 has
one); ``PluginAtWorkTest`` is the part only this plugin passes: a compute
service both disabled and forced down is MAINTENANCE per the
specification's precedence, where nova's own code says DOWN.
"""

from tools.minicloud import client
from tools.minicloud import layout
from tools.minicloud import policy
from tools.minicloud import scenario

from tests.e2e import base

HOST_A, HOST_B = base.CloudTestCase.HOSTS


class OwnerViewTest(base.CloudTestCase):

    def test_owner_sees_no_host_status_by_default(self):
        for host, sid in self.servers.items():
            server = client.get_servers(self.owner_s, server_id=sid)[0]
            self.assertNotIn('host_status', server)
        for server in client.get_servers(self.owner_s):
            self.assertNotIn('host_status', server)

    def test_owner_sees_host_status_with_the_operator_line(self):
        self.open_to_owner()
        for host in self.HOSTS:
            self.assert_owner_sees(host, 'UP')
        detail = {s['id']: s for s in client.get_servers(self.owner_s)}
        for sid in self.servers.values():
            self.assertEqual('UP', detail[sid].get('host_status'))

    def test_below_2_16_no_host_status_even_when_allowed(self):
        self.open_to_owner()
        resp = self.owner_s.get(
            layout.COMPUTE_URL + '/servers/%s' % self.servers[HOST_A],
            headers={'OpenStack-API-Version': 'compute 2.15'})
        self.assertNotIn('host_status', resp.json()['server'])

    def test_admin_sees_host_status_without_the_line(self):
        for sid in self.servers.values():
            self.assertEqual('UP',
                             client.host_status_of(self.admin_s, sid))

    def test_other_project_sees_none_of_the_owners_servers(self):
        self.open_to_owner()
        theirs = client.get_servers(self.stranger_s)
        ids = {s['id'] for s in theirs}
        self.assertFalse(ids & set(self.servers.values()))
        for s in theirs:
            self.assertNotIn('host_status', s)
        resp = self.stranger_s.get(
            layout.COMPUTE_URL + '/servers/%s' % self.servers[HOST_A],
            headers={'OpenStack-API-Version': 'compute 2.16'},
            raise_exc=False)
        self.assertEqual(404, resp.status_code)


class HostWalkTest(base.CloudTestCase):

    def test_forced_down_then_up(self):
        self.open_to_owner()
        self.assert_owner_sees(HOST_A, 'UP')
        scenario.set_forced_down(self.admin, HOST_A, True)
        self.assert_owner_sees(HOST_A, 'DOWN')
        self.assertEqual('UP', self.seen_by_owner(HOST_B))
        scenario.set_forced_down(self.admin, HOST_A, False)
        self.assert_owner_sees(HOST_A, 'UP')

    def test_disabled_is_maintenance_then_up(self):
        self.open_to_owner()
        scenario.set_disabled(self.admin, HOST_A, True)
        self.assert_owner_sees(HOST_A, 'MAINTENANCE')
        scenario.set_disabled(self.admin, HOST_A, False)
        self.assert_owner_sees(HOST_A, 'UP')

    def test_stopped_compute_is_unknown_then_up(self):
        self.open_to_owner()
        self.assertTrue(scenario.stop_compute(HOST_B))
        self.assert_owner_sees(HOST_B, 'UNKNOWN',
                               timeout=base.HEARTBEAT_TIMEOUT)
        self.assertEqual('UP', self.seen_by_owner(HOST_A))
        scenario.start_compute(HOST_B)
        self.assert_owner_sees(HOST_B, 'UP',
                               timeout=base.COMPUTE_START_TIMEOUT)

    def test_unknown_only_rule_shows_unknown_and_nothing_else(self):
        policy.write(extra={policy.UNKNOWN_ONLY: 'rule:admin_or_owner'})
        self.assertTrue(scenario.stop_compute(HOST_B))
        self.assert_owner_sees(HOST_B, 'UNKNOWN',
                               timeout=base.HEARTBEAT_TIMEOUT)
        server_a = client.get_servers(self.owner_s,
                                      server_id=self.servers[HOST_A])[0]
        self.assertNotIn('host_status', server_a)


class PluginAtWorkTest(base.CloudTestCase):
    """What only the plugin does, in the real nova-api."""

    def _disable_and_force_down(self, host):
        scenario.set_disabled(self.admin, host, True)
        scenario.set_forced_down(self.admin, host, True)

    def test_disabled_and_forced_down_is_maintenance_on_show(self):
        self.open_to_owner()
        self._disable_and_force_down(HOST_A)
        # nova's own view says DOWN here (it checks forced_down first).
        self.assert_owner_sees(HOST_A, 'MAINTENANCE')
        self.assertEqual('MAINTENANCE', client.host_status_of(
            self.admin_s, self.servers[HOST_A]))

    def test_disabled_and_forced_down_is_maintenance_in_detail(self):
        self.open_to_owner()
        self._disable_and_force_down(HOST_A)
        detail = {s['id']: s for s in client.get_servers(self.owner_s)}
        self.assertEqual('MAINTENANCE',
                         detail[self.servers[HOST_A]].get('host_status'))
        self.assertEqual('UP',
                         detail[self.servers[HOST_B]].get('host_status'))

    def test_disabled_and_forced_down_is_maintenance_on_update_2_75(self):
        self.open_to_owner()
        self._disable_and_force_down(HOST_A)
        sid = self.servers[HOST_A]
        resp = self.owner_s.put(
            layout.COMPUTE_URL + '/servers/%s' % sid,
            json={'server': {'description': 'e2e'}},
            headers={'OpenStack-API-Version': 'compute 2.75'})
        self.assertEqual('MAINTENANCE', resp.json()['server']['host_status'])
