"""Real processes for the notifier's tests and benchmarks: redis, etcd,
RabbitMQ, nova's databases on SQLite files, and host-status-notifiers.

The one home of these for the functional tests, the benchmarks and the
scale simulation (outside ``tests.functional``, whose import applies nova's
test-time patching). Nothing here is faked: the backends are Debian's
redis-server, etcd and rabbitmq-server, started on free loopback ports in a
temporary directory (a private RabbitMQ node, so the system's node is never
touched); the notifiers are the console script's ``main()`` in processes of
their own, reading generated configuration files; nova's API and cell
databases are SQLite files with nova's own schema, shared by the processes.
The caller writes the compute service records as nova's os-services API
would, sends nova's ``service.update`` as nova-api does
(:class:`Announcer`), beats the computes' hearts (:class:`Heartbeats`), and
listens on the broker as a consumer would
(:class:`tools.minicloud.events.EventWatcher`).
"""

import datetime
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest
import uuid

import fixtures
from nova.db.api import models as api_models
from nova.db.main import models as main_models
from oslo_config import cfg
import oslo_messaging
import sqlalchemy as sa

from host_status_ext.notifier import migration
from tools import waiting

TOPIC = 'hsn_ha_test'
CELL0_UUID = '00000000-0000-0000-0000-000000000000'


HA_BINARIES = ('redis-server', 'etcd', 'rabbitmq-server')


def in_ci():
    """Whether this run is CI's (``CI=true``, as CI systems set it)."""
    return os.environ.get('CI', '').lower() in ('true', '1', 'yes')


def need_ha_binaries():
    """Skip unless redis, etcd and RabbitMQ are installed; fail in CI."""
    # NOTE: .ci/run installs them; a developer's machine may lack them,
    # and skips. In CI (CI=true) a missing one fails the run: a skip
    # there would hide the whole suite behind "0 failed".
    missing = [binary for binary in HA_BINARIES if not shutil.which(binary)]
    if missing:
        reason = ('%s not installed (Debian: redis-server, etcd-server, '
                  'rabbitmq-server)' % ', '.join(missing))
        if in_ci():
            raise AssertionError('CI=true and ' + reason)
        raise unittest.SkipTest(reason)


class RabbitPerClass(object):
    """A mixin for a test case: one private RabbitMQ node for its class.

    Starting a node takes seconds, so the class shares one
    (``cls.rabbit``); each test uses queues of its own.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        need_ha_binaries()
        cls.rabbit = RabbitNode()
        cls.rabbit.setUp()

    @classmethod
    def tearDownClass(cls):
        cls.rabbit.cleanUp()
        super().tearDownClass()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _port_open(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return True
    except OSError:
        return False


def terminate(proc, timeout=10):
    """SIGTERM *proc*; SIGKILL it if it is still there after *timeout*."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class RedisServer(fixtures.Fixture):
    """redis-server on a free port, no persistence, in a temp dir."""

    def _setUp(self):
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.port = free_port()
        self.url = 'redis://127.0.0.1:%d' % self.port
        self.proc = subprocess.Popen(
            ['redis-server', '--port', str(self.port), '--bind', '127.0.0.1',
             '--dir', self.dir, '--save', '', '--appendonly', 'no'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(self._stop)
        waiting.wait_until(lambda: _port_open(self.port), 20, 'redis-server')

    def _stop(self):
        terminate(self.proc)


class EtcdServer(fixtures.Fixture):
    """Debian's etcd (3.4) on free ports, its data in a temp dir.

    tooz's etcd3gw driver talks to its grpc-gateway (``/v3``).
    """

    def _setUp(self):
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.port = free_port()
        peer = free_port()
        self.url = 'etcd3+http://127.0.0.1:%d' % self.port
        self.proc = subprocess.Popen(
            ['etcd', '--data-dir', os.path.join(self.dir, 'data'),
             '--name', 'hsn-test',
             '--listen-client-urls', 'http://127.0.0.1:%d' % self.port,
             '--advertise-client-urls', 'http://127.0.0.1:%d' % self.port,
             '--listen-peer-urls', 'http://127.0.0.1:%d' % peer,
             '--initial-advertise-peer-urls', 'http://127.0.0.1:%d' % peer,
             '--initial-cluster', 'hsn-test=http://127.0.0.1:%d' % peer],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(self._stop)
        waiting.wait_until(lambda: _port_open(self.port), 30, 'etcd')

    def _stop(self):
        terminate(self.proc)


class RabbitNode(fixtures.Fixture):
    """A private RabbitMQ node on free ports; can be stopped and started."""

    def _setUp(self):
        self.dir = self.useFixture(fixtures.TempDir()).path
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.name = 'hsnha%d@localhost' % self.port
        self.url = 'rabbit://guest:guest@127.0.0.1:%d/' % self.port
        self.env = dict(
            os.environ, RABBITMQ_NODENAME=self.name,
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(free_port()),
            RABBITMQ_NODE_IP_ADDRESS='127.0.0.1',
            ERL_EPMD_ADDRESS='127.0.0.1',
            RABBITMQ_MNESIA_BASE=os.path.join(self.dir, 'mnesia'),
            RABBITMQ_LOG_BASE=os.path.join(self.dir, 'log'),
            RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(self.dir, 'plugins'),
            RABBITMQ_PID_FILE=os.path.join(self.dir, 'pid'),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=(
                '-kernel inet_dist_use_interface {127,0,0,1}'))
        for d in ('mnesia', 'log'):
            os.makedirs(os.path.join(self.dir, d))
        with open(os.path.join(self.dir, 'plugins'), 'w') as f:
            f.write('[].\n')
        if os.geteuid() == 0:
            shutil.chown(self.dir, 'rabbitmq', 'rabbitmq')
            for root, dirs, files in os.walk(self.dir):
                for n in dirs + files:
                    shutil.chown(os.path.join(root, n), 'rabbitmq',
                                 'rabbitmq')
        self.proc = None
        self.addCleanup(self.stop)
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            ['rabbitmq-server'], env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        subprocess.run(['rabbitmqctl', '-n', self.name, '-q', '-t', '120',
                        'wait', os.path.join(self.dir, 'pid')],
                       env=self.env, check=True, capture_output=True,
                       timeout=150)

    def stop(self):
        if self.proc is None:
            return
        subprocess.run(['rabbitmqctl', '-n', self.name, '-q', 'stop',
                        os.path.join(self.dir, 'pid')], env=self.env,
                       capture_output=True, timeout=60)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


class Announcer(object):
    """Sends nova's ``service.update`` as nova-api sends it after a write.

    The payload is nova's own ``ServiceStatusPayload`` of the record, on
    ``versioned_notifications.info``, exchange ``nova``, publisher
    ``nova-api:<host>``. ``retry=0``: a broker that is down costs one
    failed attempt (logged and dropped by oslo.messaging, as in nova).
    """

    def __init__(self, url):
        from nova import objects
        objects.register_all()
        # NOTE: nova's exchange, as nova.config sets it in nova's services.
        oslo_messaging.set_transport_defaults(control_exchange='nova')
        conf = cfg.ConfigOpts()
        conf([], project='hsn-announcer', default_config_files=[],
             default_config_dirs=[])
        self.transport = oslo_messaging.get_notification_transport(
            conf, url=url)
        self.notifier = oslo_messaging.Notifier(
            self.transport, driver='messagingv2', retry=0,
            topics=['versioned_notifications'], publisher_id='nova-api:test')

    def announce(self, record, event_type='service.update'):
        """Send nova's notification of a service *record* (a dict)."""
        from nova.notifications.objects import base as notification_base
        from nova.notifications.objects import service as service_payload
        from nova import objects
        svc = objects.Service(
            host=record['host'], binary='nova-compute', topic='compute',
            report_count=1, disabled=bool(record.get('disabled')),
            disabled_reason=None, availability_zone=None,
            last_seen_up=None, forced_down=bool(record.get('forced_down')),
            uuid=record.get('uuid') or str(uuid.uuid4()))
        # NOTE: what ServiceStatusPayload(svc) does, without asking nova's
        # rpc module (not set up in this process) whether it may.
        cls = service_payload.ServiceStatusPayload
        payload = cls.__new__(cls)
        notification_base.NotificationPayloadBase.__init__(payload)
        for field, (_, attr) in cls.SCHEMA.items():
            setattr(payload, field, getattr(svc, attr))
        payload.obj_reset_changes(recursive=True)
        self.notifier.info({}, event_type, payload.obj_to_primitive())

    def cleanup(self):
        self.transport.cleanup()


class HungDatabase(fixtures.Fixture):
    """A MySQL URL whose server accepts connections and never answers.

    What a SIGSTOPped mariadbd looks like to a client: the kernel accepts
    the TCP connection, and nothing ever comes back.
    """

    def _setUp(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.addCleanup(self.sock.close)
        self.url = 'mysql+pymysql://nova:nova@127.0.0.1:%d/nova' % (
            self.sock.getsockname()[1])


class Cloud(fixtures.Fixture):
    """nova's API database and CELLS cell databases, on SQLite files.

    The tests', the benchmarks' and the scale simulation's cloud: each cell
    ``cellN`` has HOSTS compute services ``cellN-hostM`` (fresh heartbeats),
    each with SERVERS servers (``servers_on`` gives some hosts a number of
    their own); ``hung_cells`` more cells have a database that never
    answers. The service records are written as nova's os-services API
    writes them.

    :param directory: where the files go (a temporary one by default).
    """

    def __init__(self, cells=2, hosts=2, servers=3, hung_cells=0,
                 servers_on=None, directory=None):
        super().__init__()
        self.ncells, self.nhosts, self.nservers = cells, hosts, servers
        self.nhung = hung_cells
        self.servers_on = dict(servers_on or {})
        self.directory = directory
        self.announcer = None

    def _setUp(self):
        self.dir = self.directory or self.useFixture(fixtures.TempDir()).path
        self.api_url = self.url('api')
        engine = sa.create_engine(self.api_url)
        api_models.BASE.metadata.create_all(engine)
        self.cells = {}
        self.engines = {}
        self.servers = {}
        with engine.begin() as conn:
            table = api_models.CellMapping.__table__
            for name in ['cell0'] + ['cell%d' % i
                                     for i in range(1, self.ncells + 1)]:
                cell_uuid = CELL0_UUID if name == 'cell0' \
                    else str(uuid.uuid4())
                conn.execute(table.insert().values(
                    uuid=cell_uuid, name=name, transport_url='none:///',
                    database_connection=self.url(name)))
                self._make_cell(name)
                if name != 'cell0':
                    self.cells[name] = cell_uuid
            for i in range(self.nhung):
                name = 'hung%d' % (i + 1)
                self.cells[name] = str(uuid.uuid4())
                conn.execute(table.insert().values(
                    uuid=self.cells[name], name=name,
                    transport_url='none:///',
                    database_connection=self.useFixture(
                        HungDatabase()).url))
        engine.dispose()

    def url(self, name):
        return 'sqlite:///%s' % os.path.join(self.dir, name + '.db')

    def _make_cell(self, name):
        engine = sa.create_engine(self.url(name))
        main_models.BASE.metadata.create_all(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql('PRAGMA journal_mode=WAL')
        if name == 'cell0':
            engine.dispose()
            return
        self.engines[name] = engine
        now = utcnow()
        hosts = ['%s-host%d' % (name, h) for h in range(self.nhosts)]
        records, servers = [], []
        for host in hosts:
            records.append(dict(
                host=host, binary='nova-compute', topic='compute',
                report_count=1, disabled=False, forced_down=False,
                last_seen_up=now, created_at=now, updated_at=now,
                deleted=0, uuid=str(uuid.uuid4()), version=66))
            self.servers[host] = [
                str(uuid.uuid4()) for _ in range(
                    self.servers_on.get(host, self.nservers))]
            servers.extend(dict(
                uuid=server, host=host, project_id='project-%d' % (s % 7),
                user_id='user', vm_state='active', power_state=1,
                deleted=0, created_at=now)
                for s, server in enumerate(self.servers[host]))
        with engine.begin() as conn:
            if records:
                conn.execute(main_models.Service.__table__.insert(), records)
            if servers:
                conn.execute(main_models.Instance.__table__.insert(),
                             servers)

    def set_forced_down(self, host, value, announce=True):
        """The os-services API's write, then its notification.

        :param announce: send nova's ``service.update`` after the write,
            as nova-api does (when ``announcer`` is set).
        """
        self.write(host, forced_down=value)
        if announce and self.announcer is not None:
            self.announcer.announce({'host': host, 'forced_down': value})

    def write(self, host, **values):
        """Change a service record; retried while SQLite is busy."""
        cell = host.split('-')[0]
        services = main_models.Service.__table__
        for _ in range(100):
            try:
                with self.engines[cell].begin() as conn:
                    conn.execute(services.update()
                                 .where(services.c.host == host)
                                 .values(updated_at=utcnow(), **values))
                return
            except sa.exc.OperationalError:
                time.sleep(0.02)
        raise AssertionError('could not write the record of %s' % host)


class Heartbeats(object):
    """nova-compute's heartbeats, as nova's servicegroup DB driver writes.

    ``last_seen_up`` of every live host, every *interval* seconds.

    :param engines: ``{cell name: engine}`` of the cells to beat in.
    """

    def __init__(self, engines, interval):
        self.engines = dict(engines)
        self.interval = interval
        self.paused = set()
        self.last = {}
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def beat(self):
        now = utcnow()
        table = main_models.Service.__table__
        for engine in self.engines.values():
            with engine.connect() as conn:
                hosts = [r[0] for r in conn.execute(
                    sa.select(table.c.host))]
            with self.lock:
                live = [h for h in hosts if h not in self.paused]
            for _ in range(100):
                try:
                    with engine.begin() as conn:
                        conn.execute(table.update()
                                     .where(table.c.host.in_(live))
                                     .values(last_seen_up=now,
                                             report_count=(
                                                 table.c.report_count + 1)))
                    break
                except sa.exc.OperationalError:
                    time.sleep(0.01)
            with self.lock:
                for h in live:
                    self.last[h] = now

    def stop_host(self, host):
        """Stop *host*'s heartbeat; return when it last beat."""
        with self.lock:
            self.paused.add(host)
            return self.last.get(host)

    def start_host(self, host):
        with self.lock:
            self.paused.discard(host)

    def _run(self):
        while not self._stop.wait(self.interval):
            self.beat()

    def start(self):
        self.beat()
        self.thread.start()
        return self

    def stop(self):
        self._stop.set()
        self.thread.join()


def notifier_config(sections):
    """An ini file's text from ``{section: {option: value}}``."""
    out = []
    for name, opts in sections.items():
        out.append('[%s]' % name)
        out.extend('%s = %s' % kv for kv in opts.items() if kv[1] is not None)
        out.append('')
    return '\n'.join(out)


class Notifier(object):
    """One host-status-notifier process (the console script's main).

    :param redis_url: the coordination backend, or None for one instance.
    :param state_url: the shared database, or None for a state file.
    :param entry: what ``python`` runs instead of the console script's
        module (a benchmark's wrapper of main, with its arguments).
    """

    def __init__(self, workdir, name, cloud, redis_url, rabbit_url,
                 state_url, fault=None, fault_once=None, poll_interval=0.1,
                 takeover_timeout=2, send_timeout=2.0, notifications=True,
                 full_read_interval=60, cell_timeout=10,
                 service_down_time=3600, report_interval=10, topic=TOPIC,
                 send_workers=1, entry=None):
        self.name = name
        self.publisher_id = 'host-status-notifier:%s' % name
        self.log = os.path.join(workdir, '%s.log' % name)
        self.config = os.path.join(workdir, '%s.conf' % name)
        with open(self.config, 'w') as f:
            f.write(notifier_config({
                'DEFAULT': {'transport_url': rabbit_url,
                            'service_down_time': service_down_time,
                            'report_interval': report_interval,
                            'log_file': self.log},
                'api_database': {'connection': cloud.api_url},
                'oslo_messaging_rabbit': {'rabbit_retry_interval': 1},
                # nova's own notification settings, as the notifier reads
                # them in nova.conf.
                'oslo_messaging_notifications': {
                    'driver': 'messagingv2' if notifications else 'noop'},
                'notifications': {
                    'notification_format': 'versioned' if notifications
                    else 'unversioned'},
                'host_status_notifier': {
                    'poll_interval': poll_interval,
                    'full_read_interval': full_read_interval,
                    'cell_timeout': cell_timeout,
                    'coordination_url': redis_url,
                    'takeover_timeout': takeover_timeout,
                    'state_file': None if state_url else os.path.join(
                        workdir, '%s.state.json' % name),
                    'topics': topic, 'publisher_host': name,
                    'send_workers': send_workers,
                    'send_timeout': send_timeout},
                'host_status_notifier_database': {'connection': state_url},
            }))
        if entry is None:
            entry = ['-m', 'host_status_ext.notifier.cmd']
            if fault:
                entry = ['-m', 'tests.faulty_notifier', fault, fault_once]
        self.proc = subprocess.Popen(
            [sys.executable] + entry + ['--config-file', self.config],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def alive(self):
        return self.proc.poll() is None

    def _signal(self, sig):
        # NOTE: the whole instance: oslo.service's parent and its worker.
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        """kill -9 of the instance, as a dead machine."""
        self._signal(signal.SIGKILL)
        self.proc.wait()

    def stopped(self):
        """True once a process of the instance is stopped (SIGSTOP)."""
        for stat in glob.glob('/proc/[0-9]*/stat'):
            try:
                with open(stat) as f:
                    # NOTE: pid (comm) state ppid pgrp ...; comm may hold
                    # spaces and parentheses.
                    fields = f.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid and fields[0] == 'T':
                return True
        return False

    def resume(self):
        self._signal(signal.SIGCONT)

    def stop(self):
        if self.alive():
            self._signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.proc.wait()
        self._signal(signal.SIGKILL)

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ''


class StateDB(object):
    """The notifiers' shared database, made as dbsync makes it.

    Then only looked at.
    """

    def __init__(self, url):
        self.engine = sa.create_engine(url)
        migration.upgrade(self.engine)

    def cells(self):
        """``{cell_uuid: (epoch, owner, baselined)}``."""
        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql(
                    'SELECT cell_uuid, epoch, owner, baselined FROM '
                    'host_status_notifier_cells').all()
        except sa.exc.OperationalError:
            return {}
        return {r[0]: (r[1], r[2], bool(r[3])) for r in rows}

    def host(self, cell_uuid, host):
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(
                'SELECT status, pending_new, pending_changed_at FROM '
                'host_status_notifier_hosts WHERE cell_uuid = ? AND '
                'host = ?', (cell_uuid, host)).first()
