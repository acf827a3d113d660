"""How each OpenStack process of the mini-cloud is started.

The five APIs run under uwsgi (none of them ships a server command any
more); the nova services and this project's host-status-notifier are
their console scripts from the venv.
"""

import subprocess

from tools.minicloud import cell2
from tools.minicloud import configs
from tools.minicloud import horizon
from tools.minicloud import layout
from tools.minicloud import paste
from tools.minicloud import procs
from tools.minicloud import system

# NOTE: "Connection: close" cures intermittent 503s between services: a
# client reusing a connection uwsgi had already closed.
UWSGI_COMMON = ['--master', '--lazy-apps', '--enable-threads',
                '--die-on-term', '--add-header', 'Connection: close',
                '--buffer-size', '65535', '--disable-logging']

# nova-api gets two workers so the load run measures more than one
# thread's queue; the rest need little.
WORKERS = {'nova-api': (2, 2)}


def api_argv(name):
    port, module, _ = layout.APIS[name]
    processes, threads = WORKERS.get(name, (1, 2))
    return [layout.venv_bin('uwsgi'),
            '--http-socket', '%s:%d' % (layout.HOST, port),
            '--module', module, '--processes', str(processes),
            '--threads', str(threads)] + UWSGI_COMMON


def start_plain_api():
    """Start a second nova-api without our filter (nova's own paste file)."""
    etc = layout.ETC / 'nova-plain'
    etc.mkdir(parents=True, exist_ok=True)
    (etc / 'api-paste.ini').write_text(paste.nova_original())
    (etc / 'nova.conf').write_text(configs.nova().replace(
        str(layout.NOVA_PASTE), str(etc / 'api-paste.ini')))
    argv = api_argv('nova-api')
    argv[argv.index('--http-socket') + 1] = '%s:%d' % (
        layout.HOST, layout.PLAIN_API_PORT)
    procs.start(layout.PLAIN_API, argv, {'OS_NOVA_CONFIG_DIR': str(etc)})
    procs.wait_for(lambda: procs.http_ok(layout.PLAIN_COMPUTE_URL + '/'),
                   layout.PLAIN_API, 120, watch=[layout.PLAIN_API])


def api_env(name):
    env_var = layout.APIS[name][2]
    return {env_var: str(layout.ETC / name.replace('-api', ''))}


def argv(name):
    if name in layout.APIS:
        return api_argv(name)
    if name.startswith('nova-compute@'):
        host = name.split('@', 1)[1]
        etc = layout.ETC / 'nova-compute'
        return [layout.venv_bin('nova-compute'),
                '--config-file', str(etc / 'nova-compute.conf'),
                '--config-file', str(etc / (host + '.conf'))]
    if name == layout.CELL2_DB_SERVER:
        return cell2.server_argv()
    if name == layout.CELL2_CONDUCTOR:
        return [layout.venv_bin('nova-conductor'),
                '--config-file', str(layout.CELL2_ETC / 'nova.conf')]
    if name in layout.NOTIFIERS:
        return [layout.venv_bin(layout.NOTIFIER),
                '--config-file', str(layout.NOVA_ETC / 'nova.conf'),
                '--config-file', str(layout.NOTIFIER_CONF),
                '--config-file', str(layout.notifier_conf(name))]
    if name == layout.REDIS:
        return ['redis-server', str(layout.ETC / 'redis' / 'redis.conf')]
    if name == 'aodh-api':
        return aodh_api_argv()
    if name in ('aodh-listener', 'aodh-notifier'):
        return [layout.telemetry_bin(name),
                '--config-file', str(layout.AODH_CONF)]
    if name == 'ceilometer-agent-notification':
        return [layout.telemetry_bin(name),
                '--config-file', str(layout.CEILOMETER_CONF)]
    if name in (layout.HORIZON, layout.HORIZON_PLAIN):
        return horizon.uwsgi_argv(name) + UWSGI_COMMON
    if name == layout.WEBHOOK:
        return [layout.venv_bin('python'), '-m', 'tools.minicloud.webhook',
                '--port', str(layout.WEBHOOK_PORT)]
    return [layout.venv_bin(name),
            '--config-file', str(layout.NOVA_ETC / 'nova.conf')]


def aodh_api_argv():
    """aodh's API under uwsgi, reading the mini-cloud's aodh.conf.

    NOTE: ``aodh.wsgi.api:application`` parses no command line and
    honours no config-dir variable: it finds aodh.conf only in
    oslo.config's default places (~/.aodh, /etc/aodh, then $SNAP/etc/aodh).
    The ``aodh-api`` script aodh installs (pbr's wsgi_scripts) builds the
    same application from ``sys.argv``, which uwsgi's ``--pyargv`` sets.
    That is not enough: the authtoken filter of aodh's api-paste.ini
    (``oslo_config_project = aodh``) reads its options again from those
    default places alone. So ``SNAP`` is the state folder too (see
    :func:`env`), whose ``etc/aodh/aodh.conf`` is this file; an
    /etc/aodh/aodh.conf on the machine would be read before it.
    """
    processes, threads = WORKERS.get('aodh-api', (1, 2))
    return [layout.telemetry_bin('uwsgi'),
            '--http-socket', '%s:%d' % (layout.HOST, layout.AODH_PORT),
            '--wsgi-file', layout.telemetry_bin('aodh-api'),
            '--pyargv', '--config-file %s' % layout.AODH_CONF,
            '--processes', str(processes), '--threads', str(threads)
            ] + UWSGI_COMMON


def env(name):
    if name in layout.APIS:
        return api_env(name)
    if name == layout.WEBHOOK:
        return {'PYTHONPATH': str(layout.REPO)}
    if name in (layout.HORIZON, layout.HORIZON_PLAIN):
        return horizon.env(name)
    if name == 'aodh-api':
        # $SNAP/etc/aodh/aodh.conf is layout.AODH_CONF (aodh_api_argv).
        return {'SNAP': str(layout.STATE)}
    return {}


def start(name, notifications=True):
    """Start service *name* unless it runs.

    :param notifications: False starts a host-status-notifier as if nova
        sent no versioned notifications (the safety net's e2e test).
    """
    args = argv(name)
    if name in layout.NOTIFIERS and not notifications:
        args += ['--config-file', str(layout.NOTIFIER_NO_NOTIFICATIONS_CONF)]
    return procs.start(name, args, env(name))


def url(name):
    port = layout.APIS[name][0]
    return 'http://%s:%d/' % (layout.HOST, port)


def api_ready(name):
    return procs.http_ok(url(name))


def redis_ready():
    return bool(procs.pid(layout.REDIS)) and procs.tcp_ok(
        layout.HOST, layout.REDIS_PORT)


def notifier_ready():
    """True once every notifier runs and cell1 has an owner that read it.

    The owner's first read of a cell records its starting point in the
    notifiers' database (cheap to ask with the mysql CLI).
    """
    if not all(procs.pid(n) for n in layout.NOTIFIERS):
        return False
    out = subprocess.run(
        ['mysql', '-N', '-u', layout.DB_USER, '-p' + layout.PASSWORD,
         '-h', layout.HOST, layout.DB_PREFIX + 'host_status_notifier', '-e',
         'SELECT COUNT(*) FROM host_status_notifier_cells WHERE baselined'],
        capture_output=True, text=True)
    return out.returncode == 0 and out.stdout.strip() not in ('', '0')


def telemetry_ready():
    """True once aodh, ceilometer and the owner's webhook are ready.

    aodh's API and the webhook answer, and aodh-listener, aodh-notifier
    and ceilometer consume their queues: a listener that has not bound
    its queue yet would miss the first event.
    """
    if not (procs.http_ok(layout.AODH_URL + '/') and
            procs.http_ok(layout.WEBHOOK_URL + '/')):
        return False
    consumers = system.queue_consumers()
    return all(consumers.get(q, 0) > 0 for q in (
        layout.AODH_LISTENER_QUEUE, layout.AODH_NOTIFIER_QUEUE,
        layout.CEILOMETER_QUEUE))
