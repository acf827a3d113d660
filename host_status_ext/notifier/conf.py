"""Configuration options of host-status-notifier.

The notifier reads nova's own configuration (it needs ``[api_database]``,
``service_down_time``, ``servicegroup_driver`` and the messaging transport
exactly as nova sees them) plus these options, in the
``[host_status_notifier]`` group, and the notifiers' shared database in a
group of its own, ``[host_status_notifier_database]``, with oslo.db's
options as nova's ``[database]`` and ``[api_database]`` have them.
"""

import copy

from oslo_config import cfg
from oslo_db import options as oslo_db_options

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
        help='Seconds between two rounds of the notifier\'s own upkeep: '
             'which cells this instance owns (with coordination_url, the '
             'other instances\' cells are taken over at the first round '
             'after takeover_timeout), and the re-read of the hosts whose '
             'next change nova does not announce: a host that is UNKNOWN '
             'is re-read this often until its heartbeat is back (nova sends '
             'nothing when a heartbeat resumes), and so is every UP host '
             'whose servicegroup driver gives no time of its last '
             'heartbeat. It is no longer the interval of a read of every '
             'host: force-down, disable and enable are announced by nova\'s '
             'own service.update notifications, a lost heartbeat is '
             're-read when service_down_time runs out, and every host is '
             're-read every full_read_interval.'),
    cfg.FloatOpt(
        'full_read_interval',
        default=60.0,
        min=1.0,
        help='Seconds between two reads of every compute service record '
             'of a watched cell: the safety net that finds a change whose '
             'notification was lost (a broker outage, nova\'s notifications '
             'turned off, a record changed straight in the database). With '
             'nova\'s versioned notifications off ([notifications] '
             'notification_format = unversioned, or no '
             '[oslo_messaging_notifications] driver), a force-down, disable '
             'or enable is found only by this read: within this many '
             'seconds. A read costs one query and CPU in proportion to the '
             'cell\'s hosts (doc/source/admin/notifier.rst); each cell is '
             'read at its own moment, so the reads of many cells spread '
             'over the interval.'),
    cfg.IntOpt(
        'cell_timeout',
        default=10,
        min=1,
        help='Seconds a read of one cell may take. Each cell is read by a '
             'worker of its own, so a cell that does not answer delays no '
             'other cell; a new read of a cell starts only once its last '
             'one has returned. This bound is given to the database driver '
             'of the cell\'s connections (PyMySQL\'s connect_timeout, '
             'read_timeout and write_timeout, those the cell mapping\'s '
             'database_connection does not set itself), so that a hung '
             'database fails the read instead of holding the worker for '
             'ever; a read that has not '
             'returned after this long is logged once as a failure of the '
             'cell, and the cell is read again when it answers.'),
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
             'every host without emitting anything. Used only when '
             'connection is unset (one instance).'),
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
        'coordination_url',
        secret=True,
        help='tooz backend URL (for example redis://127.0.0.1:6379 or '
             'etcd3+http://127.0.0.1:2379) through which several '
             'host-status-notifiers share the cells: each cell is watched '
             'by exactly one live instance at a time, spare instances '
             'stand by, and the cells of an instance that dies are taken '
             'over within takeover_timeout. Needs a shared database '
             '(connection). Unset: this instance watches every cell by '
             'itself and must be the only one.'),
    cfg.IntOpt(
        'takeover_timeout',
        default=3,
        min=1,
        help='Seconds after which the cells of an instance that stopped '
             'heartbeating (killed, paused, cut off) are taken over by '
             'another: its tooz lock and group membership expire after '
             'this long, and the other instances look every poll_interval. '
             'Lower means a shorter blind spot after a crash, but an '
             'instance stalled for longer than this (a long garbage '
             'collection, a slow database) loses its cells and is fenced.'),
    cfg.IntOpt(
        'send_retry',
        default=0,
        min=0,
        help='How many times the messaging driver reconnects and retries '
             'one notification before it gives up and the failure reaches '
             'the notifier (oslo.messaging\'s "retry"). The change then '
             'stays pending in the state and is sent again, with the same '
             'event_id, after poll_interval (then at longer intervals, up to '
             '10 s, while the broker stays away); reads go on meanwhile. 0: '
             'one attempt each time, so that a broker that is down costs a '
             'failed connection per attempt and no read waits for it.'),
    cfg.FloatOpt(
        'send_timeout',
        default=2.0,
        min=0.1,
        help='Seconds a poll waits for the broker to accept (publisher '
             'confirms) the next of a changed host\'s notifications; a '
             'host of many servers may take longer in all, as long as the '
             'broker keeps accepting. Past that the change stays pending '
             'and is sent again later, with the same event_id, and no new '
             'send starts until the late ones have finished, so that a '
             'hung broker delays the notifications but not the polls. Keep '
             'it well under takeover_timeout.'),
    cfg.StrOpt(
        'publisher_host',
        sample_default='<hostname>',
        help='Host part of the publisher_id (host-status-notifier:<host>). '
             'Defaults to the host name of the machine.'),
]


DATABASE_GROUP = cfg.OptGroup(
    'host_status_notifier_database',
    title='host-status-notifier\'s shared database',
    help='The database that several host-status-notifiers share (oslo.db\'s '
         'options, as in nova\'s [database]): the last host_status sent for '
         'every host, the change being sent and each cell\'s fencing '
         'epoch, so that any instance can take a cell over without losing '
         'or repeating a change. Its schema is created and upgraded by '
         'host-status-notifier-dbsync, never by the service, which refuses '
         'to start on a schema of another release.')

CONNECTION_HELP = (
    'SQLAlchemy URL of the notifiers\' own database (for example '
    'mysql+pymysql://user:password@db/host_status_notifier?charset=utf8mb4'
    '&read_timeout=30, or sqlite:////var/lib/host-status-notifier/state.db '
    'for instances on one machine). Required with [host_status_notifier] '
    'coordination_url; without either, [host_status_notifier] state_file is '
    'used. Run host-status-notifier-dbsync once before the first start and '
    'after each upgrade.')


def _database_opts():
    """oslo.db's options, for this group only.

    A copy, without the deprecated names oslo.db gives them ([DEFAULT]
    sql_connection, [sql] ...): in nova.conf those are nova's own.
    ``connection`` keeps the name it had before this group existed,
    ``[host_status_notifier] connection``, as a deprecated one.
    """
    opts = []
    for opt in copy.deepcopy(oslo_db_options.database_opts):
        if opt.name == 'use_db_reconnect':
            continue  # NOTE: experimental in oslo.db; nova removes it too.
        opt.deprecated_opts = []
        if opt.name == 'connection':
            opt.help = CONNECTION_HELP
            opt.deprecated_opts = [
                cfg.DeprecatedOpt('connection', group=GROUP.name)]
        opts.append(opt)
    return opts


DATABASE_OPTS = _database_opts()


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)
    conf.register_group(DATABASE_GROUP)
    conf.register_opts(DATABASE_OPTS, group=DATABASE_GROUP)


def database(conf):
    """``(connection, oslo.db engine options)`` of the shared database.

    :returns: ``(None, {})`` when no shared database is configured.
    """
    group = conf.host_status_notifier_database
    options = {opt.dest: group[opt.dest] for opt in DATABASE_OPTS
               if opt.dest != 'connection'}
    return group.connection, options


def list_opts():
    return [(GROUP, OPTS), (DATABASE_GROUP, DATABASE_OPTS)]
