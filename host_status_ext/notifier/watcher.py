"""Read the nova-compute service records of one cell: host -> reading.

A reading is what the notifier needs of one host: its host_status (the one
precedence function over the record's flags, and nova's servicegroup API
for whether it is up, so the operator's ``servicegroup_driver`` and
``service_down_time`` decide UNKNOWN exactly as they do for the API's
field), the record's flags (to tell whether a notification's payload
agrees with the database), and how long until the servicegroup driver will
call the host down if no heartbeat comes, so that the host is re-read at
that moment instead of on a fixed poll.

Reads run in the calling thread, the cell's own worker
(:mod:`.cell_worker`), never on nova's shared scatter-gather pool: a cell
whose database hangs holds its own worker and nothing else. The cell
mappings handed out here carry a bound for every read of the notifier's
connections to that cell (PyMySQL's ``connect_timeout``, ``read_timeout``
and ``write_timeout``), so that a hung database fails the read instead of
holding the worker for ever.
"""

import collections
import datetime
import time

from nova import context as nova_context
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models
from nova import objects
from nova import servicegroup
from oslo_log import log as logging
from oslo_utils import timeutils
import sqlalchemy as sa

from host_status_ext import lookup
from host_status_ext import status

LOG = logging.getLogger(__name__)

HostReading = collections.namedtuple(
    'HostReading', ['status', 'disabled', 'forced_down', 'down_in'])
HostReading.__doc__ = """One host as read from its cell.

``down_in``: seconds from the read until nova's servicegroup driver calls
the host down if no heartbeat comes meanwhile (its last heartbeat plus
``service_down_time``), for an UP host whose driver tells the time of its
last heartbeat; None otherwise.
"""

# The columns the precedence and nova's servicegroup drivers read (the db
# driver last_seen_up, created_at, updated_at, binary and host; the
# memcache driver topic, host and updated_at), as the API filter reads them.
_COLUMNS = ('host', 'binary', 'topic', 'disabled', 'forced_down',
            'last_seen_up', 'created_at', 'updated_at')
_SERVICE = main_models.Service
_HOSTS_COMPUTE_SERVICES = sa.select(
    *[getattr(_SERVICE, name) for name in _COLUMNS]
).where(
    _SERVICE.binary == lookup.COMPUTE_BINARY,
    _SERVICE.deleted == 0,
    _SERVICE.host.in_(sa.bindparam('hosts', expanding=True)))


def select_hosts_compute_services(context, hosts):
    """The live nova-compute records of *hosts* in *context*'s cell.

    :param hosts: host names; those without a live record are not found.
    :returns: a list of dicts keyed by the record's column names.
    """
    reader = main_db_api.get_context_manager(context).reader
    with reader.connection.using(context) as connection:
        rows = connection.execute(_HOSTS_COMPUTE_SERVICES,
                                  {'hosts': sorted(hosts)}).all()
    return [dict(zip(_COLUMNS, row)) for row in rows]


def bounded(mapping, seconds):
    """A copy of *mapping* whose database connection times out.

    Only for PyMySQL URLs, and only the timeouts (``connect_timeout``,
    ``read_timeout``, ``write_timeout``) the URL does not set itself; any
    other URL is left as the operator wrote it (its driver's own options
    bound it, or nothing does: see the notifier's guide).
    """
    try:
        url = sa.engine.make_url(mapping.database_connection)
    except sa.exc.ArgumentError:
        # NOTE: not a URL at all (nova's test fixtures name their
        # databases): nothing to bound.
        return mapping
    if url.get_driver_name() != 'pymysql':
        return mapping
    query = dict(url.query)
    for key in ('connect_timeout', 'read_timeout', 'write_timeout'):
        query.setdefault(key, str(int(seconds)))
    copy = mapping.obj_clone()
    copy.database_connection = url.update_query_dict(query).render_as_string(
        hide_password=False)
    return copy


def _naive_utc(when):
    if when is None:
        return None
    if isinstance(when, str):
        when = timeutils.parse_isotime(when)
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return when


class CellWatcher(object):
    """Reads the compute hosts of a cell, and the cells there are."""

    def __init__(self, conf, servicegroup_api=None):
        self.conf = conf
        self.servicegroup_api = servicegroup_api or servicegroup.API()
        self._cells = None
        self._cells_read_at = None

    def cells(self, ctxt):
        """Return the non-cell0 CellMappings, re-read now and then.

        Each with its reads bounded by ``cell_timeout``.

        :returns: ``{cell_uuid: CellMapping}``.
        """
        now = time.monotonic()
        opts = self.conf.host_status_notifier
        if (self._cells is None
                or now - self._cells_read_at >= opts.cell_refresh_interval):
            mappings = objects.CellMappingList.get_all(ctxt)
            self._cells = {cm.uuid: bounded(cm, opts.cell_timeout)
                           for cm in mappings if not cm.is_cell0()}
            self._cells_read_at = now
        return self._cells

    def last_heartbeat(self, service):
        """When the servicegroup driver last heard of *service*, or None.

        nova's db driver decides from ``last_seen_up`` (or ``created_at``
        before the first heartbeat); any other driver is asked through the
        servicegroup API's ``get_updated_time``. A driver that cannot say
        (it raises, or returns nothing) gives no deadline: such a host is
        re-read every ``poll_interval`` while it is UP.
        """
        if self.conf.servicegroup_driver == 'db':
            return _naive_utc(service['last_seen_up']
                              or service['created_at'])
        try:
            return _naive_utc(self.servicegroup_api.get_updated_time(
                service))
        except Exception:
            return None

    def reading(self, service, now):
        """The :class:`HostReading` of one record, read at *now* (UTC)."""
        value = lookup.service_host_status(service, self.servicegroup_api)
        down_in = None
        if value == status.UP:
            heartbeat = self.last_heartbeat(service)
            if heartbeat is not None:
                down_in = max(0.0, self.conf.service_down_time - (
                    now - heartbeat).total_seconds())
        return HostReading(value, bool(service['disabled']),
                           bool(service['forced_down']), down_in)

    def read_cell(self, ctxt, mapping):
        """Every live compute host of the cell.

        :returns: ``{host: HostReading}``.
        :raises: whatever the cell's database raises.
        """
        with nova_context.target_cell(ctxt, mapping) as cctxt:
            services = lookup.select_compute_services(cctxt)
        now = timeutils.utcnow(with_timezone=False)
        return {s['host']: self.reading(s, now) for s in services}

    def read_hosts(self, ctxt, mapping, hosts):
        """Some hosts of the cell; a host without a live record is absent.

        :returns: ``{host: HostReading}``.
        :raises: whatever the cell's database raises.
        """
        with nova_context.target_cell(ctxt, mapping) as cctxt:
            services = select_hosts_compute_services(cctxt, hosts)
        now = timeutils.utcnow(with_timezone=False)
        return {s['host']: self.reading(s, now) for s in services}


def changes(expected, readings, hosts=None):
    """The hosts whose host_status differs from what was last sent.

    :param expected: ``{host: status}`` last sent (or being sent).
    :param readings: ``{host: HostReading}`` just read.
    :param hosts: the hosts that were read; None for the whole cell. A host
        read but not found has status ``''`` (its record is gone).
    :returns: a sorted list of ``(host, old_status, new_status)``.
    """
    if hosts is None:
        hosts = set(expected) | set(readings)
    found = []
    for host in sorted(hosts):
        old = expected.get(host, status.NONE)
        reading = readings.get(host)
        new = reading.status if reading is not None else status.NONE
        if old != new:
            found.append((host, old, new))
    return found
