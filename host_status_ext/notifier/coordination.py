"""Which cells this instance watches: the only module that knows tooz.

Modelled on aodh's ``aodh/coordination.py`` and used the way aodh's
evaluator uses it, once at the top of each poll: the manager asks
:meth:`CellCoordinator.cells_to_watch` and polls only what it gets.

Design, for several instances sharing one tooz backend (redis, etcd3gw):

- The unit of work is a cell, and a cell is watched by the holder of its
  tooz lock (``host-status-notifier.cell.<uuid>``). The lock, not a hash
  ring, is what makes "exactly one instance" true: two instances whose
  views of the group differ for a moment (one has seen a new member, the
  other not yet) may both *want* a cell, but only one holds its lock.
- Which instance wants which cell is the tooz hash ring over the group's
  live members, so that the cells spread over the instances and move as
  little as possible when one comes or goes; an instance with no cell on
  the ring is a spare and stands by. An instance releases a lock the ring
  gives to another member (after finishing the poll it was in), and tries,
  every poll, the locks the ring gives to it.
- A dead instance stops heartbeating: its locks and its membership expire
  after ``takeover_timeout`` (tooz's ``lock_timeout`` and
  ``membership_timeout``, both whole seconds in the redis and etcd3gw
  drivers), the others drop it from the ring at their next poll and take
  its cells: a takeover within about ``takeover_timeout`` plus one
  ``poll_interval``. Heartbeats run in tooz's own thread (half the timeout
  apart), so a long poll does not cost an instance its cells.
- A process that was paused or cut off past the timeout has been evicted
  from the group, and tooz does not let it back in by itself: this module
  notices it is no longer a member and joins again. Its expired locks are
  not its own any more; whether it still owns a cell is decided by the
  shared store's fencing epoch (:mod:`.shared_state`), which the manager
  checks at the top of every poll and on every write, so the lock is only
  the way to choose an owner, not the proof of ownership (the etcd3gw
  driver cannot even say whether a lock is still held).

Without ``coordination_url`` :class:`SoloCoordinator` watches every cell,
as the notifier did before.
"""

import urllib.parse

from oslo_log import log as logging
from tooz import coordination as tooz_coordination
from tooz import hashring

from host_status_ext import episodes

LOG = logging.getLogger(__name__)

GROUP = b'host-status-notifier'
LOCK_PREFIX = 'host-status-notifier.cell.'


class SoloCoordinator(object):
    """One instance: every cell is this instance's."""

    member_id = None

    def start(self):
        pass

    def stop(self):
        pass

    def cells_to_watch(self, cell_uuids):
        return set(cell_uuids)

    def release(self, cell_uuid):
        pass


def backend_url(url, takeover_timeout):
    """The tooz URL with the lock and membership timeouts filled in.

    An operator's own ``lock_timeout`` or ``membership_timeout`` in the URL
    wins over ``takeover_timeout``.
    """
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    given = {k for k, _ in query}
    for key in ('lock_timeout', 'membership_timeout'):
        if key not in given:
            query.append((key, str(int(takeover_timeout))))
    return urllib.parse.urlunsplit(parts._replace(
        query=urllib.parse.urlencode(query)))


class CellCoordinator(object):
    """Share the cells with the other instances through a tooz backend."""

    def __init__(self, url, member_id, takeover_timeout):
        """Set up; nothing is contacted before :meth:`start`.

        :param url: the tooz backend URL (``coordination_url``).
        :param member_id: this instance's unique name in the group.
        :param takeover_timeout: seconds after which a silent member's
            locks and membership expire.
        """
        self.url = backend_url(url, takeover_timeout)
        self.member_id = member_id
        self._coordinator = None
        self._locks = {}
        self._started = False
        self._backend = episodes.Episode(
            LOG, 'The coordination backend (keeping the cells held, taking '
            'none)')

    def start(self):
        self._coordinator = tooz_coordination.get_coordinator(
            self.url, self.member_id.encode())
        self._coordinator.start(start_heart=True)
        self._started = True
        self._join()
        LOG.info('Coordination started: member %s of group %s.',
                 self.member_id, GROUP.decode())

    def stop(self):
        """Give every cell back at once, so that others need not wait."""
        if not self._started:
            return
        for cell_uuid in list(self._locks):
            self.release(cell_uuid)
        try:
            self._coordinator.leave_group(GROUP).get()
        except Exception as e:
            LOG.warning('Could not leave the group: %s', e)
        try:
            self._coordinator.stop()
        except Exception as e:
            LOG.warning('Could not stop coordination cleanly: %s', e)
        self._started = False

    def _join(self):
        try:
            self._coordinator.join_group_create(GROUP)
        except tooz_coordination.MemberAlreadyExist:
            pass

    def _members(self):
        members = self._coordinator.get_members(GROUP).get()
        if self.member_id.encode() not in members:
            # NOTE: evicted (paused or cut off past membership_timeout):
            # tooz does not rejoin by itself.
            LOG.warning('Member %s is no longer in group %s (evicted after '
                        'a pause?); joining again.', self.member_id,
                        GROUP.decode())
            self._join()
            members = set(members) | {self.member_id.encode()}
        return members

    def cells_to_watch(self, cell_uuids):
        """Return the cells this instance watches now.

        Releases the locks of cells the ring gives to another member and
        tries (without waiting) those it gives to this one. If the backend
        does not answer, this instance keeps the cells it holds: nobody can
        take a lock meanwhile, and if somebody does once the backend is
        back, the shared store's epoch fences this instance.

        :param cell_uuids: every cell to be watched by someone.
        :returns: a set of cell uuids whose lock this instance holds.
        """
        me = self.member_id.encode()
        try:
            ring = hashring.HashRing(self._members())
            mine = {c for c in cell_uuids
                    if me in ring.get_nodes(c.encode())}
            for cell_uuid in set(self._locks) - mine:
                LOG.info('Handing cell %s over to another member.',
                         cell_uuid)
                self.release(cell_uuid)
            for cell_uuid in list(self._locks):
                if not self._still_held(self._locks[cell_uuid]):
                    LOG.warning('The lock of cell %s expired (paused, or '
                                'the backend lost it); taking it again.',
                                cell_uuid)
                    # NOTE: released so tooz stops heartbeating it.
                    self.release(cell_uuid)
            for cell_uuid in sorted(mine - set(self._locks)):
                lock = self._coordinator.get_lock(
                    (LOCK_PREFIX + cell_uuid).encode())
                if lock.acquire(blocking=False):
                    LOG.info('Took the lock of cell %s.', cell_uuid)
                    self._locks[cell_uuid] = lock
        except Exception as e:
            self._backend.failed('%s; %d cell(s) held' % (e, len(self._locks)))
        else:
            self._backend.succeeded()
        return set(self._locks)

    @staticmethod
    def _still_held(lock):
        """False only when the backend says another token holds the lock.

        The redis driver can tell; etcd3gw cannot (tooz raises
        NotImplemented), and there the shared store's epoch decides.
        """
        try:
            return lock.is_still_owner()
        except NotImplementedError:
            return True

    def release(self, cell_uuid):
        """Give a cell's lock back (fenced, handed over, or stopping)."""
        lock = self._locks.pop(cell_uuid, None)
        if lock is None:
            return
        try:
            lock.release()
        except Exception as e:
            LOG.warning('Could not release the lock of cell %s: %s',
                        cell_uuid, e)
