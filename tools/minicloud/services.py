"""How each OpenStack process of the mini-cloud is started.

The five APIs run under uwsgi (none of them ships a server command any
more); the nova services are their console scripts from the venv.
"""

from tools.minicloud import layout
from tools.minicloud import procs

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
    return [layout.venv_bin(name),
            '--config-file', str(layout.NOVA_ETC / 'nova.conf')]


def env(name):
    return api_env(name) if name in layout.APIS else {}


def start(name):
    return procs.start(name, argv(name), env(name))


def url(name):
    port = layout.APIS[name][0]
    return 'http://%s:%d/' % (layout.HOST, port)


def api_ready(name):
    return procs.http_ok(url(name))
