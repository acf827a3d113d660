"""Listen to nova's own ``service.update``/``.create``/``.delete``.

nova sends ``service.update`` (versioned, priority INFO) whenever a
service's ``disabled``, ``disabled_reason`` or ``forced_down`` changes
(``Service.save()``), and ``service.create``/``service.delete`` from
``Service.create()``/``destroy()``, once the operator has
``[oslo_messaging_notifications] driver = messagingv2`` and ``[notifications]
notification_format = versioned`` or ``both``. Whoever saves the record
sends it, on *its* notification transport: nova-api for the os-services API
(force-down, disable, enable: inside the request, after the write, before
the reply), a cell's nova-conductor for what a compute saves through it
(the libvirt driver disabling its own host). So the notifier listens on
nova-api's notification transport (``[oslo_messaging_notifications]
transport_url``, else ``[DEFAULT] transport_url``) and on each cell's
transport from the cell mappings: the same places nova's own services use,
with nothing for the operator to keep in step.

Each instance consumes with a listener pool of its own (a queue named
``host-status-notifier.<publisher_host>``, bound to
``<versioned_notifications_topics>.info`` on nova's exchange), so that it
takes no message from any other consumer, and every instance sees every
notification: the one whose ring owns the host's cell acts on it, the
others drop it.

A notification only wakes the host up: the manager re-reads the host's
record and decides from that (see :mod:`.cell_worker`). Its payload is kept
only to tell whether the record already shows the change.
"""

import collections
import threading
import time
import urllib.parse

from oslo_log import log as logging
import oslo_messaging

from host_status_ext import episodes

LOG = logging.getLogger(__name__)

EVENT_TYPES = r'^service\.(update|create|delete)$'
COMPUTE_BINARY = 'nova-compute'
POOL_PREFIX = 'host-status-notifier.'
# Seconds between two attempts at starting a listener that failed.
RETRY_INTERVAL = 5.0


class Expectation(collections.namedtuple(
        'Expectation', ['disabled', 'forced_down', 'deleted'])):
    """What a notification says the host's record now holds."""

    def agrees(self, reading):
        """True if *reading* (a HostReading, None if absent) shows it."""
        if self.deleted:
            return reading is None
        return reading is not None and (
            reading.disabled, reading.forced_down) == (
                self.disabled, self.forced_down)


def nova_sends_versioned(conf):
    """True when nova's configuration sends versioned notifications.

    nova sends them through oslo.messaging's notifier: a driver must be
    set, and ``notification_format`` must not be ``unversioned``.
    """
    drivers = [d for d in conf.oslo_messaging_notifications.driver
               if d and d != 'noop']
    return bool(drivers) and conf.notifications.notification_format in (
        'versioned', 'both')


def pool_name(publisher_host):
    return POOL_PREFIX + publisher_host


class ServiceEndpoint(object):
    """Turns nova's service notifications into wake-ups of hosts."""

    filter_rule = oslo_messaging.NotificationFilter(event_type=EVENT_TYPES)

    def __init__(self, wake):
        """:param wake: called with a host and an :class:`Expectation`."""
        self.wake = wake

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        data = payload.get('nova_object.data') \
            if isinstance(payload, dict) else None
        if not isinstance(data, dict) or not data.get('host') or \
                data.get('binary') != COMPUTE_BINARY:
            return
        self.wake(data['host'], Expectation(
            bool(data.get('disabled')), bool(data.get('forced_down')),
            event_type == 'service.delete'))


class ServiceListener(object):
    """One notification listener per transport where nova sends.

    :param conf: nova's configuration (transports, topics, exchange).
    :param wake: called with a host and an :class:`Expectation`.
    :param pool: this instance's listener pool (queue) name.
    :param on_listening: called with the transport URL once its listener
        has bound its queue (a change sent before then was missed: the
        manager reads every cell again).
    """

    def __init__(self, conf, wake, pool, on_listening=None):
        self.conf = conf
        self.endpoint = ServiceEndpoint(wake)
        self.pool = pool
        self.on_listening = on_listening
        self._listeners = {}
        self._lock = threading.Lock()
        self._stopped = False

    def api_url(self):
        """nova-api's notification transport URL.

        As oslo.messaging reads it: ``[oslo_messaging_notifications]
        transport_url``, else ``[DEFAULT] transport_url``.
        """
        return (self.conf.oslo_messaging_notifications.transport_url
                or self.conf.transport_url)

    def urls(self, mappings):
        """nova-api's notification URL and every cell's, without repeats.

        :param mappings: ``{cell_uuid: CellMapping}``.
        """
        urls = [self.api_url()]
        for mapping in mappings.values():
            url = mapping.transport_url
            if url and not url.startswith('none:'):
                urls.append(url)
        return [u for i, u in enumerate(urls) if u and u not in urls[:i]]

    def update(self, mappings):
        """Listen on every transport of *mappings* not listened to yet.

        Each listener starts in a thread of its own: a broker that does not
        answer delays nothing else (oslo.messaging keeps reconnecting).
        """
        with self._lock:
            if self._stopped:
                return
            for url in self.urls(mappings):
                if url not in self._listeners:
                    self._listeners[url] = None
                    threading.Thread(
                        target=self._listen, args=(url,), daemon=True,
                        name='host-status-listen').start()

    def _listen(self, url):
        episode = episodes.Episode(
            LOG, 'Listening to nova\'s service notifications on %s'
            % _safe(url))
        while True:
            try:
                self._start_listener(url)
            except Exception as e:
                episode.failed(e, exc_info=True)
                time.sleep(RETRY_INTERVAL)
                with self._lock:
                    if self._stopped:
                        return
                continue
            episode.succeeded()
            return

    def _start_listener(self, url):
        transport = oslo_messaging.get_notification_transport(self.conf,
                                                              url=url)
        targets = [oslo_messaging.Target(topic=topic) for topic in
                   self.conf.notifications.versioned_notifications_topics]
        try:
            listener = oslo_messaging.get_notification_listener(
                transport, targets, [self.endpoint], executor='threading',
                pool=self.pool)
            with self._lock:
                if self._stopped:
                    transport.cleanup()
                    return
                self._listeners[url] = (transport, listener)
            listener.start()
        except Exception:
            transport.cleanup()
            raise
        LOG.info('Listening to nova\'s service notifications on %s (%s.info, '
                 'queue %s).', _safe(url),
                 ', '.join(t.topic for t in targets), self.pool)
        if self.on_listening is not None:
            self.on_listening(url)

    def stop(self):
        with self._lock:
            self._stopped = True
            listeners = [v for v in self._listeners.values() if v]
            self._listeners = {}
        for transport, listener in listeners:
            try:
                listener.stop()
                listener.wait()
            finally:
                transport.cleanup()


def _safe(url):
    """*url* without its user and password, for the log."""
    parts = urllib.parse.urlsplit(url)
    hosts = ','.join(h.rpartition('@')[2] for h in parts.netloc.split(','))
    return urllib.parse.urlunsplit(parts._replace(netloc=hosts))
