"""A stand-in for the owner's application: it records every POST it gets.

``python -m tools.minicloud.webhook --port 8099`` (the launcher runs it as
``owner-webhook`` on 127.0.0.1) answers every POST with 200 and keeps it:
its path, its arrival time, its request id and its JSON body. An alarm
action such as ``http://127.0.0.1:8099/<anything>`` lands here; the path
is the caller's own label (the demo and the tests give each alarm one).

``GET /posts?since=N`` returns the POSTs from the N-th on, as JSON; the
functions below read it. Arrival times are both the wall clock
(``time.time()``) and ``time.monotonic()``: the latter is CLOCK_MONOTONIC,
shared by every process of the machine, so a test or a benchmark can
subtract its own ``time.monotonic()`` from it.

Standard library only, so that it runs with any Python.
"""

import argparse
import http.server
import json
import sys
import threading
import time
import urllib.parse
import urllib.request

from tools.minicloud import layout

_posts = []
_lock = threading.Lock()


class _Handler(http.server.BaseHTTPRequestHandler):

    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        arrived = time.time(), time.monotonic()
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode('utf-8', 'replace')
        with _lock:
            _posts.append({
                'path': self.path, 'received': arrived[0],
                'received_monotonic': arrived[1],
                'request_id': self.headers.get('x-openstack-request-id'),
                'body': body})
            index = len(_posts) - 1
        self._answer(200, {'recorded': index})
        print('%.6f POST %s #%d' % (arrived[0], self.path, index),
              flush=True)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != '/posts':
            return self._answer(200, {'webhook': 'ok'})
        since = int(urllib.parse.parse_qs(url.query).get('since', ['0'])[0])
        with _lock:
            posts, count = _posts[since:], len(_posts)
        self._answer(200, {'since': since, 'count': count, 'posts': posts})

    def _answer(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    # NOTE: socketserver's listen backlog is 5. aodh-notifier POSTs the
    # callbacks of a 50-server host at once; with a backlog of 5 the
    # kernel reset a dozen connections, and aodh, which never retries
    # (rest_notifier_max_retries = 0), dropped those callbacks.
    request_queue_size = 256
    daemon_threads = True


def serve(port):
    server = _Server((layout.HOST, port), _Handler)
    print('owner webhook on http://%s:%d/' % (layout.HOST, port),
          flush=True)
    server.serve_forever()


# -- client side: what the demo, the tests and the benchmark call --------

def url(label):
    """The URL to give an alarm as its action; *label* is its path."""
    return '%s/%s' % (layout.WEBHOOK_URL, label.strip('/'))


def _get(since, timeout=5):
    with urllib.request.urlopen('%s/posts?since=%d' % (
            layout.WEBHOOK_URL, since), timeout=timeout) as r:
        return json.load(r)


def posts(since=0, label=None):
    """The POSTs received from position *since* on (optionally one label's).

    Each is a dict with ``index`` (its position), ``path``, ``received``,
    ``received_monotonic``, ``request_id`` and ``body``.
    """
    doc = _get(since)
    out = []
    for i, post in enumerate(doc['posts'], start=since):
        post['index'] = i
        if label is None or post['path'] == '/' + label.strip('/'):
            out.append(post)
    return out


def mark():
    """The position of the next POST, for :func:`posts` and :func:`wait`."""
    return _get(1 << 62)['count']


def wait(match, since=0, count=1, timeout=30, interval=0.02):
    """Wait until *count* POSTs after *since* satisfy *match*; return them.

    It asks only for the number of POSTs until there are new ones, and
    reads each POST once, so that waiting costs the machine little while
    a benchmark runs beside it (the arrival times are the webhook's own).

    :param match: a function of a post (see :func:`posts`).
    :raises TimeoutError: after *timeout* s, saying what did arrive.
    """
    deadline = time.monotonic() + timeout
    got, read, paths = [], since, []
    while True:
        if mark() > read:
            new = posts(read)
            read += len(new)
            paths.extend(p['path'] for p in new)
            got.extend(p for p in new if match(p))
            if len(got) >= count:
                return got[:count]
        if time.monotonic() > deadline:
            raise TimeoutError('%d of %d POST(s) after %.0f s; received: %s'
                               % (len(got), count, timeout, paths))
        time.sleep(interval)


def traits(post):
    """The event's traits in an Aodh event alarm's POST, as a dict."""
    event = post['body']['reason_data']['event']
    return {name: value for name, _type, value in event['traits']}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--port', type=int, default=layout.WEBHOOK_PORT)
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    serve(args.port)


if __name__ == '__main__':
    main()
