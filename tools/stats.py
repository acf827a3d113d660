"""Percentiles and summaries of measured values, for benchmarks and tools.

One definition for every figure the project reports: the nearest-rank
percentile, which always answers with a value that was measured (with 20
runs, p99 is the worst run, not an interpolation between two). Standard
library only: the mini-cloud's launcher and the benchmarks of every venv
import it.
"""

import math


def percentile(values, q):
    """The *q*-th percentile (0-100) of *values*, by nearest rank.

    :raises ValueError: if *values* is empty or *q* is out of range.
    """
    if not 0 <= q <= 100:
        raise ValueError('percentile %r is not within 0-100' % (q,))
    ordered = sorted(values)
    if not ordered:
        raise ValueError('no values')
    rank = max(1, math.ceil(len(ordered) * q / 100.0))
    return ordered[rank - 1]


def summary(values, percentiles=(50, 90, 99), digits=3):
    """n, min, the given percentiles and max of *values*, as a dict.

    Keys ``n``, ``min``, ``p50`` (for 50), ..., ``max``; values rounded to
    *digits*. The median is the nearest-rank p50 like the others, so that
    every figure in a table was measured.

    :raises ValueError: if *values* is empty.
    """
    values = list(values)
    if not values:
        raise ValueError('no values')
    found = {'n': len(values), 'min': round(min(values), digits)}
    for q in percentiles:
        found['p%g' % q] = round(percentile(values, q), digits)
    found['max'] = round(max(values), digits)
    return found
