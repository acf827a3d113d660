"""Servers -> their hosts' compute services -> host_status, batched per cell.

At most one query per cell per request, whatever the number of servers,
hosts or projects. The query is the one nova's own view makes to show the
field: the instances, by uuid, joined to the live nova-compute record of
their host (as nova's ``Instance.services`` is joined). A listing asks every
cell but cell0, in parallel through nova's scatter-gather, for the servers
of the response only; one server (show, update, rebuild) asks only the cell
nova read it from. The status of each host is computed once per request.
The host name never leaves the filter: it is read, used and dropped here.
"""

import collections

from nova import context as nova_context
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models
from nova import servicegroup
from oslo_log import log as logging
import sqlalchemy as sa

from host_status_ext import episodes
from host_status_ext import status

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'nova-compute'

# What the precedence and nova's servicegroup drivers read of a service
# record: the db driver reads last_seen_up, created_at, updated_at, binary
# and host; the memcache driver topic, host and updated_at.
_SERVICE_COLUMNS = ('host', 'binary', 'topic', 'disabled', 'forced_down',
                    'last_seen_up', 'created_at', 'updated_at')
_SERVICE = [getattr(main_models.Service, name) for name in _SERVICE_COLUMNS]
_LIVE_COMPUTE = (main_models.Service.binary == COMPUTE_BINARY,
                 main_models.Service.deleted == 0)

_COMPUTE_SERVICES = sa.select(*_SERVICE).where(*_LIVE_COMPUTE)

# The servers of the cell, each with its host's record, joined as nova's
# Instance.services is: on the instance's host, nova-compute only. One row
# per server the cell holds; the record's columns are NULL where its host
# has no live nova-compute record, so that a server the cell does not hold
# (no row) is told apart from one without a record there ("").
_SERVERS_COMPUTE_SERVICES = sa.select(
    main_models.Instance.uuid, *_SERVICE
).outerjoin_from(
    main_models.Instance, main_models.Service,
    sa.and_(main_models.Instance.host == main_models.Service.host,
            *_LIVE_COMPUTE),
).where(
    main_models.Instance.uuid.in_(
        sa.bindparam('server_uuids', expanding=True)))

# NOTE: each uuid is one bound parameter; SQLite takes at most 32766 per
# statement, PostgreSQL 65535. nova's [api] max_limit (1000 by default)
# caps a page far below this; only a page larger than this costs a second
# query in a cell.
UUIDS_PER_QUERY = 10000


def _execute(context, statement, **parameters):
    """Rows of *statement* in *context*'s cell database, as tuples.

    Plain rows on a reader connection, not ORM objects in a session:
    building a model object per row was most of the lookup's cost on a cell
    with many hosts, and an ORM session around one read costs about as much
    as the read.
    """
    reader = main_db_api.get_context_manager(context).reader
    with reader.connection.using(context) as connection:
        return connection.execute(statement, parameters).all()


def _rows(context, statement, **parameters):
    """Rows of *statement* whose columns are :data:`_SERVICE_COLUMNS`."""
    return [dict(zip(_SERVICE_COLUMNS, row))
            for row in _execute(context, statement, **parameters)]


def select_compute_services(context):
    """The live nova-compute records of *context*'s cell, as plain dicts.

    What the notifier polls: it watches every host of the cell.
    """
    return _rows(context, _COMPUTE_SERVICES)


def select_servers_compute_services(context, server_uuids):
    """Each server's host's live nova-compute record, in *context*'s cell.

    :param server_uuids: a list of instance uuids; those of other cells
        are simply not found.
    :returns: a list of ``(server_uuid, row)``, one per server of the cell,
        where *row* is a tuple of :data:`_SERVICE_COLUMNS`, host first, or
        None when the server's host has no live nova-compute record.
    """
    found = []
    for start in range(0, len(server_uuids), UUIDS_PER_QUERY):
        for row in _execute(context, _SERVERS_COMPUTE_SERVICES,
                            server_uuids=server_uuids[
                                start:start + UUIDS_PER_QUERY]):
            found.append((row[0], row[1:] if row[1] is not None else None))
    return found


def service_host_status(service, servicegroup_api):
    """The host_status of a host whose nova-compute record is *service*.

    One place for the filter and the notifier: the precedence over the
    record's flags, and nova's servicegroup driver (the operator's
    ``servicegroup_driver`` and ``service_down_time``) for whether it is up.
    """
    return status.host_status(status.ServiceState(
        disabled=bool(service['disabled']),
        forced_down=bool(service['forced_down']),
        is_up=servicegroup_api.service_is_up(service)))


ServerStatuses = collections.namedtuple('ServerStatuses',
                                        ['by_server', 'complete'])
ServerStatuses.__doc__ = """The host_status of the servers asked about.

``by_server`` maps a server uuid to its host_status, for the servers found
in a cell ("" where its host has no live nova-compute record). ``complete``
is False when a server missing from ``by_server`` may be in a cell that
was not read (one that did not answer or failed, or only one cell was
asked): it must then get no host_status at all rather than "".
"""


class HostStatusLookup(object):
    """Resolves the host_status of servers' hosts, per request."""

    def __init__(self, servicegroup_api=None):
        # servicegroup.API() loads the driver the operator configured
        # (``[DEFAULT] servicegroup_driver``): build it once, not per request.
        self._servicegroup_api = servicegroup_api or servicegroup.API()
        self._cell_failures = episodes.Episodes(
            LOG, "Cell %s's compute services for host_status (its servers "
                 "get no host_status meanwhile)")

    def _servers_compute_services(self, cell_context, server_uuids):
        # A method, as nova's own callers of scatter_gather_cells pass
        # (nova's DownCellFixture, which stands in for it, expects one).
        return select_servers_compute_services(cell_context, server_uuids)

    def _statuses(self, found, by_server, by_host):
        """Add the host_status of each of *found* to *by_server*.

        Each host's status is computed once (*by_host*), however many of the
        servers are on it.
        """
        for server_uuid, row in found:
            if row is None:
                by_server[server_uuid] = status.NONE
                continue
            host = row[0]
            value = by_host.get(host)
            if value is None:
                value = service_host_status(dict(zip(_SERVICE_COLUMNS, row)),
                                            self._servicegroup_api)
                by_host[host] = value
            by_server[server_uuid] = value

    def __call__(self, context, server_uuids, timeout):
        """The :class:`ServerStatuses` of *server_uuids*, from every cell.

        :param context: the request's nova context.
        :param server_uuids: the servers to resolve, as a list.
        :param timeout: seconds to wait for the cells.
        """
        nova_context.load_cells()
        cells = [cell for cell in nova_context.CELLS if not cell.is_cell0()]
        results = nova_context.scatter_gather_cells(
            context, cells, timeout, self._servers_compute_services,
            server_uuids)

        by_server = {}
        by_host = {}
        complete = True
        for cell_uuid, found in results.items():
            if nova_context.is_cell_failure_sentinel(found):
                self._cell_failures[cell_uuid].failed(
                    'no answer within %d s' % timeout
                    if found is nova_context.did_not_respond_sentinel
                    else repr(found))
                complete = False
                continue
            self._cell_failures.succeeded(cell_uuid)
            self._statuses(found, by_server, by_host)
        return ServerStatuses(by_server, complete)

    def in_cell(self, cell_context, server_uuids):
        """The :class:`ServerStatuses` of servers in one known cell.

        :param cell_context: a context targeted at the servers' cell. nova's
            compute API leaves the request context so after reading a server
            ("other code depends on this being force targeted when the get
            call returns", nova.compute.api), so the record is read in the
            request thread, from the cell nova read the server from, as
            nova's own view reads it: no hand-off to scatter-gather's worker
            threads, which costs more than the query on a busy API.

        Should the context be targeted at another cell than a server's, the
        server is not found there and gets no host_status at all (never
        ""): the answer is not ``complete``.
        """
        by_server = {}
        self._statuses(
            select_servers_compute_services(cell_context, server_uuids),
            by_server, {})
        return ServerStatuses(by_server, False)
