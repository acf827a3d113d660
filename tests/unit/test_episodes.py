import logging
import sys
import threading

import fixtures
import testtools

from host_status_ext import episodes


class FakeClock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class TestEpisode(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.logs = self.useFixture(fixtures.FakeLogger(
            name='test.episodes', level=logging.DEBUG,
            format='%(levelname)s %(message)s'))
        self.clock = FakeClock()
        self.episode = episodes.Episode(
            logging.getLogger('test.episodes'), 'Cell c1 read',
            remind_every=60, clock=self.clock)

    def lines(self):
        return [line for line in self.logs.output.splitlines()
                if line.startswith(('WARNING', 'INFO', 'ERROR'))]

    def test_quiet_while_nothing_fails(self):
        for _ in range(100):
            self.episode.succeeded()
        self.assertEqual('', self.logs.output)
        self.assertFalse(self.episode.active)

    def test_many_failures_within_a_minute_log_one_line(self):
        for _ in range(1000):
            self.episode.failed('timed out')
            self.clock.now += 0.05
        self.assertEqual(1, len(self.lines()))
        self.assertIn('Cell c1 read failing: timed out', self.lines()[0])
        self.assertTrue(self.episode.active)

    def test_a_reminder_at_most_once_a_minute(self):
        # Ten minutes of a failure every 0.25 s: the start and nine
        # reminders, whatever the number of failures.
        for _ in range(4 * 600):
            self.episode.failed('refused')
            self.clock.now += 0.25
        lines = self.lines()
        self.assertEqual(10, len(lines))
        self.assertIn('still failing after 60 s (241 failures so far)',
                      lines[1])

    def test_the_end_says_how_long_and_how_many(self):
        for _ in range(7):
            self.episode.failed('refused')
            self.clock.now += 2
        self.episode.succeeded()
        self.episode.succeeded()
        lines = self.lines()
        self.assertEqual(2, len(lines))
        self.assertIn('Cell c1 read recovered after 14.0 s and 7 failure(s)',
                      lines[1])
        self.assertFalse(self.episode.active)

    def test_a_new_episode_after_recovery_starts_afresh(self):
        self.episode.failed('one')
        self.episode.succeeded()
        self.episode.failed('two')
        lines = self.lines()
        self.assertEqual(3, len(lines))
        self.assertIn('failing: two', lines[2])

    def test_traceback_only_with_the_first_line(self):
        for _ in range(3):
            try:
                raise ValueError('boom')
            except ValueError:
                self.episode.failed('boom', exc_info=True)
            self.clock.now += 61
        self.assertEqual(1, self.logs.output.count('Traceback'))
        self.assertEqual(3, len(self.lines()))

    def test_threads_count_every_failure_and_log_one_start(self):
        def fail():
            for _ in range(500):
                self.episode.failed('x')
        threads = [threading.Thread(target=fail) for _ in range(4)]
        old = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        self.addCleanup(sys.setswitchinterval, old)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.episode.succeeded()
        lines = self.lines()
        self.assertEqual(2, len(lines))
        self.assertIn('2000 failure(s)', lines[1])


class TestEpisodes(testtools.TestCase):

    def test_one_episode_per_key(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='test.episodes', format='%(message)s'))
        clock = FakeClock()
        cells = episodes.Episodes(logging.getLogger('test.episodes'),
                                  'Cell %s read', clock=clock)
        for _ in range(50):
            cells['c1'].failed('hung')
            cells['c2'].failed('refused')
        cells.succeeded('c1')
        cells.succeeded('c3')
        self.assertIs(cells['c2'], cells['c2'])
        self.assertEqual(['Cell c1 read failing: hung. Logged again at most '
                          'every 60 s until it recovers.',
                          'Cell c2 read failing: refused. Logged again at '
                          'most every 60 s until it recovers.',
                          'Cell c1 read recovered after 0.0 s and 50 '
                          'failure(s).'],
                         logs.output.splitlines())
