"""Emit one notification per server on a host whose host_status changed."""

from nova import context as nova_context
from nova import objects as nova_objects
from nova import utils as nova_utils
from oslo_log import log as logging

from host_status_ext.notifier import objects

LOG = logging.getLogger(__name__)


def build_notification(instance, host, old, new, changed_at, publisher_id):
    """Return the notification of one server.

    :param instance: a nova Instance (uuid, project_id, user_id).
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

    def __init__(self, notifier, publisher_id):
        """:param notifier: an ``oslo_messaging.Notifier``."""
        self.notifier = notifier
        self.publisher_id = publisher_id

    def emit_host_change(self, ctxt, cell_mapping, host, old, new,
                         changed_at):
        """Send the notifications of one host's change.

        One query (the host's non-deleted instances in its cell), then one
        notification per server.

        :returns: the number of notifications sent.
        :raises: whatever the transport raises; the caller then keeps the old
            status so that the change is retried.
        """
        with nova_context.target_cell(ctxt, cell_mapping) as cctxt:
            instances = nova_objects.InstanceList.get_by_host(
                cctxt, host, expected_attrs=[])
        for instance in instances:
            build_notification(instance, host, old, new, changed_at,
                               self.publisher_id).emit(self.notifier)
        LOG.info('Host status of %(host)s changed from %(old)r to %(new)r; '
                 'notified %(count)d server(s).',
                 {'host': host, 'old': old, 'new': new,
                  'count': len(instances)})
        return len(instances)
