"""Reconfigure ceilometer and aodh on a running mini-cloud, and put them back.

For a benchmark that compares settings side by side in one cloud
(``benchmarks/telemetry_settings_bench.py``): rewrite ``ceilometer.conf``
and ``aodh.conf`` with some options changed, restart the processes that
read them (the agent, aodh-listener, aodh-notifier; aodh's API keeps
running), and wait until each consumes its queue again.
"""

from tools.minicloud import configs
from tools.minicloud import layout
from tools.minicloud import procs
from tools.minicloud import services
from tools import waiting

RESTARTED = ('ceilometer-agent-notification', 'aodh-listener',
             'aodh-notifier')
READY_TIMEOUT = 120


def reconfigure(aodh=None, ceilometer=None):
    """Run the telemetry services with *aodh* and *ceilometer* overrides.

    Each is ``{section: {option: value}}`` on top of the mini-cloud's own
    files; ``None`` for both puts the mini-cloud's settings back.
    """
    layout.AODH_CONF.write_text(configs.aodh(aodh))
    layout.CEILOMETER_CONF.write_text(configs.ceilometer(ceilometer))
    procs.stop_many(list(RESTARTED))
    for name in RESTARTED:
        services.start(name)
    waiting.wait_until(services.telemetry_ready, READY_TIMEOUT,
                       'ceilometer and aodh to consume their queues',
                       interval=1)
