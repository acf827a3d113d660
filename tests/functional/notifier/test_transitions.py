"""Each transition of a host's host_status, in two cells, one event per
server, and silence when nothing changes."""

import os

from nova import objects
from nova import utils

from host_status_ext import status
from tests.functional.notifier import base
from tests.notifier_drive import read_all


class TestTransitions(base.NotifierTestCase):

    def setUp(self):
        super().setUp()
        self.servers = {
            'host1': self.create_servers('host1', 3),
            'host2': self.create_servers('host2', 2),
            'host3': self.create_servers('host3', 4),
        }
        self.manager = self.new_manager()
        # The first read without a state file is the baseline: silent.
        self.assertEqual([], read_all(self.manager))

    def tick_and_collect(self, expected_count):
        self.consumer.clear()
        emitted = read_all(self.manager)
        self.consumer.wait_count(expected_count)
        self.settle()
        return emitted

    def assertEventsExactly(self, hosts, old, new):
        expected = {uuid: [(old, new)]
                    for host in hosts for uuid in self.servers[host]}
        self.assertEqual(expected, self.events_by_server())

    def test_force_down_in_two_cells(self):
        self.update_service('host1', forced_down=True)
        self.update_service('host3', forced_down=True)
        emitted = self.tick_and_collect(7)
        self.assertEqual(
            {('host1', status.UP, status.DOWN, 3),
             ('host3', status.UP, status.DOWN, 4)},
            {e[1:] for e in emitted})
        self.assertEventsExactly(['host1', 'host3'], status.UP, status.DOWN)

    def test_disable_is_maintenance_and_wins_over_forced_down(self):
        self.update_service('host2', disabled=True)
        self.tick_and_collect(2)
        self.assertEventsExactly(['host2'], status.UP, status.MAINTENANCE)
        # Forced down while disabled: still MAINTENANCE, so no event.
        self.update_service('host2', forced_down=True)
        self.tick_and_collect(0)
        self.assertEqual({}, self.events_by_server())
        # Enabled again while forced down: MAINTENANCE -> DOWN.
        self.update_service('host2', disabled=False)
        self.tick_and_collect(2)
        self.assertEventsExactly(['host2'], status.MAINTENANCE, status.DOWN)
        # Back up.
        self.update_service('host2', forced_down=False)
        self.tick_and_collect(2)
        self.assertEventsExactly(['host2'], status.DOWN, status.UP)

    def test_heartbeat_loss_is_unknown_and_back_up(self):
        self.lose_heartbeat('host3')
        self.tick_and_collect(4)
        self.assertEventsExactly(['host3'], status.UP, status.UNKNOWN)
        self.restore_heartbeat('host3')
        self.tick_and_collect(4)
        self.assertEventsExactly(['host3'], status.UNKNOWN, status.UP)

    def test_forced_down_over_lost_heartbeat(self):
        self.lose_heartbeat('host1')
        self.tick_and_collect(3)
        self.update_service('host1', forced_down=True)
        self.tick_and_collect(3)
        self.assertEventsExactly(['host1'], status.UNKNOWN, status.DOWN)

    def test_no_events_when_nothing_changes(self):
        mtime = self._state_mtime()
        for _ in range(5):
            self.assertEqual([], read_all(self.manager))
        self.settle()
        self.assertEqual([], self.consumer.events())
        # Steady state does not even rewrite the state file.
        self.assertEqual(mtime, self._state_mtime())

    def test_each_change_is_emitted_once(self):
        self.update_service('host1', forced_down=True)
        self.tick_and_collect(3)
        for _ in range(3):
            self.assertEqual([], read_all(self.manager))
        self.settle()
        self.assertEventsExactly(['host1'], status.UP, status.DOWN)

    def test_payload(self):
        self.update_service('host3', disabled=True)
        self.tick_and_collect(4)
        event = self.consumer.events()[0]
        publisher_id, payload = event.publisher_id, event.payload
        self.assertEqual('host-status-notifier:notifier-test', publisher_id)
        self.assertEqual('HostStatusChangePayload',
                         payload['nova_object.name'])
        self.assertEqual('host_status_ext', payload['nova_object.namespace'])
        data = payload['nova_object.data']
        self.assertEqual(
            {'event_id', 'uuid', 'project_id', 'user_id', 'host_id',
             'old_host_status', 'host_status', 'changed_at'}, set(data))
        self.assertEqual('1.1', payload['nova_object.version'])
        self.assertIn(data['uuid'], self.servers['host3'])
        self.assertEqual(base.uuids.project, data['project_id'])
        self.assertEqual(base.uuids.user, data['user_id'])
        # The host name is nowhere in the message, hostId is nova's hash.
        self.assertNotIn('host3', repr(payload))
        self.assertEqual(utils.generate_hostid('host3', base.uuids.project),
                         data['host_id'])

    def test_deleted_server_not_notified(self):
        with self.cell_ctxt('host1') as cctxt:
            objects.Instance.get_by_uuid(
                cctxt, self.servers['host1'][0]).destroy()
        gone = self.servers['host1'].pop(0)
        self.update_service('host1', forced_down=True)
        self.tick_and_collect(2)
        self.assertEventsExactly(['host1'], status.UP, status.DOWN)
        self.assertNotIn(gone, self.events_by_server())

    def _state_mtime(self):
        return os.stat(self.state_dir + '/state.json').st_mtime_ns
