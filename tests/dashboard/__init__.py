"""Unit tests of the Horizon plugin (tox -e dashboard).

They run in an environment with Horizon and without nova; Django is set up
once here, with Horizon's own test settings and the plugin's app
(:mod:`tests.dashboard.settings`).
"""

import os

import django

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.dashboard.settings')
django.setup()
