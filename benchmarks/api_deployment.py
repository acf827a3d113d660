"""nova's compute API in-process, over nova's database layer, for benchmarks.

The deployment the API benchmarks measure (``api_harness`` runs the rounds):
nova's real compute API application, loaded through its own api-paste.ini
by nova's paste loader (and a copy with this filter right after
``keystonecontext``), called in-process with webob, over SQLite files in WAL
mode made by nova's own test fixtures (one API database, cell0 and two
cells). Servers, their instance mappings, compute services and host
mappings are records created through nova's objects: N servers of P
projects placed round-robin over H hosts, the hosts round-robin over the
cells, seven in ten of them up, one disabled, one forced down, one not seen
for two days (UNKNOWN).

It must be imported before anything else of nova: it puts nova in native
threading mode, nova-api's production default, before nova's test package
could choose eventlet.
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

import collections  # noqa: E402
import datetime  # noqa: E402
import uuid as uuidlib  # noqa: E402

import fixtures  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_utils import timeutils  # noqa: E402
import sqlalchemy  # noqa: E402
from sqlalchemy import event  # noqa: E402

from nova.api.openstack import api_version_request  # noqa: E402
from nova.api.openstack.compute.views import servers as servers_views  # noqa
from nova.api import wsgi as nova_wsgi  # noqa: E402
from nova.compute import api as compute_api  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova.db.api import api as api_db_api  # noqa: E402
from nova.db.main import api as main_db_api  # noqa: E402
from nova.network import model as network_model  # noqa: E402
from nova import objects  # noqa: E402

from tools import nova_paste  # noqa: E402

CONF = cfg.CONF

NATIVE, PLUGIN, FLOOR, NATIVE_AA = 'native', 'plugin', 'floor', 'native-AA'
ARMS = (NATIVE, PLUGIN, FLOOR, NATIVE_AA)
#: Whether nova's own host_status is off in each arm. The plugin arm's is
#: the run's choice (``--plugin-native``): on, as nova 34 ships (the
#: filter's fast path), or off (its full path).
NATIVE_OFF = {NATIVE: False, PLUGIN: False, FLOOR: True, NATIVE_AA: False}

#: What the compute hosts are, host after host, in each layout: ``mixed``
#: has one in ten of each state but up, ``both`` being a service both
#: forced down and disabled (nova says DOWN, the specification
#: MAINTENANCE); ``none-down`` has no host forced down.
HOST_LAYOUTS = {
    'mixed': ('up',) * 6 + ('disabled', 'forced_down', 'both', 'unknown'),
    'none-down': ('up',) * 8 + ('disabled', 'unknown'),
}

N_CELLS = 2
ADMIN_PROJECT = 'bench-admin-project'
ADMIN_HEADERS = {
    'X-Auth-User': 'admin',
    'X-User-Id': 'admin',
    'X-Auth-Project-Id': ADMIN_PROJECT,
    'X-Roles': 'reader,member,admin',
    'Accept': 'application/json',
}
LATEST = api_version_request.max_api_version().get_string()
# Generous, so that no service turns UNKNOWN by mere passing of time during
# a run; the hosts meant to be UNKNOWN were last seen two days ago.
SERVICE_DOWN_TIME = 6 * 3600


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
    path = nova_paste.installed()
    if not os.path.exists(path):
        sys.exit('nova api-paste.ini not found at %s' % path)
    return path


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
    """nova's API with N servers of P projects on H hosts in two cells."""

    def __init__(self, n_servers, n_hosts, n_projects, native_ini,
                 plugin_ini, response_validation='ignore',
                 sqlite_pool='queue', layout='mixed'):
        super(Deployment, self).__init__()
        self.layout = HOST_LAYOUTS[layout]
        self.response_validation = response_validation
        self.sqlite_pool = sqlite_pool
        self.n_servers = n_servers
        self.n_hosts = n_hosts
        self.n_projects = n_projects
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
        """Which state host *index* is in: see :data:`HOST_LAYOUTS`."""
        if self.n_hosts == 1:
            return 'up'
        return self.layout[index % len(self.layout)]

    def _records(self):
        ctxt = nova_context.get_admin_context()
        flavor = objects.Flavor.get_by_name(ctxt, 'm1.small')
        now = timeutils.utcnow()
        self.hosts = []
        by_cell = collections.defaultdict(list)
        for h in range(self.n_hosts):
            host = 'compute-%05d' % h
            cell = self.cells[h % N_CELLS]
            state = self._host_state(h)
            self.hosts.append((host, cell, state))
            by_cell[cell.uuid].append((host, state))
        # One transaction per cell for the services, one in the API database
        # for the host mappings: 10 000 hosts in seconds.
        for cell in self.cells:
            with nova_context.target_cell(ctxt, cell) as cctxt:
                facade = main_db_api.get_context_manager(cctxt)
                with facade.writer.using(cctxt):
                    for host, state in by_cell[cell.uuid]:
                        objects.Service(
                            context=cctxt, host=host, binary='nova-compute',
                            topic='compute', report_count=1,
                            disabled=state in ('disabled', 'both'),
                            forced_down=state in ('forced_down', 'both'),
                            last_seen_up=(
                                now - datetime.timedelta(days=2)
                                if state == 'unknown' else now)).create()
        with api_db_api.context_manager.writer.using(ctxt):
            for host, cell, _ in self.hosts:
                objects.HostMapping(context=ctxt, host=host,
                                    cell_mapping=cell).create()

        # One transaction per cell for the servers, one in the API database
        # for their mappings: the same objects and rows as one by one, made
        # in seconds rather than minutes.
        self.server_ids = []
        #: server uuid -> the state of its host
        self.host_state_of = {}
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
                        instance = self._instance(
                            cctxt, i, host, flavor, now,
                            'bench-project-%d' % (i % self.n_projects))
                        mappings.append((instance, cell))
        with api_db_api.context_manager.writer.using(ctxt):
            for instance, cell in mappings:
                objects.InstanceMapping(
                    context=ctxt, instance_uuid=instance.uuid,
                    cell_mapping=cell, project_id=instance.project_id,
                    user_id=instance.user_id).create()
        mappings.sort(key=lambda m: m[0].display_name)
        self.server_ids = [instance.uuid for instance, _ in mappings]
        state = {host: state for host, _, state in self.hosts}
        self.host_state_of = {instance.uuid: state[instance.host]
                              for instance, _ in mappings}

    @staticmethod
    def _instance(cctxt, i, host, flavor, now, project_id):
        instance = objects.Instance(
            context=cctxt, project_id=project_id,
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
