"""The host_status precedence: one pure function, no I/O.

The specification (get-valid-server-state) lists the values so that "the next
value in the list can override the previous": UP, then UNKNOWN, then DOWN,
then MAINTENANCE. nova's in-tree code checks ``forced_down`` before
``disabled`` and so answers DOWN for a compute service that is both; this
project follows the specification and answers MAINTENANCE.

Keeping this free of nova imports lets the API filter and the notifier share
exactly one definition, and lets a unit test walk every combination.
"""

import collections

UP = 'UP'
UNKNOWN = 'UNKNOWN'
DOWN = 'DOWN'
MAINTENANCE = 'MAINTENANCE'
NONE = ''

ALL_VALUES = (UP, UNKNOWN, DOWN, MAINTENANCE, NONE)

ServiceState = collections.namedtuple(
    'ServiceState', ['disabled', 'forced_down', 'is_up'])
ServiceState.__doc__ = """What the precedence needs of one compute service.

``is_up`` is the answer of nova's servicegroup API (``service_is_up``), so
the operator's servicegroup driver and ``service_down_time`` decide it.
"""


def host_status(service):
    """Return the host_status of a server whose compute service is *service*.

    :param service: a :class:`ServiceState`, or ``None`` when the server has no
        host, is deleted, or its host has no nova-compute service record.
    :returns: one of :data:`ALL_VALUES`.
    """
    if service is None:
        return NONE
    if service.disabled:
        return MAINTENANCE
    if service.forced_down:
        return DOWN
    if not service.is_up:
        return UNKNOWN
    return UP
