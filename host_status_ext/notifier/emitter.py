"""Send one notification per server on a host whose host_status changed."""

from concurrent import futures
import os
import threading
import time

from nova import context as nova_context
from nova import utils as nova_utils
from oslo_log import log as logging
from oslo_utils import timeutils

from host_status_ext.notifier import delivery
from host_status_ext.notifier import objects
from host_status_ext.notifier import servers

LOG = logging.getLogger(__name__)


def build_notification(instance, host, change, publisher_id):
    """Return the notification of one server.

    :param instance: anything with uuid, project_id and user_id.
    :param host: the compute host; only hashed into ``host_id``, never sent.
    :param change: a :class:`~host_status_ext.notifier.state.Pending`; its
        ``changed_at`` (as recorded) goes into the event id.
    """
    payload = objects.HostStatusChangePayload(
        event_id=objects.event_id(instance.uuid, change.old, change.new,
                                  change.changed_at),
        uuid=instance.uuid,
        project_id=instance.project_id,
        user_id=instance.user_id,
        host_id=nova_utils.generate_hostid(host, instance.project_id or ''),
        old_host_status=change.old,
        host_status=change.new,
        changed_at=timeutils.parse_isotime(change.changed_at))
    return objects.HostStatusChangeNotification(
        priority='info',
        event_type=objects.EVENT_TYPE,
        publisher_id=publisher_id,
        payload=payload)


class Emitter(object):
    """Look up the servers of a host in its cell and notify their owners."""

    def __init__(self, sender, publisher_id, send_workers=1,
                 send_timeout=2.0, owner_feed=None):
        """Set up.

        :param sender: a :class:`~host_status_ext.notifier.delivery.Sender`.
        :param send_workers: how many notifications are sent at once; with
            a real broker each send mostly waits on the network, so a few
            threads cut the time a 200-server host takes by about half.
        :param send_timeout: seconds to wait for the next send of a host to
            be accepted; past that the rest count as failed (they may still
            complete later).
        :param owner_feed: an :class:`.owner_feed.OwnerFeed`, whose
            policy-gated copies go out in the same batch, or None.
        """
        self.sender = sender
        self.publisher_id = publisher_id
        self.send_workers = send_workers
        self.send_timeout = send_timeout
        self.owner_feed = owner_feed
        self._pool = None
        self._pool_pid = None
        self._late = {}
        self._lock = threading.Lock()

    def _submit(self, fn):
        # NOTE: made in the process that sends: threads do not survive a
        # fork, and oslo.service may fork after this object is built.
        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = futures.ThreadPoolExecutor(
                    max_workers=self.send_workers,
                    thread_name_prefix='host-status-send')
                self._pool_pid = os.getpid()
                self._late = {}
            return self._pool.submit(fn)

    def _send_all(self, notifications, key=None):
        """Send all, while the broker makes progress; raise DeliveryFailed.

        Every send is waited for (up to the deadline) before the first
        failure is raised, so the caller knows the whole host's outcome.

        :param key: whose sends these are (a cell): sends that outlived
            their deadline hold back that caller's next sends only.
        """
        with self._lock:
            late = {f for f in self._late.get(key, ()) if not f.done()}
            self._late[key] = late
        if late:
            raise delivery.DeliveryFailed(
                '%d earlier send(s) still waiting for the broker'
                % len(late))
        pending = [self._submit(lambda n=n: n.emit(self.sender))
                   for n in notifications]
        not_done = set(pending)
        while not_done:
            # NOTE: the deadline is on progress, not on the whole host: a
            # host of a thousand servers may take longer than send_timeout
            # to send, but a broker that accepts nothing for that long is
            # taken for hung.
            done, not_done = futures.wait(
                not_done, timeout=self.send_timeout,
                return_when=futures.FIRST_COMPLETED)
            if not done:
                with self._lock:
                    self._late[key] = set(not_done)
                raise delivery.DeliveryFailed(
                    '%d of %d send(s) waiting, none accepted for %.1f s'
                    % (len(not_done), len(pending), self.send_timeout))
        for f in pending:
            error = f.exception()
            if error is not None:
                if isinstance(error, delivery.DeliveryFailed):
                    raise error
                raise delivery.DeliveryFailed(
                    '%s: %s' % (type(error).__name__, error)) from error

    def emit_host_change(self, ctxt, cell_mapping, host, change):
        """Send the notifications of one host's change.

        One query (the host's non-deleted instances in its cell), then one
        notification per server.

        :param change: a :class:`~host_status_ext.notifier.state.Pending`.
        :returns: the number of notifications sent.
        :raises delivery.DeliveryFailed: some were not accepted; the
            caller keeps the change pending and sends all of them again.
        """
        started = time.monotonic()
        with nova_context.target_cell(ctxt, cell_mapping) as cctxt:
            instances = servers.get_by_host(cctxt, host)
        looked_up = time.monotonic()
        notifications = [build_notification(instance, host, change,
                                            self.publisher_id)
                         for instance in instances]
        if self.owner_feed is not None:
            # NOTE: gated before anything is sent: a policy that cannot be
            # read sends nothing, and the change is retried whole.
            notifications += self.owner_feed.copies(notifications)
        self._send_all(notifications, key=cell_mapping.uuid)
        LOG.info('Host status of %(host)s changed from %(old)r to %(new)r '
                 'at %(at)s; notified %(count)d server(s) (lookup '
                 '%(lookup).3f s, sending %(send).3f s).',
                 {'host': host, 'old': change.old, 'new': change.new,
                  'at': change.changed_at, 'count': len(instances),
                  'lookup': looked_up - started,
                  'send': time.monotonic() - looked_up})
        return len(instances)
