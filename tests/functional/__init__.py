# nova applies its test-time patching when its test package is imported; it
# must come before any other nova module, or the services that nova's
# fixtures start fail with "Can't upgrade a READER transaction to a WRITER".
import nova.tests.fixtures  # noqa: F401
