"""nova-api's memory over a long run, with the filter and without it.

A leak grows with every request; a cache grows while it fills and then
stops. One RSS before and one after cannot tell them apart over a few
thousand requests, so the run samples the workers' memory at even steps
of the requests sent and reports, beside the growth from the first
sample to the last, the slope over the second half of the run: a cache
that has filled adds nothing there, a leak adds the same at every step.

uWSGI forks its workers from a master that has loaded the application,
so much of a worker's RSS is pages it shares with the master; a worker
that merely touches them (Python's reference counts write to every
object it reads) copies them and grows its RSS without allocating
anything. Each sample therefore holds, from ``/proc/<pid>/smaps_rollup``,
the RSS, the PSS and the USS (the worker's private pages) of each worker.
"""

import time

from tools import waiting

KINDS = (('rss', ('Rss',)), ('pss', ('Pss',)),
         ('uss', ('Private_Clean', 'Private_Dirty')))


def usage(pid):
    """RSS, PSS and USS of one process, in KiB."""
    fields = {}
    with open('/proc/%d/smaps_rollup' % pid) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == 'kB':
                fields[parts[0].rstrip(':')] = int(parts[1])
    return {kind: sum(fields.get(name, 0) for name in names)
            for kind, names in KINDS}


def sample(requests, workers):
    """One sample: the requests each arm has answered, each worker's use.

    :param requests: callable returning {arm: requests answered}
    :param workers: {arm: callable returning that arm's worker pids}
    """
    taken = {'at': time.monotonic(), 'requests': requests(), 'arms': {}}
    for arm, pids_of in workers.items():
        per_worker = {}
        for pid in pids_of():
            try:
                per_worker[pid] = usage(pid)
            except OSError:
                continue  # a worker that is being respawned
        taken['arms'][arm] = per_worker
    return taken


def total(taken, arm, kind):
    return sum(w[kind] for w in taken['arms'][arm].values())


def slope(points):
    """Least-squares slope of (x, y) points; None for fewer than two."""
    if len(points) < 2:
        return None
    n = float(len(points))
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if not sxx:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def measure(requests, workers, total_requests, steps=10, warmup=300,
            seconds=6000, say=print):
    """Sample after ``warmup`` requests and at ``steps`` even steps after.

    Stops early, after ``seconds``, with the samples it has.
    """
    deadline = time.monotonic() + seconds

    def wait_for(n):
        """True once every arm has answered ``n``; False at the deadline."""
        try:
            return waiting.wait_until(
                lambda: min(requests().values()) >= n,
                deadline - time.monotonic(), '%d requests per arm' % n,
                interval=1)
        except TimeoutError:
            return False

    samples = []
    for step in range(steps + 1):
        target = warmup + total_requests * step // steps
        reached = wait_for(target)
        samples.append(sample(requests, workers))
        say('  %s' % line(samples[0], samples[-1]))
        if not reached:
            say('  stopped after %d s, short of %d requests per arm'
                % (seconds, target))
            break
    return report(samples)


def line(first, taken):
    cells = ['%6.0f s' % (taken['at'] - first['at'])]
    for arm in sorted(taken['arms']):
        cells.append('%s: %6d requests, RSS %6.1f MiB, USS %6.1f MiB'
                     % (arm, taken['requests'][arm] - first['requests'][arm],
                        total(taken, arm, 'rss') / 1024.0,
                        total(taken, arm, 'uss') / 1024.0))
    return '; '.join(cells)


def report(samples):
    """Growth over the run and slope over its second half, per arm."""
    first, last = samples[0], samples[-1]
    half = samples[len(samples) // 2:]
    result = {'seconds': round(last['at'] - first['at']), 'arms': {},
              'samples': [{'s': round(s['at'] - first['at']),
                           'requests': {a: s['requests'][a]
                                        - first['requests'][a]
                                        for a in s['requests']},
                           'arms': {a: {str(p): u for p, u in w.items()}
                                    for a, w in s['arms'].items()}}
                          for s in samples]}
    for arm in first['arms']:
        row = {'requests': last['requests'][arm] - first['requests'][arm],
               'workers': len(last['arms'][arm]),
               'workers respawned': (sorted(first['arms'][arm])
                                     != sorted(last['arms'][arm]))}
        for kind, _ in KINDS:
            row['%s before MiB' % kind] = total(first, arm, kind) / 1024.0
            row['%s after MiB' % kind] = total(last, arm, kind) / 1024.0
            row['%s growth MiB' % kind] = (row['%s after MiB' % kind]
                                           - row['%s before MiB' % kind])
            per_request = slope([(s['requests'][arm], total(s, arm, kind))
                                 for s in half])
            row['%s second-half KiB per 1000 requests' % kind] = (
                None if per_request is None else per_request * 1000)
        result['arms'][arm] = row
    return result


def _per_1000(value):
    return '-' if value is None else '%+.0f' % value


def print_report(result, say=print):
    say()
    say('nova-api memory, sum over its workers, %d s' % result['seconds'])
    head = '%-15s %8s %-22s %-22s %-12s %s' % (
        'arm', 'requests', 'RSS before -> after', 'USS before -> after',
        'PSS growth', 'second half, KiB/1000 req (RSS, USS)')
    say(head)
    say('-' * len(head))
    for arm, row in sorted(result['arms'].items()):
        say('%-15s %8d %6.1f -> %6.1f MiB   %6.1f -> %6.1f MiB   '
            '%+6.1f MiB   %s, %s%s' % (
                arm, row['requests'], row['rss before MiB'],
                row['rss after MiB'], row['uss before MiB'],
                row['uss after MiB'], row['pss growth MiB'],
                _per_1000(row['rss second-half KiB per 1000 requests']),
                _per_1000(row['uss second-half KiB per 1000 requests']),
                ' (workers respawned)' if row['workers respawned'] else ''))
