"""Through nova's real os-services API: nova's own service.update, sent by
nova's own code on a real RabbitMQ, wakes the notifier up.

nova's compute API runs in process (nova's functional fixtures, two cells);
its versioned notifier is pointed at a private RabbitMQ node (nova's test
fixtures keep notifications in memory otherwise). The notifier runs as its
service does (upkeep, a worker thread per cell, the listener), with its
full read an hour apart: an event here came through the notification.
"""

import os
import time

import fixtures
from nova import rpc
from nova.tests import fixtures as nova_fixtures
import oslo_messaging

from host_status_ext.notifier import factory
from host_status_ext import status
from tests.functional.notifier import base
from tests import notifier_processes as processes
from tools import nova_paste
from tools import waiting

# Bounds a wait for events (a loaded machine); nothing is timed.
EVENT_TIMEOUT = 30


class TestNovaAnnounces(processes.RabbitPerClass, base.NotifierTestCase):

    def setUp(self):
        super().setUp()
        self.flags(notification_format='versioned', group='notifications')
        self.flags(driver=['messagingv2'], transport_url=self.rabbit.url,
                   group='oslo_messaging_notifications')
        self.flags(full_read_interval=3600, group='host_status_notifier')
        transport = oslo_messaging.get_notification_transport(
            base.CONF, url=self.rabbit.url)
        self.addCleanup(transport.cleanup)
        # NOTE: what nova.rpc.init makes of that configuration.
        self.useFixture(fixtures.MonkeyPatch('nova.rpc.NOTIFIER',
                        oslo_messaging.Notifier(
                            transport, serializer=rpc.RequestContextSerializer(
                                rpc.JsonPayloadSerializer()),
                            topics=['versioned_notifications'])))
        # nova's own pipeline: the filter has no part in this.
        self.flags(api_paste_config=nova_paste.write(
            os.path.join(self.state_dir, 'api-paste.ini'),
            host_status=False), group='wsgi')
        self.admin_api = self.useFixture(nova_fixtures.OSAPIFixture(
            api_version='v2.1')).admin_api
        self.servers = self.create_servers('host3', 2)
        manager = self.new_manager()
        svc = factory.make_service(base.CONF, manager)
        svc.start()
        self.addCleanup(svc.stop)
        waiting.wait_until(
            lambda: len(manager.workers) == 2 and all(
                w.state.baselined for w in manager.workers.values()),
            EVENT_TIMEOUT, 'both cells read')
        waiting.wait_until(
            lambda: any(svc.listener._listeners.values()), EVENT_TIMEOUT,
            'the listener bound its queue')
        time.sleep(0.5)
        self.admin_api.microversion = '2.53'
        self.service_id = self.admin_api.get_services(
            host='host3', binary='nova-compute')[0]['id']

    def put(self, body, count, new):
        since = self.consumer.mark()
        self.admin_api.put_service(self.service_id, body)
        events = self.consumer.wait_count(count, since=since,
                                          timeout=EVENT_TIMEOUT)
        self.assertEqual([new] * count,
                         [e.data['host_status'] for e in events])

    def test_force_down_disable_enable_and_up(self):
        self.put({'forced_down': True}, 2, status.DOWN)
        self.put({'status': 'disabled'}, 2, status.MAINTENANCE)
        self.put({'status': 'enabled'}, 2, status.DOWN)
        self.put({'forced_down': False}, 2, status.UP)
        self.assertEqual({u: [(status.UP, status.DOWN),
                              (status.DOWN, status.MAINTENANCE),
                              (status.MAINTENANCE, status.DOWN),
                              (status.DOWN, status.UP)]
                          for u in self.servers}, self.events_by_server())
