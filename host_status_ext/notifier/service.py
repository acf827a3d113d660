"""The oslo.service Service: upkeep in one thread, a thread per cell.

The upkeep thread starts the coordination (trying again every second while
its backend is away, logged as one episode), then runs the manager's round
every ``poll_interval``: ownership, a worker thread for each newly owned
cell, reads that hang. It also starts the listeners of nova's service
notifications on every transport the cells use, and asks every cell for a
full read whenever a listener starts (what nova announced before it
listened was missed). With nova's versioned notifications off it says so,
once, and the cells are read every ``full_read_interval``.

The coordination stops after the last round, so that a stopping instance
hands its cells over at once instead of letting the others wait for its
locks to expire.
"""

import threading
import time

from oslo_log import log as logging
from oslo_service import service

from host_status_ext import episodes
from host_status_ext.notifier import listener as listener_mod

LOG = logging.getLogger(__name__)

COORDINATION_RETRY = 1.0


class HostStatusNotifierService(service.Service):
    """Run the manager's upkeep, its cell workers and the listeners.

    :param listener: a :class:`~.listener.ServiceListener`, or None when
        nova sends no versioned notifications.
    """

    def __init__(self, manager, poll_interval, listener=None):
        super().__init__()
        self.manager = manager
        self.poll_interval = poll_interval
        self.listener = listener
        self._stopping = threading.Event()

    def start(self):
        super().start()
        self._stopping.clear()
        self.tg.add_thread(self._run)

    def _run(self):
        episode = episodes.Episode(LOG, 'Starting the coordination')
        while not self._stopping.is_set():
            try:
                self.manager.start()
            except Exception as e:
                episode.failed(e, exc_info=True)
                self._stopping.wait(COORDINATION_RETRY)
                continue
            episode.succeeded()
            break
        try:
            self._loop()
        finally:
            if self.listener is not None:
                self.listener.stop()
            self.manager.stop()

    def _loop(self):
        while not self._stopping.is_set():
            started = time.monotonic()
            for worker in self.manager.tick():
                threading.Thread(
                    target=worker.run, args=(self.manager.fenced,),
                    name='host-status-cell-%s' % worker.cell_uuid[:8],
                    daemon=True).start()
            if self.listener is not None:
                self.listener.update(self.manager.mappings)
            elapsed = time.monotonic() - started
            self._stopping.wait(max(0.0, self.poll_interval - elapsed))

    def stop(self, graceful=False):
        # NOTE: the workers finish the step they are in (so a host's
        # notifications and its saved status stay together) and exit.
        self._stopping.set()
        super().stop(graceful=True)


def make_listener(conf, manager, publisher_host):
    """The listener of nova's service notifications, or None if off."""
    if not listener_mod.nova_sends_versioned(conf):
        LOG.warning(
            'nova sends no versioned notifications here ([notifications] '
            'notification_format = %s, [oslo_messaging_notifications] '
            'driver = %s): a force-down, disable or enable is found by the '
            'full read of its cell, within [host_status_notifier] '
            'full_read_interval (%.0f s); a lost heartbeat is still found '
            'on time.', conf.notifications.notification_format,
            ','.join(conf.oslo_messaging_notifications.driver) or '(none)',
            conf.host_status_notifier.full_read_interval)
        return None
    return listener_mod.ServiceListener(
        conf, manager.wake, listener_mod.pool_name(publisher_host),
        on_listening=lambda url: manager.read_all())
