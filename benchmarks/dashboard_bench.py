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
work, and the plugin's, is); and the CPU time Horizon's uWSGI processes
spent on it (from /proc, which a busy machine inflates far less than the
wall clock). The figure is the ratio of the medians, with the plugin over
without; the A/A ratio beside it says how much of a difference is noise.
Hold ``/tmp/bench.lock`` and the mini-cloud's lock for figures to report;
the load average is printed beside them.
"""

import argparse
import datetime
import os
import random
import sys
import time

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


TICK = os.sysconf('SC_CLK_TCK')


def cpu_seconds(name):
    """CPU time (user + system) of service ``name``'s processes so far."""
    group = str(procs.pid(name))
    return sum(int(fields[11]) + int(fields[12])
               for _, fields in procs.stat_fields()
               if len(fields) > 12 and fields[2] == group) / TICK


def load(b, service):
    """One load of the owner's Instances page from Horizon ``service``.

    :returns: (page load, HTML response, Horizon's CPU), in seconds.
    """
    cpu = cpu_seconds(service)
    page = b.load_time(browser.PROJECT_INSTANCES)
    html = b.driver.execute_script(HTML_TIME)
    # NOTE: the load event can end before uWSGI's worker has finished
    # with the request's last bytes; a moment lets its CPU time settle.
    time.sleep(0.2)
    return page, html, cpu_seconds(service) - cpu


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


def line(name, samples, base):
    """One arm: p50 and p90 of each measure, p50 over the base arm's."""
    out = '%-16s' % name
    for measure in MEASURES:
        got = stats.summary(samples[measure])
        out += '  %s p50 %.3f p90 %.3f (x%.3f)' % (
            measure, got['p50'], got['p90'],
            got['p50'] / stats.percentile(base[measure], 50))
    return out


MEASURES = ('page load', 'HTML', 'Horizon CPU')


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
        service = {PLUGIN: layout.HORIZON, PLAIN: layout.HORIZON_PLAIN}
        for _ in range(args.warmup):
            for arm in arms.values():
                load(browsers[arm], service[arm])
        before = os.getloadavg()
        samples = {arm: {m: [] for m in MEASURES} for arm in arms}
        rng = random.Random(0)
        for i in range(args.loads):
            order = list(arms)
            rng.shuffle(order)
            for arm in order:
                for measure, value in zip(MEASURES, load(
                        browsers[arms[arm]], service[arms[arm]])):
                    samples[arm][measure].append(value)
            print('round %d/%d: %s' % (i + 1, args.loads, ', '.join(
                '%s %.2f s' % (arm, samples[arm]['page load'][-1])
                for arm in arms)), file=sys.stderr, flush=True)
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
        '(seconds; xN: median over the median of "%s")' % PLAIN,
    ]
    for arm in (PLAIN, PLAIN_AGAIN, PLUGIN):
        out.append(line(arm, samples[arm], samples[PLAIN]))
    for measure in MEASURES:
        median = {arm: stats.percentile(samples[arm][measure], 50)
                  for arm in arms}
        out.append('%s, ratio of medians with the plugin / without: %.3f '
                   '(A/A %.3f)' % (measure, median[PLUGIN] / median[PLAIN],
                                   median[PLAIN_AGAIN] / median[PLAIN]))
    text = '\n'.join(out) + '\n'
    sys.stdout.write(text)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
