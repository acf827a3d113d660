"""The paste filter that adds host_status to nova's server views.

It sits in nova's api-paste.ini right after ``keystonecontext``, so that
``environ['nova.context']`` holds the caller's context when the response of
nova's compute API comes back through it. Its data path goes one way:
nova's response -> is it ours (path, method, status, microversion) -> what
its raw bytes say (:mod:`host_status_ext.scan`) -> then one of three ways:

* nova wrote the field and no server is ``DOWN``: nova's values are the
  specification's; the response goes back as nova made it, not decoded;
* nova wrote the field and says ``DOWN`` somewhere: only those servers are
  looked up (one query per cell at most), since only a host that is also
  disabled makes them ``MAINTENANCE``;
* nova did not write the field: the policy gate -> one lookup per cell of
  the listed servers' hosts' compute services -> the precedence function
  once per host -> the body written once.

Whatever goes wrong in the filter's own work, nova's response goes out as
nova made it: the filter never turns a success into an error, and says so
in the log once per episode, not once per request.
"""

import orjson
from oslo_config import cfg
from oslo_log import log as logging
import webob

from host_status_ext import authorization
from host_status_ext import conf as hse_conf
from host_status_ext import episodes
from host_status_ext import lookup
from host_status_ext import routes
from host_status_ext import scan
from host_status_ext import status
from host_status_ext import views

LOG = logging.getLogger(__name__)
CONTEXT_KEY = 'nova.context'

# NOTE: the body is nova's own JSON: plain JSON types, no cycles. Decoding
# and encoding it is most of the filter's own work on a large listing
# (1.6 MB for 1000 servers): orjson does it in about a third of the
# standard library's time, and encodes it again about fifteen times as
# fast. Its output is compact (no space after ':' and ','), and the JSON
# value the same.


class HostStatusFilter(object):
    """WSGI filter: nova's server views with the specification's field."""

    def __init__(self, application, conf=cfg.CONF, host_lookup=None,
                 gate=None):
        self.application = application
        hse_conf.register_opts(conf)
        self._conf = conf
        self._host_lookup = host_lookup
        self._gate = gate or authorization.Gate()
        self._failing = episodes.Episode(
            LOG, "host_status filter (nova's responses go out as nova "
                 "made them meanwhile)")
        self._misplaced = episodes.Episode(
            LOG, 'host_status filter placement (no %s in the request: is '
                 'the filter after keystonecontext in api-paste.ini?)'
                 % CONTEXT_KEY)

    def _lookup(self):
        # Built on first use, when nova-api has loaded its configuration
        # (the servicegroup driver is chosen there), not at paste load.
        if self._host_lookup is None:
            self._host_lookup = lookup.HostStatusLookup()
        return self._host_lookup

    def __call__(self, environ, start_response):
        """The WSGI call: nova's app is called from this frame directly.

        NOTE: not through webob's ``wsgify`` and ``Request.get_response``:
        they put five frames of their own between nova's pipeline and
        nova's app, which moves every frame of nova deeper on CPython's
        frame stack. On CPython 3.11 a hot loop of nova that happens to
        call across a boundary of the stack's 16 KiB chunks then maps and
        unmaps a chunk on every call (python/cpython gh-142183): the same
        request costs more with a filter in front of it, whatever the
        filter does. One frame moves nova as little as a filter can.
        """
        request = webob.Request(environ)
        try:
            kind = routes.classify(request)
        except Exception as error:
            self._failing.failed('could not classify %s %s: %r'
                                 % (request.method, request.path, error),
                                 exc_info=True)
            kind = None
        if kind is None:
            return self.application(environ, start_response)

        written = []
        started = []

        def capture(status, headers, exc_info=None):
            started[:] = [status, headers, exc_info]
            return written.append

        app_iter = self.application(environ, capture)
        if written or not started:
            # write() was used, or start_response is deferred to the first
            # item: read it all, as webob's call_application does.
            app_iter = _read(app_iter, written)
        status, headers, exc_info = started
        if exc_info is not None:
            start_response(status, headers, exc_info)
            return app_iter
        body = None
        try:
            if routes.wants_host_status(kind, status, headers):
                app_iter = _read(app_iter)
                body = self._new_body(request, kind, b''.join(app_iter))
        except Exception as error:
            self._failing.failed('could not add host_status to %s %s: %r'
                                 % (request.method, request.path, error),
                                 exc_info=True)
            body = None
        if body is None:
            start_response(status, headers)
            return app_iter
        start_response(status, _with_length(headers, len(body)))
        return [body]

    def _new_body(self, request, kind, body):
        """The new body of nova's response *body*, or None to keep it."""
        nova_wrote_it = scan.has_field(body)
        if nova_wrote_it and not scan.may_hold_down(body):
            # nova's values are the specification's but for DOWN.
            return None
        context = request.environ.get(CONTEXT_KEY)
        if context is None:
            self._misplaced.failed('the response goes out as nova made it')
            return None
        self._misplaced.succeeded()
        if nova_wrote_it:
            new_body = self._down_corrected(kind, context, body)
        else:
            new_body = self._with_host_status(kind, context, body)
        self._failing.succeeded()
        return new_body

    def _with_host_status(self, kind, context, body):
        """The full path: nova wrote no host_status; the filter writes it."""
        # One policy decision per response, as nova's view makes it: for a
        # listing against the caller's project, before the body is even
        # read; for one server against the server's.
        if kind is routes.Kind.DETAIL:
            visibility = self._gate.visibility(context)
            if visibility is authorization.Visibility.NONE:
                return None
            document = orjson.loads(body)
            servers = document['servers']
        else:
            document = orjson.loads(body)
            servers = [document['server']]
            visibility = self._gate.visibility(
                context, project_id=servers[0]['tenant_id'])
            if visibility is authorization.Visibility.NONE:
                return None
        return self._written(kind, context, document, servers, visibility)

    def _down_corrected(self, kind, context, body):
        """nova wrote the field: look up only the servers it calls DOWN.

        nova checks ``forced_down`` before ``disabled``; the specification
        lets MAINTENANCE override DOWN. A server nova calls DOWN gets the
        filter's own value; every other value of nova's is already the
        specification's and stays as nova wrote it.
        """
        document = orjson.loads(body)
        if kind is routes.Kind.DETAIL:
            servers = document['servers']
        else:
            servers = [document['server']]
        down = [server for server in servers
                if server.get(views.FIELD) == status.DOWN]
        if not down:
            return None
        # NOTE: nova showed DOWN, so its policy check, which is this one,
        # allowed every value. The filter asks again all the same: beside
        # the lookup this path makes it costs little (see the performance
        # page), and what the filter shows then rests on the policy alone,
        # not on a reading of the body. Should the answer differ from
        # nova's, every server goes the full path.
        if kind is routes.Kind.DETAIL:
            visibility = self._gate.visibility(context)
        else:
            visibility = self._gate.visibility(
                context, project_id=down[0]['tenant_id'])
        if visibility is not authorization.Visibility.ALL:
            down = servers
        return self._written(kind, context, document, down, visibility)

    def _written(self, kind, context, document, servers, visibility):
        """*document* encoded with *servers*' host_status, or None if same."""
        changed = False
        for server, value in zip(servers, self._resolve(kind, context,
                                                        servers)):
            changed = views.write(server, value, visibility) or changed
        return orjson.dumps(document) if changed else None

    def _resolve(self, kind, context, servers):
        """The host_status of each of *servers*; None where unknowable.

        One query at most per cell, for one server of each host and project
        in the response (see :func:`views.representatives`). For one server
        (show, update, rebuild) nova has left the request context targeted
        at the server's cell: only that cell is asked. A listing spans
        cells, and its context names none that could be trusted to hold
        every server: every cell is asked.
        """
        representatives = views.representatives(servers)
        if not representatives:
            return [views.resolve(server, None, None) for server in servers]
        server_uuids = list(representatives.values())
        if (kind is not routes.Kind.DETAIL
                and getattr(context, 'cell_uuid', None) is not None):
            statuses = self._lookup().in_cell(context, server_uuids)
        else:
            statuses = self._lookup()(
                context, server_uuids,
                self._conf.host_status_ext.cell_timeout)
        return [views.resolve(server, statuses, representatives)
                for server in servers]


def _read(app_iter, written=()):
    """*app_iter*'s chunks as a list (after any *written*), and closed."""
    if isinstance(app_iter, list) and not written:
        return app_iter
    try:
        return list(written) + list(app_iter)
    finally:
        if hasattr(app_iter, 'close'):
            app_iter.close()


def _with_length(headers, length):
    """nova's *headers*, in nova's order, saying the new body's length."""
    found = False
    out = []
    for name, value in headers:
        if name.lower() == 'content-length':
            if found:
                continue
            value, found = str(length), True
        out.append((name, value))
    if not found:
        out.append(('Content-Length', str(length)))
    return out


def filter_factory(global_conf, **local_conf):
    """paste.deploy entry point ``egg:host-status-ext#host_status``."""
    def _filter(app):
        return HostStatusFilter(app)
    return _filter
