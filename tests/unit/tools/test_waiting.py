"""tools.waiting: one way to wait for a condition, and to say what failed."""

import itertools
import time

import testtools

from tools import waiting


class WaitUntilTest(testtools.TestCase):

    def test_returns_the_checks_first_true_value(self):
        answers = iter([None, 0, [], 'ready'])
        self.assertEqual('ready', waiting.wait_until(
            lambda: next(answers), 5, 'answer', interval=0))

    def test_times_out_naming_what_was_awaited(self):
        started = time.monotonic()
        error = self.assertRaises(
            TimeoutError, waiting.wait_until, lambda: False, 0.2,
            'the moon', interval=0.01)
        self.assertIn('the moon', str(error))
        self.assertGreaterEqual(time.monotonic() - started, 0.2)

    def test_checks_once_more_at_the_deadline(self):
        calls = itertools.count()
        self.assertRaises(TimeoutError, waiting.wait_until,
                          lambda: next(calls) and False, 0, 'x')
        self.assertEqual(1, next(calls))

    def test_abort_stops_the_wait_early(self):
        def died():
            raise RuntimeError('died')

        started = time.monotonic()
        self.assertRaises(RuntimeError, waiting.wait_until, lambda: False,
                          30, 'never', interval=0.01, abort=died)
        self.assertLess(time.monotonic() - started, 5)
