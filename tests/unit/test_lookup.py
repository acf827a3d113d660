"""From the rows of the servers' hosts' services to each server's status."""

import datetime

import testtools

from host_status_ext import lookup


class CountingServiceGroup(object):
    """nova's servicegroup API as the lookup calls it, counting the calls."""

    def __init__(self, down_hosts=()):
        self.down_hosts = set(down_hosts)
        self.asked = []

    def service_is_up(self, service):
        self.asked.append(service['host'])
        return service['host'] not in self.down_hosts


def row(host, disabled=False, forced_down=False):
    now = datetime.datetime(2026, 12, 1)
    return (host, 'nova-compute', 'compute', disabled, forced_down, now, now,
            now)


class TestStatuses(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.servicegroup = CountingServiceGroup(down_hosts=['cmp3'])
        self.lookup = lookup.HostStatusLookup(self.servicegroup)

    def test_each_server_gets_its_host_status(self):
        by_server = {}
        self.lookup._statuses(
            [('s1', row('cmp1')), ('s2', row('cmp2', disabled=True)),
             ('s3', row('cmp3')), ('s4', row('cmp4', forced_down=True))],
            by_server, {})
        self.assertEqual({'s1': 'UP', 's2': 'MAINTENANCE', 's3': 'UNKNOWN',
                          's4': 'DOWN'}, by_server)

    def test_each_host_is_computed_once_across_cells(self):
        by_server, by_host = {}, {}
        self.lookup._statuses([('s1', row('cmp1')), ('s2', row('cmp1'))],
                              by_server, by_host)
        self.lookup._statuses([('s3', row('cmp1')), ('s4', row('cmp2'))],
                              by_server, by_host)
        self.assertEqual(['cmp1', 'cmp2'], self.servicegroup.asked)
        self.assertEqual({'s1': 'UP', 's2': 'UP', 's3': 'UP', 's4': 'UP'},
                         by_server)

    def test_servicegroup_sees_every_column_by_name(self):
        seen = []
        self.servicegroup.service_is_up = lambda service: seen.append(
            dict(service)) or True
        self.lookup._statuses([('s1', row('cmp1'))], {}, {})
        self.assertEqual(set(lookup._SERVICE_COLUMNS), set(seen[0]))
        self.assertEqual('cmp1', seen[0]['host'])
        self.assertEqual('nova-compute', seen[0]['binary'])
