"""The filter and the notifier load without Django (the plugin needs it)."""

import subprocess
import sys

import testtools

PROBE = '''
import importlib
import sys
importlib.import_module(sys.argv[1])
print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in (
    'django', 'horizon', 'openstack_dashboard', 'host_status_dashboard'))))
'''


class NoDjangoTest(testtools.TestCase):

    def assert_loads_without_django(self, module):
        # A process of its own for each, as nova-api and the notifier's
        # console script load them.
        out = subprocess.run([sys.executable, '-c', PROBE, module],
                             check=True, capture_output=True, text=True)
        self.assertEqual('', out.stdout.strip(), module)

    def test_the_filter(self):
        self.assert_loads_without_django('host_status_ext.middleware')

    def test_the_notifier(self):
        self.assert_loads_without_django('host_status_ext.notifier.cmd')
