"""Which cells this instance watches, and where a wake-up goes.

At each round of upkeep (:meth:`HostStatusNotifierManager.tick`, every
``poll_interval``), as aodh's evaluator does at the top of each cycle, the
coordinator says which cells this instance watches now (all of them
without ``coordination_url``). A cell newly its own is *taken* in the store
(a new fencing epoch, and the cell's state as the previous owner left it)
and gets a :class:`~.cell_worker.CellWorker`, whose first read is a full
read of the cell: a takeover re-reads the cell and sends what was pending.
The store confirms in one query that every cell still held is still this
instance's; a cell handed over or fenced has its worker stopped.

A wake-up (nova said a host's record changed, :mod:`.listener`) goes to the
worker of the host's cell, if this instance owns that cell; the others drop
it. The host's cell is known from the workers' reads, else from nova's
host mappings; a host that is in neither (a compute that started before
``discover_hosts`` mapped it) wakes every worker of this instance.

The round also watches the workers' reads: a read that has not returned
after ``cell_timeout`` is logged, once, as a failure of its cell. Nothing
else waits for it.
"""

import time

from nova import context as nova_context
from nova import exception as nova_exception
from nova import objects
from oslo_log import log as logging

from host_status_ext import episodes
from host_status_ext.notifier import cell_worker
from host_status_ext.notifier import coordination

LOG = logging.getLogger(__name__)

# Seconds a host's cell, as nova's host mappings gave it, is remembered
# (and a host that has no mapping, not looked up again).
HOST_MAPPING_TTL = 60.0


class HostStatusNotifierManager(object):
    """Own cells, run a worker per cell, route wake-ups."""

    def __init__(self, watcher, emitter, store, conf, coordinator=None,
                 owner=None):
        self.watcher = watcher
        self.emitter = emitter
        self.store = store
        self.conf = conf
        self.coordinator = coordinator or coordination.SoloCoordinator()
        self.owner = owner
        # {cell_uuid: CellWorker}, replaced whole on every change, so that
        # the listener's threads read it without a lock.
        self.workers = {}
        self.mappings = {}
        self._host_cells = {}
        self.read_episodes = episodes.Episodes(LOG, 'Reading cell %s')
        self.send_episode = episodes.Episode(
            LOG, 'Sending host_status changes to the message broker')
        self.upkeep_episode = episodes.Episode(
            LOG, 'Checking which cells this instance owns')
        self._hung = set()

    def start(self):
        self.coordinator.start()

    def stop(self):
        for worker in self.workers.values():
            worker.stop()
        self.workers = {}
        self.coordinator.stop()

    # -- the round of upkeep --------------------------------------------

    def tick(self):
        """Ownership, new and stopped workers, reads that hang.

        :returns: the workers made in this round, for the caller to run
            (:meth:`~.cell_worker.CellWorker.run`).
        """
        ctxt = nova_context.get_admin_context()
        try:
            self.mappings = self.watcher.cells(ctxt)
            started = self._update_ownership(self.mappings)
        except Exception as e:
            self.upkeep_episode.failed(e, exc_info=True)
            started = []
        else:
            self.upkeep_episode.succeeded()
        self._watch_reads()
        return started

    def _update_ownership(self, mappings):
        wanted = self.coordinator.cells_to_watch(sorted(mappings))
        workers = dict(self.workers)
        for cell_uuid in set(workers) - wanted:
            workers.pop(cell_uuid).stop()
            LOG.info('Cell %s handed over; not watched here any more.',
                     cell_uuid)
        current = self.store.still_current(
            [w.state for w in workers.values()])
        fenced = set(workers) - current
        for cell_uuid in fenced:
            workers.pop(cell_uuid).stop()
            LOG.warning('Cell %s is no longer watched here: another '
                        'instance took it over.', cell_uuid)
            self.coordinator.release(cell_uuid)
        # NOTE: a fenced cell is not taken back in the same round: its lock
        # was just released, and the ring decides again at the next one.
        started = []
        for cell_uuid in sorted(wanted - set(workers) - fenced):
            taken = self.store.take(cell_uuid, self.owner)
            worker = cell_worker.CellWorker(
                taken, mappings[cell_uuid], self.watcher, self.emitter,
                self.store, self.conf, self.read_episodes[cell_uuid],
                self.send_episode)
            workers[cell_uuid] = worker
            started.append(worker)
            LOG.info('Watching cell %s (epoch %d, %d host(s) known, %d '
                     'change(s) pending).', cell_uuid, taken.epoch,
                     len(taken.hosts), len(taken.pending))
        self.workers = workers
        return started

    def fenced(self, cell_uuid, error):
        """A worker found its cell taken over: forget the cell at once."""
        workers = dict(self.workers)
        worker = workers.pop(cell_uuid, None)
        if worker is not None:
            worker.stop()
        self.workers = workers
        LOG.warning('Cell %s is no longer watched here: %s.', cell_uuid,
                    error)
        self.coordinator.release(cell_uuid)

    def _watch_reads(self):
        now = time.monotonic()
        limit = self.conf.host_status_notifier.cell_timeout
        for cell_uuid, worker in self.workers.items():
            since = worker.reading_since
            if since is not None and now - since > limit:
                if cell_uuid not in self._hung:
                    self._hung.add(cell_uuid)
                    self.read_episodes[cell_uuid].failed(
                        'no answer for %.0f s; its hosts keep their last '
                        'known host_status, and it is read again once '
                        'the read returns' % (now - since))
            else:
                self._hung.discard(cell_uuid)

    # -- wake-ups (listener threads) ------------------------------------

    def wake(self, host, expected=None):
        """Re-read *host* now, if this instance watches its cell.

        :param expected: the notification's :class:`~.listener.Expectation`.
        """
        workers = self.workers
        for worker in workers.values():
            if host in worker.hosts:
                worker.wake(host, expected)
                return
        cell_uuid = self._mapped_cell(host)
        if cell_uuid in workers:
            workers[cell_uuid].wake(host, expected)
        elif cell_uuid is None:
            for worker in workers.values():
                worker.wake(host, expected)

    def _mapped_cell(self, host):
        """The uuid of *host*'s cell in nova's host mappings, or None."""
        now = time.monotonic()
        known = self._host_cells.get(host)
        if known is not None and now - known[1] < HOST_MAPPING_TTL:
            return known[0]
        try:
            mapping = objects.HostMapping.get_by_host(
                nova_context.get_admin_context(), host)
            cell_uuid = mapping.cell_mapping.uuid
        except nova_exception.HostMappingNotFound:
            cell_uuid = None
        except Exception as e:
            LOG.debug('Could not read the host mapping of %s: %s', host, e)
            return None
        self._host_cells[host] = (cell_uuid, now)
        return cell_uuid

    def read_all(self):
        """Every watched cell reads all its hosts at once."""
        for worker in self.workers.values():
            worker.read_all()
