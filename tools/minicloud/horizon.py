"""Horizon 27 beside the cloud, with the project's dashboard plugin.

Set up the way an operator sets up a Horizon plugin: Horizon and the plugin
in Horizon's Python environment (a venv of their own, no nova in it),
``local_settings.py`` written into Horizon's ``openstack_dashboard/local``,
and the plugin's enabled file copied into
``openstack_dashboard/local/enabled``, exactly as shipped. Served by uWSGI
on loopback, with Horizon's offline-compressed static files, built at
``up`` (once, until Horizon, its settings or the enabled file change).
"""

import glob
import hashlib
import os
import pathlib
import shutil
import subprocess

from tools.minicloud import layout
from tools.minicloud import procs

SETTINGS = 'openstack_dashboard.settings'
# The benchmark's other arm: the same Horizon without the plugin's app
# and tabs (tools/minicloud/horizon_plain.py).
PLAIN_WSGI = 'tools.minicloud.horizon_plain:application'
STATIC_MARKER = layout.HORIZON_STATIC.parent / '.static-built'
READY_TIMEOUT = 120


def dashboard_dir():
    """``openstack_dashboard`` in the Horizon venv's site-packages."""
    found = glob.glob(str(layout.HORIZON_VENV / 'lib' / 'python3*' /
                          'site-packages' / 'openstack_dashboard'))
    if len(found) != 1:
        raise RuntimeError('minicloud: no single openstack_dashboard in %s'
                           % layout.HORIZON_VENV)
    return pathlib.Path(found[0])


def local_settings():
    """Horizon's local_settings.py: what differs from Horizon's defaults."""
    secret = hashlib.sha256(('horizon' + str(layout.STATE)).encode()
                            ).hexdigest()
    return '''\
# Written by tools/minicloud/horizon.py at every "up".
DEBUG = False
ALLOWED_HOSTS = [%(host)r, 'localhost']
# A throw-away cloud on loopback; the key only signs this Horizon's cookies.
SECRET_KEY = %(secret)r
OPENSTACK_HOST = %(host)r
OPENSTACK_KEYSTONE_URL = %(keystone)r
OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
OPENSTACK_ENDPOINT_TYPE = 'publicURL'
TIME_ZONE = 'UTC'

# Sessions in the process's own memory, not memcached (Horizon's default
# cache): one uWSGI process serves every request, so all see them.
SESSION_ENGINE = 'django.contrib.sessions.backends.cache'
CACHES = {
    'default': {
        'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',
    },
}

# Static files collected and compressed once, at "up"; uWSGI serves them.
STATIC_ROOT = %(static)r
COMPRESS_ENABLED = True
COMPRESS_OFFLINE = True
''' % {'host': layout.HOST, 'secret': secret,
       'keystone': layout.KEYSTONE_URL, 'static': str(layout.HORIZON_STATIC)}


def _django_admin(*args):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS)
    with open(procs.logfile('horizon-static'), 'ab') as log:
        subprocess.run([layout.horizon_bin('django-admin')] + list(args),
                       check=True, stdout=log, stderr=log, env=env,
                       cwd=str(layout.STATE))


def _static_fingerprint():
    parts = [(layout.HORIZON_VENV / '.minicloud-built').read_bytes(),
             local_settings().encode(),
             layout.HORIZON_ENABLED_FILE.read_bytes()]
    return hashlib.sha256(b'\0'.join(parts)).hexdigest()


def configure():
    """Write local_settings.py, install the enabled file, build statics."""
    local = dashboard_dir() / 'local'
    (local / 'local_settings.py').write_text(local_settings())
    shutil.copy(layout.HORIZON_ENABLED_FILE,
                local / 'enabled' / layout.HORIZON_ENABLED_FILE.name)
    want = _static_fingerprint()
    if STATIC_MARKER.exists() and STATIC_MARKER.read_text() == want:
        return
    print('minicloud: Horizon\'s static files (collectstatic, compress)',
          flush=True)
    layout.HORIZON_STATIC.mkdir(parents=True, exist_ok=True)
    _django_admin('collectstatic', '--noinput', '--clear', '--verbosity',
                  '0')
    _django_admin('compress', '--force', '--verbosity', '0')
    STATIC_MARKER.write_text(want)


def uwsgi_argv(name):
    """uWSGI for Horizon (``name``: HORIZON, or HORIZON_PLAIN)."""
    plain = name == layout.HORIZON_PLAIN
    port = layout.HORIZON_PLAIN_PORT if plain else layout.HORIZON_PORT
    return [layout.horizon_bin('uwsgi'),
            '--http-socket', '%s:%d' % (layout.HOST, port),
            '--module', PLAIN_WSGI if plain
            else 'openstack_dashboard.wsgi:application',
            # One process: the sessions live in its memory.
            '--processes', '1', '--threads', '2',
            '--static-map', '/static=%s' % layout.HORIZON_STATIC]


def env(name):
    if name == layout.HORIZON_PLAIN:
        return {'PYTHONPATH': str(layout.REPO)}
    return {}


def url(name=layout.HORIZON):
    return layout.HORIZON_PLAIN_URL if name == layout.HORIZON_PLAIN \
        else layout.HORIZON_URL


def ready(name=layout.HORIZON):
    """True once Horizon serves its login page."""
    return procs.http_ok(url(name) + '/auth/login/', timeout=10)


def wait_ready(name=layout.HORIZON):
    procs.wait_for(lambda: ready(name), name, READY_TIMEOUT, interval=1,
                   watch=[name])
