#!/usr/bin/env bash
# The install guide's step, as written (tox -e wheel; .ci/run runs it).
#
# Builds the sdist and the wheel with `python -m build` (the wheel from the
# sdist, so both are checked), checks them with `twine check --strict`,
# installs the wheel into a fresh virtualenv beside nova (nova first, with
# the project's upper-constraints.txt, as it is in nova-api's environment),
# and checks from that virtualenv that what the guide relies on loads:
#   - the paste filter egg:host-status-ext#host_status, through paste.deploy
#     and through importlib.metadata;
#   - the oslo.policy.policies and oslo.config.opts namespaces, through
#     oslopolicy-sample-generator and oslo-config-generator (their output
#     must be the committed etc/*.sample files);
#   - the console scripts: host-status-notifier --help, and
#     host-status-notifier-dbsync on a new SQLite database (the migrations
#     are in the wheel);
#   - the shipped systemd unit, with systemd-analyze verify (if present).
# The Horizon plugin, the distribution host-status-dashboard (dashboard/),
# is built and checked beside it: its wheel carries the enabled file and
# the template, and requires Horizon alone; the main wheel holds none of it.
# pbr takes the version from git; outside a git checkout set PBR_VERSION.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DIST="$WORK/dist"
VENV="$WORK/venv"
PY="$VENV/bin/python"
CONSTRAINTS="$REPO/upper-constraints.txt"
step() { printf '\n== [%ds] %s\n' "$SECONDS" "$*"; }

step "python -m build (sdist, then the wheel from the sdist)"
python -m build --outdir "$DIST" . >"$WORK/build.log" 2>&1 || {
    cat "$WORK/build.log"; exit 1; }
ls -l "$DIST"
sdist=$(ls "$DIST"/host_status_ext-*.tar.gz)
wheel=$(ls "$DIST"/host_status_ext-*-py3-none-any.whl)

step "twine check --strict"
twine check --strict "$sdist" "$wheel"

step "the wheel's contents"
python - "$wheel" <<'EOF'
import sys
import zipfile

names = zipfile.ZipFile(sys.argv[1]).namelist()
entry_points = [n for n in names if n.endswith('entry_points.txt')]
assert entry_points, 'no entry_points.txt in the wheel'
assert any(n.startswith('host_status_ext/notifier/') for n in names), names
assert not any(n.startswith('tests/') for n in names), 'tests in the wheel'
# The Horizon plugin is a distribution of its own (dashboard/).
assert not any(n.startswith('host_status_dashboard/') for n in names), names
print('%d files; %s' % (len(names), entry_points[0]))
EOF

step "host-status-dashboard (dashboard/): sdist, wheel, twine check"
python -m build --outdir "$DIST/dashboard" dashboard >"$WORK/build-dashboard.log" \
    2>&1 || { cat "$WORK/build-dashboard.log"; exit 1; }
dashboard_wheel=$(ls "$DIST"/dashboard/host_status_dashboard-*-py3-none-any.whl)
twine check --strict "$DIST"/dashboard/*
python - "$dashboard_wheel" <<'EOF'
import sys
import zipfile

wheel = zipfile.ZipFile(sys.argv[1])
names = wheel.namelist()
for need in ('host_status_dashboard/apps.py',
             'host_status_dashboard/enabled/_1031_host_status.py',
             'host_status_dashboard/templates/host_status_dashboard/'
             '_detail_host_status.html'):
    assert need in names, (need, names)
assert not any(n.startswith(('tests/', 'host_status_ext/')) for n in names)
metadata = [n for n in names if n.endswith('.dist-info/METADATA')][0]
requires = [line for line in wheel.read(metadata).decode().splitlines()
            if line.startswith('Requires-Dist:')]
# Horizon alone: a Horizon host gets nothing of nova from it.
assert requires == ['Requires-Dist: horizon>=27.0.0'], requires
print('%d files; %s' % (len(names), requires[0]))
EOF

step "a fresh virtualenv with nova (upper-constraints.txt)"
python -m venv "$VENV"
"$PY" -m pip install -q --upgrade pip
# NOTE: --no-compile: byte-compiling nova's tree is most of the time of an
# install from the cache, and nothing here needs it.
"$PY" -m pip install -q --no-compile -c "$CONSTRAINTS" nova \
    >"$WORK/nova.log" 2>&1 || { cat "$WORK/nova.log"; exit 1; }
"$PY" -m pip list --format=freeze | sort >"$WORK/before.txt"

step "pip install the wheel beside nova"
"$PY" -m pip install -q -c "$CONSTRAINTS" "$wheel"
"$PY" -m pip list --format=freeze | sort >"$WORK/after.txt"
added=$(comm -13 "$WORK/before.txt" "$WORK/after.txt")
echo "added: $added"
removed=$(comm -23 "$WORK/before.txt" "$WORK/after.txt")
# Beside host-status-ext itself, only requirements it names that nova does
# not bring (orjson) may be added; nothing of nova's may change.
own=$(sed -e 's/#.*//' -e 's/[<>=!~;[ ].*//' requirements.txt \
      | tr 'A-Z_.' 'a-z--' | grep -v '^$')
strays=""
for line in $added; do
    name=$(echo "${line%%==*}" | tr 'A-Z_.' 'a-z--')
    if [ "$name" != host-status-ext ] && ! grep -qx "$name" <<<"$own"; then
        strays="$strays $line"
    fi
done
if ! grep -q '^host-status-ext==' <<<"$added" || [ -n "$strays" ] || \
        [ -n "$removed" ]; then
    echo "the wheel should add host-status-ext and its own requirements" \
         "beside nova; not its own: ${strays:-none};" \
         "removed or changed: ${removed:-nothing}" >&2
    exit 1
fi

# From here on, nothing of the checkout is importable: run from $WORK.
cd "$WORK"
step "paste.deploy: egg:host-status-ext#host_status"
"$PY" - <<'EOF'
from importlib import metadata

from paste.deploy import loadfilter

factory = loadfilter('egg:host-status-ext#host_status')
app = factory(lambda environ, start_response: [])
print('paste.deploy:', type(app).__module__ + '.' + type(app).__name__)
assert type(app).__name__ == 'HostStatusFilter', app

(entry_point,) = metadata.entry_points(group='paste.filter_factory',
                                       name='host_status')
assert entry_point.dist.name == 'host-status-ext', entry_point.dist.name
print('importlib.metadata:', entry_point.value)
EOF

step "oslopolicy-sample-generator --namespace host_status_ext"
"$VENV/bin/oslopolicy-sample-generator" --config-file \
    "$REPO/etc/oslo-policy-generator/host_status_ext.conf" \
    --output-file "$WORK/policy.yaml.sample"
diff -u "$REPO/etc/policy.yaml.sample" "$WORK/policy.yaml.sample"
grep -E '^#"os_compute_api:servers:show:host_status' "$WORK/policy.yaml.sample"

step "oslo-config-generator: host_status_ext, host_status_ext.notifier"
for name in host_status_ext host-status-notifier; do
    "$VENV/bin/oslo-config-generator" --config-file \
        "$REPO/etc/oslo-config-generator/$name.conf" \
        --output-file "$WORK/$name.conf.sample"
    diff -u "$REPO/etc/$name.conf.sample" "$WORK/$name.conf.sample"
    grep -E '^\[|^#[a-z_]+ =' "$WORK/$name.conf.sample"
done

step "host-status-notifier --help"
"$VENV/bin/host-status-notifier" --help >"$WORK/help.txt"
head -3 "$WORK/help.txt"
grep -q -- '--config-file' "$WORK/help.txt"

# The wheel carries the migrations (alembic's env.py, script.py.mako and
# versions/ are package data): dbsync makes a schema from the installed
# package alone, and says so once again run.
step "host-status-notifier-dbsync on a new SQLite database, twice"
printf '[host_status_notifier_database]\nconnection = sqlite:///%s\n' \
    "$WORK/state.db" >"$WORK/dbsync.conf"
for _ in 1 2; do
    "$VENV/bin/host-status-notifier-dbsync" --config-file "$WORK/dbsync.conf" \
        2>"$WORK/dbsync.log" | tee "$WORK/dbsync.out" \
        || { cat "$WORK/dbsync.log"; exit 1; }
done
grep -q 'at revision .* already' "$WORK/dbsync.out"

if command -v systemd-analyze >/dev/null; then
    step "systemd-analyze verify etc/systemd/host-status-notifier.service"
    mkdir "$WORK/unit"
    sed "s|^ExecStart=/usr/bin/host-status-notifier|ExecStart=$VENV/bin/host-status-notifier|" \
        "$REPO/etc/systemd/host-status-notifier.service" \
        >"$WORK/unit/host-status-notifier.service"
    systemd-analyze verify "$WORK/unit/host-status-notifier.service"
    echo "ok"
fi

step "the packages install and load as the guide says"
