"""The schema of the notifiers' shared database: its migrations, and the
check every instance makes before it uses the database.

As aodh does (``aodh-dbsync``), the schema belongs to the operator's
upgrade step, not to the service: ``host-status-notifier-dbsync`` runs the
alembic migrations in ``alembic/versions`` up to this release's head, and
the service only reads the revision and refuses to start on any other. So
the service's database account needs no DDL rights, instances of two
releases never race to change a table, and a change of a column in a
later release is a migration, written once, that every deployment runs
the same way.

Before it had migrations, host-status-notifier created its two tables at
start (``create_all()``). That schema is the first revision,
:data:`INITIAL`: ``dbsync`` finds such a database by its tables, checks
that they are that schema, records it as :data:`INITIAL` (alembic's
``stamp``) without touching a row, and upgrades from there.

The revision is kept in a version table of its own
(:data:`VERSION_TABLE`), so that the database can be shared with another
alembic-managed application without a clash over ``alembic_version``.
"""

import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
from oslo_log import log as logging
import sqlalchemy as sa

LOG = logging.getLogger(__name__)

SCRIPT_LOCATION = os.path.join(os.path.dirname(__file__), 'alembic')
VERSION_TABLE = 'host_status_notifier_alembic_version'
#: The revision whose schema is the one create_all() made before there
#: were migrations.
INITIAL = 'abaf19843a53'
#: That schema: table -> its columns.
PRE_MIGRATION_TABLES = {
    'host_status_notifier_cells': {
        'cell_uuid', 'epoch', 'owner', 'baselined', 'writes', 'taken_at'},
    'host_status_notifier_hosts': {
        'cell_uuid', 'host', 'status', 'pending_old', 'pending_new',
        'pending_changed_at'},
}
DBSYNC = 'host-status-notifier-dbsync'


class SchemaError(Exception):
    """The database's schema is not the one this release works with."""


def alembic_config_for(connection=None):
    """alembic's Config for the migrations; *connection* to run them on."""
    cfg = alembic_config.Config()
    cfg.set_main_option('script_location', SCRIPT_LOCATION)
    cfg.attributes['connection'] = connection
    return cfg


def head():
    """This release's schema revision."""
    scripts = alembic_script.ScriptDirectory.from_config(alembic_config_for())
    return scripts.get_current_head()


def known_revisions():
    """Every revision of the migrations, oldest last."""
    scripts = alembic_script.ScriptDirectory.from_config(alembic_config_for())
    return [s.revision for s in scripts.walk_revisions()]


def current(connection):
    """The revision recorded in the database, or None."""
    context = alembic_migration.MigrationContext.configure(
        connection, opts={'version_table': VERSION_TABLE})
    return context.get_current_revision()


def _pre_migration_schema(connection):
    """Whether the database holds the tables create_all() made.

    :raises SchemaError: some of those tables are there but not as that
        schema made them: dbsync does not guess what they are.
    """
    inspector = sa.inspect(connection)
    found = set(inspector.get_table_names()) & set(PRE_MIGRATION_TABLES)
    if not found:
        return False
    for table in sorted(PRE_MIGRATION_TABLES):
        if table not in found:
            raise SchemaError(
                'table %s is missing beside %s, and no schema revision is '
                'recorded: this is not a schema of host-status-notifier; '
                'nothing was changed' % (table, ', '.join(sorted(found))))
        columns = {c['name'] for c in inspector.get_columns(table)}
        if columns != PRE_MIGRATION_TABLES[table]:
            raise SchemaError(
                'table %s has columns %s, not those of the schema '
                'host-status-notifier created before migrations (%s), and '
                'no schema revision is recorded; nothing was changed' % (
                    table, ', '.join(sorted(columns)),
                    ', '.join(sorted(PRE_MIGRATION_TABLES[table]))))
    return True


def upgrade(engine, revision='head'):
    """Bring the schema to *revision*: what ``dbsync`` does.

    An empty database gets every migration; one of the pre-migration
    schema is first recorded as :data:`INITIAL`; one already at
    *revision* is left alone.

    :returns: ``(revision before, revision after)``; before is None for an
        empty database.
    :raises SchemaError: the database holds tables this release does not
        know as its own, or a revision it does not know.
    """
    with engine.begin() as connection:
        before = current(connection)
        if before is None and _pre_migration_schema(connection):
            LOG.info('The database holds the schema host-status-notifier '
                     'created before it had migrations: recording it as '
                     'revision %s.', INITIAL)
            command.stamp(alembic_config_for(connection), INITIAL)
            before = INITIAL
        elif before is not None and before not in known_revisions():
            raise SchemaError(
                'schema revision %s is not one of this release\'s (head %s):'
                ' a later release has upgraded it; run that release\'s '
                'host-status-notifier' % (before, head()))
        command.upgrade(alembic_config_for(connection), revision)
        return before, current(connection)


def check(engine):
    """Raise unless the schema is this release's head revision.

    Called at start, before anything is read or written.

    :raises SchemaError: with what the operator should do.
    """
    with engine.connect() as connection:
        found = current(connection)
        if found is None:
            if _pre_migration_schema(connection):
                raise SchemaError(
                    'the database holds the schema of a host-status-notifier '
                    'from before migrations; run %s to upgrade it' % DBSYNC)
            raise SchemaError(
                'the database has no host-status-notifier schema; run %s '
                'to create it' % DBSYNC)
    want = head()
    if found == want:
        return
    if found in known_revisions():
        raise SchemaError(
            'the database schema is at revision %s, this release needs %s; '
            'run %s to upgrade it' % (found, want, DBSYNC))
    raise SchemaError(
        'the database schema is at revision %s, which this release does not '
        'know (it needs %s): a later release has upgraded it; run that '
        'release\'s host-status-notifier' % (found, want))
