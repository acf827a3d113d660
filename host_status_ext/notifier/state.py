"""What the notifier remembers of each cell; the state file of one instance.

For every host of a cell: the last host_status sent (``hosts``) and, while
a change is being sent, that change (``pending``: old and new status and
the time it was recorded). The manager records a change as pending before
it sends anything, sends, then commits it. Whoever finds a pending change
(this instance after a crash or a failed send, another after a takeover)
sends it again with the same ``changed_at``, hence the same event ids: at
most what was in flight is sent twice, and nothing is lost.

Two stores keep this, with the same methods: :class:`FileStore` here, one
JSON file for a notifier that runs alone, and
:class:`host_status_ext.notifier.shared_state.DatabaseStore`, a database
that several instances share, whose writes are fenced by a per-cell epoch.

The file is one JSON document, ``{"version": 2, "cells": {cell_uuid:
{host: status}}, "pending": {cell_uuid: {host: [old, new, changed_at]}}}``,
replaced atomically (write to a temporary file in the same directory,
fsync, ``os.replace``) so that a crash leaves either the old or the new
document, never half of one. A host that is absent has host_status ``''``.
Version 1 files (no ``pending``) are read as they are.
"""

import collections
import json
import os
import tempfile
import threading

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)

Pending = collections.namedtuple('Pending', ['old', 'new', 'changed_at'])
Pending.__doc__ = """A change being sent.

``changed_at`` is an ISO 8601 UTC string with microseconds, kept exactly as
recorded: the event ids are derived from it.
"""


class Fenced(Exception):
    """Another instance has taken this cell over: stop, write nothing."""


class CellState(object):
    """One cell as its current owner knows it."""

    def __init__(self, cell_uuid, epoch, baselined, hosts=None,
                 pending=None):
        self.cell_uuid = cell_uuid
        self.epoch = epoch
        self.baselined = baselined
        self.hosts = dict(hosts or {})
        self.pending = dict(pending or {})

    def expected(self):
        """``{host: status}`` a poll is compared with.

        A host with a pending change is compared with that change's new
        status: the change is already on its way.
        """
        known = dict(self.hosts)
        known.update({h: p.new for h, p in self.pending.items()})
        return known


class FileStore(object):
    """The state of every cell in one local file (one instance only)."""

    def __init__(self, path):
        self.path = path
        self._doc = None
        # NOTE: each cell's worker writes from its own thread; the file
        # holds them all.
        self._lock = threading.RLock()

    def _read(self):
        """The saved document, or ``None`` if there is no state yet.

        :raises ValueError: if the file exists but is not a state document;
            refusing to start is better than silently re-baselining and
            losing the changes that happened while the notifier was down.
        """
        try:
            with open(self.path, encoding='utf-8') as f:
                doc = json.load(f)
        except FileNotFoundError:
            return None
        if (not isinstance(doc, dict)
                or doc.get('version') not in READABLE_VERSIONS
                or not isinstance(doc.get('cells'), dict)):
            raise ValueError('%s is not a host-status-notifier state file '
                             'of version %s' % (
                                 self.path, ' or '.join(
                                     map(str, READABLE_VERSIONS))))
        doc.setdefault('pending', {})
        return doc

    def _loaded(self):
        if self._doc is None:
            self._doc = self._read() or {'cells': {}, 'pending': {}}
        return self._doc

    def take(self, cell_uuid, owner=None):
        """The cell's state; a cell the file does not know is not baselined.

        Without a state file at all, every cell starts with a silent
        baseline.
        """
        with self._lock:
            return self._take(cell_uuid)

    def _take(self, cell_uuid):
        doc = self._loaded()
        if cell_uuid not in doc['cells']:
            return CellState(cell_uuid, 0, False)
        pending = {h: Pending(*p)
                   for h, p in doc['pending'].get(cell_uuid, {}).items()}
        return CellState(cell_uuid, 0, True, doc['cells'][cell_uuid],
                         pending)

    def still_current(self, states):
        return {s.cell_uuid for s in states}

    def baseline(self, state, statuses):
        state.hosts = {h: s for h, s in statuses.items() if s}
        state.pending = {}
        state.baselined = True
        self._put(state)

    def record_pending(self, state, changes):
        if not changes:
            return
        state.pending.update(changes)
        self._put(state)

    def commit(self, state, host, new_status):
        state.pending.pop(host, None)
        if new_status:
            state.hosts[host] = new_status
        else:
            state.hosts.pop(host, None)
        self._put(state)

    def _put(self, state):
        with self._lock:
            doc = self._loaded()
            doc['cells'][state.cell_uuid] = dict(state.hosts)
            doc['pending'][state.cell_uuid] = {
                h: list(p) for h, p in state.pending.items()}
            self.save(doc['cells'], doc['pending'])

    def save(self, cells, pending=None):
        """Replace the state file with *cells* and *pending*.

        :param cells: ``{cell: {host: status}}``.
        :param pending: ``{cell: {host: [old, new, changed_at]}}``.
        """
        doc = {'version': FORMAT_VERSION,
               'cells': {cell: {h: s for h, s in hosts.items() if s}
                         for cell, hosts in cells.items()},
               'pending': {cell: {h: list(p) for h, p in hosts.items()}
                           for cell, hosts in (pending or {}).items()
                           if hosts}}
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix='.host-status-', dir=directory)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as f:
                json.dump(doc, f, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
