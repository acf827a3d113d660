"""What nova's API said about a server's host, read from the server itself.

Horizon asks nova for its servers at microversions above 2.16, so nova's
answer carries ``host_status`` wherever nova's policy lets the caller see
it. Horizon's ``api.nova.Server`` passes on only the attributes named in
its ``_attrs`` list, and ``host_status`` is not one of them; the novaclient
resource it wraps keeps the server's JSON as nova sent it (``_info``). This
module reads that dict and nothing else: asking a novaclient resource for a
missing attribute makes it GET the server again when it believes itself not
fully loaded, and the plugin must never add a call to nova.

No Django here: these are plain functions, tested as such.
"""

FIELD = 'host_status'

UP = 'UP'
UNKNOWN = 'UNKNOWN'
DOWN = 'DOWN'
MAINTENANCE = 'MAINTENANCE'
VALUES = (UP, UNKNOWN, DOWN, MAINTENANCE)

# The values that call for the owner's attention, and the Bootstrap label
# (as Horizon's theme styles it) that makes them stand out.
LABEL_CLASS = {DOWN: 'label-danger', UNKNOWN: 'label-warning'}

# Horizon's status mechanism (``Column(status=True)``): a cell gets
# ``status_up`` for True and ``status_down`` for False, as the Status
# column's cell of an active or a failed server does. UNKNOWN is not a
# transition of the server (Horizon's None, which also makes its scripts
# treat the row as one in progress): it is a host not known to be up.
STATUS_CHOICES = (
    (UP, True),
    (MAINTENANCE, True),
    (DOWN, False),
    (UNKNOWN, False),
    (None, True),
)


def api_body(server):
    """The server's JSON as nova returned it ({} if there is none).

    :param server: Horizon's ``api.nova.Server``, or the novaclient
        resource itself.
    """
    # NOTE: vars(), not getattr(): a novaclient resource answers any
    # attribute it lacks by fetching itself again when not fully loaded.
    resource = vars(server).get('_apiresource') or server
    body = vars(resource).get('_info')
    return body if isinstance(body, dict) else {}


def is_given(server):
    """Whether nova's answer for ``server`` carried the field at all.

    nova leaves the field out where its policy hides it from the caller,
    and writes ``""`` where the server has no host.
    """
    return FIELD in api_body(server)


def host_status(server):
    """The value nova gave for ``server``, or None where it gave none."""
    return api_body(server).get(FIELD) or None


def label_class(value):
    """The label class that makes ``value`` stand out, or ''."""
    return LABEL_CLASS.get(value, '')
