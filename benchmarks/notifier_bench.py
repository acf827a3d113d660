"""Figures of host-status-notifier (a benchmark, not a test).

What it measures, against nova's real objects, servicegroup DB driver and
database code on SQLite files (an API database and two cell databases):

1. force-down -> last server's event received by a consumer, for hosts with
   1, 50 and 200 servers: the clock starts when the force-down write
   (``Service.save()`` with ``forced_down=True``, what nova's os-services API
   does) has returned, and stops when the consumer has received the event of
   the host's last server;
2. heartbeat lost -> UNKNOWN event received, measured from the host's last
   heartbeat (its ``last_seen_up``), beside ``service_down_time``;
3. the notifier's steady-state cost: the SQL statements it sends per second,
   for 100 compute hosts in 2 cells, counted with an SQLAlchemy event
   listener (the heartbeats of the 100 simulated computes go through a
   separate engine and are not counted).

The notifier runs in this process as it runs in its own: the oslo.service
Service with its poll thread, nova's native threading mode. The consumer is an
oslo.messaging notification listener in this script's process.

With a real broker (``--transport-url rabbit://...``) the notifier runs in a
process of its own, started through its console script's ``main()`` with a
generated configuration file (``notifier_child.py`` adds the counters); with
``fake:/`` (the default) it has to run inside this process, where it shares
the interpreter with the consumer, the heartbeats and the writes.

    python benchmarks/notifier_bench.py --transport-url \\
        rabbit://guest:guest@127.0.0.1:5672/ --reps 100

Servers and compute services are database records created through nova's
objects; the computes' heartbeats are written every ``report_interval`` by a
thread of this script, as nova's servicegroup DB driver writes them.
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
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import nova.conf  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova.db.api import api as api_db_api  # noqa: E402
from nova.db.api import models as api_models  # noqa: E402
from nova.db.main import api as main_db_api  # noqa: E402
from nova.db.main import models as main_models  # noqa: E402
from nova import objects  # noqa: E402
from nova import rpc  # noqa: E402
from oslo_log import log as logging  # noqa: E402
import oslo_messaging  # noqa: E402
import sqlalchemy  # noqa: E402
from sqlalchemy import event  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import notifier_child  # noqa: E402

from host_status_ext.notifier import conf as notifier_conf  # noqa: E402
from host_status_ext.notifier import factory  # noqa: E402
from host_status_ext.notifier import manager  # noqa: E402
from host_status_ext.notifier import objects as notifier_objects  # noqa: E402
from host_status_ext.notifier import service  # noqa: E402
from host_status_ext import status  # noqa: E402

# The repository's tools (tools/stats.py): the benchmark runs as a script.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from tools import stats  # noqa: E402

CONF = nova.conf.CONF
TOPIC = 'host_status_bench'
HOSTS_PER_CELL = 50
SIZES = (1, 50, 200)
HEARTBEAT_HOST = 'cell2-host001'
HEARTBEAT_SERVERS = 5


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def summary(values):
    return stats.summary(values, percentiles=(50, 95, 99), digits=4)


class Consumer(object):
    """Records every host_status event with its arrival time."""

    def __init__(self):
        self.cond = threading.Condition()
        self.events = []

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        if event_type != notifier_objects.EVENT_TYPE:
            return
        data = payload['nova_object.data']
        with self.cond:
            self.events.append((time.monotonic(), utcnow(), data['uuid'],
                                data['host_status']))
            self.cond.notify_all()

    def wait_all(self, uuids, new_status, since, timeout):
        """Wait until every uuid got *new_status* (after index *since*)."""
        wanted = set(uuids)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                got = {}
                for mono, wall, uid, st in self.events[since:]:
                    if uid in wanted and st == new_status:
                        got.setdefault(uid, (mono, wall))
                if len(got) == len(wanted):
                    return max(got.values())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError('only %d of %d %s events within %s s'
                                       % (len(got), len(wanted), new_status,
                                          timeout))
                self.cond.wait(left)

    def mark(self):
        with self.cond:
            return len(self.events)


class Heartbeats(object):
    """Heartbeats of the simulated computes.

    ``last_seen_up`` of every compute, every report_interval, as nova's
    servicegroup DB driver writes it, through an engine of its own.
    """

    def __init__(self, cell_urls, interval):
        self.engines = [sqlalchemy.create_engine(u) for u in cell_urls]
        self.hosts = []
        for engine in self.engines:
            with engine.connect() as conn:
                self.hosts.append([r[0] for r in conn.execute(
                    sqlalchemy.select(main_models.Service.__table__.c.host))])
        self.interval = interval
        self.paused = set()
        self.last = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def beat(self):
        now = utcnow()
        table = main_models.Service.__table__
        for engine, hosts in zip(self.engines, self.hosts):
            live = [h for h in hosts if h not in self.paused]
            with engine.begin() as conn:
                conn.execute(table.update()
                             .where(table.c.host.in_(live))
                             .values(last_seen_up=now, updated_at=now,
                                     report_count=table.c.report_count + 1))
            for h in live:
                self.last[h] = now

    def run(self):
        while not self.stop.wait(self.interval):
            self.beat()


def make_databases(workdir):
    """API DB and two cell DBs (plus cell0), schemas from nova's models."""
    urls = {name: 'sqlite:///%s' % os.path.join(workdir, name + '.db')
            for name in ('api', 'cell0', 'cell1', 'cell2')}
    engine = sqlalchemy.create_engine(urls['api'])
    api_models.BASE.metadata.create_all(engine)
    engine.dispose()
    for name in ('cell0', 'cell1', 'cell2'):
        engine = sqlalchemy.create_engine(urls[name])
        main_models.BASE.metadata.create_all(engine)
        # NOTE: WAL lets the notifier's reads, the heartbeats and the
        # force-down writes overlap, as they do on a real database server.
        with engine.connect() as conn:
            conn.exec_driver_sql('PRAGMA journal_mode=WAL')
        engine.dispose()
    return urls


def populate(ctxt, urls):
    """Cell mappings, 50 computes per cell, the servers of the test hosts."""
    cells = {}
    for name in ('cell0', 'cell1', 'cell2'):
        cm = objects.CellMapping(
            context=ctxt,
            uuid=(objects.CellMapping.CELL0_UUID if name == 'cell0'
                  else str(uuid.uuid4())),
            name=name, transport_url='none:///',
            database_connection=urls[name])
        cm.create()
        cells[name] = cm
    now = utcnow()
    for cell in ('cell1', 'cell2'):
        with nova_context.target_cell(ctxt, cells[cell]) as cctxt:
            for i in range(HOSTS_PER_CELL):
                svc = objects.Service(context=cctxt,
                                      host='%s-host%03d' % (cell, i),
                                      binary='nova-compute', topic='compute',
                                      report_count=0)
                svc.create()
                svc.last_seen_up = now
                svc.save()
    servers = {}
    hosts = {'cell1-host000': ('cell1', 1), 'cell1-host001': ('cell1', 50),
             'cell2-host000': ('cell2', 200),
             HEARTBEAT_HOST: ('cell2', HEARTBEAT_SERVERS)}
    for host, (cell, count) in hosts.items():
        with nova_context.target_cell(ctxt, cells[cell]) as cctxt:
            servers[host] = []
            for i in range(count):
                inst = objects.Instance(
                    context=cctxt, uuid=str(uuid.uuid4()), host=host,
                    project_id='project-%d' % (i % 7),
                    user_id='user-%d' % (i % 5), vm_state='active',
                    power_state=1, display_name='%s-%d' % (host, i))
                inst.create()
                servers[host].append(inst.uuid)
    return cells, servers


def set_forced_down(ctxt, cell, host, value):
    """The os-services API's write; retried when SQLite says it is busy."""
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


class InProcessNotifier(object):
    """The notifier's Service in this process (for the fake transport)."""

    def __init__(self, transport, ignored_engines):
        notifier_child.IGNORED.update(id(e) for e in ignored_engines)
        event.listen(sqlalchemy.engine.Engine, 'before_cursor_execute',
                     notifier_child.count)
        manager.HostStatusNotifierManager.tick = notifier_child.timed(
            manager.HostStatusNotifierManager.tick)
        mgr = factory.make_manager(
            CONF, factory.make_notifier(CONF, transport))
        self.svc = service.HostStatusNotifierService(
            mgr, CONF.host_status_notifier.poll_interval)
        self.svc.start()

    def counts(self):
        with notifier_child.LOCK:
            return dict(notifier_child.COUNTS, time=time.time(),
                        poll_seconds=list(notifier_child.COUNTS[
                            'poll_seconds']))

    def cpu_seconds(self):
        return None

    def stop(self):
        self.svc.stop()


class ChildNotifier(object):
    """host-status-notifier in a process of its own, from a config file."""

    def __init__(self, workdir, args, api_url):
        self.count_file = os.path.join(workdir, 'counts.json')
        config = os.path.join(workdir, 'host-status-notifier.conf')
        with open(config, 'w') as f:
            f.write(CHILD_CONFIG % {
                'transport_url': args.transport_url,
                'service_down_time': args.service_down_time,
                'report_interval': args.report_interval,
                'log_file': os.path.join(workdir, 'notifier.log'),
                'api_url': api_url,
                'poll_interval': args.poll_interval,
                'state_file': CONF.host_status_notifier.state_file,
                'topic': TOPIC})
        self.proc = subprocess.Popen(
            [sys.executable, notifier_child.__file__, self.count_file,
             '--config-file', config])

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

    def cpu_seconds(self):
        return self.counts()['cpu']

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


CHILD_CONFIG = """[DEFAULT]
transport_url = %(transport_url)s
service_down_time = %(service_down_time)d
report_interval = %(report_interval)d
log_file = %(log_file)s

[api_database]
connection = %(api_url)s

[host_status_notifier]
poll_interval = %(poll_interval)s
state_file = %(state_file)s
topics = %(topic)s
publisher_host = bench
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--transport-url', default='fake:/')
    parser.add_argument('--reps', type=int, default=100,
                        help='force-down measurements per host size')
    parser.add_argument('--sizes', default=','.join(map(str, SIZES)),
                        help='servers on the forced-down host, among 1, 50 '
                             'and 200')
    parser.add_argument('--heartbeat-reps', type=int, default=5)
    parser.add_argument('--poll-interval', type=float, default=0.25)
    parser.add_argument('--service-down-time', type=int, default=10)
    parser.add_argument('--report-interval', type=int, default=2)
    parser.add_argument('--steady-seconds', type=float, default=30)
    parser.add_argument('--workdir')
    parser.add_argument('--json', help='write the figures here too')
    args = parser.parse_args()

    workdir = args.workdir or tempfile.mkdtemp(prefix='hsn-bench-')
    notifier_conf.register_opts(CONF)
    logging.register_options(CONF)
    CONF([], project='nova', default_config_files=[])
    logging.setup(CONF, 'hsn-bench')
    urls = make_databases(workdir)
    CONF.set_override('connection', urls['api'], group='api_database')
    CONF.set_override('connection', urls['cell1'], group='database')
    CONF.set_override('service_down_time', args.service_down_time)
    CONF.set_override('report_interval', args.report_interval)
    CONF.set_override('poll_interval', args.poll_interval,
                      group='host_status_notifier')
    CONF.set_override('state_file', os.path.join(workdir, 'state.json'),
                      group='host_status_notifier')
    CONF.set_override('topics', [TOPIC], group='host_status_notifier')
    CONF.set_override('publisher_host', 'bench',
                      group='host_status_notifier')
    main_db_api.configure(CONF)
    api_db_api.configure(CONF)
    objects.register_all()
    ctxt = nova_context.get_admin_context()
    # NOTE: creating the transport registers [DEFAULT] transport_url, which
    # CellMapping reads.
    transport = oslo_messaging.get_notification_transport(
        CONF, url=args.transport_url)
    # NOTE: the writes this script makes as nova would (Service.create and
    # save) go through nova's rpc module for their own service.update
    # notifications; nova's default notification driver (none) drops them.
    CONF.set_override('transport_url', 'fake:/')
    rpc.init(CONF)

    t = time.monotonic()
    cells, servers = populate(ctxt, urls)
    print('populated 100 hosts, %d servers in %.1f s (%s)' % (
        sum(len(s) for s in servers.values()), time.monotonic() - t,
        workdir), flush=True)

    heartbeats = Heartbeats([urls['cell1'], urls['cell2']],
                            args.report_interval)
    heartbeats.beat()
    heartbeats.thread.start()

    consumer = Consumer()
    listener = oslo_messaging.get_notification_listener(
        transport, [oslo_messaging.Target(topic=TOPIC)], [consumer],
        executor='threading')
    listener.start()
    in_process = args.transport_url.startswith('fake:')
    if in_process:
        notifier = InProcessNotifier(transport, heartbeats.engines)
    else:
        notifier = ChildNotifier(workdir, args, urls['api'])
    deadline = time.monotonic() + 60
    while not os.path.exists(CONF.host_status_notifier.state_file):
        if time.monotonic() > deadline:
            raise RuntimeError('the notifier did not record its baseline')
        time.sleep(0.05)
    time.sleep(2)  # let the cell mapping cache and pools settle

    figures = {'transport': args.transport_url.split(':')[0],
               'notifier': 'in this process' if in_process
               else 'own process (console script main)',
               'poll_interval': args.poll_interval,
               'service_down_time': args.service_down_time,
               'report_interval': args.report_interval,
               'hosts': 2 * HOSTS_PER_CELL, 'cells': 2,
               'reps': args.reps}

    # 3. steady state: only the notifier's polls (and uncounted heartbeats).
    before = notifier.counts()
    cpu_before = notifier.cpu_seconds()
    mark = consumer.mark()
    time.sleep(args.steady_seconds)
    after = notifier.counts()
    cpu_after = notifier.cpu_seconds()
    elapsed = after['time'] - before['time']
    polls = after['polls'] - before['polls']
    figures['steady_state'] = {
        'seconds': round(elapsed, 2),
        'statements': after['statements'] - before['statements'],
        'statements_per_second': round(
            (after['statements'] - before['statements']) / elapsed, 2),
        'selects_per_second': round(
            (after['selects'] - before['selects']) / elapsed, 2),
        'polls': polls,
        'poll_duration': summary(after['poll_seconds'][-polls:]),
        'events_emitted': consumer.mark() - mark,
    }
    if cpu_before is not None:
        figures['steady_state']['notifier_cpu_percent'] = round(
            100.0 * (cpu_after - cpu_before) / elapsed, 2)
    print('steady state:', json.dumps(figures['steady_state']), flush=True)

    # 1. force-down -> last server's event.
    figures['force_down'] = {}
    size_hosts = {1: ('cell1', 'cell1-host000'),
                  50: ('cell1', 'cell1-host001'),
                  200: ('cell2', 'cell2-host000')}
    for size in [int(x) for x in args.sizes.split(',') if x]:
        cell_name, host = size_hosts[size]
        cell, uuids = cells[cell_name], servers[host]
        latencies = []
        for _ in range(args.reps):
            time.sleep(random.uniform(0, args.poll_interval))
            mark = consumer.mark()
            set_forced_down(ctxt, cell, host, True)
            returned = time.monotonic()
            last, _wall = consumer.wait_all(uuids, status.DOWN, mark, 30)
            latencies.append(last - returned)
            mark = consumer.mark()
            set_forced_down(ctxt, cell, host, False)
            consumer.wait_all(uuids, status.UP, mark, 30)
        figures['force_down'][size] = summary(latencies)
        print('force-down, %3d servers:' % size,
              json.dumps(figures['force_down'][size]), flush=True)

    # 2. heartbeat lost -> UNKNOWN event, from the last heartbeat.
    uuids = servers[HEARTBEAT_HOST]
    delays = []
    for _ in range(args.heartbeat_reps):
        mark = consumer.mark()
        heartbeats.paused.add(HEARTBEAT_HOST)
        # NOTE: the heartbeat thread may be writing right now; wait for one
        # interval so that last[] holds the host's real last heartbeat.
        time.sleep(args.report_interval + 0.5)
        last_beat = heartbeats.last[HEARTBEAT_HOST]
        _mono, wall = consumer.wait_all(uuids, status.UNKNOWN, mark,
                                        args.service_down_time + 30)
        delays.append((wall - last_beat).total_seconds())
        mark = consumer.mark()
        heartbeats.paused.discard(HEARTBEAT_HOST)
        consumer.wait_all(uuids, status.UP, mark, args.report_interval + 30)
    if delays:
        figures['heartbeat_lost'] = summary(delays)
        figures['heartbeat_lost']['minus_service_down_time'] = summary(
            [d - args.service_down_time for d in delays])
        print('heartbeat lost -> UNKNOWN (s after the last heartbeat):',
              json.dumps(figures['heartbeat_lost']), flush=True)

    notifier.stop()
    heartbeats.stop.set()
    listener.stop()
    listener.wait()
    transport.cleanup()
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(figures, f, indent=2, sort_keys=True)
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, indent=2, sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main())
