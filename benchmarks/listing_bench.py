#!/usr/bin/env python
"""What ``GET /servers/detail`` costs with host_status, and what makes it grow.

The question: does the filter's cost of a listing depend on anything but the
servers in the response? An admin lists every project
(``GET /servers/detail?all_tenants=1&limit=1000``) in deployments of N
servers of P projects on H compute hosts spread over two cells; the default
points are the operator's listing in a large cloud, N = 1000 at H in
{100, 2000, 10000} x P in {1, 50, 500}, and an owner's small listing,
N = H = 10, P = 1. Each point runs the harness's four interleaved arms
(nova's own field, the filter, neither, nova's own again for the A/A noise;
see ``api_harness``).

Run it with ``tox -e bench -- listing [options]``; ``--plugin-ref main``
measures the filter as it is on another git ref, with the same harness.
"""

import argparse
import sys

import api_harness

PATH = '/v2.1/servers/detail?limit=1000&all_tenants=1'
MATRIX = [(1000, hosts, projects) for hosts in (100, 2000, 10000)
          for projects in (1, 50, 500)]
SMALL = [(10, 10, 1)]
DEFAULT_POINTS = SMALL + MATRIX
QUICK_POINTS = [(10, 10, 1), (100, 200, 50)]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='listing',
                                     description=__doc__.split('\n')[0])
    api_harness.add_common_args(parser)
    return api_harness.finish_args(
        parser.parse_args(argv), DEFAULT_POINTS, QUICK_POINTS,
        min_rounds=12, min_seconds=20.0, budget=90.0)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    api_harness.run(args, 'listing', 'detail', lambda deployment, i: PATH)


if __name__ == '__main__':
    main()
