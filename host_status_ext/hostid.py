"""Recover a server's compute host from the ``hostId`` of its view.

Every server view carries ``hostId`` = sha224(project_id + host) and
``tenant_id``. Hashing each known compute host once per project present in a
response maps every ``hostId`` back to its host without a query per server,
and without revealing anything: the host name never leaves the filter.
"""

from nova import utils


class HostIdIndex(object):
    """Maps (project, hostId) to host, among a given set of host names."""

    def __init__(self, hosts):
        self._hosts = tuple(hosts)
        self._by_project = {}

    def host(self, project_id, host_id):
        """Return the host of *host_id* in *project_id*, or None."""
        hosts_by_id = self._by_project.get(project_id)
        if hosts_by_id is None:
            hosts_by_id = {utils.generate_hostid(host, project_id): host
                           for host in self._hosts}
            self._by_project[project_id] = hosts_by_id
        return hosts_by_id.get(host_id)
