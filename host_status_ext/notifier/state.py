"""The state file: the last host_status emitted for every host.

One JSON document, ``{"version": 1, "cells": {cell_uuid: {host: status}}}``,
replaced atomically (write to a temporary file in the same directory, fsync,
``os.replace``) so that a crash leaves either the old or the new document,
never half of one. A host that is absent has host_status ``''``.
"""

import json
import os
import tempfile

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

FORMAT_VERSION = 1


class StateStore(object):
    """Load and save ``{cell_uuid: {host: host_status}}``."""

    def __init__(self, path):
        self.path = path

    def load(self):
        """Return the saved statuses, or ``None`` if there is no state yet.

        :returns: ``{cell_uuid: {host: status}}`` or ``None``.
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
                or doc.get('version') != FORMAT_VERSION
                or not isinstance(doc.get('cells'), dict)):
            raise ValueError('%s is not a host-status-notifier state file '
                             'of version %d' % (self.path, FORMAT_VERSION))
        return {cell: dict(hosts) for cell, hosts in doc['cells'].items()}

    def save(self, cells):
        """Replace the state file with *cells* (``{cell: {host: status}}``)."""
        doc = {'version': FORMAT_VERSION,
               'cells': {cell: {h: s for h, s in hosts.items() if s}
                         for cell, hosts in cells.items()}}
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
