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
from host_status_ext.notifier import service  # noqa: E402

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    notifier_conf.register_opts(CONF)
    config.parse_args(argv, init_rpc=False, prog='host-status-notifier')
    logging.setup(CONF, 'host-status-notifier')
    objects.register_all()
    notifier = factory.make_notifier(CONF)
    svc = service.HostStatusNotifierService(
        factory.make_manager(CONF, notifier),
        CONF.host_status_notifier.poll_interval)
    opts = CONF.host_status_notifier
    LOG.info('host-status-notifier starting: poll every %.2f s, state in %s, '
             'service_down_time %d s.', opts.poll_interval, opts.state_file,
             CONF.service_down_time)
    launcher = oslo_service.launch(CONF, svc, restart_method='mutate')
    launcher.wait()
