"""Several real host-status-notifiers sharing two cells through a real redis,
a real RabbitMQ and a shared SQLite state database: kill -9 at each point of
a change, SIGSTOP past the takeover timeout, and the broker stopped.

What must hold: every server of every change is notified; a re-sent copy
carries the event id of the first; an instance that lost its cell sends
nothing for it; no change is lost. Waits are bounded; nothing is timed.
"""

import os
import time

import fixtures
import testtools
from tooz import coordination as tooz_coordination
from tooz import hashring

from host_status_ext.notifier import coordination
from tests.functional import logcapture
from tests import notifier_processes as processes
from tools.minicloud import events
from tools import waiting

TAKEOVER = 2          # takeover_timeout of the notifiers under test
EVENT_TIMEOUT = 30    # bounds a wait for events (takeover included)


class HATestCase(processes.RabbitPerClass, testtools.TestCase):
    """A broker per class; redis, nova's databases, a state DB per test."""

    BACKEND = processes.RedisServer
    SHARED_QUEUE = False

    def setUp(self):
        super().setUp()
        # NOTE: this process's own logging (oslo.messaging's errors while
        # the broker is stopped, above all) into the test's details.
        self.useFixture(logcapture.WholeTestLogging())
        self.workdir = self.useFixture(fixtures.TempDir()).path
        self.redis = self.useFixture(self.BACKEND())
        self.cloud = self.useFixture(processes.Cloud(cells=2, hosts=2,
                                                     servers=3))
        self.state_url = 'sqlite:///%s' % os.path.join(self.workdir,
                                                       'state.db')
        self.state = processes.StateDB(self.state_url)
        self.consumer = events.EventWatcher(
            url=self.rabbit.url, topic=processes.TOPIC,
            shared_queue=self.SHARED_QUEUE).start()
        self.addCleanup(self.consumer.stop)
        # nova-api's service.update after each write, as in a cloud with
        # nova's versioned notifications on.
        self.cloud.announcer = processes.Announcer(self.rabbit.url)
        self.addCleanup(self.cloud.announcer.cleanup)
        self.notifiers = []
        self.addCleanup(self._stop_notifiers)
        self._observer = None

    def _stop_notifiers(self):
        for n in self.notifiers:
            n.stop()
        for n in self.notifiers:
            self.addDetail('%s.log' % n.name,
                           testtools.content.text_content(n.log_text()))

    def start(self, name, **kw):
        n = processes.Notifier(self.workdir, name, self.cloud,
                               self.redis.url, self.rabbit.url,
                               self.state_url, takeover_timeout=TAKEOVER,
                               **kw)
        self.notifiers.append(n)
        return n

    def ring(self):
        """The cells' ring as the instances compute it: the group now.

        Read through a tooz coordinator of the test's own that never joins
        the group, so it changes nothing.
        """
        if self._observer is None:
            self._observer = tooz_coordination.get_coordinator(
                self.redis.url, b'hsn-test-observer')
            self._observer.start()
            self.addCleanup(self._observer.stop)
        try:
            members = self._observer.get_members(coordination.GROUP).get()
        except tooz_coordination.GroupNotCreated:
            members = set()
        return members, hashring.HashRing(members)

    def wait_settled(self, names):
        """Every cell baselined and held by the member the ring gives it.

        The ring is that of the group once every one of *names* has
        joined. An owner recorded in the state database alone is not
        enough: while a cell is handed over, the member that released it
        is still recorded until the one it goes to takes its lock.
        """
        cells = set(self.cloud.cells.values())

        def settled():
            seen = self.state.cells()
            members, ring = self.ring()
            if ({m.decode().split('.')[0] for m in members} != set(names) or
                    set(seen) != cells):
                return None
            for cell_uuid, (_, owner, baselined) in seen.items():
                if not (baselined and owner and {owner.encode()} ==
                        set(ring.get_nodes(cell_uuid.encode()))):
                    return None
            return seen
        return waiting.wait_until(settled, 60, 'cells baselined and held '
                                  'as the ring of %s gives them'
                                  % ', '.join(sorted(names)))

    def owner_of(self, cell_name):
        _, owner, _ = self.state.cells()[self.cloud.cells[cell_name]]
        return owner.split('.')[0]

    def assert_one_id_per_server(self, servers, new):
        """Every server got the change; all its copies share one event id."""
        for server in servers:
            copies = self.consumer.of([server], new)
            self.assertTrue(copies, 'no %s event for %s' % (new, server))
            self.assertEqual(1, len({e['event_id'] for e in copies}),
                             copies)
            self.assertEqual(1, len({e['changed_at'] for e in copies}))
            for e in copies:
                self.assertEqual(e['event_id'], e['message_id'])


class TestKillAtEachPoint(HATestCase):
    """Both instances carry the fault; the owner of the cell dies at it.

    The one that owns the changed cell dies at the point (kill -9 of
    itself), the other takes over and passes the point.
    """

    HOST = 'cell1-host0'

    def kill_at(self, point):
        marker = os.path.join(self.workdir, 'died')
        a = self.start('a', fault=point, fault_once=marker)
        b = self.start('b', fault=point, fault_once=marker)
        self.wait_settled({'a', 'b'})
        owner = self.owner_of('cell1')
        servers = self.cloud.servers[self.HOST]
        self.cloud.set_forced_down(self.HOST, True)
        waiting.wait_until(lambda: os.path.exists(marker), EVENT_TIMEOUT,
                           'an instance reached %s' % point)
        dead = {'a': a, 'b': b}[owner]
        survivor = {'a': b, 'b': a}[owner]
        waiting.wait_until(lambda: not dead.alive(), 10, 'the kill')
        self.assertEqual(-9, dead.proc.returncode)
        self.consumer.wait_all(servers, 'DOWN', EVENT_TIMEOUT)
        cell = self.cloud.cells['cell1']
        waiting.wait_until(
            lambda: self.state.host(cell, self.HOST) == ('DOWN', None, None),
            EVENT_TIMEOUT, 'the change committed')
        time.sleep(1.0)  # room for a wrong extra copy to arrive
        self.assert_one_id_per_server(servers, 'DOWN')
        copies = self.consumer.of(servers, 'DOWN')
        # No change lost after the takeover either: the survivor sends it.
        self.cloud.set_forced_down(self.HOST, False)
        self.consumer.wait_all(servers, 'UP', EVENT_TIMEOUT)
        ups = self.consumer.of(servers, 'UP')
        self.assertEqual({survivor.publisher_id},
                         {e['publisher_id'] for e in ups})
        self.assertEqual(len(servers), len(ups))
        # Nothing for the hosts that did not change.
        others = [s for h, ss in self.cloud.servers.items() if h != self.HOST
                  for s in ss]
        self.assertEqual([], self.consumer.of(others))
        return dead, survivor, copies

    def by_sender(self, copies):
        counts = {}
        for e in copies:
            counts[e['publisher_id']] = counts.get(e['publisher_id'], 0) + 1
        return counts

    def test_killed_before_sending(self):
        dead, survivor, copies = self.kill_at('before-send')
        self.assertEqual({survivor.publisher_id: 3}, self.by_sender(copies))

    def test_killed_after_one_of_the_hosts_notifications(self):
        dead, survivor, copies = self.kill_at('mid-send')
        # One went out before the kill; the survivor re-sends all three,
        # the duplicate with the same event id.
        self.assertEqual({dead.publisher_id: 1, survivor.publisher_id: 3},
                         self.by_sender(copies))

    def test_killed_after_sending_before_saving(self):
        dead, survivor, copies = self.kill_at('after-send')
        self.assertEqual({dead.publisher_id: 3, survivor.publisher_id: 3},
                         self.by_sender(copies))

    def test_killed_after_saving(self):
        dead, survivor, copies = self.kill_at('after-commit')
        self.assertEqual({dead.publisher_id: 3}, self.by_sender(copies))


class TestPaused(HATestCase):

    def test_paused_past_the_timeout_is_fenced_and_sends_nothing(self):
        triggers = {name: os.path.join(self.workdir, 'pause-' + name)
                    for name in ('a', 'b')}
        instances = {name: self.start(name, fault='pause',
                                      fault_once=trigger)
                     for name, trigger in triggers.items()}
        self.wait_settled({'a', 'b'})
        owner = self.owner_of('cell1')
        paused = instances[owner]
        cell = self.cloud.cells['cell1']
        epoch_before = self.state.cells()[cell][0]
        host = 'cell1-host1'
        servers = self.cloud.servers[host]
        # NOTE: it stops itself between two rounds, holding no database
        # connection (tests/faulty_notifier.py says why).
        open(triggers[owner], 'w').close()
        waiting.wait_until(paused.stopped, EVENT_TIMEOUT,
                           'the owner of cell1 stopped')
        # A change the paused instance has not seen yet: when it wakes up,
        # its memory says UP and the database says DOWN.
        self.cloud.set_forced_down(host, True)
        self.consumer.wait_all(servers, 'DOWN', EVENT_TIMEOUT)
        self.assertGreater(self.state.cells()[cell][0], epoch_before)
        self.assertNotEqual(owner, self.owner_of('cell1'))
        time.sleep(TAKEOVER + 1)
        paused.resume()
        time.sleep(TAKEOVER + 1)   # it wakes, finds itself fenced, rejoins
        self.cloud.set_forced_down(host, False)
        self.consumer.wait_all(servers, 'UP', EVENT_TIMEOUT)
        time.sleep(1.0)
        # The change made while it was paused was sent by the other
        # instance only: awake, with UP in its memory, the paused one sent
        # nothing of it. (Once it took the cell again, under a new epoch
        # and with the state read from the database, it may send the next
        # change: it is then the owner.)
        downs = self.consumer.of(servers, 'DOWN')
        self.assertEqual(len(servers), len(downs))
        self.assertNotIn(paused.publisher_id,
                         {e['publisher_id'] for e in downs})
        # And nothing twice.
        self.assertEqual(len(servers), len(self.consumer.of(servers, 'UP')))
        self.assertTrue(paused.alive())
        self.assertIn('joining again', paused.log_text())


class TestKillWithEtcd(TestKillAtEachPoint):
    """The same kills with Debian's etcd 3.4 as the tooz backend."""

    BACKEND = processes.EtcdServer

    # NOTE: two of the four points are enough to show the backend works;
    # the points themselves are the same code whatever the backend.
    test_killed_before_sending = None
    test_killed_after_saving = None


class TestPausedWithEtcd(TestPaused):
    """etcd3gw cannot say whether a lock is still held: the epoch fences."""

    BACKEND = processes.EtcdServer


class TestBrokerDown(HATestCase):
    """RabbitMQ stopped while changes happen in both cells."""

    # NOTE: the restarted broker has none of the old queues; the notifier
    # may send before the consumer has declared its own again (both
    # reconnect with a backoff), so it reads the queue the sender declares
    # itself.
    SHARED_QUEUE = True

    def test_changes_stay_pending_while_reads_go_on_and_are_sent_after(self):
        # NOTE: nova's notifications of these changes are lost with the
        # broker: the full read finds them.
        n = self.start('a', full_read_interval=1)
        self.wait_settled({'a'})
        self.rabbit.stop()
        try:
            stopped = processes.utcnow()
            self.cloud.set_forced_down('cell1-host0', True)
            self.cloud.set_forced_down('cell2-host1', True)
            # Both recorded as pending, each with its own time, while the
            # broker is away: the other cell is still watched.
            for cell_name, host in (('cell1', 'cell1-host0'),
                                    ('cell2', 'cell2-host1')):
                cell = self.cloud.cells[cell_name]
                row = waiting.wait_until(
                    lambda: (self.state.host(cell, host) or [0, None])[1]
                    and self.state.host(cell, host), 20,
                    'the change of %s pending' % host)
                self.assertEqual(('UP', 'DOWN'), (row[0], row[1]))
            time.sleep(3)
            # Still pending: nothing was taken for sent while the broker
            # was away (oslo.messaging's Notifier would have logged the
            # failure and let the change be committed, hence lost).
            for cell_name, host in (('cell1', 'cell1-host0'),
                                    ('cell2', 'cell2-host1')):
                self.assertEqual(
                    'DOWN', self.state.host(self.cloud.cells[cell_name],
                                            host)[1])
            self.assertTrue(n.alive())
            self.assertIn('stay pending', n.log_text())
        finally:
            self.rabbit.start()
        servers = (self.cloud.servers['cell1-host0'] +
                   self.cloud.servers['cell2-host1'])
        self.consumer.wait_all(servers, 'DOWN', 90)
        time.sleep(1.0)
        self.assert_one_id_per_server(servers, 'DOWN')
        for e in self.consumer.of(servers):
            # changed_at is when the change was recorded, during the outage.
            self.assertLessEqual(
                stopped.replace(microsecond=0).isoformat(),
                e['changed_at'].rstrip('Z'))


class TestCoordinator(testtools.TestCase):
    """Two coordinators on a real redis: the cells split, then move."""

    CELLS = ['cell-%d' % i for i in range(8)]

    def setUp(self):
        super().setUp()
        self.useFixture(logcapture.WholeTestLogging())

    def coordinator(self, name, url):
        c = coordination.CellCoordinator(url, name, 2)
        c.start()
        self.addCleanup(c.stop)
        return c

    def settle(self, *coordinators):
        for _ in range(3):
            views = [c.cells_to_watch(self.CELLS) for c in coordinators]
        return views

    def test_split_without_overlap_then_taken_over_when_one_stops(self):
        url = self.useFixture(processes.RedisServer()).url
        a = self.coordinator('a', url)
        self.assertEqual(set(self.CELLS), set(a.cells_to_watch(self.CELLS)))
        b = self.coordinator('b', url)
        mine_a, mine_b = self.settle(a, b)
        self.assertEqual(set(), mine_a & mine_b)
        self.assertEqual(set(self.CELLS), mine_a | mine_b)
        self.assertTrue(mine_a and mine_b)   # 8 cells spread over two
        b.stop()
        # A stopped member leaves at once and releases its locks.
        self.assertEqual(set(self.CELLS), a.cells_to_watch(self.CELLS))
