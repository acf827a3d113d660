#!/usr/bin/env python
"""What host_status costs in nova-api, with this filter and without it.

Not a test: a benchmark, run by ``tox -e bench`` (``--quick`` for a smoke
run). It measures nova's real compute API application, loaded through its
own api-paste.ini by nova's paste loader and called in-process with webob
(no HTTP server, no socket, no wsgi-intercept: the least overhead around the
thing measured), over nova's real database layer: SQLite files in WAL mode,
one for the API database and one per cell (cell0 and two cells), made by
nova's own test fixtures (``Database``, ``CellDatabases``), which is what
nova's functional tests run on. Servers, their instance mappings and the
compute services are created as records through nova's objects; no server
is booted, because the view's cost, not the boot's, is measured.

Four arms, interleaved request by request so that the machine's noise hits
all of them alike:

1. ``native``: nova's own host_status, no plugin (the anchor);
2. ``plugin``: nova's host_status switched off, this filter in the pipeline
   right after ``keystonecontext``;
3. ``floor``: nova's host_status switched off, no plugin (a response with no
   host_status at all);
4. ``native-AA``: arm 1 again, from a second copy of the same pipeline. Its
   ratio to arm 1 is the noise of the measurement: a ratio counts only
   beside it.

nova's host_status is switched off by making
``ViewBuilder._get_host_status_unknown_only`` answer None, its one switch in
show and detail. The server listing still asks for the instances' services
to be joined (the controller decides that from the microversion alone), so
the floor keeps that join: it is nova's cost whatever the view shows.

What stays fake, equally in every arm: keystone (authtoken is a no-op and the
context comes from X-Auth-User/X-Auth-Project-Id/X-Roles headers, as nova's
own OSAPIFixture does it) and neutron (the security groups of each server
are a constant ``default``, with no neutron call). nova runs in native
threading mode, its production default for the API. Response schema
validation is off by default (``--response-validation``): it is about half
of nova's own cost, so without it the plugin's share shows largest.

Every round runs the four arms under the same padding frame, whose size
changes from round to round: see "Stack offsets" below for why.

Ratios are paired: the geometric mean, over the rounds, of the ratio of two
arms' CPU times in the same round. The four requests of a round run one
after the other under the same stack offset, so what a round shares (the
offset, a burst of load from another process) cancels out of its ratio,
where a ratio of the arms' medians keeps it; and over offsets spread evenly
across a frame chunk, the geometric mean of the plugin's shifted position
against nova's is exactly 1, so the filter's extra frames do not bias it.
The ratio of the medians is printed beside it (``m-p/n``).
"""

import os
import sys

# nova-api's own default concurrency mode (nova/wsgi/osapi_compute.py), set
# before nova's test package can choose eventlet.
os.environ['OS_NOVA_DISABLE_EVENTLET_PATCHING'] = '1'
from nova import monkey_patch  # noqa: E402
monkey_patch.patch(backend='threading')

# nova's test modules first, before the rest of nova (see nova/test.py).
from nova import test  # noqa: E402,F401
from nova.tests import fixtures as nova_fixtures  # noqa: E402
from nova.tests.fixtures import policy as policy_fixtures  # noqa: E402

import argparse  # noqa: E402
import collections  # noqa: E402
import configparser  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid as uuidlib  # noqa: E402
import warnings  # noqa: E402

import fixtures  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_utils import timeutils  # noqa: E402
import sqlalchemy  # noqa: E402
from sqlalchemy import event  # noqa: E402
import webob  # noqa: E402

from nova.api.openstack import api_version_request  # noqa: E402
from nova.api.openstack.compute.views import servers as servers_views  # noqa
from nova.api import wsgi as nova_wsgi  # noqa: E402
from nova.compute import api as compute_api  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova.db.api import api as api_db_api  # noqa: E402
from nova.db.main import api as main_db_api  # noqa: E402
from nova.network import model as network_model  # noqa: E402
from nova import objects  # noqa: E402

CONF = cfg.CONF

NATIVE, PLUGIN, FLOOR, NATIVE_AA = 'native', 'plugin', 'floor', 'native-AA'
ARMS = (NATIVE, PLUGIN, FLOOR, NATIVE_AA)
NATIVE_OFF = {NATIVE: False, PLUGIN: True, FLOOR: True, NATIVE_AA: False}

N_CELLS = 2
N_PROJECTS = 4
ADMIN_PROJECT = 'bench-admin-project'
ADMIN_HEADERS = {
    'X-Auth-User': 'admin',
    'X-User-Id': 'admin',
    'X-Auth-Project-Id': ADMIN_PROJECT,
    'X-Roles': 'reader,member,admin',
    'Accept': 'application/json',
}
LATEST = api_version_request.max_api_version().get_string()
DETAIL_PATH = '/v2.1/servers/detail?limit=1000&all_tenants=1'
SHOW_PATH = '/v2.1/servers/%s'
# Generous, so that no service turns UNKNOWN by mere passing of time during
# a run; the hosts meant to be UNKNOWN were last seen two days ago.
SERVICE_DOWN_TIME = 6 * 3600
AA_TOLERANCE = 0.03


# --------------------------------------------------------------------------
# SQL statement counting

class SQLCounter(object):
    """Counts every statement any engine of the process executes.

    ``count`` is every statement; ``queries`` leaves out transaction
    control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT): on SQLite, oslo.db emits an
    explicit BEGIN per transaction through the cursor, which the MySQL
    driver does not, so queries is the figure that carries over.
    """

    _CONTROL = ('BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE')

    def __init__(self):
        self.count = 0
        self.queries = 0

    def __call__(self, conn, cursor, statement, parameters, context,
                 executemany):
        self.count += 1
        if not statement.lstrip()[:9].upper().startswith(self._CONTROL):
            self.queries += 1

    def install(self):
        event.listen(sqlalchemy.engine.Engine, 'before_cursor_execute', self)

    def remove(self):
        event.remove(sqlalchemy.engine.Engine, 'before_cursor_execute', self)


SQL = SQLCounter()


# --------------------------------------------------------------------------
# The paste pipelines

def nova_paste_ini():
    """nova's own api-paste.ini, as its wheel installs it in this venv."""
    path = os.path.join(sys.prefix, 'etc', 'nova', 'api-paste.ini')
    if not os.path.exists(path):
        sys.exit('nova api-paste.ini not found at %s' % path)
    return path


def write_plugin_paste_ini(source, target):
    """Copy *source* with the filter right after keystonecontext."""
    parser = configparser.RawConfigParser()
    parser.optionxform = str
    parser.read(source)
    for section in (
            'composite:openstack_compute_api_v21',
            'composite:openstack_compute_api_v21_legacy_v2_compatible'):
        words = parser.get(section, 'keystone').split()
        words.insert(words.index('keystonecontext') + 1, 'host_status')
        parser.set(section, 'keystone', ' '.join(words))
    parser.add_section('filter:host_status')
    parser.set('filter:host_status', 'use', 'egg:host-status-ext#host_status')
    with open(target, 'w') as f:
        parser.write(f)


def _no_native_host_status(context, instance=None):
    return None


class NativeSwitch(object):
    """Switches nova's own host_status on and off between requests."""

    def __init__(self):
        self._original = servers_views.ViewBuilder.__dict__[
            '_get_host_status_unknown_only']
        self._off = staticmethod(_no_native_host_status)

    def set(self, off):
        servers_views.ViewBuilder._get_host_status_unknown_only = (
            self._off if off else self._original)


# --------------------------------------------------------------------------
# The deployment: databases, cells, records, pipelines

class _PooledSQLite(object):
    """sqlalchemy.pool as oslo.db sees it, with QueuePool for its NullPool.

    oslo.db gives SQLite files a NullPool: every transaction opens a new
    connection, on which SQLite parses nova's whole schema again (about 5 ms
    per transaction on this kind of machine, more than the query). A MariaDB
    or MySQL deployment keeps pooled connections, so the benchmark does too
    (``--sqlite-pool null`` for oslo.db's own choice).
    """

    NullPool = sqlalchemy.pool.QueuePool

    def __getattr__(self, name):
        return getattr(sqlalchemy.pool, name)


class Deployment(fixtures.Fixture):
    """nova's API with N servers over H compute hosts in two cells."""

    def __init__(self, n_servers, n_hosts, native_ini, plugin_ini,
                 response_validation='ignore', sqlite_pool='queue'):
        super(Deployment, self).__init__()
        self.response_validation = response_validation
        self.sqlite_pool = sqlite_pool
        self.n_servers = n_servers
        self.n_hosts = n_hosts
        self.native_ini = native_ini
        self.plugin_ini = plugin_ini

    def _setUp(self):
        # Global caches of nova that would otherwise outlive a deployment.
        compute_api.CELLS = []
        nova_context.reset_globals()
        objects.Service.clear_min_version_cache()

        self.useFixture(nova_fixtures.ConfFixture(CONF))
        self.useFixture(nova_fixtures.ConfPatcher(
            response_validation=self.response_validation, group='api'))
        self.useFixture(nova_fixtures.ConfPatcher(
            service_down_time=SERVICE_DOWN_TIME))
        self.useFixture(nova_fixtures.RPCFixture('nova.test'))
        if self.sqlite_pool == 'queue':
            self.useFixture(fixtures.MonkeyPatch(
                'oslo_db.sqlalchemy.engines.pool', _PooledSQLite()))
        self.useFixture(nova_fixtures.Database(database='api'))
        self._cells()
        self.useFixture(nova_fixtures.DefaultFlavorsFixture())
        self.useFixture(policy_fixtures.RealPolicyFixture())
        self._stubs()
        self._records()
        self.apps = {
            NATIVE: self._load(self.native_ini),
            PLUGIN: self._load(self.plugin_ini),
            FLOOR: self._load(self.native_ini),
            NATIVE_AA: self._load(self.native_ini),
        }
        self.addCleanup(self._reset_globals)

    def _reset_globals(self):
        compute_api.CELLS = []
        nova_context.reset_globals()

    def _cells(self):
        ctxt = nova_context.get_context()
        celldbs = nova_fixtures.CellDatabases()
        transport = 'fake://nowhere/'
        cell0 = objects.CellMapping(
            context=ctxt, uuid=objects.CellMapping.CELL0_UUID, name='cell0',
            transport_url=transport,
            database_connection=objects.CellMapping.CELL0_UUID)
        cell0.create()
        celldbs.add_cell_database(objects.CellMapping.CELL0_UUID)
        self.cells = []
        for i in range(N_CELLS):
            uuid = str(uuidlib.uuid5(uuidlib.NAMESPACE_DNS,
                                     'bench-cell%d' % (i + 1)))
            cell = objects.CellMapping(
                context=ctxt, uuid=uuid, name='cell%d' % (i + 1),
                transport_url=transport, database_connection=uuid)
            cell.create()
            celldbs.add_cell_database(uuid, default=(i == 0))
            self.cells.append(cell)
        self.useFixture(celldbs)

    def _stubs(self):
        # keystone, as nova's OSAPIFixture stubs it.
        self.useFixture(fixtures.MockPatch(
            'keystonemiddleware.auth_token.filter_factory',
            return_value=lambda app: app))

        def fake_ctx(env, **kwargs):
            user_id = env['HTTP_X_AUTH_USER']
            return nova_context.RequestContext(
                user_id, env['HTTP_X_AUTH_PROJECT_ID'],
                is_admin=(user_id == 'admin'),
                roles=env['HTTP_X_ROLES'].split(','), **kwargs)

        self.useFixture(fixtures.MonkeyPatch(
            'nova.api.auth.NovaKeystoneContext._create_context', fake_ctx))

        # neutron: one constant security group per server, no call.
        def fake_sg_bindings(context, servers, detailed=False):
            return {server['id']: [{'name': 'default'}] for server in servers}

        self.useFixture(fixtures.MonkeyPatch(
            'nova.network.security_group_api.'
            'get_instances_security_groups_bindings', fake_sg_bindings))

    def _host_state(self, index):
        """Which state host *index* is in: mostly up, some of each other."""
        if self.n_hosts == 1:
            return 'up'
        return ('up', 'up', 'up', 'up', 'up', 'up', 'up',
                'disabled', 'forced_down', 'unknown')[index % 10]

    def _records(self):
        ctxt = nova_context.get_admin_context()
        flavor = objects.Flavor.get_by_name(ctxt, 'm1.small')
        now = timeutils.utcnow()
        self.hosts = []
        for h in range(self.n_hosts):
            host = 'compute-%03d' % h
            cell = self.cells[h % N_CELLS]
            state = self._host_state(h)
            with nova_context.target_cell(ctxt, cell) as cctxt:
                service = objects.Service(
                    context=cctxt, host=host, binary='nova-compute',
                    topic='compute', report_count=1,
                    disabled=(state == 'disabled'),
                    forced_down=(state == 'forced_down'))
                service.create()
                if state == 'unknown':
                    service.last_seen_up = now - datetime.timedelta(days=2)
                    service.save()
                else:
                    service.last_seen_up = now
                    service.save()
            objects.HostMapping(context=ctxt, host=host,
                                cell_mapping=cell).create()
            self.hosts.append((host, cell, state))

        # One transaction per cell for the servers, one in the API database
        # for their mappings: the same objects and rows as one by one, made
        # in seconds rather than minutes.
        self.server_ids = []
        placed = collections.defaultdict(list)
        for i in range(self.n_servers):
            host, cell, _ = self.hosts[i % self.n_hosts]
            placed[cell.uuid].append((i, host))
        mappings = []
        for cell in self.cells:
            if not placed[cell.uuid]:
                continue
            with nova_context.target_cell(ctxt, cell) as cctxt:
                facade = main_db_api.get_context_manager(cctxt)
                with facade.writer.using(cctxt):
                    for i, host in placed[cell.uuid]:
                        instance = self._instance(cctxt, i, host, flavor, now)
                        mappings.append((instance, cell))
        with api_db_api.context_manager.writer.using(ctxt):
            for instance, cell in mappings:
                objects.InstanceMapping(
                    context=ctxt, instance_uuid=instance.uuid,
                    cell_mapping=cell, project_id=instance.project_id,
                    user_id=instance.user_id).create()
        mappings.sort(key=lambda m: m[0].display_name)
        self.server_ids = [instance.uuid for instance, _ in mappings]

    @staticmethod
    def _instance(cctxt, i, host, flavor, now):
        instance = objects.Instance(
            context=cctxt, project_id='bench-project-%d' % (i % N_PROJECTS),
            user_id='bench-user',
            display_name='server-%04d' % i, hostname='server-%04d' % i,
            host=host, launched_on=host,
            vm_state='active', power_state=1, task_state=None,
            availability_zone='nova',
            image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6',
            flavor=flavor, instance_type_id=flavor.id,
            memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
            root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
            launched_at=now, metadata={}, system_metadata={})
        instance.info_cache = objects.InstanceInfoCache(
            network_info=network_model.NetworkInfo())
        instance.create()
        return instance

    def _load(self, ini):
        return nova_wsgi.Loader(config_path=ini).load_app('osapi_compute')


# --------------------------------------------------------------------------
# Stack offsets
#
# CPython 3.11 keeps Python frames in 16 KiB chunks and frees a chunk as soon
# as the call that opened it returns (python/cpython gh-142183, fixed by a
# one-chunk cache only in 3.13+). When a hot loop deep in nova calls across a
# chunk boundary, every such call maps and unmaps a chunk: the same request
# then costs up to several times more CPU, depending only on how many bytes
# of frames sit above it. A filter adds a few frames, so at one fixed offset
# a ratio measures where the boundary fell, not the filter. Each round
# therefore runs all arms under one padding frame of a size that varies from
# round to round over a whole chunk (a low-discrepancy sequence), so every
# arm sees the same spread of offsets, as nova-api deployments (whose WSGI
# servers put their own frames above the app) do.

CHUNK_WORDS = 16 * 1024 // 8
PAD_STEP_WORDS = 16
_PADS = {}


def pad_function(n_locals):
    """A function whose frame holds *n_locals* extra words; it calls fn()."""
    pad = _PADS.get(n_locals)
    if pad is None:
        if n_locals:
            body = ('    if fn is None:\n        %s = None\n'
                    % ' = '.join('v%d' % i for i in range(n_locals)))
        else:
            body = ''
        namespace = {}
        exec('def pad(fn):\n%s    return fn()\n' % body, namespace)
        pad = _PADS[n_locals] = namespace['pad']
    return pad


def stack_offset(round_no, fixed=None):
    """The padding, in words, of round *round_no*."""
    if fixed is not None:
        return fixed
    fraction = ((round_no + 0.5) * 0.6180339887498949) % 1.0
    return int(fraction * CHUNK_WORDS) // PAD_STEP_WORDS * PAD_STEP_WORDS


# --------------------------------------------------------------------------
# Requests and measurement

Sample = collections.namedtuple('Sample', ['cpu', 'wall', 'sql', 'stmts'])


def make_request(path, version):
    headers = dict(ADMIN_HEADERS)
    headers['OpenStack-API-Version'] = 'compute %s' % version
    headers['X-OpenStack-Nova-API-Version'] = version
    return webob.Request.blank(path, headers=headers)


def call(app, switch, arm, path, version, offset=0):
    """One request through *app*; its CPU, wall time and SQL statements.

    :param offset: words of padding frame above the request (see
        :func:`stack_offset`).
    """
    switch.set(NATIVE_OFF[arm])
    request = make_request(path, version)
    pad = pad_function(offset)
    gc.collect()
    sql0, stmts0 = SQL.queries, SQL.count
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    response = pad(lambda: request.get_response(app))
    cpu1 = time.process_time()
    wall1 = time.perf_counter()
    sql1, stmts1 = SQL.queries, SQL.count
    if response.status_int != 200:
        raise RuntimeError('%s %s (%s, %s): %s %s' % (
            'GET', path, arm, version, response.status,
            response.body[:500]))
    return Sample(cpu1 - cpu0, wall1 - wall0, sql1 - sql0,
                  stmts1 - stmts0), response


def host_statuses(body):
    document = json.loads(body)
    servers = document.get('servers') or [document['server']]
    return {s['id']: s.get('host_status') for s in servers}


def check_arms(deployment, switch, path, version):
    """The plugin's values are nova's, and the floor has none."""
    seen = {}
    for arm in ARMS:
        _, response = call(deployment.apps[arm], switch, arm, path, version)
        seen[arm] = host_statuses(response.body)
    problems = []
    if any(v is None for v in seen[NATIVE].values()):
        problems.append('native response lacks host_status')
    if seen[PLUGIN] != seen[NATIVE]:
        diff = sum(1 for k in seen[NATIVE]
                   if seen[NATIVE][k] != seen[PLUGIN].get(k))
        problems.append('plugin differs from native on %d servers' % diff)
    if any(v is not None for v in seen[FLOOR].values()):
        problems.append('floor response has host_status')
    values = collections.Counter(seen[NATIVE].values())
    return problems, len(seen[NATIVE]), values


def quantile(values, q):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[index]


class Case(object):
    """One request kind at one size, all four arms."""

    def __init__(self, kind, version, n_servers, n_hosts):
        self.kind = kind
        self.version = version
        self.n_servers = n_servers
        self.n_hosts = n_hosts
        self.samples = {arm: [] for arm in ARMS}
        self.check = None
        self.converged = False

    def med(self, arm, field='cpu'):
        return statistics.median(getattr(s, field) for s in self.samples[arm])

    def p90(self, arm, field='cpu'):
        return quantile([getattr(s, field) for s in self.samples[arm]], 0.9)

    def sql(self, arm, field='sql'):
        counts = collections.Counter(
            getattr(s, field) for s in self.samples[arm])
        return counts.most_common(1)[0][0]

    def _log_ratios(self, a, b, field):
        return [math.log(getattr(x, field) / getattr(y, field))
                for x, y in zip(self.samples[a], self.samples[b])]

    def ratio(self, a, b, field='cpu'):
        """Paired ratio *a* / *b*: geometric mean of the rounds' ratios."""
        return math.exp(statistics.fmean(self._log_ratios(a, b, field)))

    def median_ratio(self, a, b, field='cpu'):
        return self.med(a, field) / self.med(b, field)

    @property
    def aa(self):
        return self.ratio(NATIVE_AA, NATIVE)

    def interval(self, a, b, field='cpu', resamples=2000, level=0.95):
        """Bootstrap interval of the paired ratio *a* / *b*.

        Rounds are resampled, so the interval says how far the ratio could
        move with other rounds of the same run: a target is met only if the
        interval's upper end is under it.
        """
        rng = random.Random(0)
        logs = self._log_ratios(a, b, field)
        n = len(logs)
        ratios = []
        for _ in range(resamples):
            ratios.append(math.exp(statistics.fmean(
                logs[rng.randrange(n)] for _ in range(n))))
        tail = (1 - level) / 2
        return quantile(ratios, tail), quantile(ratios, 1 - tail)

    @property
    def rounds(self):
        return len(self.samples[NATIVE])


def run_case(case, deployment, switch, paths, budget, min_rounds,
             max_rounds, rng, fixed_offset=None, min_seconds=0.0):
    """Rounds of the four arms until A/A converges or time runs out.

    A case stops early, with A/A within tolerance, only after both
    *min_rounds* and *min_seconds*: a show is about a hundred times cheaper
    than a listing of 1000 servers, and a handful of its rounds would let
    A/A fall within tolerance by chance while the other ratios still move.
    """
    path = paths[case.kind]
    case.check = check_arms(deployment, switch, path(0), case.version)
    started = time.monotonic()
    deadline = started + budget
    order = list(ARMS)
    for round_no in itertools.count():
        rng.shuffle(order)
        offset = stack_offset(round_no, fixed_offset)
        for arm in order:
            sample, _ = call(deployment.apps[arm], switch, arm,
                             path(round_no), case.version, offset)
            case.samples[arm].append(sample)
        done = round_no + 1
        enough = (done >= min_rounds
                  and time.monotonic() - started >= min_seconds)
        if enough and abs(case.aa - 1) <= AA_TOLERANCE:
            case.converged = True
            break
        if done >= max_rounds or (enough
                                  and time.monotonic() > deadline):
            break
    switch.set(False)
    return case


# --------------------------------------------------------------------------
# Output

def fmt_ms(seconds):
    return '%8.1f' % (seconds * 1000.0)


def print_header(args):
    print('host_status benchmark: nova %s, host-status-ext in-process'
          % _version('nova'))
    print('machine: %s, %s, %d cores, Python %s, load average %s at start'
          % (platform.node(), _cpu_model(), os.cpu_count(),
             platform.python_version(),
             '/'.join('%.1f' % x for x in os.getloadavg())))
    print('plugin: %s' % _plugin_source())
    print('database: SQLite files (WAL, %s pool), one API DB + cell0 + %d '
          'cells, by nova\'s fixtures; servers in %d projects, listed by an '
          'admin of another project with all_tenants=1'
          % (args.sqlite_pool, N_CELLS, N_PROJECTS))
    print('requests: nova\'s paste pipeline called with webob in-process '
          '(no HTTP), keystone and neutron stubbed alike in every arm; '
          'microversions 2.16 and latest (%s)' % LATEST)
    print('timing: CPU = time.process_time(), wall = time.perf_counter(), '
          'gc.collect() before each request; arms shuffled in every round; '
          'rounds until A/A within +-%d%% (min %d rounds and %.0f s, max %d '
          'rounds or %.0f s per case)'
          % (AA_TOLERANCE * 100, args.min_rounds, args.min_seconds,
             args.max_rounds, args.budget))
    print('stack offset: %s' % (
        'a different padding frame each round, the same for the 4 arms, '
        'over a whole 16 KiB CPython frame chunk (CPython 3.11 '
        'gh-142183)' if args.stack_offset is None else
        '%d words, fixed' % args.stack_offset))
    print('nova [api] response_validation = %s' % args.response_validation)
    print('ratios: paired (geometric mean over rounds of CPU time ratios in '
          'one round), 95% bootstrap intervals over the rounds (p/n CI, aa '
          'CI); w-p/n of wall times; m-p/n = ratio of CPU medians')
    print('sql = queries per request (stm = all '
          'statements, with the BEGIN oslo.db emits on SQLite), counted by a '
          'SQLAlchemy before_cursor_execute listener')
    sys.stdout.flush()


# The filter's modules (the notifier in the same package is not in the API).
FILTER_PATHS = tuple(
    'host_status_ext/' + name for name in (
        '__init__.py', 'middleware.py', 'routes.py', 'authorization.py',
        'lookup.py', 'hostid.py', 'views.py', 'status.py', 'conf.py',
        'policies'))


def _plugin_source():
    import host_status_ext
    import subprocess
    where = os.path.dirname(os.path.dirname(
        os.path.abspath(host_status_ext.__file__)))
    try:
        commit = subprocess.run(
            ['git', '-C', where, 'log', '-1', '--format=%h %s', '--']
            + list(FILTER_PATHS), capture_output=True, text=True,
            check=True).stdout.strip()
        dirty = subprocess.run(
            ['git', '-C', where, 'status', '--porcelain', '--']
            + list(FILTER_PATHS), capture_output=True, text=True,
            check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return '%s (not a git checkout)' % where
    return '%s, filter modules at %s%s' % (
        where, commit, ' (with uncommitted changes)' if dirty else '')


def _version(dist):
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return '?'


def _cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or '?'


COLUMNS = ('%-6s %-5s %4s %3s %3s | %-9s %8s %8s %8s %8s %4s %4s | '
           '%5s %5s %5s %5s %5s %s')


def print_table_header():
    print()
    print(COLUMNS % ('kind', 'mv', 'N', 'H', 'rnd', 'arm', 'cpu-med',
                     'cpu-p90', 'wall-med', 'wall-p90', 'sql', 'stm', 'p/n',
                     'p/f', 'aa', 'w-p/n', 'm-p/n', 'extra_sql / check'))
    print('-' * 134)


def print_case(case):
    problems, n_servers, values = case.check
    for i, arm in enumerate(ARMS):
        if i == 0:
            ratios = ('%5.2f' % case.ratio(PLUGIN, NATIVE),
                      '%5.2f' % case.ratio(PLUGIN, FLOOR),
                      '%5.2f' % case.aa,
                      '%5.2f' % case.ratio(PLUGIN, NATIVE, 'wall'),
                      '%5.2f' % case.median_ratio(PLUGIN, NATIVE))
            extra = case.sql(PLUGIN) - case.sql(FLOOR)
            tail = 'extra_sql=%d (%.1f/cell; %d with BEGINs)%s' % (
                extra, extra / float(N_CELLS),
                case.sql(PLUGIN, 'stmts') - case.sql(FLOOR, 'stmts'),
                '' if case.converged else ' AA-NOT-CONVERGED')
        elif i == 1:
            ratios = ('',) * 5
            tail = ('check: ' + ('; '.join(problems) if problems else 'ok')
                    + ', %d servers' % n_servers)
        elif i == 2:
            ratios = ('',) * 5
            tail = 'native: ' + ' '.join(
                '%s=%d' % (k or '""', v) for k, v in sorted(values.items()))
        else:
            ratios = ('',) * 5
            tail = 'p/n 95%% CI %.2f-%.2f, aa %.2f-%.2f' % (
                case.interval(PLUGIN, NATIVE) + case.interval(NATIVE_AA,
                                                              NATIVE))
        head = ((case.kind, case.version, case.n_servers, case.n_hosts,
                 case.rounds) if i == 0 else ('', '', '', '', ''))
        print(COLUMNS % (head + (
            arm, fmt_ms(case.med(arm)), fmt_ms(case.p90(arm)),
            fmt_ms(case.med(arm, 'wall')), fmt_ms(case.p90(arm, 'wall')),
            case.sql(arm), case.sql(arm, 'stmts')) + ratios + (tail,)))
    sys.stdout.flush()


def last_line(cases):
    """The line for the largest detail case (the worse of its versions)."""
    if not any(c.kind == 'detail' for c in cases):
        print('(no detail case was run: no last line)')
        return
    largest = [c for c in cases if c.kind == 'detail'
               and (c.n_servers, c.n_hosts) == max(
                   (d.n_servers, d.n_hosts) for d in cases
                   if d.kind == 'detail')]
    worst = max(largest, key=lambda c: c.ratio(PLUGIN, NATIVE))
    print('(last line: detail at microversion %s, the worse plugin/native of '
          '%s)' % (worst.version, ' and '.join(c.version for c in largest)))
    print('detail N=%d H=%d: plugin/native=%.2f plugin/floor=%.2f aa=%.2f '
          'extra_sql=%d' % (
              worst.n_servers, worst.n_hosts, worst.ratio(PLUGIN, NATIVE),
              worst.ratio(PLUGIN, FLOOR), worst.aa,
              worst.sql(PLUGIN) - worst.sql(FLOOR)))


# --------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: N in {10,100}, H in {1,10}, '
                             'few rounds')
    parser.add_argument('--sizes', default=None,
                        help='comma list of NxH, e.g. 1000x100,10x1')
    parser.add_argument('--min-rounds', type=int, default=None)
    parser.add_argument('--headline-min-rounds', type=int, default=None,
                        help='minimum rounds of the largest detail case, '
                             'the one of the last line (default 25; 3 with '
                             '--quick)')
    parser.add_argument('--max-rounds', type=int, default=None)
    parser.add_argument('--budget', type=float, default=None,
                        help='seconds after which a case (one kind, one '
                             'version, one size) stops once it has its '
                             'minimum, converged or not')
    parser.add_argument('--min-seconds', type=float, default=None,
                        help='seconds a case runs at least before A/A may '
                             'stop it')
    parser.add_argument('--kinds', default='detail,show',
                        help='comma list of request kinds: detail, show')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument(
        '--sqlite-pool', default='queue', choices=('queue', 'null'),
        help='connection pool of the SQLite files: queue (default, pooled '
             'connections as with MariaDB) or null (oslo.db\'s choice for '
             'SQLite files: a new connection per transaction)')
    parser.add_argument(
        '--stack-offset', type=int, default=None,
        help='words of padding frame above every request, the same in every '
             'round (default: a different offset each round, over a whole '
             '16 KiB frame chunk; see "Stack offsets" in the source)')
    parser.add_argument(
        '--response-validation', default='ignore',
        choices=('ignore', 'warn', 'error'),
        help="nova's [api] response_validation. Default ignore: nova's "
             "own cost is then smallest, so the plugin's share of it shows "
             "largest (the strict setting for the ratios), and the run is "
             "about twice as fast. nova's production default is warn.")
    args = parser.parse_args(argv)
    if args.sizes:
        sizes = [tuple(int(x) for x in s.split('x'))
                 for s in args.sizes.split(',')]
    elif args.quick:
        sizes = [(n, h) for n in (10, 100) for h in (1, 10)]
    else:
        sizes = [(n, h) for n in (10, 100, 1000) for h in (1, 10, 100)]
    args.sizes = sizes
    if args.min_rounds is None:
        args.min_rounds = 3 if args.quick else 7
    if args.headline_min_rounds is None:
        args.headline_min_rounds = 3 if args.quick else 25
    if args.max_rounds is None:
        args.max_rounds = 6 if args.quick else 1000
    if args.budget is None:
        args.budget = 2.0 if args.quick else 40.0
    if args.min_seconds is None:
        args.min_seconds = 0.0 if args.quick else 15.0
    args.kinds = [k for k in args.kinds.split(',') if k]
    for kind in args.kinds:
        if kind not in ('detail', 'show'):
            parser.error('unknown kind %r' % kind)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # nova's INFO request log would be most of what the run prints.
    logging.disable(logging.INFO)
    warnings.simplefilter('ignore')
    print_header(args)
    rng = random.Random(args.seed)
    switch = NativeSwitch()
    workdir = tempfile.mkdtemp(prefix='bench-host-status-')
    native_ini = nova_paste_ini()
    plugin_ini = os.path.join(workdir, 'api-paste-host-status.ini')
    write_plugin_paste_ini(native_ini, plugin_ini)

    SQL.install()
    cases = []
    started = time.monotonic()
    print_table_header()
    headline = max(args.sizes)
    for n_servers, n_hosts in args.sizes:
        with Deployment(n_servers, n_hosts, native_ini, plugin_ini,
                        args.response_validation,
                        args.sqlite_pool) as deployment:
            ids = deployment.server_ids
            # What the deployment made lives on: out of the collector's way
            # (as a pre-forked nova-api would have it), so that gc.collect()
            # between requests costs little and each request's own garbage
            # is what is collected.
            gc.collect()
            gc.freeze()
            paths = {
                'detail': lambda i: DETAIL_PATH,
                'show': lambda i: SHOW_PATH % ids[(i * 7919) % len(ids)],
            }
            for kind in args.kinds:
                for version in ('2.16', LATEST):
                    case = Case(kind, version, n_servers, n_hosts)
                    # The last line's case gets more rounds: at 1000
                    # servers, a round is seconds, and a few of them leave
                    # its ratios wide open.
                    min_rounds = args.min_rounds
                    if (kind == 'detail'
                            and (n_servers, n_hosts) == headline):
                        min_rounds = max(min_rounds,
                                         args.headline_min_rounds)
                    run_case(case, deployment, switch, paths, args.budget,
                             min_rounds, args.max_rounds, rng,
                             args.stack_offset, args.min_seconds)
                    cases.append(case)
                    print_case(case)
            gc.unfreeze()
    SQL.remove()
    print('-' * 134)
    print('total %.0f s, load average %s at the end' % (
        time.monotonic() - started,
        '/'.join('%.1f' % x for x in os.getloadavg())))
    last_line(cases)


if __name__ == '__main__':
    main()
