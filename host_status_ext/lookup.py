"""Compute services of the cells -> the host_status of each compute host.

At most one query per cell per request, whatever the number of servers or
hosts: for a listing the filter asks every cell (in parallel, through nova's
scatter-gather) for all of its nova-compute service records; for a single
server, only the cell nova read it from. Each host's status is computed once.
It does not look up the servers' hosts at all: every server view already
carries ``hostId``, nova's hash of the server's project and host, from which
:mod:`host_status_ext.hostid` recovers the host among the known ones.
"""

import collections

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


@main_db_api.pick_context_manager_reader
def select_compute_services(context):
    """The live nova-compute records of *context*'s cell, as plain dicts.

    Shared by the API filter and the notifier, so both read a host's service
    the same way. Plain rows, not ORM objects: building a Service model per
    row was most of the lookup's cost on a cell with many hosts.
    """
    return [dict(zip(_SERVICE_COLUMNS, row))
            for row in context.session.execute(_COMPUTE_SERVICES)]


HostStatuses = collections.namedtuple('HostStatuses', ['by_host', 'complete'])
HostStatuses.__doc__ = """The status of every compute host nova knows of.

``by_host`` maps a host name to its host_status. ``complete`` is False when a
cell did not answer or failed: a host missing from ``by_host`` may then be in
that cell, so its servers must get no host_status at all rather than "".
"""


class HostStatusLookup(object):
    """Resolves the host_status of every compute host, per request."""

    def __init__(self, servicegroup_api=None):
        # servicegroup.API() loads the driver the operator configured
        # (``[DEFAULT] servicegroup_driver``): build it once, not per request.
        self._servicegroup_api = servicegroup_api or servicegroup.API()

    def _compute_services(self, cell_context):
        """All non-deleted nova-compute service records of one cell."""
        return select_compute_services(cell_context)

    def _ask_one_cell(self, context, cell):
        """Ask the one cell nova has just read a server from, in this thread.

        As nova's own view reads that server's services: no hand-off to
        scatter-gather's worker threads, which costs more than the query on
        a busy API. A failure is reported as scatter-gather reports one.
        """
        try:
            with nova_context.target_cell(context, cell) as cell_context:
                return {cell.uuid: self._compute_services(cell_context)}
        except Exception as error:
            return {cell.uuid: error}

    def _state(self, service):
        return status.ServiceState(
            disabled=bool(service['disabled']),
            forced_down=bool(service['forced_down']),
            is_up=self._servicegroup_api.service_is_up(service))

    def __call__(self, context, timeout, cell_uuid=None):
        """Return the :class:`HostStatuses` of the cells asked.

        :param context: the request's nova context.
        :param timeout: seconds to wait for the cells, when asking several.
        :param cell_uuid: the one cell to ask, when the response is of one
            server whose cell nova has named; otherwise (or if that cell is
            not known) every cell but cell0.
        """
        nova_context.load_cells()
        cells = [cell for cell in nova_context.CELLS if not cell.is_cell0()]
        own_cell = [cell for cell in cells if cell.uuid == cell_uuid]
        if own_cell:
            results = self._ask_one_cell(context, own_cell[0])
        else:
            results = nova_context.scatter_gather_cells(
                context, cells, timeout, self._compute_services)

        by_host = {}
        complete = True
        for cell_uuid, services in results.items():
            if nova_context.is_cell_failure_sentinel(services):
                LOG.warning('Cell %s did not return its compute services; '
                            'its servers get no host_status.', cell_uuid)
                complete = False
                continue
            for service in services:
                by_host.setdefault(service['host'],
                                   status.host_status(self._state(service)))
        return HostStatuses(by_host, complete)
