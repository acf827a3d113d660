#!/usr/bin/env python
"""What the filter itself adds to one response, nova's own work left out.

The question: of a request through the plugin arm, how much CPU is the
filter's own? ``listing`` and ``show`` time nova and the filter together:
on a shared machine their A/A arm moves by a few percent, more than the
whole cost of a filter that only scans nova's bytes. Here nova's response
to each request is recorded once from the deployment's ``native`` arm
(nova's own host_status on, as nova 34 ships) and replayed by a stub
application: the filter around the stub, and the stub alone, alternate
for ``--requests`` rounds; the difference of their medians is the filter's
own CPU per response, its policy check and its queries to the
deployment's cells included. Beside it, nova's own CPU for the same
request (the median of a few calls of the ``native`` arm), so that the
filter's share of the request can be read.

Requests: the admin's listing of every project, and a show of a server on
a host that is up, on one forced down, and on one both forced down and
disabled (where nova says DOWN and the specification MAINTENANCE). Last,
the filter's policy check alone, which its DOWN path makes.

Run with ``tox -e bench -- overhead [--points ...] [--hosts ...]``, and
``--plugin-ref REF`` for another version of the filter.
"""

import argparse
import gc
import statistics
import sys
import time

import api_harness

import listing_bench
import show_bench

from nova import context as nova_context
from nova import objects

from tools import stats


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='overhead',
                                     description=__doc__.split('\n')[0])
    api_harness.add_common_args(parser)
    parser.add_argument('--requests', type=int, default=2000,
                        help='rounds per request kind (filter and stub '
                             'alternating)')
    parser.add_argument('--nova-calls', type=int, default=5,
                        help="calls of nova's own arm per request kind")
    return api_harness.finish_args(
        parser.parse_args(argv), [(10, 10, 1), (1000, 10000, 500)],
        [(10, 10, 1)])


class Recorded(object):
    """A WSGI app that answers with one recorded response of nova's."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __call__(self, environ, start_response):
        start_response(self.status, list(self.headers))
        return [self.body]


def record(app, path, version):
    """(status, headers, body) of nova's *app* for *path*."""
    response = api_harness.make_request(path, version).get_response(app)
    return response.status, response.headerlist, response.body


def environ(path, version, context):
    request = api_harness.make_request(path, version)
    request.environ['nova.context'] = context
    return request.environ


def drain(app, env):
    started = []
    chunks = app(env, lambda status, headers, exc_info=None:
                 started.append(status))
    body = b''.join(chunks)
    if hasattr(chunks, 'close'):
        chunks.close()
    return body


def own_cpu(filter_app, stub, path, version, context, rounds):
    """Medians and p90 of the filter around *stub* and of *stub* alone."""
    with_filter, alone = [], []
    for _ in range(rounds):
        env = environ(path, version, context)
        t0 = time.process_time()
        drain(filter_app, env)
        t1 = time.process_time()
        env = environ(path, version, context)
        t2 = time.process_time()
        drain(stub, env)
        t3 = time.process_time()
        with_filter.append(t1 - t0)
        alone.append(t3 - t2)
    return with_filter, alone


def policy_cpu(context, rounds):
    """CPU of the filter's policy check (both rules, as a show asks)."""
    from host_status_ext import authorization
    gate = authorization.Gate()
    gate.visibility(context, project_id='p')
    spent = []
    for _ in range(rounds):
        t0 = time.process_time()
        gate.visibility(context, project_id='p')
        spent.append(time.process_time() - t0)
    return statistics.median(spent)


def admin_context(cell=None):
    context = nova_context.RequestContext(
        'admin', api_harness.api_deployment.ADMIN_PROJECT, is_admin=True,
        roles=['reader', 'member', 'admin'])
    if cell is not None:
        # As nova leaves it after reading the server: targeted at its cell.
        nova_context.set_target_cell(context, cell)
    return context


def requests(deployment):
    """(name, path, cell or None) of the requests measured."""
    wanted = [('detail', listing_bench.PATH, None)]
    ctxt = nova_context.get_admin_context()
    for state in ('up', 'forced_down', 'both'):
        for uuid in deployment.server_ids:
            if deployment.host_state_of[uuid] == state:
                cell = objects.InstanceMapping.get_by_instance_uuid(
                    ctxt, uuid).cell_mapping
                wanted.append(('show ' + state, show_bench.PATH % uuid,
                               cell))
                break
    return wanted


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from host_status_ext import middleware
    api_harness.quiet()
    print("the filter's own CPU per response: nova's recorded response "
          "replayed, the filter around it against it alone, %d rounds "
          "each; plugin: %s; hosts: %s; load average %s at start"
          % (args.requests, args.plugin_source
             or api_harness._plugin_source(), args.hosts,
             api_harness.load_average()))
    print('%-17s %5s %5s %4s | %9s %9s | %9s | %7s | %s' % (
        'request', 'N', 'H', 'P', 'own us', 'own p90', 'nova ms',
        'share', 'queries'))
    switch = api_harness.NativeSwitch()
    native_ini, plugin_ini = api_harness.paste_files()
    api_harness.SQL.install()
    version = args.versions[0]
    for n_servers, n_hosts, n_projects in args.points:
        with api_harness.Deployment(
                n_servers, n_hosts, n_projects, native_ini, plugin_ini,
                args.response_validation, args.sqlite_pool,
                args.hosts) as deployment:
            switch.set(False)
            native = deployment.apps[api_harness.NATIVE]
            for name, path, cell in requests(deployment):
                nova_cpu = []
                for _ in range(args.nova_calls):
                    sample, _ = api_harness.call(
                        native, switch, api_harness.NATIVE, path, version)
                    nova_cpu.append(sample.cpu)
                stub = Recorded(*record(native, path, version))
                filter_app = middleware.HostStatusFilter(stub)
                context = admin_context(cell)
                # Warm: the first call loads the lookup and the rules.
                drain(filter_app, environ(path, version, context))
                queries = api_harness.SQL.queries
                drain(filter_app, environ(path, version, context))
                queries = api_harness.SQL.queries - queries
                gc.collect()
                with_filter, alone = own_cpu(
                    filter_app, stub, path, version, context,
                    args.requests)
                own = (statistics.median(with_filter)
                       - statistics.median(alone))
                own90 = (stats.percentile(with_filter, 90)
                         - stats.percentile(alone, 90))
                nova = statistics.median(nova_cpu)
                print('%-17s %5d %5d %4d | %9.1f %9.1f | %9.1f | %6.3f%% | '
                      '%d' % (name, n_servers, n_hosts, n_projects,
                              own * 1e6, own90 * 1e6, nova * 1e3,
                              100.0 * own / nova, queries))
                sys.stdout.flush()
            print('%-17s %5d %5d %4d | %9.1f %9s | the policy check alone '
                  '(both rules, for one server)' % (
                      'policy check', n_servers, n_hosts, n_projects,
                      policy_cpu(admin_context(), args.requests) * 1e6, ''))
    api_harness.SQL.remove()
    print('load average %s at the end' % api_harness.load_average())


if __name__ == '__main__':
    main()
