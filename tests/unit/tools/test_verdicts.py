"""How the fault run judges one reply (tools/minicloud/verdicts.py)."""

import testtools

from tools.minicloud import traffic
from tools.minicloud import verdicts


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
