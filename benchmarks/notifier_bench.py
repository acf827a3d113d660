"""Figures of host-status-notifier (a benchmark, not a test).

What it measures, against nova's real objects, servicegroup DB driver and
database code on SQLite files (an API database and two cell databases of
50 compute hosts each, :class:`tests.notifier_processes.Cloud`), with a
real RabbitMQ (a private node on free ports unless ``--transport-url``
names one) and the notifier in a process of its own (the console script's
``main()``, with ``notifier_child.py``'s counters):

1. force-down -> last server's event received by a consumer, for hosts with
   1, 50 and 200 servers: the clock starts when the force-down write
   (``Service.save()`` with ``forced_down=True``, what nova's os-services API
   does, and which sends nova's ``service.update`` when nova's versioned
   notifications are on) has returned, and stops when the consumer has
   received the event of the host's last server;
2. nova's ``service.update`` received by the notifier -> the host's events
   sent (accepted by the broker), for the host of 1 server, from the
   notifier's own clock;
3. heartbeat lost -> UNKNOWN event received, measured from the host's last
   heartbeat (its ``last_seen_up``), beside ``service_down_time``;
4. the notifier's steady-state cost: its CPU and the SQL statements it sends
   per second, for 100 compute hosts in 2 cells, whose heartbeats this
   script writes every ``report_interval`` as nova's servicegroup DB
   driver does.

    python benchmarks/notifier_bench.py --reps 100
    python benchmarks/notifier_bench.py --nova-notifications off

"""
# NOTE: first import: it sets nova's concurrency mode (native threads), as
# the console script does.
from host_status_ext.notifier import cmd  # noqa: F401,I100

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import nova.conf  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova.db.api import api as api_db_api  # noqa: E402
from nova.db.main import api as main_db_api  # noqa: E402
from nova import objects  # noqa: E402
from nova import rpc  # noqa: E402
from oslo_log import log as logging  # noqa: E402
import oslo_messaging  # noqa: E402
import sqlalchemy  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import notifier_child  # noqa: E402

from host_status_ext.notifier import conf as notifier_conf  # noqa: E402
from host_status_ext import status  # noqa: E402
from tests import notifier_processes as processes  # noqa: E402
from tools.minicloud import events  # noqa: E402
from tools import stats  # noqa: E402

CONF = nova.conf.CONF
TOPIC = 'host_status_bench'
HOSTS_PER_CELL = 50
SIZES = (1, 50, 200)
SIZE_HOSTS = {1: 'cell1-host0', 50: 'cell1-host1', 200: 'cell2-host0'}
HEARTBEAT_HOST = 'cell2-host1'
HEARTBEAT_SERVERS = 5


def summary(values):
    return stats.summary(values, percentiles=(50, 95, 99), digits=4)


def set_forced_down(ctxt, cell, host, value):
    """The os-services API's write (and nova's notification of it).

    ``Service.save()`` as nova-api calls it; retried when SQLite says it is
    busy.
    """
    for attempt in range(50):
        try:
            with nova_context.target_cell(ctxt, cell) as cctxt:
                svc = objects.Service.get_by_compute_host(cctxt, host)
                svc.forced_down = value
                svc.save()
            return
        except sqlalchemy.exc.OperationalError:
            time.sleep(0.01)
    raise RuntimeError('could not write the service record of %s' % host)


class ChildNotifier(processes.Notifier):
    """host-status-notifier in a process of its own, with the counters."""

    def __init__(self, workdir, args, cloud, transport_url):
        self.count_file = os.path.join(workdir, 'counts.json')
        super().__init__(
            workdir, 'bench', cloud, None, transport_url, None,
            poll_interval=args.poll_interval,
            full_read_interval=args.full_read_interval,
            notifications=args.nova_notifications == 'on',
            service_down_time=args.service_down_time,
            report_interval=args.report_interval, topic=TOPIC,
            send_workers=args.send_workers,
            entry=[notifier_child.__file__, self.count_file])
        self.state_file = os.path.join(workdir, 'bench.state.json')

    def counts(self):
        deadline = time.monotonic() + 10
        while True:
            try:
                with open(self.count_file) as f:
                    return json.load(f)
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def update_to_sent(self, host, new, since, timeout=5):
        """Seconds from *host*'s wake-up to its change to *new* sent.

        By the notifier's clock, for the first wake-up after *since* (a
        monotonic time); None if it was not woken (notifications off).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = self.counts()
            woken = [t for h, t in counts['woken'] if h == host and t > since]
            sent = [t for h, n, t in counts['sent']
                    if h == host and n == new and t > since]
            if sent:
                return (sent[0] - woken[0]) if woken else None
            time.sleep(0.2)
        return None


def configure(args, cloud, transport_url, workdir):
    """nova's configuration in this process, as nova-api would have it."""
    notifier_conf.register_opts(CONF)
    logging.register_options(CONF)
    CONF([], project='nova', default_config_files=[])
    CONF.set_override('log_file', os.path.join(workdir, 'bench.log'))
    logging.setup(CONF, 'hsn-bench')
    CONF.set_override('connection', cloud.api_url, group='api_database')
    CONF.set_override('connection', cloud.url('cell1'), group='database')
    CONF.set_override('service_down_time', args.service_down_time)
    CONF.set_override('report_interval', args.report_interval)
    rpc.set_defaults(control_exchange='nova')
    # NOTE: making a transport registers [DEFAULT] transport_url and the
    # [oslo_messaging_notifications] options.
    oslo_messaging.get_notification_transport(CONF, url='fake:/').cleanup()
    CONF.set_override('transport_url', transport_url)
    # NOTE: nova's own notification of each Service.save(), on the broker,
    # as nova-api sends it (or not at all, with --nova-notifications off).
    on = args.nova_notifications == 'on'
    CONF.set_override('driver', ['messagingv2' if on else 'noop'],
                      group='oslo_messaging_notifications')
    CONF.set_override('notification_format',
                      'versioned' if on else 'unversioned',
                      group='notifications')
    main_db_api.configure(CONF)
    api_db_api.configure(CONF)
    objects.register_all()
    rpc.init(CONF)


def steady_state(args, notifier, consumer):
    before = notifier.counts()
    mark = consumer.mark()
    time.sleep(args.steady_seconds)
    after = notifier.counts()
    elapsed = after['time'] - before['time']
    return {
        'seconds': round(elapsed, 2),
        'statements': after['statements'] - before['statements'],
        'statements_per_second': round(
            (after['statements'] - before['statements']) / elapsed, 2),
        'selects_per_second': round(
            (after['selects'] - before['selects']) / elapsed, 2),
        'rounds': after['rounds'] - before['rounds'],
        'events_emitted': consumer.mark() - mark,
        'notifier_cpu_percent': round(
            100.0 * (after['cpu'] - before['cpu']) / elapsed, 2)}


def force_down_runs(args, ctxt, cells, cloud, notifier, consumer, size):
    host = SIZE_HOSTS[size]
    cell, uuids = cells[host.split('-')[0]], cloud.servers[host]
    latencies, update_to_sent = [], []
    for _ in range(args.reps):
        time.sleep(random.uniform(0.2, 0.5))
        mark = consumer.mark()
        started = time.monotonic()
        set_forced_down(ctxt, cell, host, True)
        returned = time.monotonic()
        last = consumer.wait_all(uuids, status.DOWN, 30, since=mark)
        latencies.append(last - returned)
        if size == 1:
            took = notifier.update_to_sent(host, status.DOWN, started)
            if took is not None:
                update_to_sent.append(took)
        mark = consumer.mark()
        set_forced_down(ctxt, cell, host, False)
        consumer.wait_all(uuids, status.UP, 30, since=mark)
    return latencies, update_to_sent


def heartbeat_runs(args, heartbeats, cloud, consumer):
    uuids = cloud.servers[HEARTBEAT_HOST]
    delays = []
    for _ in range(args.heartbeat_reps):
        mark = consumer.mark()
        # NOTE: the heartbeat thread may be writing right now; wait for one
        # interval so that last[] holds the host's real last heartbeat.
        heartbeats.stop_host(HEARTBEAT_HOST)
        time.sleep(args.report_interval + 0.5)
        last_beat = heartbeats.last[HEARTBEAT_HOST]
        received = consumer.wait_all(uuids, status.UNKNOWN,
                                     args.service_down_time + 30, since=mark)
        wall = time.time() - (time.monotonic() - received)
        delays.append(wall - last_beat.replace(
            tzinfo=datetime.timezone.utc).timestamp())
        mark = consumer.mark()
        heartbeats.start_host(HEARTBEAT_HOST)
        consumer.wait_all(uuids, status.UP, args.report_interval + 30,
                          since=mark)
    return delays


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--transport-url',
                        help='a RabbitMQ to use (default: a private node)')
    parser.add_argument('--reps', type=int, default=100,
                        help='force-down measurements per host size')
    parser.add_argument('--sizes', default=','.join(map(str, SIZES)),
                        help='servers on the forced-down host, among 1, 50 '
                             'and 200')
    parser.add_argument('--heartbeat-reps', type=int, default=5)
    parser.add_argument('--poll-interval', type=float, default=0.25)
    parser.add_argument('--full-read-interval', type=float, default=60)
    parser.add_argument('--nova-notifications', choices=('on', 'off'),
                        default='on')
    parser.add_argument('--service-down-time', type=int, default=10)
    parser.add_argument('--report-interval', type=int, default=2)
    parser.add_argument('--steady-seconds', type=float, default=30)
    parser.add_argument('--send-workers', type=int, default=8,
                        help="the notifier's [host_status_notifier] "
                             'send_workers')
    parser.add_argument('--workdir')
    parser.add_argument('--json', help='write the figures here too')
    args = parser.parse_args()

    workdir = args.workdir or tempfile.mkdtemp(prefix='hsn-bench-')
    rabbit = None
    transport_url = args.transport_url
    if not transport_url:
        rabbit = processes.RabbitNode()
        rabbit.setUp()
        transport_url = rabbit.url
    cloud = processes.Cloud(
        cells=2, hosts=HOSTS_PER_CELL, servers=0, directory=workdir,
        servers_on={h: n for n, h in SIZE_HOSTS.items()} | {
            HEARTBEAT_HOST: HEARTBEAT_SERVERS})
    cloud.setUp()
    configure(args, cloud, transport_url, workdir)
    ctxt = nova_context.get_admin_context()
    cells = {name: objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
             for name, cell_uuid in cloud.cells.items()}
    heartbeats = processes.Heartbeats(cloud.engines,
                                      args.report_interval).start()
    consumer = events.EventWatcher(url=transport_url, topic=TOPIC).start()
    notifier = ChildNotifier(workdir, args, cloud, transport_url)
    deadline = time.monotonic() + 60
    while not os.path.exists(notifier.state_file):
        if time.monotonic() > deadline:
            raise RuntimeError('the notifier did not record its baseline')
        time.sleep(0.05)
    time.sleep(2)  # let the listener bind and the cells settle

    figures = {'transport': transport_url.split(':')[0],
               'notifier': 'own process (console script main)',
               'nova_notifications': args.nova_notifications,
               'poll_interval': args.poll_interval,
               'full_read_interval': args.full_read_interval,
               'service_down_time': args.service_down_time,
               'report_interval': args.report_interval,
               'hosts': 2 * HOSTS_PER_CELL, 'cells': 2,
               'send_workers': args.send_workers,
               'reps': args.reps, 'load_before': os.getloadavg()}
    try:
        figures['steady_state'] = steady_state(args, notifier, consumer)
        print('steady state:', json.dumps(figures['steady_state']),
              flush=True)
        figures['force_down'] = {}
        for size in [int(x) for x in args.sizes.split(',') if x]:
            latencies, update_to_sent = force_down_runs(
                args, ctxt, cells, cloud, notifier, consumer, size)
            figures['force_down'][size] = summary(latencies)
            print('force-down, %3d servers:' % size,
                  json.dumps(figures['force_down'][size]), flush=True)
            if update_to_sent:
                figures['update_to_sent_1'] = summary(update_to_sent)
                print('service.update received -> sent, 1 server:',
                      json.dumps(figures['update_to_sent_1']), flush=True)
        delays = heartbeat_runs(args, heartbeats, cloud, consumer)
        if delays:
            figures['heartbeat_lost'] = summary(delays)
            figures['heartbeat_lost']['minus_service_down_time'] = summary(
                [d - args.service_down_time for d in delays])
            print('heartbeat lost -> UNKNOWN (s after the last heartbeat):',
                  json.dumps(figures['heartbeat_lost']), flush=True)
    finally:
        figures['load_after'] = os.getloadavg()
        notifier.stop()
        heartbeats.stop()
        consumer.stop()
        cloud.cleanUp()
        if rabbit is not None:
            rabbit.cleanUp()
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(figures, f, indent=2, sort_keys=True)
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, indent=2, sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main())
