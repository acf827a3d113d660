"""alembic's environment for the notifiers' shared database.

Run through :mod:`host_status_ext.notifier.migration` (dbsync), which
hands over its connection; or by a developer writing a new revision::

    alembic -c host_status_ext/notifier/alembic.ini \\
        -x url=sqlite:////tmp/x.db revision --autogenerate -m "what changes"
"""

from alembic import context
import sqlalchemy as sa

from host_status_ext.notifier import migration
from host_status_ext.notifier import shared_state


def run_migrations(connection):
    context.configure(connection=connection,
                      target_metadata=shared_state.METADATA,
                      version_table=migration.VERSION_TABLE,
                      # SQLite alters a table by copying it.
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = context.config.attributes.get('connection')
    if connection is not None:
        run_migrations(connection)
        return
    url = (context.get_x_argument(as_dictionary=True).get('url')
           or context.config.get_main_option('sqlalchemy.url'))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        run_migrations(connection)


if context.is_offline_mode():
    raise SystemExit('host-status-notifier\'s migrations run online only '
                     '(host-status-notifier-dbsync)')
run_migrations_online()
