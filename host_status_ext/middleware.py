"""The paste filter that adds host_status to nova's server views.

It sits in nova's api-paste.ini right after ``keystonecontext``, so that
``environ['nova.context']`` holds the caller's context when the response of
nova's compute API comes back through it. Its data path goes one way:
nova's response -> is it ours (path, method, status, microversion) -> the
policy gate -> one lookup per cell of the listed servers' hosts' compute
services -> the precedence function once per host -> the body written once.

Whatever goes wrong in the filter's own work, nova's response goes out as
nova made it: the filter never turns a success into an error.
"""

import orjson
from oslo_config import cfg
from oslo_log import log as logging
import webob

from host_status_ext import authorization
from host_status_ext import conf as hse_conf
from host_status_ext import lookup
from host_status_ext import routes
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
        except Exception:
            LOG.warning('host_status: could not classify %s %s; passing it '
                        'through.', request.method, request.path,
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
            try:
                chunks = written + list(app_iter)
            finally:
                if hasattr(app_iter, 'close'):
                    app_iter.close()
            app_iter = chunks
        status, headers, exc_info = started
        if exc_info is not None:
            start_response(status, headers, exc_info)
            return app_iter
        response = webob.Response(status=status, headerlist=headers,
                                  app_iter=app_iter)
        try:
            body = self._body_with_host_status(request, kind, response)
        except Exception:
            LOG.warning('host_status: could not add host_status to %s %s; '
                        'returning nova\'s response unchanged.',
                        request.method, request.path, exc_info=True)
            body = None
        if body is not None:
            response.body = body
        return response(environ, start_response)

    def _body_with_host_status(self, request, kind, response):
        """The new body of *response*, or None to leave it as it is."""
        if not routes.wants_host_status(kind, response):
            return None
        context = request.environ.get(CONTEXT_KEY)
        if context is None:
            LOG.warning('host_status: no %s in the request; is the filter '
                        'placed after keystonecontext?', CONTEXT_KEY)
            return None

        # One policy decision per response, as nova's view makes it: for a
        # listing against the caller's project, before the body is even
        # read; for one server against the server's.
        if kind is routes.Kind.DETAIL:
            visibility = self._gate.visibility(context)
            if visibility is authorization.Visibility.NONE:
                return None
            document = orjson.loads(response.body)
            servers = document['servers']
        else:
            document = orjson.loads(response.body)
            servers = [document['server']]
            visibility = self._gate.visibility(
                context, project_id=servers[0]['tenant_id'])
            if visibility is authorization.Visibility.NONE:
                return None

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


def filter_factory(global_conf, **local_conf):
    """paste.deploy entry point ``egg:host-status-ext#host_status``."""
    def _filter(app):
        return HostStatusFilter(app)
    return _filter
