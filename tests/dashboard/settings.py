"""Horizon's own test settings, with the plugin's app installed."""

from openstack_dashboard.test.settings import *  # noqa: F403,H303

INSTALLED_APPS = ['host_status_dashboard'] + list(INSTALLED_APPS)  # noqa
