import logging
import warnings

# NOTE: nova 34 runs its test fixtures on eventlet and says so when it is
# imported, once in every test worker, before any test (and its output
# capture) begins: eventlet's deprecation warning, and two warnings of
# nova.monkey_patch logged before any logging handler exists, which Python
# then prints on stderr. They are about nova's test-time concurrency mode,
# not about this project's tests: keep them off the console.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
logging.getLogger('nova.monkey_patch').setLevel(logging.ERROR)

# nova applies its test-time patching when its test package is imported; it
# must come before any other nova module, or the services that nova's
# fixtures start fail with "Can't upgrade a READER transaction to a WRITER".
import nova.tests.fixtures  # noqa: F401,E402
