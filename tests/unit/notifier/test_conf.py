"""Options, the config generator hook and the console script."""

import configparser
import os
from unittest import mock

from nova.conf import database as nova_database
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from host_status_ext.notifier import conf
from host_status_ext.notifier import factory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))


class TestConf(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts()))
        conf.register_opts(self.conf.conf)

    def test_list_opts(self):
        [(group, opts), (database, database_opts)] = conf.list_opts()
        self.assertEqual('host_status_notifier', group.name)
        self.assertEqual(
            ['poll_interval', 'full_read_interval', 'cell_timeout',
             'cell_refresh_interval',
             'state_file', 'send_workers', 'driver', 'topics',
             'owner_topics', 'owner_roles', 'coordination_url',
             'takeover_timeout', 'send_retry', 'send_timeout',
             'publisher_host'],
            [o.name for o in opts])
        # oslo.db's own options, in a group of the notifier's own.
        self.assertEqual('host_status_notifier_database', database.name)
        names = [o.name for o in database_opts]
        for name in ('connection', 'max_pool_size',
                     'connection_recycle_time', 'max_retries'):
            self.assertIn(name, names)

    def test_the_database_group_reads_no_name_of_nova(self):
        # nova.conf's [DEFAULT] sql_connection, or [database] connection,
        # are nova's; the notifier's database is only its own group, or
        # the name it had before.
        nova_database.register_opts(self.conf.conf)
        self.conf.config(connection='mysql://nova', group='database')
        self.conf.config(connection='mysql://nova_api', group='api_database')
        self.assertEqual((None, mock.ANY), conf.database(self.conf.conf))
        self.conf.config(connection='sqlite://',
                         group='host_status_notifier_database')
        self.assertEqual('sqlite://', conf.database(self.conf.conf)[0])

    def test_publisher_id(self):
        self.conf.config(publisher_host='box', group='host_status_notifier')
        self.assertEqual('host-status-notifier:box',
                         factory.publisher_id(self.conf.conf))

    def test_coordination_without_a_shared_database_refuses(self):
        self.conf.config(coordination_url='redis://127.0.0.1:1',
                         group='host_status_notifier')
        self.assertRaises(factory.ConfigurationError, factory.make_store,
                          self.conf.conf)

    def test_alone_the_state_file_is_the_store(self):
        self.conf.config(state_file='/x/state.json',
                         group='host_status_notifier')
        store = factory.make_store(self.conf.conf)
        self.assertEqual('/x/state.json', store.path)
        self.assertIsNone(factory.make_coordinator(self.conf.conf).member_id)

    def test_member_ids_differ_between_instances(self):
        self.conf.config(publisher_host='box', group='host_status_notifier')
        a = factory.member_id(self.conf.conf)
        self.assertTrue(a.startswith('box.'))
        self.assertNotEqual(a, factory.member_id(self.conf.conf))

    def test_console_script_is_declared(self):
        parser = configparser.ConfigParser()
        parser.read(os.path.join(ROOT, 'setup.cfg'))
        scripts = parser['entry_points']['console_scripts']
        self.assertIn(
            'host-status-notifier = host_status_ext.notifier.cmd:main',
            scripts)
