"""What one host-status-notifier instance costs as the cloud grows (a
benchmark, not a test): 1, 10 and 50 cells of 1000 compute hosts each.

nova's API database and one SQLite file per cell, with nova's schema; each
cell has ``--hosts`` nova-compute service records (fresh heartbeats) and
``--servers`` servers per host. The notifier's own parts run in this process
as in the service (watcher, emitter, the shared-state store on an SQLite
file, oslo.messaging's fake transport and a listener): for each size, one
instance that owns that many cells (what an instance among several would
own once the hash ring gave it those cells) measures

- a tick in steady state: wall time and CPU time (this process's
  ``time.process_time()``: every thread, nova's cell workers included), so
  the CPU of one instance polling every ``--poll-interval``;
- the cost of one poll of one cell (the tick's CPU over its cells);
- detection latency: a random host of a random owned cell is forced down at
  a random moment while the oslo.service loop polls, until the event of the
  host's last server is received.

From the tick's wall time it derives how many cells one instance polls
within the interval, hence how many instances keep the interval at each
size (the cells spread over instances by the hash ring).

    python benchmarks/notifier_scale_bench.py --cells 1,10,50 --json out.json
"""
# NOTE: first import: it sets nova's concurrency mode (native threads), as
# the console script does.
from host_status_ext.notifier import cmd  # noqa: F401,I100

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import nova.conf  # noqa: E402
from nova.db.api import api as api_db_api  # noqa: E402
from nova.db.api import models as api_models  # noqa: E402
from nova.db.main import api as main_db_api  # noqa: E402
from nova.db.main import models as main_models  # noqa: E402
from nova import objects  # noqa: E402
from oslo_log import log as logging  # noqa: E402
import oslo_messaging  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from host_status_ext.notifier import conf as notifier_conf  # noqa: E402
from host_status_ext.notifier import coordination  # noqa: E402
from host_status_ext.notifier import factory  # noqa: E402
from host_status_ext.notifier import objects as notifier_objects  # noqa
from host_status_ext.notifier import service  # noqa: E402

# The repository's tools (tools/stats.py): the benchmark runs as a script.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from tools import stats  # noqa: E402

CONF = nova.conf.CONF
TOPIC = 'hsn_scale'


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def summary(values):
    return stats.summary(values, percentiles=(50, 99), digits=4)


class Owned(coordination.SoloCoordinator):
    """The cells the hash ring would give this instance: the first N."""

    def __init__(self, cells):
        self.cells = set(cells)

    def cells_to_watch(self, cell_uuids):
        return self.cells & set(cell_uuids)


def make_cloud(workdir, ncells, hosts, servers):
    api_url = 'sqlite:///%s' % os.path.join(workdir, 'api.db')
    engine = sa.create_engine(api_url)
    api_models.BASE.metadata.create_all(engine)
    cells = []
    table = api_models.CellMapping.__table__
    now = utcnow()
    for i in range(ncells + 1):
        name = 'cell%d' % i
        url = 'sqlite:///%s' % os.path.join(workdir, name + '.db')
        cell_uuid = ('00000000-0000-0000-0000-000000000000' if i == 0
                     else str(uuid.uuid4()))
        with engine.begin() as conn:
            conn.execute(table.insert().values(
                uuid=cell_uuid, name=name, transport_url='none:///',
                database_connection=url))
        ce = sa.create_engine(url)
        main_models.BASE.metadata.create_all(ce)
        with ce.begin() as conn:
            conn.exec_driver_sql('PRAGMA journal_mode=WAL')
            if i:
                conn.execute(main_models.Service.__table__.insert(), [
                    {'host': '%s-h%04d' % (name, h), 'binary': 'nova-compute',
                     'topic': 'compute', 'report_count': 1,
                     'disabled': False, 'forced_down': False,
                     'last_seen_up': now, 'created_at': now,
                     'updated_at': now, 'deleted': 0,
                     'uuid': str(uuid.uuid4()), 'version': 66}
                    for h in range(hosts)])
                conn.execute(main_models.Instance.__table__.insert(), [
                    {'uuid': str(uuid.uuid4()),
                     'host': '%s-h%04d' % (name, h),
                     'project_id': 'p%d' % (s % 7), 'user_id': 'u',
                     'vm_state': 'active', 'power_state': 1, 'deleted': 0,
                     'created_at': now}
                    for h in range(hosts) for s in range(servers)])
        ce.dispose()
        if i:
            cells.append((cell_uuid, url))
    engine.dispose()
    return api_url, cells


class Listener(object):
    def __init__(self):
        self.cond = threading.Condition()
        self.events = []

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        with self.cond:
            self.events.append((time.monotonic(),
                                payload['nova_object.data']['uuid']))
            self.cond.notify_all()

    def wait(self, count, since, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.events) - since < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError('events missing')
                self.cond.wait(left)
            return self.events[since + count - 1][0]


def force(url, host, value):
    engine = sa.create_engine(url)
    table = main_models.Service.__table__
    for _ in range(200):
        try:
            with engine.begin() as conn:
                conn.execute(table.update().where(table.c.host == host)
                             .values(forced_down=value, updated_at=utcnow()))
            break
        except sa.exc.OperationalError:
            time.sleep(0.01)
    engine.dispose()


def measure(n, cells, args, transport, listener, workdir):
    owned = [c for c, _ in cells[:n]]
    CONF.set_override('connection', 'sqlite:///%s' % os.path.join(
        workdir, 'state-%d.db' % n), group='host_status_notifier')
    sender = factory.make_sender(CONF, transport)
    mgr = factory.make_manager(CONF, sender)
    mgr.coordinator = Owned(owned)
    mgr.tick()  # baselines
    mgr.tick()  # warm
    walls, cpus = [], []
    for _ in range(args.ticks):
        w, c = time.monotonic(), time.process_time()
        mgr.tick()
        walls.append(time.monotonic() - w)
        cpus.append(time.process_time() - c)
        time.sleep(0.05)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    # Detection latency with the real loop.
    svc = service.HostStatusNotifierService(mgr, args.poll_interval)
    svc.start()
    latencies = []
    try:
        for _ in range(args.reps):
            cell_uuid, url = random.choice(cells[:n])
            name = [m for m in range(len(cells)) if cells[m][0] == cell_uuid]
            host = 'cell%d-h%04d' % (name[0] + 1, random.randrange(
                args.hosts))
            time.sleep(random.uniform(0, args.poll_interval))
            with listener.cond:
                since = len(listener.events)
            force(url, host, True)
            t = time.monotonic()
            last = listener.wait(args.servers, since)
            latencies.append(last - t)
            with listener.cond:
                since = len(listener.events)
            force(url, host, False)
            listener.wait(args.servers, since)
    finally:
        svc.stop()
    per_instance = max(1, int(args.poll_interval / (wall / n)))
    per_core = max(1, int(args.poll_interval / (cpu / n)))
    return {'cells': n, 'hosts': n * args.hosts,
            'servers': n * args.hosts * args.servers,
            'tick_wall': summary(walls), 'tick_cpu': summary(cpus),
            'poll_cost_per_cell_cpu_ms': round(1000 * cpu / n, 2),
            'poll_cost_per_cell_wall_ms': round(1000 * wall / n, 2),
            'cpu_percent_one_instance_at_interval': round(
                100 * cpu / max(args.poll_interval, wall), 1),
            'keeps_interval_alone': wall <= args.poll_interval,
            'cells_per_instance_within_interval': per_instance,
            'instances_for_interval': math.ceil(n / per_instance),
            'cells_per_core_within_interval_by_cpu': per_core,
            'instances_for_interval_by_cpu': math.ceil(n / per_core),
            'detection_latency': summary(latencies)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cells', default='1,10,50')
    parser.add_argument('--hosts', type=int, default=1000)
    parser.add_argument('--servers', type=int, default=5,
                        help='servers per host')
    parser.add_argument('--ticks', type=int, default=20)
    parser.add_argument('--reps', type=int, default=10)
    parser.add_argument('--poll-interval', type=float, default=0.25)
    parser.add_argument('--json')
    args = parser.parse_args()
    sizes = [int(x) for x in args.cells.split(',')]
    workdir = tempfile.mkdtemp(prefix='hsn-scale-')
    notifier_conf.register_opts(CONF)
    logging.register_options(CONF)
    CONF([], project='nova', default_config_files=[])
    CONF.set_override('log_file', os.path.join(workdir, 'notifier.log'))
    logging.setup(CONF, 'hsn-scale')
    t = time.monotonic()
    api_url, cells = make_cloud(workdir, max(sizes), args.hosts,
                                args.servers)
    print('populated %d cells x %d hosts x %d servers in %.0f s' % (
        len(cells), args.hosts, args.servers, time.monotonic() - t),
        flush=True)
    CONF.set_override('connection', api_url, group='api_database')
    CONF.set_override('connection', cells[0][1], group='database')
    CONF.set_override('service_down_time', 3600)
    CONF.set_override('topics', [TOPIC], group='host_status_notifier')
    CONF.set_override('publisher_host', 'scale',
                      group='host_status_notifier')
    main_db_api.configure(CONF)
    api_db_api.configure(CONF)
    objects.register_all()
    transport = oslo_messaging.get_notification_transport(CONF,
                                                          url='fake:/')
    listener = Listener()
    server = oslo_messaging.get_notification_listener(
        transport, [oslo_messaging.Target(topic=TOPIC)], [listener],
        executor='threading')
    server.start()
    figures = {'hosts_per_cell': args.hosts,
               'servers_per_host': args.servers,
               'poll_interval': args.poll_interval,
               'database': 'SQLite files (WAL), one per cell',
               'cell_worker_thread_pool_size':
                   CONF.cell_worker_thread_pool_size,
               'sizes': []}
    try:
        for n in sizes:
            r = measure(n, cells, args, transport, listener, workdir)
            figures['sizes'].append(r)
            print(json.dumps(r), flush=True)
    finally:
        server.stop()
        server.wait()
    figures['load_average'] = os.getloadavg()
    print(json.dumps(figures, indent=2))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(figures, f, indent=2)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception:
        # NOTE: oslo.log owns stderr once set up; say what broke here.
        import traceback
        traceback.print_exc(file=sys.stdout)
        sys.exit(1)
