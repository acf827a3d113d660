"""The owner-facing feed: what an owner may be told, and only that."""

from unittest import mock

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from host_status_ext.authorization import Visibility
from host_status_ext.notifier import conf as notifier_conf
from host_status_ext.notifier import emitter
from host_status_ext.notifier import factory
from host_status_ext.notifier import owner_feed
from host_status_ext.notifier import servers
from host_status_ext.notifier import state
from host_status_ext import status
from tests.unit.notifier.test_emitter import RecordingSender

WHEN = '2026-12-02T05:00:00.000000Z'
VALUES = (status.UP, status.UNKNOWN, status.DOWN, status.MAINTENANCE,
          status.NONE)


class TestOwnerView(testtools.TestCase):

    def test_none_is_told_nothing(self):
        for old in VALUES:
            for new in VALUES:
                self.assertIsNone(
                    owner_feed.owner_view(Visibility.NONE, old, new))

    def test_all_is_told_everything(self):
        for old in VALUES:
            for new in VALUES:
                self.assertEqual(
                    (old, new),
                    owner_feed.owner_view(Visibility.ALL, old, new))

    def test_unknown_only_is_told_of_unknown_alone_without_the_old(self):
        for old in VALUES:
            for new in set(VALUES) - {old}:
                view = owner_feed.owner_view(Visibility.UNKNOWN_ONLY, old,
                                             new)
                if new == status.UNKNOWN:
                    self.assertEqual((None, status.UNKNOWN), view)
                else:
                    self.assertIsNone(view, (old, new))


class FakeGate(object):
    """Visibility per project, recording every question."""

    def __init__(self, by_project):
        self.by_project = by_project
        self.asked = []

    def visibility(self, context, project_id):
        self.asked.append((context.project_id, context.user_id,
                           tuple(context.roles), context.is_admin,
                           project_id))
        return self.by_project[project_id]


def notifications(old, new, projects):
    return [emitter.build_notification(
        servers.Server('00000000-0000-0000-0000-%012d' % i, project, 'u-' +
                       (project or 'none')),
        'compute-7', state.Pending(old, new, WHEN),
        'host-status-notifier:notifier-host')
        for i, project in enumerate(projects)]


class TestCopies(testtools.TestCase):

    def feed(self, by_project):
        self.owner_notifier = RecordingSender()
        self.gate = FakeGate(by_project)
        return owner_feed.OwnerFeed(self.owner_notifier, gate=self.gate)

    def test_one_question_per_project_and_user_as_a_member(self):
        feed = self.feed({'p1': Visibility.ALL, 'p2': Visibility.NONE})
        copies = feed.copies(notifications(status.UP, status.DOWN,
                                           ['p1', 'p2', 'p1', 'p1', 'p2']))
        self.assertEqual(
            [('p1', 'u-p1', ('member', 'reader'), False, 'p1'),
             ('p2', 'u-p2', ('member', 'reader'), False, 'p2')],
            self.gate.asked)
        self.assertEqual(3, len(copies))
        self.assertEqual({'p1'}, {c.payload.project_id for c in copies})

    def test_a_copy_says_what_the_owner_may_see_and_names_no_host(self):
        feed = self.feed({'p1': Visibility.ALL})
        [copy] = feed.copies(notifications(status.UP, status.DOWN, ['p1']))
        note = copy.notification
        self.assertEqual('instance.host_status_change', note.event_type)
        self.assertEqual('host-status-notifier', note.publisher_id)
        data = note.payload.obj_to_primitive()['nova_object.data']
        self.assertEqual(status.UP, data['old_host_status'])
        self.assertEqual(status.DOWN, data['host_status'])
        self.assertEqual('p1', data['project_id'])
        self.assertNotIn('compute-7', repr(note.obj_to_primitive()))
        self.assertNotIn('notifier-host', repr(note.obj_to_primitive()))

    def test_unknown_only_copy_leaves_the_old_value_out(self):
        feed = self.feed({'p1': Visibility.UNKNOWN_ONLY})
        self.assertEqual([], feed.copies(
            notifications(status.UNKNOWN, status.UP, ['p1'])))
        [copy] = feed.copies(notifications(status.UP, status.UNKNOWN,
                                           ['p1']))
        data = copy.payload.obj_to_primitive()['nova_object.data']
        self.assertEqual(status.UNKNOWN, data['host_status'])
        self.assertNotIn('old_host_status', data)

    def test_a_server_without_a_project_has_no_owner(self):
        feed = self.feed({})
        self.assertEqual([], feed.copies(
            notifications(status.UP, status.DOWN, [None])))
        self.assertEqual([], self.gate.asked)

    def test_a_copy_goes_through_the_owner_notifier_only(self):
        feed = self.feed({'p1': Visibility.ALL})
        [copy] = feed.copies(notifications(status.UP, status.DOWN, ['p1']))
        operator = RecordingSender()
        copy.emit(operator)
        self.assertEqual([], operator.sent)
        self.assertEqual([copy.payload.uuid],
                         [u for u, _, _ in self.owner_notifier.sent])


class TestEmitterWithOwnerFeed(testtools.TestCase):

    SERVERS = [servers.Server('00000000-0000-0000-0000-%012d' % i,
                              'p%d' % (i % 2), 'user') for i in range(6)]

    def setUp(self):
        super().setUp()
        for target in ('nova.context.target_cell',):
            patcher = mock.patch(target)
            patcher.start()
            self.addCleanup(patcher.stop)
        patcher = mock.patch.object(servers, 'get_by_host',
                                    return_value=self.SERVERS)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.operator = RecordingSender()
        self.owners = RecordingSender()

    def emit(self, gate, workers=8):
        feed = owner_feed.OwnerFeed(self.owners, gate=gate)
        return emitter.Emitter(self.operator, 'pub:x', workers,
                               owner_feed=feed).emit_host_change(
            mock.sentinel.ctxt, mock.Mock(uuid='c1'), 'h1',
            state.Pending(status.UP, status.DOWN, WHEN))

    def test_every_server_to_the_operator_the_allowed_to_the_owners(self):
        for workers in (1, 8):
            self.operator.sent.clear()
            self.owners.sent.clear()
            count = self.emit(FakeGate({'p0': Visibility.ALL,
                                        'p1': Visibility.NONE}), workers)
            self.assertEqual(6, count)
            self.assertEqual(sorted(s.uuid for s in self.SERVERS),
                             sorted(u for u, _, _ in self.operator.sent))
            self.assertEqual(sorted(s.uuid for s in self.SERVERS
                                    if s.project_id == 'p0'),
                             sorted(u for u, _, _ in self.owners.sent))

    def test_a_policy_that_fails_sends_nothing_at_all(self):
        gate = mock.Mock()
        gate.visibility.side_effect = ValueError('policy.yaml: bad YAML')
        self.assertRaises(ValueError, self.emit, gate)
        self.assertEqual([], self.operator.sent)
        self.assertEqual([], self.owners.sent)


class TestMakeOwnerFeed(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts()))
        notifier_conf.register_opts(self.conf.conf)

    def test_off_by_default(self):
        self.assertIsNone(factory.make_owner_feed(self.conf.conf, None))

    def test_own_topics_and_roles(self):
        self.conf.config(owner_topics=['owners'], owner_roles=['tenant'],
                         driver='noop', group='host_status_notifier')
        operator = mock.Mock()
        with mock.patch('host_status_ext.notifier.delivery.Sender') as sender:
            feed = factory.make_owner_feed(self.conf.conf, operator)
        sender.assert_called_once_with(
            operator.transport, 'noop', ['owners'],
            self.conf.conf.host_status_notifier.send_retry)
        self.assertEqual(['tenant'], feed.roles)

    def test_a_topic_shared_with_the_operator_feed_is_refused(self):
        self.conf.config(owner_topics=['owners', 'versioned_notifications'],
                         group='host_status_notifier')
        error = self.assertRaises(factory.ConfigurationError,
                                  factory.make_owner_feed,
                                  self.conf.conf, mock.Mock())
        self.assertIn('versioned_notifications', str(error))
