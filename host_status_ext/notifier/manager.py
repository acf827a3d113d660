"""One poll, compared with what was last emitted: the notifier's loop body.

Order of work for each changed host: look up its servers, emit their
notifications, *then* record the new status in the state file. So:

- a change that happens while the notifier is stopped is found at its first
  poll after start-up (the state file still holds the old status) and
  emitted then;
- in steady state a change is emitted once, since its new status is saved
  right after and compared against from then on;
- a crash between sending a host's notifications and saving its new status
  (a window of one file write) re-sends that host's notifications at the
  next start: at-least-once, never lost.

Without a state file, and for a cell the state file does not know, the first
poll is a silent starting point: there is no past to compare with.
"""

from nova import context as nova_context
from oslo_log import log as logging
from oslo_utils import timeutils

from host_status_ext.notifier import watcher as watcher_mod

LOG = logging.getLogger(__name__)


class HostStatusNotifierManager(object):
    """Poll, diff against the state, emit, save."""

    def __init__(self, watcher, emitter, store):
        self.watcher = watcher
        self.emitter = emitter
        self.store = store
        self._known = None

    def tick(self):
        """Poll every cell once and emit the changes.

        :returns: a list of ``(cell_uuid, host, old, new, count)``, one per
            host whose change was emitted (count is the number of servers).
        """
        ctxt = nova_context.get_admin_context()
        if self._known is None:
            self._known = self.store.load()
            baseline = self._known is None
        else:
            baseline = False
        cells = self.watcher.cells(ctxt)
        polled = self.watcher.poll(ctxt, cells)
        if baseline:
            # NOTE: no state file: nothing is known of the past, so the
            # first poll is the reference and nothing is emitted for it.
            self._known = polled
            self.store.save(self._known)
            LOG.info('No state file at %s: recorded the host_status of %d '
                     'host(s) in %d cell(s) as the starting point.',
                     self.store.path,
                     sum(len(h) for h in polled.values()), len(polled))
            return []
        new_cells = set(polled) - set(self._known)
        if new_cells:
            # NOTE: a cell the state has never seen (added since) is a
            # starting point too, not a change of all its hosts.
            for cell_uuid in new_cells:
                self._known[cell_uuid] = polled.pop(cell_uuid)
            self.store.save(self._known)
            LOG.info('Recorded the host_status of the hosts of new cell(s) '
                     '%s as their starting point.',
                     ', '.join(sorted(new_cells)))
        emitted = []
        for cell_uuid, host, old, new in watcher_mod.diff(self._known,
                                                          polled):
            changed_at = timeutils.utcnow()
            try:
                count = self.emitter.emit_host_change(
                    ctxt, cells[cell_uuid], host, old, new, changed_at)
            except Exception:
                LOG.exception('Could not notify the change of %s from %r to '
                              '%r; it is retried at the next poll.',
                              host, old, new)
                continue
            self._known.setdefault(cell_uuid, {})[host] = new
            self.store.save(self._known)
            emitted.append((cell_uuid, host, old, new, count))
        return emitted
