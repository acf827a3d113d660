"""Properties of the filter over any request and any response nova gives.

For any request, any response nova's app could hand back (status, headers,
content type, one body or chunks without a Content-Length, any JSON or any
bytes), any policy and any host statuses, the filter's answer has:

* nova's status line, and nova's headers in nova's order (Content-Length
  aside, which must then say the length of the body it goes with);
* nova's body byte for byte, unless the response is one that carries the
  field (a successful JSON server view at a microversion that has it);
  there, a body whose JSON equals nova's once ``host_status`` is taken out
  of the server views, and nothing else;
* in every server view, a ``host_status`` only if the caller's visibility,
  as the policy decides it, allows its value.

The policy decision is nova's own: the filter's real
:class:`~host_status_ext.authorization.Gate` over nova's enforcer, with
rules drawn per example, and a nova ``RequestContext`` with drawn roles.
What the caller may see is worked out here from the drawn rules alone, so
a filter that ignores the policy fails (``PropertyCanFailTest``). The host
statuses are drawn too: the lookup is the one part replaced, at its
boundary, by one that answers with them.
"""

import json

import hypothesis
from hypothesis import strategies as st
from nova import context as nova_context
from nova import policy as nova_policy
from nova import utils
from oslo_policy import policy as oslo_policy
import testtools
import webob

from host_status_ext import authorization
from host_status_ext import lookup
from host_status_ext import middleware
from host_status_ext.policies import host_status as rules
from host_status_ext import status

# Bounded and repeatable: the same examples on every run (derandomize), no
# example database left in the tree, a deadline per example generous
# enough for a busy 2-core CI machine.
SETTINGS = hypothesis.settings(
    max_examples=200, deadline=5000, derandomize=True, database=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow,
                           hypothesis.HealthCheck.data_too_large])
# An example is all find() must give: no shrinking.
FIND_SETTINGS = hypothesis.settings(
    SETTINGS, max_examples=500, phases=[hypothesis.Phase.generate])
# NOTE: derandomized examples still change with the product's code:
# hypothesis draws now and then from the literals of the local modules
# loaded (its "local constants"). An example reaches "written" about once
# in 45, so 100 examples missed it for one code change in ten; 500 make
# that chance negligible whatever the code holds.
CLASSIFY_SETTINGS = hypothesis.settings(SETTINGS, max_examples=500)

CALLER = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0'
OTHER = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0'
HOSTS = ('cmp1', 'cmp2', 'cmp3', 'cmp4')
FIELD = 'host_status'

# Check strings whose outcome is plain from the roles and the target.
CHECKS = {
    '@': lambda roles, target: True,
    '!': lambda roles, target: False,
    'role:admin': lambda roles, target: 'admin' in roles,
    'project_id:%(project_id)s': lambda roles, target: target == CALLER,
    'role:reader and project_id:%(project_id)s':
        lambda roles, target: 'reader' in roles and target == CALLER,
}

# path template -> which resource it names (None: not a server resource).
PATHS = {
    '/servers/detail': 'detail',
    '/%(project)s/servers/detail': 'detail',
    '/servers/detail/': 'detail',
    '/servers/%(id)s': 'server',
    '/%(project)s/servers/%(id)s': 'server',
    '/servers/%(id)s/action': 'action',
    '/%(project)s/servers/%(id)s/action': 'action',
    '/servers': None,
    '/flavors/detail': None,
    '/servers/detail/extra': None,
    '/servers/%(id)s/metadata': None,
    '/': None,
}
VERSIONS = ('2.1', '2.15', '2.16', '2.53', '2.69', '2.74', '2.75', '2.96',
            '2.100', '3.0', '2.016')
BAD_VERSIONS = ('latest', '2', 'x.y', '', '2.16.1', 'compute')
STATUSES = (200, 201, 202, 203, 204, 300, 304, 400, 401, 403, 404, 409,
            413, 500, 503)
# The exchanges the filter is for: (paths, method, request body, nova's
# success status, least microversion).
OURS = {
    'detail': (('/servers/detail', '/%(project)s/servers/detail'), 'GET',
               b'', 200, (2, 16)),
    'show': (('/servers/%(id)s', '/%(project)s/servers/%(id)s'), 'GET',
             b'', 200, (2, 16)),
    'update': (('/servers/%(id)s',), 'PUT', b'{"server": {"name": "n"}}',
               200, (2, 75)),
    'rebuild': (('/servers/%(id)s/action',), 'POST',
                b'{"rebuild": {"imageRef": "i"}}', 202, (2, 75)),
}
CONTENT_TYPES = ('application/json', 'application/json; charset=UTF-8',
                 'text/html; charset=UTF-8', 'text/plain',
                 'application/octet-stream', 'application/jsonx', None)


def visibility(host_rule, unknown_rule, roles, target):
    """What the caller may see, from the drawn rules alone (the oracle)."""
    if CHECKS[host_rule](roles, target):
        return authorization.Visibility.ALL
    if CHECKS[unknown_rule](roles, target):
        return authorization.Visibility.UNKNOWN_ONLY
    return authorization.Visibility.NONE


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2 ** 63, 2 ** 63),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=6)
extra_keys = st.text(max_size=8).filter(
    lambda k: k not in ('id', 'tenant_id', 'status', 'hostId', FIELD))
# Built once: hypothesis validates a strategy each time one is made.
projects = st.sampled_from((CALLER, OTHER))
server_states = st.sampled_from(
    ('ACTIVE', 'SHUTOFF', 'ERROR', 'BUILD', 'DELETED'))
wheres = st.sampled_from(('known', 'known', 'unknown', 'none', 'partial'))
hosts_ = st.sampled_from(HOSTS)
extras = st.dictionaries(extra_keys, json_values, max_size=3)
nova_values = st.sampled_from(status.ALL_VALUES)
shapes = st.sampled_from(('views', 'views', 'views', 'json', 'bytes'))
# nova's own bodies for the exchanges the filter is for, now and then not.
our_shapes = st.sampled_from(('views',) * 8 + ('json', 'bytes'))
any_json = st.one_of(json_values, st.dictionaries(
    st.sampled_from(('servers', 'server')), json_values, min_size=1))
indents = st.sampled_from((None, 1))
extra_headers = st.lists(st.tuples(
    st.sampled_from(('x-compute-request-id', 'x-openstack-request-id',
                     'Vary', 'Cache-Control', 'X-Other')),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e),
            max_size=12)), max_size=3)
host_statuses = st.fixed_dictionaries({}, optional={
    h: st.sampled_from((status.UP, status.UNKNOWN, status.DOWN,
                        status.MAINTENANCE)) for h in HOSTS})


@st.composite
def server_view(draw, shown_by_nova):
    """One server as nova's view could give it.

    :param shown_by_nova: project -> visibility with which nova's own
        view decides whether to carry its own host_status.
    """
    project = draw(projects)
    server = {'id': str(draw(st.uuids())), 'tenant_id': project,
              'status': draw(server_states)}
    where = draw(wheres)
    host = None
    if where == 'partial':
        # A down cell's record from 2.69: no hostId, status UNKNOWN.
        server['status'] = 'UNKNOWN'
    elif where == 'none':
        server['hostId'] = ''
    else:
        host = draw(hosts_) if where == 'known' else 'ghost'
        server['hostId'] = utils.generate_hostid(host, project)
    server.update(draw(extras))
    if where != 'partial' and draw(st.booleans()):
        value = draw(nova_values)
        if shown_by_nova(project).allows(value):
            server[FIELD] = value
    return server, host


@st.composite
def body(draw, resource, shown_by_nova, ours):
    """(bytes, {server id: host}) of a body nova, or anything, could give."""
    shape = draw(our_shapes if ours else shapes)
    hosts = {}
    if shape == 'bytes':
        return draw(st.binary(max_size=48)), hosts
    if shape == 'json':
        document = draw(any_json)
    else:
        views = draw(st.lists(server_view(shown_by_nova),
                              min_size=1 if ours else 0, max_size=5))
        hosts = {view['id']: host for view, host in views}
        views = [view for view, _ in views]
        if resource == 'detail' or not views:
            document = {'servers': views}
            if draw(st.booleans()):
                document['servers_links'] = [{'rel': 'next', 'href': 'x'}]
        else:
            document = {'server': views[0]}
    text = json.dumps(document, indent=draw(indents),
                      ensure_ascii=draw(st.booleans()))
    return text.encode('utf-8'), hosts


def version_headers(draw, versions):
    version = draw(st.one_of(st.sampled_from(versions),
                             st.sampled_from(BAD_VERSIONS),
                             st.from_regex(r'\A2\.[0-9]{1,3}\Z'))
                   if versions is VERSIONS else st.sampled_from(versions))
    style = draw(st.sampled_from(('both', 'standard', 'legacy', 'none')
                                 if versions is VERSIONS
                                 else ('both', 'standard', 'legacy')))
    headers = []
    if style in ('both', 'standard'):
        headers.append(('OpenStack-API-Version', 'compute ' + version))
    if style in ('both', 'legacy'):
        headers.append(('X-OpenStack-Nova-API-Version', version))
    return headers


def _version(text):
    major, minor = text.split('.')
    return int(major), int(minor)


@st.composite
def any_request(draw):
    """(path template, method, body, status, versions) of any exchange."""
    template = draw(st.sampled_from(sorted(PATHS)))
    method = draw(st.sampled_from(('GET', 'GET', 'PUT', 'POST', 'HEAD',
                                   'DELETE', 'PATCH')))
    request_body = b''
    if method in ('PUT', 'POST'):
        request_body = draw(st.one_of(
            st.just(b''), st.binary(max_size=16),
            st.sampled_from(('rebuild', 'reboot', 'server')).map(
                lambda k: json.dumps({k: {}}).encode())))
    return (template, method, request_body, draw(st.sampled_from(STATUSES)),
            VERSIONS, draw(st.booleans()) or draw(st.booleans()),
            draw(st.sampled_from(CONTENT_TYPES)))


@st.composite
def server_request(draw):
    """The same for an exchange the filter is for.

    nova's success, in JSON, at a microversion that has the field, with
    the caller's context.
    """
    templates, method, request_body, success, least = OURS[
        draw(st.sampled_from(sorted(OURS)))]
    versions = tuple(v for v in VERSIONS if _version(v) >= least)
    return (draw(st.sampled_from(templates)), method, request_body, success,
            versions, True, draw(st.sampled_from(CONTENT_TYPES[:2])))


@st.composite
def examples(draw):
    """A request, nova's response to it, a policy and the hosts' statuses.

    Half are exchanges the filter is for, so that the field is written and
    withheld often; the other half anything at all.
    """
    ours = draw(st.booleans())
    (template, method, request_body, response_status, versions,
     with_context, content_type) = draw(server_request() if ours
                                        else any_request())
    server_id = str(draw(st.uuids()))
    path = template % {'project': CALLER, 'id': server_id}

    roles = draw(st.sets(st.sampled_from(('admin', 'member', 'reader'))))
    host_rule = draw(st.sampled_from(sorted(CHECKS)))
    unknown_rule = draw(st.sampled_from(sorted(CHECKS)))
    resource = PATHS[template]

    def shown_by_nova(project):
        # nova's view decides once per listing against the caller's
        # project, and against the server's project for one server.
        target = CALLER if resource == 'detail' else project
        return visibility(host_rule, unknown_rule, roles, target)

    content, hosts = draw(body(resource, shown_by_nova, ours))
    headers = version_headers(draw, versions)
    if content_type:
        headers.append(('Content-Type', content_type))
    headers.extend(draw(extra_headers))
    chunked = draw(st.booleans())
    if chunked:
        cuts = sorted(draw(st.lists(st.integers(0, len(content)),
                                    max_size=4)))
        bounds = [0] + cuts + [len(content)]
        chunks = [content[a:b] for a, b in zip(bounds, bounds[1:])]
    else:
        chunks = [content]
        headers.append(('Content-Length', str(len(content))))
    return dict(
        method=method, path=path, request_body=request_body,
        resource=resource, with_context=with_context,
        cell_uuid=draw(st.sampled_from((None, 'cell-of-the-server'))),
        roles=sorted(roles), host_rule=host_rule, unknown_rule=unknown_rule,
        status=response_status,
        headers=headers, chunks=chunks, chunked=chunked,
        by_host=draw(host_statuses),
        complete=draw(st.booleans()), server_hosts=hosts)


class DrawnLookup(object):
    """Answers with the drawn statuses, through the real lookup's interface.

    Each server asked about is on the host drawn for it; a host with no
    drawn status has no live compute record. Asked for one cell, it
    answers completely, as the real lookup does.
    """

    def __init__(self, example):
        self.example = example

    def _by_server(self, server_uuids):
        by_host = self.example['by_host']
        hosts = self.example['server_hosts']
        return {uuid: by_host[hosts[uuid]] for uuid in server_uuids
                if hosts.get(uuid) in by_host}

    def __call__(self, context, server_uuids, timeout):
        return lookup.ServerStatuses(self._by_server(server_uuids),
                                     self.example['complete'])

    def in_cell(self, cell_context, server_uuids):
        return lookup.ServerStatuses(self._by_server(server_uuids), True)


def nova_app(example):
    """A WSGI app answering every request with the example's response."""
    def app(environ, start_response):
        response = webob.Response(
            status=example['status'], headerlist=list(example['headers']),
            app_iter=list(example['chunks']))
        return response(environ, start_response)
    return app


def set_policy(example):
    nova_policy.set_rules(oslo_policy.Rules.from_dict({
        rules.SHOW_HOST_STATUS: example['host_rule'],
        rules.SHOW_HOST_STATUS_UNKNOWN_ONLY: example['unknown_rule'],
    }), overwrite=False)


def request(example):
    req = webob.Request.blank(example['path'], method=example['method'],
                              body=example['request_body'] or None)
    if example['with_context']:
        context = nova_context.RequestContext(
            user_id='u1', project_id=CALLER, roles=example['roles'])
        context.cell_uuid = example['cell_uuid']
        req.environ['nova.context'] = context
    return req


def response_version(headers):
    """(major, minor) nova answered with; None if it cannot be read."""
    by_name = {name.lower(): value for name, value in headers}
    if 'openstack-api-version' in by_name:
        value = by_name['openstack-api-version'].split(' ', 1)[1]
    elif 'x-openstack-nova-api-version' in by_name:
        value = by_name['x-openstack-nova-api-version']
    else:
        return (2, 1)
    parts = value.split('.')
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def may_carry(example):
    """Whether the specification lets this response carry host_status."""
    resource, method = example['resource'], example['method']
    if resource == 'detail' or (resource == 'server' and method == 'GET'):
        kind = ('GET', 200, (2, 16))
    elif resource == 'server' and method == 'PUT':
        kind = ('PUT', 200, (2, 75))
    elif resource == 'action' and b'"rebuild"' in example['request_body']:
        kind = ('POST', 202, (2, 75))
    else:
        return False
    want_method, want_status, min_version = kind
    content_types = [v for k, v in example['headers']
                     if k.lower() == 'content-type']
    version = response_version(example['headers'])
    return (method == want_method and example['status'] == want_status
            and example['with_context']
            and content_types
            and content_types[0].split(';')[0] == 'application/json'
            and version is not None and version >= min_version)


def server_views(document, resource):
    """The server dicts of a decoded body, where the field may live."""
    if not isinstance(document, dict):
        return []
    if resource == 'detail':
        servers = document.get('servers')
        servers = servers if isinstance(servers, list) else []
    else:
        servers = [document.get('server')]
    return [s for s in servers if isinstance(s, dict)]


def without_field(document, resource):
    document = json.loads(json.dumps(document))
    for server in server_views(document, resource):
        server.pop(FIELD, None)
    return document


def violations(example, gate=None):
    """Run nova's response through the filter; what breaks the property."""
    set_policy(example)
    app = nova_app(example)
    nova = request(example).get_response(app)
    filt = middleware.HostStatusFilter(
        app, host_lookup=DrawnLookup(example),
        gate=gate or authorization.Gate())
    ours = request(example).get_response(filt)
    found = []
    # What went to the server, before reading a body sets a length.
    length = ours.headers.get('Content-Length')
    nova_length = nova.headers.get('Content-Length')

    if ours.status != nova.status:
        found.append('status %s, nova said %s' % (ours.status, nova.status))

    def headers(resp):
        return [(k.lower(), v) for k, v in resp.headerlist
                if k.lower() != 'content-length']
    if headers(ours) != headers(nova):
        found.append('headers %s, nova said %s' % (headers(ours),
                                                   headers(nova)))
    if ours.body == nova.body:
        # nova's own length (a HEAD response keeps that of the GET's
        # body); where nova sent chunks, the filter, having read them, may
        # say their length.
        if length != nova_length and not (
                nova_length is None and length == str(len(ours.body))):
            found.append('Content-Length %s, nova said %s'
                         % (length, nova_length))
        return found
    if length is not None and int(length) != len(ours.body):
        found.append('Content-Length %s for a body of %d bytes'
                     % (length, len(ours.body)))
    if not may_carry(example):
        found.append('body changed where host_status does not belong: '
                     '%r -> %r' % (nova.body, ours.body))
        return found
    try:
        theirs, mine = json.loads(nova.body), json.loads(ours.body)
    except ValueError:
        found.append('body no longer JSON: %r' % ours.body)
        return found
    resource = example['resource']
    if without_field(mine, resource) != without_field(theirs, resource):
        found.append('body differs beyond host_status: %r -> %r'
                     % (nova.body, ours.body))
    for server in server_views(mine, resource):
        if FIELD not in server:
            continue
        target = CALLER if resource == 'detail' else server.get('tenant_id')
        allowed = visibility(example['host_rule'], example['unknown_rule'],
                             example['roles'], target)
        if not allowed.allows(server[FIELD]):
            found.append('host_status %r shown to a caller who may see %s'
                         % (server[FIELD], allowed.value))
        if server[FIELD] not in status.ALL_VALUES:
            found.append('host_status %r is no value of the field'
                         % server[FIELD])
    return found


class PolicyTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # nova's enforcer, fresh for this test, without nova's policy file.
        nova_policy.reset()
        nova_policy.init(use_conf=False, suppress_deprecation_warnings=True)
        self.addCleanup(nova_policy.reset)


class FilterPropertyTest(PolicyTestCase):

    @SETTINGS
    @hypothesis.given(examples())
    def test_nova_response_kept_and_field_only_where_allowed(self, example):
        self.assertEqual([], violations(example))

    def test_the_examples_reach_every_outcome(self):
        # Not a property: a guard that the strategies still produce each
        # case the property is about (the field written, withheld, and
        # nova's response passed through), so that a change to them
        # cannot quietly leave a branch untried.
        seen = set()

        @CLASSIFY_SETTINGS
        @hypothesis.given(examples())
        def classify(example):
            set_policy(example)
            ours = request(example).get_response(middleware.HostStatusFilter(
                nova_app(example), host_lookup=DrawnLookup(example)))
            if not may_carry(example):
                seen.add('passed through')
                return
            try:
                document = json.loads(ours.body)
            except ValueError:
                return
            by_host = example['by_host']
            hosts = example['server_hosts']
            for server in server_views(document, example['resource']):
                host = hosts.get(server.get('id'))
                if (server.get(FIELD) == by_host.get(host, FIELD)
                        and server.get(FIELD) != status.NONE):
                    # The drawn status of the server's host: one the
                    # filter looked up and wrote (nova's own drawn value
                    # may coincide, but not on every example).
                    seen.add('written')
                elif 'hostId' in server:
                    seen.add('withheld')
        classify()
        self.assertEqual({'passed through', 'written', 'withheld'}, seen)


class PolicyBlindGate(authorization.Gate):
    """A broken gate: everyone may see everything."""

    def visibility(self, context, project_id=None):
        return authorization.Visibility.ALL


class CallerProjectGate(authorization.Gate):
    """A broken gate: one server checked against the caller's project."""

    def visibility(self, context, project_id=None):
        return super().visibility(context)


class PropertyCanFailTest(PolicyTestCase):
    """The property test fails a filter that gets the policy wrong."""

    def find_leak(self, gate):
        example = hypothesis.find(
            examples(), lambda ex: any('shown to a caller' in v
                                       for v in violations(ex, gate)),
            settings=FIND_SETTINGS)
        self.assertTrue(violations(example, gate))
        # The same example passes with the real gate.
        self.assertEqual([], violations(example))
        return example

    def test_a_filter_blind_to_the_policy_fails(self):
        self.find_leak(PolicyBlindGate())

    def test_a_filter_checking_a_server_against_the_wrong_project_fails(self):
        example = self.find_leak(CallerProjectGate())
        self.assertIn(example['resource'], ('server', 'action'))
