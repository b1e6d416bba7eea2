#!/usr/bin/env bash
# Swift's own functional test suite (Swift 2.30.1 test/functional, unchanged) against the lab, twice in one run:
# directly against the lab's home Swift (logging in at the home Keystone) and through the proxy (logging in at the
# proxy's Keystone front, storage URL from the proxy's catalog). Fails when a test fails through the proxy that
# passes directly, unless test/lab/swift-conformance-known.txt lists it as a known gap; prints both runs' counts.
#
#   scripts/swift-conformance.sh [ci|full] [pytest args...]
#     ci    (default) the selection CI runs: tests.py, test_object.py and test_symlink.py, the account, container,
#           listing and object files (~3/4 of the suite's run time)
#     full  every file but s3api (Swift's default selection; by hand, ~5 min per run on 2 cores)
#     further arguments go to pytest in both runs (e.g. -k TestAccount)
#
# Environment:
#   OCX_CONFORMANCE_DIR  the suite and its runners (default test/conformance: Swift 2.30.1's test/functional,
#                        unchanged, Apache 2.0, with run-v3.sh and ks_test_objects.py; test/conformance/README.md)
#   OCX_LAB_DIR          the lab (default /var/lib/ocx-lab); the proxy is lab.json's "proxy" URL
#   OCX_SWIFT_PROXY_URL  another proxy to test instead (e.g. one started from this checkout on another port)
#   OCX_CONFORMANCE_OUT  where both runs keep test.conf, junit.xml and pytest.log (default mktemp)
#   OCX_CONFORMANCE_PLACEMENT  a provider (e.g. bu-keystone): also run the suite through a second proxy started
#                        here from this checkout's dist/ with the lab's config plus placement.services.object-store
#                        set to it (new containers land there), compared with the same direct run
# The suite's users and projects are created by deploy/lab/swift.sh up (ks_test_objects.py). The suite deletes
# every container of the test accounts: never point it at real projects.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF_DIR=${OCX_CONFORMANCE_DIR:-$ROOT/test/conformance}
LAB=${OCX_LAB_DIR:-/var/lib/ocx-lab}
KNOWN=$ROOT/test/lab/swift-conformance-known.txt
PY=/usr/bin/python3
OUT=${OCX_CONFORMANCE_OUT:-$(mktemp -d /tmp/ocx-swift-conformance.XXXXXX)}
mkdir -p "$OUT"
mode=ci
case "${1:-}" in ci | full) mode=$1; shift ;; esac

[ -n "$CONF_DIR" ] || { echo "set OCX_CONFORMANCE_DIR to the directory of the Swift functional suite's runners" >&2; exit 2; }
[ -x "$CONF_DIR/run-v3.sh" ] || { echo "no $CONF_DIR/run-v3.sh (set OCX_CONFORMANCE_DIR)" >&2; exit 2; }
[ -f "$LAB/lab.json" ] || { echo "no $LAB/lab.json: bring the lab up first (deploy/lab/up.sh)" >&2; exit 2; }
proxy=${OCX_SWIFT_PROXY_URL:-$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["proxy"])' "$LAB/lab.json")}
home_ks=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["home"]["keystone"])' "$LAB/lab.json")
hostport() { "$PY" -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(p.hostname, p.port or 80)' "$1"; }

sel=()
if [ "$mode" = ci ]; then
  for f in tests.py test_object.py test_symlink.py; do
    sel+=("test/functional/$f")
  done
fi

run() { # NAME URL AUTH_PREFIX
  local name=$1 hp
  hp=$(hostport "$2")
  echo "== Swift functional suite ($mode) $name: $2"
  # shellcheck disable=SC2086
  SWIFT_FUNC_OUT=$OUT/$name "$CONF_DIR/run-v3.sh" $hp "$3" "${sel[@]}" "${@:4}" >"$OUT/$name.log" 2>&1
  tail -n 1 "$OUT/$name.log"
  # The summary's own list (junit ids), not pytest's short report above it.
  grep -E '^FAILED test\.functional\.' "$OUT/$name.log" | sed 's/^FAILED //' | sort -u >"$OUT/$name.failed"
}

# One after the other: both runs use the same home accounts and the suite empties them.
run direct "$home_ks" /v3/ "$@"
run proxy "$proxy" /identity/v3/ "$@"

runs=(proxy)
placed=${OCX_CONFORMANCE_PLACEMENT:-}
if [ -n "$placed" ]; then
  port=${OCX_CONFORMANCE_PLACEMENT_PORT:-8090}
  "$PY" - "$LAB/ocx.yaml" "$OUT/ocx-placement.yaml" "$placed" "$port" <<'PYEOF' || exit 2
import sys, yaml
src, dst, provider, port = sys.argv[1:]
c = yaml.safe_load(open(src))
c['listen']['port'] = int(port)
c['public_url'] = 'http://127.0.0.1:%s' % port
c.setdefault('placement', {}).setdefault('services', {})['object-store'] = provider
c['placement'].setdefault('policy', 'home')
yaml.safe_dump(c, open(dst, 'w'), sort_keys=False)
PYEOF
  node "$ROOT/dist/main.js" --config "$OUT/ocx-placement.yaml" --workers 1 >"$OUT/proxy-placement.out" 2>&1 &
  placed_pid=$!
  trap 'kill "$placed_pid" 2>/dev/null' EXIT
  for _ in $(seq 150); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
    sleep 0.2
  done
  run "proxy-$placed" "http://127.0.0.1:$port" /identity/v3/ "$@"
  kill "$placed_pid" 2>/dev/null
  runs+=("proxy-$placed")
fi

grep -v '^[[:space:]]*\(#\|$\)' "$KNOWN" 2>/dev/null | sort -u >"$OUT/known"
for name in direct "${runs[@]}"; do
  if ! tail -n 1 "$OUT/$name.log" | grep -q ' passed, '; then
    echo "the $name run did not run (see $OUT/$name.log)" >&2
    exit 1
  fi
done
echo "== direct: $(tail -n 1 "$OUT/direct.log")"
failed=0
for name in "${runs[@]}"; do
  comm -23 "$OUT/$name.failed" "$OUT/direct.failed" >"$OUT/$name-only"
  comm -23 "$OUT/$name-only" "$OUT/known" >"$OUT/$name-new"
  comm -12 "$OUT/$name-only" "$OUT/known" >"$OUT/$name-known-seen"
  echo "== $name: $(tail -n 1 "$OUT/$name.log")"
  echo "== failing only through $name: $(wc -l <"$OUT/$name-only") ($(wc -l <"$OUT/$name-known-seen") of them known gaps)"
  if [ -s "$OUT/$name-new" ]; then
    echo "== FAIL: these fail through $name but not directly, and are not in $KNOWN:"
    sed 's/^/  /' "$OUT/$name-new"
    failed=1
  fi
done
((failed == 0)) || exit 1
echo "== ok (logs in $OUT)"
