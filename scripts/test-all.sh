#!/usr/bin/env bash
# The README's test command. On a fresh Debian 12 machine it installs what the tests need (the lab's Debian
# packages, npm packages), then runs lint, unit + integration tests (demo-cloud fakes and the real openstack CLI),
# brings up the real lab (Keystone K2K + Swift clusters on loopback, deploy/lab/up.sh) and runs the lab tests.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -E "$@"; fi; }
t0=$(date +%s)
stamp() { echo "== [$(( $(date +%s) - t0 ))s] $*"; }
stamp "Debian packages (deploy/lab/install.sh)"
as_root bash deploy/lab/install.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  stamp "npm ci"
  npm ci --no-audit --no-fund
fi
# Built once, here, before the lab starts: the lab's proxies run from dist/ (deploy/lab/up.sh, lb.sh), and a rebuild
# while one of them starts lets it load a half-written module (a CI run's worker answered 500 for contextOf, not a
# function, after `npm test`'s own build overlapped the lab's start). Nothing below rebuilds.
stamp "build"
npm run build
stamp "starting the real lab in the background while unit and integration tests run"
mkdir -p .lab
( as_root bash deploy/lab/up.sh > .lab/up.log 2>&1; echo $? > .lab/up.rc ) &
lab_pid=$!
stamp "lint"
npm run lint
stamp "unit + integration tests"
npx jest --selectProjects unit integration
stamp "waiting for the lab"
wait "$lab_pid" || true
if [ "$(cat .lab/up.rc 2>/dev/null)" != 0 ]; then
  tail -n 60 .lab/up.log
  echo "deploy/lab/up.sh failed" >&2
  exit 1
fi
tail -n 5 .lab/up.log
stamp "lab tests"
npx jest --selectProjects lab --runInBand --forceExit
# Swift's own functional suite (test/conformance; deploy/lab/swift.sh creates the suite's users), the CI selection, directly against the lab's home Swift, through the lab proxy and through a second proxy that places new containers at bu-keystone; fails when a proxy fails more.
stamp "Swift functional suite: direct, through the proxy, and with containers placed at bu-keystone (scripts/swift-conformance.sh ci)"
OCX_CONFORMANCE_PLACEMENT=bu-keystone bash scripts/swift-conformance.sh ci
stamp "all tests passed"
