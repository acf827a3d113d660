"""Test-only fault injection: the process kills itself at a named point.

The functional kill tests need a notifier to die at a precise point of a
change (before sending, after some of a host's notifications, after all of
them but before saving, after saving), which a kill -9 from outside can
only hit by chance. With ``HOST_STATUS_NOTIFIER_FAULT=<point>`` in its
environment, a notifier sends itself SIGKILL the first time it reaches that
point: nothing runs after it, exactly as after a kill -9 there. Unset (as
in any deployment), :func:`reached` does nothing.

With ``HOST_STATUS_NOTIFIER_FAULT_ONCE=<file>`` too, only the first process
to reach the point dies (it creates the file first), so that several
instances can carry the same fault and whichever owns the changed cell is
the one that dies, while the one that takes over passes the point.

Points: ``before-send``, ``mid-send`` (after the first notification of a
host with more than one server), ``after-send`` (all sent, not saved),
``after-commit`` (saved).
"""

import os
import signal

ENV = 'HOST_STATUS_NOTIFIER_FAULT'
ONCE_ENV = 'HOST_STATUS_NOTIFIER_FAULT_ONCE'
POINTS = ('before-send', 'mid-send', 'after-send', 'after-commit')


def reached(point):
    """Die here if the environment names this point."""
    if os.environ.get(ENV) != point:
        return
    once = os.environ.get(ONCE_ENV)
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    os.killpg(os.getpgrp(), signal.SIGKILL)
