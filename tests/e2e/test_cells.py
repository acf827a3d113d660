"""Two cells on real services: cell2's MariaDB server killed under the filter.

The owner has a server in each cell. With cell2's database server killed
(SIGKILL, a process of the mini-cloud's state folder), the owner's
``GET /servers/detail`` must still be nova's 200, the cell1 server must
carry its host_status, and cell2's server must come back exactly as nova
serves it: left out below 2.69, a partial record from 2.69. A second
nova-api without the filter answers the same requests, so "as nova
serves it" is checked against nova itself.
"""

from tools.minicloud import cell2
from tools.minicloud import client
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import scenario
from tools.minicloud import services
from tools.minicloud import verdicts

from tests.e2e import base

IN_CELL1, IN_CELL2 = layout.CELL1_HOSTS[0], layout.CELL2_HOSTS[0]
CELL2_START_TIMEOUT = 60
ORIGINS = tuple(url.rsplit('/', 1)[0] for url in (
    layout.PLAIN_COMPUTE_URL, layout.COMPUTE_URL))


class TwoCellsTest(base.CloudTestCase):

    HOSTS = (IN_CELL1, IN_CELL2)

    def detail(self, url, version):
        resp = self.owner_s.get(
            url + '/servers/detail',
            headers={'OpenStack-API-Version': 'compute ' + version},
            raise_exc=False)
        return resp.status_code, resp.json()

    def test_each_cell_gives_its_servers_host_status(self):
        self.open_to_owner()
        detail = {s['id']: s for s in client.get_servers(self.owner_s)}
        for sid in self.servers.values():
            self.assertEqual('UP', detail[sid].get('host_status'))
        scenario.set_forced_down(self.admin, IN_CELL2, True)
        self.assert_owner_sees(IN_CELL2, 'DOWN')
        self.assertEqual('UP', self.seen_by_owner(IN_CELL1))

    def cell2_back(self):
        if not procs.pid(layout.CELL2_DB_SERVER):
            services.start(layout.CELL2_DB_SERVER)
        procs.wait_for(cell2.ready, 'cell2 MariaDB', CELL2_START_TIMEOUT)

    def test_cell2_database_down(self):
        self.open_to_owner()
        services.start_plain_api()
        self.addCleanup(procs.stop, layout.PLAIN_API)
        self.assertTrue(procs.kill(layout.CELL2_DB_SERVER))
        self.addCleanup(self.cell2_back)
        in_cell1, in_cell2 = self.servers[IN_CELL1], self.servers[IN_CELL2]

        for version in ('2.16', '2.69'):
            status, ours = self.detail(layout.COMPUTE_URL, version)
            plain_status, plain = self.detail(layout.PLAIN_COMPUTE_URL,
                                              version)
            self.assertEqual((200, 200), (status, plain_status), version)
            servers = {s['id']: s for s in ours['servers']}
            self.assertEqual('UP', servers[in_cell1].get('host_status'))
            if version == '2.16':
                # nova leaves a down cell's servers out below 2.69.
                self.assertNotIn(in_cell2, servers)
            else:
                partial = servers[in_cell2]
                self.assertEqual('UNKNOWN', partial['status'])
                self.assertNotIn('hostId', partial)
                self.assertNotIn('host_status', partial)
            # Beyond host_status (and the port in links), what nova
            # without the filter answers.
            plain = verdicts.same_origin(plain, *ORIGINS)
            self.assertEqual(verdicts.without_field(plain),
                             verdicts.without_field(ours), version)
