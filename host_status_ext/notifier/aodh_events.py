"""The shortcut: owner-facing events handed to Aodh as ceilometer would.

Aodh's event alarm listener (``aodh-listener``) reads one kind of message,
on ``[listener] event_alarm_topic`` (``alarm.all``) at priority
``sample``: a list of serialized events, each with ``message_id``,
``event_type``, ``generated`` and ``traits`` (``[name, type, value]``),
and it evaluates the owner's project's alarms against each
(``aodh/evaluator/event.py``). ceilometer's event pipeline makes those
events from the owner feed's notifications with this project's
``etc/ceilometer/event_definitions.yaml``; :func:`event` makes the same
ones here, trait for trait (``TRAITS`` is that file's content, and a unit
test holds the two together), so that an owner's alarm and webhook see
no difference between the paths.

What the shortcut saves: ceilometer's notification agent, its conversion
of each notification and its second publish. What it keeps: the owner
feed's policy gate and its copies (it sends the very copies the feed
made), the project from the server (``project_id`` and ``tenant_id``
traits, whichever Aodh reads), the event id as the event's
``message_id``, and delivery: the notifier's sender raises when the
broker did not take an event, and the change is sent again whole, with
the same ids.

Not carried: ceilometer's ``message_signature`` (an HMAC of
``[publisher] telemetry_secret``; Aodh never checks it, and the owner
cannot, having no secret), which is sent empty as ceilometer does with
signing off; and ``raw``, empty as with ceilometer's default.
"""

from oslo_utils import timeutils

from host_status_ext.notifier import objects

#: ceilometer's trait types (``ceilometer/event/models.py`` ``Trait``),
#: which Aodh converts back (``_sanitize_trait_value``).
TEXT, INTEGER, DATETIME = 1, 2, 4
TYPE_NAMES = {TEXT: 'text', INTEGER: 'int', DATETIME: 'datetime'}
# ceilometer cuts text traits to this length (``Trait.convert_value``).
TEXT_LIMIT = 255

DATA = ('nova_object.data',)
NAMESPACE = ('nova_object.namespace',)

# NOTE: trait name -> (where in the payload, type): the traits of
# etc/ceilometer/event_definitions.yaml, in its order.
_SERVER_TRAITS = (
    ('instance_id', DATA + ('uuid',), TEXT),
    ('resource_id', DATA + ('uuid',), TEXT),
    ('project_id', DATA + ('project_id',), TEXT),
    ('tenant_id', DATA + ('project_id',), TEXT),
    ('user_id', DATA + ('user_id',), TEXT),
    ('host_status', DATA + ('host_status',), TEXT),
    ('old_host_status', DATA + ('old_host_status',), TEXT),
    ('host_id', DATA + ('host_id',), TEXT),
    ('changed_at', DATA + ('changed_at',), DATETIME),
    ('service', NAMESPACE, TEXT),
)
_SUMMARY_TRAITS = (
    ('project_id', DATA + ('project_id',), TEXT),
    ('tenant_id', DATA + ('project_id',), TEXT),
    ('host_status', DATA + ('host_status',), TEXT),
    ('old_host_status', DATA + ('old_host_status',), TEXT),
    ('host_id', DATA + ('host_id',), TEXT),
    ('instance_count', DATA + ('instance_count',), INTEGER),
    ('changed_at', DATA + ('changed_at',), DATETIME),
    ('service', NAMESPACE, TEXT),
)
TRAITS = {
    objects.EVENT_TYPE: _SERVER_TRAITS,
    objects.SUMMARY_EVENT_TYPE: _SUMMARY_TRAITS,
}

#: Where Aodh's listener reads events: ``<event_alarm_topic>.sample``.
PRIORITY = 'sample'


def _lookup(primitive, path):
    value = primitive
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _convert(value, trait_type):
    """The value as ceilometer converts and Aodh reads it."""
    if trait_type == INTEGER:
        return int(value)
    if trait_type == DATETIME:
        return timeutils.normalize_time(
            timeutils.parse_isotime(value)).isoformat()
    return str(value)[:TEXT_LIMIT]


def event(notification, generated=None):
    """The Aodh event of one owner-facing notification.

    :param notification: a per-server or summary notification, as the
        owner feed made it (gated, old value left out where hidden).
    :param generated: when it was made (naive UTC); now by default.
    :returns: a dict as ceilometer's ``Event.serialize()`` plus its
        ``message_signature``, ready to be one item of a message's payload.
    """
    primitive = notification.payload.obj_to_primitive()
    traits = []
    for name, path, trait_type in TRAITS[notification.event_type]:
        value = _lookup(primitive, path)
        # NOTE: as ceilometer: an absent field gives no trait, and an empty
        # string is a value only for a text trait.
        if value is None or (value == '' and trait_type != TEXT):
            continue
        traits.append([name, trait_type, _convert(value, trait_type)])
    return {'message_id': notification.payload.event_id,
            'event_type': notification.event_type,
            'generated': (generated or timeutils.utcnow()).isoformat(),
            'traits': traits,
            'raw': {},
            'message_signature': ''}


def send(notification, sender):
    """Send one owner-facing notification to Aodh as its event.

    :param sender: a :class:`.delivery.Sender` on Aodh's event topics.
    :raises delivery.DeliveryFailed: the broker did not take it.
    """
    sender.send(notification.publisher_id, notification.event_type,
                PRIORITY, [event(notification)],
                notification.payload.event_id)
