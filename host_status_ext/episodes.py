"""Log a failure as an episode: when it starts, now and then, when it ends.

A database, a broker or a cell that fails keeps failing for every request
or poll until it comes back. Logging each of those failures floods the log
exactly when an operator needs to read it. An :class:`Episode` logs one
line when a failure begins (with its traceback, once), a reminder at most
once per ``remind_every`` seconds while it lasts, and one line when it
ends, with how long it lasted and how many failures it counted: the two
lines an operator greps for.

The filter (inside nova-api's request threads) and the notifier (its poll,
listener and coordination threads) share it, so an instance is safe to use
from several threads.
"""

import threading
import time


class Episode(object):
    """One kind of failure of one thing (a cell, the broker, the store).

    :param log: the logger to write to (oslo.log or logging).
    :param what: what is failing, as the operator should read it, for
        example ``'Cell 1b2c... read'``.
    :param remind_every: seconds between two reminders while it lasts.
    :param clock: a monotonic clock, in seconds.
    """

    def __init__(self, log, what, remind_every=60.0, clock=time.monotonic):
        self.log = log
        self.what = what
        self.remind_every = remind_every
        self._clock = clock
        self._lock = threading.Lock()
        self._started = None
        self._reminded = None
        self._failures = 0

    @property
    def active(self):
        """True between a failure and the next success."""
        return self._started is not None

    def failed(self, detail, exc_info=False):
        """Count one failure; log it only if it starts the episode or is due.

        :param detail: why it failed (an exception or a short text).
        :param exc_info: log the current exception's traceback with the
            first line of the episode (never with the later ones).
        """
        with self._lock:
            now = self._clock()
            self._failures += 1
            if self._started is None:
                self._started = self._reminded = now
                self.log.warning('%s failing: %s. Logged again at most '
                                 'every %d s until it recovers.', self.what,
                                 detail, self.remind_every, exc_info=exc_info)
            elif now - self._reminded >= self.remind_every:
                self._reminded = now
                self.log.warning('%s still failing after %.0f s (%d '
                                 'failures so far): %s.', self.what,
                                 now - self._started, self._failures, detail)

    def succeeded(self):
        """End the episode, if one is running, with its length and count."""
        if self._started is None:
            return
        with self._lock:
            if self._started is None:
                return
            lasted = self._clock() - self._started
            failures = self._failures
            self._started = self._reminded = None
            self._failures = 0
        self.log.warning('%s recovered after %.1f s and %d failure(s).',
                         self.what, lasted, failures)


class Episodes(object):
    """One :class:`Episode` per key (a cell uuid, a host), made on first use.

    :param log: the logger every episode writes to.
    :param what: a ``%s`` format, filled with the key.
    """

    def __init__(self, log, what, remind_every=60.0, clock=time.monotonic):
        self._make = lambda key: Episode(log, what % (key,), remind_every,
                                         clock)
        self._lock = threading.Lock()
        self._episodes = {}

    def __getitem__(self, key):
        with self._lock:
            episode = self._episodes.get(key)
            if episode is None:
                episode = self._episodes[key] = self._make(key)
            return episode

    def succeeded(self, key):
        """End *key*'s episode if it has one (without making one)."""
        episode = self._episodes.get(key)
        if episode is not None:
            episode.succeeded()
