"""Servers as Horizon holds them, built from nova's JSON."""

import uuid

from novaclient.v2 import servers as nova_servers
from openstack_dashboard.api import nova as api_nova

ABSENT = object()


def server(host_status=ABSENT, status='ACTIVE', **fields):
    """Horizon's ``api.nova.Server`` of a server nova answered with.

    :param host_status: the field's value; ``ABSENT`` leaves it out, as
        nova does where its policy hides it.
    """
    body = {'id': str(uuid.uuid4()), 'name': 'vm', 'status': status,
            'tenant_id': 'demo', 'OS-EXT-STS:task_state': None}
    if host_status is not ABSENT:
        body['host_status'] = host_status
    body.update(fields)
    resource = nova_servers.Server(None, body, loaded=True)
    return api_nova.Server(resource, request=None)
