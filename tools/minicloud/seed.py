"""Accounts, catalog, flavor and image of the mini-cloud (runs in the venv).

``python -m tools.minicloud.seed identity`` once keystone answers,
``python -m tools.minicloud.seed resources`` once all APIs answer. Every
step finds before it creates, so ``up`` can run it again.
"""

import io
import sys

from tools.minicloud import client
from tools.minicloud import layout

ENDPOINTS = {  # service type -> (name, URL)
    'compute': ('nova', layout.COMPUTE_URL),
    'image': ('glance', 'http://%s:9292' % layout.HOST),
    'placement': ('placement', 'http://%s:8778' % layout.HOST),
    'network': ('neutron', 'http://%s:9696' % layout.HOST),
    'alarming': ('aodh', layout.AODH_URL),
}
FLAVOR = 'm1.tiny'
IMAGE = 'tiny'


def _role(conn, name):
    return conn.identity.find_role(name) or conn.identity.create_role(
        name=name)


def _project(conn, name):
    return conn.identity.find_project(name, domain_id='default') or \
        conn.identity.create_project(name=name, domain_id='default')


def _user(conn, name, project, role):
    user = conn.identity.find_user(name, domain_id='default') or \
        conn.identity.create_user(name=name, domain_id='default',
                                  password=layout.PASSWORD,
                                  default_project_id=project.id)
    conn.identity.assign_project_role_to_user(project, user, role)
    return user


def identity():
    conn = client.connect(layout.ADMIN)
    admin, member = _role(conn, 'admin'), _role(conn, 'member')
    service_role = _role(conn, 'service')
    service = _project(conn, 'service')
    for name in layout.SERVICE_USERS:
        user = _user(conn, name, service, admin)
        conn.identity.assign_project_role_to_user(service, user,
                                                  service_role)
    for user, project, _ in (layout.OWNER, layout.STRANGER):
        _user(conn, user, _project(conn, project), member)
    for stype, (name, url) in ENDPOINTS.items():
        svc = conn.identity.find_service(name) or \
            conn.identity.create_service(name=name, type=stype)
        have = {e.interface for e in conn.identity.endpoints(
            service_id=svc.id)}
        for interface in ('public', 'internal', 'admin'):
            if interface not in have:
                conn.identity.create_endpoint(
                    service_id=svc.id, interface=interface, url=url,
                    region_id=layout.REGION)


def resources():
    conn = client.connect(layout.ADMIN)
    if not conn.compute.find_flavor(FLAVOR):
        conn.compute.create_flavor(name=FLAVOR, ram=64, vcpus=1, disk=1,
                                   is_public=True)
    if not conn.image.find_image(IMAGE):
        conn.image.create_image(
            name=IMAGE, disk_format='raw', container_format='bare',
            visibility='public', data=io.BytesIO(b'\0' * 1024))
    # The demo, the tests and the load run each boot their own servers.
    for user, project, _ in (layout.OWNER, layout.STRANGER):
        conn.set_compute_quotas(project, instances=100, cores=200,
                                ram=100 * 1024)
    # NOTE: right after neutron starts, GET /v2.0/ports fails until another
    # query has run; nova-api lists ports when it shows servers.
    list(conn.network.networks())
    list(conn.network.ports())


if __name__ == '__main__':
    {'identity': identity, 'resources': resources}[sys.argv[1]]()
