"""nova's api-paste.ini, with or without our filter, as an operator edits it.

The operator's change is the one the README documents: a
``[filter:host_status]`` section that loads the filter from the package's
entry point, and ``host_status`` right after ``keystonecontext`` in both
pipelines of the two v2.1 composites. Without the plugin the file is
nova's own, untouched.
"""

import re

from tools.minicloud import layout

COMPOSITES = ('composite:openstack_compute_api_v21',
              'composite:openstack_compute_api_v21_legacy_v2_compatible')
FILTER = '[filter:host_status]\nuse = egg:host-status-ext#host_status\n'


def with_filter(text):
    """Return nova's paste text with the filter added to both composites."""
    out, section, inserted = [], None, 0
    for line in text.splitlines(keepends=True):
        m = re.match(r'\s*\[([^\]]+)\]', line)
        if m:
            section = m.group(1).strip()
        elif section in COMPOSITES and re.search(r'\bkeystonecontext\b',
                                                 line):
            line = re.sub(r'\bkeystonecontext\b',
                          'keystonecontext host_status', line)
            inserted += 1
        out.append(line)
    if inserted < len(COMPOSITES):
        raise RuntimeError('keystonecontext not found in nova api-paste.ini')
    return ''.join(out).rstrip('\n') + '\n\n' + FILTER


def nova_original():
    return (layout.VENV / 'etc' / 'nova' / 'api-paste.ini').read_text()


def write(plugin):
    text = nova_original()
    layout.NOVA_PASTE.parent.mkdir(parents=True, exist_ok=True)
    layout.NOVA_PASTE.write_text(with_filter(text) if plugin else text)


def has_filter():
    return layout.NOVA_PASTE.exists() and \
        'egg:host-status-ext#host_status' in layout.NOVA_PASTE.read_text()
