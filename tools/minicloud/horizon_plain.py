"""Horizon without the dashboard plugin: the benchmark's other arm (WSGI).

The mini-cloud's Horizon, same venv, same local_settings.py, same static
files and the same enabled files, with what the plugin's enabled file adds
taken out again: its Django app (so Horizon's Instances views keep
Horizon's own tables) and its tabs. Only the dashboard benchmark runs it,
on its own port, beside the Horizon with the plugin.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ['DJANGO_SETTINGS_MODULE'] = \
    'tools.minicloud.horizon_plain_settings'

application = get_wsgi_application()
