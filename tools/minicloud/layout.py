"""Where things are and what they are called: the one place for names.

Every other module asks this one for paths, ports and host names, so that
the launcher, the demo and the end-to-end tests cannot disagree about them.
"""

import hashlib
import os
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[2]
STATE = pathlib.Path(os.environ.get('MINICLOUD_DIR', REPO / '.minicloud'))
VENV = STATE / 'venv'
ETC = STATE / 'etc'
LOGS = STATE / 'logs'
RUN = STATE / 'run'
DATA = STATE / 'data'
CONSTRAINTS = pathlib.Path(__file__).resolve().parent / 'constraints.txt'

HOST = '127.0.0.1'
REGION = 'RegionOne'
# The password of every account in this throw-away cloud: it listens on
# loopback only and is wiped by ``down --wipe``.
PASSWORD = 'minicloud'
DB_USER = 'minicloud'

# The APIs, each served by uwsgi: name -> (port, WSGI module, config env).
APIS = {
    'keystone': (5000, 'keystone.wsgi.api:application',
                 'OS_KEYSTONE_CONFIG_DIR'),
    'glance': (9292, 'glance.wsgi.api:application', 'OS_GLANCE_CONFIG_DIR'),
    'placement': (8778, 'placement.wsgi.api:application',
                  'OS_PLACEMENT_CONFIG_DIR'),
    'neutron': (9696, 'neutron.wsgi.api:application',
                'OS_NEUTRON_CONFIG_DIR'),
    'nova-api': (8774, 'nova.wsgi.osapi_compute:application',
                 'OS_NOVA_CONFIG_DIR'),
}

# Two cells. cell1 shares the machine's MariaDB and RabbitMQ with the API
# level; cell2 has a MariaDB server of its own (a process of the state
# folder, so that it can be killed alone), a RabbitMQ vhost, a conductor
# and a compute. Tests that need one cell pick from CELL1_HOSTS.
CELL1_HOSTS = ('compute-1', 'compute-2', 'compute-3')
CELL2_HOSTS = ('compute-4',)
COMPUTE_HOSTS = CELL1_HOSTS + CELL2_HOSTS

# nova marks a service down once its last heartbeat is older than
# service_down_time; nova wants it >= 2.5 x report_interval.
REPORT_INTERVAL = 2
SERVICE_DOWN_TIME = 6

# NOTE: database names carry a short hash of the state folder, so that two
# state folders on one machine (a working tree and CI's fresh clone) never
# share, or drop, each other's databases.
DB_PREFIX = 'mc%s_' % hashlib.sha1(str(STATE).encode()).hexdigest()[:6]
DATABASES = tuple(DB_PREFIX + name for name in (
    'keystone', 'glance', 'placement', 'neutron', 'nova_api', 'nova_cell0',
    'nova', 'host_status_notifier', 'aodh'))

# cell2's database server: mariadbd on its own port and data directory.
CELL2 = 'cell2'
CELL2_DB_SERVER = 'mariadb-cell2'
CELL2_DB_PORT = 3307
CELL2_DB_DIR = DATA / CELL2_DB_SERVER
CELL2_DB_SOCKET = CELL2_DB_DIR / 'mariadbd.sock'
CELL2_DATABASE = DB_PREFIX + 'nova_cell2'
CELL2_VHOST = DB_PREFIX + 'cell2'
CELL2_CONDUCTOR = 'nova-conductor@cell2'
CELL2_ETC = ETC / 'nova-cell2'

# Accounts made by bootstrap: (user, project, role).
ADMIN = ('admin', 'admin', 'admin')
OWNER = ('owner', 'demo', 'member')
STRANGER = ('stranger', 'other', 'member')
SERVICE_USERS = ('nova', 'glance', 'neutron', 'placement', 'aodh')

KEYSTONE_URL = 'http://%s:%d/v3' % (HOST, APIS['keystone'][0])
COMPUTE_URL = 'http://%s:%d/v2.1' % (HOST, APIS['nova-api'][0])

# A second nova-api with nova's own pipeline, run only by the load run so
# that both arms are measured side by side under the same machine load.
PLAIN_API = 'nova-api-plain'
PLAIN_API_PORT = 8775
PLAIN_COMPUTE_URL = 'http://%s:%d/v2.1' % (HOST, PLAIN_API_PORT)

NOVA_ETC = ETC / 'nova'
NOVA_PASTE = NOVA_ETC / 'api-paste.ini'
NOVA_POLICY = NOVA_ETC / 'policy.yaml'

# This project's host-status-notifier, run beside nova's services with
# nova.conf and a file of its own. Its events go to nova's exchange
# (nova sets control_exchange) on <topic>.info, as the notifier's README
# section says a consumer finds them.
NOTIFIER = 'host-status-notifier'
NOTIFIER_CONF = NOVA_ETC / 'host-status-notifier.conf'
# Added last by services.start(..., notifications=False).
NOTIFIER_NO_NOTIFICATIONS_CONF = NOVA_ETC / (
    'host-status-notifier.without-notifications.conf')
# The RabbitMQ policies an operator sets (doc/source/admin/notifier.rst):
# nova's versioned notifications queue bounded when nobody else reads it,
# and the notifiers' own queues dropped an hour after their instance went.
RABBIT_POLICIES = (
    ('versioned-notifications', r'^versioned_notifications\.',
     '{"max-length": 10000, "overflow": "drop-head"}'),
    ('host-status-notifier', r'^host-status-notifier\.',
     '{"expires": 3600000, "max-length": 100000, "overflow": "drop-head"}'),
)
NOTIFIER_STATE = DATA / 'host-status-notifier' / 'state.json'
NOTIFIER_TOPIC = 'versioned_notifications'
NOTIFICATION_EXCHANGE = 'nova'

# Two notifiers share the cells through tooz on a redis-server of this
# state folder (its own port, no persistence), with their state in a
# database of their own; each has a publisher_host of its own, so that a
# consumer (and the e2e test) can tell which one sent an event.
NOTIFIERS = (NOTIFIER, NOTIFIER + '-2')
REDIS = 'redis'
REDIS_PORT = 6390
REDIS_URL = 'redis://%s:%d' % (HOST, REDIS_PORT)
NOTIFIER_TAKEOVER_TIMEOUT = 3


def notifier_conf(name):
    """The file of one notifier instance, read after NOTIFIER_CONF."""
    return NOVA_ETC / (name + '.instance.conf')


def notifier_publisher_host(name):
    return 'minicloud-' + name


# The owners' way in: the notifier's owner-facing feed, ceilometer's event
# pipeline (events only) and Aodh's event alarms, which call a webhook of
# the owner's. ceilometer and aodh live in a venv of their own, from a
# constraints file of their own: ceilometer's botocore wants
# python-dateutil < 3, the cloud's venv has 4.0.0.
OWNER_TOPIC = 'host_status_owner_notifications'
TELEMETRY_VENV = STATE / 'telemetry-venv'
TELEMETRY_CONSTRAINTS = (pathlib.Path(__file__).resolve().parent /
                         'telemetry-constraints.txt')
AODH_PORT = 8042
AODH_URL = 'http://%s:%d' % (HOST, AODH_PORT)
AODH_ETC = ETC / 'aodh'
AODH_CONF = AODH_ETC / 'aodh.conf'
# aodh-listener keeps each project's event alarms this long ([DEFAULT]
# event_alarm_cache_ttl; aodh's default is 60 s): a new alarm of a project
# whose alarms it read within that time is seen only once they expire.
AODH_ALARM_CACHE_TTL = 10
# aodh-listener's threads per worker ([DEFAULT] executor_thread_pool_size).
AODH_LISTENER_THREADS = 2
CEILOMETER_CONF = ETC / 'ceilometer' / 'ceilometer.conf'
# The project's own files, the ones an operator merges into ceilometer's:
# the mini-cloud points ceilometer at them, never at a copy.
CEILOMETER_EVENT_DEFINITIONS = REPO / 'etc' / 'ceilometer' / \
    'event_definitions.yaml'
CEILOMETER_EVENT_PIPELINE = REPO / 'etc' / 'ceilometer' / \
    'event_pipeline.yaml'
# aodh-listener's topic ([listener] event_alarm_topic), and its and
# aodh-notifier's queues (topic.priority).
AODH_EVENT_TOPIC = 'alarm.all'
AODH_LISTENER_QUEUE = AODH_EVENT_TOPIC + '.sample'
# The owner-facing events of a change ([host_status_notifier] owner_events).
OWNER_EVENTS = ('server', 'project')
AODH_NOTIFIER_QUEUE = 'alarming.sample'
CEILOMETER_QUEUE = OWNER_TOPIC + '.info'
# A stand-in for the owner's application: records every POST.
WEBHOOK = 'owner-webhook'
WEBHOOK_PORT = 8099
WEBHOOK_URL = 'http://%s:%d' % (HOST, WEBHOOK_PORT)
TELEMETRY_SERVICES = ('aodh-api', 'aodh-listener', 'aodh-notifier',
                      'ceilometer-agent-notification')


# Horizon 27 with this project's dashboard plugin (host-status-dashboard,
# dashboard/), in a venv of its own from the plugin's constraints file: a
# Horizon host has Horizon and the plugin, and nothing of nova. Served by
# uWSGI on loopback; keystone login; sessions in a local-memory cache (one
# uWSGI process), no memcached; static files compressed offline at ``up``.
HORIZON = 'horizon'
HORIZON_VENV = STATE / 'horizon-venv'
HORIZON_CONSTRAINTS = REPO / 'dashboard' / 'upper-constraints.txt'
HORIZON_PORT = 8080
HORIZON_URL = 'http://%s:%d' % (HOST, HORIZON_PORT)
HORIZON_STATIC = DATA / 'horizon' / 'static'
HORIZON_ENABLED_FILE = (REPO / 'dashboard' / 'host_status_dashboard' /
                        'enabled' / '_1031_host_status.py')
# A second Horizon of the same venv without the plugin's app and tab, run
# only by the dashboard benchmark, so that both arms load side by side.
HORIZON_PLAIN = 'horizon-plain'
HORIZON_PLAIN_PORT = 8081
HORIZON_PLAIN_URL = 'http://%s:%d' % (HOST, HORIZON_PLAIN_PORT)


def horizon_bin(name):
    return str(HORIZON_VENV / 'bin' / name)


def openrc(account):
    """``OS_*`` variables for the ``openstack`` CLI as ``account``."""
    user, project, _ = account
    return {'OS_AUTH_URL': KEYSTONE_URL, 'OS_USERNAME': user,
            'OS_PASSWORD': PASSWORD, 'OS_PROJECT_NAME': project,
            'OS_USER_DOMAIN_NAME': 'Default',
            'OS_PROJECT_DOMAIN_NAME': 'Default',
            'OS_REGION_NAME': REGION, 'OS_IDENTITY_API_VERSION': '3',
            'OS_INTERFACE': 'public'}


def db_url(name):
    """URL of this state folder's database ``name`` (e.g. 'nova')."""
    return 'mysql+pymysql://%s:%s@%s/%s%s?charset=utf8' % (
        DB_USER, PASSWORD, HOST, DB_PREFIX, name)


def cell2_db_url():
    return 'mysql+pymysql://%s:%s@%s:%d/%s?charset=utf8' % (
        DB_USER, PASSWORD, HOST, CELL2_DB_PORT, CELL2_DATABASE)


def cell_of(host):
    """The name of the cell of compute ``host``."""
    return CELL2 if host in CELL2_HOSTS else 'cell1'


def venv_bin(name):
    return str(VENV / 'bin' / name)


def telemetry_bin(name):
    return str(TELEMETRY_VENV / 'bin' / name)


def services():
    """Every process the launcher runs, in start order."""
    return [REDIS, CELL2_DB_SERVER] + list(APIS) + [
        'nova-conductor', CELL2_CONDUCTOR, 'nova-scheduler'] + [
        'nova-compute@' + h for h in COMPUTE_HOSTS] + list(NOTIFIERS) + list(
        TELEMETRY_SERVICES) + [WEBHOOK, HORIZON]
