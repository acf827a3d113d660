"""One watched cell: what to read when, and the record -> send -> commit path.

Each cell this instance owns has a worker of its own, run in a thread of
its own by the service. It reads its cell only when there is a reason:

- a **wake-up** for a host: nova said the host's service record changed
  (``service.update``, ``.create``, ``.delete``; see :mod:`.listener`). The
  notification is a reason to look, not the truth: the host's record is
  re-read and its host_status computed by the one precedence function. If
  the record does not show what the notification said (the notification
  came before the write was visible, or an older one came after a newer
  one), the host is read again a little later, a few times, and whatever
  the record then says is what counts;
- a host's **deadline**: an UP host becomes UNKNOWN when its last heartbeat
  is ``service_down_time`` old, as the servicegroup driver decides it. Every
  read tells when that will be, and the host is re-read then (together with
  the hosts due within the next ``report_interval``, which a live host has
  refreshed by then anyway, so that a cell's deadlines are read in few
  queries). Hosts whose change nova does not announce and whose time is
  unknown (UNKNOWN hosts waiting for a heartbeat, hosts of a driver that
  gives no heartbeat time) are re-read every ``poll_interval``;
- the **full read** of every host of the cell, every
  ``full_read_interval``: the safety net for a lost notification, nova's
  notifications turned off, or a record changed in the database by hand.
  It is also the first read after the cell was taken.

A read that fails (the cell's database is down, or hung past the bound its
connections carry) is logged as an episode of the cell, and is replaced by
a full read a moment later, again and again until one succeeds: every
change made meanwhile is found then. A new read starts only once the last
one has returned.

Order of work for a changed host, as before: record the change as pending
(with the time it was recorded, ``changed_at``), look up its servers and
send their notifications, *then* commit the new status. Whoever finds a
pending change (this worker after a failed send, another instance after a
takeover) sends it again with the same ``changed_at``, hence the same event
ids. A send that fails leaves its change pending and is tried again after
``poll_interval``, then at longer intervals while the broker stays away.
Every write of the store is fenced: a :class:`~.state.Fenced` ends the
worker (the manager forgets the cell).

For a cell with no recorded starting point (a first start, a new cell),
the first full read is a silent baseline.
"""

import heapq
import threading
import time

from nova import context as nova_context
from oslo_log import log as logging
from oslo_utils import timeutils

from host_status_ext.notifier import delivery
from host_status_ext.notifier import state as state_mod
from host_status_ext.notifier import watcher as watcher_mod
from host_status_ext import status

LOG = logging.getLogger(__name__)

# When a record does not show what nova's notification said, it is read
# again after each of these delays (seconds) until it does; then whatever
# it says is what counts.
CONFIRM_DELAYS = (0.1, 0.5, 2.0)
# The longest wait between two attempts at a failed read or send.
MAX_BACKOFF = 10.0


def recorded_now():
    """``changed_at`` as the store keeps it: UTC, microseconds, ``Z``."""
    return timeutils.utcnow().strftime('%Y-%m-%dT%H:%M:%S.%fZ')


class CellWorker(object):
    """Read, compare, record, send and commit for one cell.

    :param state: the cell's :class:`~.state.CellState`, as just taken.
    :param mapping: the cell's CellMapping (reads bounded).
    :param watcher: a :class:`~.watcher.CellWatcher`.
    :param emitter: an :class:`~.emitter.Emitter`.
    :param store: the state store the state was taken from.
    :param conf: nova's configuration with the notifier's options.
    :param read_episode: the :class:`~host_status_ext.episodes.Episode` of
        this cell's reads.
    :param send_episode: the Episode of sending to the broker (shared by
        every cell: the broker is one).
    """

    def __init__(self, state, mapping, watcher, emitter, store, conf,
                 read_episode, send_episode, clock=time.monotonic):
        self.state = state
        self.mapping = mapping
        self.cell_uuid = state.cell_uuid
        self.watcher = watcher
        self.emitter = emitter
        self.store = store
        self.conf = conf
        self.read_episode = read_episode
        self.send_episode = send_episode
        self._clock = clock
        opts = conf.host_status_notifier
        self.poll_interval = opts.poll_interval
        self.full_read_interval = opts.full_read_interval
        self.lookahead = min(float(conf.report_interval),
                             conf.service_down_time / 2.0)
        self._cond = threading.Condition()
        self._woken = {}
        self._confirming = {}
        self._due = {}
        self._heap = []
        self._full_read_at = clock()
        self._full_read_asked = False
        self._send_at = None
        self._read_failures = 0
        self._send_failures = 0
        self._stopping = False
        # Hosts this worker has seen in its cell (read by the manager to
        # route a wake-up; replaced whole, never changed in place).
        self.hosts = frozenset(state.hosts)
        # When the read in progress started (monotonic), or None.
        self.reading_since = None

    # -- called from other threads ------------------------------------

    def wake(self, host, expected=None):
        """Re-read *host* at once.

        :param expected: what the notification said of the record (a
            :class:`~.listener.Expectation`), or None.
        """
        with self._cond:
            self._woken[host] = expected
            self._cond.notify()

    def read_all(self):
        """Read every host of the cell at once."""
        with self._cond:
            self._full_read_asked = True
            self._cond.notify()

    def stop(self):
        """Make :meth:`run` return once the step in progress is done."""
        with self._cond:
            self._stopping = True
            self._cond.notify()

    @property
    def stopping(self):
        return self._stopping

    # -- the worker's own thread --------------------------------------

    def run(self, on_fenced):
        """Step whenever something is due, until stopped or fenced.

        :param on_fenced: called with the cell uuid and the exception when
            another instance has taken the cell over.
        """
        while True:
            with self._cond:
                while not (self._stopping or self._woken
                           or self._full_read_asked):
                    left = self._next_due() - self._clock()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if self._stopping:
                    return
            try:
                self.step()
            except state_mod.Fenced as e:
                on_fenced(self.cell_uuid, e)
                return
            except Exception:
                # NOTE: step() handles the failures it expects (reads,
                # sends); anything else is a bug, logged once per
                # episode, and the worker goes on after a pause.
                self.read_episode.failed('unexpected error', exc_info=True)
                with self._cond:
                    self._cond.wait(self.poll_interval)

    def _next_due(self):
        due = [self._full_read_at]
        if self._heap:
            due.append(self._heap[0][0])
        if self._send_at is not None:
            due.append(self._send_at)
        return min(due)

    def step(self):
        """Do what is due now: read, compare, record, send, commit.

        :returns: a list of ``(cell_uuid, host, old, new, count)``, one per
            host whose change was sent.
        :raises state.Fenced: another instance owns the cell now.
        """
        now = self._clock()
        with self._cond:
            woken, self._woken = self._woken, {}
            asked, self._full_read_asked = self._full_read_asked, False
        full = (asked or now >= self._full_read_at
                or not self.state.baselined)
        hosts = set(woken) | self._pop_due(now)
        if self._read_failures and now < self._full_read_at and not asked:
            # NOTE: the cell failed its last read: nothing is read before
            # the full read that replaces it (which reads these hosts too).
            full, hosts = False, set()
        if full or hosts:
            readings = self._read(None if full else hosts)
            if readings is None:
                return []
            if not self.state.baselined:
                self._baseline(readings)
                return []
            self._compare(readings, None if full else hosts, woken)
        if self.state.pending and (self._send_at is None
                                   or now >= self._send_at):
            return self._send_pending()
        return []

    # -- reads --------------------------------------------------------

    def _read(self, hosts):
        """Read the cell (hosts None) or some of its hosts.

        :returns: ``{host: HostReading}``, or None if the read failed (a
            full read is then due after a backoff).
        """
        ctxt = nova_context.get_admin_context()
        self.reading_since = self._clock()
        try:
            if hosts is None:
                readings = self.watcher.read_cell(ctxt, self.mapping)
            else:
                readings = self.watcher.read_hosts(ctxt, self.mapping, hosts)
        except Exception as e:
            self._read_failures += 1
            self.read_episode.failed(e, exc_info=True)
            # NOTE: the wake-ups and deadlines of this read are dropped:
            # the full read that replaces it reads them all.
            self._full_read_at = self._clock() + self._backoff(
                self._read_failures)
            return None
        finally:
            self.reading_since = None
        self._read_failures = 0
        self.read_episode.succeeded()
        now = self._clock()
        if hosts is None:
            self._full_read_at = now + self.full_read_interval
            self.hosts = frozenset(readings)
        else:
            self.hosts = self.hosts | frozenset(readings)
        for host, reading in readings.items():
            self._schedule_reading(host, reading, now)
        return readings

    def _backoff(self, failures):
        return min(MAX_BACKOFF, self.poll_interval * 2 ** (failures - 1))

    def _schedule(self, host, at, sooner_only=True):
        """Read *host* at *at* (monotonic).

        :param sooner_only: keep an earlier time the host already has.
        """
        if sooner_only and self._due.get(host, at) < at:
            return
        self._due[host] = at
        heapq.heappush(self._heap, (at, host))

    def _schedule_reading(self, host, reading, now):
        """When to read *host* next, from what was just read of it."""
        if reading.down_in:
            # NOTE: just past the moment, so that the driver, asked then,
            # says the host is down.
            self._schedule(host, now + reading.down_in + 0.001,
                           sooner_only=False)
        elif reading.status in (status.UNKNOWN, status.UP):
            # UNKNOWN until its heartbeat is back; UP without a deadline
            # (the driver cannot tell), or at its deadline already and the
            # driver still says up: asked again shortly.
            self._schedule(host, now + self.poll_interval, sooner_only=False)
        else:
            self._due.pop(host, None)

    def _pop_due(self, now):
        """The hosts due now, with those due within the lookahead."""
        if not self._heap or self._heap[0][0] > now:
            return set()
        until = now + self.lookahead
        hosts = set()
        while self._heap and self._heap[0][0] <= until:
            at, host = heapq.heappop(self._heap)
            if self._due.get(host) == at:
                del self._due[host]
                hosts.add(host)
        return hosts

    # -- compare, record ------------------------------------------------

    def _baseline(self, readings):
        statuses = {h: r.status for h, r in readings.items()}
        self.store.baseline(self.state, statuses)
        LOG.info('Recorded the host_status of %d host(s) of cell %s as its '
                 'starting point.', len(statuses), self.cell_uuid)

    def _compare(self, readings, hosts, woken):
        now = self._clock()
        self._confirm(readings, hosts, woken, now)
        recorded = recorded_now()
        new_changes = {}
        for host, old, new in watcher_mod.changes(self.state.expected(),
                                                  readings, hosts):
            if host in self.state.pending:
                # NOTE: a further change while the first is on its way:
                # recorded once the first is committed (read again then).
                continue
            new_changes[host] = state_mod.Pending(old, new, recorded)
        for host, change in self.state.pending.items():
            reading = readings.get(host)
            new = reading.status if reading is not None else status.NONE
            if (host in readings or hosts is None or host in hosts) and \
                    new != change.new:
                self._schedule(host, now)
        self.store.record_pending(self.state, new_changes)

    def _confirm(self, readings, hosts, woken, now):
        """Read again later the hosts whose record disagrees with nova."""
        expectations = dict(self._confirming)
        expectations.update({h: (e, 0) for h, e in woken.items()
                             if e is not None})
        for host, (expected, attempt) in expectations.items():
            if hosts is not None and host not in hosts:
                continue
            self._confirming.pop(host, None)
            if expected.agrees(readings.get(host)):
                continue
            if attempt < len(CONFIRM_DELAYS):
                self._confirming[host] = (expected, attempt + 1)
                self._schedule(host, now + CONFIRM_DELAYS[attempt])

    # -- send, commit ---------------------------------------------------

    def _send_pending(self):
        ctxt = nova_context.get_admin_context()
        sent = []
        for host, change in sorted(self.state.pending.items(),
                                   key=lambda hp: (hp[1].changed_at, hp[0])):
            try:
                count = self.emitter.emit_host_change(ctxt, self.mapping,
                                                      host, change)
            except delivery.DeliveryFailed as e:
                self._send_failed(e)
                return sent
            except state_mod.Fenced:
                raise
            except Exception as e:
                # NOTE: the servers' look-up failed (the cell's database):
                # the whole change is tried again later.
                self._send_failed(e, exc_info=True)
                return sent
            self.store.commit(self.state, host, change.new)
            sent.append((self.cell_uuid, host, change.old, change.new,
                         count))
        self._send_failures = 0
        self._send_at = None
        self.send_episode.succeeded()
        return sent

    def _send_failed(self, error, exc_info=False):
        self._send_failures += 1
        self.send_episode.failed(
            '%s; %d change(s) of cell %s stay pending and are sent again, '
            'with the same event ids' % (error, len(self.state.pending),
                                         self.cell_uuid), exc_info=exc_info)
        self._send_at = self._clock() + self._backoff(self._send_failures)
