"""Takeover figures and a kill soak of host-status-notifier (not a test).

Three notifier processes (the console script's ``main()``, each in its own
process group) share two cells through a real redis-server, with a real
private RabbitMQ node and a shared SQLite state database, over nova's API
and cell databases on SQLite files: the fixtures of
``tests/notifier_processes.py``.

Each round, at a random moment:

1. a host of cell1 with SERVERS servers is forced down (the os-services
   API's write), and after a random delay of 0 to ``--max-delay`` seconds
   (so the kill lands anywhere: before the poll, while recording, while
   sending, before or after the commit) the instance that owns cell1 is
   killed with SIGKILL, parent and worker together;
2. *takeover* is the time from the kill to the moment another instance has
   taken cell1 (its epoch in the shared database went up: the new owner
   takes the cell at the top of a tick and polls it in that same tick);
3. *whole fault* is the time from the force-down to the owner's consumer
   having received the event of the host's last server;
4. checked every round: every server got the DOWN event, all copies of one
   server's event carry one event id, then the host is un-forced and every
   server gets exactly one UP event from the new owner; the killed
   instance is started again and the group settles before the next round.

    python benchmarks/notifier_ha_bench.py --rounds 30 --json out.json
"""

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests import notifier_processes as processes  # noqa: E402
from tools.minicloud import events  # noqa: E402
from tools import stats  # noqa: E402
from tools import waiting  # noqa: E402

SERVERS = 20
NAMES = ('a', 'b', 'c')


def summary(values):
    return stats.summary(values, percentiles=(50, 95, 99), digits=4)


class Soak(object):

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.rabbit = processes.RabbitNode()
        self.rabbit.setUp()
        self.redis = processes.RedisServer()
        self.redis.setUp()
        self.cloud = processes.Cloud(cells=2, hosts=2, servers=SERVERS)
        self.cloud.setUp()
        self.cloud.announcer = processes.Announcer(self.rabbit.url)
        self.state_url = 'sqlite:///%s' % os.path.join(workdir, 'state.db')
        self.state = processes.StateDB(self.state_url)
        self.consumer = events.EventWatcher(
            url=self.rabbit.url, topic=processes.TOPIC).start()
        self.notifiers = {}
        self.generation = 0
        for name in NAMES:
            self.start(name)

    def start(self, name):
        self.generation += 1
        self.notifiers[name] = processes.Notifier(
            self.workdir, '%s%d' % (name, self.generation), self.cloud,
            self.redis.url, self.rabbit.url, self.state_url,
            poll_interval=self.args.poll_interval,
            takeover_timeout=self.args.takeover_timeout)

    def owner(self, cell):
        _, owner, _ = self.state.cells()[cell]
        prefix = owner.split('.')[0]
        for name, n in self.notifiers.items():
            if n.name == prefix:
                return name
        raise RuntimeError('owner %s is none of ours' % owner)

    def settle(self):
        """Wait for every instance in the group and both cells settled.

        Settled: owned, epochs unchanged for two seconds. A kill then
        always leaves two live members.
        """
        for n in self.notifiers.values():
            waiting.wait_until(
                lambda n=n: 'Coordination started' in n.log_text(), 120,
                '%s joined' % n.name, interval=0.2)
        cells = set(self.cloud.cells.values())
        last = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            now = self.state.cells()
            if set(now) == cells and all(b for _, _, b in now.values()):
                if now == last:
                    return
                last = now
            time.sleep(2.0)
        raise RuntimeError('the group did not settle')

    def round(self):
        cell = self.cloud.cells['cell1']
        host = 'cell1-host%d' % random.randrange(2)
        servers = self.cloud.servers[host]
        victim = self.owner(cell)
        epoch = self.state.cells()[cell][0]
        alive = [n.name for n in self.notifiers.values() if n.alive()]
        if len(alive) != len(NAMES):
            raise RuntimeError('only %s alive' % alive)
        time.sleep(random.uniform(0, self.args.poll_interval))
        self.cloud.set_forced_down(host, True)
        forced = time.monotonic()
        time.sleep(random.uniform(0, self.args.max_delay))
        killed = time.monotonic()
        self.notifiers[victim].kill()
        waiting.wait_until(lambda: self.state.cells()[cell][0] > epoch,
                           60, 'takeover', interval=0.01)
        takeover = time.monotonic() - killed
        self.consumer.wait_all(servers, 'DOWN', 60)
        last = max(e['received'] for e in self.consumer.of(servers, 'DOWN'))
        whole = last - forced
        self.cloud.set_forced_down(host, False)
        self.consumer.wait_all(servers, 'UP', 60)
        time.sleep(0.5)
        downs = self.consumer.of(servers, 'DOWN')
        ups = self.consumer.of(servers, 'UP')
        ids_ok = all(len({e['event_id'] for e in downs if e['uuid'] == s})
                     == 1 for s in servers)
        self.consumer.clear()
        self.start(victim)
        self.settle()
        return {'takeover': takeover, 'whole_fault': whole,
                'kill_after_force_down': killed - forced,
                'down_copies': len(downs), 'up_copies': len(ups),
                'one_id_per_server': ids_ok,
                'every_server_notified': len({e['uuid'] for e in downs})
                == len(servers)}

    def close(self):
        for n in self.notifiers.values():
            n.stop()
        self.consumer.stop()
        self.cloud.cleanUp()
        self.redis.cleanUp()
        self.rabbit.cleanUp()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=30)
    parser.add_argument('--poll-interval', type=float, default=0.25)
    parser.add_argument('--takeover-timeout', type=int, default=3)
    parser.add_argument('--max-delay', type=float, default=0.6,
                        help='kill at most this long after the force-down')
    parser.add_argument('--json', help='write the figures here too')
    args = parser.parse_args()
    # NOTE: a SIGTERM (timeout, kill) still stops every process it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
    workdir = tempfile.mkdtemp(prefix='hsn-ha-bench-')
    started = time.monotonic()
    soak = None
    rounds = []
    try:
        soak = Soak(args, workdir)
        soak.settle()
        for i in range(args.rounds):
            r = soak.round()
            rounds.append(r)
            print('round %2d: takeover %.3f s, whole fault %.3f s, kill '
                  '%.3f s after the force-down, %d DOWN copies for %d '
                  'servers, ids ok %s' % (
                      i + 1, r['takeover'], r['whole_fault'],
                      r['kill_after_force_down'], r['down_copies'], SERVERS,
                      r['one_id_per_server']), flush=True)
    finally:
        if soak is not None:
            soak.close()
    figures = {
        'rounds': len(rounds), 'servers_on_the_host': SERVERS,
        'instances': len(NAMES), 'cells': 2,
        'poll_interval': args.poll_interval,
        'takeover_timeout': args.takeover_timeout,
        'takeover': summary([r['takeover'] for r in rounds]),
        'whole_fault': summary([r['whole_fault'] for r in rounds]),
        'duplicates': sum(r['down_copies'] - SERVERS for r in rounds),
        'rounds_with_duplicates': sum(r['down_copies'] > SERVERS
                                      for r in rounds),
        'all_notified': all(r['every_server_notified'] for r in rounds),
        'all_one_id_per_server': all(r['one_id_per_server'] for r in rounds),
        'ups_exactly_once': all(r['up_copies'] == SERVERS for r in rounds),
        'seconds': round(time.monotonic() - started, 1),
        'load_average': os.getloadavg(),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(figures, f, indent=2)
    ok = (figures['all_notified'] and figures['all_one_id_per_server']
          and figures['ups_exactly_once'])
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
