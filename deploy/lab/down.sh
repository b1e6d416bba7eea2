#!/usr/bin/env bash
# Stop what deploy/lab/up.sh started (proxy, Swift via deploy/lab/swift.sh down, Apache with both Keystones,
# shibd). Data stays in $OCX_LAB_DIR (default /var/lib/ocx-lab); `down.sh --purge` removes it too.
set -euo pipefail
# shellcheck source=deploy/lab/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PURGE=0
case "${1:-}" in
  --purge) PURGE=1 ;;
  "") ;;
  *)
    echo "usage: $0 [--purge]" >&2
    exit 2
    ;;
esac
[ "$(id -u)" = 0 ] || { echo "down.sh must run as root" >&2; exit 1; }

rc=0

# proxy (leads its own session: signal the whole group)
if pid_alive "$RUN/proxy.pid"; then
  kill -TERM -- "-$(cat "$RUN/proxy.pid")" 2>/dev/null || true
fi
stop_pid "$RUN/proxy.pid" proxy 10

if [ -x "$LAB_SCRIPTS/lb.sh" ]; then OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/lb.sh" down || { log "WARNING: lb.sh down failed"; rc=1; }; fi

if [ -x "$LAB_SCRIPTS/horizon.sh" ]; then OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/horizon.sh" down || { log "WARNING: horizon.sh down failed"; rc=1; }; fi

if [ -x "$LAB_SCRIPTS/swift.sh" ] && [ "${OCX_LAB_NO_SWIFT:-0}" != 1 ]; then
  log "swift: deploy/lab/swift.sh down"
  OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/swift.sh" down || { log "WARNING: swift.sh down failed"; rc=1; }
fi

if [ -x "$LAB_SCRIPTS/openstack.sh" ]; then OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/openstack.sh" down || { log "WARNING: openstack.sh down failed"; rc=1; }; fi
if [ -x "$LAB_SCRIPTS/neutron.sh" ]; then OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/neutron.sh" down || { log "WARNING: neutron.sh down failed"; rc=1; }; fi

# Apache: stop through its own PidFile; the mod_wsgi Keystone daemons exit with it.
stop_apache

stop_pid "$RUN/shibd/shibd.pid" shibd 10
rm -f "$RUN/shibd/shibd.sock" "$RUN/config.stamp"

if [ "$PURGE" = 1 ]; then
  log "purging $LAB"
  rm -rf "$LAB"
fi
log "lab down"
exit "$rc"
