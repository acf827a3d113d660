import ddt
import testtools
import webob

from host_status_ext import routes


@ddt.ddt
class TestClassify(testtools.TestCase):

    @ddt.data(
        ('GET', '/servers/detail', routes.Kind.DETAIL),
        ('GET', '/servers/detail/', routes.Kind.DETAIL),
        ('GET', '/6f70656e737461636b20342065766572/servers/detail',
         routes.Kind.DETAIL),
        ('GET', '/servers/9a2b', routes.Kind.SHOW),
        ('GET', '/project-x/servers/9a2b', routes.Kind.SHOW),
        ('PUT', '/servers/9a2b', routes.Kind.UPDATE),
        ('PUT', '/project-x/servers/9a2b', routes.Kind.UPDATE),
        ('GET', '/servers', None),
        ('GET', '/project-x/servers', None),
        ('HEAD', '/servers/9a2b', None),
        ('DELETE', '/servers/9a2b', None),
        ('PUT', '/servers/detail', None),
        ('POST', '/servers', None),
        ('GET', '/servers/9a2b/ips', None),
        ('GET', '/servers/9a2b/os-interface/1', None),
        ('GET', '/flavors/detail', None),
        ('GET', '/os-hypervisors/detail', None),
    )
    @ddt.unpack
    def test_path_and_method(self, method, path, kind):
        self.assertIs(kind, routes.classify(
            webob.Request.blank(path, method=method)))

    def _action(self, body):
        return webob.Request.blank('/servers/9a2b/action', method='POST',
                                   body=body)

    def test_rebuild_action(self):
        req = self._action(b'{"rebuild": {"imageRef": "x"}}')
        self.assertIs(routes.Kind.REBUILD, routes.classify(req))
        # nova still reads the whole body afterwards.
        self.assertEqual(b'{"rebuild": {"imageRef": "x"}}', req.body)
        self.assertEqual(b'{"rebuild": {"imageRef": "x"}}',
                         req.body_file.read())

    def test_other_actions_and_bad_bodies(self):
        for body in (b'{"reboot": {"type": "SOFT"}}', b'not json',
                     b'["rebuild"]', b'', b'\xff\xfe'):
            self.assertIsNone(routes.classify(self._action(body)), body)

    def test_rebuild_needs_post(self):
        req = webob.Request.blank('/servers/9a2b/action', method='PUT',
                                  body=b'{"rebuild": {}}')
        self.assertIsNone(routes.classify(req))


@ddt.ddt
class TestWantsHostStatus(testtools.TestCase):

    def response(self, status=200, version='2.16',
                 content_type='application/json', legacy=False):
        resp = webob.Response(status=status, content_type=content_type,
                              charset=None, body=b'{}')
        if version is not None:
            if legacy:
                resp.headers['X-OpenStack-Nova-API-Version'] = version
            else:
                resp.headers['OpenStack-API-Version'] = 'compute ' + version
        # What the filter has of nova's response: the WSGI status line and
        # header list.
        return resp.status, resp.headerlist

    @ddt.data(
        (routes.Kind.SHOW, '2.15', False),
        (routes.Kind.SHOW, '2.16', True),
        (routes.Kind.SHOW, '2.100', True),
        (routes.Kind.DETAIL, '2.1', False),
        (routes.Kind.DETAIL, '2.96', True),
        (routes.Kind.UPDATE, '2.74', False),
        (routes.Kind.UPDATE, '2.75', True),
        (routes.Kind.REBUILD, '2.74', False),
    )
    @ddt.unpack
    def test_microversion(self, kind, version, wanted):
        status = 202 if kind is routes.Kind.REBUILD else 200
        self.assertEqual(wanted, routes.wants_host_status(
            kind, *self.response(status=status, version=version)))

    def test_rebuild_at_2_75_is_202(self):
        self.assertTrue(routes.wants_host_status(
            routes.Kind.REBUILD, *self.response(status=202, version='2.75')))
        self.assertFalse(routes.wants_host_status(
            routes.Kind.REBUILD, *self.response(status=200, version='2.75')))

    def test_legacy_header(self):
        self.assertTrue(routes.wants_host_status(
            routes.Kind.SHOW, *self.response(version='2.16', legacy=True)))

    def test_no_version_header_is_2_1(self):
        self.assertFalse(routes.wants_host_status(
            routes.Kind.SHOW, *self.response(version=None)))

    @ddt.data(404, 403, 409, 500, 203, 204)
    def test_not_success(self, status):
        self.assertFalse(routes.wants_host_status(
            routes.Kind.SHOW, *self.response(status=status)))

    def test_not_json(self):
        self.assertFalse(routes.wants_host_status(
            routes.Kind.SHOW, *self.response(content_type='text/html')))

    def test_content_type_with_parameters_and_case(self):
        self.assertTrue(routes.wants_host_status(
            routes.Kind.SHOW, *self.response(
                content_type='Application/JSON; charset=UTF-8')))
