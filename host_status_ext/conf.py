"""Configuration options of host-status-ext.

Options live in nova's own configuration (nova.conf), in the
``[host_status_ext]`` group, since the filter runs inside nova-api.
``list_opts`` feeds ``oslo-config-generator --namespace host_status_ext``.
"""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'host_status_ext',
    title='host_status API filter options',
    help='Options of the host-status-ext paste filter, which adds '
         'host_status (microversion 2.16) to the server views of nova-api.')

API_OPTS = [
    cfg.IntOpt(
        'cell_timeout',
        default=10,
        min=1,
        help='Seconds the filter waits for each cell to return its '
             'nova-compute service records. A cell that has not answered in '
             'time, or that fails, is treated as down: its servers get no '
             'host_status and the response stays as nova made it. Keep it '
             'well below the timeout of whatever sits in front of nova-api.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(API_OPTS, group=GROUP)


def list_opts():
    # The notifier, a process of its own with its own file, has its own
    # namespace: host_status_ext.notifier.
    return [(GROUP, API_OPTS)]
