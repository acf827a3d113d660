"""How long until the owner's webhook is called, on the mini-cloud.

``tox -e callback-bench`` (or ``.minicloud/venv/bin/python
benchmarks/owner_callback_bench.py`` against a running mini-cloud, from the
repository's top) measures the whole path of an owner's callback on real
services: the operator's force-down call (``PUT /v2.1/os-services/{id}``,
microversion 2.53, ``{"forced_down": true}``) returns -> host-status-notifier,
woken by nova's service.update, sends the owner-facing events ->
ceilometer's notification agent (or, with the notifier's shortcut on,
straight) -> aodh-listener fires the alarms -> aodh-notifier -> POST on the
owner's webhook (``tools.minicloud.webhook``, which records the arrival time
of each POST).

A run is the time from the call returning to the POST that completes the
host's servers: with N servers on the host, the last of them the owner
hears of. How the owner's alarms are laid out (``--layouts``):

``server``
    one alarm per server (``traits.instance_id``), each with its own
    webhook path: the layout OPNFV Doctor measured, N alarms fire;
``project``
    one alarm for the project on ``instance.host_status_change``, no
    query: it fires N times, once per server;
``summary``
    one alarm for the project on the per-project summary event: it fires
    once per project and change, the POST counts the servers.

Runs are spaced by a random sleep. The UNKNOWN runs kill the host's
nova-compute and time the POST with UNKNOWN from the kill, beside
``service_down_time``.

Also measured (``callback_measures``): where the time goes, from the
services' own clocks (the event's ``generated``, aodh-listener's and
aodh-notifier's log lines naming the event, the webhook's arrival); the
CPU that ceilometer, aodh-listener, aodh-notifier and the notifiers spend
per owner-facing event (their process groups' ticks over the runs, less
what they burn idle); with ``--profile DIR``, py-spy on ceilometer and
aodh during the runs of ``--profile-size``.

The figures go to stdout and, with ``--out``, to a JSON file of every
sample. Hold the mini-cloud's lock for figures to report, and give the
load average beside them (printed).
"""

import argparse
import json
import random
import statistics
import sys
import time

from tools.minicloud import alarms
from tools.minicloud import client
from tools.minicloud import layout
from tools.minicloud import owner_path
from tools.minicloud import policy
from tools.minicloud import scenario
from tools.minicloud import webhook

sys.path.insert(0, __file__.rsplit('/', 1)[0])
import callback_measures as measures  # noqa: E402

PREFIX = 'cbench-'
TIMEOUT = 120
# Each size on a host of its own where it can: a smaller size on a host
# that still has a larger size's servers would send that many events.
HOSTS = {1: layout.COMPUTE_HOSTS[2], 200: layout.COMPUTE_HOSTS[1]}
DEFAULT_HOST = layout.COMPUTE_HOSTS[0]


class AlarmLayout(object):
    """The owner's alarms, and which servers a POST speaks for."""

    def __init__(self, name):
        self.name = name

    def alarms(self, tag, servers):
        """``[(label, event type, traits)]``: one alarm each."""
        if self.name == 'server':
            return [('cbench/%s/%s' % (tag, sid), alarms.EVENT_TYPE,
                     {'instance_id': sid}) for sid in servers]
        if self.name == 'project':
            return [('cbench/%s/project' % tag, alarms.EVENT_TYPE, {})]
        return [('cbench/%s/summary' % tag, alarms.SUMMARY_EVENT_TYPE, {})]

    def covers(self, post, servers):
        """The servers a POST tells the owner about.

        A summary names the host by its ``host_id`` and counts the
        project's servers there: every server of the run, and any other
        the owner has on that host (the demo leaves one on compute-1).
        """
        traits = webhook.traits(post)
        if self.name == 'summary':
            return servers if int(traits.get('instance_count', 0)) >= len(
                servers) else []
        return [traits.get('instance_id')]


class Bench(object):

    def __init__(self, args):
        self.args = args
        self.admin = client.connect(layout.ADMIN)
        self.owner = client.connect(layout.OWNER)
        self.admin_s = client.session(layout.ADMIN)
        self.owner_s = client.session(layout.OWNER)
        self.path = owner_path.current()
        self.results = {'started': time.time(), 'args': vars(args),
                        'load_before': measures.load_average(),
                        'blocks': [], 'unknown': []}

    # -- set-up ---------------------------------------------------------

    def servers_on(self, host, count):
        """Exactly *count* servers of the owner on *host*, booted if missing.

        Surplus servers (of an earlier, larger size) are deleted: each
        server on the host gets an event, alarmed or not.
        """
        name = '%s%s-' % (PREFIX, host)
        have = [s for s in self.owner.compute.servers()
                if s.name.startswith(name)]
        have = [s for s in have if s.status == 'ACTIVE'] + [
            s for s in have if s.status != 'ACTIVE']
        for s in have[count:]:
            self.owner.compute.delete_server(s, ignore_missing=True)
        for s in have[count:]:
            self.owner.compute.wait_for_delete(s, wait=300, interval=1)
        have = [s for s in have[:count] if s.status == 'ACTIVE']
        image = self.owner.image.find_image('tiny')
        flavor = self.owner.compute.find_flavor('m1.tiny')
        booting = [self.owner.compute.create_server(
            name='%s%d-%s' % (name, i, time.time()), image_id=image.id,
            flavor_id=flavor.id, networks='none', host=host)
            for i in range(len(have), count)]
        for server in booting:
            have.append(self.owner.compute.wait_for_server(
                server, wait=900, interval=2))
        return sorted(s.id for s in have)

    def prepare(self, host, count, alarm_layout):
        servers = self.servers_on(host, count)
        tag = '%s-%d-%s' % (host, count, alarm_layout.name)
        alarms.delete_named(self.owner_s, PREFIX)
        labels = set()
        for label, event_type, traits in alarm_layout.alarms(tag, servers):
            alarms.create(self.owner_s, PREFIX + label.rsplit('/', 1)[-1],
                          webhook.url(label), event_type=event_type,
                          **traits)
            labels.add('/' + label)
        alarms.wait_until_seen()
        return servers, labels

    # -- runs -----------------------------------------------------------

    def wait_covered(self, alarm_layout, labels, servers, host_status,
                     since):
        """The POSTs until every server was spoken for with *host_status*.

        :returns: ``(posts, completed_by, repeats)``: every matching POST
            up to the one that completed the set, that one, and how many
            servers were spoken for more than once (at-least-once
            delivery allows it; it is counted, not hidden).
        """
        wanted = set(servers)
        seen = {}
        got = []
        deadline = time.monotonic() + TIMEOUT
        read = since
        while True:
            new = webhook.posts(read) if webhook.mark() > read else []
            read += len(new)
            for post in new:
                if post['path'] not in labels or webhook.traits(post).get(
                        'host_status') != host_status:
                    continue
                got.append(post)
                for sid in alarm_layout.covers(post, servers):
                    seen[sid] = seen.get(sid, 0) + 1
                if wanted <= set(seen):
                    repeats = sum(1 for c in seen.values() if c > 1)
                    return got, post, repeats
            if time.monotonic() > deadline:
                raise RuntimeError('%d of %d servers called back with %s '
                                   'after %d s' % (len(wanted & set(seen)),
                                                   len(wanted), host_status,
                                                   TIMEOUT))
            time.sleep(0.02)

    def force_down(self, service, down):
        """The operator's call (``PUT /v2.1/os-services/{id}``, 2.53).

        nova-api sends ``service.update`` before it answers, so an owner
        can be called back before the call returns: a run's time is from
        the call's return, as Doctor's, and may be below zero.

        :returns: ``time.monotonic()`` when the call returned.
        """
        self.admin_s.put(layout.COMPUTE_URL + '/os-services/%s' % service,
                         json={'forced_down': down},
                         headers={'OpenStack-API-Version': 'compute 2.53'},
                         raise_exc=True)
        return time.monotonic()

    def block(self, host, count, alarm_layout):
        """The runs of one size and layout, with their CPU and profile."""
        servers, labels = self.prepare(host, count, alarm_layout)
        idle = measures.idle_rate()
        runs = []
        repeats = 0
        profiling = (self.args.profile and count == self.args.profile_size
                     and alarm_layout.name == self.args.layouts[0])
        profiler = measures.Profiler(
            self.args.profile, '%s-%d-%s' % (self.path, count,
                                             alarm_layout.name)) \
            if profiling else None
        service = scenario.compute_service(self.admin, host).id
        before = measures.cpu_sample()
        if profiler:
            profiler.__enter__()
        try:
            for i in range(-self.args.warmup, self.args.runs):
                time.sleep(random.uniform(1.0, 2.0))
                since = webhook.mark()
                called = time.monotonic()
                returned = self.force_down(service, True)
                returned_wall = time.time()
                posts, last, dup = self.wait_covered(
                    alarm_layout, labels, servers, 'DOWN', since)
                repeats += dup
                record = run_record(posts, last, returned, returned_wall,
                                    called)
                # NOTE: a warm-up run is not counted: the first event
                # after a service's restart opens its connections.
                if i >= 0:
                    runs.append(record)
                print('  %3d servers, %-7s run %2d: last %.3f s, first '
                      '%.3f s%s' % (count, alarm_layout.name, i + 1,
                                    record['last'], record['first'],
                                    '' if i >= 0 else ' (warm-up)'),
                      flush=True)
                since = webhook.mark()
                self.force_down(service, False)
                _, _, dup = self.wait_covered(alarm_layout, labels, servers,
                                              'UP', since)
                repeats += dup
        finally:
            if profiler:
                profiler.__exit__(None, None, None)
        after = measures.cpu_sample()
        events = 2 * len(runs) * owner_path.events_per_change(count)
        profile = profiler.report(events) if profiler else []
        measures.add_log_times(runs)
        self.results['blocks'].append({
            'path': self.path, 'host': host, 'servers': count,
            'layout': alarm_layout.name, 'alarms': len(labels),
            'runs': runs, 'repeats': repeats,
            'load': measures.load_average(), 'events': events,
            'cpu_ms_per_event': measures.cpu_per_event(before, after, idle,
                                                       events),
            'profile': profile,
            'idle_cpu': idle})

    def unknown_runs(self, host):
        servers, labels = self.prepare(host, 1, AlarmLayout('server'))
        for i in range(self.args.unknown_runs):
            time.sleep(random.uniform(1.0, 2.0))
            since = webhook.mark()
            scenario.stop_compute(host)
            killed = time.monotonic()
            _, post, _ = self.wait_covered(AlarmLayout('server'), labels,
                                           servers, 'UNKNOWN', since)
            latency = post['received_monotonic'] - killed
            self.results['unknown'].append(latency)
            print('  nova-compute killed, run %d: %.3f s (service_down_time'
                  ' %d s)' % (i + 1, latency, layout.SERVICE_DOWN_TIME),
                  flush=True)
            since = webhook.mark()
            scenario.start_compute(host)
            self.wait_covered(AlarmLayout('server'), labels, servers, 'UP',
                              since)

    # -- report ---------------------------------------------------------

    def report(self):
        out = []
        self.results['load_after'] = measures.load_average()
        out.append('load average before %s, after %s' % (
            self.results['load_before'], self.results['load_after']))
        for b in self.results['blocks']:
            runs = b['runs']
            out.append('force-down returned -> webhook, %d server(s) on %s, '
                       '%s alarm(s) (%s), through %s, last POST: %s  '
                       '[load %s]' % (
                           b['servers'], b['host'], b['alarms'], b['layout'],
                           b['path'],
                           measures.summary([r['last'] for r in runs]),
                           b['load']))
            if b['servers'] > 1:
                out.append('    first POST: %s' % measures.summary(
                    [r['first'] for r in runs]))
            if all('last_from_call' in r for r in runs):
                out.append('    last POST from the call\'s start: %s; the '
                           'call itself: median %.3f s' % (
                               measures.summary([r['last_from_call']
                                                 for r in runs]),
                               statistics.median(r['call'] for r in runs)))
            out.extend('    ' + line for line in measures.stages(runs))
            out.append('    CPU per owner-facing event (%d events): %s' % (
                b['events'], ', '.join(
                    '%s %.2f ms' % (n, v) for n, v in
                    sorted(b['cpu_ms_per_event'].items()))))
            out.extend('    ' + line for line in b.get('profile', ()))
            if b['repeats']:
                out.append('    servers called back more than once: %d'
                           % b['repeats'])
        if self.results['unknown']:
            out.append('nova-compute killed -> webhook with UNKNOWN: %s; '
                       'service_down_time %d s, report_interval %d s' % (
                           measures.summary(self.results['unknown']),
                           layout.SERVICE_DOWN_TIME, layout.REPORT_INTERVAL))
        text = '\n'.join(out)
        print(text, flush=True)
        self.results['report'] = text
        return text


def run_record(posts, last, returned, returned_wall, called):
    """A run: from the call's return (and its start) to the POSTs."""
    return {'first': min(p['received_monotonic'] for p in posts) - returned,
            'last': last['received_monotonic'] - returned,
            'last_from_call': last['received_monotonic'] - called,
            'call': returned - called,
            'returned_wall': returned_wall,
            'events': [{'message_id': p['body']['reason_data']['event']
                        ['message_id'], 'generated': measures.generated(p),
                        'received': p['received']} for p in posts]}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', type=int, default=20)
    p.add_argument('--warmup', type=int, default=1,
                   help='runs before each block that are not counted')
    p.add_argument('--sizes', default='1,10,25,50,200',
                   help='servers on the host, comma-separated')
    p.add_argument('--layouts', default='server,project',
                   help='alarm layouts, comma-separated: server, project, '
                   'summary')
    p.add_argument('--path', default='ceilometer',
                   help='the owner feed\'s ways to Aodh, comma-separated: '
                   'ceilometer, aodh (the notifiers\' shortcut); each is '
                   'set on the running notifiers in turn, and ceilometer '
                   'again at the end')
    p.add_argument('--unknown-runs', type=int, default=0)
    p.add_argument('--out', help='write every sample to this JSON file')
    p.add_argument('--profile', metavar='DIR',
                   help='py-spy on ceilometer and aodh during the runs of '
                   '--profile-size (first layout), raw files and summaries '
                   'into DIR')
    p.add_argument('--profile-size', type=int, default=50)
    p.add_argument('--keep-servers', action='store_true',
                   help='leave the servers booted for a next run (they '
                   'would change what the e2e tests see on their hosts)')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    args.layouts = args.layouts.split(',')
    bench = Bench(args)
    policy.write(owner_line=True)
    scenario.heal(bench.admin)
    sizes = [int(x) for x in args.sizes.split(',')]
    scenario.room_for(bench.admin, bench.owner, max(sizes))
    try:
        for path in args.path.split(','):
            owner_path.use(path)
            bench.path = path
            for count in sizes:
                host = HOSTS.get(count, DEFAULT_HOST)
                for name in args.layouts:
                    print('%d server(s) on %s, %s alarms, %d runs, through '
                          '%s' % (count, host, name, args.runs, path),
                          flush=True)
                    bench.block(host, count, AlarmLayout(name))
        if args.unknown_runs:
            bench.unknown_runs(HOSTS[1])
    finally:
        owner_path.use('ceilometer')
        alarms.delete_named(bench.owner_s, PREFIX)
        if not args.keep_servers:
            scenario.delete_named(bench.owner, PREFIX, wait=900)
        scenario.heal(bench.admin)
        policy.write(owner_line=False)
        bench.report()
        if args.out:
            with open(args.out, 'w') as f:
                json.dump(bench.results, f, indent=1, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
