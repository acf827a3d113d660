"""The notifier's own database: state every instance reads, fenced writes.

Two tables, through oslo.db's engine (``[host_status_notifier_database]``:
pool, recycle, retries). The operator creates and upgrades them with
``host-status-notifier-dbsync`` (:mod:`.migration`); an instance only
checks at start that the schema is its release's, and refuses to start
otherwise:

``host_status_notifier_cells``
    one row per cell: its fencing ``epoch``, the ``owner`` that took it last
    and whether its starting point (baseline) was recorded.
``host_status_notifier_hosts``
    one row per host: the last host_status sent, and the change being sent
    (``pending_old``, ``pending_new``, ``pending_changed_at``) if any.

Fencing: an instance that takes a cell (it holds the cell's tooz lock)
increments the cell's epoch and remembers the new value. Every write it
makes for that cell then runs in one transaction that first updates the
cell's row *where the epoch is still its own*; if no row matched, another
instance has taken the cell since, and the write is abandoned
(:class:`~host_status_ext.notifier.state.Fenced`). Since that first update
locks the cell's row (InnoDB row lock, SQLite's write lock) until the
transaction ends, a take and a write of the same cell are serialized: a
write cannot slip in after the new owner read the state. Because a change
is recorded as pending through such a write before anything is sent, an
instance that lost its cell cannot send a change the new owner does not
know of; what it can still send after the takeover is a copy, with the
same event ids, of a change that was already pending (the residual window:
a broker cannot check an epoch).
"""

import datetime

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_log import log as logging
import sqlalchemy as sa

from host_status_ext.notifier import migration
from host_status_ext.notifier import state as state_mod

LOG = logging.getLogger(__name__)

#: The tables as this release uses them. A change here is a new revision in
#: alembic/versions (tests/unit/notifier/test_migration.py compares them).
METADATA = sa.MetaData()

CELLS = sa.Table(
    'host_status_notifier_cells', METADATA,
    sa.Column('cell_uuid', sa.String(36), primary_key=True),
    sa.Column('epoch', sa.Integer, nullable=False),
    sa.Column('owner', sa.String(255)),
    sa.Column('baselined', sa.Boolean, nullable=False, default=False),
    sa.Column('writes', sa.Integer, nullable=False, default=0),
    sa.Column('taken_at', sa.DateTime),
    mysql_engine='InnoDB', mysql_charset='utf8mb4')

HOSTS = sa.Table(
    'host_status_notifier_hosts', METADATA,
    sa.Column('cell_uuid', sa.String(36), primary_key=True),
    sa.Column('host', sa.String(255), primary_key=True),
    sa.Column('status', sa.String(16), nullable=False, default=''),
    sa.Column('pending_old', sa.String(16)),
    sa.Column('pending_new', sa.String(16)),
    sa.Column('pending_changed_at', sa.String(32)),
    mysql_engine='InnoDB', mysql_charset='utf8mb4')


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def make_engine(connection, **options):
    """oslo.db's engine for *connection*, with oslo.db's *options*.

    :param options: any of oslo.db's ``[database]`` options (``max_pool_size``,
        ``connection_recycle_time``, ``max_retries``, ...), as in
        ``[host_status_notifier_database]``.
    """
    context = enginefacade.transaction_context()
    context.configure(connection=connection, **options)
    engine = context.writer.get_engine()
    if engine.dialect.name == 'sqlite':
        # NOTE: several processes on one SQLite file: readers must not
        # wait for the writer, and a writer waits (busy timeout) rather
        # than fail at once.
        sa.event.listen(engine, 'connect', _sqlite_pragmas)
    return engine


class DatabaseStore(object):
    """Cell state in a database shared by every instance."""

    def __init__(self, connection, **options):
        """Connect, and check that the schema is this release's.

        :param options: oslo.db's engine options (see :func:`make_engine`).
        :raises migration.SchemaError: the schema is missing, older or
            unknown: the operator runs (this release's) dbsync first.
        """
        self.connection = connection
        self.engine = make_engine(connection, **options)
        migration.check(self.engine)

    def take(self, cell_uuid, owner):
        """Become the cell's owner: a new epoch, and the cell's state.

        Called only by the holder of the cell's tooz lock.

        :returns: a :class:`~host_status_ext.notifier.state.CellState`.
        """
        for attempt in range(5):
            try:
                return self._take(cell_uuid, owner)
            except (db_exc.DBDuplicateEntry, sa.exc.IntegrityError):
                # NOTE: another instance inserted the row first (its lock
                # expired under it); take it over from that row.
                continue
        return self._take(cell_uuid, owner)

    def _take(self, cell_uuid, owner):
        now = _utcnow()
        with self.engine.begin() as conn:
            taken = conn.execute(
                CELLS.update().where(CELLS.c.cell_uuid == cell_uuid)
                .values(epoch=CELLS.c.epoch + 1, owner=owner, taken_at=now,
                        writes=CELLS.c.writes + 1)).rowcount
            if not taken:
                conn.execute(CELLS.insert().values(
                    cell_uuid=cell_uuid, epoch=1, owner=owner,
                    baselined=False, writes=0, taken_at=now))
            return self._read(conn, cell_uuid)

    def _read(self, conn, cell_uuid):
        row = conn.execute(
            sa.select(CELLS.c.epoch, CELLS.c.baselined)
            .where(CELLS.c.cell_uuid == cell_uuid)).first()
        epoch, baselined = row if row is not None else (0, False)
        rows = conn.execute(
            sa.select(HOSTS.c.host, HOSTS.c.status, HOSTS.c.pending_old,
                      HOSTS.c.pending_new, HOSTS.c.pending_changed_at)
            .where(HOSTS.c.cell_uuid == cell_uuid)).all()
        hosts = {r.host: r.status for r in rows if r.status}
        pending = {r.host: state_mod.Pending(r.pending_old or '',
                                             r.pending_new or '',
                                             r.pending_changed_at)
                   for r in rows if r.pending_changed_at is not None}
        return state_mod.CellState(cell_uuid, epoch, bool(baselined), hosts,
                                   pending)

    def still_current(self, states):
        """The cells among *states* whose epoch is still this instance's.

        One query for all of them.
        """
        if not states:
            return set()
        by_cell = {s.cell_uuid: s.epoch for s in states}
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(CELLS.c.cell_uuid, CELLS.c.epoch)
                .where(CELLS.c.cell_uuid.in_(list(by_cell)))).all()
        return {r.cell_uuid for r in rows if by_cell[r.cell_uuid] == r.epoch}

    def _fenced_transaction(self, conn, state):
        matched = conn.execute(
            CELLS.update().where(CELLS.c.cell_uuid == state.cell_uuid)
            .where(CELLS.c.epoch == state.epoch)
            .values(writes=CELLS.c.writes + 1)).rowcount
        if matched != 1:
            raise state_mod.Fenced(
                'cell %s: epoch %d is no longer current' % (
                    state.cell_uuid, state.epoch))

    def baseline(self, state, statuses):
        """Record the cell's starting point (nothing is sent for it)."""
        statuses = {h: s for h, s in statuses.items() if s}
        with self.engine.begin() as conn:
            self._fenced_transaction(conn, state)
            conn.execute(HOSTS.delete().where(
                HOSTS.c.cell_uuid == state.cell_uuid))
            if statuses:
                conn.execute(HOSTS.insert(), [
                    {'cell_uuid': state.cell_uuid, 'host': h, 'status': s}
                    for h, s in statuses.items()])
            conn.execute(CELLS.update()
                         .where(CELLS.c.cell_uuid == state.cell_uuid)
                         .values(baselined=True))
        state.hosts = statuses
        state.pending = {}
        state.baselined = True

    def record_pending(self, state, changes):
        """Record changes about to be sent, in one transaction.

        :param changes: ``{host: Pending}``.
        :raises Fenced: another instance owns the cell now.
        """
        if not changes:
            return
        with self.engine.begin() as conn:
            self._fenced_transaction(conn, state)
            for host, p in changes.items():
                values = {'pending_old': p.old, 'pending_new': p.new,
                          'pending_changed_at': p.changed_at}
                if not conn.execute(HOSTS.update().where(
                        HOSTS.c.cell_uuid == state.cell_uuid).where(
                        HOSTS.c.host == host).values(**values)).rowcount:
                    conn.execute(HOSTS.insert().values(
                        cell_uuid=state.cell_uuid, host=host,
                        status=state.hosts.get(host, ''), **values))
        state.pending.update(changes)

    def commit(self, state, host, new_status):
        """The host's change was sent: it is now its last status.

        :raises Fenced: another instance owns the cell now.
        """
        with self.engine.begin() as conn:
            self._fenced_transaction(conn, state)
            where = sa.and_(HOSTS.c.cell_uuid == state.cell_uuid,
                            HOSTS.c.host == host)
            if new_status:
                conn.execute(HOSTS.update().where(where).values(
                    status=new_status, pending_old=None, pending_new=None,
                    pending_changed_at=None))
            else:
                conn.execute(HOSTS.delete().where(where))
        state.pending.pop(host, None)
        if new_status:
            state.hosts[host] = new_status
        else:
            state.hosts.pop(host, None)


def _sqlite_pragmas(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    # NOTE: the busy timeout first: switching to WAL needs the write lock,
    # which another instance starting at the same moment may hold.
    cursor.execute('PRAGMA busy_timeout=10000')
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.close()
