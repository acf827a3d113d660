"""What the dashboard plugin costs the owner's Instances page, in a browser.

``tox -e dashboard-bench`` (or ``.minicloud/venv/bin/python
benchmarks/dashboard_bench.py`` against a running mini-cloud, from the
repository's top). The owner has ``--servers`` servers (50) and the policy
line, so that every row carries host_status; the page shows them all
(Horizon's "items per page" set above that). Two Horizons of the same
venv run side by side: the mini-cloud's, with the plugin, and one without
its app and tab (``tools/minicloud/horizon_plain.py``). Each round loads
the page once in each of three arms, in a random order: the plugin, no
plugin, and no plugin again (the A/A arm: the noise of two identical
arms). Headless Chromium, one browser per Horizon, logged in as the owner.

Per load, from the browser's Navigation Timing: the page load (start of the
navigation to the end of the load event: what the owner waits for) and the
HTML response (request sent to last byte received: where the server-side
work, and the plugin's, is). The figure is the ratio of the medians, with
the plugin over without; the A/A ratio beside it says how much of a
difference is noise. Hold ``/tmp/bench.lock`` and the mini-cloud's lock for
figures to report; the load average is printed beside them.
"""

import argparse
import datetime
import os
import random
import sys

from tools.minicloud import browser
from tools.minicloud import client
from tools.minicloud import horizon
from tools.minicloud import layout
from tools.minicloud import policy
from tools.minicloud import procs
from tools.minicloud import scenario
from tools.minicloud import seed
from tools.minicloud import services
from tools import stats

PREFIX = 'dbench-'
COLUMN = 'Host Status'
PLUGIN, PLAIN, PLAIN_AGAIN = 'plugin', 'no plugin', 'no plugin (A/A)'
BOOT_TIMEOUT = 300

HTML_TIME = ('const n = performance.getEntriesByType("navigation")[0];'
             'return (n.responseEnd - n.requestStart) / 1000;')


def boot_many(owner, count):
    """``count`` servers of the owner, spread over cell1's hosts."""
    have = {s.name for s in owner.compute.servers()
            if s.name.startswith(PREFIX) and s.status == 'ACTIVE'}
    image = owner.image.find_image(seed.IMAGE)
    flavor = owner.compute.find_flavor(seed.FLAVOR)
    made = []
    for i in range(count):
        name = '%s%02d' % (PREFIX, i)
        if name in have:
            continue
        made.append(owner.compute.create_server(
            name=name, image_id=image.id, flavor_id=flavor.id,
            networks='none',
            host=layout.CELL1_HOSTS[i % len(layout.CELL1_HOSTS)]))
    for server in made:
        owner.compute.wait_for_server(server, wait=BOOT_TIMEOUT, interval=2)


def load(b):
    """One load of the owner's Instances page: (page load, HTML) in s."""
    page = b.load_time(browser.PROJECT_INSTANCES)
    return page, b.driver.execute_script(HTML_TIME)


def open_browser(url, page_size):
    b = browser.Browser(url)
    b.login(layout.OWNER)
    b.set_page_size(page_size)
    return b


def check_arms(browsers, servers):
    """The plugin's page has the column on every row; the other has none."""
    with_plugin = browsers[PLUGIN].instances()
    without = browsers[PLAIN].instances()
    ours = [n for n in with_plugin.names() if n.startswith(PREFIX)]
    if len(ours) != servers or COLUMN not in with_plugin.headers:
        raise RuntimeError('the plugin\'s page shows %d of %d servers, '
                           'headers %s' % (len(ours), servers,
                                           with_plugin.headers))
    if any(with_plugin.row(n)[COLUMN]['text'] not in ('UP', 'MAINTENANCE',
                                                      'DOWN', 'UNKNOWN')
           for n in ours):
        raise RuntimeError('a server without host_status on the page')
    if COLUMN in without.headers or len(without.names()) != len(
            with_plugin.names()):
        raise RuntimeError('the page without the plugin: %s, %d rows'
                           % (without.headers, len(without.names())))


def line(name, pages, htmls, base_pages, base_htmls):
    page, html = stats.summary(pages), stats.summary(htmls)
    return ('%-16s page load p50 %.3f s p90 %.3f s (x%.3f)   '
            'HTML p50 %.3f s p90 %.3f s (x%.3f)' % (
                name, page['p50'], page['p90'],
                page['p50'] / stats.percentile(base_pages, 50),
                html['p50'], html['p90'],
                html['p50'] / stats.percentile(base_htmls, 50)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--servers', type=int, default=50)
    p.add_argument('--loads', type=int, default=20,
                   help='loads per arm (default 20)')
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--out', help='also write the table to this file')
    p.add_argument('--keep', action='store_true',
                   help='keep the servers and the second Horizon')
    args = p.parse_args(argv)

    admin = client.connect(layout.ADMIN)
    owner = client.connect(layout.OWNER)
    policy.write(owner_line=True)
    scenario.heal(admin)
    boot_many(owner, args.servers)
    services.start(layout.HORIZON_PLAIN)
    horizon.wait_ready(layout.HORIZON_PLAIN)
    page_size = args.servers + 50
    browsers = {}
    try:
        browsers[PLUGIN] = open_browser(layout.HORIZON_URL, page_size)
        browsers[PLAIN] = open_browser(layout.HORIZON_PLAIN_URL, page_size)
        check_arms(browsers, args.servers)
        arms = {PLUGIN: PLUGIN, PLAIN: PLAIN, PLAIN_AGAIN: PLAIN}
        for _ in range(args.warmup):
            for arm in arms.values():
                load(browsers[arm])
        before = os.getloadavg()
        pages = {arm: [] for arm in arms}
        htmls = {arm: [] for arm in arms}
        rng = random.Random(0)
        for _ in range(args.loads):
            order = list(arms)
            rng.shuffle(order)
            for arm in order:
                page, html = load(browsers[arms[arm]])
                pages[arm].append(page)
                htmls[arm].append(html)
        after = os.getloadavg()
    finally:
        for b in browsers.values():
            b.quit()
        if not args.keep:
            procs.stop(layout.HORIZON_PLAIN)
            scenario.delete_named(owner, PREFIX, wait=300)
        policy.write(owner_line=False)

    out = [
        'The owner\'s Instances page (Horizon 27), %d servers on the page, '
        'host_status on every row;' % args.servers,
        '%d loads per arm in a random order each round, after %d warm-up '
        'loads; headless Chromium; %s UTC' % (
            args.loads, args.warmup,
            datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M')),
        'load average before %.2f %.2f %.2f, after %.2f %.2f %.2f' % (
            before + after),
        '(xN: median over the median of "%s")' % PLAIN,
    ]
    for arm in (PLAIN, PLAIN_AGAIN, PLUGIN):
        out.append(line(arm, pages[arm], htmls[arm], pages[PLAIN],
                        htmls[PLAIN]))
    ratio = (stats.percentile(pages[PLUGIN], 50) /
             stats.percentile(pages[PLAIN], 50))
    aa = (stats.percentile(pages[PLAIN_AGAIN], 50) /
          stats.percentile(pages[PLAIN], 50))
    out.append('page load, ratio of medians with the plugin / without: '
               '%.3f (A/A %.3f; goal <= 1.02)' % (ratio, aa))
    text = '\n'.join(out) + '\n'
    sys.stdout.write(text)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
