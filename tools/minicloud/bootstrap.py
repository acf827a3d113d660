"""One-time set-up of the databases and keystone, remembered by markers.

Each step runs the service's own manage command from the venv once; a
marker under ``<state>/run/done`` skips it on the next ``up`` (these
commands are idempotent, but each costs seconds of start-up).
"""

import subprocess
import uuid

from tools.minicloud import configs
from tools.minicloud import layout

DONE = layout.RUN / 'done'


def _once(step, *cmds, bin=layout.venv_bin):
    """Run *cmds* once per state folder; each names a command of a venv.

    :param bin: maps a command name to its path (the telemetry venv's
        commands are ``layout.telemetry_bin``).
    """
    marker = DONE / step
    if marker.exists():
        return
    print('minicloud: %s' % step, flush=True)
    for cmd in cmds:
        with open(layout.LOGS / 'bootstrap.log', 'ab') as log:
            subprocess.run([bin(cmd[0])] + list(cmd[1:]),
                           check=True, stdout=log, stderr=log,
                           cwd=str(layout.STATE))
    DONE.mkdir(parents=True, exist_ok=True)
    marker.touch()


def databases():
    etc = layout.ETC
    kconf = ['--config-file', str(etc / 'keystone' / 'keystone.conf')]
    _once('keystone-db',
          ['keystone-manage'] + kconf + ['db_sync'],
          ['keystone-manage'] + kconf + ['fernet_setup', '--keystone-user',
                                         'root', '--keystone-group', 'root'],
          ['keystone-manage'] + kconf + ['credential_setup',
                                         '--keystone-user', 'root',
                                         '--keystone-group', 'root'],
          ['keystone-manage'] + kconf + [
              'bootstrap', '--bootstrap-password', layout.PASSWORD,
              '--bootstrap-admin-url', layout.KEYSTONE_URL,
              '--bootstrap-internal-url', layout.KEYSTONE_URL,
              '--bootstrap-public-url', layout.KEYSTONE_URL,
              '--bootstrap-region-id', layout.REGION])
    _once('glance-db', ['glance-manage', '--config-file',
                        str(etc / 'glance' / 'glance-api.conf'), 'db_sync'])
    _once('placement-db', ['placement-manage', '--config-file',
                           str(etc / 'placement' / 'placement.conf'),
                           'db', 'sync'])
    _once('neutron-db', ['neutron-db-manage',
                         '--config-file', str(etc / 'neutron' /
                                              'neutron.conf'),
                         '--config-file', str(etc / 'neutron' / 'plugins' /
                                              'ml2' / 'ml2_conf.ini'),
                         'upgrade', 'heads'])
    nconf = ['--config-file', str(layout.NOVA_ETC / 'nova.conf')]
    _once('nova-db',
          ['nova-manage'] + nconf + ['api_db', 'sync'],
          ['nova-manage'] + nconf + ['cell_v2', 'map_cell0',
                                     '--database_connection',
                                     layout.db_url('nova_cell0')],
          ['nova-manage'] + nconf + ['cell_v2', 'create_cell',
                                     '--name', 'cell1'],
          ['nova-manage'] + nconf + ['db', 'sync'])
    # cell2: its database is on its own server, its transport a vhost.
    _once('nova-cell2',
          ['nova-manage'] + nconf + ['cell_v2', 'create_cell',
                                     '--name', layout.CELL2,
                                     '--database_connection',
                                     layout.cell2_db_url(),
                                     '--transport-url',
                                     configs.CELL2_RABBIT],
          ['nova-manage', '--config-file',
           str(layout.CELL2_ETC / 'nova.conf'), 'db', 'sync',
           '--local_cell'])
    _once('aodh-db', ['aodh-dbsync', '--config-file', str(layout.AODH_CONF)],
          bin=layout.telemetry_bin)
    notifier_database()
    for host in layout.COMPUTE_HOSTS:
        compute_identity(host)


def notifier_database():
    """The notifiers' shared database, at this checkout's schema.

    At every ``up``, not once: the operator's step after each upgrade
    (doc/source/install/notifier.rst), and the checkout may have moved
    since the last ``up``; with the schema current it changes nothing.
    """
    with open(layout.LOGS / 'bootstrap.log', 'ab') as log:
        subprocess.run([layout.venv_bin('host-status-notifier-dbsync'),
                        '--config-file', str(layout.NOVA_ETC / 'nova.conf'),
                        '--config-file', str(layout.NOTIFIER_CONF)],
                       check=True, stdout=log, stderr=log,
                       cwd=str(layout.STATE))


def compute_identity(host):
    """Give a fake compute a stable node identity before its first start.

    NOTE: without ``<state_path>/compute_id`` a restarted fake compute
    refuses to start ("No local node identity found").
    """
    state = configs.compute_state(host)
    state.mkdir(parents=True, exist_ok=True)
    ident = state / 'compute_id'
    if not ident.exists():
        ident.write_text(str(uuid.uuid5(uuid.NAMESPACE_DNS, host)))


def discover_hosts():
    nconf = ['--config-file', str(layout.NOVA_ETC / 'nova.conf')]
    with open(layout.LOGS / 'bootstrap.log', 'ab') as log:
        subprocess.run([layout.venv_bin('nova-manage')] + nconf +
                       ['cell_v2', 'discover_hosts'], check=True,
                       stdout=log, stderr=log, cwd=str(layout.STATE))


def compute_nodes():
    """Host names with a compute node record in cell1 (cheap: mysql CLI)."""
    out = subprocess.run(
        ['mysql', '-N', '-u', layout.DB_USER, '-p' + layout.PASSWORD,
         '-h', layout.HOST, '-e',
         'SELECT host FROM %snova.compute_nodes WHERE deleted = 0'
         % layout.DB_PREFIX],
        capture_output=True, text=True)
    return set(out.stdout.split()) if out.returncode == 0 else set()
