"""The steps the demo shows and the e2e tests assert, in one place.

Runs in the venv (openstacksdk). Operator actions go through the admin's
connection; nothing here decides what a result should be.
"""

import time

from tools.minicloud import cloud
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import seed

BOOT_TIMEOUT = 120


def compute_service(admin, host):
    for svc in admin.compute.services(binary='nova-compute', host=host):
        return svc
    raise LookupError('no nova-compute service on %s' % host)


def put_service(admin, admin_s, host, body):
    """``PUT /v2.1/os-services/{id}`` at 2.53, as the raw API call.

    openstacksdk's service calls make further requests around the PUT, so
    they return well after nova has written the change; timing a change
    from this call's return is timing it from nova's answer.

    :param body: e.g. ``{"forced_down": true}`` or ``{"status":
        "disabled", "disabled_reason": "..."}``.
    :returns: ``time.monotonic()`` when the PUT returned.
    """
    svc = compute_service(admin, host)
    admin_s.put(layout.COMPUTE_URL + '/os-services/%s' % svc.id, json=body,
                headers={'OpenStack-API-Version': 'compute 2.53'},
                raise_exc=True)
    return time.monotonic()


def set_forced_down(admin, host, down):
    svc = compute_service(admin, host)
    admin.compute.update_service_forced_down(svc, host, 'nova-compute',
                                             forced=down)


def set_disabled(admin, host, disabled, reason='minicloud maintenance'):
    svc = compute_service(admin, host)
    if disabled:
        admin.compute.disable_service(svc, host, 'nova-compute',
                                      disabled_reason=reason)
    else:
        admin.compute.enable_service(svc, host, 'nova-compute')


def heal(admin):
    """Every compute enabled, not forced down, and its process running."""
    for host in layout.COMPUTE_HOSTS:
        svc = compute_service(admin, host)
        if svc.is_forced_down:
            set_forced_down(admin, host, False)
        if svc.status == 'disabled':
            set_disabled(admin, host, False)
        cloud.start_compute(host)


def stop_compute(host):
    """Kill the host's nova-compute with SIGKILL, as a crash would.

    No more heartbeats: nova's servicegroup calls the service down once
    its last one is older than service_down_time.
    """
    return cloud.stop_compute(host)


def start_compute(host):
    return cloud.start_compute(host)


def compute_running(host):
    return procs.pid('nova-compute@' + host) is not None


def room_for(admin, owner, servers):
    """Raise the owner's compute quotas so that *servers* more fit.

    The seed gives each project room for 100 servers; a benchmark's host
    of hundreds needs more, beside the servers the e2e tests and the demo
    leave.
    """
    admin.set_compute_quotas(owner.current_project_id,
                             instances=servers + 100,
                             cores=2 * servers + 200,
                             ram=64 * (servers + 100) * 2)


def boot(owner, name, host):
    """Boot one server for the owner on ``host``; wait for ACTIVE."""
    image = owner.image.find_image(seed.IMAGE)
    flavor = owner.compute.find_flavor(seed.FLAVOR)
    server = owner.compute.create_server(
        name=name, image_id=image.id, flavor_id=flavor.id,
        networks='none', host=host)
    return owner.compute.wait_for_server(server, wait=BOOT_TIMEOUT,
                                         interval=1)


def delete_named(conn, prefix, wait=60):
    """Delete the caller's servers whose name starts with ``prefix``."""
    doomed = [s for s in conn.compute.servers() if s.name.startswith(prefix)]
    for s in doomed:
        conn.compute.delete_server(s, ignore_missing=True)
    deadline = time.monotonic() + wait
    for s in doomed:
        left = max(1, int(deadline - time.monotonic()))
        conn.compute.wait_for_delete(s, wait=left, interval=1)
