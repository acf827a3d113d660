"""Build the notifier's parts from configuration.

Kept apart from :mod:`.cmd`, which must patch nova's concurrency mode before
any other import, so that tests and benchmarks can build the same parts.
"""

import socket

import oslo_messaging

from host_status_ext.notifier import emitter
from host_status_ext.notifier import manager
from host_status_ext.notifier import objects as notifier_objects
from host_status_ext.notifier import owner_feed
from host_status_ext.notifier import state
from host_status_ext.notifier import watcher


def make_notifier(conf, transport=None, topics=None):
    """Return the oslo.messaging Notifier the notifications go through.

    :param topics: the topics; ``[host_status_notifier] topics`` (the
        operator's feed) by default.
    """
    opts = conf.host_status_notifier
    if transport is None:
        transport = oslo_messaging.get_notification_transport(conf)
    return oslo_messaging.Notifier(
        transport, driver=opts.driver,
        topics=opts.topics if topics is None else topics)


def make_owner_feed(conf, notifier):
    """The owner-facing feed, or None when ``owner_topics`` is empty.

    :param notifier: the operator's notifier, whose transport the owner
        topics share.

    :raises ValueError: if an owner topic is also an operator topic: the
        operator's feed is not gated, so whoever listens to that topic for
        the owners (ceilometer) would hear every change.
    """
    opts = conf.host_status_notifier
    if not opts.owner_topics:
        return None
    shared = sorted(set(opts.owner_topics) & set(opts.topics))
    if shared:
        raise ValueError(
            '[host_status_notifier] owner_topics and topics share %s: the '
            'owner-facing feed needs topics of its own, or ceilometer would '
            'hand every change to the owners\' alarms, whatever nova\'s '
            'policy says.' % ', '.join(shared))
    return owner_feed.OwnerFeed(
        make_notifier(conf, notifier.transport, topics=opts.owner_topics),
        roles=opts.owner_roles)


def publisher_id(conf):
    host = conf.host_status_notifier.publisher_host or socket.gethostname()
    return '%s:%s' % (notifier_objects.PUBLISHER, host)


def make_manager(conf, notifier, servicegroup_api=None):
    """Wire watcher, emitter and state store together."""
    return manager.HostStatusNotifierManager(
        watcher.CellWatcher(conf, servicegroup_api),
        emitter.Emitter(notifier, publisher_id(conf),
                        conf.host_status_notifier.send_workers,
                        owner_feed=make_owner_feed(conf, notifier)),
        state.StateStore(conf.host_status_notifier.state_file))
