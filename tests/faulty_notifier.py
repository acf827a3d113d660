"""host-status-notifier's own entry point, killed at a named point of a change.

    python -m tests.faulty_notifier POINT ONCE_FILE \\
        --config-file ...

Runs ``host_status_ext.notifier.cmd:main`` unchanged, with one seam patched
so that the process group sends itself SIGKILL the first time it reaches
POINT: nothing runs after it, exactly as after a kill -9 there, which a
kill from outside could only hit by chance. Only the first process to get
there dies (it creates ONCE_FILE first), so that several instances can
carry the same fault: whichever owns the changed cell dies, and the one
that takes over passes the point.

Points: ``before-send`` (the servers looked up, nothing sent),
``mid-send`` (the first notification of a host with more than one server
sent), ``after-send`` (all sent, not committed), ``after-commit``.

``pause``: ONCE_FILE is a trigger instead. Once the test creates it, the
instance deletes it and sends itself SIGSTOP at the top of its next round
of upkeep, holding no database connection; ``SIGCONT`` resumes it. A
SIGSTOP from outside lands anywhere, sometimes while the process holds
the shared SQLite file's lock, which then keeps every other instance out
until it resumes (a test of the fencing would see that instead).

It lives outside ``tests.functional``, whose import applies nova's
test-time patching: a notifier runs as the console script does.
"""
# NOTE: first import: cmd sets nova's concurrency mode before anything else.
from host_status_ext.notifier import cmd  # noqa: I100

import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from host_status_ext.notifier import emitter  # noqa: E402
from host_status_ext.notifier import manager  # noqa: E402
from host_status_ext.notifier import shared_state  # noqa: E402
from host_status_ext.notifier import state  # noqa: E402

POINTS = ('before-send', 'mid-send', 'after-send', 'after-commit',
          'pause')
ONCE = None


def chosen():
    """True in the first process to get here (it creates ONCE)."""
    try:
        os.close(os.open(ONCE, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def die():
    """SIGKILL the whole instance, unless another process died first."""
    if chosen():
        os.killpg(os.getpgrp(), signal.SIGKILL)


def patch_pause():
    tick = manager.HostStatusNotifierManager.tick

    def pausing_tick(self):
        try:
            os.unlink(ONCE)
        except FileNotFoundError:
            pass
        else:
            os.kill(os.getpid(), signal.SIGSTOP)
        return tick(self)
    manager.HostStatusNotifierManager.tick = pausing_tick


def patch(point):
    if point == 'pause':
        patch_pause()
        return
    send_all = emitter.Emitter._send_all

    def faulty_send_all(self, notifications, key=None):
        if point == 'before-send':
            die()
        elif point == 'mid-send' and len(notifications) > 1 and chosen():
            notifications[0].emit(self.sender)
            os.killpg(os.getpgrp(), signal.SIGKILL)
        send_all(self, notifications, key)
        if point == 'after-send':
            die()
    emitter.Emitter._send_all = faulty_send_all

    if point == 'after-commit':
        for store in (state.FileStore, shared_state.DatabaseStore):
            def faulty_commit(self, *args, _commit=store.commit):
                _commit(self, *args)
                die()
            store.commit = faulty_commit


def main():
    global ONCE
    point, ONCE = sys.argv[1], sys.argv[2]
    if point not in POINTS:
        raise SystemExit('unknown point %r (one of %s)' % (
            point, ', '.join(POINTS)))
    patch(point)
    return cmd.main(['host-status-notifier'] + sys.argv[3:])


if __name__ == '__main__':
    sys.exit(main())
