"""Console script: ``host-status-notifier --config-file /etc/nova/nova.conf
--config-file /etc/nova/host-status-notifier.conf``.

Started like nova's own services, in native threading mode (unless
``OS_NOVA_DISABLE_EVENTLET_PATCHING`` or nova's config say otherwise).
"""
# autopep8: off
from nova import monkey_patch; monkey_patch.patch(backend='threading')  # noqa
# autopep8: on

import sys  # noqa: E402

import nova.conf  # noqa: E402
from nova import config  # noqa: E402
from nova import objects  # noqa: E402
from oslo_log import log as logging  # noqa: E402
from oslo_service import service as oslo_service  # noqa: E402

from host_status_ext.notifier import conf as notifier_conf  # noqa: E402
from host_status_ext.notifier import factory  # noqa: E402
from host_status_ext.notifier import migration  # noqa: E402

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    notifier_conf.register_opts(CONF)
    config.parse_args(argv, init_rpc=False, prog='host-status-notifier')
    logging.setup(CONF, 'host-status-notifier')
    objects.register_all()
    sender = factory.make_sender(CONF)
    try:
        mgr = factory.make_manager(CONF, sender)
    except (factory.ConfigurationError, migration.SchemaError) as e:
        LOG.error('host-status-notifier cannot start: %s.', e)
        return 2
    svc = factory.make_service(CONF, mgr)
    opts = CONF.host_status_notifier
    LOG.info('host-status-notifier starting: nova\'s service notifications '
             '%s, every host read every %.0f s, upkeep every %.2f s, state '
             'in %s, coordination %s (takeover within %d s), send retry %d '
             'and timeout %.1f s, service_down_time %d s.',
             'listened to' if svc.listener else 'off',
             opts.full_read_interval, opts.poll_interval,
             'the shared database' if notifier_conf.database(CONF)[0]
             else opts.state_file,
             'on' if opts.coordination_url else 'off (one instance)',
             opts.takeover_timeout, opts.send_retry, opts.send_timeout,
             CONF.service_down_time)
    if not sender.reports_failures:
        LOG.warning('Notification driver %s cannot report a failed send: '
                    'such a change is lost.', opts.driver)
    launcher = oslo_service.launch(CONF, svc, restart_method='mutate')
    launcher.wait()


if __name__ == '__main__':
    sys.exit(main())
