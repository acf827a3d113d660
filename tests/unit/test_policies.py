from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslo_policy import policy as oslo_policy
import testtools

from host_status_ext import policies


class TestPolicies(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts()))
        self.conf.conf([])

    def test_rules_have_nova_names_and_admin_default(self):
        rules = {rule.name: rule for rule in policies.list_rules()}
        self.assertEqual(
            {'os_compute_api:servers:show:host_status',
             'os_compute_api:servers:show:host_status:unknown-only'},
            set(rules))
        for rule in rules.values():
            self.assertIsInstance(rule, oslo_policy.DocumentedRuleDefault)
            self.assertEqual('rule:context_is_admin', rule.check_str)
            self.assertEqual(['project'], rule.scope_types)

    def test_register_missing_registers_on_an_enforcer_without_them(self):
        enforcer = oslo_policy.Enforcer(self.conf.conf)
        registered = policies.register_missing(enforcer)
        self.assertEqual(sorted(r.name for r in policies.list_rules()),
                         sorted(registered))
        self.assertEqual(set(registered), set(enforcer.registered_rules))

    def test_register_missing_leaves_rules_nova_registered(self):
        enforcer = oslo_policy.Enforcer(self.conf.conf)
        nova_rule = oslo_policy.RuleDefault(
            'os_compute_api:servers:show:host_status', 'role:nova-says')
        enforcer.register_default(nova_rule)
        registered = policies.register_missing(enforcer)
        self.assertEqual(
            ['os_compute_api:servers:show:host_status:unknown-only'],
            registered)
        self.assertEqual(
            'role:nova-says',
            enforcer.registered_rules[
                'os_compute_api:servers:show:host_status'].check_str)
