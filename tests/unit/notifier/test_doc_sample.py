"""The guide's notification sample is what the notifier sends.

``doc/api_samples/instance-host_status_change.json`` is shown on the API
page of the guide. This builds the notification of the sample's server
with the notifier's own code and compares it with the file; with
``HOST_STATUS_GENERATE_SAMPLES=1`` it writes the file instead.
"""

import json
import os
from unittest import mock

import testtools

from host_status_ext.notifier import emitter
from host_status_ext.notifier import state

SAMPLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'doc',
                      'api_samples', 'instance-host_status_change.json')
GENERATE = os.environ.get('HOST_STATUS_GENERATE_SAMPLES') == '1'

# The owner's server of the API samples (tests/functional/test_api_samples)
SERVER = mock.Mock(uuid='9168b536-cd40-4630-b43f-b259807c6e87',
                   project_id='6f70656e737461636b20342065766572',
                   user_id='fake')
# As the notifier records a change: ISO 8601 UTC, to the microsecond.
CHANGE = state.Pending('UP', 'DOWN', '2026-11-26T06:20:01.000000Z')


def as_consumed(notification):
    """The notification as a consumer of the message bus receives it."""
    return {
        'priority': notification.priority.upper(),
        'event_type': notification.event_type,
        'publisher_id': notification.publisher_id,
        'payload': notification.payload.obj_to_primitive(),
    }


class TestNotificationSample(testtools.TestCase):

    def test_sample_is_what_the_notifier_sends(self):
        notification = emitter.build_notification(
            SERVER, 'host1', CHANGE, 'host-status-notifier:controller')
        actual = as_consumed(notification)
        if GENERATE:
            with open(SAMPLE, 'w') as f:
                f.write(json.dumps(actual, indent=4, sort_keys=True) + '\n')
        with open(SAMPLE) as f:
            self.assertEqual(json.load(f), actual)

    def test_sample_names_the_host_as_the_api_sample_does(self):
        # The same server, on the same host, in the API page's samples: a
        # consumer matches the notification to the server view by hostId.
        with open(SAMPLE) as f:
            payload = json.load(f)['payload']['nova_object.data']
        with open(os.path.join(os.path.dirname(SAMPLE),
                               'server-show-DOWN-resp.json')) as f:
            server = json.load(f)['server']
        self.assertEqual(server['id'], payload['uuid'])
        self.assertEqual(server['tenant_id'], payload['project_id'])
        self.assertEqual(server['user_id'], payload['user_id'])
        self.assertEqual(server['hostId'], payload['host_id'])
