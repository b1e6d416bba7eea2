#!/usr/bin/env bash
# Real Glance, Cinder and Nova for the lab clouds (docs/lab-openstack.md). Run as root after the Keystones are up
# (deploy/lab/up.sh calls `openstack.sh up` itself, and down.sh `openstack.sh down`).
#
#   deploy/lab/openstack.sh up     [CLOUD...]   start what is not running (idempotent; seconds when all runs)
#   deploy/lab/openstack.sh down   [CLOUD...]   stop what this script started (PID files); data stays
#   deploy/lab/openstack.sh status [CLOUD...]   one line per process
#   deploy/lab/openstack.sh clean  [CLOUD...]   down, then delete configs, databases and images
#
# Clouds: home (Keystone :5001), bu-keystone (Keystone :5002).
# Environment: OCX_LAB_DIR (default /var/lib/ocx-lab);
#   OCX_LAB_SERVICES   services of the lab (default keystone,swift,glance,cinder,nova,horizon); this script runs the
#                      glance, cinder and nova named there, e.g. OCX_LAB_SERVICES=keystone,swift,glance for a quick lab
#   OCX_LAB_NOVA_VIA_PROXY=1 (default) the home Nova reaches Cinder and Glance through the proxy (127.0.0.1:8080);
#                      0: directly
#   OCX_LAB_OPENSTACK_WAIT  seconds to wait for everything to be usable (default 300)
set -euo pipefail
# shellcheck source=deploy/lab/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "openstack.sh must run as root" >&2; exit 1; }
cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  up | down | status | clean) ;;
  *)
    sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
export OCX_LAB_DIR="$LAB"
mkdir -p "$RUN" "$LOGS"
if [ "$cmd" != status ]; then
  exec 9>"$RUN/openstack.lock"
  flock -w 600 9 || die "another deploy/lab/openstack.sh holds $RUN/openstack.lock"
fi
HELPER=("${SERVER_ENV[@]}" OCX_LAB_DIR="$LAB" OCX_LAB_SERVICES="${OCX_LAB_SERVICES:-keystone,swift,glance,cinder,nova,horizon}"
  OCX_LAB_NOVA_VIA_PROXY="${OCX_LAB_NOVA_VIA_PROXY:-1}" OCX_LAB_OPENSTACK_WAIT="${OCX_LAB_OPENSTACK_WAIT:-300}"
  "$PY" "$LAB_SCRIPTS/openstack/lab_openstack.py")
if [ "$cmd" = clean ]; then
  "${HELPER[@]}" down "$@" 9>&-
  if [ $# = 0 ]; then
    rm -rf -- "$LAB/openstack"
  else
    for c in "$@"; do rm -rf -- "${LAB:?}/openstack/$c"; done
  fi
  rm -f "$RUN"/os-*.stamp
  log "openstack: removed configs and data (${*:-all clouds})"
  exit 0
fi
"${HELPER[@]}" "$cmd" "$@" 9>&-
