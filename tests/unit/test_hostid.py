from nova import utils
import testtools

from host_status_ext import hostid


class TestHostIdIndex(testtools.TestCase):

    def test_recovers_host_per_project(self):
        index = hostid.HostIdIndex(['cmp1', 'cmp2'])
        self.assertEqual('cmp2', index.host(
            'p1', utils.generate_hostid('cmp2', 'p1')))
        self.assertEqual('cmp1', index.host(
            'p2', utils.generate_hostid('cmp1', 'p2')))

    def test_hash_of_another_project_does_not_match(self):
        index = hostid.HostIdIndex(['cmp1'])
        self.assertIsNone(index.host(
            'p2', utils.generate_hostid('cmp1', 'p1')))

    def test_unknown_host(self):
        index = hostid.HostIdIndex(['cmp1'])
        self.assertIsNone(index.host(
            'p1', utils.generate_hostid('gone', 'p1')))
