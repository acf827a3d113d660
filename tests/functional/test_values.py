"""Every host_status value, reached the way an operator reaches it."""

from nova import objects
from nova import utils

from tests.functional import base


class TestHostStatusValues(base.HostStatusTestCase):
    """nova's own field is off: every host_status here is the filter's."""

    def setUp(self):
        super().setUp()
        self.server = self.boot('host1')

    def assertHostStatus(self, expected, server=None):
        server = server or self.server
        self.assertEqual(expected, self.shown(self.admin_api, server))
        self.assertEqual(expected,
                         self.statuses(self.admin_api)[server['name']])

    def test_up(self):
        self.assertHostStatus('UP')

    def test_forced_down_is_down_and_back_up(self):
        self.force_down('host1')
        self.assertHostStatus('DOWN')
        self.force_down('host1', down=False)
        self.assertHostStatus('UP')

    def test_disabled_is_maintenance(self):
        self.disable('host1')
        self.assertHostStatus('MAINTENANCE')
        self.disable('host1', disabled=False)
        self.assertHostStatus('UP')

    def test_disabled_and_forced_down_is_maintenance(self):
        # The specification's order; nova's in-tree code would say DOWN.
        self.force_down('host1')
        self.disable('host1')
        self.assertHostStatus('MAINTENANCE')

    def test_heartbeat_lost_is_unknown(self):
        self.stop_heartbeat('host1')
        self.assertHostStatus('UNKNOWN')
        # Forced down overrides unknown.
        self.force_down('host1')
        self.assertHostStatus('DOWN')

    def test_server_without_host(self):
        flavor = self.admin_api.post_flavor(
            {'flavor': {'name': 'huge', 'ram': 512, 'vcpus': 1,
                        'disk': 1024 * 1024}})
        with utils.temporary_mutation(self.admin_api, microversion='2.37'):
            server = self._create_server(
                name='nowhere', flavor_id=flavor['id'], networks='none',
                api=self.admin_api, expected_state='ERROR')
        self.assertHostStatus('', server)

    def test_deleted_server(self):
        self._delete_server(self.server)
        self.admin_api.microversion = '2.16'
        listed = self.admin_api.get_servers(
            search_opts={'deleted': True, 'all_tenants': True})
        deleted = [s for s in listed if s['id'] == self.server['id']]
        self.assertEqual(1, len(deleted), listed)
        self.assertEqual('DELETED', deleted[0]['status'])
        self.assertEqual('', deleted[0]['host_status'])

    def test_host_whose_service_record_is_gone(self):
        service = self.compute_service('host1')
        self.computes['host1'].stop()
        service.destroy()
        self.assertHostStatus('')

    def test_deleted_service_on_the_same_host_name_is_ignored(self):
        # host1's record is disabled and forced down, then deleted (a soft
        # delete: the row stays); a new record for host1 replaces it. Only
        # the live record counts: UP, not MAINTENANCE.
        self.force_down('host1')
        self.disable('host1')
        self.computes['host1'].stop()
        self.compute_service('host1').destroy()
        with self.cell_context('cell1') as cctxt:
            objects.Service(cctxt, host='host1', binary='nova-compute',
                            topic='compute').create()
        self.assertHostStatus('UP')
