"""Build the notifier's parts from configuration.

Kept apart from :mod:`.cmd`, which must patch nova's concurrency mode before
any other import, so that tests and benchmarks can build the same parts.
"""

import socket

import oslo_messaging

from host_status_ext.notifier import emitter
from host_status_ext.notifier import manager
from host_status_ext.notifier import objects as notifier_objects
from host_status_ext.notifier import state
from host_status_ext.notifier import watcher


def make_notifier(conf, transport=None):
    """Return the oslo.messaging Notifier the notifications go through."""
    opts = conf.host_status_notifier
    if transport is None:
        transport = oslo_messaging.get_notification_transport(conf)
    return oslo_messaging.Notifier(transport, driver=opts.driver,
                                   topics=opts.topics)


def publisher_id(conf):
    host = conf.host_status_notifier.publisher_host or socket.gethostname()
    return '%s:%s' % (notifier_objects.PUBLISHER, host)


def make_manager(conf, notifier, servicegroup_api=None):
    """Wire watcher, emitter and state store together."""
    return manager.HostStatusNotifierManager(
        watcher.CellWatcher(conf, servicegroup_api),
        emitter.Emitter(notifier, publisher_id(conf),
                        conf.host_status_notifier.send_workers),
        state.StateStore(conf.host_status_notifier.state_file))
