"""nova's own api-paste.ini, with and without this project's filter."""

import os
import sys

FILTER_SECTION = """
[filter:host_status]
use = egg:host-status-ext#host_status
"""


def nova_api_paste_ini():
    """The api-paste.ini that nova's wheel installs in the environment."""
    return os.path.join(sys.prefix, 'etc', 'nova', 'api-paste.ini')


def with_host_status(text):
    """*text* with the filter after keystonecontext in both pipelines."""
    pipelines = text.count(' keystonecontext ')
    if pipelines != 2:
        raise ValueError('expected keystonecontext in the two compute API '
                         'pipelines, found it in %d' % pipelines)
    return (text.replace(' keystonecontext ', ' keystonecontext host_status ')
            + FILTER_SECTION)


def write_paste_ini(directory, host_status=True):
    """Write nova's api-paste.ini, with the filter if asked; its path."""
    with open(nova_api_paste_ini()) as source:
        text = source.read()
    if host_status:
        text = with_host_status(text)
    path = os.path.join(directory, 'api-paste.ini')
    with open(path, 'w') as target:
        target.write(text)
    return path
