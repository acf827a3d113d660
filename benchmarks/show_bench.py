#!/usr/bin/env python
"""What one server's ``GET /servers/{id}`` costs with host_status.

The question: does a show stay at one extra query, and at a cost that does
not depend on the deployment around the server? The admin shows one server
after another (a different one each round) in a small deployment and in the
large one of the listing question (N = 1000 servers of P = 500 projects on
H = 10 000 hosts). The harness's four interleaved arms as for the listing
(see ``api_harness``).

Run it with ``tox -e bench -- show [options]``; ``--plugin-ref main``
measures the filter as it is on another git ref, with the same harness.
"""

import argparse
import sys

import api_harness

PATH = '/v2.1/servers/%s'
DEFAULT_POINTS = [(10, 10, 1), (1000, 10000, 500)]
QUICK_POINTS = [(10, 10, 1)]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='show',
                                     description=__doc__.split('\n')[0])
    api_harness.add_common_args(parser)
    # A show is a hundred times cheaper than a listing of 1000 servers: a
    # few seconds of rounds would let A/A fall within tolerance by chance.
    return api_harness.finish_args(
        parser.parse_args(argv), DEFAULT_POINTS, QUICK_POINTS,
        min_rounds=40, min_seconds=20.0, budget=40.0)


def server_path(deployment, round_no):
    ids = deployment.server_ids
    return PATH % ids[(round_no * 7919) % len(ids)]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    api_harness.run(args, 'show', 'show', server_path)


if __name__ == '__main__':
    main()
