"""The harness of the API benchmarks: what host_status costs in nova-api.

Shared by the questions ``listing_bench`` (what ``GET /servers/detail``
costs, over servers, compute hosts and projects) and ``show_bench`` (what
one server's ``GET`` costs), both run by ``tox -e bench`` (see
``api_bench.py``). Not a test. Each question measures nova's real compute
API application in-process over nova's real database layer, as
``api_deployment`` sets it up: N servers of P projects placed round-robin
over H compute hosts spread round-robin over two cells, listed by an admin
of another project with ``all_tenants=1``.

Four arms, interleaved request by request so that the machine's noise hits
all of them alike:

1. ``native``: nova's own host_status, no plugin (the anchor);
2. ``plugin``: this filter in the pipeline right after ``keystonecontext``,
   with nova's own host_status on as nova 34 ships it (the filter's fast
   path: it trusts nova's value but for DOWN), or, with
   ``--plugin-native off``, switched off (the filter's full path, as for a
   nova that does not write the field);
3. ``floor``: nova's host_status switched off, no plugin (a response with no
   host_status at all);
4. ``native-AA``: arm 1 again, from a second copy of the same pipeline. Its
   ratio to arm 1 is the noise of the measurement: a ratio counts only
   beside it.

nova's host_status is switched off by making
``ViewBuilder._get_host_status_unknown_only`` answer None, its one switch in
show and detail. The server listing still asks for the instances' services
to be joined (the controller decides that from the microversion alone), so
the floor keeps that join: it is nova's cost whatever the view shows.

What stays fake, equally in every arm: keystone (authtoken is a no-op and the
context comes from X-Auth-User/X-Auth-Project-Id/X-Roles headers, as nova's
own OSAPIFixture does it) and neutron (the security groups of each server
are a constant ``default``, with no neutron call). nova runs in native
threading mode, its production default for the API. Response schema
validation is off by default (``--response-validation``): it is about half
of nova's own cost, so without it the plugin's share shows largest.

Every round runs the four arms under the same padding frame, whose size
changes from round to round: see "Stack offsets" below for why.

Ratios are paired: the geometric mean, over the rounds, of the ratio of two
arms' CPU times in the same round. The four requests of a round run one
after the other under the same stack offset, so what a round shares (the
offset, a burst of load from another process) cancels out of its ratio,
where a ratio of the arms' medians keeps it; and over offsets spread evenly
across a frame chunk, the geometric mean of the plugin's shifted position
against nova's is exactly 1, so the filter's extra frames do not bias it.
The ratio of the medians is printed beside it (``m-p/n``).
"""

# The deployment first: it sets nova's concurrency mode up before the rest
# of nova is imported.
import api_deployment  # noqa: I100

import collections
import gc
import importlib
import io
import itertools
import json
import logging
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import warnings

import webob

from tools import nova_paste
from tools import stats

AA_TOLERANCE = 0.03

ARMS = api_deployment.ARMS
NATIVE = api_deployment.NATIVE
PLUGIN = api_deployment.PLUGIN
FLOOR = api_deployment.FLOOR
NATIVE_AA = api_deployment.NATIVE_AA
NATIVE_OFF = api_deployment.NATIVE_OFF
N_CELLS = api_deployment.N_CELLS
LATEST = api_deployment.LATEST
SQL = api_deployment.SQL
ADMIN_HEADERS = api_deployment.ADMIN_HEADERS
Deployment = api_deployment.Deployment
NativeSwitch = api_deployment.NativeSwitch
nova_paste_ini = api_deployment.nova_paste_ini


# --------------------------------------------------------------------------
# Stack offsets
#
# CPython 3.11 keeps Python frames in 16 KiB chunks and frees a chunk as soon
# as the call that opened it returns (python/cpython gh-142183, fixed by a
# one-chunk cache only in 3.13+). When a hot loop deep in nova calls across a
# chunk boundary, every such call maps and unmaps a chunk: the same request
# then costs up to several times more CPU, depending only on how many bytes
# of frames sit above it. A filter adds a few frames, so at one fixed offset
# a ratio measures where the boundary fell, not the filter. Each round
# therefore runs all arms under one padding frame of a size that varies from
# round to round over a whole chunk (a low-discrepancy sequence), so every
# arm sees the same spread of offsets, as nova-api deployments (whose WSGI
# servers put their own frames above the app) do.

CHUNK_WORDS = 16 * 1024 // 8
PAD_STEP_WORDS = 16
_PADS = {}


def pad_function(n_locals):
    """A function whose frame holds *n_locals* extra words; it calls fn()."""
    pad = _PADS.get(n_locals)
    if pad is None:
        if n_locals:
            body = ('    if fn is None:\n        %s = None\n'
                    % ' = '.join('v%d' % i for i in range(n_locals)))
        else:
            body = ''
        namespace = {}
        exec('def pad(fn):\n%s    return fn()\n' % body, namespace)
        pad = _PADS[n_locals] = namespace['pad']
    return pad


def stack_offset(round_no, fixed=None):
    """The padding, in words, of round *round_no*."""
    if fixed is not None:
        return fixed
    fraction = ((round_no + 0.5) * 0.6180339887498949) % 1.0
    return int(fraction * CHUNK_WORDS) // PAD_STEP_WORDS * PAD_STEP_WORDS


# --------------------------------------------------------------------------
# Requests and measurement

Sample = collections.namedtuple('Sample', ['cpu', 'wall', 'sql', 'stmts'])


def make_request(path, version):
    headers = dict(ADMIN_HEADERS)
    headers['OpenStack-API-Version'] = 'compute %s' % version
    headers['X-OpenStack-Nova-API-Version'] = version
    return webob.Request.blank(path, headers=headers)


def call(app, switch, arm, path, version, offset=0):
    """One request through *app*; its CPU, wall time and SQL statements.

    :param offset: words of padding frame above the request (see
        :func:`stack_offset`).
    """
    switch.set(NATIVE_OFF[arm])
    request = make_request(path, version)
    pad = pad_function(offset)
    gc.collect()
    sql0, stmts0 = SQL.queries, SQL.count
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    response = pad(lambda: request.get_response(app))
    cpu1 = time.process_time()
    wall1 = time.perf_counter()
    sql1, stmts1 = SQL.queries, SQL.count
    if response.status_int != 200:
        raise RuntimeError('%s %s (%s, %s): %s %s' % (
            'GET', path, arm, version, response.status,
            response.body[:500]))
    return Sample(cpu1 - cpu0, wall1 - wall0, sql1 - sql0,
                  stmts1 - stmts0), response


def host_statuses(body):
    document = json.loads(body)
    servers = document.get('servers') or [document['server']]
    return {s['id']: s.get('host_status') for s in servers}


def check_arms(deployment, switch, path, version):
    """The plugin's values are nova's but where the specification differs.

    That is MAINTENANCE where nova says DOWN of a host both forced down and
    disabled. The floor has none.
    """
    seen = {}
    for arm in ARMS:
        _, response = call(deployment.apps[arm], switch, arm, path, version)
        seen[arm] = host_statuses(response.body)
    problems = []
    if any(v is None for v in seen[NATIVE].values()):
        problems.append('native response lacks host_status')
    expected = {uuid: ('MAINTENANCE'
                       if deployment.host_state_of[uuid] == 'both' else value)
                for uuid, value in seen[NATIVE].items()}
    if seen[PLUGIN] != expected:
        diff = sum(1 for k in expected if expected[k] != seen[PLUGIN].get(k))
        problems.append('plugin differs from the specification on %d '
                        'servers' % diff)
    if any(v is not None for v in seen[FLOOR].values()):
        problems.append('floor response has host_status')
    values = collections.Counter(seen[NATIVE].values())
    return problems, len(seen[NATIVE]), values


class Case(object):
    """One request kind at one size, all four arms."""

    def __init__(self, kind, version, n_servers, n_hosts, n_projects):
        self.kind = kind
        self.version = version
        self.n_servers = n_servers
        self.n_hosts = n_hosts
        self.n_projects = n_projects
        self.samples = {arm: [] for arm in ARMS}
        self.check = None
        self.converged = False

    def med(self, arm, field='cpu'):
        return statistics.median(getattr(s, field) for s in self.samples[arm])

    def p90(self, arm, field='cpu'):
        return stats.percentile(
            [getattr(s, field) for s in self.samples[arm]], 90)

    def sql(self, arm, field='sql'):
        counts = collections.Counter(
            getattr(s, field) for s in self.samples[arm])
        return counts.most_common(1)[0][0]

    def _log_ratios(self, a, b, field):
        return [math.log(getattr(x, field) / getattr(y, field))
                for x, y in zip(self.samples[a], self.samples[b])]

    def ratio(self, a, b, field='cpu'):
        """Paired ratio *a* / *b*: geometric mean of the rounds' ratios."""
        return math.exp(statistics.fmean(self._log_ratios(a, b, field)))

    def median_ratio(self, a, b, field='cpu'):
        return self.med(a, field) / self.med(b, field)

    @property
    def aa(self):
        return self.ratio(NATIVE_AA, NATIVE)

    def interval(self, a, b, field='cpu', resamples=2000, level=0.95):
        """Bootstrap interval of the paired ratio *a* / *b*.

        Rounds are resampled, so the interval says how far the ratio could
        move with other rounds of the same run: a target is met only if the
        interval's upper end is under it.
        """
        rng = random.Random(0)
        logs = self._log_ratios(a, b, field)
        n = len(logs)
        ratios = []
        for _ in range(resamples):
            ratios.append(math.exp(statistics.fmean(
                logs[rng.randrange(n)] for _ in range(n))))
        tail = (1 - level) / 2
        return (stats.percentile(ratios, 100 * tail),
                stats.percentile(ratios, 100 * (1 - tail)))

    @property
    def rounds(self):
        return len(self.samples[NATIVE])


def run_case(case, deployment, switch, paths, budget, min_rounds,
             max_rounds, rng, fixed_offset=None, min_seconds=0.0):
    """Rounds of the four arms until A/A converges or time runs out.

    A case stops early, with A/A within tolerance, only after both
    *min_rounds* and *min_seconds*: a show is about a hundred times cheaper
    than a listing of 1000 servers, and a handful of its rounds would let
    A/A fall within tolerance by chance while the other ratios still move.
    """
    path = paths[case.kind]
    case.check = check_arms(deployment, switch, path(0), case.version)
    started = time.monotonic()
    deadline = started + budget
    order = list(ARMS)
    for round_no in itertools.count():
        rng.shuffle(order)
        offset = stack_offset(round_no, fixed_offset)
        for arm in order:
            sample, _ = call(deployment.apps[arm], switch, arm,
                             path(round_no), case.version, offset)
            case.samples[arm].append(sample)
        done = round_no + 1
        enough = (done >= min_rounds
                  and time.monotonic() - started >= min_seconds)
        if enough and abs(case.aa - 1) <= AA_TOLERANCE:
            case.converged = True
            break
        if done >= max_rounds or (enough
                                  and time.monotonic() > deadline):
            break
    switch.set(False)
    return case


# --------------------------------------------------------------------------
# Which filter code is measured

_PLUGIN_REFS = {}


def use_plugin_ref(ref):
    """Measure the filter as it is at git *ref* of this repository.

    The package ``host_status_ext`` at *ref* is exported (``git archive``)
    into a temporary directory put first on ``sys.path``, before anything
    imports it, so that the paste entry point
    ``egg:host-status-ext#host_status`` loads that code: the same harness
    then measures another version of the filter (``--plugin-ref main``:
    "before").
    """
    if ref in _PLUGIN_REFS:
        return _PLUGIN_REFS[ref]
    import subprocess
    import tarfile
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = tempfile.mkdtemp(prefix='bench-plugin-')
    archive = subprocess.run(
        ['git', '-C', repo, 'archive', '--format=tar', ref,
         'host_status_ext'], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter='data')
    commit = subprocess.run(
        ['git', '-C', repo, 'log', '-1', '--format=%h %s', ref],
        capture_output=True, text=True, check=True).stdout.strip()
    if 'host_status_ext' in sys.modules or _PLUGIN_REFS:
        sys.exit('host_status_ext was imported before --plugin-ref')
    sys.path.insert(0, target)
    importlib.invalidate_caches()
    # NOTE: imported now, so that no later entry on sys.path (nova's test
    # package puts the working directory first; a checkout there has its
    # own host_status_ext) can shadow the exported one.
    import host_status_ext
    if not os.path.abspath(host_status_ext.__file__).startswith(target):
        sys.exit('--plugin-ref: host_status_ext came from %s, not %s'
                 % (host_status_ext.__file__, target))
    _PLUGIN_REFS[ref] = 'git ref %s (%s), exported to %s' % (
        ref, commit, target)
    return _PLUGIN_REFS[ref]


def _plugin_source():
    """Where the measured filter was imported from, and its commit."""
    import host_status_ext
    import subprocess
    where = os.path.dirname(os.path.dirname(
        os.path.abspath(host_status_ext.__file__)))
    try:
        commit = subprocess.run(
            ['git', '-C', where, 'log', '-1', '--format=%h %s', '--',
             'host_status_ext'], capture_output=True, text=True,
            check=True).stdout.strip()
        dirty = subprocess.run(
            ['git', '-C', where, 'status', '--porcelain', '--',
             'host_status_ext'], capture_output=True, text=True,
            check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return '%s (not a git checkout)' % where
    return '%s, filter modules at %s%s' % (
        where, commit, ' (with uncommitted changes)' if dirty else '')


# --------------------------------------------------------------------------
# Output

def fmt_ms(seconds):
    return '%8.1f' % (seconds * 1000.0)


def print_header(args, question):
    print('host_status benchmark, %s: nova %s, host-status-ext in-process'
          % (question, _version('nova')))
    print('machine: %s, %s, %d cores, Python %s, load average %s at start'
          % (platform.node(), _cpu_model(), os.cpu_count(),
             platform.python_version(), load_average()))
    import host_status_ext
    print('plugin: %s; imported from %s' % (
        args.plugin_source or _plugin_source(),
        os.path.dirname(host_status_ext.__file__)))
    print('database: SQLite files (WAL, %s pool), one API DB + cell0 + %d '
          'cells, by nova\'s fixtures; N servers of P projects on H hosts '
          '(both round-robin, hosts over the cells), listed by an admin of '
          'another project with all_tenants=1'
          % (args.sqlite_pool, N_CELLS))
    print('requests: nova\'s paste pipeline called with webob in-process '
          '(no HTTP), keystone and neutron stubbed alike in every arm; '
          'microversions %s' % ', '.join(args.versions))
    print('timing: CPU = time.process_time(), wall = time.perf_counter(), '
          'gc.collect() before each request; arms shuffled in every round; '
          'rounds until A/A within +-%d%% (min %d rounds and %.0f s, max %d '
          'rounds or %.0f s per case)'
          % (AA_TOLERANCE * 100, args.min_rounds, args.min_seconds,
             args.max_rounds, args.budget))
    print('stack offset: %s' % (
        'a different padding frame each round, the same for the 4 arms, '
        'over a whole 16 KiB CPython frame chunk (CPython 3.11 '
        'gh-142183)' if args.stack_offset is None else
        '%d words, fixed' % args.stack_offset))
    print('nova [api] response_validation = %s' % args.response_validation)
    print('plugin arm: nova\'s own host_status %s (%s); hosts: %s '
          '(%s)' % (
              args.plugin_native,
              'the filter\'s fast path' if args.plugin_native == 'on'
              else 'the filter\'s full path', args.hosts,
              ', '.join(api_deployment.HOST_LAYOUTS[args.hosts])))
    print('ratios: paired (geometric mean over rounds of CPU time ratios in '
          'one round), 95% bootstrap intervals over the rounds (p/n CI, aa '
          'CI); w-p/n of wall times; m-p/n = ratio of CPU medians')
    print('sql = queries per request (stm = all '
          'statements, with the BEGIN oslo.db emits on SQLite), counted by a '
          'SQLAlchemy before_cursor_execute listener')
    sys.stdout.flush()


def load_average():
    return '/'.join('%.1f' % x for x in os.getloadavg())


def _version(dist):
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return '?'


def _cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or '?'


COLUMNS = ('%-6s %-5s %4s %5s %3s %3s | %-9s %8s %8s %8s %8s %4s %4s | '
           '%5s %5s %5s %5s %5s %s')


def print_table_header():
    print()
    print(COLUMNS % ('kind', 'mv', 'N', 'H', 'P', 'rnd', 'arm', 'cpu-med',
                     'cpu-p90', 'wall-med', 'wall-p90', 'sql', 'stm', 'p/n',
                     'p/f', 'aa', 'w-p/n', 'm-p/n', 'extra_sql / check'))
    print('-' * 140)


def print_case(case):
    problems, n_servers, values = case.check
    for i, arm in enumerate(ARMS):
        if i == 0:
            ratios = ('%5.2f' % case.ratio(PLUGIN, NATIVE),
                      '%5.2f' % case.ratio(PLUGIN, FLOOR),
                      '%5.2f' % case.aa,
                      '%5.2f' % case.ratio(PLUGIN, NATIVE, 'wall'),
                      '%5.2f' % case.median_ratio(PLUGIN, NATIVE))
            extra = case.sql(PLUGIN) - case.sql(FLOOR)
            tail = 'extra_sql=%d (%.1f/cell; %d with BEGINs)%s' % (
                extra, extra / float(N_CELLS),
                case.sql(PLUGIN, 'stmts') - case.sql(FLOOR, 'stmts'),
                '' if case.converged else ' AA-NOT-CONVERGED')
        elif i == 1:
            ratios = ('',) * 5
            tail = ('check: ' + ('; '.join(problems) if problems else 'ok')
                    + ', %d servers' % n_servers)
        elif i == 2:
            ratios = ('',) * 5
            tail = 'native: ' + ' '.join(
                '%s=%d' % (k or '""', v) for k, v in sorted(values.items()))
        else:
            ratios = ('',) * 5
            tail = 'p/n 95%% CI %.2f-%.2f, aa %.2f-%.2f; load %s' % (
                case.interval(PLUGIN, NATIVE) + case.interval(NATIVE_AA,
                                                              NATIVE)
                + (load_average(),))
        head = ((case.kind, case.version, case.n_servers, case.n_hosts,
                 case.n_projects, case.rounds) if i == 0
                else ('', '', '', '', '', ''))
        print(COLUMNS % (head + (
            arm, fmt_ms(case.med(arm)), fmt_ms(case.p90(arm)),
            fmt_ms(case.med(arm, 'wall')), fmt_ms(case.p90(arm, 'wall')),
            case.sql(arm), case.sql(arm, 'stmts')) + ratios + (tail,)))
    sys.stdout.flush()


def print_summary(cases):
    """One line per case: the figures a closing note quotes."""
    print()
    print('summary (CPU): kind mv N H P: plugin/native by medians, A/A by '
          'medians; paired plugin/native [95% CI], A/A [95% CI]; '
          'extra_sql, plugin-native ms')
    for case in cases:
        print('%s %s N=%d H=%d P=%d: m-p/n=%.3f m-aa=%.3f; p/n=%.3f '
              '[%.2f-%.2f] aa=%.3f [%.2f-%.2f]; extra_sql=%d, %+.2f ms, '
              'rounds=%d' % (
                  (case.kind, case.version, case.n_servers, case.n_hosts,
                   case.n_projects, case.median_ratio(PLUGIN, NATIVE),
                   case.median_ratio(NATIVE_AA, NATIVE),
                   case.ratio(PLUGIN, NATIVE))
                  + case.interval(PLUGIN, NATIVE) + (case.aa,)
                  + case.interval(NATIVE_AA, NATIVE)
                  + (case.sql(PLUGIN) - case.sql(FLOOR),
                     (case.med(PLUGIN) - case.med(NATIVE)) * 1000,
                     case.rounds)))


# --------------------------------------------------------------------------
# Command line and the run

def add_common_args(parser):
    """The options every question takes."""
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: small sizes, few rounds')
    parser.add_argument(
        '--points', default=None,
        help='comma list of NxHxP (servers x hosts x projects), e.g. '
             '1000x10000x500,10x10x1')
    parser.add_argument('--versions', default='2.16',
                        help='comma list of microversions (latest = %s)'
                             % LATEST)
    parser.add_argument('--min-rounds', type=int, default=None)
    parser.add_argument('--max-rounds', type=int, default=None)
    parser.add_argument('--budget', type=float, default=None,
                        help='seconds after which a case (one kind, one '
                             'version, one point) stops once it has its '
                             'minimum, converged or not')
    parser.add_argument('--min-seconds', type=float, default=None,
                        help='seconds a case runs at least before A/A may '
                             'stop it')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument(
        '--plugin-ref', default=None,
        help='measure the filter as it is at this git ref of the '
             'repository (e.g. main), instead of the installed code')
    parser.add_argument(
        '--sqlite-pool', default='queue', choices=('queue', 'null'),
        help='connection pool of the SQLite files: queue (default, pooled '
             'connections as with MariaDB) or null (oslo.db\'s choice for '
             'SQLite files: a new connection per transaction)')
    parser.add_argument(
        '--stack-offset', type=int, default=None,
        help='words of padding frame above every request, the same in every '
             'round (default: a different offset each round, over a whole '
             '16 KiB frame chunk; see "Stack offsets" in the source)')
    parser.add_argument(
        '--plugin-native', default='on', choices=('on', 'off'),
        help="nova's own host_status in the plugin arm: on (default, as "
             "nova 34 ships; the filter's fast path) or off (the filter's "
             "full path, as for a nova that does not write the field)")
    parser.add_argument(
        '--hosts', default='mixed',
        choices=sorted(api_deployment.HOST_LAYOUTS),
        help='the states of the compute hosts, host after host: mixed '
             '(default; one in ten of disabled, forced down, both, unknown) '
             'or none-down (no host forced down)')
    parser.add_argument(
        '--response-validation', default='ignore',
        choices=('ignore', 'warn', 'error'),
        help="nova's [api] response_validation. Default ignore: nova's "
             "own cost is then smallest, so the plugin's share of it shows "
             "largest (the strict setting for the ratios), and the run is "
             "about twice as fast. nova's production default is warn.")


def parse_points(text):
    return [tuple(int(x) for x in point.split('x'))
            for point in text.split(',') if point]


def finish_args(args, default_points, quick_points, min_rounds=7,
                min_seconds=15.0, budget=40.0):
    """Fill in the defaults a question chose."""
    if args.points:
        args.points = parse_points(args.points)
    else:
        args.points = quick_points if args.quick else default_points
    args.versions = [LATEST if v == 'latest' else v
                     for v in args.versions.split(',') if v]
    if args.min_rounds is None:
        args.min_rounds = 3 if args.quick else min_rounds
    if args.max_rounds is None:
        args.max_rounds = 6 if args.quick else 1000
    if args.budget is None:
        args.budget = 2.0 if args.quick else budget
    if args.min_seconds is None:
        args.min_seconds = 0.0 if args.quick else min_seconds
    args.plugin_source = (use_plugin_ref(args.plugin_ref)
                          if args.plugin_ref else None)
    NATIVE_OFF[PLUGIN] = args.plugin_native == 'off'
    return args


def quiet():
    # nova's INFO request log would be most of what the run prints.
    logging.disable(logging.INFO)
    warnings.simplefilter('ignore')


def paste_files():
    """(nova's api-paste.ini, a copy with the filter) for the arms."""
    workdir = tempfile.mkdtemp(prefix='bench-host-status-')
    native_ini = nova_paste_ini()
    plugin_ini = os.path.join(workdir, 'api-paste-host-status.ini')
    nova_paste.write(plugin_ini, source=native_ini)
    return native_ini, plugin_ini


def first_deployment(args):
    """What a tool that asks about one deployment needs, quietly.

    The first point of *args* as a Deployment (set up on entering it),
    the switch of nova's own host_status and the first microversion.
    """
    quiet()
    native_ini, plugin_ini = paste_files()
    n_servers, n_hosts, n_projects = args.points[0]
    deployment = Deployment(n_servers, n_hosts, n_projects, native_ini,
                            plugin_ini, args.response_validation,
                            args.sqlite_pool, args.hosts)
    return deployment, NativeSwitch(), args.versions[0]


def run(args, question, kind, path_of):
    """Every point of *args*, every version: the four arms, printed.

    :param kind: 'detail' or 'show'.
    :param path_of: a function (deployment, round number) -> request path.
    """
    quiet()
    print_header(args, question)
    rng = random.Random(args.seed)
    switch = NativeSwitch()
    native_ini, plugin_ini = paste_files()

    SQL.install()
    cases = []
    started = time.monotonic()
    print_table_header()
    for n_servers, n_hosts, n_projects in args.points:
        with Deployment(n_servers, n_hosts, n_projects, native_ini,
                        plugin_ini, args.response_validation,
                        args.sqlite_pool, args.hosts) as deployment:
            # What the deployment made lives on: out of the collector's way
            # (as a pre-forked nova-api would have it), so that gc.collect()
            # between requests costs little and each request's own garbage
            # is what is collected.
            gc.collect()
            gc.freeze()
            paths = {kind: lambda i: path_of(deployment, i)}
            for version in args.versions:
                case = Case(kind, version, n_servers, n_hosts, n_projects)
                run_case(case, deployment, switch, paths, args.budget,
                         args.min_rounds, args.max_rounds, rng,
                         args.stack_offset, args.min_seconds)
                cases.append(case)
                print_case(case)
            gc.unfreeze()
    SQL.remove()
    print('-' * 140)
    print('total %.0f s, load average %s at the end' % (
        time.monotonic() - started, load_average()))
    print_summary(cases)
    return cases
