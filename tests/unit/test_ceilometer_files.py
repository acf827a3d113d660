"""The ceilometer files the project ships read the notifier's payload.

ceilometer itself cannot be installed beside nova (its botocore wants
python-dateutil < 3); the end-to-end tests run these very files in a real
ceilometer. Here: that each trait reads a field the payload has, through
the quoted ``'nova_object.data'`` key (unquoted, ceilometer's JSONPath finds
nothing and every trait is silently empty), and that no trait is left to
ceilometer's defaults that would name a host or the sender's project.
"""

import os
import re

import testtools
import yaml

from host_status_ext.notifier import objects

ETC = os.path.join(os.path.dirname(__file__), '..', '..', 'etc',
                   'ceilometer')
DATA_PATH = re.compile(r"^payload\.'nova_object\.data'\.(\w+)$")


def load(name):
    with open(os.path.join(ETC, name)) as f:
        return yaml.safe_load(f)


class TestEventDefinitions(testtools.TestCase):

    def setUp(self):
        super().setUp()
        [self.definition] = load('event_definitions.yaml')
        self.traits = self.definition['traits']

    def test_the_notifiers_event_type(self):
        self.assertEqual(objects.EVENT_TYPE, self.definition['event_type'])

    def test_every_payload_trait_reads_a_field_of_the_payload(self):
        fields = set(objects.HostStatusChangePayload.fields)
        for name, trait in self.traits.items():
            if name == 'service':
                continue
            match = DATA_PATH.match(trait['fields'])
            self.assertIsNotNone(match, (name, trait['fields']))
            self.assertIn(match.group(1), fields, name)

    def test_the_traits_an_alarm_matches(self):
        def source(name):
            return DATA_PATH.match(self.traits[name]['fields']).group(1)
        self.assertEqual('uuid', source('instance_id'))
        self.assertEqual('uuid', source('resource_id'))
        for name in ('user_id', 'host_status', 'old_host_status',
                     'host_id', 'changed_at'):
            self.assertEqual(name, source(name))
        self.assertEqual('datetime', self.traits['changed_at']['type'])

    def test_project_and_tenant_both_from_the_payload(self):
        # Aodh takes the alarm's project from whichever of the two it reads
        # last; ceilometer's default for either is the sender's project.
        for name in ('project_id', 'tenant_id'):
            self.assertEqual("payload.'nova_object.data'.project_id",
                             self.traits[name]['fields'])

    def test_service_does_not_name_the_publisher(self):
        # ceilometer's default service trait is the publisher_id, which
        # names the notifier's host in the operator's feed.
        self.assertNotIn('publisher_id', self.traits['service']['fields'])
        self.assertTrue(self.traits['service']['fields'].startswith(
            'payload.'))


class TestEventPipeline(testtools.TestCase):

    def test_the_event_goes_to_aodhs_topic(self):
        doc = load('event_pipeline.yaml')
        [source] = doc['sources']
        self.assertEqual([objects.EVENT_TYPE], source['events'])
        [sink] = [s for s in doc['sinks'] if s['name'] in source['sinks']]
        self.assertEqual(['notifier://?topic=alarm.all'], sink['publishers'])
