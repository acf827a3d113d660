"""From the rows of the servers' hosts' services to each server's status."""

import datetime

import fixtures
from nova import context as nova_context
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

    def test_a_server_whose_host_has_no_record_is_empty(self):
        by_server = {}
        self.lookup._statuses([('s1', None), ('s2', row('cmp1'))],
                              by_server, {})
        self.assertEqual({'s1': '', 's2': 'UP'}, by_server)


class TestInCell(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.lookup = lookup.HostStatusLookup(CountingServiceGroup())
        self.found = []
        self.useFixture(fixtures.MockPatch(
            'host_status_ext.lookup.select_servers_compute_services',
            side_effect=lambda context, uuids: self.found))

    def test_a_server_the_cell_does_not_hold_gets_no_value(self):
        # The context targeted at another cell than the server's: the
        # server is not found there, and the answer is not complete, so
        # that the server gets no host_status rather than "".
        self.found = [('s1', row('cmp1')), ('s2', None)]
        statuses = self.lookup.in_cell('ctxt', ['s1', 's2', 'elsewhere'])
        self.assertEqual({'s1': 'UP', 's2': ''}, statuses.by_server)
        self.assertFalse(statuses.complete)


class TestCellEpisodes(testtools.TestCase):
    """A failing cell logs once per episode, not once per listing."""

    def setUp(self):
        super().setUp()
        self.logs = self.useFixture(fixtures.FakeLogger(
            name='host_status_ext.lookup'))
        self.lookup = lookup.HostStatusLookup(CountingServiceGroup())
        self.results = {}
        self.useFixture(fixtures.MockPatch(
            'nova.context.load_cells'))
        self.useFixture(fixtures.MockPatch('nova.context.CELLS', []))
        self.useFixture(fixtures.MockPatch(
            'nova.context.scatter_gather_cells',
            side_effect=lambda *args, **kwargs: dict(self.results)))

    def test_n_failing_listings_log_two_lines(self):
        self.results = {'cell1': [('s1', row('cmp1'))],
                        'cell2': nova_context.did_not_respond_sentinel}
        for _ in range(100):
            statuses = self.lookup('ctxt', ['s1', 's2'], 10)
            self.assertFalse(statuses.complete)
            self.assertEqual({'s1': 'UP'}, statuses.by_server)
        self.results['cell2'] = []
        self.assertTrue(self.lookup('ctxt', ['s1'], 10).complete)
        lines = self.logs.output.splitlines()
        self.assertEqual(2, len(lines), self.logs.output)
        self.assertIn('cell2', lines[0])
        self.assertIn('no answer within 10 s', lines[0])
        self.assertIn('recovered', lines[1])
        self.assertIn('100 failure(s)', lines[1])
