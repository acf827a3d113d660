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


class TestOperatorLines(base.HostStatusTestCase):
    """Both lines etc/policy.yaml offers the operator, and what each opens.

    The specification's ``rule:admin_or_owner`` passes any user of the
    server's project; nova's current equivalent for reads,
    ``rule:project_reader_or_admin``, only one with the reader role. They
    differ where the operator lets users without it read servers at all.
    """

    SPECIFICATION = 'rule:admin_or_owner'
    NOVA_READER = 'rule:project_reader_or_admin'
    # A cloud that still opens server reads to any role of the project, as
    # before nova's new defaults.
    READS_FOR_ANY_ROLE = {'os_compute_api:servers:show': SPECIFICATION,
                          'os_compute_api:servers:detail': SPECIFICATION}

    def configure(self):
        self.enforce_new_defaults()

    def setUp(self):
        super().setUp()
        self.server = self.boot('host1')
        self.force_down('host1')
        # Users of the servers' project: reader only, and a role that
        # implies no reader.
        self.reader_api = self.api_fixture.reader_api
        self.no_reader_api = self.api_fixture.other_api
        for api in (self.reader_api, self.no_reader_api):
            api.microversion = '2.16'
        lines = base.operator_policy_lines()
        self.lines = {line[base.HOST_STATUS]: line for line in lines}

    def seen(self, api):
        """host_status of the server in show and in detail, for *api*."""
        listed = {s['id']: s for s in api.get_servers()}
        return (api.get_server(self.server['id']).get('host_status'),
                listed[self.server['id']].get('host_status'))

    def test_the_file_offers_both_lines(self):
        self.assertEqual([self.SPECIFICATION, self.NOVA_READER],
                         list(self.lines))

    def check(self, line, expected):
        self.set_rules(self.lines[line])
        for who, api in (('admin', self.admin_api), ('owner', self.api),
                         ('reader', self.reader_api)):
            self.assertEqual(('DOWN', 'DOWN'), self.seen(api), (line, who))
        self.assertStrangerSeesNothing()
        self.set_rules(self.READS_FOR_ANY_ROLE)
        self.assertEqual(expected, self.seen(self.no_reader_api), line)

    def assertStrangerSeesNothing(self):
        self.assertEqual([], self.other_api.get_servers())
        resp = self.other_api.api_get('/servers/%s' % self.server['id'],
                                      check_response_status=False)
        self.assertEqual(404, resp.status)

    def test_specification_line(self):
        self.check(self.SPECIFICATION, ('DOWN', 'DOWN'))

    def test_nova_reader_line(self):
        self.check(self.NOVA_READER, (None, None))


class TestOperatorLinesBesideNovaField(TestOperatorLines):
    """The same, with nova's own field on, as in a real nova 34."""

    NATIVE = True
