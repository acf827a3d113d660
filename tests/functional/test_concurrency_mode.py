"""The tests run nova in the concurrency mode they claim to.

Under eventlet (``tox -e functional``) oslo.db keeps its transaction state
per context *and per thread*, in a ``threading.local``: that class must be
eventlet's, or every greenthread of the process shares one slot per
context. Then nova's heartbeat reading through a service's context (its
``Service.save()`` checks the minimum version, a reader) while the test's
cleanup destroys that service through the same context (``Service.kill()``,
a writer) fails the cleanup with "Can't upgrade a READER transaction to a
WRITER mid-transaction", now and then, on a loaded machine. It happens
when oslo.db is imported before nova's functional package patches
eventlet in; ``tests/functional/__init__.py`` imports that package first.
"""

import threading

from nova import context as nova_context
from nova.db.main import api as main_db_api
from nova import monkey_patch
from nova import test
from nova import utils

ENTERED_TIMEOUT = 30


class TestConcurrencyMode(test.TestCase):

    def test_mode_is_the_environments(self):
        import os
        native = os.environ.get('OS_NOVA_DISABLE_EVENTLET_PATCHING', '')
        self.assertEqual(native.lower() in ('1', 'true', 'yes'),
                         utils.concurrency_mode_threading())
        self.assertEqual(not utils.concurrency_mode_threading(),
                         monkey_patch.is_patched())

    def test_a_reader_in_one_thread_does_not_hold_back_a_writer_in_another(
            self):
        # The race of the heartbeat and Service.kill, made deterministic:
        # one thread holds a reader on a context, another writes through
        # the same context.
        ctxt = nova_context.get_admin_context()
        cell = self.cell_mappings['cell1']
        with nova_context.target_cell(ctxt, cell) as cctxt:
            reading = threading.Event()
            release = threading.Event()
            errors = []

            def reader():
                try:
                    with main_db_api.get_context_manager(
                            cctxt).reader.using(cctxt):
                        reading.set()
                        release.wait(ENTERED_TIMEOUT)
                except Exception as e:
                    errors.append(e)

            thread = threading.Thread(target=reader)
            thread.start()
            self.assertTrue(reading.wait(ENTERED_TIMEOUT))
            try:
                with main_db_api.get_context_manager(
                        cctxt).writer.using(cctxt):
                    pass
            finally:
                release.set()
                thread.join(ENTERED_TIMEOUT)
            self.assertEqual([], errors)
