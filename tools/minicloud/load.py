"""A bounded load run: GET /servers/detail at 2.16, with and without filter.

Two nova-apis run side by side on the same cloud: the usual one with the
filter (:8774) and a second one with nova's own pipeline (:8775), equal in
workers. All 16 client threads load one of them at a time, in blocks
ordered A B B A A B, so that a drift in the machine's other load (it is
shared) falls on both arms alike; each arm gets half of each phase.

Two timed phases: the owner not allowed to see host_status (nova's default
policy; every response is checked for a leaked host_status, goal 0), then
allowed (the operator's line; every server must carry host_status).
Prints requests, errors, p50, p99 and the with/without ratios.
``tox -e load [-- SECONDS]``: seconds per phase, 60 at most.
``--profile DIR`` also records both nova-apis with py-spy during each phase
(see :mod:`tools.minicloud.pyspy`); the sampler takes CPU of its own, so
the figures of such a run are not the ones to compare.
"""

import argparse
import pathlib
import threading
import time

from tools.minicloud import client
from tools.minicloud import cloud
from tools.minicloud import layout
from tools.minicloud import policy
from tools.minicloud import procs
from tools.minicloud import pyspy
from tools.minicloud import scenario
from tools.minicloud import services
from tools.minicloud import traffic
from tools import stats

CLIENTS = 16
SERVERS = 8
PREFIX = 'load-'
WARMUP = 3.0
ARMS = {'with filter': layout.COMPUTE_URL,
        'without filter': layout.PLAIN_COMPUTE_URL}


class Arm(object):
    """Counts of one arm in one phase; threads add, the main thread reads."""

    def __init__(self):
        self.latencies = []
        self.errors = 0
        self.leaks = 0
        self.missing = 0
        self.lock = threading.Lock()

    def record(self, seconds, ok, leaks, missing):
        with self.lock:
            if ok:
                self.latencies.append(seconds)
            else:
                self.errors += 1
            self.leaks += leaks
            self.missing += missing

    def requests(self):
        return len(self.latencies) + self.errors

    def pct(self, p):
        """The p-th percentile of the successful latencies (nan if none)."""
        if not self.latencies:
            return float('nan')
        return stats.percentile(self.latencies, p)


def _get(http, url, allowed):
    """One request: (ok, leaks, missing)."""
    reply = traffic.fetch(http, url)
    try:
        if reply.status != 200:
            return False, 0, 0
        servers = reply.body['servers']
    except (TypeError, KeyError):
        return False, 0, 0
    if allowed:
        return True, 0, sum('host_status' not in s for s in servers)
    return True, sum('host_status' in s for s in servers), 0


# Block order: each arm is first once, and each arm's blocks sit on both
# sides of the other's.
ORDER = ('with filter', 'without filter', 'without filter', 'with filter',
         'with filter', 'without filter')


class Schedule(object):
    """Which arm the clients load at a moment, and whether it counts."""

    def __init__(self, seconds):
        self.start = time.monotonic()
        self.block = seconds * 2 / len(ORDER)
        self.until = self.start + len(ORDER) * (WARMUP + self.block)

    def at(self, t):
        """(arm, counted) at monotonic time ``t``, or None when over."""
        k, into = divmod(t - self.start, WARMUP + self.block)
        if k >= len(ORDER):
            return None
        return ORDER[int(k)], into >= WARMUP


API_PROCESSES = {'with filter': 'nova-api', 'without filter': layout.PLAIN_API}


def run_phase(token, allowed, seconds, profile=None, native=False):
    """Load both arms for ``seconds`` of counted time each.

    :param profile: a directory: record each nova-api with py-spy there,
        for the whole phase.
    """
    arms = {name: Arm() for name in ARMS}
    schedule = Schedule(seconds)
    samplers = []
    if profile is not None:
        for name, process in API_PROCESSES.items():
            out = profile / ('%s-%s.txt' % (
                'allowed' if allowed else 'not-allowed',
                name.replace(' ', '-')))
            samplers.append((out, pyspy.record(
                procs.pid(process), schedule.until - schedule.start, out,
                native=native)))
    sessions = [traffic.session(token, '2.16') for _ in range(CLIENTS)]

    def work(index):
        t0 = time.monotonic()
        now = schedule.at(t0)
        if now is None:
            return
        name, counted = now
        result = _get(sessions[index], ARMS[name] + '/servers/detail',
                      allowed)
        if counted:
            arms[name].record(time.monotonic() - t0, *result)
    threads = traffic.run_clients(
        CLIENTS, work, lambda: schedule.at(time.monotonic()) is None)
    traffic.join(threads, max(0, schedule.until - time.monotonic()) + 60)
    for out, sampler in samplers:
        sampler.wait(timeout=120)
        if out.exists():
            summary = pyspy.summary(out)
            out.with_suffix('.summary').write_text(summary + '\n')
    return arms


def boot_servers(owner):
    traffic.boot_servers(owner, PREFIX, [
        layout.COMPUTE_HOSTS[i % len(layout.COMPUTE_HOSTS)]
        for i in range(SERVERS)])


def report(results, seconds, n_servers):
    print()
    print('GET /servers/detail at 2.16, %d concurrent clients, %.0f s '
          'counted per arm and phase (blocks A B B A A B, %.0f s uncounted '
          'warm-up at each switch); owner with %d servers; each nova-api: '
          'uwsgi, 2 processes x 2 threads, 127.0.0.1'
          % (CLIENTS, seconds, WARMUP, n_servers))
    head = '%-15s %-17s %8s %7s %6s %8s %8s %8s' % (
        'arm', 'owner may see', 'requests', 'errors', 'leaks',
        'missing', 'p50 ms', 'p99 ms')
    print(head)
    print('-' * len(head))
    for allowed, arms in results.items():
        for name in ARMS:
            a = arms[name]
            print('%-15s %-17s %8d %7d %6s %8s %8.1f %8.1f' % (
                name, 'yes (policy line)' if allowed else 'no (default)',
                a.requests(), a.errors, '-' if allowed else a.leaks,
                a.missing if allowed else '-', a.pct(50) * 1000,
                a.pct(99) * 1000))
    print()
    for allowed, arms in results.items():
        w, wo = arms['with filter'], arms['without filter']
        print('owner %-11s p50 with/without %.2f, p99 with/without %.2f, '
              'requests with/without %.2f' % (
                  'allowed:' if allowed else 'not allowed:',
                  w.pct(50) / wo.pct(50), w.pct(99) / wo.pct(99),
                  w.requests() / max(1, wo.requests())))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('seconds', nargs='?', type=float, default=30.0,
                   help='counted seconds per arm and phase (at most 60)')
    p.add_argument('--control', action='store_true',
                   help='A/A run: :8774 restarted without the filter too, '
                        'to see the noise between two equal nova-apis')
    p.add_argument('--profile', metavar='DIR', default=None,
                   help='record both nova-apis with py-spy into DIR during '
                        'each phase')
    p.add_argument('--native', action='store_true',
                   help='with --profile: C frames too (py-spy --native)')
    args = p.parse_args(argv)
    seconds = max(1.0, min(args.seconds, 60.0))
    profile = None
    if args.profile:
        profile = pathlib.Path(args.profile).resolve()
        profile.mkdir(parents=True, exist_ok=True)
        pyspy.ensure()

    admin = client.connect(layout.ADMIN)
    owner = client.connect(layout.OWNER)
    policy.write(owner_line=False)
    scenario.heal(admin)
    boot_servers(owner)
    n_servers = len(list(owner.compute.servers()))
    token = client.session(layout.OWNER).get_token()

    results = {}
    if args.control:
        cloud.restart_api(plugin=False)
        print('CONTROL RUN: both nova-apis without the filter; the arm '
              'named "with filter" is :8774 without it')
    services.start_plain_api()
    try:
        # NOTE: an A/A control run showed the first counted block slower
        # than the rest (a nova-api's first requests fill its caches): both
        # arms get an uncounted round first.
        run_phase(token, False, 5)
        for allowed in (False, True):
            policy.write(owner_line=allowed)
            results[allowed] = run_phase(token, allowed, seconds, profile,
                                         args.native)
    finally:
        policy.write(owner_line=False)
        procs.stop(layout.PLAIN_API)
        if args.control:
            cloud.restart_api(plugin=True)
        scenario.delete_named(owner, PREFIX)

    report(results, seconds, n_servers)
    errors = sum(a.errors for arms in results.values()
                 for a in arms.values())
    leaks = sum(a.leaks for arms in results.values() for a in arms.values())
    missing = 0 if args.control else results[True]['with filter'].missing
    print('errors: %d; host_status leaked to a caller not allowed: %d; '
          'servers without host_status for an allowed caller (with filter): '
          '%d' % (errors, leaks, missing))
    print('The cloud is still running. Stop it with: '
          'python -m tools.minicloud down')
    return 1 if errors or leaks or missing else 0


if __name__ == '__main__':
    raise SystemExit(main())
