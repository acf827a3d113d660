"""tools.nova_paste: the operator's edit of nova's api-paste.ini."""

import configparser
import os

import fixtures
import testtools

from tools import nova_paste


def pipelines(text):
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return {name: parser.get(name, 'keystone').split()
            for name in nova_paste.COMPOSITES}, parser


class WithFilterTest(testtools.TestCase):

    def nova_text(self):
        with open(nova_paste.installed()) as f:
            return f.read()

    def test_filter_right_after_keystonecontext_in_both_composites(self):
        found, parser = pipelines(nova_paste.with_filter(self.nova_text()))
        for name, words in found.items():
            at = words.index('keystonecontext')
            self.assertEqual('host_status', words[at + 1], name)
            self.assertEqual(1, words.count('host_status'), name)
        self.assertEqual(nova_paste.ENTRY_POINT,
                         parser.get('filter:host_status', 'use'))

    def test_the_rest_of_novas_file_is_untouched(self):
        text = self.nova_text()
        edited = nova_paste.with_filter(text)
        self.assertEqual(
            text.rstrip('\n').replace('keystonecontext ',
                                      'keystonecontext host_status '),
            edited[:-len('\n\n' + nova_paste.FILTER_SECTION)])

    def test_a_file_without_keystonecontext_is_refused(self):
        text = self.nova_text().replace('keystonecontext', 'noauth2')
        self.assertRaises(ValueError, nova_paste.with_filter, text)

    def test_write_with_and_without_the_filter(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        plain = nova_paste.write(os.path.join(tmp, 'a.ini'),
                                 host_status=False)
        with open(plain) as f:
            self.assertEqual(self.nova_text(), f.read())
        edited = nova_paste.write(os.path.join(tmp, 'b.ini'))
        with open(edited) as f:
            self.assertIn(nova_paste.FILTER_SECTION, f.read())
