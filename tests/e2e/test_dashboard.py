"""Host Status in the mini-cloud's Horizon, in a real browser.

Headless Chromium (Debian's) through Selenium, against Horizon 27 with the
project's plugin installed from its enabled file, logged in through
keystone as each account. What the browser shows is compared with what
nova's API gives the same account.
"""

from selenium.webdriver.common.by import By

from tools.minicloud import browser
from tools.minicloud import client
from tools.minicloud import layout
from tools.minicloud import scenario

from tests.e2e import base

COLUMN = 'Host Status'
TAB = 'host_status'
# The cell whose text changes between two loads by itself.
AGE = 'Age'


class DashboardTest(base.CloudTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.web_host, cls.db_host = cls.HOSTS
        cls.web = cls.prefix + cls.web_host
        cls.db = cls.prefix + cls.db_host
        try:
            cls.browser = browser.Browser()
        except Exception:
            super().tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.browser.quit()
        finally:
            super().tearDownClass()

    def owner_table(self):
        self.browser.login(layout.OWNER)
        return self.browser.instances()

    def assert_beside_status(self, table):
        self.assertIn(COLUMN, table.headers)
        self.assertEqual(table.headers.index('Status') + 1,
                         table.headers.index(COLUMN), table.headers)

    def test_owner_sees_up_with_the_policy_line(self):
        self.open_to_owner()
        table = self.owner_table()
        self.assert_beside_status(table)
        for name in (self.web, self.db):
            cell = table.row(name)[COLUMN]
            self.assertEqual('UP', cell['text'])
            self.assertEqual([], cell['label'])

    def test_owner_sees_down_in_the_right_row_and_nothing_else_changes(self):
        self.open_to_owner()
        before = self.owner_table()
        scenario.set_forced_down(self.admin, self.web_host, True)
        self.assert_owner_sees(self.web_host, 'DOWN')
        after = self.browser.instances()
        self.assertEqual(before.headers, after.headers)
        self.assertEqual(sorted(before.names()), sorted(after.names()))
        down = after.row(self.web)
        self.assertEqual('DOWN', down[COLUMN]['text'])
        self.assertIn('status_down', down[COLUMN]['classes'])
        # It stands out: a label in the theme's danger colour, on the
        # row's own background.
        self.assertIn('label-danger', down[COLUMN]['label'])
        self.assertNotIn(down[COLUMN]['labelBackground'],
                         (down['Status']['background'], 'rgba(0, 0, 0, 0)'))
        up = after.row(self.db)
        self.assertEqual('UP', up[COLUMN]['text'])
        self.assertEqual([], up[COLUMN]['label'])
        for name in (self.web, self.db):
            old, new = before.row(name), after.row(name)
            for header in after.headers:
                if header in (COLUMN, AGE):
                    continue
                self.assertEqual(old[header]['text'], new[header]['text'],
                                 (name, header))
        self.assertEqual(before.row(self.db)[COLUMN], up[COLUMN])

    def test_detail_page_shows_the_host_status(self):
        self.open_to_owner()
        scenario.set_forced_down(self.admin, self.web_host, True)
        self.assert_owner_sees(self.web_host, 'DOWN')
        self.browser.login(layout.OWNER)
        pane = self.browser.open_tab(
            browser.PROJECT_INSTANCES + self.servers[self.web_host] + '/',
            TAB)
        label = pane.find_element(By.CSS_SELECTOR, '[data-host-status]')
        self.assertEqual('DOWN', label.text)
        self.assertIn('label-danger', label.get_attribute('class'))

    def test_stranger_sees_none_of_the_owners_servers(self):
        self.open_to_owner()
        self.browser.login(layout.STRANGER)
        table = self.browser.instances()
        for name in (self.web, self.db):
            self.assertNotIn(name, table.names())

    def test_owner_sees_no_host_status_with_novas_default_policy(self):
        # nova leaves the field out for the owner: the column and the tab
        # are left out rather than shown empty.
        self.assertIsNone(self.seen_by_owner(self.web_host))
        table = self.owner_table()
        self.assertIn(self.web, table.names())
        self.assertNotIn(COLUMN, table.headers)
        tabs = self.browser.tab_slugs(
            browser.PROJECT_INSTANCES + self.servers[self.web_host] + '/')
        self.assertIn('overview', tabs)
        self.assertNotIn(TAB, tabs)

    def test_admin_sees_the_admin_table_with_the_column(self):
        scenario.set_forced_down(self.admin, self.db_host, True)
        client.poll(lambda: client.host_status_of(
            self.admin_s, self.servers[self.db_host]), 'DOWN',
            base.API_CHANGE_TIMEOUT)
        self.browser.login(layout.ADMIN)
        self.browser.set_page_size(1000)
        table = self.browser.instances(browser.ADMIN_INSTANCES)
        self.assert_beside_status(table)
        self.assertEqual('UP', table.row(self.web)[COLUMN]['text'])
        self.assertEqual('DOWN', table.row(self.db)[COLUMN]['text'])
        self.assertIn('label-danger', table.row(self.db)[COLUMN]['label'])
