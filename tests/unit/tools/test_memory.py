"""How the memory run tells a leak from a cache (tools/minicloud/memory.py)."""

import os

import testtools

from tools.minicloud import memory


def taken(at, requests, uss_kib):
    """A sample of one arm with one worker."""
    return {'at': at, 'requests': {'arm': requests},
            'arms': {'arm': {1: {'rss': uss_kib + 1000, 'pss': uss_kib,
                                 'uss': uss_kib}}}}


class ReportTest(testtools.TestCase):

    def test_a_cache_that_fills_has_no_second_half_slope(self):
        uss = [1000, 1400, 1600, 1700, 1700, 1700, 1700, 1700, 1700]
        samples = [taken(i, i * 1000, u) for i, u in enumerate(uss)]
        row = memory.report(samples)['arms']['arm']
        self.assertEqual(700 / 1024.0, row['uss growth MiB'])
        self.assertEqual(0, row['uss second-half KiB per 1000 requests'])

    def test_a_leak_keeps_its_slope(self):
        samples = [taken(i, i * 1000, 1000 + 50 * i) for i in range(9)]
        row = memory.report(samples)['arms']['arm']
        self.assertAlmostEqual(
            50, row['uss second-half KiB per 1000 requests'])
        self.assertFalse(row['workers respawned'])

    def test_a_respawned_worker_is_said(self):
        first = taken(0, 0, 1000)
        last = taken(1, 1000, 1000)
        last['arms']['arm'] = {2: last['arms']['arm'][1]}
        row = memory.report([first, last])['arms']['arm']
        self.assertTrue(row['workers respawned'])

    def test_one_sample_has_no_slope(self):
        row = memory.report([taken(0, 0, 1000)])['arms']['arm']
        self.assertIsNone(row['uss second-half KiB per 1000 requests'])


class UsageTest(testtools.TestCase):

    def test_this_process(self):
        use = memory.usage(os.getpid())
        self.assertGreater(use['uss'], 0)
        self.assertLessEqual(use['uss'], use['pss'])
        self.assertLessEqual(use['pss'], use['rss'])
