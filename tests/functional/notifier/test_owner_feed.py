"""The owner-facing feed under nova's real enforcer and a real policy file.

Two consumers: one on the operator's topic (every change, as before), one
on the owner topic (what ceilometer, and through it the owners' Aodh
alarms, would hear). The policy is a file on disk named by nova's
``[oslo_policy] policy_file``, changed between polls of one running
notifier, as an operator changes it.
"""

import os

import nova.policy
from oslo_utils.fixture import uuidsentinel as uuids

from host_status_ext import status
from tests.functional.notifier import base
from tests.notifier_drive import read_all
from tests.notifier_drive import step_all

OWNER_TOPIC = 'host_status_owner_notifications'
SHOW = 'os_compute_api:servers:show:host_status'
UNKNOWN_ONLY = 'os_compute_api:servers:show:host_status:unknown-only'


class TestOwnerFeed(base.NotifierTestCase):

    def setUp(self):
        super().setUp()
        self.policy_file = os.path.join(self.state_dir, 'policy.yaml')
        self.write_policy({})
        self.flags(policy_file=self.policy_file, group='oslo_policy')
        nova.policy.reset()
        self.addCleanup(nova.policy.reset)
        self.flags(owner_topics=[OWNER_TOPIC], group='host_status_notifier')

        self.owners = self.watch(OWNER_TOPIC)

        self.servers = {
            'host1': self.create_servers('host1', 2,
                                         project_id=uuids.project_a),
            'host2': self.create_servers('host2', 1,
                                         project_id=uuids.project_b),
        }
        self.manager = self.new_manager()
        self.assertEqual([], read_all(self.manager))

    def write_policy(self, rules):
        """Rewrite policy.yaml; a new mtime makes oslo.policy re-read it."""
        with open(self.policy_file, 'w') as f:
            for name, check in rules.items():
                f.write('"%s": "%s"\n' % (name, check))
        stat = os.stat(self.policy_file)
        later = stat.st_mtime + getattr(self, '_bump', 1)
        self._bump = getattr(self, '_bump', 1) + 1
        os.utime(self.policy_file, (later, later))

    def change(self, expected_operator_events, **updates_by_host):
        """Apply the updates, poll once, wait for the operator's events."""
        self.consumer.clear()
        self.owners.clear()
        for host, updates in updates_by_host.items():
            if updates == 'lose_heartbeat':
                self.lose_heartbeat(host)
            elif updates == 'restore_heartbeat':
                self.restore_heartbeat(host)
            else:
                self.update_service(host, **updates)
        emitted = read_all(self.manager)
        self.consumer.wait_count(expected_operator_events)
        self.settle()
        return emitted

    def owner_events(self):
        """``[(uuid, project, old or None, new, publisher_id)]``, sorted."""
        return sorted(
            (p['nova_object.data']['uuid'],
             p['nova_object.data']['project_id'],
             p['nova_object.data'].get('old_host_status'),
             p['nova_object.data']['host_status'], publisher)
            for publisher, p in ((e.publisher_id, e.payload)
                                 for e in self.owners.events()))

    def expected(self, host, old, new):
        project = uuids.project_a if host == 'host1' else uuids.project_b
        return sorted((uuid, project, old, new, 'host-status-notifier')
                      for uuid in self.servers[host])

    def test_default_policy_the_owners_hear_nothing(self):
        self.change(2, host1={'forced_down': True})
        self.assertEqual(2, len(self.consumer.events()))
        self.assertEqual([], self.owner_events())

    def test_the_owner_line_every_change_with_its_old_value(self):
        self.write_policy({SHOW: 'rule:admin_or_owner'})
        self.change(2, host1={'forced_down': True})
        self.assertEqual(self.expected('host1', status.UP, status.DOWN),
                         self.owner_events())
        self.change(2, host1={'forced_down': False, 'disabled': True})
        self.assertEqual(
            self.expected('host1', status.DOWN, status.MAINTENANCE),
            self.owner_events())

    def test_nova_reader_line_every_change_with_its_old_value(self):
        # nova's current equivalent of the owner line, for reads.
        self.write_policy({SHOW: 'rule:project_reader_or_admin'})
        self.change(2, host1={'forced_down': True})
        self.assertEqual(self.expected('host1', status.UP, status.DOWN),
                         self.owner_events())

    def test_nova_reader_line_needs_the_reader_role(self):
        # Where owner_roles names no reader role, nova's reader line opens
        # nothing, and the specification's line still opens everything.
        # NOTE: with nova 34's enforce_new_defaults (placement's test
        # fixture turns it off process-wide), or nova's deprecated default
        # of project_reader_api would pass any role.
        self.flags(enforce_new_defaults=True, group='oslo_policy')
        nova.policy.reset()
        self.flags(owner_roles=['other'], group='host_status_notifier')
        self.manager = self.new_manager()
        self.write_policy({SHOW: 'rule:project_reader_or_admin'})
        self.change(2, host1={'forced_down': True})
        self.assertEqual([], self.owner_events())
        self.write_policy({SHOW: 'rule:admin_or_owner'})
        self.change(2, host1={'forced_down': False})
        self.assertEqual(self.expected('host1', status.DOWN, status.UP),
                         self.owner_events())

    def test_unknown_only_unknown_alone_and_no_old_value(self):
        self.write_policy({UNKNOWN_ONLY: 'rule:admin_or_owner'})
        self.change(2, host1={'forced_down': True})
        self.assertEqual([], self.owner_events())
        self.change(1, host2='lose_heartbeat')
        self.assertEqual(self.expected('host2', None, status.UNKNOWN),
                         self.owner_events())
        self.change(1, host2='restore_heartbeat')
        self.assertEqual([], self.owner_events())

    def test_policy_evaluated_for_each_servers_project(self):
        # Open to project A's members only: B's server on the same kind of
        # change gets nothing, though the operator hears both.
        self.write_policy({SHOW: 'project_id:%s' % uuids.project_a})
        self.change(3, host1={'forced_down': True},
                    host2={'forced_down': True})
        self.assertEqual(self.expected('host1', status.UP, status.DOWN),
                         self.owner_events())

    def test_a_changed_policy_file_applies_without_restart(self):
        self.change(2, host1={'forced_down': True})
        self.assertEqual([], self.owner_events())
        self.write_policy({SHOW: 'rule:admin_or_owner'})
        self.change(2, host1={'forced_down': False})
        self.assertEqual(self.expected('host1', status.DOWN, status.UP),
                         self.owner_events())
        self.write_policy({})
        self.change(2, host1={'forced_down': True})
        self.assertEqual([], self.owner_events())

    def test_an_unreadable_policy_sends_nothing_and_the_change_waits(self):
        self.write_policy({SHOW: 'rule:admin_or_owner'})
        with open(self.policy_file, 'a') as f:
            f.write('"broken: [\n')
        os.utime(self.policy_file, None)
        emitted = self.change(0, host1={'forced_down': True})
        self.assertEqual([], emitted)
        self.assertEqual([], self.consumer.events())
        self.assertEqual([], self.owner_events())
        # Fixed: the same change goes out, to both feeds, at the next try
        # (after poll_interval).
        self.write_policy({SHOW: 'rule:admin_or_owner'})
        self.consumer.clear()
        step_all(self.manager, pause=0.3)
        self.consumer.wait_count(2)
        self.settle()
        self.assertEqual(2, len(self.consumer.events()))
        self.assertEqual(self.expected('host1', status.UP, status.DOWN),
                         self.owner_events())
