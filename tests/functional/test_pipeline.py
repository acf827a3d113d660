"""The filter beside nova's own host_status, in every pipeline and URL form.
"""

import fixtures

from tests.functional import base


class TestBesideNovaNativeField(base.HostStatusTestCase):
    """nova 34 computes its own host_status here, as in a real deployment."""

    NATIVE = True

    def setUp(self):
        super().setUp()
        self.server = self.boot('host1')

    def test_one_field_per_server_with_the_specification_value(self):
        self.force_down('host1')
        self.disable('host1')
        other = self.boot('host2')
        for path, expected in (
                ('/servers/%s' % self.server['id'],
                 {self.server['id']: 'MAINTENANCE'}),
                ('/servers/detail',
                 {self.server['id']: 'MAINTENANCE', other['id']: 'UP'})):
            resp = self.admin_api.api_get(path)
            # NOTE: counted in the bytes nova-api sent: a decoded body
            # keeps one of two duplicated keys and could never show one.
            self.assertEqual(len(expected),
                             resp.content.count(b'"host_status"'),
                             resp.content)
            servers = resp.body.get('servers') or [resp.body['server']]
            self.assertEqual(expected, {s['id']: s['host_status']
                                        for s in servers})

    def test_filter_failure_returns_nova_response_as_nova_made_it(self):
        self.force_down('host1')
        self.disable('host1')
        for lookup in ('__call__', 'in_cell'):
            self.useFixture(fixtures.MockPatch(
                'host_status_ext.lookup.HostStatusLookup.' + lookup,
                side_effect=RuntimeError('the filter broke')))
        for path, one in (('/servers/%s' % self.server['id'], True),
                          ('/servers/detail', False)):
            resp = self.admin_api.api_get(path)
            self.assertEqual(200, resp.status)
            server = (resp.body['server'] if one
                      else resp.body['servers'][0])
            # nova's own value, in nova's own order of checks.
            self.assertEqual('DOWN', server['host_status'])
            self.assertEqual(str(len(resp.content)),
                             resp.headers['Content-Length'])

    def test_owner_sees_nothing_without_the_policy_line(self):
        self.assertNotIn('host_status', self.api.get_server(self.server['id']))
        self.open_to_owners()
        self.assertEqual('UP',
                         self.api.get_server(self.server['id'])['host_status'])


class TestProjectIdInURLs(base.HostStatusTestCase):

    USE_PROJECT_ID = True

    def test_show_and_detail(self):
        server = self.boot('host2')
        self.force_down('host2')
        self.assertIn('/%s/' % self.api_fixture.project_id,
                      self.admin_api.base_url + '/')
        self.assertEqual('DOWN', self.shown(self.admin_api, server))
        self.assertEqual({server['name']: 'DOWN'},
                         self.statuses(self.admin_api))


class TestLegacyV2Pipeline(base.HostStatusTestCase):
    """/v2 has no microversions: the filter lets its responses be."""

    def test_no_host_status_and_no_harm(self):
        self.boot('host1')
        self.start_api(api_version='v2')
        self.assertTrue(self.admin_api.base_url.endswith('/v2'))
        resp = self.admin_api.api_get('/servers/detail')
        self.assertEqual(200, resp.status)
        self.assertEqual(1, len(resp.body['servers']))
        for server in resp.body['servers']:
            self.assertNotIn('host_status', server)

    def test_filter_is_in_the_legacy_pipeline(self):
        with open(base.paste_config()) as f:
            text = f.read()
        self.assertIn('keystonecontext host_status legacy_v2_compatible',
                      text)
        self.assertIn('keystonecontext host_status osapi_compute_app_v21',
                      text)
