"""Debian's MariaDB and RabbitMQ: install once, bind to loopback, start.

Debian's redis-server is installed here too, but runs as a process of the
state folder (:mod:`.services`), not as the machine's service.

These two are machine services (``service ... start``), not processes of
the state folder; ``down`` leaves them running unless asked, since other
work on the machine may use them and they cost little.
"""

import os
import shutil
import subprocess

from tools.minicloud import layout
from tools import waiting

PACKAGES = ('mariadb-server', 'rabbitmq-server', 'redis-server',
            # the dashboard's browser tests and the demo's screenshot
            'chromium', 'chromium-driver')

# NOTE: RabbitMQ listens on every address unless told; epmd and the
# Erlang distribution port too.
RABBIT_ENV = """\
# Written by tools/minicloud: loopback only.
NODE_IP_ADDRESS=127.0.0.1
export ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
"""

MARIADB_CNF = """\
# Written by tools/minicloud: loopback only, enough connections for the
# services of a mini-cloud.
[mysqld]
bind-address = 127.0.0.1
max_connections = 1000
"""


def _run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def install():
    """apt-get the packages that are missing (one ``apt-get update``)."""
    missing = [p for p in PACKAGES
               if subprocess.run(['dpkg-query', '-W', '-f=${Status}', p],
                                 capture_output=True, text=True)
               .stdout.strip() != 'install ok installed']
    if not missing:
        return
    print('minicloud: apt-get install %s' % ' '.join(missing), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    _run(['apt-get', 'update', '-q'], env=env, stdout=subprocess.DEVNULL)
    _run(['apt-get', 'install', '-y', '-q'] + missing, env=env,
         stdout=subprocess.DEVNULL)


def _write_if_changed(path, text):
    if os.path.exists(path) and open(path).read() == text:
        return False
    with open(path, 'w') as f:
        f.write(text)
    return True


def _ok(cmd, timeout):
    try:
        return subprocess.run(cmd, capture_output=True,
                              timeout=timeout).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _rabbit_up():
    return _ok(['rabbitmqctl', 'status'], 60)


def _mariadb_up():
    return _ok(['mysqladmin', 'ping'], 30)


def start():
    """Start MariaDB and RabbitMQ, bound to loopback."""
    changed = _write_if_changed('/etc/mysql/mariadb.conf.d/99-minicloud.cnf',
                                MARIADB_CNF)
    if changed or not _mariadb_up():
        _run(['service', 'mariadb', 'restart' if changed else 'start'],
             stdout=subprocess.DEVNULL)
    waiting.wait_until(_mariadb_up, 60, 'MariaDB up', interval=1)
    changed = _write_if_changed('/etc/rabbitmq/rabbitmq-env.conf', RABBIT_ENV)
    if changed and _rabbit_up():
        _run(['service', 'rabbitmq-server', 'stop'],
             stdout=subprocess.DEVNULL)
    if not _rabbit_up():
        _run(['service', 'rabbitmq-server', 'start'],
             stdout=subprocess.DEVNULL)
    waiting.wait_until(_rabbit_up, 120, 'RabbitMQ up', interval=1)
    set_policies('/')


def set_policies(vhost):
    """The operator's RabbitMQ policies on *vhost* (layout.RABBIT_POLICIES).

    Setting a policy that is already set is a no-op for RabbitMQ.
    """
    for name, pattern, definition in layout.RABBIT_POLICIES:
        _run(['rabbitmqctl', '-q', 'set_policy', '-p', vhost,
              '--apply-to', 'queues', name, pattern, definition],
             stdout=subprocess.DEVNULL)


def create_databases():
    """The services' databases and their user, if missing."""
    sql = ["CREATE USER IF NOT EXISTS '{u}'@'127.0.0.1' IDENTIFIED BY '{p}';",
           "CREATE USER IF NOT EXISTS '{u}'@'localhost' IDENTIFIED BY '{p}';"]
    for db in layout.DATABASES:
        sql.append('CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8;' % db)
        sql.append("GRANT ALL ON %s.* TO '{u}'@'127.0.0.1';" % db)
        sql.append("GRANT ALL ON %s.* TO '{u}'@'localhost';" % db)
    sql = ' '.join(sql).format(u=layout.DB_USER, p=layout.PASSWORD)
    _run(['mysql', '-e', sql])


def drop_databases():
    """For ``down --wipe``: the cloud's databases go with its state folder."""
    if shutil.which('mysql') and _mariadb_up():
        _run(['mysql', '-e', ' '.join('DROP DATABASE IF EXISTS %s;' % db
                                      for db in layout.DATABASES)])


def stop():
    for name in ('rabbitmq-server', 'mariadb'):
        subprocess.run(['service', name, 'stop'], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def queue_consumers():
    """``{queue: consumer count}`` of RabbitMQ's default vhost ({} if down)."""
    try:
        out = subprocess.run(
            ['rabbitmqctl', '-q', '--no-table-headers', 'list_queues',
             'name', 'consumers'], capture_output=True, text=True,
            timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            found[parts[0]] = int(parts[1])
    return found
