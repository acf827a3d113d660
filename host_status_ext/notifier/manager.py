"""One poll, compared with what was last sent: the notifier's loop body.

At the top of each tick, as aodh's evaluator does, the coordinator says
which cells this instance watches now (all of them without
``coordination_url``); a cell newly its own is *taken* in the store (a new
fencing epoch, and the cell's state as the previous owner left it), and the
store confirms in one query that every cell still held is still this
instance's. Only those cells are polled.

Order of work for a changed host: record the change as pending (with the
time it was recorded, ``changed_at``), look up its servers and send their
notifications, *then* commit the new status. So:

- a change that happens while no instance watches is found at the first
  poll after one starts (the store still holds the old status);
- in steady state a change is sent once;
- whoever finds a pending change (the same instance after a failed send or
  a crash, another after a takeover) sends it again with the same
  ``changed_at``, hence the same event ids: at-least-once, never lost, and
  only what was in flight is sent twice;
- a host with a pending change is compared with the pending change's new
  status, so a further change of that host is recorded once the first has
  been sent;
- a send that fails (:class:`~.delivery.DeliveryFailed`: the broker is down
  or did not confirm in time) leaves its change pending and stops sending
  for the rest of the tick, in every cell: the polls go on, and new changes
  are still recorded as pending with their own ``changed_at``;
- every write of the store is fenced: if another instance has taken the
  cell since (:class:`~.state.Fenced`), this instance forgets the cell at
  once and sends nothing more for it.

For a cell with no recorded starting point (a first start, a new cell),
the first poll is a silent baseline: there is no past to compare with.
"""

from nova import context as nova_context
from oslo_log import log as logging
from oslo_utils import timeutils

from host_status_ext.notifier import coordination
from host_status_ext.notifier import delivery
from host_status_ext.notifier import faults
from host_status_ext.notifier import state as state_mod
from host_status_ext.notifier import watcher as watcher_mod

LOG = logging.getLogger(__name__)


def recorded_now():
    """``changed_at`` as the store keeps it: UTC, microseconds, ``Z``."""
    return timeutils.utcnow().strftime('%Y-%m-%dT%H:%M:%S.%fZ')


class HostStatusNotifierManager(object):
    """Coordinate, poll, diff against the state, record, send, commit."""

    def __init__(self, watcher, emitter, store, coordinator=None,
                 owner=None):
        self.watcher = watcher
        self.emitter = emitter
        self.store = store
        self.coordinator = coordinator or coordination.SoloCoordinator()
        self.owner = owner
        self._cells = {}

    def start(self):
        self.coordinator.start()

    def stop(self):
        self.coordinator.stop()
        self._cells = {}

    def watched_cells(self):
        """The uuids of the cells this instance watches (for tests)."""
        return set(self._cells)

    def _forget(self, cell_uuid, why):
        LOG.warning('Cell %s is no longer watched here: %s.', cell_uuid, why)
        self._cells.pop(cell_uuid, None)
        self.coordinator.release(cell_uuid)

    def _update_ownership(self, mappings):
        wanted = self.coordinator.cells_to_watch(sorted(mappings))
        for cell_uuid in set(self._cells) - wanted:
            self._cells.pop(cell_uuid)
            LOG.info('Cell %s handed over; not watched here any more.',
                     cell_uuid)
        current = self.store.still_current(list(self._cells.values()))
        fenced = set(self._cells) - current
        for cell_uuid in fenced:
            self._forget(cell_uuid, 'another instance took it over')
        # NOTE: a fenced cell is not taken back in the same tick: its lock
        # was just released, and the ring decides again at the next one.
        for cell_uuid in sorted(wanted - set(self._cells) - fenced):
            taken = self.store.take(cell_uuid, self.owner)
            self._cells[cell_uuid] = taken
            LOG.info('Watching cell %s (epoch %d, %d host(s) known, %d '
                     'change(s) pending).', cell_uuid, taken.epoch,
                     len(taken.hosts), len(taken.pending))

    def tick(self):
        """Poll this instance's cells once and send their changes.

        :returns: a list of ``(cell_uuid, host, old, new, count)``, one per
            host whose change was sent (count is the number of servers).
        """
        ctxt = nova_context.get_admin_context()
        mappings = self.watcher.cells(ctxt)
        self._update_ownership(mappings)
        polled = self.watcher.poll(
            ctxt, {c: mappings[c] for c in self._cells})
        sent = []
        broker = {'up': True}
        for cell_uuid in sorted(polled):
            state = self._cells.get(cell_uuid)
            if state is None:
                continue
            try:
                sent.extend(self._tick_cell(ctxt, mappings[cell_uuid], state,
                                            polled[cell_uuid], broker))
            except state_mod.Fenced as e:
                self._forget(cell_uuid, e)
        return sent

    def _tick_cell(self, ctxt, mapping, state, statuses, broker):
        if not state.baselined:
            self.store.baseline(state, statuses)
            LOG.info('Recorded the host_status of %d host(s) of cell %s as '
                     'its starting point.', len(statuses), state.cell_uuid)
            return []
        changes = {}
        now = recorded_now()
        for _, host, old, new in watcher_mod.diff(
                {state.cell_uuid: state.expected()},
                {state.cell_uuid: statuses}):
            if host not in state.pending:
                changes[host] = state_mod.Pending(old, new, now)
        self.store.record_pending(state, changes)
        sent = []
        for host, change in sorted(state.pending.items(),
                                   key=lambda hp: (hp[1].changed_at, hp[0])):
            if not broker['up']:
                break
            try:
                count = self.emitter.emit_host_change(ctxt, mapping, host,
                                                      change)
            except delivery.DeliveryFailed as e:
                broker['up'] = False
                LOG.warning('Could not send the change of %s from %r to %r '
                            '(%s); it stays pending and is sent again, with '
                            'the same event ids, at the next poll.',
                            host, change.old, change.new, e)
                break
            except Exception:
                LOG.exception('Could not notify the change of %s from %r to '
                              '%r; it stays pending and is retried at the '
                              'next poll.', host, change.old, change.new)
                continue
            self.store.commit(state, host, change.new)
            faults.reached('after-commit')
            sent.append((state.cell_uuid, host, change.old, change.new,
                         count))
        return sent
