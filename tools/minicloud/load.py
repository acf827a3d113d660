"""A bounded load run: GET /servers/detail at 2.16, with and without filter.

16 client threads for a fixed time per phase, against the real nova-api
on 127.0.0.1; nova-api is restarted between the two arms with and without
the filter in its paste pipeline. In each arm two phases: the owner not
allowed to see host_status (nova's default policy; every response is
checked for a leaked host_status, goal 0), then allowed (the operator's
line; every server must carry host_status). Prints requests, errors,
p50, p99 and the with/without ratios. ``tox -e load [-- SECONDS]``.
"""

import argparse
import statistics
import threading
import time

import requests

from tools.minicloud import client
from tools.minicloud import cloud
from tools.minicloud import layout
from tools.minicloud import policy
from tools.minicloud import scenario

CLIENTS = 16
SERVERS = 8
PREFIX = 'load-'
WARMUP = 3.0


class Phase(object):
    """Counts of one timed phase; threads append, the main thread reads."""

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

    def pct(self, p):
        if not self.latencies:
            return float('nan')
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(round(p / 100.0 * len(lat))) - 1)]


def _worker(token, allowed, phase, until, warm_until):
    http = requests.Session()
    headers = {'X-Auth-Token': token,
               'OpenStack-API-Version': 'compute 2.16'}
    url = layout.COMPUTE_URL + '/servers/detail'
    while True:
        t0 = time.monotonic()
        if t0 >= until:
            return
        ok, leaks, missing = False, 0, 0
        try:
            resp = http.get(url, headers=headers, timeout=30)
            if resp.status_code == 200:
                servers = resp.json()['servers']
                ok = True
                for s in servers:
                    if allowed:
                        missing += 'host_status' not in s
                    else:
                        leaks += 'host_status' in s
        except (requests.RequestException, ValueError, KeyError):
            ok = False
        if t0 >= warm_until:
            phase.record(time.monotonic() - t0, ok, leaks, missing)


def run_phase(token, allowed, seconds):
    phase = Phase()
    start = time.monotonic()
    warm_until = start + WARMUP
    until = warm_until + seconds
    threads = [threading.Thread(target=_worker,
                                args=(token, allowed, phase, until,
                                      warm_until))
               for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + WARMUP + 60)
    return phase


def boot_servers(owner):
    have = [s for s in owner.compute.servers() if s.name.startswith(PREFIX)]
    made = []
    for i in range(len(have), SERVERS):
        host = layout.COMPUTE_HOSTS[i % len(layout.COMPUTE_HOSTS)]
        made.append(owner.compute.create_server(
            name='%s%d' % (PREFIX, i),
            image_id=owner.image.find_image('tiny').id,
            flavor_id=owner.compute.find_flavor('m1.tiny').id,
            networks='none', host=host))
    for s in made:
        owner.compute.wait_for_server(s, wait=180, interval=1)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('seconds', nargs='?', type=float, default=20.0,
                   help='timed seconds per phase (4 phases; at most 60)')
    args = p.parse_args(argv)
    seconds = min(args.seconds, 60.0)

    admin = client.connect(layout.ADMIN)
    owner = client.connect(layout.OWNER)
    policy.write(owner_line=False)
    scenario.heal(admin)
    boot_servers(owner)
    n_servers = len(list(owner.compute.servers()))
    token = client.session(layout.OWNER).get_token()

    results = {}
    try:
        for arm, plugin in (('with filter', True),
                            ('without filter', False)):
            cloud.restart_api(plugin)
            for allowed in (False, True):
                policy.write(owner_line=allowed)
                results[arm, allowed] = run_phase(token, allowed, seconds)
    finally:
        policy.write(owner_line=False)
        cloud.restart_api(True)
        scenario.delete_named(owner, PREFIX)

    print()
    print('GET /servers/detail at 2.16, %d clients, %.0f s per phase '
          '(after %.0f s warm-up), owner with %d servers, nova-api under '
          'uwsgi (2 processes x 2 threads) on 127.0.0.1'
          % (CLIENTS, seconds, WARMUP, n_servers))
    head = '%-15s %-17s %8s %7s %6s %8s %8s %8s' % (
        'arm', 'owner may see', 'requests', 'errors', 'leaks',
        'missing', 'p50 ms', 'p99 ms')
    print(head)
    print('-' * len(head))
    for (arm, allowed), ph in results.items():
        print('%-15s %-17s %8d %7d %6s %8s %8.1f %8.1f' % (
            arm, 'yes (policy line)' if allowed else 'no (default)',
            len(ph.latencies) + ph.errors, ph.errors,
            '-' if allowed else ph.leaks,
            ph.missing if allowed else '-',
            ph.pct(50) * 1000, ph.pct(99) * 1000))
    print()
    for allowed in (False, True):
        w, wo = results['with filter', allowed], \
            results['without filter', allowed]
        print('owner %s: p50 ratio with/without %.2f, p99 ratio %.2f, '
              'throughput ratio %.2f' % (
                  'allowed' if allowed else 'not allowed',
                  w.pct(50) / wo.pct(50), w.pct(99) / wo.pct(99),
                  len(w.latencies) / max(1, len(wo.latencies))))
    total_err = sum(ph.errors for ph in results.values())
    leaks = sum(ph.leaks for ph in results.values())
    print('errors: %d, host_status leaked to a caller not allowed: %d'
          % (total_err, leaks))
    mean = statistics.mean(results['with filter', True].latencies or [0])
    print('(mean latency with filter, owner allowed: %.1f ms)'
          % (mean * 1000))
    print('nova-api is back with the filter; the cloud is still running. '
          'Stop it with: python -m tools.minicloud down')
    return 1 if total_err or leaks else 0


if __name__ == '__main__':
    raise SystemExit(main())
