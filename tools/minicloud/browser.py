"""Headless Chromium on the mini-cloud's Horizon, through Selenium.

The one home of the browser for the dashboard's end-to-end tests, the
demo's screenshot and the dashboard benchmark (runs in the cloud's venv,
which has Selenium). Debian's ``chromium`` and ``chromium-driver``; no
network but loopback, so every background service of Chromium is off,
and each browser gets a profile of its own, removed when it quits.
"""

import shutil
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome import service
from selenium.webdriver.common.actions import action_builder
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support import ui

from tools.minicloud import layout

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
FLAGS = ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
         '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync',
         '--window-size=1600,1000')
PAGE_TIMEOUT = 60

# Horizon's Instances pages, and the name of their table (its HTML id).
PROJECT_INSTANCES = '/project/instances/'
ADMIN_INSTANCES = '/admin/instances/'
TABLE = 'instances'

# One read of the table: its column headers, and per row the server's
# name (Horizon's data-display) and each cell's text, classes and colour,
# and those of a label in it.
READ_TABLE = '''
const table = document.getElementById(arguments[0]);
if (!table) { return null; }
const heads = table.querySelectorAll('thead tr.table_column_header th');
const rows = [];
for (const tr of table.querySelectorAll('tbody tr[data-object-id]')) {
  rows.push({id: tr.getAttribute('data-object-id'),
             name: tr.getAttribute('data-display'),
             cells: Array.from(tr.children, td => {
               const label = td.querySelector('.label');
               return {text: td.textContent.trim(),
                       classes: Array.from(td.classList),
                       background: getComputedStyle(td).backgroundColor,
                       label: label ? Array.from(label.classList) : [],
                       labelBackground: label ?
                           getComputedStyle(label).backgroundColor : null};
             })});
}
return {headers: Array.from(heads, th => th.textContent.trim()),
        rows: rows};
'''


class Table(object):
    """Horizon's table as the browser shows it."""

    def __init__(self, read):
        self.headers = read['headers']
        self.rows = read['rows']

    def row(self, name):
        """``{header: cell}`` of the row of server ``name``.

        A cell is ``{'text', 'classes', 'background', 'label',
        'labelBackground'}`` (``label``: the classes of a label in it).
        """
        for row in self.rows:
            if row['name'] == name:
                return dict(zip(self.headers, row['cells']))
        raise LookupError('no row for %s in %s' % (
            name, [r['name'] for r in self.rows]))

    def names(self):
        return [row['name'] for row in self.rows]


class Browser(object):
    """One headless Chromium, logged in as one account at a time."""

    def __init__(self, base_url=layout.HORIZON_URL):
        self.base_url = base_url
        self.profile = tempfile.mkdtemp(prefix='minicloud-chromium-')
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS + ('--user-data-dir=' + self.profile,):
            options.add_argument(flag)
        try:
            self.driver = webdriver.Chrome(
                service=service.Service(CHROMEDRIVER), options=options)
        except Exception:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.driver.set_page_load_timeout(PAGE_TIMEOUT)

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()

    def wait(self, condition, timeout=PAGE_TIMEOUT):
        return ui.WebDriverWait(self.driver, timeout).until(condition)

    def get(self, path):
        self.driver.get(self.base_url + path)

    def login(self, account):
        """Log in through Horizon's form (keystone checks the password)."""
        self.driver.delete_all_cookies()
        self.get('/auth/login/')
        self.driver.find_element(By.ID, 'id_username').send_keys(account[0])
        self.driver.find_element(By.ID, 'id_password').send_keys(
            layout.PASSWORD)
        self.driver.find_element(By.ID, 'loginBtn').click()
        self.wait(lambda d: '/auth/login/' not in d.current_url)

    def set_page_size(self, size):
        """Horizon's "items per page" (its API_RESULT_PAGE_SIZE cookie)."""
        self.driver.add_cookie({'name': 'API_RESULT_PAGE_SIZE',
                                'value': str(size), 'path': '/'})

    def instances(self, path=PROJECT_INSTANCES):
        """Load an Instances page and read its table."""
        self.get(path)
        return self.read_table()

    def read_table(self):
        self.wait(expected_conditions.presence_of_element_located(
            (By.ID, TABLE)))
        # NOTE: the pointer stays where the last click left it; over a row
        # it would give the row Horizon's hover colour.
        actions = action_builder.ActionBuilder(self.driver)
        actions.pointer_action.move_to_location(0, 0)
        actions.perform()
        return Table(self.driver.execute_script(READ_TABLE, TABLE))

    def open_tab(self, path, slug):
        """Load a page with tabs, click tab ``slug``; return its pane."""
        self.get(path)
        link = self.wait(expected_conditions.element_to_be_clickable(
            (By.CSS_SELECTOR, 'a[data-target$="__%s"]' % slug)))
        link.click()
        return self.wait(expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, '[id$="__%s"]' % slug)))

    def tab_slugs(self, path):
        """The slugs of the tabs a page offers."""
        self.get(path)
        self.wait(expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, 'ul.nav-tabs')))
        return [a.get_attribute('data-target').rsplit('__', 1)[-1]
                for a in self.driver.find_elements(
                    By.CSS_SELECTOR, 'ul.nav-tabs a[data-target]')]

    def screenshot(self, path):
        self.driver.save_screenshot(str(path))

    def load_time(self, path):
        """Load ``path``; return Navigation Timing's load duration (s).

        From the start of the navigation to the end of the load event: the
        page, its static files and scripts, as the user waits for them.
        """
        self.get(path)
        self.wait(lambda d: d.execute_script(
            'const n = performance.getEntriesByType("navigation")[0];'
            'return n && n.loadEventEnd > 0;'))
        return self.driver.execute_script(
            'const n = performance.getEntriesByType("navigation")[0];'
            'return n.loadEventEnd - n.startTime;') / 1000.0
