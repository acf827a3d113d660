"""Waiting for a condition, for tests, benchmarks and the mini-cloud.

One way to wait: poll a check until it holds or a deadline passes, and say
what was awaited when it does not. Standard library only.
"""

import time


def wait_until(check, timeout, what, interval=0.05, abort=None):
    """Poll *check* until it returns a true value, and return that value.

    :param check: a function of no arguments.
    :param timeout: seconds after which to give up.
    :param what: what is awaited, for the error.
    :param interval: seconds between two checks.
    :param abort: a function of no arguments called after each failed
        check; it raises to stop waiting early (a process that died).
    :raises TimeoutError: when *check* has not held within *timeout*.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if abort is not None:
            abort()
        if time.monotonic() >= deadline:
            raise TimeoutError('%s: not within %.1f s' % (what, timeout))
        time.sleep(interval)
