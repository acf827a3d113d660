"""cell2's own MariaDB server and RabbitMQ vhost.

The machine's MariaDB holds the API database, cell0 and cell1; cell2's
database lives in a second mariadbd, started by the launcher as a process
of the state folder (its own port, data directory and socket, on
127.0.0.1), so that a fault run can SIGKILL it alone and start it again.
Its data directory is made once with ``mariadb-install-db``; root logs in
over the socket (unix_socket authentication), the services over TCP as the
cloud's database user.
"""

import subprocess

from tools.minicloud import bootstrap
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import system

MARIADBD = '/usr/sbin/mariadbd'
INSTALL_DB = 'mariadb-install-db'
START_TIMEOUT = 60

# NOTE: --no-defaults first, or the machine's my.cnf (port 3306, its data
# directory) would apply; a small buffer pool: the cell holds a few rows.
OPTIONS = ['--no-defaults', '--datadir=%s' % layout.CELL2_DB_DIR,
           '--user=root', '--innodb-buffer-pool-size=32M']


def server_argv():
    """mariadbd for cell2, in the foreground (procs runs it)."""
    return [MARIADBD] + OPTIONS + [
        '--port=%d' % layout.CELL2_DB_PORT, '--bind-address=%s' % layout.HOST,
        '--socket=%s' % layout.CELL2_DB_SOCKET,
        '--pid-file=%s' % (layout.CELL2_DB_DIR / 'mariadbd.pid'),
        '--skip-name-resolve', '--max-connections=500']


def _mysql(sql):
    return subprocess.run(['mysql', '--no-defaults', '-u', 'root',
                           '-S', str(layout.CELL2_DB_SOCKET), '-e', sql],
                          capture_output=True, text=True)


def ready():
    """True once cell2's server answers on its TCP port."""
    return subprocess.run(
        ['mysqladmin', '--no-defaults', '-h', layout.HOST,
         '-P', str(layout.CELL2_DB_PORT), '-u', layout.DB_USER,
         '-p' + layout.PASSWORD, '--connect-timeout=2', 'ping'],
        capture_output=True).returncode == 0


def _socket_ready():
    return _mysql('SELECT 1').returncode == 0


def start():
    """Start cell2's server (made on first use); wait until it answers."""
    if not (layout.CELL2_DB_DIR / 'mysql').exists():
        layout.CELL2_DB_DIR.mkdir(parents=True, exist_ok=True)
        with open(layout.LOGS / 'bootstrap.log', 'ab') as log:
            subprocess.run([INSTALL_DB] + OPTIONS + ['--skip-test-db'],
                           check=True, stdout=log, stderr=log)
    procs.start(layout.CELL2_DB_SERVER, server_argv())
    procs.wait_for(_socket_ready, layout.CELL2_DB_SERVER, START_TIMEOUT,
                   watch=[layout.CELL2_DB_SERVER])


def create_database():
    """cell2's database and the cloud's user on it, if missing."""
    sql = []
    if not bootstrap.DONE.exists():
        # A new state folder starts from an empty cell, as the others do.
        sql.append('DROP DATABASE IF EXISTS %s;' % layout.CELL2_DATABASE)
    sql.append('CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8;'
               % layout.CELL2_DATABASE)
    for host in ('127.0.0.1', 'localhost'):
        sql.append("CREATE USER IF NOT EXISTS '%s'@'%s' IDENTIFIED BY '%s';"
                   % (layout.DB_USER, host, layout.PASSWORD))
        sql.append("GRANT ALL ON %s.* TO '%s'@'%s';"
                   % (layout.CELL2_DATABASE, layout.DB_USER, host))
    out = _mysql(' '.join(sql))
    if out.returncode:
        raise RuntimeError('minicloud: cell2 database: %s' % out.stderr)


def create_vhost():
    """cell2's RabbitMQ vhost (its transport), once per state folder."""
    marker = bootstrap.DONE / 'cell2-vhost'
    if marker.exists():
        system.set_policies(layout.CELL2_VHOST)
        return
    # add_vhost fails on a vhost that exists (a wiped state folder's).
    subprocess.run(['rabbitmqctl', 'add_vhost', layout.CELL2_VHOST],
                   capture_output=True)
    subprocess.run(['rabbitmqctl', 'set_permissions', '-p',
                    layout.CELL2_VHOST, 'guest', '.*', '.*', '.*'],
                   check=True, capture_output=True)
    system.set_policies(layout.CELL2_VHOST)
    bootstrap.DONE.mkdir(parents=True, exist_ok=True)
    marker.touch()


def compute_nodes():
    """Host names with a compute node record in cell2."""
    out = subprocess.run(
        ['mysql', '--no-defaults', '-N', '-u', layout.DB_USER,
         '-p' + layout.PASSWORD, '-h', layout.HOST,
         '-P', str(layout.CELL2_DB_PORT), '-e',
         'SELECT host FROM %s.compute_nodes WHERE deleted = 0'
         % layout.CELL2_DATABASE], capture_output=True, text=True)
    return set(out.stdout.split()) if out.returncode == 0 else set()
