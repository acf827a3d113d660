"""nova's real WSGI app and services, with the filter in its pipeline.

As nova's own functional tests run them: in process, with nova's fixtures.
"""

import datetime
import os

import fixtures
from nova import context as nova_context
from nova import objects
from nova import policy as nova_policy
from nova import test
from nova.tests import fixtures as nova_fixtures
from nova.tests.functional.api import client
from nova.tests.functional import fixtures as func_fixtures
from nova.tests.functional import integrated_helpers
from nova import utils
from oslo_utils import timeutils
import yaml

from tests.functional import logcapture
from tools import nova_paste

HOST_STATUS = 'os_compute_api:servers:show:host_status'
#: nova's DefaultFlavorsFixture's m1.tiny
TINY_FLAVOR = '1'
UNKNOWN_ONLY = 'os_compute_api:servers:show:host_status:unknown-only'
OTHER_PROJECT = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0'
OPERATOR_POLICY = os.path.join(
    os.path.dirname(__file__), '..', '..', 'etc', 'policy.yaml')
NATIVE_UNKNOWN_ONLY = ('nova.api.openstack.compute.views.servers.'
                       'ViewBuilder._get_host_status_unknown_only')


def operator_policy_lines():
    """The lines etc/policy.yaml offers the operator, each as a rules dict.

    The active line first (the specification's), then each commented
    alternative (``#"rule": "check"``), in the file's order.
    """
    with open(OPERATOR_POLICY) as f:
        text = f.read()
    return [yaml.safe_load(text)] + [
        yaml.safe_load(line[1:]) for line in text.splitlines()
        if line.startswith('#"')]


def native_host_status_off():
    """A fixture under which nova's own view has no host_status.

    nova 34 decides in this one method whether its view shows the field;
    with it answering "not allowed", every host_status in a response comes
    from the filter.
    """
    return fixtures.MockPatch(NATIVE_UNKNOWN_ONLY, return_value=None)


class HostStatusTestCase(test.TestCase,
                         integrated_helpers.InstanceHelperMixin):
    """nova's services in two cells, and its API from our api-paste.ini.

    Conductor, scheduler, fake-driver computes, placement, and nova's compute
    API loaded from an api-paste.ini that holds the filter (or not).
    """

    NUMBER_OF_CELLS = 2
    #: compute host -> cell
    COMPUTES = {'host1': 'cell1', 'host2': 'cell1', 'host3': 'cell2'}
    #: whether the filter is in the pipeline
    FILTER = True
    #: whether nova computes its own host_status too
    NATIVE = False
    USE_PROJECT_ID = False
    API_VERSION = 'v2.1'

    def setUp(self):
        self.useFixture(logcapture.WholeTestLogging())
        super().setUp()
        self.glance = self.useFixture(nova_fixtures.GlanceFixture(self))
        self.useFixture(nova_fixtures.NeutronFixture(self))
        self.useFixture(func_fixtures.PlacementFixture())
        self.policy = self.useFixture(nova_fixtures.RealPolicyFixture())
        if not self.NATIVE:
            self.useFixture(native_host_status_off())

        self.configure()
        self.conductor = self.start_service('conductor')
        self.scheduler = self.start_service('scheduler')
        self.computes = {}
        for host, cell in sorted(self.COMPUTES.items()):
            self.computes[host] = self.start_service(
                'compute', host=host, cell_name=cell)

        self.start_api(filter=self.FILTER)

    def configure(self):
        """Set options before the services start (subclasses)."""

    def start_api(self, filter=True, api_version=None):
        """(Re)load nova's compute API, with the filter or without it.

        Also makes the test's clients: admin, the owner, a stranger.
        """
        self.stop_api()
        tmp = self.useFixture(fixtures.TempDir()).path
        self.flags(api_paste_config=nova_paste.write(
            os.path.join(tmp, 'api-paste.ini'), host_status=filter),
            group='wsgi')
        self.api_fixture = nova_fixtures.OSAPIFixture(
            api_version=api_version or self.API_VERSION,
            use_project_id_in_urls=self.USE_PROJECT_ID)
        self.api_fixture.setUp()
        self.addCleanup(self.stop_api)
        # The owner: a member of the project the servers are created in.
        self.api = self.api_fixture.api
        self.admin_api = self.api_fixture.admin_api
        self.other_api = client.TestOpenStackClient(
            'stranger', self.api_fixture.base_url.replace(
                self.api_fixture.project_id, OTHER_PROJECT),
            project_id=OTHER_PROJECT, roles=['reader', 'member'])
        for api in (self.api, self.admin_api, self.other_api):
            api.microversion = '2.16'

    def stop_api(self):
        if getattr(self, 'api_fixture', None) is not None:
            self.api_fixture.cleanUp()
            self.api_fixture = None

    # Policy -----------------------------------------------------------------

    def open_to_owners(self):
        """Apply the operator's line from this project's etc/policy.yaml."""
        with open(OPERATOR_POLICY) as f:
            rules = yaml.safe_load(f)
        self.policy.set_rules(rules, overwrite=False)

    def set_rules(self, rules):
        self.policy.set_rules(rules, overwrite=False)

    def enforce_new_defaults(self):
        """nova 34's ``[oslo_policy] enforce_new_defaults = True``.

        NOTE: placement's test fixture sets oslo.policy's default for it to
        False process-wide (``policy_opts.set_defaults``), so nova's rules
        here would also pass their deprecated defaults (``project_reader_api``
        would pass any role of the project), which a real nova 34 does not.
        """
        self.flags(enforce_new_defaults=True, group='oslo_policy')
        nova_policy.reset()
        nova_policy.init()

    # Servers and services ----------------------------------------------------

    def boot(self, host, name=None):
        """A server of the test project on *host*, forced there by admin."""
        # NOTE: flavor 1 (m1.tiny) named, not nova's helper's default, the
        # first flavor listed: a test's own flavor with a random id that
        # sorts first (1 in 16) would be used instead.
        with utils.temporary_mutation(self.admin_api, microversion='2.74'):
            return self._create_server(name=name or 'on-' + host, host=host,
                                       flavor_id=TINY_FLAVOR,
                                       networks='none', api=self.admin_api)

    def service_id(self, host):
        with utils.temporary_mutation(self.admin_api, microversion='2.53'):
            return self.admin_api.get_services(
                host=host, binary='nova-compute')[0]['id']

    def update_service(self, host, **body):
        """os-services PUT (2.53): forced_down and/or status."""
        service_id = self.service_id(host)
        with utils.temporary_mutation(self.admin_api, microversion='2.53'):
            self.admin_api.put_service(service_id, body)

    def force_down(self, host, down=True):
        self.update_service(host, forced_down=down)

    def disable(self, host, disabled=True):
        self.update_service(host,
                            status='disabled' if disabled else 'enabled')

    def stop_heartbeat(self, host):
        """Stop *host*'s nova-compute; move time past service_down_time."""
        self.computes[host].stop()
        later = timeutils.utcnow() + datetime.timedelta(
            seconds=self.flags_service_down_time() + 1)

        def utcnow(with_timezone=False):
            if with_timezone:
                return later.replace(tzinfo=datetime.timezone.utc)
            return later

        # NOTE: what timeutils.set_time_override did, without its
        # deprecation warning in every run's output.
        self.useFixture(fixtures.MockPatch(
            'oslo_utils.timeutils.utcnow', side_effect=utcnow))

    @staticmethod
    def flags_service_down_time():
        from nova import conf
        return conf.CONF.service_down_time

    def cell_context(self, cell_name):
        ctxt = nova_context.get_admin_context()
        return nova_context.target_cell(ctxt, self.cell_mappings[cell_name])

    def compute_service(self, host):
        with self.cell_context(self.COMPUTES[host]) as cctxt:
            return objects.Service.get_by_compute_host(cctxt, host)

    # Reading -----------------------------------------------------------------

    def statuses(self, api, **query):
        """{server name: host_status or None} from /servers/detail."""
        return {server['name']: server.get('host_status')
                for server in api.get_servers(search_opts=query or None)}

    def shown(self, api, server):
        return api.get_server(server['id']).get('host_status')

    def silence(self, host):
        """Make *host* UNKNOWN now, without moving the clock.

        Stops its nova-compute and dates its last heartbeat further back
        than service_down_time, which is what nova's DB servicegroup driver
        sees of a host that stopped reporting.
        """
        self.computes[host].stop()
        service = self.compute_service(host)
        service.last_seen_up = timeutils.utcnow() - datetime.timedelta(
            seconds=self.flags_service_down_time() * 2)
        with self.cell_context(self.COMPUTES[host]) as cctxt:
            service._context = cctxt
            service.save()


#: The filter's one way to read a cell's records, to wrap it in a test.
LOOKUP_EXECUTE = 'host_status_ext.lookup._execute'


def lookup_execute():
    """The function :data:`LOOKUP_EXECUTE` names, as it is now."""
    from host_status_ext import lookup
    return lookup._execute


def paste_config():
    """The api-paste.ini the running test's API was loaded from."""
    from nova import conf
    return conf.CONF.wsgi.api_paste_config
