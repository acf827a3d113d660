"""host-status-notifier's own entry point, plus counters for the benchmark.

    python benchmarks/notifier_child.py COUNT_FILE --config-file ...

Runs ``host_status_ext.notifier.cmd:main`` unchanged, with an SQLAlchemy
listener counting every statement this process sends, and two seams timed:
each wake-up (nova's ``service.update`` received, by host) and each host's
notifications sent (by host, when the last was accepted). The counts, the
times and the CPU time of the process that does the work (the worker
oslo.service forks) are written to COUNT_FILE (JSON) every 0.5 s.
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

from host_status_ext.notifier import emitter  # noqa: E402
from host_status_ext.notifier import manager  # noqa: E402

LOCK = threading.Lock()
PATH = None
WRITER_PID = None
KEEP = 2000
COUNTS = {'statements': 0, 'selects': 0, 'rounds': 0, 'woken': [],
          'sent': []}


def count(conn, cursor, statement, parameters, context, executemany):
    with LOCK:
        COUNTS['statements'] += 1
        if statement.lstrip().upper().startswith('SELECT'):
            COUNTS['selects'] += 1


def timed_round(tick):
    def wrapper(self):
        ensure_writer()
        with LOCK:
            COUNTS['rounds'] += 1
        return tick(self)
    return wrapper


def timed_wake(wake):
    def wrapper(self, host, expected=None):
        with LOCK:
            COUNTS['woken'].append((host, time.monotonic()))
        return wake(self, host, expected)
    return wrapper


def timed_emit(emit):
    def wrapper(self, ctxt, cell_mapping, host, change):
        count = emit(self, ctxt, cell_mapping, host, change)
        with LOCK:
            COUNTS['sent'].append((host, change.new, time.monotonic()))
        return count
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
            doc = dict(COUNTS, woken=COUNTS['woken'][-KEEP:],
                       sent=COUNTS['sent'][-KEEP:], time=time.time(),
                       cpu=times.user + times.system)
        with open(path + '.tmp', 'w') as f:
            json.dump(doc, f)
        os.replace(path + '.tmp', path)
        time.sleep(0.5)


def main():
    global PATH
    PATH = sys.argv[1]
    event.listen(sqlalchemy.engine.Engine, 'before_cursor_execute', count)
    mgr = manager.HostStatusNotifierManager
    mgr.tick = timed_round(mgr.tick)
    mgr.wake = timed_wake(mgr.wake)
    emitter.Emitter.emit_host_change = timed_emit(
        emitter.Emitter.emit_host_change)
    cmd.main(['host-status-notifier'] + sys.argv[2:])


if __name__ == '__main__':
    main()
