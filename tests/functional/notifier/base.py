"""nova's functional fixtures (two cells, real compute services) plus the
operator's consumer on oslo.messaging's fake transport, for the notifier's
tests."""

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
from tests.functional import logcapture
from tools.minicloud import events

CONF = test.CONF
TOPIC = 'versioned_notifications'


class NotifierTestCase(test.TestCase):
    """Two cells; host1, host2 in cell1, host3 in cell2; servers as DB rows.

    Computes are real nova-compute services started by nova's fixtures, so
    their service records, heartbeats and the servicegroup DB driver are
    nova's own.
    """

    NUMBER_OF_CELLS = 2
    HOSTS = {'host1': 'cell1', 'host2': 'cell1', 'host3': 'cell2'}

    def setUp(self):
        self.useFixture(logcapture.WholeTestLogging())
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
        self.consumer = self.watch(TOPIC)
        self.flags(driver='messagingv2', topics=[TOPIC],
                   group='host_status_notifier')
        self.sender = factory.make_sender(CONF, self.transport)

    def watch(self, topic):
        """The events on *topic* of the fake transport, from now on."""
        watcher = events.EventWatcher(url='fake:/', topic=topic,
                                      transport=self.transport,
                                      exchange=None).start()
        self.addCleanup(watcher.stop)
        return watcher

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
        for data in [e.data for e in self.consumer.events()]:
            seen.setdefault(data['uuid'], []).append(
                (data['old_host_status'], data['host_status']))
        return seen

    def settle(self):
        """Give the in-process fake transport a moment to deliver."""
        time.sleep(0.2)
