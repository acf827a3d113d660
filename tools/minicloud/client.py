"""Connections to the mini-cloud as its accounts (runs inside the venv).

openstacksdk for set-up, and a raw keystoneauth session for the reads the
demo times and the tests check, so that what is measured is nova-api's
answer, not a client library's caching.
"""

import os
import time

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
import openstack

from tools.minicloud import layout

MICROVERSION = '2.16'


def auth_args(account):
    user, project, _ = account
    return dict(auth_url=layout.KEYSTONE_URL, username=user,
                password=layout.PASSWORD, project_name=project,
                user_domain_name='Default', project_domain_name='Default')


def connect(account):
    """openstacksdk at the newest microversions both sides know.

    Set-up needs them (``networks='none'`` is 2.37, ``host`` is 2.74);
    host_status is read through :func:`session` at exactly 2.16.
    """
    return openstack.connect(region_name=layout.REGION, **auth_args(account))


def session(account):
    return ks_session.Session(auth=v3.Password(**auth_args(account)))


def get_servers(sess, detail=True, server_id=None):
    """GET /servers[/detail|/{id}] at 2.16; returns the list of servers."""
    if server_id:
        path = '/servers/%s' % server_id
    else:
        path = '/servers/detail' if detail else '/servers'
    resp = sess.get(layout.COMPUTE_URL + path,
                    headers={'OpenStack-API-Version':
                             'compute %s' % MICROVERSION},
                    raise_exc=True)
    body = resp.json()
    return [body['server']] if server_id else body['servers']


def host_status_of(sess, server_id):
    """host_status of one server as the caller sees it (None if absent)."""
    return get_servers(sess, server_id=server_id)[0].get('host_status')


def poll(fn, want, timeout, interval=0.05):
    """Call ``fn`` every ``interval`` s until it returns ``want``.

    :returns: seconds until it did, from the call of ``poll``.
    :raises TimeoutError: after ``timeout`` s, with the last value seen.
    """
    start = time.monotonic()
    last = None
    while time.monotonic() - start < timeout:
        last = fn()
        if last == want:
            return time.monotonic() - start
        time.sleep(interval)
    raise TimeoutError('wanted %r, still %r after %.1f s'
                       % (want, last, timeout))


def cli_env(account):
    """Environment for the ``openstack`` CLI as ``account``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('OS_')}
    env.update(layout.openrc(account))
    return env
