"""Logging captured for the whole of a nova functional test.

nova's ``TestCase`` captures logging with its ``StandardLogging`` fixture,
from its own ``setUp`` until that fixture's cleanup. The executor fixtures
it sets up before that one are cleaned up after it: the thread pools they
shut down log at INFO (``nova.thread_pool_factory``) once the capture has
ended, into the oslo.log handler that ``nova.test`` installs on the root
logger when it is imported, which writes to stdout: in a stestr worker,
straight onto the console, eight lines after every test.

:class:`WholeTestLogging`, set up before nova's ``setUp``, captures from
the first fixture to the last cleanup, into the test's details: like
nova's own capture, shown only for a failing test (``OS_DEBUG=1``: at
DEBUG).
"""

import logging
import os

import fixtures

FORMAT = '%(asctime)s %(levelname)s [%(name)s] %(message)s'


def _level():
    if os.environ.get('OS_DEBUG') in ('True', 'true', '1', 'yes'):
        return logging.DEBUG
    return logging.INFO


class WholeTestLogging(fixtures.Fixture):
    """The root logger into the test's details, before and after nova's."""

    def _setUp(self):
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='', level=_level(), format=FORMAT, nuke_handlers=True))
