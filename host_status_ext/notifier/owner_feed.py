"""The owner-facing feed: a change reaches a server's owner only where nova's
policy lets the owner see it.

The operator's feed (``[host_status_notifier] topics``) carries every change
of every server, as the operator's own consumers need. A server's owner is
called back through ceilometer and an Aodh event alarm, and whatever reaches
ceilometer's event pipeline reaches the owner's webhook. So the notifier
sends the owner a copy of its own, on topics of its own
(``[host_status_notifier] owner_topics``, the only ones ceilometer may listen
to for this event), and only where a member of the server's project could
see the new value with ``GET /servers/{id}``:

- nova's default policy (admin only): no copy at all;
- ``os_compute_api:servers:show:host_status:unknown-only``: a copy only for a
  change to ``UNKNOWN``;
- ``os_compute_api:servers:show:host_status`` open to the owner
  (``rule:admin_or_owner``): a copy of every change.

The decision is :class:`host_status_ext.authorization.Gate`'s, the one the
API filter uses, through nova's own enforcer: the notifier reads nova.conf,
so nova's ``[oslo_policy] policy_file`` and its defaults apply, and
oslo.policy re-reads a changed file, with no restart. It is evaluated for a
member of the server's project (the server's user, roles
``[host_status_notifier] owner_roles``), the persona nova's defaults call a
project member; the target is the server's project, as for nova's show.

A copy reveals nothing the owner may not see: ``old_host_status`` is left
out when the policy would not show the earlier value (always, under
unknown-only), and its publisher_id names no host, not even the notifier's.

Two shapes (``[host_status_notifier] owner_events``), and the owner
chooses which to alarm on:

- ``server``: a copy per server, ``instance.host_status_change``, which an
  alarm can match by ``instance_id``;
- ``project``: one ``instance.host_status_change.summary`` per project
  and change of a host, over the servers the gate let through, named by
  their ``host_id`` and counted, so that a project's one alarm fires once
  however many of its servers the host had. Summaries are sent first,
  ahead of the operator's notifications too: an owner who alarms on them
  is not queued behind the host's per-server events in ceilometer and
  Aodh.

And two ways to Aodh: the notification itself, on topics ceilometer
listens to (:func:`send_versioned`), or the shortcut
(:func:`host_status_ext.notifier.aodh_events.send`), which hands Aodh's
event alarm listener the events ceilometer would have made of it.
"""

import collections

from nova import context as nova_context

from host_status_ext import authorization
from host_status_ext.notifier import objects

#: The owner-facing copy's publisher_id: the service, without the host part
#: the operator's feed carries.
OWNER_PUBLISHER = objects.PUBLISHER


def owner_view(visibility, old, new):
    """What the owner may be told of a change from *old* to *new*.

    :param visibility: the owner's :class:`authorization.Visibility`.
    :returns: ``None`` if the owner may not be told of it at all (the new
        value is hidden from them), else ``(old_or_None, new)`` where the
        old value is ``None`` when it is hidden from them.
    """
    if not visibility.allows(new):
        return None
    return (old if visibility.allows(old) else None), new


SHAPES = ('server', 'project')


def send_versioned(notification, sender):
    """The owner topics' wire format: the versioned notification as is."""
    notification.emit(sender)


class OwnerNotification(object):
    """An owner-facing copy, bound to the notifier of the owner topics.

    The emitter sends a host's notifications in one batch by calling
    ``emit(notifier)`` on each with the operator's notifier; a copy goes
    through its own instead, so that it can never land on an operator
    topic, and the emitter needs no second send path.

    :param wire: ``wire(notification, sender)`` sends it in the owner
        feed's format (:func:`send_versioned` or the shortcut's).
    """

    def __init__(self, notification, notifier, wire=send_versioned):
        self.notification = notification
        self.notifier = notifier
        self.wire = wire

    @property
    def ahead(self):
        """True for a summary: sent before the host's other notifications."""
        return self.notification.event_type == objects.SUMMARY_EVENT_TYPE

    @property
    def payload(self):
        return self.notification.payload

    def emit(self, operator_sender=None):
        """Send it through the owner topics, never *operator_sender*."""
        self.wire(self.notification, self.notifier)


class OwnerFeed(object):
    """Copies of a host's notifications for the owners allowed to see them.

    :param notifier: a :class:`.delivery.Sender` on the owner topics.
    :param roles: the roles of the project member the policy is evaluated
        for.
    :param gate: the visibility decision; the API filter's by default.
    :param shapes: which of :data:`SHAPES` to send.
    :param wire: how each goes out (see :class:`OwnerNotification`).
    """

    def __init__(self, notifier, roles=('member', 'reader'), gate=None,
                 shapes=SHAPES, wire=send_versioned):
        self.notifier = notifier
        self.roles = list(roles)
        self.gate = gate or authorization.Gate()
        self.shapes = frozenset(shapes)
        self.wire = wire

    def visibility(self, project_id, user_id):
        """What a member of *project_id* may see of host_status.

        :raises: whatever nova's enforcer raises (a policy file it cannot
            read): the emitter then sends nothing and the change is retried,
            rather than guessed at.
        """
        ctxt = nova_context.RequestContext(
            user_id=user_id, project_id=project_id, roles=self.roles,
            is_admin=False, overwrite=False)
        return self.gate.visibility(ctxt, project_id)

    def copies(self, notifications):
        """The owner-facing copies of one host's *notifications*.

        The policy is evaluated once per project and user of the host's
        servers, before anything is sent. A server without a project has no
        owner and gets no copy. A summary covers the servers of one project
        that its owners may be told of in the same terms (new value, and
        old value or none); the per-server copies follow the summaries.

        :returns: a list of :class:`OwnerNotification`, possibly empty.
        """
        seen = {}
        per_server = []
        groups = collections.OrderedDict()
        for notification in notifications:
            payload = notification.payload
            if not payload.project_id:
                continue
            key = (payload.project_id, payload.user_id)
            if key not in seen:
                seen[key] = self.visibility(*key)
            view = owner_view(seen[key], payload.old_host_status,
                              payload.host_status)
            if view is None:
                continue
            per_server.append(owner_copy(notification, *view))
            groups.setdefault((payload.project_id, view), []).append(
                notification)
        out = []
        if 'project' in self.shapes:
            out.extend(owner_summary(members, *view)
                       for (_, view), members in groups.items())
        if 'server' in self.shapes:
            out.extend(per_server)
        return [OwnerNotification(n, self.notifier, self.wire) for n in out]


def owner_copy(notification, old, new):
    """A new notification like *notification*, as the owner may see it.

    :param old: the old value, or ``None`` to leave ``old_host_status`` out
        of the payload (an unset field is not serialized).
    """
    source = notification.payload
    fields = dict(event_id=source.event_id, uuid=source.uuid,
                  project_id=source.project_id,
                  user_id=source.user_id, host_id=source.host_id,
                  host_status=new, changed_at=source.changed_at)
    if old is not None:
        fields['old_host_status'] = old
    return objects.HostStatusChangeNotification(
        priority=notification.priority,
        event_type=notification.event_type,
        publisher_id=OWNER_PUBLISHER,
        payload=objects.HostStatusChangePayload(**fields))


def owner_summary(notifications, old, new):
    """One project's summary of a host change, as its owners may see it.

    :param notifications: the per-server notifications it covers, all of
        one project and one host (hence of one ``host_id``).
    :param old: the old value, or ``None`` to leave it out.
    """
    first = notifications[0].payload
    event_id = objects.summary_event_id(
        first.project_id, first.host_id, old, new,
        first.changed_at.isoformat())
    fields = dict(event_id=event_id,
                  project_id=first.project_id, host_id=first.host_id,
                  host_status=new, changed_at=first.changed_at,
                  instance_count=len(notifications))
    if old is not None:
        fields['old_host_status'] = old
    return objects.HostStatusSummaryNotification(
        priority=notifications[0].priority,
        event_type=objects.SUMMARY_EVENT_TYPE,
        publisher_id=OWNER_PUBLISHER,
        payload=objects.HostStatusSummaryPayload(**fields))
