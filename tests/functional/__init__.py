# nova chooses its concurrency mode when its functional test package is
# imported (nova.monkey_patch.patch(): eventlet, or native threads with
# OS_NOVA_DISABLE_EVENTLET_PATCHING=1, as in tox -e functional-threading).
# It must come before any other nova module: under eventlet, the services
# that nova's fixtures start would otherwise fail with "Can't upgrade a
# READER transaction to a WRITER"; under native threads, nova refuses to
# run once anything (nova's fixtures among them) has imported eventlet.
import nova.tests.functional  # noqa: F401
