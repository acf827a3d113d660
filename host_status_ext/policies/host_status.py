"""The two host_status rules, with nova's names and nova's defaults."""

from oslo_policy import policy

SHOW_HOST_STATUS = 'os_compute_api:servers:show:host_status'
SHOW_HOST_STATUS_UNKNOWN_ONLY = (
    'os_compute_api:servers:show:host_status:unknown-only')

# Admin only by default: a host's health is operator information until the
# operator decides the owners of the servers on it need it (NFV).
ADMIN = 'rule:context_is_admin'

_OPERATIONS = [
    {'method': 'GET', 'path': '/servers/{server_id}'},
    {'method': 'GET', 'path': '/servers/detail'},
    {'method': 'PUT', 'path': '/servers/{server_id}'},
    {'method': 'POST', 'path': '/servers/{server_id}/action (rebuild)'},
]

rules = [
    policy.DocumentedRuleDefault(
        name=SHOW_HOST_STATUS,
        check_str=ADMIN,
        description=(
            'Show host_status (UP, UNKNOWN, DOWN, MAINTENANCE or an empty '
            'string) in server views from microversion 2.16; from 2.75 also '
            'in the responses of PUT /servers/{server_id} and rebuild. '
            'For NFV, open it to the owners of the servers with '
            '"rule:project_reader_or_admin" (nova\'s current rule for '
            'reads: the reader role in the server\'s project) or the '
            'specification\'s "rule:admin_or_owner" (deprecated by nova, '
            'any role in the project).'),
        operations=_OPERATIONS,
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SHOW_HOST_STATUS_UNKNOWN_ONLY,
        check_str=ADMIN,
        description=(
            'Show host_status only when it is UNKNOWN. Enforced only when '
            'os_compute_api:servers:show:host_status does not pass.'),
        operations=_OPERATIONS,
        scope_types=['project']),
]


def list_rules():
    return rules
