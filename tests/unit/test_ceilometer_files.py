"""The ceilometer files the project ships read the notifier's payload.

ceilometer itself cannot be installed beside nova (its botocore wants
python-dateutil < 3); the end-to-end tests run these very files in a real
ceilometer. Here: that each trait reads a field the payload has, through
the quoted ``'nova_object.data'`` key (unquoted, ceilometer's JSONPath finds
nothing and every trait is silently empty), that no trait is left to
ceilometer's defaults that would name a host or the sender's project, and
that the shortcut (``aodh_events``) makes the very traits these files make.
"""

import os
import re

import testtools
import yaml

from host_status_ext.notifier import aodh_events
from host_status_ext.notifier import objects

ETC = os.path.join(os.path.dirname(__file__), '..', '..', 'etc',
                   'ceilometer')
DATA_PATH = re.compile(r"^payload\.'nova_object\.data'\.(\w+)$")


def load(name):
    with open(os.path.join(ETC, name)) as f:
        return yaml.safe_load(f)


def definition(event_type):
    [found] = [d for d in load('event_definitions.yaml')
               if d['event_type'] == event_type]
    return found


def assert_traits_read_fields_of(test, traits, payload_class):
    """Each trait but ``service`` reads a field *payload_class* has."""
    fields = set(payload_class.fields)
    for name, trait in traits.items():
        if name == 'service':
            continue
        match = DATA_PATH.match(trait['fields'])
        test.assertIsNotNone(match, (name, trait['fields']))
        test.assertIn(match.group(1), fields, name)


class TestEventDefinitions(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.definition = definition(objects.EVENT_TYPE)
        self.traits = self.definition['traits']

    def test_the_notifiers_event_types_and_no_other(self):
        self.assertEqual(
            [objects.EVENT_TYPE, objects.SUMMARY_EVENT_TYPE],
            [d['event_type'] for d in load('event_definitions.yaml')])

    def test_every_payload_trait_reads_a_field_of_the_payload(self):
        assert_traits_read_fields_of(
            self, self.traits, objects.HostStatusChangePayload)

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


class TestSummaryDefinition(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.traits = definition(objects.SUMMARY_EVENT_TYPE)['traits']

    def test_every_payload_trait_reads_a_field_of_the_summary(self):
        assert_traits_read_fields_of(
            self, self.traits, objects.HostStatusSummaryPayload)

    def test_project_from_the_payload_no_user_no_host(self):
        for name in ('project_id', 'tenant_id'):
            self.assertEqual("payload.'nova_object.data'.project_id",
                             self.traits[name]['fields'])
        # The project's servers may belong to several users; ceilometer's
        # default user_id would be the sender's.
        self.assertNotIn('user_id', self.traits)
        self.assertNotIn('publisher_id', self.traits['service']['fields'])
        self.assertEqual('int', self.traits['instance_count']['type'])


def yaml_path(path):
    """A payload path of aodh_events as the event definitions write it."""
    return 'payload.' + '.'.join("'%s'" % key if '.' in key else key
                                 for key in path)


class TestTheShortcutMakesTheSameTraits(testtools.TestCase):

    def test_each_event_type_trait_for_trait(self):
        for event_type, traits in aodh_events.TRAITS.items():
            expected = {
                name: (trait['fields'], trait.get('type', 'text'))
                for name, trait in definition(event_type)['traits'].items()}
            made = {name: (yaml_path(path),
                           aodh_events.TYPE_NAMES[trait_type])
                    for name, path, trait_type in traits}
            self.assertEqual(expected, made, event_type)


class TestEventPipeline(testtools.TestCase):

    def test_the_events_go_to_aodhs_topic(self):
        doc = load('event_pipeline.yaml')
        [source] = doc['sources']
        self.assertEqual([objects.EVENT_TYPE, objects.SUMMARY_EVENT_TYPE],
                         source['events'])
        [sink] = [s for s in doc['sinks'] if s['name'] in source['sinks']]
        self.assertEqual(['notifier://?topic=alarm.all'], sink['publishers'])
