"""How long until the operator's consumer has the event, on the mini-cloud.

``.minicloud/venv/bin/python benchmarks/notifier_cloud_bench.py`` against a
running mini-cloud (``python -m tools.minicloud up``), from the
repository's top: the operator's force-down call (``PUT
/v2.1/os-services/{id}``, microversion 2.53, ``{"forced_down": true}``)
returns -> host-status-notifier sends one ``instance.host_status_change``
per server of the host -> an operator's consumer on the cloud's RabbitMQ
(:class:`tools.minicloud.events.EventWatcher`, a notification listener with
a queue of its own) has received the event of the host's last server.

For a host with N servers a run is the time from the call returning to the
last of the N events; the first event is given too. Runs are spaced by a
random sleep. The servers are booted once (``--keep-servers`` leaves them
for a next run) and deleted at the end.

    .minicloud/venv/bin/python benchmarks/notifier_cloud_bench.py \\
        --runs 20 --sizes 1,200 --out result.json

Give the load average beside the figures (printed before and after).
"""

import argparse
import json
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tools.minicloud import client  # noqa: E402
from tools.minicloud import events  # noqa: E402
from tools.minicloud import layout  # noqa: E402
from tools.minicloud import scenario  # noqa: E402
from tools import stats  # noqa: E402

PREFIX = 'nbench-'
TIMEOUT = 60


def summary(values):
    """One line: p50, p99 (nearest rank), the worst and the count."""
    got = stats.summary(values)
    return 'p50 %.3f s, p99 %.3f s, max %.3f s (%d runs)' % (
        got['p50'], got['p99'], got['max'], got['n'])


def servers_on(owner, host, count):
    """*count* servers of the owner on *host*, booted if missing."""
    name = '%s%s-' % (PREFIX, host)
    have = [s for s in owner.compute.servers() if s.name.startswith(name)
            and s.status == 'ACTIVE']
    image = owner.image.find_image('tiny')
    flavor = owner.compute.find_flavor('m1.tiny')
    booting = []
    for i in range(len(have), count):
        booting.append(owner.compute.create_server(
            name='%s%d' % (name, i), image_id=image.id, flavor_id=flavor.id,
            networks='none', host=host))
        # NOTE: a few at a time: the scheduler and the fake compute take
        # them in order anyway, and a burst of 200 times out at the API.
        if len(booting) % 10 == 0:
            for server in booting[-10:]:
                owner.compute.wait_for_server(server, wait=600, interval=2)
    for server in booting:
        have.append(owner.compute.wait_for_server(server, wait=600,
                                                  interval=2))
    return sorted(s.id for s in have)[:count]


def wait_all(watcher, servers, new, since):
    """Arrival times (monotonic) of the first ``-> new`` event per server."""
    wanted = set(servers)
    got = {}

    def match(data):
        uuid = data.get('uuid')
        if uuid in wanted and data.get('host_status') == new:
            got.setdefault(uuid, None)
        return wanted <= set(got)
    watcher.wait_for(match, since=since, timeout=TIMEOUT)
    first = {}
    for e in watcher.events(since):
        uuid = e.data.get('uuid')
        if uuid in wanted and e.data.get('host_status') == new:
            first.setdefault(uuid, e.received)
    return sorted(first.values())


def force_down_runs(args, admin, admin_s, watcher, host, servers):
    runs = []
    for i in range(args.runs):
        time.sleep(random.uniform(0.5, 1.5))
        since = watcher.mark()
        returned = scenario.put_service(admin, admin_s, host,
                                        {'forced_down': True})
        arrivals = wait_all(watcher, servers, 'DOWN', since)
        runs.append({'first': arrivals[0] - returned,
                     'last': arrivals[-1] - returned})
        print('  %d server(s), run %2d: last %.3f s, first %.3f s' % (
            len(servers), i + 1, runs[-1]['last'], runs[-1]['first']),
            flush=True)
        since = watcher.mark()
        scenario.put_service(admin, admin_s, host, {'forced_down': False})
        wait_all(watcher, servers, 'UP', since)
    return runs


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', type=int, default=20)
    p.add_argument('--sizes', default='1,200')
    p.add_argument('--out')
    p.add_argument('--keep-servers', action='store_true')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    admin = client.connect(layout.ADMIN)
    owner = client.connect(layout.OWNER)
    admin_s = client.session(layout.ADMIN)
    results = {'load_before': os.getloadavg(), 'args': vars(args),
               'sizes': {}}
    scenario.heal(admin)
    scenario.room_for(admin, owner, max(
        int(x) for x in args.sizes.split(',')))
    watcher = events.EventWatcher().start()
    hosts = {1: layout.COMPUTE_HOSTS[2]}
    try:
        for count in (int(x) for x in args.sizes.split(',')):
            host = hosts.get(count, layout.COMPUTE_HOSTS[0])
            print('%d server(s) on %s: booting' % (count, host), flush=True)
            servers = servers_on(owner, host, count)
            print('%d server(s) on %s, %d runs' % (count, host, args.runs),
                  flush=True)
            results['sizes'][str(count)] = {
                'host': host,
                'runs': force_down_runs(args, admin, admin_s, watcher, host,
                                        servers)}
    finally:
        watcher.stop()
        if not args.keep_servers:
            scenario.delete_named(owner, PREFIX, wait=900)
        scenario.heal(admin)
    results['load_after'] = os.getloadavg()
    lines = ['load average before %s, after %s' % (
        ' '.join('%.2f' % x for x in results['load_before']),
        ' '.join('%.2f' % x for x in results['load_after']))]
    for count, data in sorted(results['sizes'].items(),
                              key=lambda kv: int(kv[0])):
        lines.append('force-down returned -> operator\'s consumer, %s '
                     'server(s) on %s, last event: %s' % (
                         count, data['host'],
                         summary([r['last'] for r in data['runs']])))
        if int(count) > 1:
            lines.append('    first event: %s' % summary(
                [r['first'] for r in data['runs']]))
    results['report'] = '\n'.join(lines)
    print(results['report'], flush=True)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=1, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
