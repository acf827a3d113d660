"""Horizon's settings less the dashboard plugin (see :mod:`.horizon_plain`)."""

from openstack_dashboard.settings import *  # noqa: F403,H303

PLUGIN = 'host_status_dashboard'

INSTALLED_APPS = [app for app in INSTALLED_APPS  # noqa: F405
                  if app != PLUGIN]
HORIZON_CONFIG['plugins'] = [  # noqa: F405
    app for app in HORIZON_CONFIG['plugins'] if app != PLUGIN]  # noqa: F405
HORIZON_CONFIG['extra_tabs'] = {  # noqa: F405
    group: tuple(tab for tab in tabs
                 if not tab[1].startswith(PLUGIN + '.'))
    for group, tabs in HORIZON_CONFIG['extra_tabs'].items()}  # noqa: F405
