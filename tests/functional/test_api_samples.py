"""The guide's API samples are real responses of nova with the filter.

``doc/api_samples/`` holds the request and response bodies that the API
page of the guide shows (``doc/source/api/index.rst``). Each test here makes
the request through nova's real WSGI app, with the filter in the pipeline
and nova's own host_status computed too (as in a deployment of nova 34),
normalises what changes from run to run (server ids, timestamps, the admin
password of a rebuild) and compares the result with the committed file.

When nova's server view changes, regenerate the files and review the diff::

    HOST_STATUS_GENERATE_SAMPLES=1 tox -e functional -- test_api_samples
"""

import json
import os
import re

from nova import utils

from tests.functional import base

SAMPLES_DIR = os.path.join(os.path.dirname(__file__), '..', '..', 'doc',
                           'api_samples')
GENERATE = os.environ.get('HOST_STATUS_GENERATE_SAMPLES') == '1'

#: the server ids of the samples, in the order the tests boot servers
SAMPLE_SERVER_IDS = [
    '9168b536-cd40-4630-b43f-b259807c6e87',
    '3cc89b82-5bd5-4b5e-9f3a-6f1a7a8c2b9d',
]
SAMPLE_TIME = '2026-11-26T06:20:01'
SAMPLE_PASSWORD = 'seekr3t'
SAMPLE_ENDPOINT = 'http://openstack.example.com'
_TIMESTAMP = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?P<fraction>\.\d+)?')
_ENDPOINT = re.compile(r'http://[^/"]+')


def _sample_time(match):
    return SAMPLE_TIME + ('.000000' if match.group('fraction') else '')


class TestApiSamples(base.HostStatusTestCase):
    """The owner's view, with the operator's policy line, nova 34's field on.

    Each test walks one server through several values, to keep the number
    of nova set-ups (each starts a cloud's worth of services) small.
    """

    NATIVE = True

    def setUp(self):
        super().setUp()
        self.open_to_owners()
        # NOTE: so that the owner itself can boot a server on a given host
        # (the samples then carry the owner's user_id); nothing to do with
        # host_status.
        self.set_rules({
            'compute:servers:create:requested_destination': '@'})
        self.server_ids = []

    # Samples -------------------------------------------------------------

    def boot_sample(self, host, name):
        with utils.temporary_mutation(self.api, microversion='2.74'):
            server = self._create_server(name=name, host=host,
                                         flavor_id=base.TINY_FLAVOR,
                                         networks='none', api=self.api)
        self.server_ids.append(server['id'])
        return server

    def normalise(self, document):
        """*document* with what varies between runs made fixed."""
        text = json.dumps(document, indent=4, sort_keys=True)
        for real, sample in zip(self.server_ids, SAMPLE_SERVER_IDS):
            text = text.replace(real, sample)
        text = _TIMESTAMP.sub(_sample_time, text)
        text = _ENDPOINT.sub(SAMPLE_ENDPOINT, text)
        normalised = json.loads(text)
        if 'adminPass' in normalised.get('server', {}):
            normalised['server']['adminPass'] = SAMPLE_PASSWORD
        return normalised

    def assertSample(self, name, document):
        """*document*, normalised, is the committed sample *name*."""
        path = os.path.join(SAMPLES_DIR, name)
        actual = self.normalise(document)
        if GENERATE:
            with open(path, 'w') as f:
                f.write(json.dumps(actual, indent=4, sort_keys=True) + '\n')
        with open(path) as f:
            expected = json.load(f)
        self.assertEqual(
            expected, actual,
            '%s is not what nova answers now; regenerate it with '
            'HOST_STATUS_GENERATE_SAMPLES=1 (see this module)' % name)

    def assertRequestSample(self, name, body):
        """*body* is the committed request sample *name*, as sent."""
        path = os.path.join(SAMPLES_DIR, name)
        if GENERATE:
            with open(path, 'w') as f:
                f.write(json.dumps(body, indent=4, sort_keys=True) + '\n')
        with open(path) as f:
            self.assertEqual(json.load(f), body)

    def show(self, server, version='2.16'):
        with utils.temporary_mutation(self.api, microversion=version):
            response = self.api.api_get('/servers/%s' % server['id'])
        self.assertEqual(200, response.status)
        return response.body

    def assertShowSample(self, server, expected_host_status, name):
        body = self.show(server)
        self.assertEqual(expected_host_status, body['server']['host_status'])
        self.assertSample(name, body)

    # Tests ---------------------------------------------------------------

    def test_show_each_value(self):
        server = self.boot_sample('host1', 'vnf-a')
        self.assertShowSample(server, 'UP', 'server-show-UP-resp.json')

        self.force_down('host1')
        self.assertShowSample(server, 'DOWN', 'server-show-DOWN-resp.json')

        # Disabled and forced down: the one case where the specification
        # and nova's own code differ. Then disabled alone: the same.
        self.disable('host1')
        self.assertShowSample(server, 'MAINTENANCE',
                              'server-show-MAINTENANCE-resp.json')
        self.force_down('host1', down=False)
        self.assertShowSample(server, 'MAINTENANCE',
                              'server-show-MAINTENANCE-resp.json')

        self.disable('host1', disabled=False)
        self.silence('host1')
        self.assertShowSample(server, 'UNKNOWN',
                              'server-show-UNKNOWN-resp.json')

    def test_show_no_host(self):
        flavor = self.admin_api.post_flavor(
            {'flavor': {'name': 'huge', 'id': 'huge', 'ram': 512,
                        'vcpus': 1, 'disk': 1024 * 1024}})
        with utils.temporary_mutation(self.api, microversion='2.37'):
            server = self._create_server(
                name='vnf-a', flavor_id=flavor['id'], networks='none',
                expected_state='ERROR')
        self.server_ids.append(server['id'])
        self.assertShowSample(server, '', 'server-show-empty-resp.json')

    def test_detail_update_and_rebuild(self):
        server = self.boot_sample('host1', 'vnf-a')
        self.boot_sample('host3', 'vnf-b')
        self.disable('host1')
        with utils.temporary_mutation(self.api, microversion='2.16'):
            body = self.api.api_get('/servers/detail').body
        self.assertEqual(
            {'vnf-a': 'MAINTENANCE', 'vnf-b': 'UP'},
            {s['name']: s['host_status'] for s in body['servers']})
        body['servers'].sort(key=lambda s: s['name'])
        self.assertSample('servers-detail-resp.json', body)

        self.disable('host1', disabled=False)
        self.force_down('host1')
        request = {'server': {'name': 'vnf-a-primary'}}
        self.assertRequestSample('server-update-req.json', request)
        with utils.temporary_mutation(self.api, microversion='2.75'):
            response = self.api.api_put('/servers/%s' % server['id'],
                                        request)
        self.assertEqual(200, response.status)
        self.assertEqual('DOWN', response.body['server']['host_status'])
        self.assertSample('server-update-resp.json', response.body)

        self.force_down('host1', down=False)
        self.disable('host1')
        request = {'rebuild': {
            'imageRef': server['image']['id'], 'name': 'vnf-a'}}
        self.assertRequestSample('server-action-rebuild-req.json', request)
        with utils.temporary_mutation(self.api, microversion='2.75'):
            response = self.api.api_post(
                '/servers/%s/action' % server['id'], request)
        self.assertEqual(202, response.status)
        self.assertEqual('MAINTENANCE',
                         response.body['server']['host_status'])
        self.assertSample('server-action-rebuild-resp.json', response.body)
