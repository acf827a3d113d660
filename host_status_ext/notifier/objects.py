"""The versioned notification: payload and envelope.

Built the way nova builds its versioned notifications
(``nova/notifications/objects/base.py``): an oslo.versionedobjects payload
serialized with ``obj_to_primitive()`` under ``nova_object.*`` keys, so that
consumers which already read nova's versioned notifications (ceilometer event
definitions, Aodh event alarms matching ``project_id``) read this one the same
way. The objects live in their own namespace (``host_status_ext``) and their
own registry so that they never shadow one of nova's.

The payload carries no host name: the host is admin-only information in
nova's API. ``host_id`` is nova's obfuscated ``hostId`` (sha224 of project and
host), which the owner already sees in ``GET /servers/{id}``.

``event_id`` (payload 1.1) names one server's notification of one change of
its host: :func:`event_id` derives it from the server, the transition and
the time the change was recorded, so the copy sent again after a takeover or
a failed send carries the same id as the first, and a consumer drops a
duplicate by it.

The summary (:class:`HostStatusSummaryPayload`, event type
``instance.host_status_change.summary``) is for owners only: one per
project and change of a host, naming that project's servers on the host,
so that an owner's one alarm fires once, not once per server.
"""

import uuid

from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields

from host_status_ext import status

EVENT_TYPE = 'instance.host_status_change'
SUMMARY_EVENT_TYPE = EVENT_TYPE + '.summary'
PUBLISHER = 'host-status-notifier'

# NOTE: a fixed namespace: event ids must be the same from every instance
# and every release, or a re-sent copy would not match its first copy.
EVENT_ID_NAMESPACE = uuid.UUID('0c5b1f0e-6a53-5e2b-9a44-3f7d2b8e1c90')


def event_id(server_uuid, old, new, changed_at):
    """The stable id of one server's notification of one host change.

    :param changed_at: when the change was recorded, as stored (an ISO 8601
        string with microseconds): the same string on every re-send.
    :returns: a UUID string (uuid5), the same for the same arguments.
    """
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, '/'.join(
        (server_uuid, old, new, changed_at))))


def summary_event_id(project_id, host_id, old, new, changed_at):
    """The stable id of one project's summary of one host change.

    :param old: the old value as the owner is told it, or ``None`` where
        it is hidden from them: a summary that shows it and one that does
        not are two events.
    """
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, '/'.join(
        ('summary', project_id, host_id or '',
         '-' if old is None else old, new, changed_at))))


class HostStatusObjectRegistry(ovo_base.VersionedObjectRegistry):
    """Registry of this project's notification objects."""


class HostStatusNotificationObject(ovo_base.VersionedObject):
    """Base of the notification objects: nova's wire format, own namespace."""

    OBJ_SERIAL_NAMESPACE = 'nova_object'
    OBJ_PROJECT_NAMESPACE = 'host_status_ext'
    VERSION = '1.0'

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # NOTE: as nova does, drop the "changed" marks that creating the
        # object on the fly leaves on every field; they carry nothing.
        self.obj_reset_changes(recursive=False)


class Envelope(object):
    """What the envelopes share: sending themselves, payload and event id.

    A plain mixin, not a versioned object: the envelopes' fields (and so
    their fingerprints) stay their own.
    """

    def emit(self, sender):
        """Send this notification; raise if it was not accepted.

        :param sender: a :class:`host_status_ext.notifier.delivery.Sender`.
        :raises delivery.DeliveryFailed: the broker did not take it.
        """
        sender.send(self.publisher_id, self.event_type, self.priority,
                    self.payload.obj_to_primitive(), self.payload.event_id)


class HostStatusField(fields.BaseEnumField):
    AUTO_TYPE = fields.Enum(valid_values=status.ALL_VALUES)


@HostStatusObjectRegistry.register
class HostStatusChangePayload(HostStatusNotificationObject):
    """What the owner of one server is told when its host's status changes."""

    # Version 1.0: Initial version
    # Version 1.1: event_id, the same on every copy of one notification
    VERSION = '1.1'

    fields = {
        'event_id': fields.UUIDField(),
        'uuid': fields.UUIDField(),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'host_id': fields.StringField(nullable=True),
        'old_host_status': HostStatusField(),
        'host_status': HostStatusField(),
        'changed_at': fields.DateTimeField(),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('event_id', None)


@HostStatusObjectRegistry.register
class HostStatusSummaryPayload(HostStatusNotificationObject):
    """What the owner of a project's servers on one host is told at once.

    The servers are named by their host's ``host_id`` (nova's ``hostId``,
    the same for every server of the project on that host, shown by
    ``GET /servers/detail``) and counted, not listed: ceilometer cuts a
    text trait at 255 characters (six UUIDs), and Aodh compares whole
    values, so a list in a trait could be neither complete nor matched.
    """

    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'event_id': fields.UUIDField(),
        'project_id': fields.StringField(),
        'host_id': fields.StringField(nullable=True),
        'old_host_status': HostStatusField(),
        'host_status': HostStatusField(),
        'changed_at': fields.DateTimeField(),
        'instance_count': fields.IntegerField(),
    }


@HostStatusObjectRegistry.register
class HostStatusSummaryNotification(Envelope,
                                    HostStatusNotificationObject):
    """Envelope of a summary: priority, event type, publisher, payload."""

    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'priority': fields.StringField(),
        'event_type': fields.StringField(),
        'publisher_id': fields.StringField(),
        'payload': fields.ObjectField('HostStatusSummaryPayload'),
    }


@HostStatusObjectRegistry.register
class HostStatusChangeNotification(Envelope,
                                   HostStatusNotificationObject):
    """Envelope: priority, event type, publisher and the payload."""

    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'priority': fields.StringField(),
        'event_type': fields.StringField(),
        'publisher_id': fields.StringField(),
        'payload': fields.ObjectField('HostStatusChangePayload'),
    }
