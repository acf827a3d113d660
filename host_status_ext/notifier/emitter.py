"""Emit one notification per server on a host whose host_status changed."""

from concurrent import futures
import os
import time

from nova import context as nova_context
from nova import utils as nova_utils
from oslo_log import log as logging

from host_status_ext.notifier import objects
from host_status_ext.notifier import servers

LOG = logging.getLogger(__name__)


def build_notification(instance, host, old, new, changed_at, publisher_id):
    """Return the notification of one server.

    :param instance: anything with uuid, project_id and user_id.
    :param host: the compute host; only hashed into ``host_id``, never sent.
    """
    payload = objects.HostStatusChangePayload(
        uuid=instance.uuid,
        project_id=instance.project_id,
        user_id=instance.user_id,
        host_id=nova_utils.generate_hostid(host, instance.project_id or ''),
        old_host_status=old,
        host_status=new,
        changed_at=changed_at)
    return objects.HostStatusChangeNotification(
        priority='info',
        event_type=objects.EVENT_TYPE,
        publisher_id=publisher_id,
        payload=payload)


class Emitter(object):
    """Look up the servers of a host in its cell and notify their owners."""

    def __init__(self, notifier, publisher_id, send_workers=1,
                 owner_feed=None):
        """Set up.

        :param notifier: an ``oslo_messaging.Notifier``.
        :param send_workers: how many notifications are sent at once; with
            a real broker each send mostly waits on the network, so a few
            threads cut the time a 200-server host takes by about half.
        :param owner_feed: an :class:`.owner_feed.OwnerFeed`, whose
            policy-gated copies go out in the same batch, or None.
        """
        self.notifier = notifier
        self.publisher_id = publisher_id
        self.send_workers = send_workers
        self.owner_feed = owner_feed
        self._pool = None
        self._pool_pid = None

    def _send_all(self, notifications):
        if self.send_workers <= 1 or len(notifications) <= 1:
            for notification in notifications:
                notification.emit(self.notifier)
            return
        # NOTE: made in the process that sends: oslo.service forks the
        # worker after this object is built, and threads do not survive a
        # fork.
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = futures.ThreadPoolExecutor(
                max_workers=self.send_workers,
                thread_name_prefix='host-status-send')
            self._pool_pid = os.getpid()
        pending = [self._pool.submit(n.emit, self.notifier)
                   for n in notifications]
        # Every send is waited for; the first failure is raised afterwards,
        # so that the caller keeps the old status and the change is retried.
        errors = [f.exception() for f in pending]
        for error in errors:
            if error is not None:
                raise error

    def emit_host_change(self, ctxt, cell_mapping, host, old, new,
                         changed_at):
        """Send the notifications of one host's change.

        One query (the host's non-deleted instances in its cell), then one
        notification per server.

        :returns: the number of notifications sent.
        :raises: whatever the transport raises; the caller then keeps the old
            status so that the change is retried.
        """
        started = time.monotonic()
        with nova_context.target_cell(ctxt, cell_mapping) as cctxt:
            instances = servers.get_by_host(cctxt, host)
        looked_up = time.monotonic()
        notifications = [build_notification(instance, host, old, new,
                                            changed_at, self.publisher_id)
                         for instance in instances]
        if self.owner_feed is not None:
            # NOTE: gated before anything is sent: a policy that cannot be
            # read sends nothing, and the change is retried whole.
            notifications += self.owner_feed.copies(notifications)
        self._send_all(notifications)
        LOG.info('Host status of %(host)s changed from %(old)r to %(new)r; '
                 'notified %(count)d server(s) (lookup %(lookup).3f s, '
                 'sending %(send).3f s).',
                 {'host': host, 'old': old, 'new': new,
                  'count': len(instances), 'lookup': looked_up - started,
                  'send': time.monotonic() - looked_up})
        return len(instances)
