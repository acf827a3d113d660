"""Watch host-status-notifier's events: the operator's consumer.

``.minicloud/venv/bin/python -m tools.minicloud.events [--json]`` prints
every ``instance.host_status_change`` on the mini-cloud's RabbitMQ as it
arrives (one line, or the whole payload), until Ctrl-C.

:class:`EventWatcher` is the one consumer of the notifier's events that
the e2e tests, the functional tests (on a private RabbitMQ, or
oslo.messaging's fake transport), the benchmarks and this command use. It
is the consumer an operator's tool would be, and knows nothing of the
notifier's code: an oslo.messaging notification listener on nova's
exchange, topic ``<topic>.info``, that picks the notifier's events out by
event type (the topic, ``versioned_notifications``, is also the one nova's
own versioned notifications use). On RabbitMQ each watcher reads a queue
of its own (an oslo.messaging listener pool), so it sees every event sent
while it runs and takes none away from another consumer; it deletes that
queue when it stops, or RabbitMQ would keep filling it. Across a restart
of the broker only the topic's default queue is sure to be there before
the first event is sent (the sender declares it too), hence
``shared_queue``.
"""

import collections
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import kombu
from oslo_config import cfg
import oslo_messaging

from tools.minicloud import configs
from tools.minicloud import layout

EVENT_TYPE = 'instance.host_status_change'

# received: time.monotonic() when the listener got it; data: the payload's
# nova_object.data (uuid, project_id, host_status, ...); message_id: the
# envelope's (the notifier sets it to the payload's event_id).
Event = collections.namedtuple(
    'Event', ['received', 'publisher_id', 'payload', 'data', 'message_id'])


class _Endpoint(object):
    filter_rule = oslo_messaging.NotificationFilter(
        event_type='^%s$' % EVENT_TYPE.replace('.', r'\.'))

    def __init__(self, sink):
        self.sink = sink

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self.sink(Event(time.monotonic(), publisher_id, payload,
                        payload.get('nova_object.data', {}),
                        metadata.get('message_id')))


class EventWatcher(object):
    """Collect the notifier's events from the moment :meth:`start` returns.

    :param on_event: called with each :class:`Event`, in the listener's
        thread, besides keeping it.
    :param url: the broker (the mini-cloud's RabbitMQ by default).
    :param topic: the notifier's ``[host_status_notifier] topics``.
    :param transport: an oslo.messaging transport to listen on instead of
        *url* (oslo.messaging's fake transport is one per object).
    :param exchange: nova's (``nova``); None for the transport's default.
    :param shared_queue: read the topic's default queue (``<topic>.info``)
        instead of a queue of its own. oslo.messaging's sender declares
        that queue before each publish, so an event sent by a sender that
        reconnected to a restarted broker before this watcher did is kept
        for it; a queue of its own would not exist yet and the event would
        be dropped by the broker. It is not deleted at stop, and other
        readers of it take their share.
    """

    def __init__(self, on_event=None, url=configs.RABBIT,
                 topic=layout.NOTIFIER_TOPIC, transport=None,
                 exchange=layout.NOTIFICATION_EXCHANGE, shared_queue=False):
        self.on_event = on_event
        self.url = url
        self._events = []
        self._changed = threading.Condition()
        self._own_transport = transport is None
        if transport is None:
            conf = cfg.ConfigOpts()
            conf([], project='minicloud-events', default_config_files=[],
                 default_config_dirs=[])
            transport = oslo_messaging.get_notification_transport(
                conf, url=url)
        self.transport = transport
        # NOTE: a queue of its own on RabbitMQ; the fake transport's
        # listeners each see every message anyway.
        self.pool = None
        if (url.startswith('rabbit:') and self._own_transport and
                not shared_queue):
            self.pool = 'minicloud-events-%s' % uuid.uuid4().hex[:8]
        self.listener = oslo_messaging.get_notification_listener(
            self.transport,
            [oslo_messaging.Target(topic=topic, exchange=exchange)],
            [_Endpoint(self._add)], executor='threading', pool=self.pool)

    def start(self):
        # NOTE: the listener declares and binds its queue before start()
        # returns; an event sent after that is not missed.
        self.listener.start()
        return self

    def stop(self):
        try:
            self.listener.stop()
            self.listener.wait()
            if self._own_transport:
                self.transport.cleanup()
        finally:
            if self.pool is not None:
                # NOTE: kombu names oslo.messaging's rabbit:// scheme
                # amqp://.
                url = self.url.replace('rabbit://', 'amqp://', 1)
                with kombu.Connection(url) as conn:
                    conn.default_channel.queue_delete(self.pool)

    def _add(self, event):
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()
        if self.on_event:
            self.on_event(event)

    def mark(self):
        """A position in the events seen so far, for :meth:`wait_for`."""
        with self._changed:
            return len(self._events)

    def events(self, since=0):
        with self._changed:
            return list(self._events[since:])

    def clear(self):
        with self._changed:
            del self._events[:]

    def of(self, uuids, new=None, since=0):
        """The events of the servers *uuids* (to *new*, if given).

        :returns: flat dicts: the payload's data with ``publisher_id``,
            ``message_id`` and ``received`` added.
        """
        uuids = set(uuids)
        return [dict(e.data, publisher_id=e.publisher_id,
                     message_id=e.message_id, received=e.received)
                for e in self.events(since) if e.data.get('uuid') in uuids
                and (new is None or e.data.get('host_status') == new)]

    def wait_all(self, uuids, new, timeout=10, since=0):
        """Wait until every server in *uuids* got a ``-> new`` event.

        :returns: the ``received`` time of the last of them (the first
            event of each server counts).
        :raises AssertionError: after *timeout* s, saying how many came.
        """
        wanted = set(uuids)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                first = {}
                for e in self._events[since:]:
                    uuid_ = e.data.get('uuid')
                    if uuid_ in wanted and e.data.get('host_status') == new:
                        first.setdefault(uuid_, e.received)
                if len(first) == len(wanted):
                    return max(first.values())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError('%d of %d servers got %s within '
                                         '%.0f s' % (len(first), len(wanted),
                                                     new, timeout))
                self._changed.wait(left)

    def wait_count(self, count, since=0, timeout=10):
        """Wait (bounded) until *count* events came; return them all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._events) - since < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return list(self._events[since:])

    def wait_for(self, match, since=0, timeout=10):
        """Return the first event after position ``since`` that matches.

        :param match: a function of an event's payload data.
        :raises TimeoutError: after ``timeout`` s, saying what did arrive.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self._events[since:]:
                    if match(event.data):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        'no matching event after %.1f s; got %s' % (
                            timeout, [describe(e)
                                      for e in self._events[since:]]))
                self._changed.wait(left)


class ProcessWatcher(object):
    """``python -m tools.minicloud.events --json`` in a process of its own.

    A consumer on the bus as an operator's would be, away from this
    process's 16 client threads (a listener thread among them was seen
    to get its deliveries many seconds late).
    """

    def __init__(self):
        env = dict(os.environ, PYTHONPATH=str(layout.REPO))
        self.proc = subprocess.Popen(
            [sys.executable, '-m', 'tools.minicloud.events', '--json'],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env, cwd=str(layout.REPO))
        self._events = []
        # It says "watching ..." once its queue is bound (after whatever
        # warnings its imports print).
        for line in self.proc.stderr:
            if line.startswith('watching'):
                break
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                payload = json.loads(line)
            except ValueError:
                continue
            self._events.append(Event(
                time.monotonic(), None, payload,
                payload.get('nova_object.data', {}), None))

    def events(self):
        return list(self._events)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.reader.join(5)


def wait_all(watcher, ids, old, new, timeout, since=None):
    """Wait until every server of ``ids`` got an ``old`` -> ``new`` event.

    :param since: count only the events received from this moment
        (``time.monotonic()``) on; all of them if None.
    :returns: True if they all did within ``timeout`` s.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = {e.data.get('uuid') for e in watcher.events()
               if (since is None or e.received >= since)
               and (e.data.get('old_host_status'),
                    e.data.get('host_status')) == (old, new)}
        if set(ids) <= got:
            return True
        time.sleep(0.2)
    return False


def describe(event):
    d = event.data
    return '%s project %s: %s -> %s (hostId %s, at %s, from %s)' % (
        d.get('uuid'), d.get('project_id'), d.get('old_host_status'),
        d.get('host_status'), d.get('host_id'), d.get('changed_at'),
        event.publisher_id)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    raw = '--json' in argv

    def show(event):
        print(json.dumps(event.payload) if raw else describe(event),
              flush=True)
    # NOTE: SIGTERM (timeout, kill) ends it like Ctrl-C, so that its
    # queue is deleted either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    watcher = EventWatcher(on_event=show).start()
    print('watching %s.info on exchange %s at %s (Ctrl-C ends)'
          % (layout.NOTIFIER_TOPIC, layout.NOTIFICATION_EXCHANGE,
             configs.RABBIT), file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
