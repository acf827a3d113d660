"""How long until the owner's webhook is called, on the mini-cloud.

``tox -e callback-bench`` (or ``.minicloud/venv/bin/python
benchmarks/owner_callback_bench.py`` against a running mini-cloud, from the
repository's top) measures the whole path of an owner's callback on real
services: the operator's force-down call (``PUT /v2.1/os-services/{id}``,
microversion 2.53, ``{"forced_down": true}``) returns -> host-status-notifier
is woken by nova's service.update and sends the owner-facing events ->
ceilometer's notification agent -> aodh-listener fires the alarms ->
aodh-notifier ->
POST on the owner's webhook (``tools.minicloud.webhook``, which records the
arrival time of each POST).

One alarm per server (the layout OPNFV Doctor measured: an alarm per VM),
each with its own webhook path. For a host with N servers, a run is the
time from the call returning to the last of the N POSTs. Runs are spaced by
a random sleep, so that they do not all land at the same point of the
notifier's upkeep (0.25 s). The UNKNOWN runs kill the host's nova-compute and
time the POST with UNKNOWN from the kill, beside ``service_down_time``.

Where the time goes, for every POST, from the services' own clocks: the
event's ``generated`` (when the notifier sent it: oslo.messaging's message
timestamp, which ceilometer keeps), aodh-listener's log line
"alarm ... transitioning to alarm because Event <id=...>" and
aodh-notifier's "Notifying alarm ... because Event <id=...>" (both name the
event's message id), and the webhook's arrival time.

The figures go to stdout and, with ``--out``, to a JSON file of every
sample. Hold ``/tmp/bench.lock`` (and the mini-cloud's lock) for figures to
report, and give the load average beside them (printed).
"""

import argparse
import datetime
import json
import os
import random
import re
import statistics
import sys
import time

from tools.minicloud import alarms
from tools.minicloud import client
from tools.minicloud import layout
from tools.minicloud import policy
from tools.minicloud import procs
from tools.minicloud import scenario
from tools.minicloud import webhook
from tools import stats

PREFIX = 'cbench-'
TIMEOUT = 60
LOG_LINE = re.compile(
    r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*?Event <id=([0-9a-f-]{36}),')


def summary(values):
    if not values:
        return 'no samples'
    return 'p50 %.3f s  p99 %.3f s  max %.3f s  (n=%d)' % (
        stats.percentile(values, 50), stats.percentile(values, 99),
        max(values), len(values))


def _servers_on(owner, host, count):
    """*count* servers of the owner named for *host*, booted if missing."""
    name = '%s%s-' % (PREFIX, host)
    have = [s for s in owner.compute.servers() if s.name.startswith(name)
            and s.status == 'ACTIVE']
    image = owner.image.find_image('tiny')
    flavor = owner.compute.find_flavor('m1.tiny')
    booting = [owner.compute.create_server(
        name='%s%d' % (name, i), image_id=image.id, flavor_id=flavor.id,
        networks='none', host=host) for i in range(len(have), count)]
    for server in booting:
        have.append(owner.compute.wait_for_server(server, wait=600,
                                                  interval=2))
    return sorted(s.id for s in have)[:count]


def _log_times(name):
    """``{event message id: wall time}`` from a service's log."""
    found = {}
    try:
        with open(procs.logfile(name), encoding='utf-8',
                  errors='replace') as f:
            for line in f:
                m = LOG_LINE.match(line)
                if m:
                    found.setdefault(m.group(2), datetime.datetime.strptime(
                        m.group(1), '%Y-%m-%d %H:%M:%S.%f').timestamp())
    except OSError:
        pass
    return found


def _generated(post):
    """When the notifier sent the event (UTC, from oslo.messaging)."""
    text = post['body']['reason_data']['event']['generated']
    when = datetime.datetime.fromisoformat(text.replace('Z', ''))
    return when.replace(tzinfo=datetime.timezone.utc).timestamp()


class Bench(object):

    def __init__(self, args):
        self.args = args
        self.admin = client.connect(layout.ADMIN)
        self.owner = client.connect(layout.OWNER)
        self.admin_s = client.session(layout.ADMIN)
        self.owner_s = client.session(layout.OWNER)
        self.results = {'started': time.time(), 'args': vars(args),
                        'load_before': os.getloadavg(), 'sizes': {},
                        'unknown': []}

    def prepare(self, host, count):
        servers = _servers_on(self.owner, host, count)
        tag = '%s%s-%d' % (PREFIX, host, count)
        alarms.delete_named(self.owner_s, PREFIX)
        labels = {}
        for sid in servers:
            label = 'cbench/%s/%s' % (tag, sid)
            alarms.create(self.owner_s, '%s%s' % (PREFIX, sid),
                          webhook.url(label), instance_id=sid)
            labels['/' + label] = sid
        alarms.wait_until_seen()
        return servers, labels

    def wait_all(self, labels, host_status, since):
        def match(post):
            return (post['path'] in labels and
                    webhook.traits(post).get('host_status') == host_status)
        posts = webhook.wait(match, since=since, count=len(labels),
                             timeout=TIMEOUT)
        seen = {p['path'] for p in posts}
        if seen != set(labels):
            raise RuntimeError('a server was called back twice, another '
                               'not at all: %s' % sorted(set(labels) - seen))
        return posts

    def force_down_runs(self, host, count):
        servers, labels = self.prepare(host, count)
        runs = []
        for i in range(self.args.runs):
            time.sleep(random.uniform(1.0, 2.0))
            since = webhook.mark()
            returned = scenario.put_service(self.admin, self.admin_s, host,
                                            {'forced_down': True})
            returned_wall = time.time()
            posts = self.wait_all(labels, 'DOWN', since)
            runs.append(self.run_record(posts, returned, returned_wall))
            print('  %d servers, run %2d: last %.3f s, first %.3f s' % (
                count, i + 1, runs[-1]['last'], runs[-1]['first']),
                flush=True)
            since = webhook.mark()
            scenario.put_service(self.admin, self.admin_s, host,
                                 {'forced_down': False})
            self.wait_all(labels, 'UP', since)
        self.add_stages(runs)
        self.results['sizes'][str(count)] = {'host': host, 'runs': runs}
        return runs

    def run_record(self, posts, returned, returned_wall):
        arrivals = sorted(p['received_monotonic'] - returned for p in posts)
        return {'first': arrivals[0], 'last': arrivals[-1],
                'returned_wall': returned_wall,
                'events': [{'message_id': p['body']['reason_data']['event']
                            ['message_id'], 'generated': _generated(p),
                            'received': p['received']} for p in posts]}

    def add_stages(self, runs):
        """Add the listener's and the notifier's log times to each event."""
        listener = _log_times('aodh-listener')
        notifier = _log_times('aodh-notifier')
        for run in runs:
            for event in run['events']:
                event['listener'] = listener.get(event['message_id'])
                event['notifier'] = notifier.get(event['message_id'])

    def unknown_runs(self, host):
        servers, labels = self.prepare(host, 1)
        for i in range(self.args.unknown_runs):
            time.sleep(random.uniform(1.0, 2.0))
            since = webhook.mark()
            scenario.stop_compute(host)
            killed = time.monotonic()
            [post] = self.wait_all(labels, 'UNKNOWN', since)
            latency = post['received_monotonic'] - killed
            self.results['unknown'].append(latency)
            print('  nova-compute killed, run %d: %.3f s (service_down_time'
                  ' %d s)' % (i + 1, latency, layout.SERVICE_DOWN_TIME),
                  flush=True)
            since = webhook.mark()
            scenario.start_compute(host)
            self.wait_all(labels, 'UP', since)

    def report(self):
        out = []
        load = os.getloadavg()
        self.results['load_after'] = load
        out.append('load average before %s, after %s' % (
            ' '.join('%.2f' % x for x in self.results['load_before']),
            ' '.join('%.2f' % x for x in load)))
        for count, data in sorted(self.results['sizes'].items(),
                                  key=lambda kv: int(kv[0])):
            runs = data['runs']
            out.append('force-down returned -> webhook, %s server(s) on %s, '
                       'last POST: %s' % (count, data['host'], summary(
                           [r['last'] for r in runs])))
            if int(count) > 1:
                out.append('    first POST: %s' % summary(
                    [r['first'] for r in runs]))
            out.extend('    ' + line for line in stages(runs))
        if self.results['unknown']:
            out.append('nova-compute killed -> webhook with UNKNOWN: %s; '
                       'service_down_time %d s, report_interval %d s' % (
                           summary(self.results['unknown']),
                           layout.SERVICE_DOWN_TIME, layout.REPORT_INTERVAL))
        text = '\n'.join(out)
        print(text, flush=True)
        self.results['report'] = text
        return text


def stages(runs):
    """Medians of each stage over every event, and of the last event."""
    parts = {'returned -> notifier sent': [],
             'notifier sent -> aodh-listener fires': [],
             'aodh-listener fires -> aodh-notifier posts': [],
             'aodh-notifier posts -> webhook received': []}
    last = {k: [] for k in parts}
    for run in runs:
        ordered = sorted(run['events'], key=lambda e: e['received'])
        for event in ordered:
            if not (event.get('listener') and event.get('notifier')):
                continue
            values = (event['generated'] - run['returned_wall'],
                      event['listener'] - event['generated'],
                      event['notifier'] - event['listener'],
                      event['received'] - event['notifier'])
            for key, value in zip(parts, values):
                parts[key].append(value)
                if event is ordered[-1]:
                    last[key].append(value)
    lines = []
    for key in parts:
        if parts[key]:
            lines.append('%-44s median %.3f s (every event), %.3f s (the '
                         'last of each run)' % (
                             key, statistics.median(parts[key]),
                             statistics.median(last[key] or [0])))
    return lines


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', type=int, default=20)
    p.add_argument('--sizes', default='1,50',
                   help='servers on the host, comma-separated')
    p.add_argument('--unknown-runs', type=int, default=3)
    p.add_argument('--out', help='write every sample to this JSON file')
    p.add_argument('--keep-servers', action='store_true',
                   help='leave the servers booted for a next run (they '
                   'would change what the e2e tests see on their hosts)')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    bench = Bench(args)
    policy.write(owner_line=True)
    scenario.heal(bench.admin)
    hosts = {1: layout.COMPUTE_HOSTS[2], 50: layout.COMPUTE_HOSTS[0]}
    try:
        for count in (int(x) for x in args.sizes.split(',')):
            host = hosts.get(count, layout.COMPUTE_HOSTS[0])
            print('%d server(s) on %s, %d runs' % (count, host, args.runs),
                  flush=True)
            bench.force_down_runs(host, count)
        if args.unknown_runs:
            bench.unknown_runs(layout.COMPUTE_HOSTS[2])
    finally:
        alarms.delete_named(bench.owner_s, PREFIX)
        if not args.keep_servers:
            scenario.delete_named(bench.owner, PREFIX, wait=600)
        scenario.heal(bench.admin)
        policy.write(owner_line=False)
    bench.report()
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(bench.results, f, indent=1, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
