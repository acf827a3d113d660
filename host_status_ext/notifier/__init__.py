"""host-status-notifier: push host_status changes to the servers' owners.

The service polls the nova-compute service records of every cell, computes
each host's host_status with :func:`host_status_ext.status.host_status` and
nova's servicegroup API, and emits one versioned notification per server on a
host whose host_status changed. See :mod:`.manager` for the loop.
"""
