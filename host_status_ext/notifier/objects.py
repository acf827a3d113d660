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
"""

from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields

from host_status_ext import status

EVENT_TYPE = 'instance.host_status_change'
PUBLISHER = 'host-status-notifier'


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


class HostStatusField(fields.BaseEnumField):
    AUTO_TYPE = fields.Enum(valid_values=status.ALL_VALUES)


@HostStatusObjectRegistry.register
class HostStatusChangePayload(HostStatusNotificationObject):
    """What the owner of one server is told when its host's status changes."""

    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'uuid': fields.UUIDField(),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'host_id': fields.StringField(nullable=True),
        'old_host_status': HostStatusField(),
        'host_status': HostStatusField(),
        'changed_at': fields.DateTimeField(),
    }


@HostStatusObjectRegistry.register
class HostStatusChangeNotification(HostStatusNotificationObject):
    """Envelope: priority, event type, publisher and the payload."""

    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'priority': fields.StringField(),
        'event_type': fields.StringField(),
        'publisher_id': fields.StringField(),
        'payload': fields.ObjectField('HostStatusChangePayload'),
    }

    def emit(self, notifier, context=None):
        """Send this notification through an oslo.messaging Notifier.

        :param notifier: an ``oslo_messaging.Notifier``.
        :param context: the message context; an empty dict when ``None``.
        """
        notify = getattr(notifier.prepare(publisher_id=self.publisher_id),
                         self.priority)
        notify(context or {}, self.event_type,
               self.payload.obj_to_primitive())
