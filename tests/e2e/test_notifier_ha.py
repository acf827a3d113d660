"""Two host-status-notifiers on the mini-cloud: kill the one that watches
a host's cell at the moment the host is forced down; the owner's consumer
still gets the event, from the other one.

The notifiers share the two cells through tooz on the state folder's
redis-server, with their state in their own MariaDB database (``up``
starts all three).
The latency (force-down returned, with the owning notifier killed at the
same moment -> the owner's event received) is printed, not asserted.
"""

import sys
import time

import sqlalchemy as sa
from testtools import content

from tools.minicloud import events
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import scenario
from tools.minicloud import services

from tests.e2e import base

HOST = base.CloudTestCase.HOSTS[0]
# takeover_timeout (3 s) + a poll + a busy machine's slack.
EVENT_TIMEOUT = 30


def cell_owners():
    """``{cell_uuid: (epoch, publisher_host)}`` from the notifiers' DB."""
    engine = sa.create_engine(layout.db_url('host_status_notifier'))
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                'SELECT cell_uuid, epoch, owner FROM '
                'host_status_notifier_cells').all()
    finally:
        engine.dispose()
    return {r[0]: (r[1], r[2].split('.')[0]) for r in rows}


def cell_of_host(host):
    """The uuid of the cell *host* is mapped to, from nova's API DB."""
    engine = sa.create_engine(layout.db_url('nova_api'))
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(
                'SELECT cell_mappings.uuid FROM host_mappings JOIN '
                'cell_mappings ON host_mappings.cell_id = cell_mappings.id '
                'WHERE host_mappings.host = %s', (host,)).scalar_one()
    finally:
        engine.dispose()


class NotifierTakeoverTest(base.CloudTestCase):

    HOSTS = (HOST,)

    @classmethod
    def setUpClass(cls):
        for name in layout.NOTIFIERS + (layout.REDIS,):
            if not procs.pid(name):
                raise RuntimeError('%s does not run: run "python -m '
                                   'tools.minicloud up"' % name)
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.watcher = events.EventWatcher().start()
        self.addCleanup(self.watcher.stop)
        self.addCleanup(self.restart_notifiers)

    def restart_notifiers(self):
        for name in layout.NOTIFIERS:
            services.start(name)
        procs.wait_for(services.notifier_ready, 'notifiers', 60)

    def test_the_other_notifier_takes_over_and_the_owner_hears(self):
        # NOTE: each cell has an owner of its own (the two may differ):
        # the one to kill is the owner of the forced-down host's cell.
        cell = cell_of_host(HOST)
        epoch, owner = cell_owners()[cell]
        by_publisher = {layout.notifier_publisher_host(n): n
                        for n in layout.NOTIFIERS}
        active = by_publisher[owner]
        other = [n for n in layout.NOTIFIERS if n != active][0]
        sid = self.servers[HOST]
        start = self.watcher.mark()
        # NOTE: SIGKILL of the active notifier's process group and the
        # force-down together: the change happens while nobody watches.
        procs.kill(active)
        scenario.set_forced_down(self.admin, HOST, True)
        returned = time.monotonic()
        try:
            down = self.watcher.wait_for(
                lambda d: (d.get('uuid'), d.get('host_status')) ==
                (sid, 'DOWN'), since=start, timeout=EVENT_TIMEOUT)
        except TimeoutError as e:
            self.fail('no DOWN event after the takeover: %s' % e)
        seconds = down.received - returned
        figure = '%.3f s (takeover_timeout %d s)' % (
            seconds, layout.NOTIFIER_TAKEOVER_TIMEOUT)
        self.addDetail('force-down with the active notifier killed -> '
                       'owner event', content.text_content(figure))
        print('e2e latency: force-down with the active notifier killed -> '
              'DOWN event received: %s' % figure, file=sys.stderr,
              flush=True)
        self.assertEqual('host-status-notifier:%s' %
                         layout.notifier_publisher_host(other),
                         down.publisher_id)
        self.assertEqual(self.owner.current_project_id,
                         down.data['project_id'])
        self.assertTrue(down.data.get('event_id'))
        new_epoch, new_owner = cell_owners()[cell]
        self.assertGreater(new_epoch, epoch)
        self.assertEqual(layout.notifier_publisher_host(other), new_owner)
        # One event per server: nothing lost, and no second copy.
        time.sleep(2)
        downs = [e for e in self.watcher.events(start)
                 if e.data.get('uuid') == sid and
                 e.data.get('host_status') == 'DOWN']
        self.assertEqual(1, len({e.data['event_id'] for e in downs}))
