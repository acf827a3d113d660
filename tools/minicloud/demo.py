"""The walk-through: host_status as a server's owner sees it (``tox -e demo``).

Set-up and the operator's actions go through openstacksdk in this one
process; what the owner (or another user) sees is printed by the real
``openstack`` CLI, as a person would run it. The latencies are timed on
the raw API (polled every 50 ms), not through the CLI's start-up, and on
the owner's webhook (the time each POST arrived).
"""

import json
import shlex
import subprocess
import sys
import time

from tools.minicloud import alarms
from tools.minicloud import browser
from tools.minicloud import client
from tools.minicloud import layout
from tools.minicloud import policy
from tools.minicloud import scenario
from tools.minicloud import webhook

WEB, DB = 'demo-web', 'demo-db'
HOST_WALK, HOST_CRASH = layout.COMPUTE_HOSTS[0], layout.COMPUTE_HOSTS[1]
SHOW = ['--os-compute-api-version', '2.16', 'server', 'show',
        '-c', 'name', '-c', 'status', '-c', 'host_status']
LIST = ['--os-compute-api-version', '2.16', 'server', 'list', '--long',
        '-c', 'Name', '-c', 'Status', '-c', 'Host Status']
# The owner's Instances table in Horizon, with a host forced down.
SCREENSHOT = layout.STATE / 'dashboard-instances.png'


def say(text=''):
    print(text, flush=True)


def step(title):
    say()
    say('== %s' % title)


def cli(account, *args):
    """Run ``openstack`` as ``account``; print the command and its output."""
    say('[%s@%s]$ openstack %s' % (account[0], account[1],
                                   ' '.join(shlex.quote(a) for a in args)))
    out = subprocess.run([layout.venv_bin('openstack')] + list(args),
                         env=client.cli_env(account), capture_output=True,
                         text=True, timeout=120)
    say((out.stdout + out.stderr).rstrip() or '(nothing: no servers)')


def operator(command):
    say('[operator] %s' % command)


def show_callback(post, returned):
    """Print one POST of Aodh to the owner's webhook, briefly."""
    body = post['body']
    traits = webhook.traits(post)
    say('[owner\'s webhook] POST %s at +%.3f s after the call returned:'
        % (post['path'], post['received_monotonic'] - returned))
    say('  alarm %s (%s): %s -> %s' % (body['alarm_name'], body['alarm_id'],
                                       body['previous'], body['current']))
    say('  traits: %s' % ', '.join(
        '%s=%s' % (k, traits[k]) for k in (
            'instance_id', 'project_id', 'host_status', 'old_host_status',
            'host_id', 'changed_at') if k in traits))


def main():
    admin = client.connect(layout.ADMIN)
    owner = client.connect(layout.OWNER)
    owner_s = client.session(layout.OWNER)
    admin_s = client.session(layout.ADMIN)

    step('Set-up: nova policy defaults, every compute up, two servers of '
         'user "owner" (project "demo"), booted with --nic none')
    policy.write(owner_line=False)
    scenario.heal(admin)
    scenario.delete_named(owner, 'demo-')
    alarms.delete_named(owner_s, 'demo-')
    ids = {}
    for name, host in ((WEB, HOST_WALK), (DB, HOST_CRASH)):
        ids[name] = scenario.boot(owner, name, host).id
        say('%s on %s: ACTIVE' % (name, host))
    for sid in ids.values():
        client.poll(lambda s=sid: client.host_status_of(admin_s, s), 'UP',
                    90, interval=0.5)
    say('service_down_time = %d s, report_interval = %d s; plugin in '
        'nova-api\'s api-paste.ini: %s' % (
            layout.SERVICE_DOWN_TIME, layout.REPORT_INTERVAL,
            'yes' if 'host_status' in layout.NOVA_PASTE.read_text()
            else 'NO'))

    step('1. The owner, nova\'s default policy: no host_status')
    cli(layout.OWNER, *SHOW, WEB)
    cli(layout.OWNER, *LIST)
    raw = client.get_servers(owner_s, server_id=ids[WEB])[0]
    say('(openstackclient prints None for a field the API did not send; '
        'the raw 2.16 response has host_status: %s)'
        % ('yes' if 'host_status' in raw else 'no'))

    step('2. The operator opens host_status to owners in nova\'s '
         'policy.yaml')
    operator('echo \'"%s": "rule:admin_or_owner"\' >> %s'
             % (policy.HOST_STATUS, layout.NOVA_POLICY))
    policy.write(owner_line=True)
    cli(layout.OWNER, *SHOW, WEB)
    cli(layout.OWNER, *LIST)

    step('3. The owner asks to be called back: an Aodh event alarm on %s, '
         'calling the owner\'s webhook' % WEB)
    label = 'demo/%s' % WEB
    since = webhook.mark()
    cli(layout.OWNER, *alarms.cli_create_args(
        'demo-%s-host' % WEB, webhook.url(label), instance_id=ids[WEB]),
        '-c', 'alarm_id', '-c', 'name', '-c', 'event_rule', '-c',
        'alarm_actions', '-c', 'repeat_actions')
    say('(the webhook at %s stands for the owner\'s application; a query '
        'on traits.host_status=string::DOWN would call it for DOWN alone)'
        % webhook.url(label))
    alarms.note_made()
    say('(aodh-listener reads a project\'s alarms again every %d s, its '
        'event_alarm_cache_ttl here: waiting that long for the new one)'
        % layout.AODH_ALARM_CACHE_TTL)
    alarms.wait_until_seen()

    step('4. %s: UP -> DOWN -> UP -> MAINTENANCE -> UP' % HOST_WALK)
    operator('openstack compute service set --down %s nova-compute'
             % HOST_WALK)
    returned = scenario.put_service(admin, admin_s, HOST_WALK,
                                    {'forced_down': True})
    down_latency = client.poll(
        lambda: client.host_status_of(owner_s, ids[WEB]), 'DOWN', 10)
    [down_post] = webhook.wait(lambda p: p['path'] == '/' + label,
                               since=since)
    show_callback(down_post, returned)
    say('[owner\'s webhook] the whole body:')
    say(json.dumps(down_post['body'], indent=2, sort_keys=True))
    cli(layout.OWNER, *SHOW, WEB)
    operator('openstack compute service set --up %s nova-compute'
             % HOST_WALK)
    scenario.set_forced_down(admin, HOST_WALK, False)
    client.poll(lambda: client.host_status_of(owner_s, ids[WEB]), 'UP', 10)
    cli(layout.OWNER, *SHOW, WEB)
    operator('openstack compute service set --disable --disable-reason '
             'maintenance %s nova-compute' % HOST_WALK)
    scenario.set_disabled(admin, HOST_WALK, True)
    client.poll(lambda: client.host_status_of(owner_s, ids[WEB]),
                'MAINTENANCE', 10)
    cli(layout.OWNER, *SHOW, WEB)
    operator('openstack compute service set --enable %s nova-compute'
             % HOST_WALK)
    scenario.set_disabled(admin, HOST_WALK, False)
    client.poll(lambda: client.host_status_of(owner_s, ids[WEB]), 'UP', 10)
    cli(layout.OWNER, *SHOW, WEB)
    walk = webhook.wait(lambda p: p['path'] == '/' + label, since=since,
                        count=4)
    say('[owner\'s webhook] %d POSTs for %s: %s' % (
        len(walk), WEB, ', '.join(
            '%s -> %s' % (webhook.traits(p).get('old_host_status'),
                          webhook.traits(p)['host_status']) for p in walk)))
    say('(the webhook got the body of every change, as aodh posts it: '
        'alarm_id, current, previous, reason and reason_data with the '
        'event\'s traits)')

    step('5. %s: UP -> UNKNOWN (its nova-compute killed) -> UP (started '
         'again)' % HOST_CRASH)
    operator('kill -9 <nova-compute of %s>' % HOST_CRASH)
    scenario.stop_compute(HOST_CRASH)
    unknown_latency = client.poll(
        lambda: client.host_status_of(owner_s, ids[DB]), 'UNKNOWN',
        layout.SERVICE_DOWN_TIME * 3 + 10)
    cli(layout.OWNER, *LIST)
    operator('start nova-compute on %s again' % HOST_CRASH)
    scenario.start_compute(HOST_CRASH)
    client.poll(lambda: client.host_status_of(owner_s, ids[DB]), 'UP', 90,
                interval=0.5)
    cli(layout.OWNER, *LIST)

    step('6. A user of another project sees none of the owner\'s servers')
    cli(layout.STRANGER, *LIST)
    cli(layout.STRANGER, *SHOW, ids[WEB])

    step('7. Without the policy line: the admin sees host_status, the owner '
         'does not')
    operator('remove the "%s" line from %s' % (policy.HOST_STATUS,
                                               layout.NOVA_POLICY))
    policy.write(owner_line=False)
    cli(layout.ADMIN, *SHOW, ids[WEB])
    cli(layout.OWNER, *SHOW, WEB)

    step('8. The plugin at work: %s both disabled and forced down' %
         HOST_WALK)
    policy.write(owner_line=True)
    operator('openstack compute service set --disable --down %s '
             'nova-compute' % HOST_WALK)
    scenario.set_disabled(admin, HOST_WALK, True)
    scenario.set_forced_down(admin, HOST_WALK, True)
    cli(layout.OWNER, *SHOW, WEB)
    say('(MAINTENANCE overrides DOWN in the specification; nova\'s own '
        'host_status says DOWN here)')
    scenario.set_forced_down(admin, HOST_WALK, False)
    scenario.set_disabled(admin, HOST_WALK, False)
    policy.write(owner_line=False)

    dashboard(admin, owner_s, ids)

    step('Latencies (owner\'s GET /servers/{id} at 2.16, polled every '
         '50 ms)')
    say('force-down call returned -> owner sees DOWN:   %6.3f s'
        % down_latency)
    say('force-down call returned -> owner\'s webhook:  %6.3f s '
        '(host-status-notifier, ceilometer, aodh-listener, aodh-notifier)'
        % (down_post['received_monotonic'] - returned))
    say('nova-compute killed      -> owner sees UNKNOWN: %6.3f s '
        '(service_down_time = %d s, report_interval = %d s)'
        % (unknown_latency, layout.SERVICE_DOWN_TIME,
           layout.REPORT_INTERVAL))
    say('(nova counts service_down_time from the last heartbeat, which came '
        'up to report_interval before the kill; each poll is one API call)')
    say()
    say('Horizon (with the host-status-dashboard plugin): %s, as admin, '
        'owner or stranger, password %s (domain Default)'
        % (layout.HORIZON_URL, layout.PASSWORD))
    say('The mini-cloud is still running (policy back to nova\'s defaults;'
        ' the owner\'s alarm demo-%s-host is kept: "openstack alarm list" as'
        ' the owner). Stop it with: python -m tools.minicloud down' % WEB)
    return 0


def dashboard(admin, owner_s, ids):
    """The owner's Instances page in Horizon, a host forced down."""
    step('9. The owner\'s Horizon: %s forced down, the policy line on'
         % HOST_WALK)
    say('Horizon: %s (user owner, password %s)' % (layout.HORIZON_URL,
                                                   layout.PASSWORD))
    policy.write(owner_line=True)
    operator('openstack compute service set --down %s nova-compute'
             % HOST_WALK)
    scenario.set_forced_down(admin, HOST_WALK, True)
    try:
        client.poll(lambda: client.host_status_of(owner_s, ids[WEB]),
                    'DOWN', 10)
        with browser.Browser() as b:
            b.login(layout.OWNER)
            table = b.instances()
            for name in (WEB, DB):
                row = table.row(name)
                say('[browser, owner] %-8s Status %-8s Host Status %s' % (
                    name, row['Status']['text'],
                    row['Host Status']['text']))
            b.screenshot(SCREENSHOT)
        say('screenshot of the owner\'s Instances page: %s' % SCREENSHOT)
    finally:
        scenario.set_forced_down(admin, HOST_WALK, False)
        policy.write(owner_line=False)


if __name__ == '__main__':
    t0 = time.monotonic()
    rc = main()
    say('(demo took %.0f s)' % (time.monotonic() - t0))
    sys.exit(rc)
