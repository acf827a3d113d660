"""up, down, status and restarts: the order in which the pieces start.

Order matters: databases and keystone first (everyone authenticates
against it), then the other APIs and nova's services together, then the
computes are discovered into cell1 once they have registered. The
host-status-notifier starts with nova's services: it only reads the
databases, and a compute that registers after its first poll is simply a
change ('' -> UP) on a host that has no servers yet. ceilometer's agent,
aodh (API, listener, notifier) and the owner's webhook start with them
too, once the aodh service user exists; ``up`` waits until each of their
listeners consumes its queue, so that no event of the first test is lost.
"""

import os
import shlex
import subprocess
import sys
import time

from tools.minicloud import bootstrap
from tools.minicloud import cell2
from tools.minicloud import configs
from tools.minicloud import horizon
from tools.minicloud import layout
from tools.minicloud import paste
from tools.minicloud import procs
from tools.minicloud import services
from tools.minicloud import system
from tools.minicloud import venv

API_TIMEOUT = 120
COMPUTE_TIMEOUT = 120


def in_venv(module, *args):
    """Run one of our modules with the venv's Python (it has openstacksdk)."""
    env = dict(os.environ, PYTHONPATH=str(layout.REPO))
    subprocess.run([layout.venv_bin('python'), '-m', module] + list(args),
                   check=True, cwd=str(layout.REPO), env=env)


def up(plugin=True):
    t0 = time.monotonic()

    def mark(what):
        print('minicloud: %-28s %5.1f s' % (what, time.monotonic() - t0),
              flush=True)
    for d in (layout.STATE, layout.LOGS, layout.RUN, layout.DATA):
        d.mkdir(parents=True, exist_ok=True)
    system.install()
    venv.ensure()
    venv.ensure_telemetry()
    venv.ensure_horizon()
    system.start()
    if not bootstrap.DONE.exists():
        # A new state folder (a fresh clone, or after down --wipe): start
        # from empty databases, not from another state folder's leftovers.
        system.drop_databases()
    system.create_databases()
    cell2.start()
    cell2.create_database()
    cell2.create_vhost()
    mark('MariaDB and RabbitMQ up')
    # Every up starts from nova's defaults: no owner line in policy.yaml.
    paste_before = layout.NOVA_PASTE.read_text() \
        if layout.NOVA_PASTE.exists() else None
    configs.write_all(plugin=plugin)
    if paste_before != layout.NOVA_PASTE.read_text():
        # A running nova-api would keep the pipeline it loaded.
        procs.stop('nova-api')
    horizon.configure()
    bootstrap.databases()
    services.start('keystone')
    procs.wait_for(lambda: services.api_ready('keystone'), 'keystone',
                   API_TIMEOUT, watch=['keystone'])
    mark('keystone answers')
    # NOTE: everything else after the accounts exist: nova-conductor, for
    # one, exits at start if its placement credentials do not work yet.
    in_venv('tools.minicloud.seed', 'identity')
    mark('accounts and catalog')
    started = [name for name in layout.services() if services.start(name)]
    procs.wait_for(services.redis_ready, 'redis-server', API_TIMEOUT,
                   watch=[layout.REDIS])
    for name in layout.APIS:
        procs.wait_for(lambda n=name: services.api_ready(n), name,
                       API_TIMEOUT, watch=layout.services())
    mark('all APIs answer')
    procs.wait_for(lambda: bootstrap.compute_nodes() | cell2.compute_nodes()
                   >= set(layout.COMPUTE_HOSTS), 'compute node records',
                   COMPUTE_TIMEOUT, watch=layout.services())
    mark('computes registered')
    procs.wait_for(services.notifier_ready, 'host-status-notifiers',
                   API_TIMEOUT, watch=list(layout.NOTIFIERS) + [layout.REDIS])
    mark('notifiers read the cells')
    procs.wait_for(services.telemetry_ready, 'ceilometer, aodh, webhook',
                   API_TIMEOUT, interval=1,
                   watch=list(layout.TELEMETRY_SERVICES) + [layout.WEBHOOK])
    mark('telemetry listens')
    horizon.wait_ready()
    mark('Horizon answers')
    bootstrap.discover_hosts()
    in_venv('tools.minicloud.seed', 'resources')
    print('minicloud: up in %.0f s (%s started; plugin %s); logs in %s'
          % (time.monotonic() - t0, len(started),
             'in' if paste.has_filter() else 'NOT in', layout.LOGS),
          flush=True)


def down(wipe=False, machine=False):
    stopped = procs.stop_many([layout.PLAIN_API, layout.HORIZON_PLAIN] +
                              list(reversed(layout.services())))
    print('minicloud: stopped %s' % (', '.join(stopped) or 'nothing'),
          flush=True)
    if wipe:
        system.drop_databases()
        subprocess.run(['rm', '-rf'] + [
            str(layout.STATE / d) for d in ('etc', 'data', 'run', 'logs')])
    if machine:
        system.stop()


def status():
    """Print one line per service; return 0 if all run."""
    missing = 0
    for name in layout.services():
        p = procs.pid(name)
        extra = ''
        if name in layout.APIS:
            extra = ' answers %s' % services.url(name) \
                if p and services.api_ready(name) else ' (no answer)'
        elif name in layout.NOTIFIERS:
            extra = ' sends to %s.info, owners\' feed %s.info (exchange ' \
                '%s) as %s' % (layout.NOTIFIER_TOPIC, layout.OWNER_TOPIC,
                               layout.NOTIFICATION_EXCHANGE,
                               layout.notifier_publisher_host(name))
        elif name == layout.REDIS:
            extra = ' tooz backend %s' % layout.REDIS_URL
        elif name == 'aodh-api':
            extra = ' answers %s' % layout.AODH_URL \
                if p and procs.http_ok(layout.AODH_URL + '/') \
                else ' (no answer)'
        elif name == 'ceilometer-agent-notification':
            extra = ' listens to %s (exchange %s)' % (
                layout.CEILOMETER_QUEUE, layout.NOTIFICATION_EXCHANGE)
        elif name == layout.HORIZON:
            extra = ' answers %s' % layout.HORIZON_URL \
                if p and horizon.ready() else ' (no answer)'
        elif name == layout.WEBHOOK:
            extra = ' answers %s' % layout.WEBHOOK_URL \
                if p and procs.http_ok(layout.WEBHOOK_URL + '/') \
                else ' (no answer)'
        print('%-22s %s%s' % (name, 'running pid %d' % p if p
                              else 'stopped', extra if p else ''))
        missing += not p
    print('%-22s %s' % ('plugin in paste', paste.has_filter()))
    return 1 if missing else 0


def restart_api(plugin):
    """Restart nova-api with or without our filter in its pipelines."""
    paste.write(plugin)
    procs.stop('nova-api')
    # NOTE: uWSGI's master can be gone while the kernel still holds its
    # listening socket a moment; a new nova-api started then fails to bind
    # (seen once, in a load --control run).
    port = layout.APIS['nova-api'][0]
    procs.wait_for(lambda: not procs.tcp_ok(layout.HOST, port),
                   'nova-api\'s port to be free', API_TIMEOUT)
    services.start('nova-api')
    procs.wait_for(lambda: services.api_ready('nova-api'), 'nova-api',
                   API_TIMEOUT)


def stop_compute(host):
    return procs.kill('nova-compute@' + host)


def start_compute(host):
    return services.start('nova-compute@' + host)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    import argparse
    p = argparse.ArgumentParser(prog='python -m tools.minicloud',
                                description=__doc__)
    sub = p.add_subparsers(dest='cmd', required=True)
    u = sub.add_parser('up', help='install what is missing and start all')
    u.add_argument('--no-plugin', action='store_true',
                   help="nova's own api-paste.ini, without our filter")
    d = sub.add_parser('down', help='stop every process of the mini-cloud')
    d.add_argument('--wipe', action='store_true',
                   help='also drop its databases and state (keeps venv)')
    d.add_argument('--machine', action='store_true',
                   help='also stop MariaDB and RabbitMQ')
    sub.add_parser('status', help='say what runs')
    r = sub.add_parser('restart-api', help='restart nova-api')
    r.add_argument('--no-plugin', action='store_true')
    f = sub.add_parser('freeze', help='print the venv for constraints.txt')
    f.add_argument('--telemetry', action='store_true',
                   help='the telemetry venv, for telemetry-constraints.txt')
    o = sub.add_parser('openrc', help='print export lines for the CLI, '
                       'e.g. eval "$(python -m tools.minicloud openrc owner)"')
    o.add_argument('user', choices=['admin', 'owner', 'stranger'])
    args = p.parse_args(argv)
    if args.cmd == 'up':
        up(plugin=not args.no_plugin)
    elif args.cmd == 'down':
        down(wipe=args.wipe, machine=args.machine)
    elif args.cmd == 'status':
        return status()
    elif args.cmd == 'restart-api':
        restart_api(plugin=not args.no_plugin)
    elif args.cmd == 'freeze':
        sys.stdout.write(venv.freeze(telemetry=args.telemetry))
    elif args.cmd == 'openrc':
        account = {a[0]: a for a in (layout.ADMIN, layout.OWNER,
                                     layout.STRANGER)}[args.user]
        for k, v in layout.openrc(account).items():
            print('export %s=%s' % (k, shlex.quote(v)))
        print('export PATH=%s:"$PATH"' % shlex.quote(
            str(layout.VENV / 'bin')))
    return 0
