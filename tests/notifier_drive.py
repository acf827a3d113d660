"""Drive a notifier's manager and its cell workers in the test's thread.

The service runs each cell's worker in a thread of its own; tests that
want to know exactly what one round did call the same steps themselves.
"""

import time

from host_status_ext.notifier import state


def read_all(manager):
    """A round of upkeep, then a full read of every cell: what was sent."""
    manager.tick()
    sent = []
    for cell_uuid, worker in sorted(manager.workers.items()):
        worker.read_all()
        sent.extend(_step(manager, cell_uuid, worker))
    return sent


def step_all(manager, pause=0.01):
    """After *pause*, a round of upkeep, then what each cell has due."""
    time.sleep(pause)
    manager.tick()
    sent = []
    for cell_uuid, worker in sorted(manager.workers.items()):
        sent.extend(_step(manager, cell_uuid, worker))
    return sent


def _step(manager, cell_uuid, worker):
    try:
        return worker.step()
    except state.Fenced as e:
        manager.fenced(cell_uuid, e)
        return []
