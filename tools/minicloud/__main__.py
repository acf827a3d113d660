"""``python -m tools.minicloud up|down|status|restart-api|freeze``."""

import sys

from tools.minicloud import cloud

sys.exit(cloud.main())
