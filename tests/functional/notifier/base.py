"""nova's functional fixtures (two cells, real compute services) plus a
consumer on oslo.messaging's fake transport, for the notifier's tests."""

import threading
import time

import nova.tests.functional  # noqa: F401  (first: nova's patching)

import fixtures
from nova import context as nova_context
from nova import objects
from nova import test
from nova.tests.functional import fixtures as func_fixtures
import oslo_messaging
from oslo_utils.fixture import uuidsentinel as uuids
from oslo_utils import timeutils

from host_status_ext.notifier import conf as notifier_conf
from host_status_ext.notifier import factory
from host_status_ext.notifier import objects as notifier_objects

CONF = test.CONF
TOPIC = 'versioned_notifications'


class Consumer(object):
    """A notification listener: what an owner's event alarm would see."""

    def __init__(self):
        self.events = []
        self._cond = threading.Condition()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        if event_type == notifier_objects.EVENT_TYPE:
            with self._cond:
                self.events.append((publisher_id, payload, time.monotonic()))
                self._cond.notify_all()

    def wait_for(self, count, timeout=10.0):
        """Wait (bounded) until *count* events arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.events) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.events)

    def payloads(self):
        return [p['nova_object.data'] for _, p, _ in self.events]

    def clear(self):
        with self._cond:
            del self.events[:]


class NotifierTestCase(test.TestCase):
    """Two cells; host1, host2 in cell1, host3 in cell2; servers as DB rows.

    Computes are real nova-compute services started by nova's fixtures, so
    their service records, heartbeats and the servicegroup DB driver are
    nova's own.
    """

    NUMBER_OF_CELLS = 2
    HOSTS = {'host1': 'cell1', 'host2': 'cell1', 'host3': 'cell2'}

    def setUp(self):
        super().setUp()
        notifier_conf.register_opts(CONF)
        self.useFixture(func_fixtures.PlacementFixture())
        self.state_dir = self.useFixture(fixtures.TempDir()).path
        self.flags(state_file=self.state_dir + '/state.json',
                   publisher_host='notifier-test',
                   group='host_status_notifier')
        self.ctxt = nova_context.get_admin_context()
        self.computes = {}
        for host, cell in self.HOSTS.items():
            self.computes[host] = self.start_service(
                'compute', host=host, cell_name=cell)

        self.transport = oslo_messaging.get_notification_transport(
            CONF, url='fake:/')
        self.addCleanup(self.transport.cleanup)
        self.consumer = Consumer()
        self.listener = oslo_messaging.get_notification_listener(
            self.transport, [oslo_messaging.Target(topic=TOPIC)],
            [self.consumer], executor='threading')
        self.listener.start()
        self.addCleanup(self._stop_listener)
        self.flags(driver='messagingv2', topics=[TOPIC],
                   group='host_status_notifier')
        self.sender = factory.make_sender(CONF, self.transport)

    def _stop_listener(self):
        self.listener.stop()
        self.listener.wait()

    def new_manager(self):
        """A fresh notifier, as after a restart: it only has the state file."""
        return factory.make_manager(CONF, self.sender)

    def cell_ctxt(self, host):
        return nova_context.target_cell(
            self.ctxt, self.cell_mappings[self.HOSTS[host]])

    def create_servers(self, host, count, project_id=None, user_id=None):
        """Server records on *host* (its cell DB); return their uuids."""
        created = []
        with self.cell_ctxt(host) as cctxt:
            for i in range(count):
                inst = objects.Instance(
                    context=cctxt,
                    uuid=getattr(uuids, '%s-server-%d' % (host, i)),
                    host=host,
                    project_id=project_id or uuids.project,
                    user_id=user_id or uuids.user,
                    vm_state='active', power_state=1,
                    display_name='%s-server-%d' % (host, i))
                inst.create()
                created.append(inst.uuid)
        return created

    def update_service(self, host, **updates):
        """Change a compute service record as nova's os-services API does."""
        with self.cell_ctxt(host) as cctxt:
            svc = objects.Service.get_by_compute_host(cctxt, host)
            for key, value in updates.items():
                setattr(svc, key, value)
            svc.save()

    def lose_heartbeat(self, host):
        """Stop a compute and age its last heartbeat past service_down_time."""
        self.computes[host].stop()
        past = timeutils.utcnow() - timeutils.datetime.timedelta(
            seconds=CONF.service_down_time + 5)
        self.update_service(host, last_seen_up=past)

    def restore_heartbeat(self, host):
        self.update_service(host, last_seen_up=timeutils.utcnow())

    def events_by_server(self):
        """``{uuid: [(old, new), ...]}`` of what the consumer received."""
        seen = {}
        for data in self.consumer.payloads():
            seen.setdefault(data['uuid'], []).append(
                (data['old_host_status'], data['host_status']))
        return seen

    def settle(self):
        """Give the in-process fake transport a moment to deliver."""
        time.sleep(0.2)
