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

grep -v '^[[:space:]]*\(#\|$\)' "$KNOWN" 2>/dev/null | sort -u >"$OUT/known"
comm -23 "$OUT/proxy.failed" "$OUT/direct.failed" >"$OUT/proxy-only"
comm -23 "$OUT/proxy-only" "$OUT/known" >"$OUT/new"
comm -12 "$OUT/proxy-only" "$OUT/known" >"$OUT/known-seen"
echo "== direct: $(tail -n 1 "$OUT/direct.log")"
echo "== proxy:  $(tail -n 1 "$OUT/proxy.log")"
echo "== failing only through the proxy: $(wc -l <"$OUT/proxy-only") ($(wc -l <"$OUT/known-seen") of them known gaps)"
for name in direct proxy; do
  if ! tail -n 1 "$OUT/$name.log" | grep -q ' passed, '; then
    echo "the $name run did not run (see $OUT/$name.log)" >&2
    exit 1
  fi
done
if [ -s "$OUT/new" ]; then
  echo "== FAIL: these fail through the proxy but not directly, and are not in $KNOWN:"
  sed 's/^/  /' "$OUT/new"
  exit 1
fi
echo "== ok (logs in $OUT)"
