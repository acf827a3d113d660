"""The one home of the notifier unit tests' shared database."""

import os

import fixtures

from host_status_ext.notifier import migration
from host_status_ext.notifier import shared_state


class SharedDatabase(fixtures.Fixture):
    """A SQLite file with this release's schema, as dbsync makes it.

    ``url`` names it; ``store()`` is a new DatabaseStore on it.
    """

    def _setUp(self):
        path = self.useFixture(fixtures.TempDir()).path
        self.url = 'sqlite:///' + os.path.join(path, 'state.db')
        engine = shared_state.make_engine(self.url)
        self.addCleanup(engine.dispose)
        migration.upgrade(engine)

    def store(self):
        return shared_state.DatabaseStore(self.url)
