"""What is read of a host: its status, its flags, when it will be down;
what differs from what was sent; the bound on a cell's connections."""

import datetime
import types
from unittest import mock

import testtools

from host_status_ext.notifier import watcher
from host_status_ext import status

NOW = datetime.datetime(2026, 12, 6, 12, 0, 0)


def record(host, disabled=False, forced_down=False, seen=None, **kw):
    return dict(host=host, binary='nova-compute', topic='compute',
                disabled=disabled, forced_down=forced_down,
                last_seen_up=seen, created_at=NOW - datetime.timedelta(
                    days=1), updated_at=seen, **kw)


def conf(driver='db'):
    return types.SimpleNamespace(
        servicegroup_driver=driver, service_down_time=60,
        host_status_notifier=types.SimpleNamespace(cell_timeout=10))


class TestChanges(testtools.TestCase):

    def reading(self, value):
        return watcher.HostReading(value, False, False, None)

    def test_nothing_changed(self):
        self.assertEqual([], watcher.changes(
            {'h1': 'UP'}, {'h1': self.reading('UP')}))

    def test_whole_cell_new_and_removed_hosts(self):
        self.assertEqual(
            [('h1', 'UP', 'DOWN'), ('new', '', 'UP'), ('old', 'UP', '')],
            watcher.changes({'h1': 'UP', 'old': 'UP'},
                            {'h1': self.reading('DOWN'),
                             'new': self.reading('UP')}))

    def test_some_hosts_compare_only_those(self):
        # old was not read: not a removal. gone was read and not found.
        self.assertEqual(
            [('gone', 'UP', '')],
            watcher.changes({'gone': 'UP', 'old': 'UP'}, {}, hosts={'gone'}))


class TestReading(testtools.TestCase):

    def watcher(self, driver='db', up=True):
        sg = mock.Mock()
        sg.service_is_up.return_value = up
        return watcher.CellWatcher(conf(driver), servicegroup_api=sg), sg

    def test_precedence_through_the_servicegroup_api(self):
        w, sg = self.watcher(up=False)
        self.assertEqual(
            [status.UNKNOWN, status.DOWN, status.MAINTENANCE],
            [w.reading(record('h', **flags), NOW).status for flags in (
                {}, {'forced_down': True},
                {'disabled': True, 'forced_down': True})])
        self.assertEqual(3, sg.service_is_up.call_count)

    def test_an_up_host_is_down_at_its_last_heartbeat_plus_down_time(self):
        w, _ = self.watcher()
        seen = NOW - datetime.timedelta(seconds=15)
        r = w.reading(record('h', seen=seen), NOW)
        self.assertEqual((status.UP, 45.0), (r.status, r.down_in))

    def test_before_the_first_heartbeat_created_at_counts(self):
        w, _ = self.watcher()
        r = w.reading(record('h', seen=None), NOW)
        self.assertEqual(0.0, r.down_in)

    def test_no_deadline_once_down_or_forced(self):
        w, _ = self.watcher(up=False)
        self.assertIsNone(w.reading(record('h', seen=NOW), NOW).down_in)
        w, _ = self.watcher()
        self.assertIsNone(w.reading(
            record('h', forced_down=True, seen=NOW), NOW).down_in)

    def test_another_driver_is_asked_for_its_updated_time(self):
        w, sg = self.watcher(driver='mc')
        sg.get_updated_time.return_value = (
            NOW - datetime.timedelta(seconds=10)).replace(
                tzinfo=datetime.timezone.utc)
        self.assertEqual(50.0, w.reading(record('h'), NOW).down_in)

    def test_a_driver_that_cannot_tell_gives_no_deadline(self):
        w, sg = self.watcher(driver='mc')
        sg.get_updated_time.side_effect = NotImplementedError()
        r = w.reading(record('h'), NOW)
        self.assertEqual((status.UP, None), (r.status, r.down_in))


class TestBounded(testtools.TestCase):

    def mapping(self, url):
        m = mock.Mock(database_connection=url)
        m.obj_clone.side_effect = lambda: mock.Mock(database_connection=url)
        return m

    def test_pymysql_gets_read_and_write_timeouts(self):
        b = watcher.bounded(self.mapping(
            'mysql+pymysql://u:p@db/nova?charset=utf8'), 10)
        self.assertEqual('mysql+pymysql://u:p@db/nova?charset=utf8&'
                         'connect_timeout=10&read_timeout=10&'
                         'write_timeout=10', b.database_connection)

    def test_the_operators_own_timeout_wins(self):
        b = watcher.bounded(self.mapping(
            'mysql+pymysql://u:p@db/nova?read_timeout=3'), 10)
        self.assertIn('read_timeout=3', b.database_connection)
        self.assertIn('write_timeout=10', b.database_connection)

    def test_other_drivers_are_left_alone(self):
        m = self.mapping('sqlite:////tmp/cell1.db')
        self.assertIs(m, watcher.bounded(m, 10))
