import itertools

import testtools

from host_status_ext import status


class TestHostStatusPrecedence(testtools.TestCase):
    """Every combination, against the specification's table."""

    def expected(self, disabled, forced_down, is_up):
        # Written as the specification reads: each later row overrides.
        value = status.UP
        if not is_up:
            value = status.UNKNOWN
        if forced_down:
            value = status.DOWN
        if disabled:
            value = status.MAINTENANCE
        return value

    def test_every_combination(self):
        for disabled, forced_down, is_up in itertools.product(
                (False, True), repeat=3):
            state = status.ServiceState(disabled=disabled,
                                        forced_down=forced_down, is_up=is_up)
            self.assertEqual(
                self.expected(disabled, forced_down, is_up),
                status.host_status(state), state)

    def test_no_service_is_empty_string(self):
        self.assertEqual('', status.host_status(None))

    def test_disabled_and_forced_down_is_maintenance_not_nova_order(self):
        state = status.ServiceState(disabled=True, forced_down=True,
                                    is_up=False)
        self.assertEqual('MAINTENANCE', status.host_status(state))

    def test_values(self):
        self.assertEqual(('UP', 'UNKNOWN', 'DOWN', 'MAINTENANCE', ''),
                         status.ALL_VALUES)
