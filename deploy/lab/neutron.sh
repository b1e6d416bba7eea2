#!/usr/bin/env bash
# Real Neutron for the lab clouds (docs/networking.md). Run as root after the Keystones are up (deploy/lab/up.sh
# calls `neutron.sh up` itself when OCX_LAB_SERVICES names neutron, the default).
#
#   deploy/lab/neutron.sh up     [CLOUD...]   start what is not running (idempotent; seconds when all runs)
#   deploy/lab/neutron.sh down   [CLOUD...]   stop what this script started (PID files); data stays
#   deploy/lab/neutron.sh status [CLOUD...]   one line per process
#   deploy/lab/neutron.sh clean  [CLOUD...]   down, then delete configs and databases
#
# Clouds: home (Neutron :9698), bu-keystone (Neutron :9699). Environment: OCX_LAB_DIR (default /var/lib/ocx-lab),
# OCX_LAB_OPENSTACK_WAIT (seconds to wait for everything to be usable, default 300).
set -euo pipefail
# shellcheck source=deploy/lab/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "neutron.sh must run as root" >&2; exit 1; }
cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  up | down | status | clean) ;;
  *)
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
mkdir -p "$RUN" "$LOGS"
if [ "$cmd" != status ]; then
  exec 9>"$RUN/neutron.lock"
  flock -w 600 9 || die "another deploy/lab/neutron.sh holds $RUN/neutron.lock"
fi
HELPER=("${SERVER_ENV[@]}" OCX_LAB_DIR="$LAB" OCX_LAB_OPENSTACK_WAIT="${OCX_LAB_OPENSTACK_WAIT:-300}"
  "$PY" "$LAB_SCRIPTS/neutron/lab_neutron.py")
if [ "$cmd" = clean ]; then
  "${HELPER[@]}" down "$@" 9>&-
  for c in "${@:-home bu-keystone}"; do
    for one in $c; do rm -rf -- "${LAB:?}/openstack/$one/neutron"; done
  done
  log "neutron: removed configs and data (${*:-all clouds})"
  exit 0
fi
"${HELPER[@]}" "$cmd" "$@" 9>&-
