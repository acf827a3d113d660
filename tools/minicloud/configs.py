"""The services' configuration files, written fresh on every ``up``.

Each function returns the text of one file; ``write_all`` puts them under
``<state>/etc``. Only what differs from the services' defaults is set, and
each unusual setting says why (most come from MINICLOUD-FACTS).
"""

import shutil

from tools.minicloud import layout
from tools.minicloud import paste
from tools.minicloud import policy

RABBIT = 'rabbit://guest:guest@%s:5672/' % layout.HOST
# cell2's transport: a vhost of its own on the same RabbitMQ.
CELL2_RABBIT = RABBIT + layout.CELL2_VHOST


def _ini(sections):
    out = []
    for name, opts in sections.items():
        out.append('[%s]' % name)
        out.extend('%s = %s' % (k, v) for k, v in opts.items())
        out.append('')
    return '\n'.join(out)


def _auth(user):
    """Credentials of a service user, as keystoneauth's password plugin."""
    return {
        'auth_url': layout.KEYSTONE_URL,
        'auth_type': 'password',
        'project_domain_name': 'Default',
        'user_domain_name': 'Default',
        'project_name': 'service',
        'username': user,
        'password': layout.PASSWORD,
        'region_name': layout.REGION,
    }


def _authtoken(user):
    opts = dict(_auth(user), www_authenticate_uri=layout.KEYSTONE_URL)
    opts.pop('region_name')
    return opts


def _lock(name):
    return {'lock_path': str(layout.DATA / name / 'locks')}


def keystone():
    keys = layout.DATA / 'keystone'
    return _ini({
        'DEFAULT': {},
        'database': {'connection': layout.db_url('keystone')},
        'token': {'provider': 'fernet'},
        'fernet_tokens': {'key_repository': keys / 'fernet-keys'},
        'fernet_receipts': {'key_repository': keys / 'fernet-keys'},
        'credential': {'key_repository': keys / 'credential-keys'},
    })


def placement():
    return _ini({
        'placement_database': {'connection': layout.db_url('placement')},
        'api': {'auth_strategy': 'keystone'},
        'keystone_authtoken': _authtoken('placement'),
    })


def glance():
    data = layout.DATA / 'glance'
    return _ini({
        'DEFAULT': {'enabled_backends': 'fs:file'},
        'database': {'connection': layout.db_url('glance')},
        'keystone_authtoken': _authtoken('glance'),
        'paste_deploy': {
            'flavor': 'keystone',
            'config_file': layout.ETC / 'glance' / 'glance-api-paste.ini'},
        'glance_store': {'default_backend': 'fs'},
        'fs': {'filesystem_store_datadir': data / 'images'},
        'os_glance_staging_store': {
            'filesystem_store_datadir': data / 'staging'},
        'os_glance_tasks_store': {'filesystem_store_datadir': data / 'tasks'},
        'oslo_concurrency': _lock('glance'),
    })


def neutron():
    return _ini({
        'DEFAULT': {
            'core_plugin': 'ml2',
            # NOTE: without the router plugin GET /v2.0/ports fails on
            # 'port_forwardings', and nova's server create with it.
            'service_plugins': 'router',
            'auth_strategy': 'keystone',
            'transport_url': RABBIT,
            'state_path': layout.DATA / 'neutron',
            'api_paste_config': layout.ETC / 'neutron' / 'api-paste.ini',
            # No nova notifications: no agents, no port bindings here.
            'notify_nova_on_port_status_changes': 'false',
            'notify_nova_on_port_data_changes': 'false',
        },
        'database': {'connection': layout.db_url('neutron')},
        'keystone_authtoken': _authtoken('neutron'),
        'oslo_concurrency': _lock('neutron'),
    })


def ml2():
    # ML2 with no agents and no mechanism drivers: servers are booted
    # with --nic none, but nova-api still asks neutron about ports.
    return _ini({
        'ml2': {'type_drivers': 'flat', 'tenant_network_types': '',
                'mechanism_drivers': '',
                'extension_drivers': 'port_security'},
        'ml2_type_flat': {'flat_networks': '*'},
    })


def _nova_common():
    return {
        'DEFAULT': {
            'transport_url': RABBIT,
            'my_ip': layout.HOST,
            'state_path': layout.DATA / 'nova',
            'report_interval': layout.REPORT_INTERVAL,
            'service_down_time': layout.SERVICE_DOWN_TIME,
            'compute_driver': 'fake.PredictableNodeUUIDDriver',
        },
        'api': {'auth_strategy': 'keystone'},
        'wsgi': {'api_paste_config': layout.NOVA_PASTE},
        'oslo_policy': {'policy_file': layout.NOVA_POLICY},
        'keystone_authtoken': _authtoken('nova'),
        'service_user': dict(_auth('nova'), send_service_user_token='true'),
        'placement': _auth('nova'),
        'neutron': _auth('nova'),
        'glance': {'region_name': layout.REGION},
        'scheduler': {'discover_hosts_in_cells_interval': -1,
                      'workers': 1},
        'conductor': {'workers': 1},
        'vnc': {'enabled': 'false'},
        'oslo_concurrency': _lock('nova'),
        # nova's versioned notifications, as a cloud that runs ceilometer
        # has them: host-status-notifier wakes up on service.update.
        'oslo_messaging_notifications': {'driver': 'messagingv2'},
        'notifications': {'notification_format': 'both'},
    }


def nova():
    sections = _nova_common()
    sections['api_database'] = {'connection': layout.db_url('nova_api')}
    sections['database'] = {'connection': layout.db_url('nova')}
    return _ini(sections)


def nova_compute():
    # NOTE: nova-compute refuses to start when it sees [database] or
    # [api_database]: it gets a file of its own without them.
    sections = _nova_common()
    # NOTE: the fake driver reports 2 VCPUs and 8000 MB; at nova's default
    # ratios a host takes 8 servers of m1.tiny, and the notifier's cloud
    # benchmark puts 200 on one host.
    sections['DEFAULT']['cpu_allocation_ratio'] = 128
    sections['DEFAULT']['ram_allocation_ratio'] = 4.0
    return _ini(sections)


def nova_compute_host(host):
    default = {'host': host, 'state_path': compute_state(host)}
    if layout.cell_of(host) == layout.CELL2:
        default['transport_url'] = CELL2_RABBIT
    return _ini({'DEFAULT': default})


def nova_cell2():
    """cell2's conductor (and ``nova-manage db sync`` of cell2's database).

    Its cell's database and transport; the API database too, for the
    conductor's calls up to the API level (reschedules).
    """
    sections = _nova_common()
    sections['DEFAULT'] = dict(sections['DEFAULT'],
                               transport_url=CELL2_RABBIT)
    sections['api_database'] = {'connection': layout.db_url('nova_api')}
    sections['database'] = {'connection': layout.cell2_db_url()}
    return _ini(sections)


def compute_state(host):
    return layout.DATA / host


def notifier():
    """host-status-notifier's own file, read after nova.conf.

    nova.conf gives it the databases, the servicegroup settings, the
    transport, and nova's notification settings: it listens to nova's
    ``service.update`` on nova-api's transport and each cell's. The topic
    of its events is nova's own versioned topic, so a consumer picks them
    out by event type.
    """
    return _ini({'host_status_notifier': {
        'state_file': layout.NOTIFIER_STATE,
        # The default, written out so that this file and the consumers
        # that read layout.NOTIFIER_TOPIC cannot disagree.
        'topics': layout.NOTIFIER_TOPIC,
        # The policy-gated feed for the owners' alarms: ceilometer listens
        # here, and only here.
        'owner_topics': layout.OWNER_TOPIC,
        # Two instances share the cells (doc/source/admin/notifier-ha.rst).
        'coordination_url': layout.REDIS_URL,
        'takeover_timeout': layout.NOTIFIER_TAKEOVER_TIMEOUT,
    }, 'host_status_notifier_database': {
        # Its schema is host-status-notifier-dbsync's (bootstrap.py).
        'connection': layout.db_url('host_status_notifier'),
    }})


def notifier_instance(name):
    """What differs between the notifiers: the name they publish under."""
    return _ini({'host_status_notifier': {
        'publisher_host': layout.notifier_publisher_host(name)}})


def notifier_without_notifications():
    """Read last by a notifier that must do without nova's notifications.

    What a cloud without them looks like to the notifier (the e2e test of
    the safety net): nothing to listen to, every cell read every few
    seconds.
    """
    return _ini({
        'notifications': {'notification_format': 'unversioned'},
        'host_status_notifier': {'full_read_interval': 3}})


def redis():
    """redis-server for tooz: loopback, no persistence, argv kept.

    ``set-proc-title no`` keeps the command line (which names this file,
    hence the state folder) so that the launcher recognises its process.
    """
    return '\n'.join([
        '# Written by tools/minicloud: the notifiers\' tooz backend.',
        'bind %s' % layout.HOST,
        'port %d' % layout.REDIS_PORT,
        'dir %s' % (layout.DATA / 'redis'),
        'save ""',
        'appendonly no',
        'set-proc-title no',
        ''])


def ceilometer():
    """ceilometer-agent-notification: events only, from the owner topic.

    ``pipelines = event`` leaves out the meter pipeline (and with it
    gnocchi and any keystone credentials). It listens to the notifier's
    owner-facing topic alone, never to the operator's
    (``versioned_notifications``), which carries every change ungated.
    The event definitions and the pipeline are the project's own files
    under etc/ceilometer, as an operator merges them.
    """
    return _ini({
        'DEFAULT': {
            'transport_url': RABBIT,
            'event_pipeline_cfg_file': layout.CEILOMETER_EVENT_PIPELINE,
        },
        'notification': {
            'pipelines': 'event',
            # The notifier sends on nova's exchange.
            'notification_control_exchanges': layout.NOTIFICATION_EXCHANGE,
            'workers': 1,
        },
        'oslo_messaging_notifications': {'topics': layout.OWNER_TOPIC},
        'event': {
            'definitions_cfg_file': layout.CEILOMETER_EVENT_DEFINITIONS,
            'drop_unmatched_notifications': 'true',
        },
    })


# oslo.log's default levels and aodh's own additions, plus one: the event
# evaluator logs an INFO line for every alarm of the project that an event
# does not match (50 alarms, 50 events: 2,500 lines per host failure).
# aodh.evaluator's "transitioning to alarm" lines stay.
AODH_LOG_LEVELS = ','.join((
    'amqp=WARN', 'boto=WARN', 'sqlalchemy=WARN', 'suds=INFO',
    'oslo.messaging=INFO', 'oslo_messaging=INFO', 'iso8601=WARN',
    'requests.packages.urllib3.connectionpool=WARN',
    'urllib3.connectionpool=WARN', 'websocket=WARN',
    'requests.packages.urllib3.util.retry=WARN', 'urllib3.util.retry=WARN',
    'keystonemiddleware=WARN', 'routes.middleware=WARN', 'stevedore=WARN',
    'taskflow=WARN', 'keystoneauth=WARN', 'oslo.cache=INFO',
    'oslo_policy=INFO', 'dogpile.core.dogpile=INFO', 'futurist=INFO',
    'keystoneclient=INFO', 'oslo_db.sqlalchemy=WARN', 'cotyledon=INFO',
    'aodh.evaluator.event=WARN'))


def aodh():
    """aodh-api (keystone auth), aodh-listener and aodh-notifier.

    NOTE: ``event_alarm_cache_ttl``: the listener keeps each project's
    alarms for that long instead of reading them from the database for
    every event (with 0 it reads the 50 alarms of a project 50 times when a
    host of 50 servers fails). A new alarm is then missed by events within
    that time of the project's last one: 10 s here, not aodh's 60 s, so that
    a test waits 10 s after making its alarms (``alarms.wait_until_seen``).

    NOTE: ``executor_thread_pool_size``: oslo.messaging runs each event in a
    thread of a pool of 64 by default, more than the 5 database connections
    oslo.db keeps: a burst of events then opens (and closes) a MySQL
    connection per event, which took 40% of the listener's time here. Two
    threads per worker keep to the pool, and take no longer.

    aodh-evaluator (threshold alarms) is not needed for event alarms and
    does not run. Two listener workers (one per core) take the events of a
    failed host in parallel; see doc/source/admin/telemetry.rst for the
    figures.
    """
    return _ini({
        'DEFAULT': {
            'transport_url': RABBIT,
            'event_alarm_cache_ttl': layout.AODH_ALARM_CACHE_TTL,
            'executor_thread_pool_size': layout.AODH_LISTENER_THREADS,
            'default_log_levels': AODH_LOG_LEVELS,
        },
        'api': {'auth_mode': 'keystone'},
        'database': {'connection': layout.db_url('aodh')},
        'keystone_authtoken': _authtoken('aodh'),
        'service_credentials': dict(_auth('aodh'), interface='public'),
        'listener': {'workers': 2},
        'notifier': {'workers': 1},
    })


def write_all(plugin=True, owner_line=False):
    """Write every file; ``plugin`` puts our filter in nova's pipelines."""
    share = layout.VENV / 'etc'
    files = {
        'keystone/keystone.conf': keystone(),
        'placement/placement.conf': placement(),
        'glance/glance-api.conf': glance(),
        'neutron/neutron.conf': neutron(),
        'neutron/plugins/ml2/ml2_conf.ini': ml2(),
        'nova/nova.conf': nova(),
        'nova-compute/nova-compute.conf': nova_compute(),
        'nova/host-status-notifier.conf': notifier(),
        str(layout.NOTIFIER_NO_NOTIFICATIONS_CONF.relative_to(layout.ETC)):
            notifier_without_notifications(),
        'redis/redis.conf': redis(),
        'nova-cell2/nova.conf': nova_cell2(),
        'ceilometer/ceilometer.conf': ceilometer(),
        'aodh/aodh.conf': aodh(),
    }
    for name in layout.NOTIFIERS:
        files[str(layout.notifier_conf(name).relative_to(layout.ETC))] = \
            notifier_instance(name)
    for host in layout.COMPUTE_HOSTS:
        files['nova-compute/%s.conf' % host] = nova_compute_host(host)
    for rel, text in files.items():
        path = layout.ETC / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    shutil.copy(share / 'glance' / 'glance-api-paste.ini',
                layout.ETC / 'glance' / 'glance-api-paste.ini')
    shutil.copy(share / 'neutron' / 'api-paste.ini',
                layout.ETC / 'neutron' / 'api-paste.ini')
    paste.write(plugin)
    policy.write(owner_line)
    layout.NOTIFIER_STATE.parent.mkdir(parents=True, exist_ok=True)
    (layout.DATA / 'redis').mkdir(parents=True, exist_ok=True)
    for name in ('keystone', 'glance', 'neutron', 'nova', 'placement'):
        (layout.DATA / name / 'locks').mkdir(parents=True, exist_ok=True)
    for sub in ('images', 'staging', 'tasks'):
        (layout.DATA / 'glance' / sub).mkdir(parents=True, exist_ok=True)
