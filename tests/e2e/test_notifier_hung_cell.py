"""A cell whose database hangs holds back no other cell's events.

cell2's MariaDB is SIGSTOPped (it accepts connections and never answers)
for two minutes. Meanwhile a cell1 host is forced down and up through the
os-services API: its owner's events must still come, in the usual time
(printed, not asserted). A cell2 host is forced down during the hang too:
nova-api's own call waits for cell2's database, and the event must come
once the database answers again.
"""

import signal
import sys
import threading
import time

from tools.minicloud import cell2
from tools.minicloud import events
from tools.minicloud import hung_cell
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import scenario

from tests.e2e import base

CELL1_HOST = layout.CELL1_HOSTS[0]
CELL2_HOST = layout.CELL2_HOSTS[0]
HUNG = 120
# Bounds a wait for one change's event (a loaded machine), not a figure.
EVENT_TIMEOUT = 20
# After the database resumes: nova-api's call to finish, the notifier's
# read of cell2 to be retried.
RESUMED_TIMEOUT = 120


class NotifierHungCellTest(base.CloudTestCase):

    HOSTS = (CELL1_HOST, CELL2_HOST)

    def put(self, service_id, forced_down):
        """The os-services API's force-down; returns when nova answered."""
        self.admin_s.put(
            layout.COMPUTE_URL + '/os-services/%s' % service_id,
            json={'forced_down': forced_down},
            headers={'OpenStack-API-Version': 'compute 2.53'},
            raise_exc=True)
        return time.monotonic()

    def event(self, watcher, host, new, since, timeout):
        sid = self.servers[host]
        try:
            return watcher.wait_for(
                lambda d: (d.get('uuid'), d.get('host_status')) ==
                (sid, new), since=since, timeout=timeout)
        except TimeoutError as e:
            self.fail('server on %s, -> %s: %s' % (host, new, e))

    def test_cell1_is_told_during_the_hang_cell2_after(self):
        # NOTE: the services' ids before the hang: listing them waits for
        # every cell.
        ids = {h: scenario.compute_service(self.admin, h).id
               for h in self.HOSTS}
        watcher = events.EventWatcher().start()
        self.addCleanup(watcher.stop)
        hung_cell.signal_cell2_db(signal.SIGSTOP)
        resumed = []

        def resume():
            if not resumed:
                resumed.append(True)
                hung_cell.signal_cell2_db(signal.SIGCONT)
        self.addCleanup(resume)
        started = time.monotonic()
        for value, new in ((True, 'DOWN'), (False, 'UP')):
            since = watcher.mark()
            returned = self.put(ids[CELL1_HOST], value)
            event = self.event(watcher, CELL1_HOST, new, since,
                               EVENT_TIMEOUT)
            print('e2e latency: cell2 hung, cell1 force-%s returned -> '
                  'event: %.3f s' % ('down' if value else 'up',
                                     event.received - returned),
                  file=sys.stderr, flush=True)
        since = watcher.mark()
        made = threading.Thread(target=self.put,
                                args=(ids[CELL2_HOST], True), daemon=True)
        made.start()
        time.sleep(max(0.0, HUNG - (time.monotonic() - started)))
        # Nothing of cell2 while it hung.
        self.assertEqual([], [e for e in watcher.events(since)
                              if e.data.get('uuid') ==
                              self.servers[CELL2_HOST]])
        resume()
        procs.wait_for(cell2.ready, 'cell2 MariaDB', 60)
        self.event(watcher, CELL2_HOST, 'DOWN', since, RESUMED_TIMEOUT)
        made.join(RESUMED_TIMEOUT)
