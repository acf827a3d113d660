"""Two virtualenvs: the OpenStack stack with this project, and telemetry.

Each is built once from PyPI with its own constraints file (frozen from a
working install) and reused by every later ``up``: a marker file records
the constraints it was built with, so a changed constraints file rebuilds
it. ceilometer and aodh have a venv of their own (``telemetry-venv``,
``telemetry-constraints.txt``): ceilometer 27 pulls botocore, which wants
python-dateutil < 3, and the cloud's venv has 4.0.0. They talk to the rest
over RabbitMQ, MariaDB and HTTP only, so nothing needs them in one venv.
"""

import hashlib
import subprocess
import sys

from tools.minicloud import layout

# What the cloud runs; the versions come from constraints.txt.
STACK = ('nova', 'keystone', 'glance', 'neutron', 'openstack-placement',
         'python-openstackclient', 'openstacksdk', 'uwsgi', 'PyMySQL',
         # this project's requirement beyond nova's (it is installed
         # --no-deps below)
         'orjson',
         # the e2e tests run inside this venv (Selenium drives Debian's
         # chromium for the dashboard's)
         'stestr', 'testtools', 'fixtures', 'selenium',
         # ``openstack alarm ...``: the owner's way to Aodh
         'aodhclient')

# ceilometer's notification agent and aodh's API, listener and notifier.
TELEMETRY_STACK = ('aodh', 'ceilometer', 'PyMySQL', 'uwsgi')
TELEMETRY_MARKER = layout.TELEMETRY_VENV / '.minicloud-built'

MARKER = layout.VENV / '.minicloud-built'
PROJECT_MARKER = layout.VENV / '.minicloud-project'
SETUP_CFG = layout.REPO / 'setup.cfg'


def _fingerprint(constraints=layout.CONSTRAINTS, stack=STACK):
    text = constraints.read_bytes() if constraints.exists() else b''
    return hashlib.sha256(text + ' '.join(stack).encode()).hexdigest()


def _pip(*args, python=None):
    subprocess.run([python or layout.venv_bin('python'), '-m', 'pip', '-q',
                    '--disable-pip-version-check'] + list(args), check=True)


def ensure_telemetry():
    """Build the telemetry venv if it is missing or stale."""
    want = _fingerprint(layout.TELEMETRY_CONSTRAINTS, TELEMETRY_STACK)
    if TELEMETRY_MARKER.exists() and TELEMETRY_MARKER.read_text() == want:
        return
    print('minicloud: building %s (a few minutes)' % layout.TELEMETRY_VENV,
          flush=True)
    python = layout.telemetry_bin('python')
    if not (layout.TELEMETRY_VENV / 'bin' / 'python').exists():
        subprocess.run([sys.executable, '-m', 'venv',
                        str(layout.TELEMETRY_VENV)], check=True)
    _pip('install', '-c', str(layout.TELEMETRY_CONSTRAINTS),
         *TELEMETRY_STACK, python=python)
    TELEMETRY_MARKER.write_text(want)


# Horizon and the WSGI server; the plugin is installed editable on top
# (from dashboard/, without dependencies: Horizon is its only one).
HORIZON_STACK = ('horizon', 'uwsgi')
HORIZON_MARKER = layout.HORIZON_VENV / '.minicloud-built'
HORIZON_PLUGIN = layout.REPO / 'dashboard'


def ensure_horizon():
    """Build the Horizon venv if it is missing or stale.

    The plugin is installed editable, so that the running Horizon loads
    the working tree's code; it is reinstalled when its setup.cfg changed.
    """
    want = _fingerprint(layout.HORIZON_CONSTRAINTS, HORIZON_STACK) + \
        hashlib.sha256((HORIZON_PLUGIN / 'setup.cfg').read_bytes()
                       ).hexdigest()
    if HORIZON_MARKER.exists() and HORIZON_MARKER.read_text() == want:
        return
    print('minicloud: building %s (a minute or two)' % layout.HORIZON_VENV,
          flush=True)
    python = layout.horizon_bin('python')
    if not (layout.HORIZON_VENV / 'bin' / 'python').exists():
        subprocess.run([sys.executable, '-m', 'venv',
                        str(layout.HORIZON_VENV)], check=True)
    _pip('install', '-c', str(layout.HORIZON_CONSTRAINTS), *HORIZON_STACK,
         python=python)
    _pip('install', '--no-deps', '-e', str(HORIZON_PLUGIN), python=python)
    HORIZON_MARKER.write_text(want)


def ensure():
    """Build the venv if it is missing or stale; always (re)install us.

    The project is installed editable so the paste entry point
    ``egg:host-status-ext#host_status`` resolves to the working tree.
    Its entry points and console scripts (``host-status-notifier``) are
    written at install time, though: a changed ``setup.cfg`` reinstalls it.
    """
    if not (MARKER.exists() and MARKER.read_text() == _fingerprint()):
        print('minicloud: building %s (a few minutes)' % layout.VENV,
              flush=True)
        if not (layout.VENV / 'bin' / 'python').exists():
            subprocess.run([sys.executable, '-m', 'venv', str(layout.VENV)],
                           check=True)
        cons = ['-c', str(layout.CONSTRAINTS)] \
            if layout.CONSTRAINTS.exists() else []
        _pip('install', *cons, *STACK)
        _install_project()
        MARKER.write_text(_fingerprint())
    elif not _project_installed():
        _install_project()


def _project_fingerprint():
    return hashlib.sha256(SETUP_CFG.read_bytes()).hexdigest()


def _install_project():
    _pip('install', '--no-deps', '-e', str(layout.REPO))
    PROJECT_MARKER.write_text(_project_fingerprint())


def _project_installed():
    if not (PROJECT_MARKER.exists() and
            PROJECT_MARKER.read_text() == _project_fingerprint()):
        return False
    probe = ('import importlib.metadata as m, sys; '
             'eps = m.entry_points(group="paste.filter_factory"); '
             'sys.exit(0 if any(e.name == "host_status" and '
             'e.dist.name == "host-status-ext" for e in eps) else 1)')
    return subprocess.run([layout.venv_bin('python'), '-c', probe]
                          ).returncode == 0


def freeze(telemetry=False):
    """Print a venv's packages, for refreshing its constraints file."""
    python = layout.telemetry_bin('python') if telemetry \
        else layout.venv_bin('python')
    out = subprocess.run([python, '-m', 'pip', 'freeze',
                          '--exclude-editable'], check=True,
                         capture_output=True, text=True).stdout
    if telemetry:
        return ("# The mini-cloud's telemetry venv (ceilometer, aodh), "
                "frozen from a working install:\n# python -m "
                "tools.minicloud freeze --telemetry > "
                "tools/minicloud/telemetry-constraints.txt\n" + out)
    return ("# The mini-cloud's venv (tools/minicloud), frozen from a working"
            " install:\n# python -m tools.minicloud freeze > "
            "tools/minicloud/constraints.txt\n" + out)
