"""The body rewrite, with webob's Request.blank against a tiny app."""

import json

import fixtures
from nova import utils
import testtools
import webob
import webob.dec

from host_status_ext import authorization
from host_status_ext import lookup
from host_status_ext import middleware


#: server uuid -> host, as the cells hold it
HOSTS = {}


def view(uuid, host, project='p1', **fields):
    HOSTS[uuid] = host
    server = {'id': uuid, 'tenant_id': project, 'status': 'ACTIVE',
              'hostId': utils.generate_hostid(host, project) if host else ''}
    server.update(fields)
    return server


class TinyNova(object):
    """Answers every request with a canned response."""

    def __init__(self, body, status=200, version='2.16',
                 content_type='application/json'):
        self.body = body if isinstance(body, bytes) else json.dumps(
            body).encode()
        self.status = status
        self.version = version
        self.content_type = content_type
        self.requests = []

    @webob.dec.wsgify
    def __call__(self, request):
        self.requests.append(request)
        resp = webob.Response(status=self.status, body=self.body,
                              content_type=self.content_type, charset=None)
        if self.version:
            resp.headers['OpenStack-API-Version'] = 'compute ' + self.version
            resp.headers['X-OpenStack-Nova-API-Version'] = self.version
        resp.headers['x-compute-request-id'] = 'req-1'
        return resp


class FakeLookup(object):
    """Answers from {host: status}, reading the host from the test's views.

    The real lookup finds a server's host in its cell; here the view's
    hostId stands in for it.
    """

    def __init__(self, by_host, complete=True, error=None):
        self.by_host = by_host
        self.complete = complete
        self.error = error
        self.calls = []
        self.servers_asked = []

    def _statuses(self, server_uuids):
        if self.error:
            raise self.error
        return lookup.ServerStatuses(
            {uuid: self.by_host[HOSTS[uuid]] for uuid in server_uuids
             if HOSTS.get(uuid) in self.by_host}, self.complete)

    def __call__(self, context, server_uuids, timeout):
        self.calls.append(list(server_uuids))
        return self._statuses(server_uuids)

    def in_cell(self, context, server_uuids):
        self.servers_asked.append((context.cell_uuid, list(server_uuids)))
        return self._statuses(server_uuids)


class FakeGate(object):

    def __init__(self, visibility=authorization.Visibility.ALL):
        self.result = visibility
        self.calls = []

    def visibility(self, context, project_id=None):
        self.calls.append((context, project_id))
        return self.result


class FakeContext(object):
    """What the filter reads of nova's request context."""

    cell_uuid = None


class TestHostStatusFilter(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # The failure paths log warnings: into the test's details, shown
        # only if it fails, not onto the console.
        self.useFixture(fixtures.FakeLogger())
        HOSTS.clear()
        self.lookup = FakeLookup({'cmp1': 'UP', 'cmp2': 'DOWN',
                                  'cmp3': 'MAINTENANCE'})
        self.gate = FakeGate()
        self.context = FakeContext()

    def call(self, app, path='/servers/detail', method='GET', body=None,
             with_context=True):
        filt = middleware.HostStatusFilter(app, host_lookup=self.lookup,
                                           gate=self.gate)
        request = webob.Request.blank(path, method=method, body=body)
        if with_context:
            request.environ['nova.context'] = self.context
        return request.get_response(filt)

    def assertUntouched(self, app, resp):
        self.assertEqual(app.status, resp.status_int)
        self.assertEqual(app.body, resp.body)
        self.assertEqual(str(len(app.body)), resp.headers['Content-Length'])

    def test_detail_gets_host_status_per_server(self):
        app = TinyNova({'servers': [view('a', 'cmp1'), view('b', 'cmp2'),
                                    view('c', None)],
                        'servers_links': []})
        resp = self.call(app)
        self.assertEqual(200, resp.status_int)
        servers = resp.json_body['servers']
        self.assertEqual(['UP', 'DOWN', ''],
                         [s['host_status'] for s in servers])
        self.assertEqual(str(len(resp.body)), resp.headers['Content-Length'])
        self.assertEqual('req-1', resp.headers['x-compute-request-id'])
        self.assertEqual([], resp.json_body['servers_links'])
        # One lookup, for the servers that have a host.
        self.assertEqual([['a', 'b']], self.lookup.calls)
        # One policy decision for a listing, with nova's default target.
        self.assertEqual([(self.context, None)], self.gate.calls)

    def test_detail_asks_for_one_server_per_host_and_project(self):
        app = TinyNova({'servers': [view('a', 'cmp1'), view('b', 'cmp1'),
                                    view('c', 'cmp1', project='p2'),
                                    view('d', 'cmp2', project='p2')]})
        servers = self.call(app).json_body['servers']
        self.assertEqual(['UP', 'UP', 'UP', 'DOWN'],
                         [s['host_status'] for s in servers])
        self.assertEqual([['a', 'c', 'd']], self.lookup.calls)

    def test_detail_with_project_prefix(self):
        app = TinyNova({'servers': [view('a', 'cmp1')]})
        resp = self.call(app, path='/p1/servers/detail')
        self.assertEqual('UP', resp.json_body['servers'][0]['host_status'])

    def test_show_checks_policy_against_the_server_project(self):
        app = TinyNova({'server': view('a', 'cmp2', project='owner')})
        self.lookup = FakeLookup({'cmp2': 'MAINTENANCE'})
        resp = self.call(app, path='/servers/a')
        self.assertEqual('MAINTENANCE',
                         resp.json_body['server']['host_status'])
        self.assertEqual([(self.context, 'owner')], self.gate.calls)

    def test_nova_field_is_replaced_not_duplicated(self):
        # nova says DOWN for a host both forced down and disabled.
        app = TinyNova({'server': view('a', 'cmp3', host_status='DOWN')})
        resp = self.call(app, path='/servers/a')
        self.assertEqual(b'MAINTENANCE',
                         resp.body.split(b'"host_status":"')[1][:11])
        self.assertEqual(1, resp.body.count(b'host_status'))

    def test_update_and_rebuild_from_2_75(self):
        body = {'server': view('a', 'cmp1')}
        resp = self.call(TinyNova(body, version='2.75'), path='/servers/a',
                         method='PUT', body=b'{"server": {"name": "n"}}')
        self.assertEqual('UP', resp.json_body['server']['host_status'])
        resp = self.call(TinyNova(body, status=202, version='2.75'),
                         path='/servers/a/action', method='POST',
                         body=b'{"rebuild": {"imageRef": "i"}}')
        self.assertEqual('UP', resp.json_body['server']['host_status'])

    def test_update_below_2_75_untouched(self):
        app = TinyNova({'server': view('a', 'cmp1')}, version='2.74')
        resp = self.call(app, path='/servers/a', method='PUT', body=b'{}')
        self.assertUntouched(app, resp)

    def test_old_microversion_untouched(self):
        app = TinyNova({'servers': [view('a', 'cmp1')]}, version='2.15')
        self.assertUntouched(app, self.call(app))
        self.assertEqual([], self.lookup.calls)

    def test_no_microversion_header_untouched(self):
        app = TinyNova({'servers': [view('a', 'cmp1')]}, version=None)
        self.assertUntouched(app, self.call(app))

    def test_error_untouched(self):
        app = TinyNova({'itemNotFound': {'code': 404, 'message': 'x'}},
                       status=404)
        self.assertUntouched(app, self.call(app, path='/servers/a'))

    def test_non_json_untouched(self):
        app = TinyNova(b'<html/>', content_type='text/html')
        self.assertUntouched(app, self.call(app))

    def test_head_and_other_paths_go_straight_to_nova(self):
        for method, path in (('HEAD', '/servers/a'), ('GET', '/servers'),
                             ('GET', '/flavors/detail'),
                             ('POST', '/servers/a/action')):
            app = TinyNova({'servers': [view('a', 'cmp1')]})
            body = None
            if method == 'POST':
                body = b'{"reboot": {"type": "HARD"}}'
            resp = self.call(app, path=path, method=method, body=body)
            if method != 'HEAD':
                self.assertUntouched(app, resp)
            self.assertEqual(1, len(app.requests))
        self.assertEqual([], self.lookup.calls)
        self.assertEqual([], self.gate.calls)

    def test_policy_denies(self):
        self.gate = FakeGate(authorization.Visibility.NONE)
        app = TinyNova({'servers': [view('a', 'cmp1')]})
        self.assertUntouched(app, self.call(app))
        self.assertEqual([], self.lookup.calls)

    def test_unknown_only(self):
        self.gate = FakeGate(authorization.Visibility.UNKNOWN_ONLY)
        self.lookup = FakeLookup({'cmp1': 'UP', 'cmp2': 'UNKNOWN'})
        app = TinyNova({'servers': [view('a', 'cmp1'), view('b', 'cmp2')]})
        servers = self.call(app).json_body['servers']
        self.assertNotIn('host_status', servers[0])
        self.assertEqual('UNKNOWN', servers[1]['host_status'])

    def test_no_server_needs_a_lookup(self):
        app = TinyNova({'servers': [view('a', None),
                                    view('b', 'cmp1', status='DELETED')]})
        servers = self.call(app).json_body['servers']
        self.assertEqual(['', ''], [s['host_status'] for s in servers])
        self.assertEqual([], self.lookup.calls)

    def test_down_cell_servers_get_nothing(self):
        self.lookup = FakeLookup({'cmp1': 'UP'}, complete=False)
        partial = {'id': 'p', 'tenant_id': 'p1', 'status': 'UNKNOWN'}
        app = TinyNova({'servers': [view('a', 'cmp1'), view('b', 'other'),
                                    partial]})
        servers = self.call(app).json_body['servers']
        self.assertEqual('UP', servers[0]['host_status'])
        self.assertNotIn('host_status', servers[1])
        self.assertEqual(partial, servers[2])

    def test_server_found_in_no_cell_gets_empty(self):
        app = TinyNova({'servers': [view('a', 'cmp1'), view('b', 'gone')]})
        servers = self.call(app).json_body['servers']
        self.assertEqual(['UP', ''], [s['host_status'] for s in servers])

    def test_lookup_failure_returns_nova_response_exactly(self):
        self.lookup = FakeLookup({}, error=RuntimeError('db gone'))
        app = TinyNova({'servers': [view('a', 'cmp1', host_status='DOWN')]})
        resp = self.call(app)
        self.assertUntouched(app, resp)
        self.assertEqual('req-1', resp.headers['x-compute-request-id'])

    def test_malformed_bodies_untouched(self):
        for body in (b'{not json', b'[]', b'{"servers": 3}',
                     b'{"servers": [1, 2]}', b'{"server": null}'):
            app = TinyNova(body)
            self.assertUntouched(app, self.call(app))
            app = TinyNova(body)
            self.assertUntouched(app, self.call(app, path='/servers/a'))

    def test_no_nova_context_untouched(self):
        app = TinyNova({'servers': [view('a', 'cmp1')]})
        self.assertUntouched(app, self.call(app, with_context=False))
        self.assertEqual([], self.gate.calls)

    def test_single_server_asks_only_the_cell_nova_targeted(self):
        self.context.cell_uuid = 'cell-of-the-server'
        for method, status, version, path, body in (
                ('GET', 200, '2.16', '/servers/a', None),
                ('PUT', 200, '2.75', '/servers/a', b'{}'),
                ('POST', 202, '2.75', '/servers/a/action',
                 b'{"rebuild": {}}')):
            app = TinyNova({'server': view('a', 'cmp3')}, status=status,
                           version=version)
            resp = self.call(app, path=path, method=method, body=body)
            self.assertEqual('MAINTENANCE',
                             resp.json_body['server']['host_status'])
        self.assertEqual([('cell-of-the-server', ['a'])] * 3,
                         self.lookup.servers_asked)
        self.assertEqual([], self.lookup.calls)

    def test_single_server_in_its_cell_lookup_fails_untouched(self):
        self.context.cell_uuid = 'cell-of-the-server'
        self.lookup.error = RuntimeError('cell database gone')
        app = TinyNova({'server': view('a', 'cmp1', host_status='DOWN')})
        self.assertUntouched(app, self.call(app, path='/servers/a'))

    def test_single_server_without_a_targeted_context_asks_every_cell(self):
        app = TinyNova({'server': view('a', 'cmp2')})
        resp = self.call(app, path='/servers/a')
        self.assertEqual('DOWN', resp.json_body['server']['host_status'])
        self.assertEqual(1, len(self.lookup.calls))
        self.assertEqual([], self.lookup.servers_asked)

    def test_single_server_without_host_asks_nothing(self):
        self.context.cell_uuid = 'cell-of-the-server'
        app = TinyNova({'server': view('a', None)})
        resp = self.call(app, path='/servers/a')
        self.assertEqual('', resp.json_body['server']['host_status'])
        self.assertEqual([], self.lookup.calls)
        self.assertEqual([], self.lookup.servers_asked)

    def test_listing_asks_every_cell_whatever_the_context_says(self):
        self.context.cell_uuid = 'some-cell'
        self.call(TinyNova({'servers': [view('a', 'cmp1')]}))
        self.assertEqual(1, len(self.lookup.calls))
        self.assertEqual([], self.lookup.servers_asked)

    # nova wrote the field: the fast path -----------------------------------

    def test_nova_field_without_down_goes_back_untouched(self):
        app = TinyNova({'servers': [
            view('a', 'cmp1', host_status='UP'),
            view('b', 'cmp3', host_status='MAINTENANCE'),
            view('c', 'cmp4', host_status='UNKNOWN'),
            view('d', None, host_status='')]})
        self.assertUntouched(app, self.call(app))
        self.assertEqual([], self.lookup.calls)
        self.assertEqual([], self.gate.calls)

    def test_nova_field_without_down_on_a_show_untouched(self):
        self.context.cell_uuid = 'cell-of-the-server'
        app = TinyNova({'server': view('a', 'cmp1', host_status='UP')})
        self.assertUntouched(app, self.call(app, path='/servers/a'))
        self.assertEqual([], self.lookup.servers_asked)
        self.assertEqual([], self.gate.calls)

    def test_nova_field_is_kept_as_nova_wrote_it(self):
        # Only DOWN is looked up: nova's other values stand, even where
        # the lookup (here, a stale record) would say otherwise.
        app = TinyNova({'servers': [view('a', 'cmp1', host_status='UNKNOWN'),
                                    view('b', 'cmp3', host_status='DOWN')]})
        servers = self.call(app).json_body['servers']
        self.assertEqual(['UNKNOWN', 'MAINTENANCE'],
                         [s['host_status'] for s in servers])
        self.assertEqual([['b']], self.lookup.calls)

    def test_down_that_stays_down_leaves_the_body_as_nova_made_it(self):
        app = TinyNova({'servers': [view('a', 'cmp1', host_status='UP'),
                                    view('b', 'cmp2', host_status='DOWN')]})
        self.assertUntouched(app, self.call(app))
        self.assertEqual([['b']], self.lookup.calls)

    def test_down_servers_ask_one_server_per_host_and_project(self):
        app = TinyNova({'servers': [
            view('a', 'cmp3', host_status='DOWN'),
            view('b', 'cmp3', host_status='DOWN'),
            view('c', 'cmp3', project='p2', host_status='DOWN'),
            view('d', 'cmp1', host_status='UP')]})
        servers = self.call(app).json_body['servers']
        self.assertEqual(['MAINTENANCE'] * 3 + ['UP'],
                         [s['host_status'] for s in servers])
        self.assertEqual([['a', 'c']], self.lookup.calls)
        self.assertEqual([(self.context, None)], self.gate.calls)

    def test_down_on_a_show_asks_the_servers_cell_against_its_project(self):
        self.context.cell_uuid = 'cell-of-the-server'
        app = TinyNova({'server': view('a', 'cmp3', project='owner',
                                       host_status='DOWN')})
        resp = self.call(app, path='/servers/a')
        self.assertEqual('MAINTENANCE',
                         resp.json_body['server']['host_status'])
        self.assertEqual([('cell-of-the-server', ['a'])],
                         self.lookup.servers_asked)
        self.assertEqual([(self.context, 'owner')], self.gate.calls)

    def test_down_in_a_name_costs_a_decode_not_a_lookup(self):
        app = TinyNova({'servers': [view('a', 'cmp1', name='DOWN',
                                         host_status='UP')]})
        self.assertUntouched(app, self.call(app))
        self.assertEqual([], self.lookup.calls)

    def test_an_escaped_down_is_seen(self):
        body = json.dumps({'server': view('a', 'cmp3', host_status='DOWN')})
        body = body.replace('"DOWN"', '"\\u0044OWN"').encode()
        app = TinyNova(body)
        resp = self.call(app, path='/servers/a')
        self.assertEqual('MAINTENANCE',
                         resp.json_body['server']['host_status'])

    def test_down_but_the_policy_now_hides_it_withholds_every_value(self):
        self.gate = FakeGate(authorization.Visibility.NONE)
        app = TinyNova({'servers': [view('a', 'cmp1', host_status='UP'),
                                    view('b', 'cmp3', host_status='DOWN')]})
        servers = self.call(app).json_body['servers']
        self.assertEqual([False, False], ['host_status' in s for s in servers])

    def test_down_cell_record_beside_nova_field_untouched(self):
        partial = {'id': 'p', 'tenant_id': 'p1', 'status': 'UNKNOWN'}
        app = TinyNova({'servers': [view('a', 'cmp3', host_status='DOWN'),
                                    partial]})
        servers = self.call(app).json_body['servers']
        self.assertEqual('MAINTENANCE', servers[0]['host_status'])
        self.assertEqual(partial, servers[1])

    # Logs under failure ------------------------------------------------------

    def warnings(self, logger):
        return [line for line in logger.output.splitlines()
                if 'host_status filter' in line]

    def test_failing_requests_log_one_episode(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='host_status_ext.middleware'))
        self.lookup = FakeLookup({}, error=RuntimeError('nova API changed'))
        filt = middleware.HostStatusFilter(
            None, host_lookup=self.lookup, gate=self.gate)
        for _ in range(50):
            app = TinyNova({'servers': [view('a', 'cmp1')]})
            filt.application = app
            request = webob.Request.blank('/servers/detail')
            request.environ['nova.context'] = self.context
            self.assertUntouched(app, request.get_response(filt))
        lines = self.warnings(logger)
        self.assertEqual(1, len(lines), logger.output)
        self.assertIn('failing', lines[0])
        self.assertEqual(1, logger.output.count('Traceback'))
        # The next request the filter completes ends the episode.
        self.lookup.error = None
        filt.application = TinyNova({'servers': [view('a', 'cmp1')]})
        request = webob.Request.blank('/servers/detail')
        request.environ['nova.context'] = self.context
        request.get_response(filt)
        lines = self.warnings(logger)
        self.assertEqual(2, len(lines), logger.output)
        self.assertIn('recovered', lines[1])
        self.assertIn('50 failure(s)', lines[1])

    def test_a_misplaced_filter_says_so_once(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='host_status_ext.middleware'))
        filt = middleware.HostStatusFilter(
            TinyNova({'servers': [view('a', 'cmp1')]}),
            host_lookup=self.lookup, gate=self.gate)
        for _ in range(20):
            webob.Request.blank('/servers/detail').get_response(filt)
        lines = self.warnings(logger)
        self.assertEqual(1, len(lines), logger.output)
        self.assertIn('keystonecontext', lines[0])

    def test_filter_factory(self):
        app = TinyNova({})
        filt = middleware.filter_factory({})(app)
        self.assertIsInstance(filt, middleware.HostStatusFilter)
        self.assertIs(app, filt.application)
