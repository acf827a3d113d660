"""The tooz URL the coordinator builds, and the one-instance coordinator."""

import urllib.parse

import testtools

from host_status_ext.notifier import coordination


class TestBackendURL(testtools.TestCase):

    def query(self, url):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))

    def test_timeouts_come_from_takeover_timeout(self):
        url = coordination.backend_url('redis://127.0.0.1:6379', 3)
        self.assertTrue(url.startswith('redis://127.0.0.1:6379?'))
        self.assertEqual({'lock_timeout': '3', 'membership_timeout': '3'},
                         self.query(url))

    def test_the_operators_own_values_win_and_others_are_kept(self):
        url = coordination.backend_url(
            'etcd3+http://e:2379?lock_timeout=10&api_version=v3', 3)
        self.assertEqual({'lock_timeout': '10', 'api_version': 'v3',
                          'membership_timeout': '3'}, self.query(url))


class TestSolo(testtools.TestCase):

    def test_every_cell_is_watched(self):
        solo = coordination.SoloCoordinator()
        solo.start()
        self.assertEqual({'a', 'b'}, solo.cells_to_watch(['a', 'b']))
        solo.release('a')
        solo.stop()
