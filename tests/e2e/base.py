"""Shared set-up of the end-to-end tests: a real mini-cloud, real accounts.

The cloud itself is started and stopped around the run (``tox -e e2e``:
``python -m tools.minicloud up`` before, ``down`` after). These tests only
need it to answer; each one puts the computes and policy.yaml back as it
found them, whatever its outcome.
"""

import uuid

import testtools

from tools.minicloud import client
from tools.minicloud import layout
from tools.minicloud import policy
from tools.minicloud import procs
from tools.minicloud import scenario
from tools.minicloud import services

# Bounds for waiting on state changes; generous, so that a slow machine
# does not fail the test, yet every wait ends.
API_CHANGE_TIMEOUT = 10
HEARTBEAT_TIMEOUT = layout.SERVICE_DOWN_TIME + 4 * layout.REPORT_INTERVAL + 10
COMPUTE_START_TIMEOUT = 90


class CloudTestCase(testtools.TestCase):
    """Boots the owner's servers once per class, one per compute host."""

    HOSTS = layout.COMPUTE_HOSTS[:2]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name in layout.APIS:
            if not services.api_ready(name):
                raise RuntimeError('%s does not answer: run '
                                   '"python -m tools.minicloud up"' % name)
        cls.admin = client.connect(layout.ADMIN)
        cls.owner = client.connect(layout.OWNER)
        cls.admin_s = client.session(layout.ADMIN)
        cls.owner_s = client.session(layout.OWNER)
        cls.stranger_s = client.session(layout.STRANGER)
        policy.write(owner_line=False)
        scenario.heal(cls.admin)
        cls.prefix = 'e2e-%s-' % uuid.uuid4().hex[:6]
        cls.servers = {}
        for host in cls.HOSTS:
            cls.servers[host] = scenario.boot(cls.owner, cls.prefix + host,
                                              host).id
        cls.wait_all_up()

    @classmethod
    def tearDownClass(cls):
        try:
            policy.write(owner_line=False)
            scenario.heal(cls.admin)
            scenario.delete_named(cls.owner, cls.prefix)
        finally:
            super().tearDownClass()

    @classmethod
    def wait_all_up(cls):
        """After a heal, every host's compute reports again: all UP."""
        for host, sid in cls.servers.items():
            client.poll(lambda s=sid: client.host_status_of(cls.admin_s, s),
                        'UP', COMPUTE_START_TIMEOUT, interval=0.5)

    def setUp(self):
        super().setUp()
        self.addCleanup(self.wait_all_up)
        self.addCleanup(scenario.heal, self.admin)
        self.addCleanup(policy.write, owner_line=False)

    def open_to_owner(self):
        policy.write(owner_line=True)

    def seen_by_owner(self, host):
        return client.host_status_of(self.owner_s, self.servers[host])

    def assert_owner_sees(self, host, want, timeout=API_CHANGE_TIMEOUT):
        """Poll the owner's GET /servers/{id} at 50 ms until ``want``."""
        try:
            return client.poll(lambda: self.seen_by_owner(host), want,
                               timeout)
        except TimeoutError as e:
            self.fail('owner, server on %s: %s' % (host, e))

    def running(self, host):
        return procs.pid('nova-compute@' + host) is not None
