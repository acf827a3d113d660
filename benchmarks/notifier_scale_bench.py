"""What one host-status-notifier instance costs as the cloud grows (a
benchmark, not a test): 1 cell of 1000 hosts, 1 of 10 000, 50 of 1000.

For each size, in a process of its own: nova's API database and one SQLite
file per cell with nova's schema (:class:`tests.notifier_processes.Cloud`),
``--servers`` servers per host, and the computes' heartbeats written by
another process every ``--report-interval`` seconds, as nova's
servicegroup DB driver writes them (``--service-down-time`` is the
notifier's). The notifier runs in the benchmark's process as in its own:
its oslo.service Service (upkeep thread, a worker thread per cell, the
listener of nova's service notifications), the shared-state store on an
SQLite file, a private RabbitMQ node for nova's notifications and its
events, one instance that owns every cell (what an instance among several
would own once the hash ring gave it those cells). It measures:

- the steady state: this process's CPU time (``time.process_time()``,
  every thread) over ``--steady-seconds`` while nothing changes but the
  heartbeats, as a percentage of one core; by default two
  ``full_read_interval`` long, so that every cell's full reads and its
  heartbeat deadlines fall inside;
- detection latency: a random host of a random cell is forced down (its
  record written, then nova's ``service.update`` sent as nova-api sends
  it) at a random moment, until the event of the host's last server is
  received.

    python benchmarks/notifier_scale_bench.py --sizes 1x1000,1x10000,50x1000 \\
        --json out.json
"""
# NOTE: first import: it sets nova's concurrency mode (native threads), as
# the console script does.
from host_status_ext.notifier import cmd  # noqa: F401,I100

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import nova.conf  # noqa: E402
import sqlalchemy as sa  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import notifier_bench  # noqa: E402

from host_status_ext.notifier import factory  # noqa: E402
from host_status_ext.notifier import migration  # noqa: E402
from host_status_ext.notifier import shared_state  # noqa: E402
from tests import notifier_processes as processes  # noqa: E402
from tools.minicloud import events  # noqa: E402
from tools import waiting  # noqa: E402

CONF = nova.conf.CONF
TOPIC = 'hsn_scale'


def beat(interval, marker, urls):
    """The heartbeat process: every host of every cell, until killed.

    Creates *marker* once every host has had its first heartbeat.
    """
    engines = {'cell%d' % i: sa.create_engine(u) for i, u in enumerate(urls)}
    heartbeats = processes.Heartbeats(engines, interval)
    heartbeats.start()
    open(marker, 'w').close()
    heartbeats.thread.join()


def measure(args, workdir, transport_url):
    ncells, hosts = [int(x) for x in args.one.split('x')]
    t = time.monotonic()
    cloud = processes.Cloud(cells=ncells, hosts=hosts, servers=args.servers,
                            directory=workdir)
    cloud.setUp()
    print('%s: %d cells x %d hosts x %d servers in %.0f s' % (
        args.one, ncells, hosts, args.servers, time.monotonic() - t),
        flush=True)
    marker = os.path.join(workdir, 'beating')
    beating = subprocess.Popen(
        [sys.executable, __file__, '--beat', str(args.report_interval),
         marker] + [cloud.url(name) for name in sorted(cloud.engines)])
    try:
        # NOTE: the records were written with the cloud, minutes ago for
        # the first cells of a large one: heartbeats first, or the
        # notifier's first reads find them UNKNOWN.
        waiting.wait_until(lambda: os.path.exists(marker), 300,
                           'the first heartbeats', interval=0.2)
        return _measure(args, cloud, workdir, transport_url, ncells, hosts)
    finally:
        beating.kill()
        beating.wait()


def _measure(args, cloud, workdir, transport_url, ncells, hosts):
    args.nova_notifications = 'on'
    notifier_bench.configure(args, cloud, transport_url, workdir)
    opts = 'host_status_notifier'
    state_url = 'sqlite:///%s' % os.path.join(workdir, 'state.db')
    engine = shared_state.make_engine(state_url)
    migration.upgrade(engine)
    engine.dispose()
    CONF.set_override('connection', state_url,
                      group='host_status_notifier_database')
    CONF.set_override('topics', [TOPIC], group=opts)
    CONF.set_override('publisher_host', 'scale', group=opts)
    CONF.set_override('full_read_interval', args.full_read_interval,
                      group=opts)
    mgr = factory.make_manager(CONF, factory.make_sender(CONF))
    svc = factory.make_service(CONF, mgr)
    consumer = events.EventWatcher(url=transport_url, topic=TOPIC).start()
    cloud.announcer = processes.Announcer(transport_url)
    svc.start()
    try:
        waiting.wait_until(
            lambda: len(mgr.workers) == ncells and all(
                w.state.baselined for w in mgr.workers.values()),
            600, 'every cell baselined', interval=0.5)
        time.sleep(5)
        mark = consumer.mark()
        wall, cpu = time.monotonic(), time.process_time()
        time.sleep(args.steady_seconds)
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        steady_events = consumer.mark() - mark
        latencies = []
        for _ in range(args.reps):
            cell = random.randrange(1, ncells + 1)
            host = 'cell%d-host%d' % (cell, random.randrange(hosts))
            servers = cloud.servers[host]
            time.sleep(random.uniform(0.5, 1.5))
            mark = consumer.mark()
            cloud.set_forced_down(host, True)
            forced = time.monotonic()
            last = consumer.wait_all(servers, 'DOWN', 60, since=mark)
            latencies.append(last - forced)
            mark = consumer.mark()
            cloud.set_forced_down(host, False)
            consumer.wait_all(servers, 'UP', 60, since=mark)
    finally:
        svc.stop()
        consumer.stop()
        cloud.announcer.cleanup()
    return {'size': args.one, 'cells': ncells, 'hosts': ncells * hosts,
            'servers': ncells * hosts * args.servers,
            'steady_seconds': round(wall, 1),
            'cpu_seconds': round(cpu, 2),
            'cpu_percent_of_a_core': round(100 * cpu / wall, 2),
            'events_during_steady_state': steady_events,
            'detection_latency': notifier_bench.summary(latencies),
            'load_average': os.getloadavg()}


def main():
    if sys.argv[1:2] == ['--beat']:
        return beat(float(sys.argv[2]), sys.argv[3], sys.argv[4:])
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default='1x1000,1x10000,50x1000',
                        help='cells x hosts per cell, comma-separated')
    parser.add_argument('--servers', type=int, default=5,
                        help='servers per host')
    parser.add_argument('--reps', type=int, default=10)
    parser.add_argument('--report-interval', type=int, default=10)
    parser.add_argument('--service-down-time', type=int, default=60)
    parser.add_argument('--full-read-interval', type=float, default=60)
    parser.add_argument('--steady-seconds', type=float, default=120)
    parser.add_argument('--transport-url')
    parser.add_argument('--one', help=argparse.SUPPRESS)
    parser.add_argument('--workdir', help='with --one: keep the files '
                        '(the notifier\'s log among them) there')
    parser.add_argument('--json')
    args = parser.parse_args()
    if args.one:
        workdir = args.workdir or tempfile.mkdtemp(prefix='hsn-scale-')
        try:
            result = measure(args, workdir, args.transport_url)
        finally:
            if not args.workdir:
                shutil.rmtree(workdir, ignore_errors=True)
        with open(args.json, 'w') as f:
            json.dump(result, f)
        return 0
    rabbit = processes.RabbitNode()
    rabbit.setUp()
    figures = {'servers_per_host': args.servers,
               'report_interval': args.report_interval,
               'service_down_time': args.service_down_time,
               'full_read_interval': args.full_read_interval,
               'database': 'SQLite files (WAL), one per cell',
               'sizes': []}
    try:
        for size in args.sizes.split(','):
            out = tempfile.mktemp(prefix='hsn-scale-', suffix='.json')
            subprocess.run(
                [sys.executable, __file__, '--one', size, '--json', out,
                 '--transport-url', rabbit.url] + [
                    '--%s=%s' % (k.replace('_', '-'), getattr(args, k))
                    for k in ('servers', 'reps', 'report_interval',
                              'service_down_time', 'full_read_interval',
                              'steady_seconds')], check=True)
            with open(out) as f:
                figures['sizes'].append(json.load(f))
            os.unlink(out)
            print(json.dumps(figures['sizes'][-1]), flush=True)
    finally:
        rabbit.cleanUp()
    print(json.dumps(figures, indent=2))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(figures, f, indent=2)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception:
        # NOTE: oslo.log owns stderr once set up; say what broke here.
        import traceback
        traceback.print_exc(file=sys.stdout)
        sys.exit(1)
