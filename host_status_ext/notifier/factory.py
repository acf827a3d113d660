"""Build the notifier's parts from configuration.

Kept apart from :mod:`.cmd`, which must patch nova's concurrency mode before
any other import, so that tests and benchmarks can build the same parts.
"""

import os
import socket
import uuid

import oslo_messaging

from host_status_ext.notifier import conf as notifier_conf
from host_status_ext.notifier import coordination
from host_status_ext.notifier import delivery
from host_status_ext.notifier import emitter
from host_status_ext.notifier import manager
from host_status_ext.notifier import objects as notifier_objects
from host_status_ext.notifier import owner_feed
from host_status_ext.notifier import service
from host_status_ext.notifier import state
from host_status_ext.notifier import watcher


class ConfigurationError(Exception):
    """The options cannot work together; the service refuses to start."""


def make_sender(conf, transport=None):
    """Return the Sender the notifications go through."""
    opts = conf.host_status_notifier
    if transport is None:
        transport = oslo_messaging.get_notification_transport(conf)
    return delivery.Sender(transport, opts.driver, opts.topics,
                           opts.send_retry)


def make_owner_feed(conf, sender):
    """The owner-facing feed, or None when ``owner_topics`` is empty.

    :param sender: the operator's Sender, whose transport the owner topics
        share.
    :raises ConfigurationError: if an owner topic is also an operator
        topic: the operator's feed is not gated, so whoever listens to that
        topic for the owners (ceilometer) would hear every change.
    """
    opts = conf.host_status_notifier
    if not opts.owner_topics:
        return None
    shared = sorted(set(opts.owner_topics) & set(opts.topics))
    if shared:
        raise ConfigurationError(
            '[host_status_notifier] owner_topics and topics share %s: the '
            'owner-facing feed needs topics of its own, or ceilometer would '
            'hand every change to the owners\' alarms, whatever nova\'s '
            'policy says.' % ', '.join(shared))
    return owner_feed.OwnerFeed(
        delivery.Sender(sender.transport, opts.driver, opts.owner_topics,
                        opts.send_retry),
        roles=opts.owner_roles)


def publisher_host(conf):
    return conf.host_status_notifier.publisher_host or socket.gethostname()


def publisher_id(conf):
    return '%s:%s' % (notifier_objects.PUBLISHER, publisher_host(conf))


def member_id(conf):
    """This instance's name in the coordination group: unique per process."""
    return '%s.%d.%s' % (publisher_host(conf), os.getpid(),
                         uuid.uuid4().hex[:8])


def make_store(conf):
    """The shared database if one is configured, else the state file.

    :raises host_status_ext.notifier.migration.SchemaError: the shared
        database's schema is not this release's.
    """
    opts = conf.host_status_notifier
    connection, options = notifier_conf.database(conf)
    if connection:
        # NOTE: imported here: oslo.db, alembic and the tables are only
        # needed by instances that share a database.
        from host_status_ext.notifier import shared_state
        return shared_state.DatabaseStore(connection, **options)
    if opts.coordination_url:
        raise ConfigurationError(
            '[host_status_notifier] coordination_url needs '
            '[host_status_notifier_database] connection (a database every '
            'instance shares); a local state_file cannot be shared')
    return state.FileStore(opts.state_file)


def make_coordinator(conf, member=None):
    opts = conf.host_status_notifier
    if not opts.coordination_url:
        return coordination.SoloCoordinator()
    return coordination.CellCoordinator(
        opts.coordination_url, member or member_id(conf),
        opts.takeover_timeout)


def make_manager(conf, sender, servicegroup_api=None):
    """Wire coordinator, watcher, emitter and store together."""
    opts = conf.host_status_notifier
    coordinator = make_coordinator(conf)
    return manager.HostStatusNotifierManager(
        watcher.CellWatcher(conf, servicegroup_api),
        emitter.Emitter(sender, publisher_id(conf), opts.send_workers,
                        opts.send_timeout,
                        owner_feed=make_owner_feed(conf, sender)),
        make_store(conf), conf, coordinator,
        owner=coordinator.member_id or publisher_id(conf))


def make_service(conf, mgr):
    """The oslo.service Service, with the listener if nova sends."""
    return service.HostStatusNotifierService(
        mgr, conf.host_status_notifier.poll_interval,
        service.make_listener(conf, mgr, publisher_host(conf)))
