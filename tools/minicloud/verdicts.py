"""What one reply of the fault run says, and the tallies of a phase.

Pure functions over decoded bodies (no I/O), so that what the fault run
counts as a leak, a lost host_status or a difference between the arms is
written once and can be read in one place.
"""

import collections
import json
import threading

from tools import stats

FIELD = 'host_status'


def server_views(body):
    """The server dicts of a show or a listing body ([] for anything else)."""
    if not isinstance(body, dict):
        return []
    if isinstance(body.get('servers'), list):
        return [s for s in body['servers'] if isinstance(s, dict)]
    if isinstance(body.get('server'), dict):
        return [body['server']]
    return []


def without_field(body):
    """``body`` with host_status taken out of its server views."""
    if not isinstance(body, dict):
        return body
    out = dict(body)
    if isinstance(body.get('servers'), list):
        out['servers'] = [_strip(s) for s in body['servers']]
    elif isinstance(body.get('server'), dict):
        out['server'] = _strip(body['server'])
    return out


def same_origin(body, origin, into):
    """``body`` with its links to ``origin`` rewritten to ``into``.

    Two nova-apis side by side (scheme://host:port) each name themselves
    in the links of their views.
    """
    return json.loads(json.dumps(body).replace(
        json.dumps(origin)[1:-1] + '/', json.dumps(into)[1:-1] + '/'))


def _strip(server):
    if not isinstance(server, dict):
        return server
    return {k: v for k, v in server.items() if k != FIELD}


def full_views(body):
    """Server views that are whole records.

    A down cell's partial record (from 2.69) has no hostId.
    """
    return [s for s in server_views(body) if 'hostId' in s]


class Verdict(collections.namedtuple('Verdict', [
        'leaks', 'lost', 'normal'])):
    """One reply, judged.

    ``leaks``: server views carrying host_status for a caller who may not
    see it. ``lost``: {cell: number} of whole records without host_status
    for a caller who may see it. ``normal``: the reply is what the caller
    gets when nothing is broken (200, every expected server, each with
    host_status if the caller may see it and without it otherwise).
    """


def judge(reply, allowed, expected_ids, cell_of):
    """Judge one reply.

    :param expected_ids: the ids a healthy reply holds (one for a show).
    :param cell_of: server id -> cell name (None where not known).
    """
    if reply.status != 200:
        return Verdict(0, {}, False)
    views = server_views(reply.body)
    whole = full_views(reply.body)
    leaks = 0 if allowed else sum(FIELD in s for s in views)
    lost = collections.Counter(
        cell_of.get(s.get('id')) for s in whole if allowed and FIELD not in s)
    ids = {s.get('id') for s in whole}
    normal = (ids == set(expected_ids) and len(whole) == len(views)
              and not leaks and not lost)
    return Verdict(leaks, dict(lost), normal)


def differs(plain, ours, origins=None):
    """How the two arms' replies to one pair differ beyond host_status.

    :param origins: (plain's origin, ours) to compare links as one.
    :returns: None if they do not; else 'status' or 'body'.
    """
    if plain.status != ours.status:
        return 'status'
    if plain.status != 200:
        return None
    theirs = plain.body if origins is None else same_origin(plain.body,
                                                            *origins)
    if without_field(theirs) != without_field(ours.body):
        return 'body'
    return None


class Tally(object):
    """One phase's counts for one arm; client threads add to it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.statuses = collections.Counter()
        self.leaks = 0
        self.lost = collections.Counter()
        self.differs = collections.Counter()
        # (start, end, normal, lost) of every reply, for the time to
        # recover and the counts within a window of the phase.
        self.timeline = []

    def add(self, reply, verdict, difference=None):
        with self.lock:
            self.requests += 1
            if reply.status != 200:
                self.statuses[str(reply.status)] += 1
            self.leaks += verdict.leaks
            self.lost.update(verdict.lost)
            if difference:
                self.differs[difference] += 1
            self.timeline.append((reply.start, reply.end, verdict.normal,
                                  verdict.lost))

    def normal_since_last_abnormal(self, since):
        """Normal replies sent after the last abnormal one (after since)."""
        with self.lock:
            sent = [(s, normal) for s, _, normal, _ in self.timeline
                    if s >= since]
        last_bad = max([s for s, normal in sent if not normal],
                       default=since)
        return sum(1 for s, normal in sent if normal and s > last_bad)

    def percentiles(self, *ps):
        """Latency percentiles of every reply, in s (nan if none)."""
        with self.lock:
            times = [e - s for s, e, _, _ in self.timeline]
        if not times:
            return [float('nan')] * len(ps)
        return [round(stats.percentile(times, p), 3) for p in ps]

    def errors(self):
        return sum(self.statuses.values())

    def recovery(self, undone):
        """Seconds from ``undone`` to the end of the last abnormal reply.

        Of the replies that started after ``undone``; 0.0 if none was.
        """
        late = [e for s, e, normal, _ in self.timeline
                if not normal and s >= undone]
        return max(late) - undone if late else 0.0

    def lost_between(self, start, end, cell):
        """Whole records of ``cell`` without host_status.

        In the replies that started in [start, end).
        """
        return sum(lost.get(cell, 0) for s, _, _, lost in self.timeline
                   if start <= s < end)


def delivery(steps, received):
    """``(lost, duplicates, other events)`` of the notifier's changes.

    A step's event is one of its transition for one of its servers,
    received after the step and before the next step began; a server that
    got none of its step's is lost (its owner never heard of that change,
    even late), one that got several has duplicates. Every other event is
    counted as other (cell2's hosts going UNKNOWN and back as the notifier
    reads their stale heartbeats once the cell answers again).

    :param steps: the changes made, in order, as ``(when, server ids, old,
        new)`` (``when`` on the clock of the events' ``received``).
    :param received: the notifier's events (``tools.minicloud.events``
        ``Event``: ``received`` and the payload's ``data``), as a consumer
        received them.
    """
    lost = duplicates = 0
    attributed = set()
    for i, (start, ids, old, new) in enumerate(steps):
        end = steps[i + 1][0] if i + 1 < len(steps) else float('inf')
        for sid in ids:
            mine = [n for n, e in enumerate(received)
                    if start <= e.received < end
                    and (e.data.get('uuid'), e.data.get('old_host_status'),
                         e.data.get('host_status')) == (sid, old, new)]
            attributed.update(mine)
            lost += not mine
            duplicates += max(0, len(mine) - 1)
    return lost, duplicates, len(received) - len(attributed)
