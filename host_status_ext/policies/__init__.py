"""Policy rules of host-status-ext, declared in code.

The rules carry nova's own names, so the operator's one line in nova's
policy.yaml governs nova's field and this plugin's alike. nova 34 already
registers both; :func:`register_missing` adds them only to an enforcer that
lacks them, so a nova without them still enforces the documented admin-only
default instead of failing with PolicyNotRegistered.
"""

import itertools

from host_status_ext.policies import host_status


def list_rules():
    """The rules, for oslopolicy-sample-generator and for nova's enforcer."""
    return list(itertools.chain(host_status.list_rules()))


def register_missing(enforcer):
    """Register on *enforcer* those of our rules it does not know yet.

    :returns: the names registered (empty when nova has them all).
    """
    missing = [rule for rule in list_rules()
               if rule.name not in enforcer.registered_rules]
    if missing:
        enforcer.register_defaults(missing)
    return [rule.name for rule in missing]
