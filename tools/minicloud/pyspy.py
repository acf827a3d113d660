"""Sampling profiles of the running nova-apis, with py-spy from PyPI.

The load run (``tox -e load -- SECONDS --profile DIR``) records each
nova-api's uWSGI workers (``--subprocesses`` of the master) for a phase,
while the clients load it: one raw collapsed-stack file per nova-api and
phase (``py-spy record --format raw``, the input of flamegraph tools), and
a summary of the functions that held most samples, by their own samples
and by the samples under them. py-spy is installed into the mini-cloud's
venv on first use: only this tool needs it.
"""

import collections
import pathlib
import subprocess

from tools.minicloud import layout

PY_SPY = 'py-spy==0.4.3'
RATE = 97


def ensure():
    if not pathlib.Path(layout.venv_bin('py-spy')).exists():
        subprocess.run([layout.venv_bin('python'), '-m', 'pip', '-q',
                        '--disable-pip-version-check', 'install', PY_SPY],
                       check=True)


def record(pid, seconds, out, native=False):
    """Start py-spy on uWSGI master *pid* and its workers; a Popen."""
    argv = [layout.venv_bin('py-spy'), 'record', '--pid', str(pid),
            '--subprocesses', '--duration', str(int(seconds)), '--rate',
            str(RATE), '--format', 'raw', '--output', str(out),
            '--nonblocking']
    if native:
        argv.append('--native')
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stacks(raw):
    """``(stack, samples)`` of each line of py-spy's collapsed-stack file.

    *stack* is the line's ``;``-joined frames, as py-spy wrote them.
    """
    with open(raw) as f:
        for line in f:
            line = line.strip()
            if line:
                stack, _, count = line.rpartition(' ')
                yield stack, int(count)


def summary(raw, top=25, match=None):
    """Text: the functions with most samples in collapsed-stack file *raw*.

    :param match: only frames whose text contains it (e.g. a package path).
    """
    own = collections.Counter()
    under = collections.Counter()
    total = 0
    for stack, count in stacks(raw):
        total += count
        # The first frame is the process, the second the thread.
        frames = [fr for fr in stack.split(';')[2:] if fr]
        if frames:
            own[frames[-1]] += count
        for frame in set(frames):
            under[frame] += count
    lines = ['%s: %d samples' % (raw, total)]
    for title, counter in (('own samples', own),
                           ('samples under it (inclusive)', under)):
        lines.append('-- %s' % title)
        shown = 0
        for frame, count in counter.most_common():
            if match and match not in frame:
                continue
            lines.append('%6.2f%%  %s' % (100.0 * count / max(1, total),
                                          frame))
            shown += 1
            if shown >= top:
                break
    return '\n'.join(lines)
