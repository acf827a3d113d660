"""The real console scripts on a real database file: the service refuses a
database without its schema, dbsync creates it, and the service then gets
past the check."""

import os
import subprocess
import sys

import fixtures
import sqlalchemy as sa
import testtools

from host_status_ext.notifier import migration
from tests.functional import logcapture

CONFIG = """[DEFAULT]
log_file = %(log)s
service_down_time = 3600

[host_status_notifier]
poll_interval = 0.1

[host_status_notifier_database]
connection = %(url)s
"""


class TestDbsyncThenStart(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(logcapture.WholeTestLogging())
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.url = 'sqlite:///' + os.path.join(self.dir, 'state.db')
        self.log = os.path.join(self.dir, 'notifier.log')
        self.config = os.path.join(self.dir, 'host-status-notifier.conf')
        with open(self.config, 'w') as f:
            f.write(CONFIG % {'log': self.log, 'url': self.url})

    def run_module(self, module, timeout=120):
        return subprocess.run(
            [sys.executable, '-m', module, '--config-file', self.config],
            capture_output=True, text=True, timeout=timeout)

    def revision(self):
        engine = sa.create_engine(self.url)
        self.addCleanup(engine.dispose)
        with engine.connect() as connection:
            return migration.current(connection)

    def test_refused_before_dbsync_then_created(self):
        notifier = self.run_module('host_status_ext.notifier.cmd')
        with open(self.log) as f:
            log = f.read()
        self.assertEqual(2, notifier.returncode, log)
        self.assertIn('host-status-notifier cannot start: the database has '
                      'no host-status-notifier schema; run '
                      'host-status-notifier-dbsync to create it.', log)
        self.assertIsNone(self.revision())

        dbsync = self.run_module('host_status_ext.notifier.dbsync')
        self.assertEqual(0, dbsync.returncode, dbsync.stderr)
        self.assertIn('upgraded from nothing to revision %s'
                      % migration.head(), dbsync.stdout)
        self.assertEqual(migration.head(), self.revision())
