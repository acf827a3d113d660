"""The fault run: faults under load, with the filter and without it.

``tox -e faults`` (after ``tox -e demo``, or on any running mini-cloud).
Two nova-apis side by side, as in the load run: the usual one with the
filter (:8774) and a second one with nova's own pipeline (:8775). 16
client threads each send the same request to both, back to back (the
order alternating), as two owners in turn: ``owner`` (project demo), whom
the policy lets see host_status, and ``stranger`` (project other), whom it
does not; each has servers in both cells. Requests alternate between
``GET /servers/detail`` and ``GET /servers/{id}`` at 2.16.

One fault at a time, each undone before the next, each phase at most 60 s:

1. ``cell2-db``: cell2's MariaDB SIGKILLed, started again 20 s later;
2. ``cell2-db-hung``: cell2's MariaDB SIGSTOPped for over 2 minutes, then
   SIGCONTed (hung_cell.py: what it records beside the tallies); and
   ``cell2-db-hung-read-timeout``, not run by default: the same with
   PyMySQL's read_timeout in cell2's URL;
3. ``rabbitmq``: RabbitMQ restarted;
4. ``api-db``: the API database's MariaDB restarted;
5. ``api-workers``: nova-api's uWSGI workers SIGKILLed one by one (the
   master respawns them), in both nova-apis at once;
6. ``notifier``: host-status-notifier SIGKILLed and started again while a
   host of each cell is forced down, and again as they come back up; the
   notifier's events are read from the bus as a consumer reads them.

Per phase and arm it prints the requests, the errors by status, the
replies where the arms differ in anything but host_status, host_status
shown to the caller who may not see it, whole records without host_status
for the caller who may (in the live cell while cell2 is down), the time
to recover, and, for the notifier, the changes made against the events
received. ``memory N`` instead sends N requests to each arm and samples
the memory of each nova-api's workers as it goes (memory.py).
"""

import argparse
import collections
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

from tools.minicloud import cell2
from tools.minicloud import client
from tools.minicloud import events
from tools.minicloud import hung_cell
from tools.minicloud import layout
from tools.minicloud import memory
from tools.minicloud import policy
from tools.minicloud import procs
from tools.minicloud import scenario
from tools.minicloud import services
from tools.minicloud import traffic
from tools.minicloud import verdicts

CLIENTS = 16
PREFIX = 'fault-'
MICROVERSION = '2.16'
OURS, PLAIN = 'with filter', 'without filter'
URLS = {OURS: layout.COMPUTE_URL, PLAIN: layout.PLAIN_COMPUTE_URL}
APIS = {OURS: 'nova-api', PLAIN: layout.PLAIN_API}
ORIGINS = tuple(URLS[arm].rsplit('/', 1)[0] for arm in (PLAIN, OURS))
# Servers of each owner: two in cell1, one in cell2.
HOSTS = (layout.CELL1_HOSTS[0], layout.CELL1_HOSTS[1], layout.CELL2_HOSTS[0])

PHASE_MAX = 60.0
BASELINE = 8.0
CELL2_DOWN = 20.0
# A phase ends once both arms have answered normally this long after the
# fault was undone (or at PHASE_MAX).
SETTLED = 5.0
WORKER_GAP = 12.0
# Bounds a wait for the notifier's events (it starts in seconds on an idle
# machine, much later on a loaded one); not a figure.
EVENT_WAIT = 45.0
QUIET = 2.0
REPORT = layout.LOGS / 'faults.json'
DIFFERENCES = layout.LOGS / 'faults-differences.jsonl'


def say(text=''):
    print(text, flush=True)


class Caller(object):
    """An owner the clients act as, and what a healthy reply holds."""

    def __init__(self, name, account, allowed):
        self.name = name
        self.account = account
        self.allowed = allowed
        self.token = client.session(account).get_token()
        self.ids = []
        self.cell_of = {}

    def sessions(self):
        return traffic.session(self.token, MICROVERSION)


class Phase(object):
    """One phase: a tally per arm and the moments that matter."""

    def __init__(self, name):
        self.name = name
        self.tallies = {arm: verdicts.Tally() for arm in URLS}
        self.start = time.monotonic()
        # A phase ends by PHASE_MAX unless its fault says otherwise.
        self.max = PHASE_MAX
        # Called once both arms have settled after the fault; and whatever
        # happens, once its replies are in.
        self.settled_hooks = []
        self.cleanups = []
        self.marks = {}
        self.notes = {}
        self.differences = []
        self.inflight = 0
        self.lock = threading.Lock()

    def restart(self):
        """Count from now on only: what came before was the set-up."""
        with self.lock:
            self.tallies = {arm: verdicts.Tally() for arm in URLS}
            self.start = time.monotonic()
            self.marks = {}
            self.differences = []

    def begin(self):
        with self.lock:
            self.inflight += 1

    def done(self):
        with self.lock:
            self.inflight -= 1

    def drain(self, timeout=40):
        """Wait for the pairs sent during the phase to come back."""
        deadline = time.monotonic() + timeout
        while self.inflight and time.monotonic() < deadline:
            time.sleep(0.2)

    def mark(self, what):
        self.marks[what] = time.monotonic()
        say('  %5.1f s  %s' % (self.marks[what] - self.start, what))


class Load(object):
    """The clients: every iteration one pair of requests, one per arm."""

    def __init__(self, callers):
        self.callers = callers
        self.phase = None
        self.stopping = False
        self.sessions = [{c.name: {arm: c.sessions() for arm in URLS}
                          for c in callers} for _ in range(CLIENTS)]
        self.turns = [0] * CLIENTS

    def work(self, index):
        phase = self.phase
        if phase is None:
            return self._pair(index, None)
        phase.begin()
        try:
            self._pair(index, phase)
        finally:
            phase.done()

    def _pair(self, index, phase):
        turn = self.turns[index]
        self.turns[index] += 1
        # Each client takes the callers in turn, and each path and each
        # order of the arms with both callers.
        caller = self.callers[(index + turn) % len(self.callers)]
        if (turn // 2) % 2:
            path = '/servers/detail'
            expected = caller.ids
        else:
            sid = random.choice(caller.ids)
            path = '/servers/%s' % sid
            expected = [sid]
        arms = (OURS, PLAIN) if (turn // 4) % 2 else (PLAIN, OURS)
        sessions = self.sessions[index][caller.name]
        replies = {}

        def send(arm):
            replies[arm] = traffic.fetch(sessions[arm], URLS[arm] + path)
        # Both arms at once, so that a fault's edge falls on both alike.
        other = threading.Thread(target=send, args=(arms[1],))
        other.start()
        send(arms[0])
        other.join()
        if phase is None:
            return
        difference = verdicts.differs(replies[PLAIN], replies[OURS],
                                      ORIGINS)
        for arm in arms:
            verdict = verdicts.judge(replies[arm], caller.allowed, expected,
                                     caller.cell_of)
            phase.tallies[arm].add(replies[arm], verdict,
                                   difference if arm == OURS else None)
        if difference and len(phase.differences) < 20:
            with phase.lock:
                phase.differences.append({
                    'phase': phase.name, 'caller': caller.name,
                    'path': path, 'difference': difference,
                    'at': replies[OURS].start - phase.start,
                    'plain': [replies[PLAIN].status, replies[PLAIN].body],
                    'ours': [replies[OURS].status, replies[OURS].body]})

    def start(self):
        self.threads = traffic.run_clients(CLIENTS, self.work,
                                           lambda: self.stopping)

    def stop(self):
        self.stopping = True
        traffic.join(self.threads, 60)


# The faults -------------------------------------------------------------

def settle(phase, since):
    """Wait until each arm has answered normally since it recovered.

    Settled: at least SETTLED s after ``since``, and for each arm at least
    CLIENTS replies sent after its last abnormal one, all of them normal.
    """
    while time.monotonic() - phase.start < phase.max:
        time.sleep(0.5)
        if time.monotonic() - since < SETTLED:
            continue
        if all(t.normal_since_last_abnormal(since) >= CLIENTS
               for t in phase.tallies.values()):
            return


def fault_cell2_db(phase, ctx):
    time.sleep(BASELINE)
    phase.mark('fault')
    procs.kill(layout.CELL2_DB_SERVER)
    time.sleep(CELL2_DOWN)
    phase.mark('undone')
    services.start(layout.CELL2_DB_SERVER)
    procs.wait_for(cell2.ready, 'cell2 MariaDB', 30)
    phase.mark('cell2 MariaDB answers')


def _restart(service_name):
    def fault(phase, ctx):
        time.sleep(BASELINE)
        phase.mark('fault')
        subprocess.run(['service', service_name, 'restart'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)
        phase.mark('undone')
    return fault


def workers_of(name):
    """The pids of the uWSGI workers of nova-api ``name``."""
    master = procs.pid(name)
    if not master:
        return []
    return sorted(pid for pid, fields in procs.stat_fields()
                  if int(fields[1]) == master)


def fault_api_workers(phase, ctx):
    time.sleep(BASELINE)
    phase.mark('fault')
    # NOTE: the workers as they were before the first kill: a respawned
    # worker has a new pid, and must not be the next one killed.
    original = {arm: workers_of(APIS[arm]) for arm in URLS}
    count = max(len(pids) for pids in original.values())
    for i in range(count):
        for arm, pids in original.items():
            if i < len(pids):
                os.kill(pids[i], signal.SIGKILL)
        phase.mark('worker %d of each nova-api killed' % (i + 1))
        if i + 1 < count:
            time.sleep(WORKER_GAP)
    phase.marks['undone'] = phase.marks['fault']


def fault_notifier(phase, ctx):
    """Kill -9 the notifier around forced-down changes of two hosts."""
    admin = ctx['admin']
    hosts = (layout.CELL1_HOSTS[0], layout.CELL2_HOSTS[0])
    on_hosts = [s.id for s in admin.compute.servers(all_projects=True)
                if s.compute_host in hosts]
    watcher = events.ProcessWatcher()
    try:
        time.sleep(BASELINE / 2)
        phase.mark('fault')
        procs.kill(layout.NOTIFIER)
        phase.mark('notifier killed')
        for host in hosts:
            scenario.set_forced_down(admin, host, True)
        phase.mark('hosts forced down')
        time.sleep(3)
        services.start(layout.NOTIFIER)
        phase.mark('notifier started')
        events.wait_all(watcher, on_hosts, 'UP', 'DOWN', EVENT_WAIT)
        for host in hosts:
            scenario.set_forced_down(admin, host, False)
        procs.kill(layout.NOTIFIER)
        phase.mark('hosts up again, notifier killed at once')
        time.sleep(3)
        services.start(layout.NOTIFIER)
        phase.mark('undone')
        events.wait_all(watcher, on_hosts, 'DOWN', 'UP', EVENT_WAIT)
        time.sleep(QUIET)
    finally:
        received = watcher.events()
        watcher.stop()
        for host in hosts:
            scenario.set_forced_down(admin, host, False)
        if not procs.pid(layout.NOTIFIER):
            services.start(layout.NOTIFIER)
    made = [(sid, old, new) for sid in on_hosts
            for old, new in (('UP', 'DOWN'), ('DOWN', 'UP'))]
    seen = collections.Counter(
        (e.data.get('uuid'), e.data.get('old_host_status'),
         e.data.get('host_status')) for e in received)
    phase.notes.update({
        'changes made': len(made),
        'changes emitted': sum(1 for m in made if seen[m]),
        'lost': sum(1 for m in made if not seen[m]),
        'duplicates': sum(max(0, seen[m] - 1) for m in made),
        'other events': sum(n for k, n in seen.items() if k not in made),
    })


FAULTS = collections.OrderedDict([
    ('cell2-db', fault_cell2_db),
    ('cell2-db-hung', hung_cell.fault),
    ('cell2-db-hung-read-timeout', hung_cell.fault_with_read_timeout),
    ('rabbitmq', _restart('rabbitmq-server')),
    ('api-db', _restart('mariadb')),
    ('api-workers', fault_api_workers),
    ('notifier', fault_notifier),
])
# The read-timeout variant reconfigures cell2 and restarts the nova-apis:
# asked for by name only.
DEFAULT_FAULTS = [n for n in FAULTS if n != 'cell2-db-hung-read-timeout']


def run_phase(load, name, ctx):
    say('== %s' % name)
    phase = Phase(name)
    load.phase = phase
    try:
        FAULTS[name](phase, ctx)
        settle(phase, phase.marks.get('undone', phase.start))
        for hook in phase.settled_hooks:
            hook()
    finally:
        phase.marks['end'] = time.monotonic()
        load.phase = None
        phase.drain()
        for cleanup in phase.cleanups:
            cleanup()
    heal(ctx)
    return phase


def heal(ctx):
    """Whatever a fault left behind, put back before the next one."""
    if not procs.pid(layout.CELL2_DB_SERVER):
        services.start(layout.CELL2_DB_SERVER)
    procs.wait_for(cell2.ready, 'cell2 MariaDB', 60)
    if not procs.pid(layout.NOTIFIER):
        services.start(layout.NOTIFIER)
    scenario.heal(ctx['admin'])


# Set-up, memory and the report -------------------------------------------

def prepare(admin):
    owner = client.connect(layout.OWNER)
    stranger = client.connect(layout.STRANGER)
    # The operator opens host_status to one project, demo: its owner may
    # see it, the other project's may not, at the same time.
    policy.write(extra={policy.HOST_STATUS: 'rule:context_is_admin or '
                        'project_id:%s' % owner.current_project_id})
    scenario.heal(admin)
    for conn in (owner, stranger):
        traffic.boot_servers(conn, PREFIX, HOSTS)
    services.start_plain_api()
    callers = [Caller('owner', layout.OWNER, True),
               Caller('stranger', layout.STRANGER, False)]
    hosts = {s.id: s.compute_host
             for s in admin.compute.servers(all_projects=True)}
    for c in callers:
        http = c.sessions()
        reply = traffic.fetch(http, URLS[PLAIN] + '/servers/detail')
        c.ids = [s['id'] for s in reply.body['servers']]
        c.cell_of = {sid: layout.cell_of(hosts.get(sid)) for sid in c.ids}
    return callers


def memory_run(load, total, seconds):
    """nova-api's memory over ``total`` requests per arm (memory.py)."""
    phase = Phase('memory')
    load.phase = phase
    say('load average at start of the memory run: %s' % loadavg())
    result = memory.measure(
        lambda: {arm: t.requests for arm, t in phase.tallies.items()},
        {arm: (lambda name=APIS[arm]: workers_of(name)) for arm in URLS},
        total, seconds=seconds, say=say)
    load.phase = None
    result['load average at end'] = loadavg()
    for arm in URLS:
        result['arms'][arm]['errors'] = phase.tallies[arm].errors()
        result['arms'][arm]['leaks'] = phase.tallies[arm].leaks
    return result


def loadavg():
    with open('/proc/loadavg') as f:
        return ' '.join(f.read().split()[:3])


def summarize(phase):
    undone = phase.marks.get('undone', phase.start)
    fault = phase.marks.get('fault', phase.start)
    rows = {}
    for arm, t in phase.tallies.items():
        row = {'requests': t.requests, 'errors': dict(t.statuses),
               'differs': dict(t.differs) if arm == OURS else None,
               'leaks': t.leaks, 'lost': dict(t.lost),
               'recovery s': round(t.recovery(undone), 2)}
        if phase.name.startswith('cell2-db'):
            row['cell1 lost while cell2 down'] = t.lost_between(
                fault, undone, 'cell1')
        row['p50 s'], row['p99 s'] = t.percentiles(50, 99)
        rows[arm] = row
    return {'phase': phase.name, 'seconds': round(
        phase.marks['end'] - phase.start, 1), 'arms': rows,
        'marks': {k: round(v - phase.start, 2)
                  for k, v in phase.marks.items()},
        'notifier': phase.notes or None}


def print_table(summaries):
    say()
    say('%d clients, GET /servers/detail and /servers/{id} at %s, each '
        'request to both arms; owner may see host_status, stranger may not'
        % (CLIENTS, MICROVERSION))
    head = '%-26s %-15s %8s  %-22s %7s %5s %5s %9s %6s %6s' % (
        'fault', 'arm', 'requests', 'errors by status', 'differs', 'leaks',
        'lost', 'recover s', 'p50 s', 'p99 s')
    say(head)
    say('-' * len(head))
    for s in summaries:
        for arm, row in s['arms'].items():
            errors = ' '.join('%s:%d' % kv for kv in sorted(
                row['errors'].items())) or '0'
            lost = row.get('cell1 lost while cell2 down',
                           sum(row['lost'].values()))
            differs = '-' if row['differs'] is None else sum(
                row['differs'].values())
            say('%-26s %-15s %8d  %-22s %7s %5d %5d %9.1f %6.2f %6.2f' % (
                s['phase'], arm, row['requests'], errors, differs,
                row['leaks'], lost, row['recovery s'], row['p50 s'],
                row['p99 s']))
        if s['notifier']:
            say('%-26s notes: %s' % ('', ', '.join(
                '%s %s' % kv for kv in s['notifier'].items())))
    say()
    say('lost: whole records without host_status for the owner (cell2-db: '
        'cell1 records while cell2 was down); differs: pairs where the '
        'with-filter reply differs from the plain one beyond host_status; '
        'recover: from the fault undone to the end of the last reply that '
        'was not normal')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('what', nargs='*', default=DEFAULT_FAULTS,
                   help='faults to run (default: all but %s, in order), '
                        'or "memory N"' % ', '.join(
                            n for n in FAULTS if n not in DEFAULT_FAULTS))
    p.add_argument('--seconds', type=int, default=6000,
                   help='memory N: stop after this long, with the samples '
                        'taken so far')
    args = p.parse_args(argv)
    admin = client.connect(layout.ADMIN)
    ctx = {'admin': admin}
    t0 = time.monotonic()
    say('load average at start: %s' % loadavg())
    callers = prepare(admin)
    say('set-up: %.0f s; owner servers %d, stranger servers %d'
        % (time.monotonic() - t0, len(callers[0].ids), len(callers[1].ids)))
    load = Load(callers)
    load.start()
    summaries, failed = [], False
    try:
        time.sleep(5)  # both nova-apis' first requests fill their caches
        if args.what[:1] == ['memory']:
            total = int(args.what[1]) if len(args.what) > 1 else 20000
            result = memory_run(load, total, args.seconds)
            memory.print_report(result, say)
            REPORT.with_name('faults-memory.json').write_text(
                json.dumps(result, indent=1))
            return 0
        for name in args.what:
            phase = run_phase(load, name, ctx)
            summaries.append(summarize(phase))
            # NOTE: each phase's figures as soon as it ends, so that a
            # later phase that breaks loses only its own.
            print_table(summaries[-1:])
            REPORT.write_text(json.dumps(summaries, indent=1))
            with open(DIFFERENCES, 'a') as f:
                for d in phase.differences:
                    f.write(json.dumps(d) + '\n')
    finally:
        load.stop()
        policy.write(owner_line=False)
        procs.stop(layout.PLAIN_API)
        heal(ctx)
        # NOTE: the e2e tests take the stranger to own no server.
        for account in (layout.OWNER, layout.STRANGER):
            scenario.delete_named(client.connect(account), PREFIX)
    print_table(summaries)
    REPORT.write_text(json.dumps(summaries, indent=1))
    for s in summaries:
        ours = s['arms'][OURS]
        if ours['leaks'] or s['arms'][PLAIN]['leaks']:
            failed = True
        if (s['notifier'] or {}).get('lost'):
            failed = True
    say('whole run %.0f s; load average at end: %s; figures in %s; '
        'differing pairs in %s' % (time.monotonic() - t0, loadavg(), REPORT,
                                   DIFFERENCES))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
