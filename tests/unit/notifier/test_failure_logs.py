"""Under a failure that lasts, the notifier logs an episode (a line when it
starts, one when it ends), not a line per read, per send or per round."""

import logging
import threading
from unittest import mock

import fixtures
import testtools

from host_status_ext.notifier import coordination
from host_status_ext.notifier import delivery
from host_status_ext.notifier import manager
from host_status_ext.notifier import service
from host_status_ext.notifier import state
from tests.notifier_drive import read_all
from tests.notifier_drive import step_all
from tests.unit.notifier import test_manager

FAILURES = 50


class Logged(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.logs = self.useFixture(fixtures.FakeLogger(
            level=logging.INFO, format='%(levelname)s %(message)s'))
        patcher = mock.patch('nova.context.get_admin_context',
                             return_value='ctxt')
        patcher.start()
        self.addCleanup(patcher.stop)
        self.dir = self.useFixture(fixtures.TempDir()).path

    def warnings(self):
        return [line for line in self.logs.output.splitlines()
                if line.startswith(('WARNING', 'ERROR', 'CRITICAL'))]

    def manager(self, watcher, emitter=None, coordinator=None):
        emitter = emitter or mock.Mock()
        return manager.HostStatusNotifierManager(
            watcher, emitter, state.FileStore(self.dir + '/state.json'),
            test_manager.CONF, coordinator)


class FailingWatcher(test_manager.FakeWatcher):
    def __init__(self, polled):
        super().__init__(polled)
        self.broken = set()

    def read_cell(self, ctxt, mapping):
        if mapping.uuid in self.broken:
            raise RuntimeError('cell database gone')
        return super().read_cell(ctxt, mapping)


class TestEpisodes(Logged):

    def test_a_cell_that_fails_every_read_is_one_episode(self):
        watcher = FailingWatcher({'c1': {'h1': 'UP'}, 'c2': {'h2': 'UP'}})
        m = self.manager(watcher)
        read_all(m)
        watcher.broken.add('c1')
        for _ in range(FAILURES):
            read_all(m)
        failing = self.warnings()
        self.assertEqual(1, len(failing), failing)
        self.assertIn('Reading cell c1 failing', failing[0])
        self.assertEqual(1, self.logs.output.count('Traceback'))
        watcher.broken.clear()
        read_all(m)
        ended = self.warnings()[1:]
        self.assertEqual(1, len(ended), ended)
        self.assertIn('Reading cell c1 recovered', ended[0])
        self.assertIn('%d failure(s)' % FAILURES, ended[0])

    def test_a_broker_that_refuses_every_send_is_one_episode(self):
        watcher = test_manager.FakeWatcher({'c1': {'h1': 'UP', 'h3': 'UP'},
                                            'c2': {'h2': 'UP'}})
        emitter = mock.Mock()
        m = self.manager(watcher, emitter)
        read_all(m)
        watcher.polled = {'c1': {'h1': 'DOWN', 'h3': 'DOWN'},
                          'c2': {'h2': 'DOWN'}}
        emitter.emit_host_change.side_effect = delivery.DeliveryFailed('no')
        read_all(m)
        for _ in range(FAILURES):
            step_all(m, pause=0.002)
        self.assertEqual(1, len(self.warnings()), self.warnings())
        emitter.emit_host_change.side_effect = None
        emitter.emit_host_change.return_value = 1
        for _ in range(20):
            step_all(m)
            if not any(w.state.pending for w in m.workers.values()):
                break
        self.assertEqual(2, len(self.warnings()), self.warnings())
        self.assertIn('recovered', self.warnings()[1])

    def test_an_api_database_away_is_one_episode(self):
        watcher = test_manager.FakeWatcher({})
        watcher.cells = mock.Mock(side_effect=RuntimeError('API DB gone'))
        m = self.manager(watcher)
        for _ in range(FAILURES):
            m.tick()
        self.assertEqual(1, len(self.warnings()), self.warnings())

    def test_a_coordination_backend_away_is_one_episode(self):
        c = coordination.CellCoordinator('redis://127.0.0.1:1', 'me', 2)
        c._coordinator = mock.Mock()
        c._coordinator.get_members.side_effect = RuntimeError('no redis')
        for _ in range(FAILURES):
            self.assertEqual(set(), c.cells_to_watch(['c1']))
        self.assertEqual(1, len(self.warnings()), self.warnings())

    def test_coordination_that_cannot_start_is_one_episode(self):
        m = mock.Mock()
        tries = []

        def start():
            tries.append(1)
            if len(tries) < 5:
                raise RuntimeError('redis is down')
        m.start.side_effect = start
        m.tick.return_value = []
        svc = service.HostStatusNotifierService(m, 0.01)
        self.useFixture(fixtures.MonkeyPatch(
            'host_status_ext.notifier.service.COORDINATION_RETRY', 0.01))
        done = threading.Event()
        m.stop.side_effect = lambda: done.set()
        t = threading.Thread(target=svc._run)
        t.start()
        while len(tries) < 5:
            done.wait(0.01)
        svc._stopping.set()
        t.join(5)
        lines = self.warnings()
        self.assertEqual(2, len(lines), lines)
        self.assertIn('Starting the coordination failing', lines[0])
        self.assertIn('recovered', lines[1])
        self.assertEqual(1, self.logs.output.count('Traceback'))
