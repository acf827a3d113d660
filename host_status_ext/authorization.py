"""Who may see host_status: nova's own enforcer and nova's own rule names.

Enforcing through nova's enforcer (``RequestContext.can``) means the rules
come from the same policy.yaml, with the same defaults, as nova's own checks,
so the operator's ``admin_or_owner`` line opens nova's field and this
plugin's alike.
"""

import enum

from nova import policy as nova_policy

from host_status_ext import policies
from host_status_ext.policies import host_status as rules


class Visibility(enum.Enum):
    """What a caller may see of host_status."""

    NONE = 'none'
    UNKNOWN_ONLY = 'unknown-only'
    ALL = 'all'

    def allows(self, value):
        """Whether a caller with this visibility may see *value*."""
        if self is Visibility.ALL:
            return True
        return self is Visibility.UNKNOWN_ONLY and value == 'UNKNOWN'


class Gate(object):
    """Decides a caller's :class:`Visibility`, as nova's view does."""

    def __init__(self):
        self._enforcer_with_our_rules = None

    def _ensure_rules(self):
        # nova builds its enforcer lazily and may rebuild it (policy reset);
        # whichever enforcer is current must know our rules. Once it does,
        # nothing is left to do here: context.can() initialises on its own.
        if nova_policy._ENFORCER is self._enforcer_with_our_rules:
            return
        nova_policy.init()
        enforcer = nova_policy._ENFORCER
        policies.register_missing(enforcer)
        self._enforcer_with_our_rules = enforcer

    def visibility(self, context, project_id=None):
        """The caller's visibility of host_status.

        :param project_id: the server's project for a single server; None
            for a listing, where nova checks against the caller's own
            project (nova's default target), and so does this.
        """
        self._ensure_rules()
        target = None if project_id is None else {'project_id': project_id}
        if context.can(rules.SHOW_HOST_STATUS, target=target, fatal=False):
            return Visibility.ALL
        if context.can(rules.SHOW_HOST_STATUS_UNKNOWN_ONLY, target=target,
                       fatal=False):
            return Visibility.UNKNOWN_ONLY
        return Visibility.NONE
