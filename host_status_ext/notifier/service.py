"""The oslo.service Service that runs the poll loop in a thread."""

import threading
import time

from oslo_log import log as logging
from oslo_service import service

LOG = logging.getLogger(__name__)


class HostStatusNotifierService(service.Service):
    """Call ``manager.tick()`` every ``poll_interval`` seconds until stopped.

    A tick that fails (a database or API database outage) is logged and the
    loop goes on: nothing is recorded as sent, so it is tried again. The
    manager's coordination starts in the thread that polls and stops after
    its last tick, so that a stopping instance hands its cells over at once
    instead of letting the others wait for its locks to expire.
    """

    def __init__(self, manager, poll_interval):
        super().__init__()
        self.manager = manager
        self.poll_interval = poll_interval
        self._stopping = threading.Event()

    def start(self):
        super().start()
        self._stopping.clear()
        self.tg.add_thread(self._run)

    def _run(self):
        while not self._stopping.is_set():
            try:
                self.manager.start()
                break
            except Exception:
                LOG.exception('Could not start coordination; trying again '
                              'in 1 s.')
                self._stopping.wait(1.0)
        try:
            self._loop()
        finally:
            self.manager.stop()

    def _loop(self):
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                self.manager.tick()
            except Exception:
                LOG.exception('Poll failed; trying again in %.2f s.',
                              self.poll_interval)
            elapsed = time.monotonic() - started
            self._stopping.wait(max(0.0, self.poll_interval - elapsed))

    def stop(self, graceful=False):
        # NOTE: the loop finishes the tick it is in (so a host's
        # notifications and its saved status stay together) and exits.
        self._stopping.set()
        super().stop(graceful=True)
