#!/usr/bin/env python
"""Where the filter's time goes: one arm under cProfile, no ratios.

The question: of a request's CPU, what does the filter itself spend, and on
what? One deployment (``--points``, the first is used), the ``plugin`` arm
(and, with ``--arm``, any other) called ``--requests`` times under cProfile
after a warm-up; prints the functions by cumulative time, and the filter's
own share (its ``HostStatusFilter.__call__`` minus nova's application under
it). Run with ``tox -e bench -- profile --kind detail --points 10x10x1``.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time

import api_harness
from api_harness import PLUGIN

import listing_bench
import show_bench


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='profile',
                                     description=__doc__.split('\n')[0])
    api_harness.add_common_args(parser)
    parser.add_argument('--kind', default='detail',
                        choices=('detail', 'show'))
    parser.add_argument('--arm', default=PLUGIN, choices=api_harness.ARMS)
    parser.add_argument('--requests', type=int, default=50)
    parser.add_argument('--top', type=int, default=45)
    parser.add_argument('--sort', default='cumulative')
    parser.add_argument('--dump', default=None,
                        help='also write the raw pstats to this file')
    return api_harness.finish_args(parser.parse_args(argv), [(10, 10, 1)],
                                   [(10, 10, 1)])


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    path_of = {'detail': lambda deployment, i: listing_bench.PATH,
               'show': show_bench.server_path}[args.kind]
    deployment, switch, version = api_harness.first_deployment(args)
    print('profile of the %s arm, %s at %s, N=%d H=%d P=%d, %d requests; '
          'plugin: %s' % (args.arm, args.kind, version, deployment.n_servers,
                          deployment.n_hosts, deployment.n_projects,
                          args.requests,
                          args.plugin_source or api_harness._plugin_source()))
    with deployment:
        app = deployment.apps[args.arm]
        for i in range(5):
            api_harness.call(app, switch, args.arm, path_of(deployment, i),
                             version)
        # CPU time, not wall: the machine is shared.
        profiler = cProfile.Profile(time.process_time)
        cpu = 0.0
        for i in range(args.requests):
            path = path_of(deployment, i)
            profiler.enable()
            sample, _ = api_harness.call(app, switch, args.arm, path,
                                         version)
            profiler.disable()
            cpu += sample.cpu
    print('CPU per request (under the profiler): %.1f ms'
          % (cpu / args.requests * 1000))
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    # The filter's own work: what it calls, beside nova's application.
    stats.print_callees('middleware.py.*_body_with_host_status')
    stats.print_callees('host_status_ext/middleware.py.*_resolve')
    stats.print_callees('host_status_ext/lookup.py')
    if args.dump:
        stats.dump_stats(args.dump)
    print(out.getvalue())


if __name__ == '__main__':
    main()
