"""How the fault run judges one reply (tools/minicloud/verdicts.py)."""

import collections

import testtools

from tools.minicloud import traffic
from tools.minicloud import verdicts


# What verdicts.delivery reads of tools.minicloud.events.Event.
Event = collections.namedtuple('Event', ['received', 'data'])


def reply(status, body, start=0.0, end=0.1):
    return traffic.Reply(status, body, start, end)


def view(sid, **fields):
    server = {'id': sid, 'hostId': 'h-' + sid, 'status': 'ACTIVE'}
    server.update(fields)
    return server


CELLS = {'a': 'cell1', 'b': 'cell2'}


class JudgeTest(testtools.TestCase):

    def test_healthy_listing_for_the_allowed_caller(self):
        body = {'servers': [view('a', host_status='UP'),
                            view('b', host_status='DOWN')]}
        v = verdicts.judge(reply(200, body), True, ['a', 'b'], CELLS)
        self.assertEqual(verdicts.Verdict(0, {}, True), v)

    def test_host_status_for_the_caller_who_may_not_see_it(self):
        body = {'servers': [view('a', host_status='UP'), view('b')]}
        v = verdicts.judge(reply(200, body), False, ['a', 'b'], CELLS)
        self.assertEqual(1, v.leaks)
        self.assertFalse(v.normal)

    def test_whole_record_without_host_status_is_lost_in_its_cell(self):
        body = {'servers': [view('a'), view('b', host_status='UP')]}
        v = verdicts.judge(reply(200, body), True, ['a', 'b'], CELLS)
        self.assertEqual({'cell1': 1}, v.lost)
        self.assertFalse(v.normal)

    def test_partial_record_is_not_lost_but_not_normal(self):
        partial = {'id': 'b', 'status': 'UNKNOWN'}
        body = {'servers': [view('a', host_status='UP'), partial]}
        v = verdicts.judge(reply(200, body), True, ['a', 'b'], CELLS)
        self.assertEqual({}, v.lost)
        self.assertFalse(v.normal)

    def test_missing_server_and_errors_are_not_normal(self):
        body = {'servers': [view('a', host_status='UP')]}
        self.assertFalse(verdicts.judge(reply(200, body), True, ['a', 'b'],
                                        CELLS).normal)
        self.assertFalse(verdicts.judge(reply(500, None), True, ['a'],
                                        CELLS).normal)
        self.assertFalse(verdicts.judge(reply(traffic.CONNECTION_ERROR,
                                              None), True, ['a'],
                                        CELLS).normal)

    def test_show(self):
        body = {'server': view('a', host_status='UP')}
        self.assertTrue(verdicts.judge(reply(200, body), True, ['a'],
                                       CELLS).normal)
        self.assertEqual(1, verdicts.judge(reply(200, body), False, ['a'],
                                           CELLS).leaks)


class DiffersTest(testtools.TestCase):

    def test_host_status_alone_is_no_difference(self):
        plain = reply(200, {'servers': [view('a', host_status='DOWN')]})
        ours = reply(200, {'servers': [view('a', host_status='MAINTENANCE')]})
        self.assertIsNone(verdicts.differs(plain, ours))

    def test_status_and_body_differences(self):
        ok = reply(200, {'server': view('a')})
        self.assertEqual('status', verdicts.differs(ok, reply(500, None)))
        other = reply(200, {'server': view('a', status='ERROR')})
        self.assertEqual('body', verdicts.differs(ok, other))
        self.assertIsNone(verdicts.differs(reply(503, {'x': 1}),
                                           reply(503, {'x': 2})))


class TallyTest(testtools.TestCase):

    def test_recovery_is_to_the_end_of_the_last_abnormal_reply(self):
        tally = verdicts.Tally()
        bad = verdicts.Verdict(0, {'cell1': 1}, False)
        good = verdicts.Verdict(0, {}, True)
        tally.add(reply(500, None, 1.0, 1.5), bad)
        tally.add(reply(200, {}, 10.0, 10.5), bad)
        tally.add(reply(200, {}, 12.0, 12.2), good)
        self.assertEqual(3, tally.requests)
        self.assertEqual({'500': 1}, dict(tally.statuses))
        self.assertEqual(2.5, tally.recovery(8.0))
        self.assertEqual(0.0, tally.recovery(11.0))
        self.assertEqual(1, tally.lost_between(0.0, 5.0, 'cell1'))


class DeliveryTest(testtools.TestCase):
    """How the hung-cell row counts the notifier's events per change."""

    def event(self, at, sid, old, new):
        return Event(at, {'uuid': sid, 'old_host_status': old,
                          'host_status': new})

    STEPS = [(10.0, ['a', 'b'], 'UP', 'UNKNOWN'),
             (20.0, ['a', 'b'], 'UNKNOWN', 'UP')]

    def test_each_server_once_per_step(self):
        received = [self.event(11, 'a', 'UP', 'UNKNOWN'),
                    self.event(12, 'b', 'UP', 'UNKNOWN'),
                    self.event(21, 'a', 'UNKNOWN', 'UP'),
                    self.event(25, 'b', 'UNKNOWN', 'UP')]
        self.assertEqual((0, 0, 0), verdicts.delivery(self.STEPS, received))

    def test_a_change_never_heard_of_is_lost_even_if_undone_later(self):
        # The notifier missed the host going UNKNOWN and back: nothing.
        self.assertEqual((4, 0, 0), verdicts.delivery(self.STEPS, []))

    def test_late_is_not_lost_while_the_step_lasts(self):
        received = [self.event(19.9, 'a', 'UP', 'UNKNOWN'),
                    self.event(20.1, 'b', 'UP', 'UNKNOWN')]
        # b's came after the next step began: lost for its step, and other.
        self.assertEqual((3, 0, 1), verdicts.delivery(self.STEPS, received))

    def test_copies_are_duplicates_and_strays_are_other(self):
        received = [self.event(11, 'a', 'UP', 'UNKNOWN'),
                    self.event(13, 'a', 'UP', 'UNKNOWN'),
                    self.event(14, 'b', 'UP', 'UNKNOWN'),
                    self.event(15, 'c', 'UP', 'UNKNOWN'),
                    self.event(5, 'a', 'UNKNOWN', 'UP')]
        self.assertEqual((2, 1, 2), verdicts.delivery(self.STEPS, received))
