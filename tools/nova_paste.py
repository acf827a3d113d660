"""nova's api-paste.ini with this project's filter, as an operator edits it.

The operator's change is the one the README gives: a
``[filter:host_status]`` section that loads the filter from the package's
entry point, and ``host_status`` right after ``keystonecontext`` in the
pipelines of nova's two v2.1 composites. The one place that makes that
change for the functional tests, the mini-cloud and the benchmarks; text
in, text out, the rest of nova's file untouched. Standard library only.
"""

import os
import re
import sys

COMPOSITES = ('composite:openstack_compute_api_v21',
              'composite:openstack_compute_api_v21_legacy_v2_compatible')
FILTER_NAME = 'host_status'
ENTRY_POINT = 'egg:host-status-ext#host_status'
FILTER_SECTION = '[filter:%s]\nuse = %s\n' % (FILTER_NAME, ENTRY_POINT)


def with_filter(text):
    """nova's api-paste.ini *text* with the filter after keystonecontext.

    :raises ValueError: if a composite's pipeline has no keystonecontext
        (not nova's file, or a layout this edit does not know).
    """
    out, section, inserted = [], None, set()
    for line in text.splitlines(keepends=True):
        header = re.match(r'\s*\[([^\]]+)\]', line)
        if header:
            section = header.group(1).strip()
        elif section in COMPOSITES and re.search(r'\bkeystonecontext\b',
                                                 line):
            line = re.sub(r'\bkeystonecontext\b',
                          'keystonecontext ' + FILTER_NAME, line)
            inserted.add(section)
        out.append(line)
    missing = set(COMPOSITES) - inserted
    if missing:
        raise ValueError('keystonecontext not found in %s of nova\'s '
                         'api-paste.ini' % ', '.join(sorted(missing)))
    return ''.join(out).rstrip('\n') + '\n\n' + FILTER_SECTION


def installed(prefix=None):
    """The api-paste.ini nova's wheel installs under *prefix* (this venv)."""
    return os.path.join(prefix or sys.prefix, 'etc', 'nova',
                        'api-paste.ini')


def write(target, host_status=True, source=None):
    """Write nova's api-paste.ini to *target*, with the filter if asked.

    :param source: nova's file (default: the one this venv's nova
        installs).
    :returns: *target*.
    """
    with open(source or installed()) as f:
        text = f.read()
    with open(target, 'w') as f:
        f.write(with_filter(text) if host_status else text)
    return target
