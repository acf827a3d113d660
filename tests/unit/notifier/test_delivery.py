"""The Sender: the message Notifier would send, and failures that reach us."""

from unittest import mock

import oslo_messaging
import testtools

from host_status_ext.notifier import delivery


class TestSender(testtools.TestCase):

    def test_message_and_targets(self):
        transport = mock.Mock()
        sender = delivery.Sender(transport, 'messagingv2', ['a', 'b'], 0)
        sender.send('pub:x', 'instance.host_status_change', 'info',
                    {'p': 1}, 'the-id')
        calls = transport._send_notification.call_args_list
        self.assertEqual(['a.info', 'b.info'],
                         [c[0][0].topic for c in calls])
        target, ctxt, message = calls[0][0]
        self.assertEqual({}, ctxt)
        self.assertEqual({'version': 2.0, 'retry': 0}, calls[0][1])
        self.assertEqual('the-id', message['message_id'])
        self.assertEqual('INFO', message['priority'])
        self.assertEqual({'p': 1}, message['payload'])
        self.assertEqual('pub:x', message['publisher_id'])

    def test_a_transport_error_is_raised_not_logged(self):
        transport = mock.Mock()
        transport._send_notification.side_effect = \
            oslo_messaging.MessageDeliveryFailure('no broker')
        sender = delivery.Sender(transport, 'messagingv2', ['a'], 0)
        self.assertRaisesRegex(delivery.DeliveryFailed, 'no broker',
                               sender.send, 'p', 'e', 'info', {}, 'id')

    def test_other_drivers_go_through_oslo_messaging_notifier(self):
        with mock.patch('oslo_messaging.Notifier') as notifier:
            sender = delivery.Sender(mock.Mock(), 'log', ['a'], 0)
        self.assertFalse(sender.reports_failures)
        sender.send('p', 'e', 'info', {'x': 1}, 'id')
        info = notifier.return_value.prepare.return_value.info
        info.assert_called_once_with({}, 'e', {'x': 1})
