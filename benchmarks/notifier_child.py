"""host-status-notifier's own entry point, plus counters for the benchmark.

    python benchmarks/notifier_child.py COUNT_FILE --config-file ...

Runs ``host_status_ext.notifier.cmd:main`` unchanged, with an SQLAlchemy
listener counting every statement this process sends and a wrapper timing
each poll; the counts and the CPU time of the process that polls (the
worker oslo.service forks) are written to COUNT_FILE (JSON) every 0.5 s.
"""
# NOTE: first import: cmd sets nova's concurrency mode before anything else.
from host_status_ext.notifier import cmd  # noqa: I100

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import sqlalchemy  # noqa: E402
from sqlalchemy import event  # noqa: E402

from host_status_ext.notifier import manager  # noqa: E402

LOCK = threading.Lock()
# Engines not to count (the benchmark's simulated heartbeats, when the
# notifier runs inside the benchmark's process).
IGNORED = set()
PATH = None
WRITER_PID = None
COUNTS = {'statements': 0, 'selects': 0, 'polls': 0, 'poll_seconds': []}


def count(conn, cursor, statement, parameters, context, executemany):
    if id(conn.engine) in IGNORED:
        return
    with LOCK:
        COUNTS['statements'] += 1
        if statement.lstrip().upper().startswith('SELECT'):
            COUNTS['selects'] += 1


def timed(tick):
    def wrapper(self):
        ensure_writer()
        started = time.monotonic()
        try:
            return tick(self)
        finally:
            with LOCK:
                COUNTS['polls'] += 1
                COUNTS['poll_seconds'].append(time.monotonic() - started)
    return wrapper


def ensure_writer():
    """Start the writer in this process (oslo.service forks the worker)."""
    global WRITER_PID
    if PATH and WRITER_PID != os.getpid():
        WRITER_PID = os.getpid()
        threading.Thread(target=writer, args=(PATH,), daemon=True).start()


def writer(path):
    while True:
        times = os.times()
        with LOCK:
            doc = dict(COUNTS, poll_seconds=COUNTS['poll_seconds'][-2000:],
                       time=time.time(), cpu=times.user + times.system)
        with open(path + '.tmp', 'w') as f:
            json.dump(doc, f)
        os.replace(path + '.tmp', path)
        time.sleep(0.5)


def main():
    global PATH
    PATH = sys.argv[1]
    event.listen(sqlalchemy.engine.Engine, 'before_cursor_execute', count)
    manager.HostStatusNotifierManager.tick = timed(
        manager.HostStatusNotifierManager.tick)
    cmd.main(['host-status-notifier'] + sys.argv[2:])


if __name__ == '__main__':
    main()
