"""Plain processes: start in the background, record a pid file, stop, ask.

Each service runs in its own session (process group) so that ``stop``
ends it and its children (uwsgi workers) and nothing else; the pid files
under ``<state>/run`` are the only way the launcher finds them again.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from tools.minicloud import layout
from tools import waiting


def pidfile(name):
    return layout.RUN / (name + '.pid')


def logfile(name):
    return layout.LOGS / (name + '.log')


def _recorded(name):
    try:
        return int(pidfile(name).read_text())
    except (OSError, ValueError):
        return None


def _alive(p):
    """True if process ``p`` exists and is not a zombie."""
    try:
        os.kill(p, 0)
        with open('/proc/%d/stat' % p) as f:
            return f.read().split(')')[-1].split()[0] != 'Z'
    except (OSError, IndexError):
        return False


def pid(name):
    """The pid of a running service, or None.

    A recorded pid whose command line does not name the state folder was
    recycled by another process (after a reboot, say): not ours.
    """
    p = _recorded(name)
    if not p or not _alive(p):
        return None
    try:
        with open('/proc/%d/cmdline' % p, 'rb') as f:
            cmdline = f.read()
    except OSError:
        return None
    # NOTE: uwsgi rewrites its argv area while it starts; an empty command
    # line then is still the process we started.
    if cmdline and str(layout.STATE).encode() not in cmdline:
        return None
    return p


def start(name, argv, env=None):
    """Start ``argv`` as service ``name`` unless it already runs."""
    if pid(name):
        return False
    layout.RUN.mkdir(parents=True, exist_ok=True)
    layout.LOGS.mkdir(parents=True, exist_ok=True)
    with open(logfile(name), 'ab') as log:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            env=dict(os.environ, **(env or {})), cwd=str(layout.STATE),
            start_new_session=True)
    pidfile(name).write_text(str(proc.pid))
    return True


def stop(name, timeout=10):
    """SIGTERM the service's process group, SIGKILL after ``timeout``."""
    return bool(stop_many([name], timeout))


def stop_many(names, timeout=10):
    """Stop several services at once; returns the names that were running.

    NOTE: nova's services wait for in-flight work on SIGTERM (up to
    oslo.service's graceful_shutdown_timeout); nothing here needs that, so
    a slow one is killed after ``timeout``.
    """
    running = {n: pid(n) for n in names}
    running = {n: p for n, p in running.items() if p}
    for p in running.values():
        _signal_group(p, signal.SIGTERM)
    # NOTE: wait for the whole process group, not only its leader: uwsgi's
    # workers hold the listening socket a moment after the master exits,
    # and a new nova-api could not bind its port.
    deadline = time.monotonic() + timeout
    while any(_group_alive(p) for p in running.values()) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    for p in running.values():
        if _group_alive(p):
            _signal_group(p, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while any(_group_alive(p) for p in running.values()) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    for n in names:
        pidfile(n).unlink(missing_ok=True)
    return [n for n in names if n in running]


def kill(name):
    """SIGKILL, as a crash would: no goodbye to the service group."""
    p = pid(name)
    if p:
        _signal_group(p, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while pid(name) and time.monotonic() < deadline:
            time.sleep(0.05)
    pidfile(name).unlink(missing_ok=True)
    return bool(p)


def stat_fields():
    """``(pid, fields)`` of every process: /proc/<pid>/stat after the name.

    ``fields[0]`` is the state, ``fields[1]`` the parent's pid,
    ``fields[2]`` the process group.
    """
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % d) as f:
                yield int(d), f.read().split(')')[-1].split()
        except OSError:
            continue


def _group_alive(pgid):
    """True while a live (not zombie) process of group ``pgid`` is left."""
    return any(len(fields) > 2 and fields[2] == str(pgid)
               and fields[0] != 'Z' for _, fields in stat_fields())


def _signal_group(p, sig):
    try:
        os.killpg(p, sig)
    except ProcessLookupError:
        pass


def http_ok(url, timeout=2.0):
    """True once something answers HTTP at ``url`` (any status < 500)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status < 500
    except urllib.error.HTTPError as e:
        return e.code < 500
    except OSError:
        return False


def tcp_ok(host, port, timeout=1.0):
    """True once something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for(check, what, timeout, interval=0.5, watch=()):
    """Wait until ``check()``; fail early if a ``watch``ed service died.

    :raises TimeoutError: if ``check()`` has not held within *timeout*.
    :raises RuntimeError: as soon as a service of *watch* has exited.
    """
    def none_died():
        dead = [n for n in watch
                if _recorded(n) and not _alive(_recorded(n))]
        if dead:
            raise RuntimeError('minicloud: %s exited while waiting for %s; '
                               'see %s' % (', '.join(dead), what,
                                           ', '.join(str(logfile(n))
                                                     for n in dead)))

    waiting.wait_until(check, timeout, 'minicloud: %s ready' % what,
                       interval=interval, abort=none_died)
