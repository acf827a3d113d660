"""The owner is called back: an Aodh event alarm fires on the owner's webhook.

The whole path on the mini-cloud's real services: host-status-notifier's
owner-facing feed -> ceilometer-agent-notification (this project's
etc/ceilometer files) -> aodh-listener -> aodh-notifier -> the owner's
webhook (``tools.minicloud.webhook``, which records every POST). Alarms are
created by the owner and by another project's user, as tenants, through
Aodh's API with keystone auth; one through the ``openstack alarm create``
command exactly as documented.

Every test is run for both shapes of the owner-facing events at once (an
alarm on the per-server event and one on the project's summary, side by
side) and, in :class:`ShortcutOwnerAlarmTest`, again with the notifiers'
shortcut (straight to aodh-listener, no ceilometer).

The operator's feed (``versioned_notifications``) is watched too: where an
owner must hear nothing, it proves that the change did happen and was
published, so that silence on the webhook is the gate's doing.

Latencies are printed (``e2e latency: ...`` on stderr), never asserted.
"""

import json
import socket
import subprocess
import sys
import time
import uuid

from testtools import content

from tools.minicloud import alarms
from tools.minicloud import client
from tools.minicloud import events
from tools.minicloud import layout
from tools.minicloud import owner_path
from tools.minicloud import policy
from tools.minicloud import scenario
from tools.minicloud import services
from tools.minicloud import webhook

from tests.e2e import base

HOST_A, HOST_B = base.CloudTestCase.HOSTS
# Bounds a wait on a busy machine; the path takes well under a second.
CALLBACK_TIMEOUT = 20
# After the operator's event (or the expected POSTs): long enough for an
# owner's callback to arrive if one were coming (the path from the
# notifier to the webhook takes some 50 ms here).
QUIET = 3


class OwnerAlarmTest(base.CloudTestCase):
    """Through ceilometer (the notifiers' owner topics)."""

    PATH = 'ceilometer'

    @classmethod
    def setUpClass(cls):
        if not services.telemetry_ready():
            raise RuntimeError('ceilometer, aodh or the owner webhook do '
                               'not run: run "python -m tools.minicloud up"')
        owner_path.use(cls.PATH)
        super().setUpClass()
        cls.stranger = client.connect(layout.STRANGER)
        cls.owner_project = cls.owner.current_project_id
        cls.owner_user = cls.owner.current_user_id
        cls.stranger_project = cls.stranger.current_project_id
        # Another project's server on the owner's first host.
        cls.theirs = scenario.boot(cls.stranger, cls.prefix + 'theirs',
                                   HOST_A).id
        client.poll(lambda: client.host_status_of(cls.admin_s, cls.theirs),
                    'UP', base.COMPUTE_START_TIMEOUT, interval=0.5)

    @classmethod
    def tearDownClass(cls):
        try:
            scenario.delete_named(cls.stranger, cls.prefix)
        finally:
            try:
                super().tearDownClass()
            finally:
                owner_path.use('ceilometer')

    def setUp(self):
        super().setUp()
        self.label = 'e2e-%s' % uuid.uuid4().hex[:8]
        self.watcher = events.EventWatcher().start()
        self.addCleanup(self.watcher.stop)

    # -- helpers -----------------------------------------------------------

    def alarm(self, session, who, event_type=alarms.EVENT_TYPE, **traits):
        """An event alarm of *session*'s project calling ``<label>/<who>``."""
        alarm_id = alarms.create(session, '%s-%s' % (self.label, who),
                                 webhook.url('%s/%s' % (self.label, who)),
                                 event_type=event_type, **traits)
        self.addCleanup(alarms.delete, session, alarm_id)
        return alarm_id

    def summary_alarm(self, session, who, **traits):
        """An alarm of the project on the summary, at ``<label>/<who>``."""
        return self.alarm(session, who, alarms.SUMMARY_EVENT_TYPE, **traits)

    def host_id(self, server, conn=None):
        """The server's hostId, as its owner sees it."""
        return (conn or self.owner).compute.get_server(server).host_id

    def posts(self, who, since):
        return webhook.posts(since, label='%s/%s' % (self.label, who))

    def wait_posts(self, who, since, count=1, timeout=CALLBACK_TIMEOUT):
        path = '/%s/%s' % (self.label, who)
        try:
            return webhook.wait(lambda p: p['path'] == path, since=since,
                                count=count, timeout=timeout)
        except TimeoutError as e:
            self.fail('%s\'s webhook: %s' % (who, e))

    def operator_event(self, server, new, since, timeout=10):
        """The operator's feed got *server*'s change to *new*."""
        try:
            return self.watcher.wait_for(
                lambda d: (d.get('uuid'), d.get('host_status')) ==
                (server, new), since=since, timeout=timeout)
        except TimeoutError as e:
            self.fail('operator feed, %s -> %s: %s' % (server, new, e))

    def report(self, what, seconds):
        figure = '%.3f s (service_down_time %d s)' % (
            seconds, layout.SERVICE_DOWN_TIME)
        self.addDetail(what, content.text_content(figure))
        print('e2e latency: %s: %s' % (what, figure), file=sys.stderr,
              flush=True)

    def assert_names_no_host(self, post):
        wire = json.dumps(post['body'])
        for name in layout.COMPUTE_HOSTS:
            self.assertNotIn(name, wire)
        self.assertNotIn('host-status-notifier:', wire)
        self.assertNotIn(socket.gethostname(),
                         webhook.traits(post).values())

    def assert_callback(self, post, alarm_id, server, old, new,
                        project=None):
        """An Aodh POST for *alarm_id*: *server*'s change, its project."""
        project = project or self.owner_project
        body = post['body']
        self.assertEqual(alarm_id, body['alarm_id'])
        self.assertEqual('alarm', body['current'])
        self.assertEqual('event', body['reason_data']['type'])
        self.assertEqual(alarms.EVENT_TYPE,
                         body['reason_data']['event']['event_type'])
        traits = webhook.traits(post)
        self.assertEqual(server, traits['instance_id'])
        self.assertEqual(server, traits['resource_id'])
        self.assertEqual(project, traits['project_id'])
        self.assertEqual(project, traits['tenant_id'])
        self.assertEqual(new, traits['host_status'])
        if old is None:
            self.assertNotIn('old_host_status', traits)
        else:
            self.assertEqual(old, traits['old_host_status'])
        self.assertIn('changed_at', traits)
        self.assert_names_no_host(post)
        return traits

    def assert_summary(self, post, alarm_id, host_id, old, new, count=1,
                       project=None):
        """An Aodh POST for *alarm_id*: a project's summary of a change."""
        project = project or self.owner_project
        body = post['body']
        self.assertEqual(alarm_id, body['alarm_id'])
        self.assertEqual(alarms.SUMMARY_EVENT_TYPE,
                         body['reason_data']['event']['event_type'])
        traits = webhook.traits(post)
        self.assertEqual(project, traits['project_id'])
        self.assertEqual(project, traits['tenant_id'])
        self.assertEqual(host_id, traits['host_id'])
        self.assertEqual(count, traits['instance_count'])
        self.assertEqual(new, traits['host_status'])
        if old is None:
            self.assertNotIn('old_host_status', traits)
        else:
            self.assertEqual(old, traits['old_host_status'])
        self.assertNotIn('user_id', traits)
        self.assertNotIn('instance_id', traits)
        self.assert_names_no_host(post)
        return traits

    # -- the owner is called back ------------------------------------------

    def test_forced_down_calls_the_owner_back(self):
        self.open_to_owner()
        server = self.servers[HOST_A]
        # The owner's way in, exactly as documented.
        out = subprocess.run(
            [layout.venv_bin('openstack')] + alarms.cli_create_args(
                self.label + '-owner', webhook.url(self.label + '/owner'),
                instance_id=server) + ['-f', 'value', '-c', 'alarm_id'],
            env=client.cli_env(layout.OWNER), capture_output=True,
            text=True, timeout=120)
        self.assertEqual(0, out.returncode, out.stderr)
        alarm_id = out.stdout.strip()
        self.addCleanup(alarms.delete, self.owner_s, alarm_id)
        alarms.note_made()
        summary_id = self.summary_alarm(self.owner_s, 'owner-summary')
        # Another project's user guesses the owner's server id.
        self.alarm(self.stranger_s, 'stranger', instance_id=server)
        alarms.wait_until_seen()

        since = webhook.mark()
        returned = scenario.put_service(self.admin, self.admin_s, HOST_A,
                                        {'forced_down': True})
        [post] = self.wait_posts('owner', since)
        self.report('force-down returned -> owner\'s webhook called (%s)'
                    % self.PATH, post['received_monotonic'] - returned)
        traits = self.assert_callback(post, alarm_id, server, 'UP', 'DOWN')
        self.assertEqual(self.owner_user, traits['user_id'])
        own_host_id = self.host_id(server)
        self.assertEqual(own_host_id, traits['host_id'])
        [post] = self.wait_posts('owner-summary', since)
        self.report('force-down returned -> owner\'s summary webhook (%s)'
                    % self.PATH, post['received_monotonic'] - returned)
        self.assert_summary(post, summary_id, own_host_id, 'UP', 'DOWN')

        time.sleep(QUIET)
        self.assertEqual(1, len(self.posts('owner', since)))
        self.assertEqual(1, len(self.posts('owner-summary', since)))
        self.assertEqual([], self.posts('stranger', since))

    def test_killed_compute_calls_the_owner_back_with_unknown(self):
        self.open_to_owner()
        server = self.servers[HOST_B]
        alarm_id = self.alarm(self.owner_s, 'owner', instance_id=server,
                              host_status='UNKNOWN')
        summary_id = self.summary_alarm(self.owner_s, 'owner-summary',
                                        host_status='UNKNOWN')
        alarms.wait_until_seen()
        since = webhook.mark()
        self.assertTrue(scenario.stop_compute(HOST_B))
        killed = time.monotonic()
        [post] = self.wait_posts('owner', since,
                                 timeout=base.HEARTBEAT_TIMEOUT + 10)
        self.report('nova-compute killed -> owner\'s webhook called (%s)'
                    % self.PATH, post['received_monotonic'] - killed)
        self.assert_callback(post, alarm_id, server, 'UP', 'UNKNOWN')
        [post] = self.wait_posts('owner-summary', since)
        self.assert_summary(post, summary_id, self.host_id(server), 'UP',
                            'UNKNOWN')

    def test_maintenance_calls_the_owner_back(self):
        self.open_to_owner()
        server = self.servers[HOST_A]
        alarm_id = self.alarm(self.owner_s, 'owner', instance_id=server)
        summary_id = self.summary_alarm(self.owner_s, 'owner-summary')
        alarms.wait_until_seen()
        since = webhook.mark()
        returned = scenario.put_service(
            self.admin, self.admin_s, HOST_A,
            {'status': 'disabled', 'disabled_reason': 'e2e maintenance'})
        [post] = self.wait_posts('owner', since)
        self.report('disable returned -> owner\'s webhook called (%s)'
                    % self.PATH, post['received_monotonic'] - returned)
        self.assert_callback(post, alarm_id, server, 'UP', 'MAINTENANCE')
        [post] = self.wait_posts('owner-summary', since)
        self.assert_summary(post, summary_id, self.host_id(server), 'UP',
                            'MAINTENANCE')

    # -- isolation ---------------------------------------------------------

    def test_two_projects_on_one_host_each_hear_their_own(self):
        self.open_to_owner()
        mine = self.alarm(self.owner_s, 'owner')
        theirs = self.alarm(self.stranger_s, 'stranger')
        my_summary = self.summary_alarm(self.owner_s, 'owner-summary')
        their_summary = self.summary_alarm(self.stranger_s,
                                           'stranger-summary')
        alarms.wait_until_seen()
        since = webhook.mark()
        scenario.set_forced_down(self.admin, HOST_A, True)
        [post] = self.wait_posts('owner', since)
        self.assert_callback(post, mine, self.servers[HOST_A], 'UP', 'DOWN')
        [post] = self.wait_posts('stranger', since)
        self.assert_callback(post, theirs, self.theirs, 'UP', 'DOWN',
                             project=self.stranger_project)
        [post] = self.wait_posts('owner-summary', since)
        self.assert_summary(post, my_summary,
                            self.host_id(self.servers[HOST_A]), 'UP', 'DOWN')
        # The same host, another project: another hostId, its own count.
        [post] = self.wait_posts('stranger-summary', since)
        self.assert_summary(post, their_summary,
                            self.host_id(self.theirs, self.stranger), 'UP',
                            'DOWN', project=self.stranger_project)
        time.sleep(QUIET)
        # One each: not the other's server, not the owner's other server
        # (its host did not change).
        for who in ('owner', 'stranger', 'owner-summary',
                    'stranger-summary'):
            self.assertEqual(1, len(self.posts(who, since)), who)

    # -- the operator's policy governs the callback ------------------------

    def test_default_policy_never_calls_the_owner_back(self):
        self.alarm(self.owner_s, 'owner')
        self.summary_alarm(self.owner_s, 'owner-summary')
        alarms.wait_until_seen()
        since, mark = webhook.mark(), self.watcher.mark()
        scenario.set_forced_down(self.admin, HOST_A, True)
        self.operator_event(self.servers[HOST_A], 'DOWN', mark)
        time.sleep(QUIET)
        self.assertEqual([], self.posts('owner', since))
        self.assertEqual([], self.posts('owner-summary', since))

    def test_unknown_only_calls_the_owner_back_for_unknown_alone(self):
        policy.write(extra={policy.UNKNOWN_ONLY: 'rule:admin_or_owner'})
        alarm_id = self.alarm(self.owner_s, 'owner')
        summary_id = self.summary_alarm(self.owner_s, 'owner-summary')
        alarms.wait_until_seen()
        since, mark = webhook.mark(), self.watcher.mark()
        scenario.set_forced_down(self.admin, HOST_A, True)
        self.operator_event(self.servers[HOST_A], 'DOWN', mark)
        time.sleep(QUIET)
        self.assertEqual([], self.posts('owner', since))
        self.assertEqual([], self.posts('owner-summary', since))

        self.assertTrue(scenario.stop_compute(HOST_B))
        [post] = self.wait_posts('owner', since,
                                 timeout=base.HEARTBEAT_TIMEOUT + 10)
        # UNKNOWN is shown; what it was before is not.
        self.assert_callback(post, alarm_id, self.servers[HOST_B], None,
                             'UNKNOWN')
        [post] = self.wait_posts('owner-summary', since)
        self.assert_summary(post, summary_id,
                            self.host_id(self.servers[HOST_B]), None,
                            'UNKNOWN')

        mark = self.watcher.mark()
        scenario.start_compute(HOST_B)
        self.operator_event(self.servers[HOST_B], 'UP', mark,
                            timeout=base.COMPUTE_START_TIMEOUT)
        time.sleep(QUIET)
        self.assertEqual(1, len(self.posts('owner', since)))
        self.assertEqual(1, len(self.posts('owner-summary', since)))


class ShortcutOwnerAlarmTest(OwnerAlarmTest):
    """The same, through the notifiers' shortcut: no ceilometer.

    The notifiers send the owner feed straight to aodh-listener's topic
    (``[host_status_notifier] owner_aodh_topics``), in Aodh's event format;
    the owner's alarms and webhook must see no difference.
    """

    PATH = 'aodh'
