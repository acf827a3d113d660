#!/usr/bin/env python
"""``tox -e bench``: what host_status costs nova-api, a question at a time.

``tox -e bench -- listing [options]`` (``listing_bench``: what a listing
costs over servers, hosts and projects) and ``tox -e bench -- show
[options]`` (``show_bench``: what one server's GET costs); without a
question, both with their defaults (or with the options given, e.g.
``--quick``). ``tox -e bench -- listing --help`` lists the options.
"""

import sys

# The harness sets nova's concurrency mode up before anything else of nova
# is imported: it comes first.
import api_harness  # noqa: F401
import listing_bench
import overhead_bench
import profile_bench
import retention_bench
import show_bench

QUESTIONS = {'listing': listing_bench.main, 'show': show_bench.main}
TOOLS = {'profile': profile_bench.main, 'retained': retention_bench.main,
         'overhead': overhead_bench.main}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in dict(QUESTIONS, **TOOLS):
        dict(QUESTIONS, **TOOLS)[argv[0]](argv[1:])
        return
    if argv and argv[0] in ('-h', '--help'):
        print(__doc__)
        return
    for question in QUESTIONS.values():
        question(list(argv))
        print()


if __name__ == '__main__':
    main()
