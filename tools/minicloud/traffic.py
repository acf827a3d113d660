"""Client threads on nova-api, shared by the load run and the fault run.

One request is :func:`fetch` (a status, the decoded body, the time it
took, whatever went wrong); :func:`run_clients` runs client threads until
a deadline; :func:`boot_servers` gives an account its servers on named
hosts. Both runs build their checks on these, so what they count as a
request, an error or a second is the same.
"""

import collections
import threading
import time

import requests

# A request that got no HTTP answer: the status is one of these names.
CONNECTION_ERROR = 'conn'
TIMEOUT = 'timeout'
BAD_JSON = 'bad-json'

Reply = collections.namedtuple('Reply', ['status', 'body', 'start', 'end'])
Reply.__doc__ = """One request: HTTP status (or an error name), JSON body
(None if there was none), and its monotonic start and end."""


def session(token, microversion):
    """A requests session as the token's user, at ``microversion``."""
    http = requests.Session()
    http.headers.update({'X-Auth-Token': token,
                         'OpenStack-API-Version': 'compute ' + microversion})
    return http


def fetch(http, url, timeout=30):
    """GET ``url``; never raises for what the server or the network does."""
    start = time.monotonic()
    try:
        resp = http.get(url, timeout=timeout)
    except requests.Timeout:
        return Reply(TIMEOUT, None, start, time.monotonic())
    except requests.RequestException:
        return Reply(CONNECTION_ERROR, None, start, time.monotonic())
    end = time.monotonic()
    try:
        body = resp.json()
    except ValueError:
        return Reply(resp.status_code if resp.status_code != 200
                     else BAD_JSON, None, start, end)
    return Reply(resp.status_code, body, start, end)


def run_clients(count, work, until):
    """Run ``count`` threads, each calling ``work(index)`` until ``until()``.

    :param work: one client's one iteration; it is called again as soon
        as it returns.
    :param until: checked before each iteration; once true, the threads
        finish what they are doing and end.
    """
    def loop(index):
        while not until():
            work(index)
    threads = [threading.Thread(target=loop, args=(i,), daemon=True)
               for i in range(count)]
    for t in threads:
        t.start()
    return threads


def join(threads, timeout):
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))


def boot_servers(conn, prefix, hosts, image='tiny', flavor='m1.tiny',
                 wait=180):
    """One ACTIVE server per entry of ``hosts`` for ``conn``'s user.

    Named ``<prefix><i>``; a server of that name that exists already is
    kept, so a second run reuses the first one's servers.
    :returns: {server name: host}.
    """
    have = {s.name for s in conn.compute.servers()}
    image_id = conn.image.find_image(image).id
    flavor_id = conn.compute.find_flavor(flavor).id
    made, names = [], {}
    for i, host in enumerate(hosts):
        name = '%s%d' % (prefix, i)
        names[name] = host
        if name not in have:
            made.append(conn.compute.create_server(
                name=name, image_id=image_id, flavor_id=flavor_id,
                networks='none', host=host))
    for server in made:
        conn.compute.wait_for_server(server, wait=wait, interval=1)
    return names
