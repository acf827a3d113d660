"""What the Host Status column costs Horizon to render, in process.

``tox -e dashboard-render-bench`` (-- --servers N --renders N). The page
load in a browser (``benchmarks/dashboard_bench.py``) is what the owner
waits for, but on a busy machine its noise is larger than the column's
cost. This measures the column alone: the CPU time
(``time.process_time``) to build Horizon's Project > Instances table for
``--servers`` servers (Horizon's own test data, each with host_status) and
render its rows, with Horizon's table and with the plugin's, and Horizon's
again (the A/A arm), in turn. Each row's actions are left out of both
(their ``allowed()`` checks ask the cloud's APIs): they are Horizon's work,
the same in both arms, so the ratio here is an upper bound of the
column's share of the real page. No cloud, no network.
"""

import argparse
import copy
import datetime
import os
import sys
import time
from unittest import mock

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.dashboard.settings')
import django  # noqa: E402

django.setup()

from django.test import RequestFactory  # noqa: E402
from django import urls  # noqa: E402
from horizon.tables import base as tables_base  # noqa: E402
from novaclient.v2 import servers as nova_servers  # noqa: E402
from openstack_dashboard.api import nova as api_nova  # noqa: E402
from openstack_dashboard.dashboards.project.instances import \
    tables as project_tables  # noqa: E402
from openstack_dashboard.test.test_data import utils  # noqa: E402

from host_status_dashboard import tables  # noqa: E402
from tools import stats  # noqa: E402

HORIZON, PLUGIN, HORIZON_AGAIN = 'Horizon', 'plugin', 'Horizon (A/A)'


def servers(count):
    """``count`` of Horizon's test servers, as Horizon wraps them."""
    data = utils.load_test_data()
    flavor = data.flavors.first()
    found = []
    for i in range(count):
        body = copy.deepcopy(
            vars(data.servers.list()[i % len(data.servers.list())])['_info'])
        body.update(id='server-%03d' % i, status='ACTIVE', host_status='UP')
        server = api_nova.Server(
            nova_servers.Server(None, body, loaded=True), None)
        server.full_flavor = flavor
        found.append(server)
    return found


def render(table_class, request, data):
    """CPU seconds to build the table over ``data`` and render its rows."""
    start = time.process_time()
    table = table_class(request)
    table.data = data
    table.maybe_handle()
    for row in table.get_rows():
        row.render()
    return time.process_time() - start


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--servers', type=int, default=50)
    p.add_argument('--renders', type=int, default=100,
                   help='renders per arm (default 100)')
    p.add_argument('--warmup', type=int, default=10)
    p.add_argument('--out', help='also write the table to this file')
    args = p.parse_args(argv)

    # Horizon's panels and their templates are registered with its URLs.
    urls.reverse('horizon:project:instances:index')
    request = RequestFactory().get('/project/instances/')
    request.user = mock.Mock(**{'has_perms.return_value': True})
    request.session = {}
    data = servers(args.servers)
    arms = {HORIZON: project_tables.InstancesTable,
            PLUGIN: tables.with_host_status(project_tables.InstancesTable),
            HORIZON_AGAIN: project_tables.InstancesTable}
    samples = {arm: [] for arm in arms}
    with mock.patch.object(tables_base.DataTable, 'render_row_actions',
                           return_value=''):
        for i in range(args.warmup + args.renders):
            for arm, table_class in arms.items():
                cpu = render(table_class, request, data)
                if i >= args.warmup:
                    samples[arm].append(cpu)
    base = stats.percentile(samples[HORIZON], 50)
    out = ['Project > Instances table, %d servers with host_status, rows '
           'rendered without their actions;' % args.servers,
           'CPU per render, %d renders per arm in turn after %d warm-up; '
           '%s UTC; load average %.2f %.2f %.2f' % (
               (args.renders, args.warmup,
                datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M')) +
               os.getloadavg())]
    for arm in arms:
        got = stats.summary(samples[arm], digits=6)
        out.append('%-14s p50 %7.2f ms  p90 %7.2f ms  (x%.3f)' % (
            arm, 1000 * got['p50'], 1000 * got['p90'], got['p50'] / base))
    extra = stats.percentile(samples[PLUGIN], 50) - base
    out.append('the column: %+.2f ms per render, %+.1f us per row' % (
        1000 * extra, 1e6 * extra / args.servers))
    text = '\n'.join(out) + '\n'
    sys.stdout.write(text)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
