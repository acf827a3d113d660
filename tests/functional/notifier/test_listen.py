"""host-status-notifier woken by nova's own service notifications, on a real
RabbitMQ, in processes of its own (the console script's main).

nova-api's ``service.update`` after each write is sent as nova sends it
(:class:`~tests.functional.notifier.processes.Announcer`: nova's own
payload object, exchange ``nova``, ``versioned_notifications.info``). The
full read runs once a minute here, so an event within the bounded wait
came through the notification. Nothing is timed: the waits are bounded,
the assertions are about presence and order.
"""

import time

from tests.functional.notifier import test_ha
from tests import notifier_processes as processes
from tools import waiting

# Far longer than any wait below: what arrives came through a wake-up.
NO_FULL_READ = 600
# Bounds a wait for events that follow a notification (a loaded machine).
EVENT_TIMEOUT = 20


class TestWokenByNova(test_ha.HATestCase):

    def start_one(self, **kw):
        kw.setdefault('full_read_interval', NO_FULL_READ)
        n = self.start('a', **kw)
        self.wait_settled({'a'})
        waiting.wait_until(lambda: 'Listening to nova' in n.log_text(),
                           30, 'the listener bound its queue')
        return n

    def test_force_down_and_up_reach_the_bus_without_the_full_read(self):
        n = self.start_one()
        host = 'cell2-host0'
        servers = self.cloud.servers[host]
        self.cloud.set_forced_down(host, True)
        self.consumer.wait_all(servers, 'DOWN', EVENT_TIMEOUT)
        self.cloud.set_forced_down(host, False)
        self.consumer.wait_all(servers, 'UP', EVENT_TIMEOUT)
        time.sleep(1.0)
        for server in servers:
            self.assertEqual(
                [('UP', 'DOWN'), ('DOWN', 'UP')],
                [(e['old_host_status'], e['host_status'])
                 for e in self.consumer.of([server])])
        self.assertNotIn('Reading cell', n.log_text())

    def test_disable_and_enable(self):
        self.start_one()
        host = 'cell1-host1'
        servers = self.cloud.servers[host]
        self.cloud.write(host, disabled=True)
        self.cloud.announcer.announce({'host': host, 'disabled': True})
        self.consumer.wait_all(servers, 'MAINTENANCE', EVENT_TIMEOUT)
        self.cloud.write(host, disabled=False)
        self.cloud.announcer.announce({'host': host, 'disabled': False})
        self.consumer.wait_all(servers, 'UP', EVENT_TIMEOUT)

    def test_a_notification_before_its_write_is_read_again(self):
        self.start_one()
        host = 'cell1-host0'
        servers = self.cloud.servers[host]
        # nova's notification first, the record's change after: the first
        # re-read finds the old record, a later one the new.
        self.cloud.announcer.announce({'host': host, 'forced_down': True})
        time.sleep(0.3)
        self.cloud.write(host, forced_down=True)
        self.consumer.wait_all(servers, 'DOWN', EVENT_TIMEOUT)

    def test_twice_and_out_of_order_change_nothing_wrong(self):
        self.start_one()
        host = 'cell1-host0'
        servers = self.cloud.servers[host]
        self.cloud.set_forced_down(host, True)
        self.cloud.announcer.announce({'host': host, 'forced_down': True})
        self.consumer.wait_all(servers, 'DOWN', EVENT_TIMEOUT)
        # Up again; the notifications come late and in the wrong order:
        # "up" first, then an old "down".
        self.cloud.write(host, forced_down=False)
        self.cloud.announcer.announce({'host': host, 'forced_down': False})
        self.cloud.announcer.announce({'host': host, 'forced_down': True})
        self.consumer.wait_all(servers, 'UP', EVENT_TIMEOUT)
        # Past every re-read of the disagreeing notification.
        time.sleep(4)
        events = self.consumer.of(servers)
        self.assertEqual(2 * len(servers), len(events), events)
        for server in servers:
            self.assertEqual(['DOWN', 'UP'],
                             [e['host_status'] for e in events
                              if e['uuid'] == server])

    def test_notifications_off_the_full_read_finds_the_change(self):
        n = self.start('a', notifications=False, full_read_interval=1)
        self.wait_settled({'a'})
        host = 'cell1-host1'
        servers = self.cloud.servers[host]
        self.cloud.set_forced_down(host, True, announce=False)
        self.consumer.wait_all(servers, 'DOWN', EVENT_TIMEOUT)
        log = n.log_text()
        self.assertEqual(1, log.count('nova sends no versioned '
                                      'notifications'))
        self.assertNotIn('Listening to nova', log)

    def test_a_lost_heartbeat_is_unknown_then_up_again(self):
        heartbeats = processes.Heartbeats(self.cloud.engines, 0.5).start()
        self.addCleanup(heartbeats.stop)
        self.start_one(service_down_time=3, report_interval=1)
        host = 'cell2-host1'
        servers = self.cloud.servers[host]
        others = [s for h, ss in self.cloud.servers.items() if h != host
                  for s in ss]
        heartbeats.stop_host(host)
        self.consumer.wait_all(servers, 'UNKNOWN', EVENT_TIMEOUT)
        heartbeats.start_host(host)
        self.consumer.wait_all(servers, 'UP', EVENT_TIMEOUT)
        for server in servers:
            self.assertEqual(
                ['UNKNOWN', 'UP'],
                [e['host_status'] for e in self.consumer.of([server])])
        # The hosts that kept beating never went UNKNOWN.
        self.assertEqual([], self.consumer.of(others))


class TestHungCell(test_ha.HATestCase):
    """A third cell whose database accepts connections and never answers."""

    def setUp(self):
        super().setUp()
        self.cloud = self.useFixture(processes.Cloud(
            cells=2, hosts=2, servers=3, hung_cells=1))
        self.cloud.announcer = processes.Announcer(self.rabbit.url)
        self.addCleanup(self.cloud.announcer.cleanup)

    def test_a_hung_cell_holds_back_no_other_cell(self):
        n = self.start('a', full_read_interval=NO_FULL_READ, cell_timeout=2)
        hung = self.cloud.cells['hung1']
        waiting.wait_until(
            lambda: all(self.state.cells().get(c, (0, 0, False))[2]
                        for name, c in self.cloud.cells.items()
                        if name != 'hung1'), 60, 'cells baselined')
        waiting.wait_until(lambda: 'Listening to nova' in n.log_text(),
                           30, 'the listener bound its queue')
        for host in ('cell1-host0', 'cell2-host1'):
            servers = self.cloud.servers[host]
            self.cloud.set_forced_down(host, True)
            self.consumer.wait_all(servers, 'DOWN', EVENT_TIMEOUT)
            self.cloud.set_forced_down(host, False)
            self.consumer.wait_all(servers, 'UP', EVENT_TIMEOUT)
        log = n.log_text()
        # The hung cell was never baselined, and its failure is one episode.
        self.assertFalse(self.state.cells().get(hung, (0, 0, False))[2])
        self.assertEqual(1, log.count('Reading cell %s failing' % hung))
