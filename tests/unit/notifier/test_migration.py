"""The shared database's schema: migrations against the tables, the
upgrade from the schema that shipped before migrations, dbsync, and the
service's refusal of any schema but its release's."""

import io
import os
from unittest import mock

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslo_db.sqlalchemy import test_migrations
import sqlalchemy as sa
import testtools

from host_status_ext.notifier import conf as notifier_conf
from host_status_ext.notifier import dbsync
from host_status_ext.notifier import factory
from host_status_ext.notifier import migration
from host_status_ext.notifier import shared_state
from host_status_ext.notifier import state

# The tables exactly as shared_state.py defined them, and create_all()
# created them at every start, in the release before migrations.
PRE_MIGRATION = sa.MetaData()
sa.Table(
    'host_status_notifier_cells', PRE_MIGRATION,
    sa.Column('cell_uuid', sa.String(36), primary_key=True),
    sa.Column('epoch', sa.Integer, nullable=False),
    sa.Column('owner', sa.String(255)),
    sa.Column('baselined', sa.Boolean, nullable=False, default=False),
    sa.Column('writes', sa.Integer, nullable=False, default=0),
    sa.Column('taken_at', sa.DateTime),
    mysql_engine='InnoDB', mysql_charset='utf8mb4')
sa.Table(
    'host_status_notifier_hosts', PRE_MIGRATION,
    sa.Column('cell_uuid', sa.String(36), primary_key=True),
    sa.Column('host', sa.String(255), primary_key=True),
    sa.Column('status', sa.String(16), nullable=False, default=''),
    sa.Column('pending_old', sa.String(16)),
    sa.Column('pending_new', sa.String(16)),
    sa.Column('pending_changed_at', sa.String(32)),
    mysql_engine='InnoDB', mysql_charset='utf8mb4')

CHANGED_AT = '2026-11-26T05:00:00.000001Z'


class DatabaseTestCase(testtools.TestCase):
    """An empty SQLite file per test."""

    def setUp(self):
        super().setUp()
        path = self.useFixture(fixtures.TempDir()).path
        self.url = 'sqlite:///' + os.path.join(path, 'state.db')
        self.engine = shared_state.make_engine(self.url)
        self.addCleanup(self.engine.dispose)

    def tables(self):
        return set(sa.inspect(self.engine).get_table_names())

    def revision(self):
        with self.engine.connect() as connection:
            return migration.current(connection)


class TestModelsMatchMigrations(test_migrations.ModelsMigrationsSync,
                                testtools.TestCase):
    """The tables the code uses are those the migrations make.

    A change of shared_state.METADATA without its migration (or the
    reverse) fails here, with alembic's list of differences.
    """

    def setUp(self):
        super().setUp()
        path = self.useFixture(fixtures.TempDir()).path
        self.engine = shared_state.make_engine(
            'sqlite:///' + os.path.join(path, 'state.db'))
        self.addCleanup(self.engine.dispose)

    def get_engine(self):
        return self.engine

    def get_metadata(self):
        return shared_state.METADATA

    def db_sync(self, engine):
        migration.upgrade(engine)

    def include_object(self, object_, name, type_, reflected, compare_to):
        return not (type_ == 'table' and name == migration.VERSION_TABLE)


class TestUpgrade(DatabaseTestCase):

    def test_an_empty_database_gets_the_whole_schema(self):
        self.assertEqual((None, migration.head()),
                         migration.upgrade(self.engine))
        self.assertEqual(set(migration.PRE_MIGRATION_TABLES)
                         | {migration.VERSION_TABLE}, self.tables())
        migration.check(self.engine)

    def test_again_changes_nothing(self):
        migration.upgrade(self.engine)
        head = migration.head()
        self.assertEqual((head, head), migration.upgrade(self.engine))

    def test_from_the_schema_that_shipped_before_migrations(self):
        # As that release left it: its tables, created by create_all() at
        # start, with a cell taken and baselined, a host sent, one pending.
        PRE_MIGRATION.create_all(self.engine)
        cells, hosts = (PRE_MIGRATION.tables['host_status_notifier_cells'],
                        PRE_MIGRATION.tables['host_status_notifier_hosts'])
        with self.engine.begin() as conn:
            conn.execute(cells.insert().values(
                cell_uuid='c1', epoch=7, owner='a', baselined=True,
                writes=3))
            conn.execute(hosts.insert().values(
                cell_uuid='c1', host='h1', status='UP'))
            conn.execute(hosts.insert().values(
                cell_uuid='c1', host='h2', status='UP', pending_old='UP',
                pending_new='DOWN', pending_changed_at=CHANGED_AT))
        self.assertRaisesRegex(migration.SchemaError, 'before migrations.*'
                               'run host-status-notifier-dbsync',
                               migration.check, self.engine)

        self.assertEqual((migration.INITIAL, migration.head()),
                         migration.upgrade(self.engine))

        migration.check(self.engine)
        # Nothing lost: the next owner finds the state the last one left.
        taken = shared_state.DatabaseStore(self.url).take('c1', 'b')
        self.assertEqual((8, True), (taken.epoch, taken.baselined))
        self.assertEqual({'h1': 'UP', 'h2': 'UP'}, taken.hosts)
        self.assertEqual({'h2': state.Pending('UP', 'DOWN', CHANGED_AT)},
                         taken.pending)

    def test_tables_of_another_shape_are_left_alone(self):
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                'CREATE TABLE host_status_notifier_cells (cell_uuid '
                'VARCHAR(36) PRIMARY KEY, epoch INTEGER)')
            conn.exec_driver_sql(
                'CREATE TABLE host_status_notifier_hosts (cell_uuid '
                'VARCHAR(36), host VARCHAR(255))')
        error = self.assertRaises(migration.SchemaError, migration.upgrade,
                                  self.engine)
        self.assertIn('table host_status_notifier_cells has columns '
                      'cell_uuid, epoch', str(error))
        self.assertIsNone(self.revision())
        self.assertNotIn(migration.VERSION_TABLE, self.tables())

    def test_half_of_the_old_tables_are_left_alone(self):
        PRE_MIGRATION.tables['host_status_notifier_cells'].create(
            self.engine)
        error = self.assertRaises(migration.SchemaError, migration.upgrade,
                                  self.engine)
        self.assertIn('table host_status_notifier_hosts is missing',
                      str(error))

    def test_a_revision_of_a_later_release_is_left_alone(self):
        migration.upgrade(self.engine)
        self.stamp('f00dfeedbeef')
        error = self.assertRaises(migration.SchemaError, migration.upgrade,
                                  self.engine)
        self.assertIn('f00dfeedbeef is not one of this release', str(error))
        self.assertEqual('f00dfeedbeef', self.revision())

    def stamp(self, revision):
        with self.engine.begin() as conn:
            conn.execute(sa.text('UPDATE %s SET version_num = :r'
                                 % migration.VERSION_TABLE), {'r': revision})


class TestServiceRefuses(DatabaseTestCase):
    """The service never creates or changes the schema: it refuses."""

    def assertRefused(self, pattern):
        self.assertRaisesRegex(migration.SchemaError, pattern,
                               shared_state.DatabaseStore, self.url)

    def test_an_empty_database(self):
        self.assertRefused('no host-status-notifier schema; run '
                           'host-status-notifier-dbsync to create it')
        self.assertEqual(set(), self.tables())

    def test_an_older_known_revision(self):
        migration.upgrade(self.engine)
        recorded = migration.head()
        with mock.patch.object(migration, 'head', return_value='later'):
            self.assertRefused('at revision %s, this release needs later; '
                               'run host-status-notifier-dbsync' % recorded)

    def test_a_revision_it_does_not_know(self):
        migration.upgrade(self.engine)
        TestUpgrade.stamp(self, 'f00dfeedbeef')
        self.assertRefused('f00dfeedbeef, which this release does not know')

    def test_the_factory_passes_the_refusal_on(self):
        conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts())).conf
        notifier_conf.register_opts(conf)
        conf.set_override('connection', self.url,
                          group='host_status_notifier_database')
        self.assertRaises(migration.SchemaError, factory.make_store, conf)
        migration.upgrade(self.engine)
        self.assertIsInstance(factory.make_store(conf),
                              shared_state.DatabaseStore)


class TestDbsync(DatabaseTestCase):
    """The console script, with a configuration file as an operator's."""

    def config(self, text):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'host-status-notifier.conf')
        with open(path, 'w') as f:
            f.write(text)
        return ['--config-file', path]

    def run_dbsync(self, argv):
        out = self.useFixture(fixtures.MonkeyPatch('sys.stdout',
                                                   io.StringIO())).new_value
        err = self.useFixture(fixtures.MonkeyPatch('sys.stderr',
                                                   io.StringIO())).new_value
        return dbsync.main(argv), out.getvalue(), err.getvalue()

    def test_creates_then_finds_it_done(self):
        argv = self.config('[host_status_notifier_database]\n'
                           'connection = %s\nmax_retries = 1\n' % self.url)
        code, out, _ = self.run_dbsync(argv)
        self.assertEqual(0, code)
        self.assertIn('upgraded from nothing to revision %s'
                      % migration.head(), out)
        code, out, _ = self.run_dbsync(argv)
        self.assertEqual((0, 'host-status-notifier-dbsync: the schema is at '
                          'revision %s already.' % migration.head()),
                         (code, out.splitlines()[-1]))
        migration.check(self.engine)

    def test_reads_the_connection_under_its_former_name(self):
        argv = self.config('[host_status_notifier]\nconnection = %s\n'
                           % self.url)
        self.assertEqual(0, self.run_dbsync(argv)[0])
        self.assertEqual(migration.head(), self.revision())

    def test_without_a_connection_says_so(self):
        code, _, err = self.run_dbsync(self.config('[DEFAULT]\n'))
        self.assertEqual(2, code)
        self.assertIn('[host_status_notifier_database] connection is not '
                      'set', err)

    def test_a_schema_it_does_not_know_is_reported(self):
        PRE_MIGRATION.tables['host_status_notifier_cells'].create(
            self.engine)
        argv = self.config('[host_status_notifier_database]\n'
                           'connection = %s\n' % self.url)
        code, _, err = self.run_dbsync(argv)
        self.assertEqual(1, code)
        self.assertIn('host_status_notifier_hosts is missing', err)

    def test_engine_options_reach_oslo_db(self):
        argv = self.config('[host_status_notifier_database]\n'
                           'connection = %s\nmax_pool_size = 3\n'
                           'connection_recycle_time = 600\n' % self.url)
        with mock.patch.object(shared_state, 'make_engine',
                               wraps=shared_state.make_engine) as make:
            self.assertEqual(0, self.run_dbsync(argv)[0])
        options = make.call_args.kwargs
        self.assertEqual((3, 600), (options['max_pool_size'],
                                    options['connection_recycle_time']))
