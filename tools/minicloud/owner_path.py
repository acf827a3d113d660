"""Which way the owner-facing events take, and switching it on a running cloud.

``ceilometer``: the notifiers send the owner feed on the owner topics,
which ceilometer's agent turns into events for aodh-listener. ``aodh``:
the shortcut (``[host_status_notifier] owner_aodh_topics``), straight to
aodh-listener's topic. The notifiers' own file says which
(``configs.notifier``); the benchmark and the e2e tests read it from there
and switch it with :func:`use`, which rewrites that file and restarts the
notifiers. Runs in the mini-cloud's venv (SQLAlchemy).
"""

import configparser

import sqlalchemy as sa

from tools.minicloud import configs
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import services
from tools import waiting

PATHS = ('ceilometer', 'aodh')
RESTART_TIMEOUT = 120


def _options():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(layout.NOTIFIER_CONF)
    if not parser.has_section('host_status_notifier'):
        return {}
    return dict(parser.items('host_status_notifier'))


def current():
    """``ceilometer`` (the owner topics) or ``aodh`` (the shortcut)."""
    return 'aodh' if _options().get('owner_aodh_topics') else 'ceilometer'


def events_per_change(servers):
    """Owner-facing events one change of a host of *servers* makes.

    One per server (the owner's project owns them all here), and one
    summary for the project where summaries are sent.
    """
    shapes = _options().get('owner_events', 'server')
    return servers * ('server' in shapes) + ('project' in shapes)


def _cells_owned_by(pids):
    """True once every cell's owner is one of the notifier processes *pids*.

    An instance's name in the notifiers' database is
    ``<publisher_host>.<pid>.<random>``: a cell owned by a pid of before
    the restart has not been taken over yet.
    """
    engine = sa.create_engine(layout.db_url('host_status_notifier'))
    try:
        with engine.connect() as conn:
            owners = [r[0] for r in conn.exec_driver_sql(
                'SELECT owner FROM host_status_notifier_cells').all()]
    finally:
        engine.dispose()
    return bool(owners) and all(
        o and o.split('.')[1] in {str(p) for p in pids} for o in owners)


def use(path):
    """Switch the running notifiers to *path*; returns True if it changed.

    Changes made while they restart are not lost: the notifiers keep what
    they last sent in their database and send what changed since.
    """
    if path not in PATHS:
        raise ValueError('owner path %r is none of %s' % (path, PATHS))
    if current() == path:
        return False
    layout.NOTIFIER_CONF.write_text(configs.notifier(owner_path=path))
    procs.stop_many(list(layout.NOTIFIERS))
    for name in layout.NOTIFIERS:
        services.start(name)
    pids = [procs.pid(name) for name in layout.NOTIFIERS]
    waiting.wait_until(lambda: _cells_owned_by(pids), RESTART_TIMEOUT,
                       'the restarted notifiers to own every cell',
                       interval=0.5)
    return True
