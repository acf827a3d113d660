"""Restarts: a change made while the notifier is down is emitted when it
comes back, nothing is emitted twice, and a crash in the middle of a host's
notifications loses nothing."""

import os
import time

from host_status_ext.notifier import service
from host_status_ext import status
from tests.functional.notifier import base
from tests.notifier_drive import read_all


class FailingSender(object):
    """A Sender that dies after *survive* messages, like a crash."""

    class Crash(Exception):
        pass

    def __init__(self, real, survive):
        self.real = real
        self.left = survive

    def send(self, *args):
        if self.left <= 0:
            raise FailingSender.Crash()
        self.left -= 1
        self.real.send(*args)


class TestRestart(base.NotifierTestCase):

    def setUp(self):
        super().setUp()
        self.servers = {
            'host1': self.create_servers('host1', 3),
            'host3': self.create_servers('host3', 2),
        }
        # A first notifier records the starting point, then "stops".
        self.assertEqual([], read_all(self.new_manager()))

    def test_change_while_down_is_emitted_at_start(self):
        self.update_service('host1', forced_down=True)
        self.update_service('host3', disabled=True)
        manager = self.new_manager()
        read_all(manager)
        self.consumer.wait_count(5)
        self.settle()
        expected = {u: [(status.UP, status.DOWN)]
                    for u in self.servers['host1']}
        expected.update({u: [(status.UP, status.MAINTENANCE)]
                         for u in self.servers['host3']})
        self.assertEqual(expected, self.events_by_server())
        # Steady state after the catch-up, and after another restart: silent.
        self.assertEqual([], read_all(manager))
        self.assertEqual([], read_all(self.new_manager()))
        self.settle()
        self.assertEqual(expected, self.events_by_server())

    def test_heartbeat_lost_while_down(self):
        self.lose_heartbeat('host3')
        read_all(self.new_manager())
        self.consumer.wait_count(2)
        self.settle()
        self.assertEqual({u: [(status.UP, status.UNKNOWN)]
                          for u in self.servers['host3']},
                         self.events_by_server())

    def test_change_undone_while_down_is_not_emitted(self):
        self.update_service('host1', forced_down=True)
        self.update_service('host1', forced_down=False)
        self.assertEqual([], read_all(self.new_manager()))
        self.settle()
        self.assertEqual([], self.consumer.events())

    def test_crash_in_the_middle_of_a_host_loses_nothing(self):
        self.update_service('host1', forced_down=True)
        crashing = base.factory.make_manager(
            base.CONF, FailingSender(self.sender, survive=1))
        read_all(crashing)  # the failure is logged; host1 is not recorded
        self.consumer.wait_count(1)
        self.settle()
        self.assertEqual(1, len(self.consumer.events()))
        # The restarted notifier sends the whole change again: every server
        # is told at least once (the one told before the crash, twice).
        read_all(self.new_manager())
        self.consumer.wait_count(4)
        self.settle()
        seen = self.events_by_server()
        self.assertEqual(set(self.servers['host1']), set(seen))
        for uuid in self.servers['host1']:
            self.assertIn((status.UP, status.DOWN), seen[uuid])
        self.assertEqual(4, len(self.consumer.events()))
        # The copy sent twice carries the same event id both times.
        ids = [e.data['event_id'] for e in self.consumer.events()]
        self.assertEqual(3, len(set(ids)))
        # ... and then the change is recorded: nothing more.
        self.assertEqual([], read_all(self.new_manager()))


class TestServiceLoop(base.NotifierTestCase):
    """The oslo.service Service, polling on its own, stopped and started."""

    def setUp(self):
        super().setUp()
        self.servers = self.create_servers('host3', 3)

    def start_notifier(self):
        # NOTE: nova's fixtures keep its notifications in memory: the
        # changes are found by the full read.
        self.flags(full_read_interval=1, group='host_status_notifier')
        svc = service.HostStatusNotifierService(self.new_manager(), 0.1)
        svc.start()
        self.addCleanup(svc.stop)
        return svc

    def wait_for_state_file(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(base.CONF.host_status_notifier.state_file):
                return
            time.sleep(0.05)
        self.fail('no state file after %s s' % timeout)

    def test_loop_emits_and_survives_restart(self):
        svc = self.start_notifier()
        self.wait_for_state_file()
        self.update_service('host3', forced_down=True)
        self.assertEqual(3, len(self.consumer.wait_count(3)))
        svc.stop()
        # While stopped, host3 comes back up.
        self.update_service('host3', forced_down=False)
        self.start_notifier()
        self.assertEqual(6, len(self.consumer.wait_count(6)))
        time.sleep(0.5)  # a few more polls: nothing new
        seen = self.events_by_server()
        self.assertEqual({u: [(status.UP, status.DOWN),
                              (status.DOWN, status.UP)]
                          for u in self.servers}, seen)
