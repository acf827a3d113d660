"""Console script ``host-status-notifier-dbsync``: create or upgrade the
schema of the notifiers' shared database.

::

    host-status-notifier-dbsync --config-file /etc/nova/nova.conf \\
        --config-file /etc/nova/host-status-notifier.conf

The same files as the service; it reads only
``[host_status_notifier_database]`` (and oslo.log's options). Run it once
before the first start of instances that share a database, and after each
upgrade of the package, before the instances start again, as
``aodh-dbsync``. It needs DDL rights on that database; the service needs
none. Running it again changes nothing.
"""

import sys

from oslo_config import cfg
from oslo_log import log as logging

from host_status_ext.notifier import conf as notifier_conf
from host_status_ext.notifier import migration
from host_status_ext.notifier import shared_state

LOG = logging.getLogger(__name__)
PROG = migration.DBSYNC


def main(argv=None):
    """Upgrade the schema to this release's head; 0 on success."""
    argv = sys.argv[1:] if argv is None else argv
    conf = cfg.ConfigOpts()
    logging.register_options(conf)
    notifier_conf.register_opts(conf)
    conf(argv, project='nova', prog=PROG,
         description=__doc__.split('\n\n')[0].replace('\n', ' '))
    logging.setup(conf, PROG)
    connection, options = notifier_conf.database(conf)
    if not connection:
        print('%s: [host_status_notifier_database] connection is not set '
              'in the configuration files given; there is no shared '
              'database to sync.' % PROG, file=sys.stderr)
        return 2
    engine = shared_state.make_engine(connection, **options)
    try:
        before, after = migration.upgrade(engine)
    except migration.SchemaError as e:
        print('%s: %s.' % (PROG, e), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if before == after:
        print('%s: the schema is at revision %s already.' % (PROG, after))
    else:
        print('%s: the schema is upgraded from %s to revision %s.' % (
            PROG, before or 'nothing', after))
    return 0


if __name__ == '__main__':
    sys.exit(main())
