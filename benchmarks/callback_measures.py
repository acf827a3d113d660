"""What the owner-callback benchmark measures besides the wall clock.

Kept apart from ``owner_callback_bench.py`` (which drives the runs): the
percentiles, the split of each event's way from the services' own clocks,
the CPU the telemetry services spend per event, and py-spy around a burst.
Runs in the mini-cloud's venv, standard library and ``tools.minicloud``
only.
"""

import datetime
import os
import re
import signal
import statistics
import time

from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import pyspy
from tools import stats

# The services whose CPU is counted per event: each is a process group
# (a cotyledon master and its workers), started by the launcher.
CPU_SERVICES = ('ceilometer-agent-notification', 'aodh-listener',
                'aodh-notifier') + tuple(layout.NOTIFIERS)
PROFILED = ('ceilometer-agent-notification', 'aodh-listener',
            'aodh-notifier')
TICK = os.sysconf('SC_CLK_TCK')
LOG_LINE = re.compile(
    r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*?Event <id=([0-9a-f-]{36}),')


def summary(values):
    """p50, p99 (by nearest rank: with 20 runs, the worst), max and n."""
    if not values:
        return 'no samples'
    return 'p50 %.3f s  p99 %.3f s  max %.3f s  (n=%d)' % (
        stats.percentile(values, 50), stats.percentile(values, 99),
        max(values), len(values))


def load_average():
    return ' '.join('%.2f' % x for x in os.getloadavg())


# -- CPU of the services ------------------------------------------------------

def group_cpu(name):
    """Seconds of CPU (user + system) of service *name*'s process group.

    Counts the processes alive now: a worker that exited since the last
    sample takes its ticks with it, which the launcher's services do not
    do while they run.
    """
    leader = procs.pid(name)
    if not leader:
        return None
    ticks = 0
    for _pid, fields in procs.stat_fields():
        if len(fields) > 12 and fields[2] == str(leader):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / float(TICK)


def cpu_sample():
    return {name: group_cpu(name) for name in CPU_SERVICES}, time.monotonic()


def idle_rate(seconds=5.0):
    """CPU seconds per second of each service while nothing happens."""
    before, t0 = cpu_sample()
    time.sleep(seconds)
    after, t1 = cpu_sample()
    return {n: (after[n] - before[n]) / (t1 - t0)
            for n in CPU_SERVICES if before[n] is not None and
            after[n] is not None}


def cpu_per_event(before, after, idle, events):
    """Milliseconds of CPU per event of each service, idle CPU removed."""
    (b, t0), (a, t1) = before, after
    out = {}
    for name in CPU_SERVICES:
        if b.get(name) is None or a.get(name) is None or not events:
            continue
        busy = a[name] - b[name] - idle.get(name, 0.0) * (t1 - t0)
        out[name] = 1000.0 * max(0.0, busy) / events
    return out


# -- where each event's time goes -------------------------------------------

def log_times(name):
    """``{event message id: wall time}`` from a service's log lines."""
    found = {}
    try:
        with open(procs.logfile(name), encoding='utf-8',
                  errors='replace') as f:
            for line in f:
                m = LOG_LINE.match(line)
                if m:
                    found.setdefault(m.group(2), datetime.datetime.strptime(
                        m.group(1), '%Y-%m-%d %H:%M:%S.%f').timestamp())
    except OSError:
        pass
    return found


def generated(post):
    """When the notifier sent the event (UTC, the message's timestamp)."""
    text = post['body']['reason_data']['event']['generated']
    when = datetime.datetime.fromisoformat(text.replace('Z', ''))
    return when.replace(tzinfo=datetime.timezone.utc).timestamp()


STAGES = ('returned -> notifier sent',
          'notifier sent -> aodh-listener fires',
          'aodh-listener fires -> aodh-notifier posts',
          'aodh-notifier posts -> webhook received')


def add_log_times(runs):
    """Add aodh-listener's and aodh-notifier's log times to each event."""
    listener = log_times('aodh-listener')
    notifier = log_times('aodh-notifier')
    for run in runs:
        for event in run['events']:
            event['listener'] = listener.get(event['message_id'])
            event['notifier'] = notifier.get(event['message_id'])


def stages(runs):
    """Lines: the median of each stage, over every event and the last ones.

    The split the notifier's side and the telemetry side are judged by:
    "returned -> notifier sent" is the notifier's (detection, look-up,
    policy, sending), the rest is ceilometer's and aodh's.
    """
    parts = {k: [] for k in STAGES}
    last = {k: [] for k in STAGES}
    sent_to_last = []
    for run in runs:
        ordered = sorted(run['events'], key=lambda e: e['received'])
        if ordered:
            first_sent = min(e['generated'] for e in ordered)
            sent_to_last.append(ordered[-1]['received'] - first_sent)
        for event in ordered:
            if not (event.get('listener') and event.get('notifier')):
                continue
            values = (event['generated'] - run['returned_wall'],
                      event['listener'] - event['generated'],
                      event['notifier'] - event['listener'],
                      event['received'] - event['notifier'])
            for key, value in zip(STAGES, values):
                parts[key].append(value)
                if event is ordered[-1]:
                    last[key].append(value)
    lines = []
    for key in STAGES:
        if parts[key]:
            lines.append('%-44s median %.3f s (every event), %.3f s (the '
                         'last of each run)' % (
                             key, statistics.median(parts[key]),
                             statistics.median(last[key] or [0])))
    if sent_to_last:
        lines.append('%-44s %s' % ('first event sent -> last webhook',
                                   summary(sent_to_last)))
    return lines


# -- py-spy around a burst --------------------------------------------------

# What each service does with an event, by the frames of py-spy's stacks:
# a stack counts for the first part any of whose frames it holds, so the
# specific parts come before the general ones, and the last ("the rest")
# takes what is left (receiving, dispatching, acknowledging).
PARTS = {
    'aodh-listener': (
        ('record the history row (record_history)',
         ('_record_change (aodh/evaluator/__init__.py',)),
        ('update the alarm row', ('update_alarm (aodh/storage',)),
        ('hand the alarm to aodh-notifier (AMQP publish)',
         ('notify (aodh/queue.py',)),
        ('log', ('logging/__init__.py',)),
        ("read the project's alarms", ('_get_project_alarms (',)),
        ('match the event against the alarms',
         ('_evaluate_alarm (aodh/evaluator/event.py',)),
        ('parse the event', ('__init__ (aodh/evaluator/event.py',)),
        ('receive, dispatch, acknowledge (oslo.messaging, kombu)', ('',)),
    ),
    'ceilometer-agent-notification': (
        ('convert the notification (event definitions)',
         ('to_event (ceilometer/event/converter.py',)),
        ('sign the event (telemetry_secret)',
         ('compute_signature (ceilometer/publisher/utils.py',)),
        ('publish the event (AMQP)',
         ('publish_events (ceilometer/publisher/messaging.py',)),
        ('log', ('logging/__init__.py',)),
        ('receive, dispatch, acknowledge (oslo.messaging, kombu)', ('',)),
    ),
    'aodh-notifier': (
        ('POST to the webhook (requests)', ('notify (aodh/notifier/rest.py',)),
        ('log', ('logging/__init__.py',)),
        ('receive, dispatch, acknowledge (oslo.messaging, kombu)', ('',)),
    ),
}


def where_time_goes(raw, service, events):
    """Lines: thread time per event in each part of *service*, from py-spy.

    py-spy samples ``pyspy.RATE`` times a second the threads it does not
    take for idle; a thread waiting on MariaDB's or RabbitMQ's answer
    counts (the figures add up to several times the CPU the process's
    ticks show): samples / rate is the time a thread spent in a part,
    over *events* events, and says which part holds an event up.
    """
    counts = {name: 0 for name, _ in PARTS[service]}
    total = 0
    for stack, count in pyspy.stacks(raw):
        total += count
        for name, patterns in PARTS[service]:
            if any(p in stack for p in patterns):
                counts[name] += count
                break
    scale = 1000.0 / pyspy.RATE / max(1, events)
    lines = ['%s: %.2f ms of thread time per event (py-spy, %d samples, '
             '%d events)' % (service, total * scale, total, events)]
    lines.extend('    %-56s %6.2f ms  %5.1f%%' % (
        name, counts[name] * scale, 100.0 * counts[name] / max(1, total))
        for name, _ in PARTS[service])
    return lines


class Profiler(object):
    """py-spy on the telemetry services while a block of runs goes on."""

    def __init__(self, directory, tag):
        self.directory = directory
        self.tag = tag
        self.recorders = {}

    def raw(self, name):
        return os.path.join(self.directory, '%s-%s.txt' % (self.tag, name))

    def __enter__(self):
        pyspy.ensure()
        os.makedirs(self.directory, exist_ok=True)
        for name in PROFILED:
            leader = procs.pid(name)
            if leader:
                self.recorders[name] = pyspy.record(
                    leader, 3600, self.raw(name))
        return self

    def __exit__(self, *exc):
        for proc in self.recorders.values():
            proc.send_signal(signal.SIGINT)
        for proc in self.recorders.values():
            proc.wait(timeout=120)
        return False

    def report(self, events):
        """Write each service's summary and parts beside its raw file."""
        lines = []
        for name in self.recorders:
            if not os.path.exists(self.raw(name)):
                continue
            parts = where_time_goes(self.raw(name), name, events)
            lines.extend(parts)
            text = pyspy.summary(self.raw(name), top=30)
            with open(self.raw(name) + '.summary', 'w') as f:
                f.write('\n'.join(parts) + '\n\n' + text + '\n')
        return lines
