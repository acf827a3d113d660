"""The fault run's hung cell: cell2's MariaDB SIGSTOPped, then resumed.

A database that accepts connections and never answers is the fault that
fills nova's pools: a killed one refuses at once. nova 34's nova-api runs
scatter-gather on a pool of ``[DEFAULT] cell_worker_thread_pool_size``
native threads, and a cell's task that times out keeps its thread until
the database answers. The fault run's tallies (faults.py) give each arm's
replies; this adds what the tallies cannot see:

- nova-api's threads: each nova-api's (with the filter, and nova's own
  pipeline beside it) worker threads before the fault, at the end of the
  hang and after recovery (``/proc/<pid>/task``), and at the end of the
  hang the threads that py-spy finds in this project's code and those in
  a read from a database socket;
- nova's own warnings: the "Timed out waiting for response from cell"
  lines each nova-api logged during the phase, and how many of them said
  that the pool is full (the task never started);
- the notifier, one instance watching both cells (the second one stopped
  for the phase): a cell1 host's nova-compute killed during the hang (its
  servers go UNKNOWN after service_down_time) and started again, and,
  once cell2 answers again, the same for a cell2 host; for each change,
  when its servers' events came, or that they did not.
"""

import os
import re
import signal
import subprocess
import time

from tools.minicloud import cell2
from tools.minicloud import client
from tools.minicloud import cloud
from tools.minicloud import configs
from tools.minicloud import events
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import pyspy
from tools.minicloud import scenario
from tools.minicloud import services
from tools.minicloud import verdicts
from tools import waiting

#: How long cell2's database stays hung: at least two minutes, past nova's
#: own 60 s wait for a cell.
HUNG = 130.0
#: From the fault to the first change of a cell1 host, so that the pools
#: have met the hung cell first.
BEFORE_CHANGE = 20.0
BASELINE = 8.0
#: Bounds a wait for the notifier's events of one change; not a figure.
EVENT_WAIT = 45.0
QUIET = 2.0
#: PyMySQL's read and write timeouts for cell2-db-hung-read-timeout: below
#: nova's 60 s wait for a cell, far above a healthy query here.
READ_TIMEOUT = 20
CELL1_HOST = layout.CELL1_HOSTS[1]
CELL2_HOST = layout.CELL2_HOSTS[0]
ARMS = {'with filter': 'nova-api', 'without filter': layout.PLAIN_API}
TIMED_OUT = re.compile(r'Timed out waiting for response from cell')
POOL_FULL = re.compile(r'cell_worker_thread_pool_size is too small')


def api_workers(name):
    """The pids of the uWSGI workers of nova-api ``name``."""
    master = procs.pid(name)
    if not master:
        return []
    return sorted(pid for pid, fields in procs.stat_fields()
                  if int(fields[1]) == master)


def threads(name):
    """Threads of the workers of nova-api ``name``, all together."""
    count = 0
    for pid in api_workers(name):
        try:
            count += len(os.listdir('/proc/%d/task' % pid))
        except OSError:
            continue
    return count


def stacks(name):
    """``(threads in host_status_ext, threads reading a DB socket)``.

    From ``py-spy dump`` of each worker of nova-api ``name``: a thread
    counts once for each if its stack holds such a frame.
    """
    ours = reading = 0
    for pid in api_workers(name):
        out = subprocess.run(
            [layout.venv_bin('py-spy'), 'dump', '--pid', str(pid)],
            capture_output=True, text=True, timeout=60).stdout
        for thread in out.split('\nThread ')[1:]:
            if 'host_status_ext' in thread:
                ours += 1
            if 'pymysql' in thread and '_read_bytes' in thread:
                reading += 1
    return ours, reading


class LogLines(object):
    """Lines a service logs from now on (its log file under the state)."""

    def __init__(self, name):
        self.path = procs.logfile(name)
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def matching(self, pattern):
        with open(self.path, errors='replace') as f:
            f.seek(self.offset)
            return sum(1 for line in f if pattern.search(line))


def cell_owners():
    """``{cell uuid: owner}`` from the notifiers' database."""
    out = subprocess.run(
        ['mysql', '-N', '-u', layout.DB_USER, '-p' + layout.PASSWORD,
         '-h', layout.HOST, layout.DB_PREFIX + 'host_status_notifier', '-e',
         'SELECT cell_uuid, owner FROM host_status_notifier_cells'],
        capture_output=True, text=True, check=True).stdout
    return dict(line.split('\t') for line in out.splitlines() if line)


def one_notifier():
    """Stop the second notifier; wait until the first owns every cell."""
    procs.stop(layout.NOTIFIERS[1])
    first = layout.notifier_publisher_host(layout.NOTIFIERS[0]) + '.'
    waiting.wait_until(
        lambda: all(o.startswith(first) for o in cell_owners().values()),
        60, 'every cell owned by %s' % layout.NOTIFIERS[0], interval=0.5)


def shown(sess, server_id):
    """The server's host_status for the admin; None if nova-api failed."""
    try:
        return client.host_status_of(sess, server_id)
    except Exception:
        return None


def signal_cell2_db(sig):
    os.killpg(procs.pid(layout.CELL2_DB_SERVER), sig)


def change(watcher, host, ids, notes, key, steps):
    """Kill the host's nova-compute and start it again; time the events.

    Each step's time is from the step to the last of its servers' events
    (None if they did not all come within EVENT_WAIT).

    :param steps: the steps made are added to it, as ``(when, server ids,
        old, new)``.
    """
    for step, old, new, act in (('down', 'UP', 'UNKNOWN',
                                 scenario.stop_compute),
                                ('up', 'UNKNOWN', 'UP',
                                 scenario.start_compute)):
        started = time.monotonic()
        act(host)
        steps.append((started, ids, old, new))
        came = events.wait_all(watcher, ids, old, new, EVENT_WAIT,
                               since=started)
        notes['%s %s s' % (key, step)] = (
            round(time.monotonic() - started, 1) if came else None)


def set_cell2_url(read_timeout=None):
    """cell2's mapping with PyMySQL's read and write timeouts, or without.

    As an operator sets them (nova-manage cell_v2 update_cell); nova-api
    (both arms) and the notifiers cache the mappings: they restart.
    """
    url = layout.cell2_db_url()
    if read_timeout:
        url += '&read_timeout=%d&write_timeout=%d' % (
            read_timeout, read_timeout)
    cell_uuid = subprocess.run(
        ['mysql', '-N', '-u', layout.DB_USER, '-p' + layout.PASSWORD,
         '-h', layout.HOST, layout.DB_PREFIX + 'nova_api', '-e',
         'SELECT uuid FROM cell_mappings WHERE name = "%s"' % layout.CELL2],
        capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([layout.venv_bin('nova-manage'), '--config-file',
                    str(layout.NOVA_ETC / 'nova.conf'), 'cell_v2',
                    'update_cell', '--cell_uuid', cell_uuid,
                    # NOTE: without it nova-manage compares the default
                    # transport URL, cell1's, and refuses (exit 3).
                    '--transport-url', configs.CELL2_RABBIT,
                    '--database_connection', url], check=True,
                   capture_output=True)
    cloud.restart_api(plugin=True)
    procs.stop(layout.PLAIN_API)
    services.start_plain_api()
    procs.stop_many(list(layout.NOTIFIERS))
    for name in layout.NOTIFIERS:
        services.start(name)
    procs.wait_for(services.notifier_ready, 'host-status-notifiers', 120)


def fault_with_read_timeout(phase, ctx):
    """The hung cell, with READ_TIMEOUT in cell2's URL."""
    phase.cleanups.append(set_cell2_url)
    set_cell2_url(READ_TIMEOUT)
    phase.restart()
    phase.notes['cell2 read_timeout s'] = READ_TIMEOUT
    fault(phase, ctx)


def fault(phase, ctx):
    admin = ctx['admin']
    phase.max = HUNG + 150
    on = {host: [s.id for s in admin.compute.servers(all_projects=True)
                 if s.compute_host == host]
          for host in (CELL1_HOST, CELL2_HOST)}
    pyspy.ensure()
    one_notifier()
    logs = {arm: LogLines(name) for arm, name in ARMS.items()}
    notes = phase.notes
    notes['threads before'] = {arm: threads(n) for arm, n in ARMS.items()}
    watcher = events.ProcessWatcher()
    steps = []
    stopped = False
    try:
        time.sleep(BASELINE)
        phase.mark('fault')
        signal_cell2_db(signal.SIGSTOP)
        stopped = True
        time.sleep(BEFORE_CHANGE)
        phase.mark('cell1 host changes during the hang')
        change(watcher, CELL1_HOST, on[CELL1_HOST], notes, 'cell1 (hung)',
               steps)
        left = HUNG - (time.monotonic() - phase.marks['fault'])
        time.sleep(max(0.0, left))
        notes['threads at end of hang'] = {
            arm: threads(n) for arm, n in ARMS.items()}
        notes['threads in filter / reading a DB'] = {
            arm: '%d / %d' % stacks(n) for arm, n in ARMS.items()}
        phase.mark('undone')
        signal_cell2_db(signal.SIGCONT)
        stopped = False
        procs.wait_for(cell2.ready, 'cell2 MariaDB', 60)
        phase.mark('cell2 MariaDB answers')
        # NOTE: cell2's computes could not write a heartbeat while it
        # hung; wait for their next ones before changing a cell2 host.
        admin_s = client.session(layout.ADMIN)
        try:
            waiting.wait_until(
                lambda: all(shown(admin_s, s) == 'UP'
                            for s in on[CELL2_HOST]),
                EVENT_WAIT, 'cell2 hosts UP again', interval=0.5)
            phase.mark('cell2 hosts UP again')
        except TimeoutError:
            phase.mark('cell2 hosts not UP again within %d s' % EVENT_WAIT)
        change(watcher, CELL2_HOST, on[CELL2_HOST], notes,
               'cell2 (resumed)', steps)
        change(watcher, CELL1_HOST, on[CELL1_HOST], notes,
               'cell1 (resumed)', steps)
        phase.mark('changes after resume sent')
        time.sleep(QUIET)
    finally:
        if stopped:
            signal_cell2_db(signal.SIGCONT)
        received = watcher.events()
        watcher.stop()
        services.start(layout.NOTIFIERS[1])
        for host in on:
            scenario.start_compute(host)
    notes['timed-out cells logged (pool full)'] = {
        arm: '%d (%d)' % (log.matching(TIMED_OUT), log.matching(POOL_FULL))
        for arm, log in logs.items()}
    lost, duplicates, other = verdicts.delivery(steps, received)
    notes.update({
        'changes made': sum(len(ids) for _, ids, _, _ in steps),
        'lost': lost, 'duplicates': duplicates, 'other events': other})
    phase.settled_hooks.append(lambda: notes.update({
        'threads after recovery': {arm: threads(n)
                                   for arm, n in ARMS.items()}}))
