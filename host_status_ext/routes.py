"""Which of nova's responses carry host_status.

``GET /servers/{id}`` and ``GET /servers/detail`` from microversion 2.16;
``PUT /servers/{id}`` and the ``rebuild`` server action from 2.75, the
microversion from which nova returns the whole server view there. Paths are
seen as the filter sees them inside nova's v2.1 composite: with or without
the legacy ``/{project_id}`` prefix.
"""

import enum
import re

import microversion_parse
from oslo_serialization import jsonutils

SERVICE_TYPE = 'compute'
# nova 2.1 answers with both headers; the legacy one is read only if the
# standard one is missing.
LEGACY_VERSION_HEADERS = ['x-openstack-nova-api-version']

_SERVER_PATH = re.compile(
    r'^(?:/[^/]+)?/servers/(?P<server>[^/]+?)(?P<action>/action)?/?$')


class Kind(enum.Enum):
    """The server responses that may carry host_status."""

    SHOW = 'show'
    DETAIL = 'detail'
    UPDATE = 'update'
    REBUILD = 'rebuild'


_MIN_VERSION = {
    Kind.SHOW: microversion_parse.Version(2, 16),
    Kind.DETAIL: microversion_parse.Version(2, 16),
    Kind.UPDATE: microversion_parse.Version(2, 75),
    Kind.REBUILD: microversion_parse.Version(2, 75),
}
_SUCCESS = {
    Kind.SHOW: 200,
    Kind.DETAIL: 200,
    Kind.UPDATE: 200,
    Kind.REBUILD: 202,
}


def _is_rebuild(request):
    # The request body is read (webob keeps it seekable for nova) only for
    # server actions, the one place where the path does not say enough.
    try:
        body = jsonutils.loads(request.body)
    except ValueError:
        return False
    return isinstance(body, dict) and 'rebuild' in body


def classify(request):
    """Return the :class:`Kind` of *request*, or None if not ours."""
    match = _SERVER_PATH.match(request.path_info)
    if match is None:
        return None
    server, action = match.group('server', 'action')
    method = request.method
    if action:
        if method == 'POST' and _is_rebuild(request):
            return Kind.REBUILD
        return None
    if method == 'GET':
        return Kind.DETAIL if server == 'detail' else Kind.SHOW
    if method == 'PUT' and server != 'detail':
        return Kind.UPDATE
    return None


def response_version(headers):
    """The microversion nova answered with (2.1 when it names none).

    :param headers: the response's headers, a list of (name, value).
    """
    version = microversion_parse.get_version(
        headers, SERVICE_TYPE, legacy_headers=LEGACY_VERSION_HEADERS)
    if not version:
        return microversion_parse.Version(2, 1)
    return microversion_parse.parse_version_string(version)


def media_type(headers):
    """The media type of the response's first Content-Type header ('')."""
    for name, value in headers:
        if name.lower() == 'content-type':
            return value.split(';', 1)[0].strip().lower()
    return ''


def wants_host_status(kind, status, headers):
    """Whether nova's response to a *kind* request is to carry the field.

    Only nova's successful JSON server views at a microversion that has the
    field; errors and everything else pass through untouched.

    :param status: the response's status line, as WSGI gives it.
    :param headers: the response's headers, a list of (name, value).
    """
    return (int(status.split(None, 1)[0]) == _SUCCESS[kind]
            and media_type(headers) == 'application/json'
            and response_version(headers) >= _MIN_VERSION[kind])
