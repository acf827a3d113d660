"""Write host_status into nova's server views, one server dict at a time.

Pure functions on the decoded body: what a server's host_status is, given
the statuses of the hosts, and how the field is written so that the caller
sees exactly what the policy allows and nothing else of the server changes.
"""

from host_status_ext import status

DELETED = 'DELETED'
FIELD = 'host_status'


def needs_host(server):
    """Whether *server* can only be resolved by looking up its host."""
    return (bool(server.get('hostId'))
            and server.get('status') != DELETED)


def host_key(server):
    """What two servers on the same host in the same project share.

    nova's ``hostId`` is a hash of the server's project and host: servers of
    one project with the same ``hostId`` are on the same host.
    """
    return server.get('tenant_id'), server['hostId']


def representatives(servers):
    """One server of each host and project: ``{host_key: server uuid}``.

    Only these need a lookup; the others share their host's status. A
    listing of 1000 servers on 100 hosts of one project asks the cells
    about 100 servers, not 1000.
    """
    found = {}
    for server in servers:
        if needs_host(server):
            found.setdefault(host_key(server), server['id'])
    return found


def resolve(server, server_statuses, representative_of):
    """The host_status of one server view, or None if it cannot be known.

    :param server_statuses: a :class:`host_status_ext.lookup.ServerStatuses`
        of the representatives; None when no server of the response needed
        a lookup.
    :param representative_of: :func:`representatives` of the response.
    """
    if 'hostId' not in server:
        # A down cell's partial record (microversion >= 2.69): nova knows
        # nothing of the server's host, and neither does the filter.
        return None
    if not needs_host(server):
        # No host, or a deleted server: nova's own view says "" there too.
        return status.NONE
    value = server_statuses.by_server.get(
        representative_of[host_key(server)])
    if value is not None:
        return value
    if server_statuses.complete:
        # Every cell answered, and none has a live compute service on the
        # server's host.
        return status.NONE
    return None


def write(server, value, visibility):
    """Set (or withhold) host_status on *server*; True if it changed.

    The filter owns the field: a value nova computed itself is replaced by
    the filter's (they differ only where the specification's precedence
    does), kept in place in the dict, and removed where the caller may not
    see the filter's value.
    """
    if value is None:
        return False
    if visibility.allows(value):
        if server.get(FIELD) == value:
            return False
        server[FIELD] = value
        return True
    if FIELD in server:
        del server[FIELD]
        return True
    return False
