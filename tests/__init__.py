import logging
import warnings

# NOTE: nova 34 (and oslo.service's eventlet backend) runs the tests on
# eventlet, and says so on import, once in every test worker, before any
# test and its output capture begin: eventlet's deprecation warning, and two
# warnings of nova.monkey_patch logged before any logging handler exists,
# which Python then prints on stderr. They are about nova's test-time
# concurrency mode, not about this project's tests: keep them off the
# console.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
logging.getLogger('nova.monkey_patch').setLevel(logging.ERROR)
