"""Who sees host_status, at which microversion, through which request."""

import microversion_parse
from nova import utils

from tests.functional import base

VERSIONS = ('2.15', '2.16', '2.75', 'latest')
ABSENT = None


class TestPolicyMatrix(base.HostStatusTestCase):
    """admin, the owner, a user of another project; nova's field is off."""

    def setUp(self):
        super().setUp()
        self.up = self.boot('host1', name='up')
        self.unknown = self.boot('host2', name='unknown')
        self.silence('host2')
        self.rebuilt = 0

    def expected(self, who, owner_sees, value, version, request):
        """What *who* must find in host_status."""
        first = '2.75' if request in ('put', 'rebuild') else '2.16'
        if version != 'latest' and (microversion_parse.parse_version_string(
                version) < microversion_parse.parse_version_string(first)):
            return ABSENT
        if who == 'admin':
            return value
        return value if owner_sees(value) else ABSENT

    def responses(self, api, server, version):
        """host_status as each request shows *server* at *version*."""
        with utils.temporary_mutation(api, microversion=version):
            found = {'show': api.get_server(server['id']).get('host_status')}
            listed = {s['id']: s for s in api.get_servers()}
            found['detail'] = listed[server['id']].get('host_status')
            if version in ('2.75', 'latest') and server is self.up:
                found['put'] = api.put_server(
                    server['id'], {'server': {'name': 'up'}}
                )['server'].get('host_status')
                rebuilt = api.post_server_action(
                    server['id'], {'rebuild': {
                        'imageRef': self.glance.auto_disk_config_enabled_image[
                            'id']}})
                found['rebuild'] = rebuilt['server'].get('host_status')
                self._wait_for_state_change(rebuilt['server'], 'ACTIVE')
        return found

    def check(self, owner_sees):
        for version in VERSIONS:
            for who, api in (('admin', self.admin_api), ('owner', self.api)):
                for server, value in ((self.up, 'UP'),
                                      (self.unknown, 'UNKNOWN')):
                    for request, found in self.responses(
                            api, server, version).items():
                        self.assertEqual(
                            self.expected(who, owner_sees, value, version,
                                          request),
                            found, (who, version, request, value))
            self.assertStrangerSeesNothing(version)

    def assertStrangerSeesNothing(self, version):
        with utils.temporary_mutation(self.other_api, microversion=version):
            self.assertEqual([], self.other_api.get_servers())
            for server in (self.up, self.unknown):
                resp = self.other_api.api_get(
                    '/servers/%s' % server['id'], check_response_status=False)
                self.assertEqual(404, resp.status, version)
                self.assertNotIn('host_status', resp.body)

    def test_default_policy_admin_only(self):
        self.check(owner_sees=lambda value: False)

    def test_operator_line_opens_it_to_owners(self):
        self.open_to_owners()
        self.check(owner_sees=lambda value: True)

    def test_unknown_only(self):
        self.set_rules({base.UNKNOWN_ONLY: 'rule:admin_or_owner'})
        self.check(owner_sees=lambda value: value == 'UNKNOWN')
