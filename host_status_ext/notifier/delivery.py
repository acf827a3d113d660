"""Send one notification, and say so when the broker did not take it.

``oslo_messaging.Notifier`` never tells its caller that a send failed: its
``_notify`` catches every exception of the driver and logs it, and the
messaging drivers' own ``notify`` does the same
(``oslo_messaging/notify/notifier.py`` and ``notify/messaging.py``). A
notifier that recorded a change as sent after such a "send" would lose it
whenever the broker is down. And with the driver's default ``retry``
(forever), the rabbit driver does not even return while the broker is
away: every cell's poll would wait for it.

:class:`Sender` therefore builds the message exactly as the Notifier and
the ``messagingv2`` driver do (same envelope, same ``<topic>.<priority>``
targets) and hands it to the transport itself, with a bounded ``retry``, so
that a failure reaches the notifier as :class:`DeliveryFailed`; the change
then stays pending and is sent again at the next poll. The rabbit driver
publishes with publisher confirms, so a send that returns was accepted by
the broker. The message's ``message_id`` is the payload's ``event_id``, so
the re-sent copy carries the same id at both levels.

Any other notification driver (``log``, ``noop``, ``routing``, ...) goes
through ``oslo_messaging.Notifier`` as before; those cannot report a
failure, which the documentation says.
"""

import oslo_messaging
from oslo_utils import timeutils

# Drivers whose wire format is the transport's own: version 2.0 is
# messagingv2's envelope, 1.0 the old messaging driver's bare message.
_TRANSPORT_DRIVERS = {'messagingv2': 2.0, 'messaging': 1.0}


class DeliveryFailed(Exception):
    """The broker did not accept a notification (or not in time)."""


class Sender(object):
    """Send notifications through one transport, raising on failure."""

    def __init__(self, transport, driver, topics, retry):
        """Set up.

        :param transport: an oslo.messaging notification transport.
        :param driver: the notification driver's name (``messagingv2``...).
        :param topics: the topics, as for ``oslo_messaging.Notifier``.
        :param retry: reconnection attempts before a send gives up; ``None``
            or -1 would be forever, which this service never asks for.
        """
        self.transport = transport
        self.topics = list(topics)
        self.retry = retry
        self.version = _TRANSPORT_DRIVERS.get(driver)
        self.reports_failures = self.version is not None
        self._notifier = None
        if self.version is None:
            self._notifier = oslo_messaging.Notifier(
                transport, driver=driver, topics=self.topics, retry=retry)

    def send(self, publisher_id, event_type, priority, payload, message_id):
        """Send one notification to every topic.

        :raises DeliveryFailed: the transport raised (broker down, refused,
            retries used up); nothing is known to have been accepted.
        """
        if self._notifier is not None:
            notify = getattr(self._notifier.prepare(
                publisher_id=publisher_id), priority.lower())
            notify({}, event_type, payload)
            return
        message = {'message_id': message_id,
                   'publisher_id': publisher_id,
                   'event_type': event_type,
                   'priority': priority.upper(),
                   'payload': payload,
                   'timestamp': str(timeutils.utcnow())}
        for topic in self.topics:
            target = oslo_messaging.Target(
                topic='%s.%s' % (topic, priority.lower()))
            try:
                # NOTE: the call MessagingDriver.notify makes, without the
                # except-and-log around it: the only way oslo.messaging
                # lets a notification's failure reach its sender.
                self.transport._send_notification(
                    target, {}, message, version=self.version,
                    retry=self.retry)
            except Exception as e:
                raise DeliveryFailed('%s.%s: %s: %s' % (
                    topic, priority.lower(), type(e).__name__, e)) from e
