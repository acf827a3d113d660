"""What each operator setting of ceilometer and aodh buys, side by side.

``.minicloud/venv/bin/python benchmarks/telemetry_settings_bench.py``
against a running mini-cloud (from the repository's top, with
``PYTHONPATH=.``): one size and alarm layout of the owner-callback
benchmark (50 servers, one alarm per server, by default), run under each
variant of ``ceilometer.conf`` and ``aodh.conf`` in turn, in one cloud,
the mini-cloud's own settings first and again last (the A/A arm: how far
two runs of the same settings differ on this machine). Each variant
restarts ceilometer's agent, aodh-listener and aodh-notifier
(``tools.minicloud.telemetry``); its figures are the last webhook's
p50/p99 and the CPU per owner-facing event of each service, as
``owner_callback_bench`` measures them.

The variants are the settings ``doc/source/admin/telemetry.rst`` leaves
to the operator; each is one change from the mini-cloud's set.
"""

import argparse
import json
import sys

from tools.minicloud import policy
from tools.minicloud import scenario
from tools.minicloud import telemetry

sys.path.insert(0, __file__.rsplit('/', 1)[0])
import callback_measures as measures  # noqa: E402
import owner_callback_bench as callback  # noqa: E402

# (name, aodh overrides, ceilometer overrides)
VARIANTS = (
    ('as the mini-cloud sets it', None, None),
    ('record_history = False',
     {'DEFAULT': {'record_history': 'false'}}, None),
    ('record_history = True',
     {'DEFAULT': {'record_history': 'true'}}, None),
    ("aodh's own notifications on (messagingv2)",
     {'oslo_messaging_notifications': {'driver': 'messagingv2'}}, None),
    ('telemetry_secret empty (no signing)', None,
     {'publisher': {'telemetry_secret': ''}}),
    ('telemetry_secret set (signing)', None,
     {'publisher': {'telemetry_secret': 'change this for valid signing'}}),
    ('aodh-listener: 1 worker', {'listener': {'workers': 1}}, None),
    ('aodh-listener: 4 workers', {'listener': {'workers': 4}}, None),
    ('aodh executor threads 64 (its default)',
     {'DEFAULT': {'executor_thread_pool_size': 64}}, None),
    ('ceilometer: 2 workers', None, {'notification': {'workers': 2}}),
    ('as the mini-cloud sets it (A/A)', None, None),
)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', type=int, default=10)
    p.add_argument('--size', type=int, default=50)
    p.add_argument('--layout', default='server')
    p.add_argument('--only', help='variant numbers, comma-separated')
    p.add_argument('--out', help='write every sample to this JSON file')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    bench = callback.Bench(argparse.Namespace(
        runs=args.runs, warmup=1, profile=None, profile_size=None,
        layouts=[args.layout]))
    chosen = [VARIANTS[int(i)] for i in args.only.split(',')] \
        if args.only else VARIANTS
    host = callback.HOSTS.get(args.size, callback.DEFAULT_HOST)
    policy.write(owner_line=True)
    scenario.heal(bench.admin)
    results = []
    try:
        for name, aodh, ceilometer in chosen:
            print('variant: %s' % name, flush=True)
            telemetry.reconfigure(aodh=aodh, ceilometer=ceilometer)
            bench.block(host, args.size, callback.AlarmLayout(args.layout))
            block = bench.results['blocks'][-1]
            block['variant'] = name
            results.append(block)
    finally:
        telemetry.reconfigure()
        policy.write(owner_line=False)
    lines = ['%d servers, %s alarms, %d runs per variant; load average now '
             '%s' % (args.size, args.layout, args.runs,
                     measures.load_average())]
    for block in results:
        cpu = block['cpu_ms_per_event']
        lines.append('%-44s last POST %s; CPU ms/event: ceilometer %.2f, '
                     'aodh-listener %.2f, aodh-notifier %.2f [load %s]' % (
                         block['variant'], measures.summary(
                             [r['last'] for r in block['runs']]),
                         cpu.get('ceilometer-agent-notification', 0),
                         cpu.get('aodh-listener', 0),
                         cpu.get('aodh-notifier', 0), block['load']))
    print('\n'.join(lines), flush=True)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump({'variants': results, 'report': lines}, f, indent=1,
                      sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
