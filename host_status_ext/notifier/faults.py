"""Test-only fault injection: the process kills itself at a named point.

The functional kill tests need a notifier to die at a precise point of a
change (before sending, after some of a host's notifications, after all of
them but before saving, after saving), which a kill -9 from outside can
only hit by chance. With ``HOST_STATUS_NOTIFIER_FAULT=<point>`` in its
environment, a notifier sends itself SIGKILL the first time it reaches that
point: nothing runs after it, exactly as after a kill -9 there. Unset (as
in any deployment), :func:`reached` does nothing.

Points: ``before-send``, ``mid-send`` (after the first notification of a
host with more than one server), ``after-send`` (all sent, not saved),
``after-commit`` (saved).
"""

import os
import signal

ENV = 'HOST_STATUS_NOTIFIER_FAULT'
POINTS = ('before-send', 'mid-send', 'after-send', 'after-commit')


def reached(point):
    """Die here if the environment names this point."""
    if os.environ.get(ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
