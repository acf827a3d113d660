"""tools.stats: the one percentile of every figure the project reports."""

import testtools

from tools import stats


class PercentileTest(testtools.TestCase):

    def test_nearest_rank_answers_a_measured_value(self):
        values = [0.5, 0.1, 0.4, 0.2, 0.3]
        self.assertEqual(0.1, stats.percentile(values, 0))
        self.assertEqual(0.1, stats.percentile(values, 20))
        self.assertEqual(0.2, stats.percentile(values, 21))
        self.assertEqual(0.3, stats.percentile(values, 50))
        self.assertEqual(0.5, stats.percentile(values, 99))
        self.assertEqual(0.5, stats.percentile(values, 100))

    def test_p99_of_twenty_runs_is_the_worst(self):
        values = list(range(1, 21))
        self.assertEqual(20, stats.percentile(values, 99))
        self.assertEqual(10, stats.percentile(values, 50))
        self.assertEqual(18, stats.percentile(values, 90))

    def test_empty_or_out_of_range_is_an_error(self):
        self.assertRaises(ValueError, stats.percentile, [], 50)
        self.assertRaises(ValueError, stats.percentile, [1], 101)
        self.assertRaises(ValueError, stats.percentile, [1], -1)


class SummaryTest(testtools.TestCase):

    def test_keys_and_rounding(self):
        found = stats.summary([0.12345, 0.2, 0.3], percentiles=(50, 95),
                              digits=2)
        self.assertEqual({'n': 3, 'min': 0.12, 'p50': 0.2, 'p95': 0.3,
                          'max': 0.3}, found)

    def test_a_generator_is_read_once(self):
        found = stats.summary(x / 10 for x in range(10))
        self.assertEqual(10, found['n'])
        self.assertEqual(0.9, found['max'])
        self.assertEqual(0.9, found['p99'])

    def test_empty_is_an_error(self):
        self.assertRaises(ValueError, stats.summary, [])
