"""Configuration options of host-status-notifier.

The notifier reads nova's own configuration (it needs ``[api_database]``,
``service_down_time``, ``servicegroup_driver`` and the messaging transport
exactly as nova sees them) plus these options, in the
``[host_status_notifier]`` group.
"""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'host_status_notifier',
    title='host-status-notifier options',
    help='Options of the host-status-notifier service, which emits one '
         'versioned notification per server whenever the host_status of '
         'its host changes.')

OPTS = [
    cfg.FloatOpt(
        'poll_interval',
        default=0.25,
        min=0.05,
        help='Seconds between two polls of the nova-compute service records. '
             'Each poll sends one query per cell (4 per second per cell at '
             'the default). This bounds the delay between a change '
             '(force-down, disable, heartbeat loss) and its notifications: a '
             'change is seen at most poll_interval after it is written, or '
             'after service_down_time has run out for a lost heartbeat. At '
             '0.5 the last of 200 servers was notified within 1 s of a '
             'force-down only 95% of the time on a busy 2-core machine; at '
             '0.25, 100% of the time.'),
    cfg.IntOpt(
        'cell_timeout',
        default=10,
        min=1,
        help='Seconds a poll waits for each cell. A cell that does not '
             'answer in time, or fails, is skipped for that poll: its hosts '
             'keep their last known host_status and nothing is emitted for '
             'them until the cell answers again.'),
    cfg.IntOpt(
        'cell_refresh_interval',
        default=300,
        min=1,
        help='Seconds between two reads of the cell mappings from the API '
             'database, so that a new cell is watched without a restart.'),
    cfg.StrOpt(
        'state_file',
        default='/var/lib/host-status-notifier/state.json',
        help='File where the last emitted host_status of every host is kept. '
             'It is rewritten (atomically) after the notifications of each '
             'changed host have been sent, and read at start-up, so that a '
             'change that happened while the notifier was stopped is emitted '
             'when it starts again, and nothing is emitted twice. Its '
             'directory must exist and be writable. If the file does not '
             'exist, the first poll records the current host_status of '
             'every host without emitting anything.'),
    cfg.IntOpt(
        'send_workers',
        default=8,
        min=1,
        help='How many notifications of one changed host are sent at once. '
             'With a real broker each send mostly waits for the network; '
             'several at once shorten the time until the last server of a '
             'large host is notified. 1 sends them one after the other.'),
    cfg.StrOpt(
        'driver',
        default='messagingv2',
        help='oslo.messaging notification driver used to send the '
             'notifications (messagingv2, log, noop, ...). The transport is '
             'the one of [oslo_messaging_notifications] transport_url, or '
             '[DEFAULT] transport_url when that is unset.'),
    cfg.ListOpt(
        'topics',
        default=['versioned_notifications'],
        help='Topics the notifications are sent to; with messagingv2 a '
             'consumer listens on <topic>.info.'),
    cfg.ListOpt(
        'owner_topics',
        default=[],
        help='Topics of the owner-facing feed, for ceilometer and the '
             'owners\' Aodh event alarms (with messagingv2 a consumer '
             'listens on <topic>.info). Each change is sent there, besides '
             'the operator\'s topics, only for the servers whose owner '
             'nova\'s policy lets see the new host_status '
             '(os_compute_api:servers:show:host_status, or '
             '...:unknown-only for UNKNOWN alone), and without an '
             'old_host_status the owner may not see. Empty (the default): '
             'no owner-facing feed. ceilometer must listen to these topics '
             'and never to the operator\'s (topics), which carry every '
             'change ungated; the notifier refuses to start if the two '
             'lists share a topic.'),
    cfg.ListOpt(
        'owner_roles',
        default=['member', 'reader'],
        help='Roles of the project member for whom nova\'s host_status '
             'rules are evaluated before a change goes to the owner-facing '
             'feed (the server\'s user, in the server\'s project). The '
             'default is the project member of nova\'s default policy; '
             'change it only if the operator\'s policy.yaml opens '
             'host_status to a role of its own.'),
    cfg.StrOpt(
        'publisher_host',
        sample_default='<hostname>',
        help='Host part of the publisher_id (host-status-notifier:<host>). '
             'Defaults to the host name of the machine.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
