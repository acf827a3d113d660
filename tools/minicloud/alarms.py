"""Aodh event alarms on host-status-notifier's event, as an owner makes them.

The documented way in is the ``openstack alarm create`` command
(:func:`cli_create_args` builds it); the tests and the benchmark, which
make many alarms, call Aodh's REST API through a keystoneauth session of
the account instead (the same request the CLI sends, without its 4 s of
start-up).
"""

import time

from tools.minicloud import layout

EVENT_TYPE = 'instance.host_status_change'
# One per project and change of a host (the notifier's owner_events).
SUMMARY_EVENT_TYPE = EVENT_TYPE + '.summary'
# When this process last made an alarm (time.monotonic()).
_last_made = [0.0]


def note_made():
    """Record that an alarm was just made (by the CLI, say)."""
    _last_made[0] = time.monotonic()


def wait_until_seen():
    """Sleep until aodh-listener sees every alarm made so far.

    The listener reads a project's alarms again only once its copy is
    ``event_alarm_cache_ttl`` old: an event sooner than that after an alarm
    was made may be evaluated against the project's alarms without it.
    """
    left = _last_made[0] + layout.AODH_ALARM_CACHE_TTL + 0.5 - time.monotonic()
    if left > 0:
        time.sleep(left)


def trait_query(**traits):
    """Aodh's query: every trait equal to its (string) value."""
    return [{'field': 'traits.%s' % name, 'op': 'eq', 'type': 'string',
             'value': value} for name, value in sorted(traits.items())]


def cli_query(**traits):
    """The same query in the CLI's ``--query`` syntax."""
    return ';'.join('traits.%s=string::%s' % (name, value)
                    for name, value in sorted(traits.items()))


def cli_create_args(name, action, **traits):
    """``openstack alarm create`` arguments for an owner's callback."""
    args = ['alarm', 'create', '--name', name, '--type', 'event',
            '--event-type', EVENT_TYPE, '--alarm-action', action,
            '--repeat-actions', 'True']
    if traits:
        args += ['--query', cli_query(**traits)]
    return args


def create(session, name, action, event_type=EVENT_TYPE, **traits):
    """Create an event alarm as the session's account; returns its id.

    :param action: the URL Aodh POSTs to when the alarm fires.
    :param traits: trait equalities, e.g. ``instance_id=<server>``; none
        means every event of *event_type* of the project.
    """
    body = {'name': name, 'type': 'event',
            'event_rule': {'event_type': event_type,
                           'query': trait_query(**traits)},
            'alarm_actions': [action], 'repeat_actions': True}
    resp = session.post(layout.AODH_URL + '/v2/alarms', json=body,
                        raise_exc=True)
    note_made()
    return resp.json()['alarm_id']


def delete(session, alarm_id):
    session.delete(layout.AODH_URL + '/v2/alarms/%s' % alarm_id,
                   raise_exc=False)


def history(session, alarm_id):
    return session.get(layout.AODH_URL + '/v2/alarms/%s/history' % alarm_id,
                       raise_exc=True).json()


def delete_named(session, prefix):
    """Delete the account's alarms whose name starts with *prefix*."""
    found = session.get(layout.AODH_URL + '/v2/alarms',
                        raise_exc=True).json()
    for alarm in found:
        if alarm['name'].startswith(prefix):
            delete(session, alarm['alarm_id'])
