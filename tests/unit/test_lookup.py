"""The per-request map of host -> host_status of a listing."""

import testtools

from host_status_ext import lookup


class TestStatusByHost(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.asked = []
        self.statuses = lookup._StatusByHost(
            {'cmp1': {'host': 'cmp1'}, 'cmp2': {'host': 'cmp2'}},
            self.status_of)

    def status_of(self, service):
        self.asked.append(service['host'])
        return 'UP'

    def test_knows_every_host_without_computing_any(self):
        self.assertEqual(['cmp1', 'cmp2'], sorted(self.statuses))
        self.assertEqual(2, len(self.statuses))
        self.assertIn('cmp2', self.statuses)
        self.assertEqual([], self.asked)

    def test_computes_a_host_once_when_first_asked(self):
        self.assertEqual('UP', self.statuses['cmp1'])
        self.assertEqual('UP', self.statuses['cmp1'])
        self.assertEqual(['cmp1'], self.asked)

    def test_unknown_host_is_a_key_error(self):
        self.assertRaises(KeyError, self.statuses.__getitem__, 'cmp3')
        self.assertEqual([], self.asked)
