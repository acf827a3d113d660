"""Which way the owner-facing events take, as the notifiers are configured.

Read from the notifiers' own file (``configs.notifier``), so that the
benchmark and the tests say what they measured without a second setting.
"""

import configparser

from tools.minicloud import layout


def _options():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(layout.NOTIFIER_CONF)
    if not parser.has_section('host_status_notifier'):
        return {}
    return dict(parser.items('host_status_notifier'))


def current():
    """``ceilometer`` (the owner topics) or ``aodh`` (the shortcut)."""
    return 'aodh' if _options().get('owner_feed') == 'aodh' else 'ceilometer'


def events_per_change(servers):
    """Owner-facing events one change of a host of *servers* makes.

    One per server (the owner's project owns them all here), and one
    summary for the project where summaries are sent.
    """
    shapes = _options().get('owner_events', 'server')
    return servers * ('server' in shapes) + ('project' in shapes)
