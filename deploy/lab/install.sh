#!/usr/bin/env bash
# Install every Debian 12 package the K2K lab needs. Idempotent; run as root.
# Fast path: when all packages are already installed, apt is not touched at all.
set -euo pipefail

PACKAGES=(
  keystone apache2 libapache2-mod-wsgi-py3 libapache2-mod-shib shibboleth-sp-utils xmlsec1
  python3-openstackclient python3-swiftclient
  swift swift-proxy swift-account swift-container swift-object memcached python3-keystonemiddleware
  sqlite3 openssl curl
  procps
)

log() { printf '[lab-install %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
  echo "install.sh must run as root" >&2
  exit 1
fi

# Wait for any apt/dpkg already running (e.g. an install started in the background).
wait_apt() {
  local waited=0
  # (/proc instead of pgrep: procps may not be installed yet)
  while cat /proc/[0-9]*/comm 2>/dev/null | grep -qxE 'apt-get|apt|dpkg'; do
    [ "$waited" = 0 ] && log "waiting for a running apt-get/dpkg to finish"
    waited=1
    sleep 5
  done
}

# Never let maintainer scripts start services (there is no systemd; we start our own servers).
ensure_policy_rc_d() {
  if [ "$(cat /usr/sbin/policy-rc.d 2>/dev/null)" != "$(printf '#!/bin/sh\nexit 101')" ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  fi
  chmod 755 /usr/sbin/policy-rc.d
}

missing_packages() {
  local p status
  for p in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
    [ "$status" = installed ] || printf '%s\n' "$p"
  done
}

wait_apt
ensure_policy_rc_d

mapfile -t MISSING < <(missing_packages)
if [ "${#MISSING[@]}" = 0 ]; then
  log "all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
log "installing: ${MISSING[*]}"

export DEBIAN_FRONTEND=noninteractive
# The lab creates its own Keystone databases and registrations: stop the package from doing any of it.
debconf-set-selections <<'EOF'
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
keystone keystone/setup-rabbit boolean false
EOF

apt-get update -q
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${PACKAGES[@]}"

mapfile -t MISSING < <(missing_packages)
if [ "${#MISSING[@]}" != 0 ]; then
  log "still not installed: ${MISSING[*]}"
  exit 1
fi
log "done"
