"""nova's policy.yaml for the mini-cloud, and the operator's one line.

``OWNER_LINE`` is the line the README tells operators to add to open
host_status to a server's owner. oslo.policy re-reads the file when its
modification time changes, so switching it needs no restart.
"""

import json
import os

from tools.minicloud import layout

HOST_STATUS = 'os_compute_api:servers:show:host_status'
UNKNOWN_ONLY = 'os_compute_api:servers:show:host_status:unknown-only'
OWNER_LINE = {HOST_STATUS: 'rule:admin_or_owner'}

# NOTE: so that the (non-admin) owner can boot each server on the host the
# demo names with --host; nothing to do with host_status.
BASE = {'compute:servers:create:requested_destination': 'rule:admin_or_owner'}


def write(owner_line=False, extra=None):
    """Write policy.yaml: the base rules, the owner line if asked, ``extra``.

    One ``"rule": "check"`` line per rule, as an operator writes them (and
    as ``echo ... >> policy.yaml`` appends them); no YAML library needed.
    """
    rules = dict(BASE)
    if owner_line:
        rules.update(OWNER_LINE)
    rules.update(extra or {})
    path = layout.NOVA_POLICY
    path.parent.mkdir(parents=True, exist_ok=True)
    old_mtime = path.stat().st_mtime if path.exists() else None
    path.write_text('# nova policy overrides of the mini-cloud '
                    '(tools/minicloud/policy.py)\n' +
                    ''.join('%s: %s\n' % (json.dumps(k), json.dumps(v))
                            for k, v in rules.items()))
    # oslo.policy reloads on a changed mtime: make sure it changed even
    # when two writes land within the file system's time resolution.
    if old_mtime is not None and path.stat().st_mtime == old_mtime:
        later = old_mtime + 1
        os.utime(path, (later, later))
    return rules
