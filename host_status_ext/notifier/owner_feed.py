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
"""

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


class OwnerNotification(object):
    """An owner-facing copy, bound to the notifier of the owner topics.

    The emitter sends a host's notifications in one batch by calling
    ``emit(notifier)`` on each with the operator's notifier; a copy goes
    through its own instead, so that it can never land on an operator
    topic, and the emitter needs no second send path.
    """

    def __init__(self, notification, notifier):
        self.notification = notification
        self.notifier = notifier

    @property
    def payload(self):
        return self.notification.payload

    def emit(self, operator_sender=None):
        """Send it through the owner topics, never *operator_sender*."""
        self.notification.emit(self.notifier)


class OwnerFeed(object):
    """Copies of a host's notifications for the owners allowed to see them.

    :param notifier: a :class:`.delivery.Sender` on the owner topics.
    :param roles: the roles of the project member the policy is evaluated
        for.
    :param gate: the visibility decision; the API filter's by default.
    """

    def __init__(self, notifier, roles=('member', 'reader'), gate=None):
        self.notifier = notifier
        self.roles = list(roles)
        self.gate = gate or authorization.Gate()

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
        owner and gets no copy.

        :returns: a list of :class:`OwnerNotification`, possibly empty.
        """
        seen = {}
        out = []
        for notification in notifications:
            payload = notification.payload
            if not payload.project_id:
                continue
            key = (payload.project_id, payload.user_id)
            if key not in seen:
                seen[key] = self.visibility(*key)
            view = owner_view(seen[key], payload.old_host_status,
                              payload.host_status)
            if view is not None:
                out.append(OwnerNotification(
                    owner_copy(notification, *view), self.notifier))
        return out


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
