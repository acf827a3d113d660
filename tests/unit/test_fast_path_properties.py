"""Properties of the filter beside nova's own field, as nova 34 writes it.

``test_properties`` draws any response at all; there, nova's field appears
on a server now and then, as no nova writes it. Here every body is the one
nova 34's view makes: for the servers of hosts whose states are drawn
(disabled, forced down, heartbeat seen, or no record), under drawn policy
rules and roles, with nova's own precedence (``forced_down`` first) and
nova's own visibility (every value, only ``UNKNOWN``, or none). The lookup
answers from the same hosts' states. For every such response:

* the filter's body is nova's, but for a server nova calls ``DOWN`` whose
  host is also disabled: ``MAINTENANCE`` there, as the specification says;
* a body without ``DOWN`` goes back byte for byte; where nova wrote the
  field, neither the lookup nor the policy is asked;
* with ``DOWN``, only servers nova calls ``DOWN`` are looked up.
"""

import json

import hypothesis
from hypothesis import strategies as st
from nova import context as nova_context
from nova import utils
import webob

from host_status_ext import authorization
from host_status_ext import lookup
from host_status_ext import middleware
from host_status_ext import status
from tests.unit import test_properties as base

SETTINGS = hypothesis.settings(base.SETTINGS, max_examples=300)
FIELD = 'host_status'
HOSTS = ('cmp1', 'cmp2', 'cmp3', 'cmp4')

host_states = st.fixed_dictionaries({}, optional={
    host: st.builds(status.ServiceState, disabled=st.booleans(),
                    forced_down=st.booleans(), is_up=st.booleans())
    for host in HOSTS})


def nova_value(state):
    """nova 34's ``get_instance_host_status``: forced_down first."""
    if state is None:
        return status.NONE
    if state.forced_down:
        return status.DOWN
    if state.disabled:
        return status.MAINTENANCE
    return status.UP if state.is_up else status.UNKNOWN


@st.composite
def servers(draw, states):
    """(views without host_status, {server id: host or None})."""
    views, hosts = [], {}
    for _ in range(draw(st.integers(1, 6))):
        project = draw(base.projects)
        server = {'id': str(draw(st.uuids())), 'tenant_id': project,
                  'status': draw(st.sampled_from(('ACTIVE', 'SHUTOFF',
                                                  'DELETED'))),
                  'name': draw(st.sampled_from(('web', 'DOWN', 'db')))}
        where = draw(st.sampled_from(('host', 'host', 'host', 'none',
                                      'partial')))
        host = None
        if where == 'partial':
            server = {'id': server['id'], 'tenant_id': project,
                      'status': 'UNKNOWN'}
        elif where == 'none':
            server['hostId'] = ''
        else:
            host = draw(st.sampled_from(HOSTS))
            server['hostId'] = utils.generate_hostid(host, project)
        hosts[server['id']] = host
        views.append(server)
    return views, hosts


def with_nova_field(views, hosts, states, shown_to):
    """The views as nova's own view writes host_status into them."""
    for server in views:
        if 'hostId' not in server:
            continue
        host = hosts[server['id']]
        value = status.NONE
        if host is not None and server['status'] != 'DELETED':
            value = nova_value(states.get(host))
        if shown_to(server['tenant_id']).allows(value):
            server[FIELD] = value
    return views


@st.composite
def examples(draw):
    detail = draw(st.booleans())
    states = draw(host_states)
    views, hosts = draw(servers(states))
    if not detail:
        views = views[:1]
    roles = sorted(draw(st.sets(st.sampled_from(('admin', 'member',
                                                 'reader')))))
    host_rule = draw(st.sampled_from(sorted(base.CHECKS)))
    unknown_rule = draw(st.sampled_from(sorted(base.CHECKS)))

    def shown_to(project):
        target = base.CALLER if detail else project
        return base.visibility(host_rule, unknown_rule, roles, target)

    views = with_nova_field(views, hosts, states, shown_to)
    document = ({'servers': views} if detail else {'server': views[0]})
    return dict(detail=detail, states=states, hosts=hosts, roles=roles,
                host_rule=host_rule, unknown_rule=unknown_rule,
                cell_uuid=draw(st.sampled_from((None, 'the-cell'))),
                body=json.dumps(document).encode())


class StatesLookup(object):
    """Answers from the drawn hosts' states; records what it was asked."""

    def __init__(self, example):
        self.example = example
        self.asked = []

    def _statuses(self, server_uuids):
        self.asked.extend(server_uuids)
        by_server = {}
        for uuid in server_uuids:
            host = self.example['hosts'][uuid]
            by_server[uuid] = status.host_status(
                self.example['states'].get(host))
        return lookup.ServerStatuses(by_server, True)

    def __call__(self, context, server_uuids, timeout):
        return self._statuses(server_uuids)

    def in_cell(self, cell_context, server_uuids):
        return self._statuses(server_uuids)


class CountingGate(authorization.Gate):

    def __init__(self):
        super().__init__()
        self.calls = 0

    def visibility(self, context, project_id=None):
        self.calls += 1
        return super().visibility(context, project_id)


def run(example):
    """(nova's response, the filter's, the lookup, the gate)."""
    base.set_policy(dict(host_rule=example['host_rule'],
                         unknown_rule=example['unknown_rule']))
    path = '/servers/detail' if example['detail'] else '/servers/x'

    def nova(environ, start_response):
        return webob.Response(
            body=example['body'], content_type='application/json',
            charset=None, headerlist=[
                ('Content-Type', 'application/json'),
                ('OpenStack-API-Version', 'compute 2.16')])(
            environ, start_response)

    host_lookup = StatesLookup(example)
    gate = CountingGate()
    filt = middleware.HostStatusFilter(nova, host_lookup=host_lookup,
                                       gate=gate)
    request = webob.Request.blank(path)
    context = nova_context.RequestContext(
        user_id='u1', project_id=base.CALLER, roles=example['roles'])
    context.cell_uuid = example['cell_uuid']
    request.environ['nova.context'] = context
    return (webob.Request.blank(path).get_response(nova),
            request.get_response(filt), host_lookup, gate)


def specification(example):
    """nova's body with the specification's MAINTENANCE where it differs."""
    document = json.loads(example['body'])
    views = document['servers'] if example['detail'] else [
        document['server']]
    for server in views:
        host = example['hosts'].get(server['id'])
        state = example['states'].get(host)
        if (server.get(FIELD) == status.DOWN and state is not None
                and state.disabled):
            server[FIELD] = status.MAINTENANCE
    return document, views


class FastPathPropertyTest(base.PolicyTestCase):

    @SETTINGS
    @hypothesis.given(examples())
    def test_nova_field_corrected_only_where_the_spec_differs(self,
                                                              example):
        nova, ours, host_lookup, gate = run(example)
        self.assertEqual(nova.status, ours.status)
        expected, _ = specification(example)
        self.assertEqual(expected, json.loads(ours.body))
        document = json.loads(example['body'])
        views = (document['servers'] if example['detail']
                 else [document['server']])
        nova_down = {server['id'] for server in views
                     if server.get(FIELD) == status.DOWN}
        if not nova_down:
            self.assertEqual(nova.body, ours.body)
            if any(FIELD in server for server in views):
                # nova wrote the field: no lookup, no policy check.
                self.assertEqual([], host_lookup.asked)
                self.assertEqual(0, gate.calls)
        else:
            self.assertTrue(host_lookup.asked)
            self.assertLessEqual(set(host_lookup.asked), nova_down)
        self.assertEqual(str(len(ours.body)), ours.headers['Content-Length'])

    def test_the_examples_reach_both_ways(self):
        # Not a property: a guard that the examples go both ways, nova's
        # bytes untouched and DOWN corrected.
        seen = set()

        @hypothesis.settings(SETTINGS, max_examples=200)
        @hypothesis.given(examples())
        def classify(example):
            nova, ours, _, _ = run(example)
            if nova.body == ours.body:
                seen.add('untouched')
            elif b'"MAINTENANCE"' in ours.body:
                seen.add('corrected')
        classify()
        self.assertEqual({'untouched', 'corrected'}, seen)
