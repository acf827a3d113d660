"""host-status-notifier on the real mini-cloud: the owner's events on the bus.

``up`` runs the notifier beside nova's services. A consumer on the cloud's
RabbitMQ (:mod:`tools.minicloud.events`, an oslo.messaging notification
listener with a queue of its own) must receive, for the owner's server on a
host, one ``instance.host_status_change`` per change of that host's
host_status, with the owner's project and no host name.

The latencies are printed (to stderr) and attached to each test's details;
they are not asserted: the waits are only bounded.
"""

import json
import sys
import time

from testtools import content

from tools.minicloud import events
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import scenario
from tools.minicloud import services

from tests.e2e import base

HOST_A, HOST_B = base.CloudTestCase.HOSTS
# nova's service.update wakes the notifier up; this only bounds a wait on a
# busy machine.
EVENT_TIMEOUT = 10
# After the last expected event: long enough for a duplicate to show up
# (some 8 polls), short enough not to slow the run.
QUIET = 2


class NotifierEventsTest(base.CloudTestCase):

    @classmethod
    def setUpClass(cls):
        if not procs.pid(layout.NOTIFIER):
            raise RuntimeError('%s does not run: run "python -m '
                               'tools.minicloud up"' % layout.NOTIFIER)
        super().setUpClass()
        cls.owner_project = cls.owner.current_project_id
        cls.owner_user = cls.owner.current_user_id

    def setUp(self):
        super().setUp()
        self.watcher = events.EventWatcher().start()
        self.addCleanup(self.watcher.stop)

    def report(self, what, seconds):
        figure = '%.3f s (service_down_time %d s, report_interval %d s)' % (
            seconds, layout.SERVICE_DOWN_TIME, layout.REPORT_INTERVAL)
        self.addDetail(what, content.text_content(figure))
        print('e2e latency: %s: %s' % (what, figure), file=sys.stderr,
              flush=True)

    def wait_event(self, host, old, new, since, timeout=EVENT_TIMEOUT):
        sid = self.servers[host]
        try:
            return self.watcher.wait_for(
                lambda d: (d.get('uuid'), d.get('old_host_status'),
                           d.get('host_status')) == (sid, old, new),
                since=since, timeout=timeout)
        except TimeoutError as e:
            self.fail('server on %s, %s -> %s: %s' % (host, old, new, e))

    def assert_owners_event(self, event, host):
        """The owner's project and user, the owner's hostId, no host name."""
        data = event.data
        self.assertEqual('HostStatusChangePayload',
                         event.payload['nova_object.name'])
        self.assertEqual(self.owner_project, data['project_id'])
        self.assertEqual(self.owner_user, data['user_id'])
        server = self.owner.compute.get_server(self.servers[host])
        self.assertEqual(server.host_id, data['host_id'])
        self.assertTrue(event.publisher_id.startswith('host-status-notifier:'))
        self.assertIn('changed_at', data)
        wire = json.dumps(event.payload)
        for name in layout.COMPUTE_HOSTS:
            self.assertNotIn(name, wire)

    def transitions(self, host, since=0):
        sid = self.servers[host]
        return [(e.data['old_host_status'], e.data['host_status'])
                for e in self.watcher.events(since)
                if e.data.get('uuid') == sid]

    def test_forced_down_and_back_reach_the_owner(self):
        start = self.watcher.mark()
        scenario.set_forced_down(self.admin, HOST_A, True)
        returned = time.monotonic()
        down = self.wait_event(HOST_A, 'UP', 'DOWN', start)
        self.report('force-down returned -> DOWN event received',
                    down.received - returned)
        self.assert_owners_event(down, HOST_A)

        since = self.watcher.mark()
        scenario.set_forced_down(self.admin, HOST_A, False)
        returned = time.monotonic()
        up = self.wait_event(HOST_A, 'DOWN', 'UP', since)
        self.report('un-force returned -> UP event received',
                    up.received - returned)
        self.assert_owners_event(up, HOST_A)

        time.sleep(QUIET)
        # One event per change, and none for the server whose host did not
        # change.
        self.assertEqual([('UP', 'DOWN'), ('DOWN', 'UP')],
                         self.transitions(HOST_A, start))
        self.assertEqual([], self.transitions(HOST_B, start))

    def test_stopped_compute_is_unknown_then_up(self):
        start = self.watcher.mark()
        self.assertTrue(scenario.stop_compute(HOST_B))
        stopped = time.monotonic()
        unknown = self.wait_event(HOST_B, 'UP', 'UNKNOWN', start,
                                  timeout=base.HEARTBEAT_TIMEOUT)
        self.report('nova-compute killed -> UNKNOWN event received',
                    unknown.received - stopped)
        self.assert_owners_event(unknown, HOST_B)

        since = self.watcher.mark()
        scenario.start_compute(HOST_B)
        started = time.monotonic()
        up = self.wait_event(HOST_B, 'UNKNOWN', 'UP', since,
                             timeout=base.COMPUTE_START_TIMEOUT)
        self.report('nova-compute started -> UP event received',
                    up.received - started)
        self.assert_owners_event(up, HOST_B)

        time.sleep(QUIET)
        self.assertEqual([('UP', 'UNKNOWN'), ('UNKNOWN', 'UP')],
                         self.transitions(HOST_B, start))
        self.assertEqual([], self.transitions(HOST_A, start))


def log_size(name):
    path = procs.logfile(name)
    return path.stat().st_size if path.exists() else 0


class NotifierWithoutNotificationsTest(base.CloudTestCase):
    """The safety net: notifiers that hear nothing from nova.

    They still find a force-down, by their full read of each cell.
    """

    HOSTS = (HOST_A,)

    def setUp(self):
        super().setUp()
        self.log_offsets = {n: log_size(n) for n in layout.NOTIFIERS}
        self.restart_notifiers(notifications=False)
        self.addCleanup(self.restart_notifiers)
        self.watcher = events.EventWatcher().start()
        self.addCleanup(self.watcher.stop)

    def restart_notifiers(self, notifications=True):
        procs.stop_many(list(layout.NOTIFIERS))
        for name in layout.NOTIFIERS:
            services.start(name, notifications=notifications)
        procs.wait_for(services.notifier_ready, 'notifiers', 60)

    def test_forced_down_is_found_by_the_full_read(self):
        sid = self.servers[HOST_A]
        start = self.watcher.mark()
        scenario.set_forced_down(self.admin, HOST_A, True)
        returned = time.monotonic()
        try:
            down = self.watcher.wait_for(
                lambda d: (d.get('uuid'), d.get('host_status')) ==
                (sid, 'DOWN'), since=start, timeout=EVENT_TIMEOUT + 10)
        except TimeoutError as e:
            self.fail('no DOWN event from the full read: %s' % e)
        print('e2e latency: force-down returned -> DOWN event, notifiers '
              'without nova\'s notifications (full read every 3 s): %.3f s'
              % (down.received - returned), file=sys.stderr, flush=True)
        for name in layout.NOTIFIERS:
            with open(procs.logfile(name), errors='replace') as f:
                f.seek(self.log_offsets[name])
                log = f.read()
            self.assertEqual(1, log.count('nova sends no versioned '
                                          'notifications'))
            self.assertNotIn('Listening to nova', log)
