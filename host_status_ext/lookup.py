"""Compute services of the cells -> the host_status of each compute host.

At most one query per cell per request, whatever the number of servers or
hosts. For a listing the filter asks every cell (in parallel, through nova's
scatter-gather) for all of its nova-compute service records, and computes
each host's status once; it does not look up the servers' hosts at all:
every server view already carries ``hostId``, nova's hash of the server's
project and host, from which :mod:`host_status_ext.hostid` recovers the host
among the known ones. For a single server, it asks only the cell nova read
the server from, and only for the record of that server's host, as nova's
own view joins it to the instance.
"""

import collections
import collections.abc

from nova import context as nova_context
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models
from nova import servicegroup
from oslo_log import log as logging
import sqlalchemy as sa

from host_status_ext import status

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'nova-compute'

# What the precedence and nova's servicegroup drivers read of a service
# record: the db driver reads last_seen_up, created_at, updated_at, binary
# and host; the memcache driver topic, host and updated_at.
_SERVICE_COLUMNS = ('host', 'binary', 'topic', 'disabled', 'forced_down',
                    'last_seen_up', 'created_at', 'updated_at')
_COMPUTE_SERVICES = sa.select(
    *[getattr(main_models.Service, name) for name in _SERVICE_COLUMNS]
).where(main_models.Service.binary == COMPUTE_BINARY,
        main_models.Service.deleted == 0)


# The one server's host's record, joined as nova's Instance.services is:
# on the instance's host, nova-compute only.
_SERVER_COMPUTE_SERVICE = _COMPUTE_SERVICES.join_from(
    main_models.Service, main_models.Instance,
    main_models.Instance.host == main_models.Service.host,
).where(main_models.Instance.uuid == sa.bindparam('server_uuid'))


def _rows(context, statement, **parameters):
    """Rows of *statement* in *context*'s cell database, as plain dicts.

    Plain rows on a reader connection, not ORM objects in a session:
    building a Service model per row was most of the lookup's cost on a cell
    with many hosts, and an ORM session around one read costs about as much
    as the read.
    """
    reader = main_db_api.get_context_manager(context).reader
    with reader.connection.using(context) as connection:
        return [dict(zip(_SERVICE_COLUMNS, row))
                for row in connection.execute(statement, parameters)]


def select_compute_services(context):
    """The live nova-compute records of *context*'s cell, as plain dicts.

    Shared by the API filter and the notifier, so both read a host's service
    the same way.
    """
    return _rows(context, _COMPUTE_SERVICES)


def select_server_compute_service(context, server_uuid):
    """The live nova-compute record of the host of one server, or None."""
    rows = _rows(context, _SERVER_COMPUTE_SERVICE, server_uuid=server_uuid)
    return rows[0] if rows else None


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


HostStatuses = collections.namedtuple('HostStatuses', ['by_host', 'complete'])
HostStatuses.__doc__ = """The status of every compute host nova knows of.

``by_host`` maps a host name to its host_status. ``complete`` is False when a
cell did not answer or failed: a host missing from ``by_host`` may then be in
that cell, so its servers must get no host_status at all rather than "".
"""


class _StatusByHost(collections.abc.Mapping):
    """host -> host_status, each computed on first use, once.

    A listing of ten servers on a cell of a hundred hosts needs the status
    of ten hosts at most; asking the servicegroup driver about the other
    ninety was most of the filter's own time there.
    """

    def __init__(self, services_by_host, status_of):
        self._services = services_by_host
        self._status_of = status_of
        self._statuses = {}

    def __getitem__(self, host):
        try:
            return self._statuses[host]
        except KeyError:
            value = self._status_of(self._services[host])
            self._statuses[host] = value
            return value

    def __contains__(self, host):
        # Mapping's own would compute the status to answer.
        return host in self._services

    def __iter__(self):
        return iter(self._services)

    def __len__(self):
        return len(self._services)


class HostStatusLookup(object):
    """Resolves the host_status of every compute host, per request."""

    def __init__(self, servicegroup_api=None):
        # servicegroup.API() loads the driver the operator configured
        # (``[DEFAULT] servicegroup_driver``): build it once, not per request.
        self._servicegroup_api = servicegroup_api or servicegroup.API()

    def _compute_services(self, cell_context):
        # A method, as nova's own callers of scatter_gather_cells pass
        # (nova's DownCellFixture, which stands in for it, expects one).
        return select_compute_services(cell_context)

    def _status(self, service):
        return service_host_status(service, self._servicegroup_api)

    def __call__(self, context, timeout):
        """Return the :class:`HostStatuses` of every cell but cell0.

        :param context: the request's nova context.
        :param timeout: seconds to wait for the cells.
        """
        nova_context.load_cells()
        cells = [cell for cell in nova_context.CELLS if not cell.is_cell0()]
        results = nova_context.scatter_gather_cells(
            context, cells, timeout, self._compute_services)

        services_by_host = {}
        complete = True
        for cell_uuid, services in results.items():
            if nova_context.is_cell_failure_sentinel(services):
                LOG.warning('Cell %s did not return its compute services; '
                            'its servers get no host_status.', cell_uuid)
                complete = False
                continue
            for service in services:
                services_by_host.setdefault(service['host'], service)
        return HostStatuses(_StatusByHost(services_by_host, self._status),
                            complete)

    def of_server(self, cell_context, server_uuid):
        """The host_status of one server, read from its own cell.

        :param cell_context: a context targeted at the server's cell. nova's
            compute API leaves the request context so after reading a server
            ("other code depends on this being force targeted when the get
            call returns", nova.compute.api), so the record is read in the
            request thread, from the cell nova read the server from, as
            nova's own view reads it: no hand-off to scatter-gather's worker
            threads, which costs more than the query on a busy API.
        :returns: its host's host_status; "" if that host has no live
            nova-compute record.
        """
        service = select_server_compute_service(cell_context, server_uuid)
        if service is None:
            return status.NONE
        return self._status(service)
