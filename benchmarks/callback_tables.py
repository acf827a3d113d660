"""The owner-callback figures as the guide's tables, from the JSON files.

``python3 benchmarks/callback_tables.py --before B.json --after A.json
[A2.json ...]`` prints reStructuredText list-tables (the guide's
``doc/source/admin/telemetry.rst`` carries them): force-down returned ->
the last owner's webhook for each size, alarm layout and path, before and
after, with OPNFV Doctor's published figures beside them (a later file's
block replaces an earlier one's of the same path, layout and size); the
split of
that time at the notifier's send; and the CPU each service spends per
owner-facing event. Standard library only.
"""

import argparse
import gzip
import json
import statistics
import sys

sys.path.insert(0, __file__.rsplit('/', 1)[0] + '/..')
from tools import stats  # noqa: E402

# OPNFV Doctor, "notification-time" (docs/development/design): the time
# to the last of N alarms on its shortcut path, with threads, one alarm
# per VM.
DOCTOR = {1: 0.122, 10: 0.201, 25: 0.320, 50: 0.584}


def blocks(paths):
    """``{(path, layout, servers): block}`` from the benchmark's files."""
    found = {}
    for name in paths:
        opener = gzip.open if name.endswith('.gz') else open
        with opener(name, 'rt') as f:
            doc = json.load(f)
        for block in doc['blocks']:
            key = (block.get('path', 'ceilometer'), block['layout'],
                   block['servers'])
            found[key] = block
    return found


def p50_p99(values):
    if not values:
        return '-'
    return '%.3f / %.3f' % (stats.percentile(values, 50),
                            stats.percentile(values, 99))


def last(block):
    return p50_p99([r['last'] for r in block['runs']]) if block else '-'


def split(block):
    """Median wait before the notifier sent, and sent -> last webhook."""
    if not block:
        return '-', '-'
    before_send = []
    after_send = []
    for run in block['runs']:
        events = sorted(run['events'], key=lambda e: e['received'])
        first_sent = min(e['generated'] for e in events)
        before_send.append(first_sent - run['returned_wall'])
        after_send.append(events[-1]['received'] - first_sent)
    return ('%.3f' % statistics.median(before_send),
            p50_p99(after_send))


def list_table(title, header, rows):
    out = ['.. list-table:: %s' % title, '   :header-rows: 1', '']
    for row in [header] + rows:
        out.append('   * - %s' % row[0])
        out.extend('     - %s' % cell for cell in row[1:])
    return '\n'.join(out) + '\n'


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--before', nargs='+', required=True)
    p.add_argument('--after', nargs='+', required=True)
    p.add_argument('--sizes', default='1,10,25,50,200')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    before, after = blocks(args.before), blocks(args.after)
    sizes = [int(x) for x in args.sizes.split(',')]
    rows = []
    for n in sizes:
        rows.append(['%d' % n, '%.3f' % DOCTOR[n] if n in DOCTOR else '-',
                     last(before.get(('ceilometer', 'server', n))),
                     last(after.get(('ceilometer', 'server', n))),
                     last(after.get(('aodh', 'server', n)))])
    print(list_table(
        'An alarm per server (Doctor\'s layout): force-down returned -> '
        'the last owner\'s webhook, p50 / p99 (s)',
        ['servers on the host', 'OPNFV Doctor (time to the last of N '
         'alarms)', 'before', 'after, through ceilometer',
         'after, the shortcut'], rows))

    rows = []
    for n in sizes:
        rows.append(['%d' % n,
                     last(before.get(('ceilometer', 'project', n))),
                     last(after.get(('ceilometer', 'project', n))),
                     last(after.get(('ceilometer', 'summary', n))),
                     last(after.get(('aodh', 'summary', n)))])
    print(list_table(
        'One alarm for the project: force-down returned -> the last '
        'owner\'s webhook, p50 / p99 (s)',
        ['servers on the host',
         'before: on the per-server events (N POSTs)',
         'after: on the per-server events, through ceilometer',
         'after: on the summary (1 POST), through ceilometer',
         'after: on the summary, the shortcut'], rows))

    rows = []
    for n in sizes:
        wait_b, tail_b = split(before.get(('ceilometer', 'server', n)))
        wait_a, tail_a = split(after.get(('ceilometer', 'server', n)))
        rows.append(['%d' % n, wait_b, tail_b, wait_a, tail_a,
                     split(after.get(('aodh', 'server', n)))[1],
                     split(after.get(('ceilometer', 'summary', n)))[1]])
    print(list_table(
        'Where the wait is, an alarm per server: before the notifier '
        'sends (median, s), and from its first send to the last webhook '
        '(p50 / p99, s)',
        ['servers', 'before: returned -> sent', 'before: sent -> last',
         'after: returned -> sent', 'after, through ceilometer: sent -> '
         'last', 'after, the shortcut: sent -> last',
         'after, summary alarm, through ceilometer: sent -> its POST'],
        rows))

    rows = []
    services = ('ceilometer-agent-notification', 'aodh-listener',
                'aodh-notifier')
    for n in sizes:
        for label, data, path, layout in (
                ('before', before, 'ceilometer', 'server'),
                ('after, through ceilometer', after, 'ceilometer', 'server'),
                ('after, the shortcut', after, 'aodh', 'server'),
                ('after, summary alarm', after, 'ceilometer', 'summary')):
            block = data.get((path, layout, n))
            if not block:
                continue
            cpu = block['cpu_ms_per_event']
            rows.append(['%d, %s' % (n, label)] +
                        ['%.2f' % cpu[s] if s in cpu else '-'
                         for s in services] + [block['load']])
    print(list_table('CPU per owner-facing event (ms), from the services\' '
                     'ticks, idle CPU removed',
                     ['servers, run'] + list(services) +
                     ['load average (1, 5, 15 min)'], rows))
    return 0


if __name__ == '__main__':
    sys.exit(main())
