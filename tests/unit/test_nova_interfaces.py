"""Canary: the private interfaces of nova (and oslo.messaging) used here.

None of these is a public API: a nova release may remove one or change its
shape without notice. requirements.txt caps nova at the series this
release supports; when that cap is raised, this is the test that says,
symbol by symbol, what moved, before a functional test fails far from the
cause. Each row names the symbol, what this project relies on it for, and
the modules that use it; a failure message carries all three.
"""

import importlib
import inspect

import ddt
import testtools

#: symbol -> (what is relied on, the project's modules that use it, check)
INTERFACES = {}


def interface(symbol, relied_on, users):
    """Register the check below it for *symbol*."""
    def register(check):
        INTERFACES[symbol] = (relied_on, users, check)
        return check
    return register


def resolve(symbol):
    """The object *symbol* (``package.module.attribute...``) names."""
    parts = symbol.split('.')
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError('no module in %s' % symbol)


def parameters(symbol, *names):
    """Fail unless *symbol* is a callable whose parameters start so."""
    obj = resolve(symbol)
    assert callable(obj), '%r is not callable' % obj
    found = list(inspect.signature(obj).parameters)
    assert found[:len(names)] == list(names), (
        'parameters %s, expected to start with %s' % (found, list(names)))
    return found


def columns(symbol, *names):
    """Fail unless the model *symbol* has these columns."""
    table = resolve(symbol).__table__
    missing = [n for n in names if n not in table.c]
    assert not missing, 'no column(s) %s in %s' % (missing, table.name)


@interface('nova.policy._ENFORCER', 'nova\'s current policy enforcer, '
           'replaced on nova.policy.reset()', ['authorization'])
def check_enforcer():
    from nova import policy
    assert hasattr(policy, '_ENFORCER'), 'nova.policy._ENFORCER is gone'
    parameters('nova.policy.init', 'policy_file', 'rules')


@interface('nova.db.main.api.get_context_manager', 'the cell\'s enginefacade '
           'context manager, for a reader connection', ['lookup'])
def check_get_context_manager():
    parameters('nova.db.main.api.get_context_manager', 'context')
    from nova import context
    from nova.db.main import api
    manager = api.get_context_manager(context.get_admin_context())
    assert hasattr(manager.reader, 'connection'), (
        'its .reader has no .connection')


@interface('nova.db.main.models.Service', 'the compute service record\'s '
           'columns, read as plain rows', ['lookup', 'notifier.watcher'])
def check_service_columns():
    columns('nova.db.main.models.Service', 'host', 'binary', 'topic',
            'disabled', 'forced_down', 'last_seen_up', 'created_at',
            'updated_at', 'deleted')


@interface('nova.db.main.models.Instance', 'the server record\'s columns, '
           'joined to its host\'s service', ['lookup', 'notifier.servers'])
def check_instance_columns():
    columns('nova.db.main.models.Instance', 'uuid', 'host', 'project_id',
            'user_id', 'deleted')


@interface('nova.db.main.api.pick_context_manager_reader', 'a reader '
           'transaction in the context\'s cell', ['notifier.servers'])
def check_pick_context_manager_reader():
    parameters('nova.db.main.api.pick_context_manager_reader', 'f')


@interface('nova.db.main.api.model_query', 'nova\'s query helper, with '
           'read_deleted', ['notifier.servers'])
def check_model_query():
    found = parameters('nova.db.main.api.model_query', 'context', 'model')
    for name in ('args', 'read_deleted'):
        assert name in found, 'no parameter %r in %s' % (name, found)


@interface('nova.context.CELLS', 'the cell mappings nova-api has cached',
           ['lookup'])
def check_cells():
    from nova import context
    assert isinstance(context.CELLS, list), (
        'nova.context.CELLS is %r, not a list' % type(context.CELLS))


@interface('nova.context.load_cells', 'fills nova.context.CELLS once',
           ['lookup'])
def check_load_cells():
    parameters('nova.context.load_cells')


@interface('nova.context.scatter_gather_cells', 'one call per cell, in '
           'parallel, a sentinel for a cell that failed or timed out',
           ['lookup', 'notifier.watcher'])
def check_scatter_gather_cells():
    parameters('nova.context.scatter_gather_cells', 'context',
               'cell_mappings', 'timeout', 'fn')


@interface('nova.context.did_not_respond_sentinel', 'scatter-gather\'s '
           'answer for a cell that timed out, and is_cell_failure_sentinel '
           'for it and for an exception', ['lookup', 'notifier.watcher'])
def check_sentinels():
    from nova import context
    parameters('nova.context.is_cell_failure_sentinel', 'record')
    assert context.is_cell_failure_sentinel(context.did_not_respond_sentinel)
    assert context.is_cell_failure_sentinel(RuntimeError('down'))
    assert not context.is_cell_failure_sentinel([])


@interface('nova.context.target_cell', 'a context targeted at a cell',
           ['notifier.emitter'])
def check_target_cell():
    parameters('nova.context.target_cell', 'context', 'cell_mapping')


@interface('nova.compute.api.API._get_instance_from_cell', 'nova leaves the '
           'request context targeted at the server\'s cell after '
           'compute_api.get (nova.context.set_target_cell)',
           ['lookup.in_cell'])
def check_context_left_targeted():
    parameters('nova.context.set_target_cell', 'context', 'cell_mapping')
    source = inspect.getsource(resolve(
        'nova.compute.api.API._get_instance_from_cell'))
    assert 'set_target_cell(context' in source, (
        'it no longer calls nova_context.set_target_cell(context, ...)')


@interface('nova.monkey_patch.patch', 'the concurrency mode chosen before '
           'any other import', ['notifier.cmd'])
def check_monkey_patch():
    parameters('nova.monkey_patch.patch', 'backend')


@interface('nova.config.parse_args', 'nova\'s configuration, as nova\'s '
           'own services parse it', ['notifier.cmd'])
def check_parse_args():
    found = parameters('nova.config.parse_args', 'argv')
    for name in ('init_rpc', 'prog'):
        assert name in found, 'no parameter %r in %s' % (name, found)


@interface('nova.utils.generate_hostid', 'the hostId nova shows the '
           'server\'s project', ['notifier.emitter'])
def check_generate_hostid():
    parameters('nova.utils.generate_hostid', 'host', 'project_id')
    from nova import utils
    assert utils.generate_hostid('h', 'p') != utils.generate_hostid('h', 'q')


@interface('oslo_messaging.transport.Transport._send_notification', 'a '
           'notification sent with its failure raised to the caller',
           ['notifier.delivery'])
def check_send_notification():
    found = parameters(
        'oslo_messaging.transport.Transport._send_notification', 'self',
        'target', 'ctxt', 'message', 'version')
    assert 'retry' in found, 'no parameter retry in %s' % found


@ddt.ddt
class TestNovaInterfaces(testtools.TestCase):
    """One test per interface; its id names the symbol."""

    def check_interface(self, symbol):
        relied_on, users, check = INTERFACES[symbol]
        try:
            check()
        except Exception as e:
            self.fail('%s changed or disappeared in the installed nova: %s: '
                      '%s. host_status_ext relies on it for %s (in %s). '
                      'Adapt those modules before raising the nova cap in '
                      'requirements.txt.' % (
                          symbol, type(e).__name__, e, relied_on,
                          ', '.join('host_status_ext.' + u for u in users)))

    @ddt.data(*sorted(INTERFACES))
    def test_interface(self, symbol):
        self.check_interface(symbol)

    def test_a_missing_symbol_is_named(self):
        symbol = 'nova.context.no_such_thing'
        INTERFACES[symbol] = ('nothing', ['lookup'],
                              lambda: parameters(symbol))
        self.addCleanup(INTERFACES.pop, symbol)
        error = self.assertRaises(self.failureException,
                                  self.check_interface, symbol)
        self.assertIn(symbol + ' changed or disappeared', str(error))
        self.assertIn('AttributeError', str(error))
        self.assertIn('host_status_ext.lookup', str(error))

    def test_a_changed_signature_is_said(self):
        symbol = 'nova.context.scatter_gather_cells'
        error = self.assertRaises(AssertionError, parameters, symbol,
                                  'context', 'timeout')
        self.assertIn("expected to start with ['context', 'timeout']",
                      str(error))
