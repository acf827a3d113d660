#!/usr/bin/env python
"""What the filter keeps: Python memory retained per request, by tracemalloc.

The question: does a request through the filter leave anything behind
that a request through nova's own pipeline does not? A worker's RSS (the
fault run's ``memory``, tools/minicloud/memory.py) answers it for the real
nova-api, but RSS moves with the allocator too (arenas that stay after a
peak of concurrent requests), so a step in it does not say who kept what.
tracemalloc counts the Python objects still alive, allocation by
allocation, whatever the allocator does with the pages.

One deployment (``--points``, the first is used). After a warm-up of each
arm, phases of ``--requests`` requests alternate between the ``plugin``
arm (nova's host_status off, the filter in the pipeline) and the
``native`` arm (nova's own host_status), requests alternating between
``GET /servers/detail`` and ``GET /servers/{id}``. Around each phase a
full collection and the bytes tracemalloc traces; the growth of a phase is
what its requests kept. It prints the growth per 1000 requests of every
phase (the first of each arm still fills caches), what the last plugin
phase kept in allocations made by the filter's own code (a frame of
``host_status_ext`` among the innermost ``--frames``), and what grew most
in that phase. Run with
``tox -e bench -- retained --points 10x10x1``.
"""

import argparse
import gc
import os
import sys
import time
import tracemalloc

import api_harness
from api_harness import NATIVE
from api_harness import PLUGIN

import listing_bench
import show_bench

FILTER_DIR = os.sep + 'host_status_ext' + os.sep


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='retained',
                                     description=__doc__.split('\n')[0])
    api_harness.add_common_args(parser)
    parser.add_argument('--requests', type=int, default=400,
                        help='requests per phase')
    parser.add_argument('--phases', type=int, default=3,
                        help='phases per arm, the arms alternating')
    parser.add_argument('--warmup', type=int, default=200,
                        help='requests per arm before the first phase')
    parser.add_argument('--frames', type=int, default=3,
                        help='innermost frames kept per traced allocation '
                             '(each one more slows every allocation)')
    parser.add_argument('--top', type=int, default=8)
    return api_harness.finish_args(parser.parse_args(argv), [(10, 10, 1)],
                                   [(10, 10, 1)])


def path_for(deployment, i):
    if i % 2:
        return listing_bench.PATH
    return show_bench.server_path(deployment, i // 2)


def send(deployment, switch, arm, version, count, start):
    for i in range(start, start + count):
        api_harness.call(deployment.apps[arm], switch, arm,
                         path_for(deployment, i), version)


def traced():
    """Bytes traced once everything collectable has been collected."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def ours(frame):
    return FILTER_DIR in frame.filename


def print_growth(stats, top):
    """The tracebacks that grew most, innermost frame last."""
    shown = 0
    for stat in stats:
        if stat.size_diff <= 0 or shown >= top:
            break
        shown += 1
        print('  %+9d B in %+6d blocks' % (stat.size_diff, stat.count_diff))
        for frame in list(stat.traceback)[-4:]:
            print('      %s%s:%d' % ('* ' if ours(frame) else '  ',
                                     frame.filename, frame.lineno))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    deployment, switch, version = api_harness.first_deployment(args)
    print('Python memory kept per request, plugin and native arms, '
          'detail and show alternating at %s, N=%d H=%d P=%d; %d phases of '
          '%d requests per arm after %d of warm-up; plugin: %s'
          % (version, deployment.n_servers, deployment.n_hosts,
             deployment.n_projects, args.phases, args.requests, args.warmup,
             args.plugin_source or api_harness._plugin_source()))
    started = time.monotonic()
    growth = {PLUGIN: [], NATIVE: []}
    with deployment:
        # As api_harness.run does: the deployment out of the collector's
        # way, so that the collection around each request is cheap.
        gc.collect()
        gc.freeze()
        tracemalloc.start(args.frames)
        for arm in (PLUGIN, NATIVE):
            send(deployment, switch, arm, version, args.warmup, 0)
        sent = args.warmup
        for phase in range(args.phases):
            for arm in (PLUGIN, NATIVE):
                start = traced()
                if arm == PLUGIN:
                    before = tracemalloc.take_snapshot()
                send(deployment, switch, arm, version, args.requests, sent)
                kept = traced() - start
                if arm == PLUGIN:
                    after = tracemalloc.take_snapshot()
                growth[arm].append(kept)
                print('phase %d, %-6s: %+8d B kept over %d requests '
                      '(%+.1f KiB per 1000); %.0f s'
                      % (phase + 1, arm, kept, args.requests,
                         kept / 1024.0 * 1000 / args.requests,
                         time.monotonic() - started))
            sent += args.requests
        tracemalloc.stop()
        gc.unfreeze()
    later = {arm: kept[1:] or kept for arm, kept in growth.items()}
    per_1000 = {arm: sum(kept) / 1024.0 * 1000 / (args.requests * len(kept))
                for arm, kept in later.items()}
    print('kept per 1000 requests, mean over the phases after the first: '
          'plugin %+.1f KiB, native %+.1f KiB'
          % (per_1000[PLUGIN], per_1000[NATIVE]))
    # Only what the last plugin phase's requests kept: the caches that
    # fill once have filled by then.
    keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(keep).compare_to(
        before.filter_traces(keep), 'traceback')
    own = sum(s.size_diff for s in stats
              if any(ours(f) for f in s.traceback))
    print('kept in the last plugin phase by allocations with a frame of '
          'the filter among their innermost %d: %+d B' % (args.frames, own))
    print('what grew most in the last plugin phase ("*" a frame of the '
          'filter):')
    print_growth(stats, args.top)
    print('total %.0f s, load average %s at the end'
          % (time.monotonic() - started, api_harness.load_average()))


if __name__ == '__main__':
    main()
