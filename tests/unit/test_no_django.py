"""The filter and the notifier load without Django (the plugin needs it)."""

import subprocess
import sys

import testtools

PROBE = '''
import sys
import host_status_ext.middleware
import host_status_ext.notifier.cmd
loaded = sorted(m for m in sys.modules
                if m.split('.')[0] in ('django', 'horizon',
                                       'openstack_dashboard',
                                       'host_status_dashboard'))
print(' '.join(loaded))
'''


class NoDjangoTest(testtools.TestCase):

    def test_filter_and_notifier_import_nothing_of_django(self):
        out = subprocess.run([sys.executable, '-c', PROBE], check=True,
                             capture_output=True, text=True)
        self.assertEqual('', out.stdout.strip())
