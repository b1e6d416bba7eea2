#!/usr/bin/env bash
# Install every Debian 12 package the K2K lab needs. Idempotent; run as root.
# Fast path: when all packages are already installed, apt is not touched at all.
set -euo pipefail

PACKAGES=(
  keystone apache2 libapache2-mod-wsgi-py3 libapache2-mod-shib shibboleth-sp-utils xmlsec1
  python3-openstackclient python3-swiftclient
  swift swift-proxy swift-account swift-container swift-object memcached python3-keystonemiddleware
  # Swift's own functional suite against the lab (scripts/swift-conformance.sh, docs/lab-swift.md).
  python3-swift python3-pytest python3-mock
  sqlite3 openssl curl
  procps
  # Benchmarks (bench/, docs/performance.md): nginx as the reference reverse proxy, wrk as the load generator.
  nginx wrk
  # Shared state for several proxy instances: tests start their own redis-server on a free port.
  redis-server
  # The scale-out lab (deploy/lab/lb.sh): HAProxy in front of two proxy instances, Redis HA through Sentinel.
  haproxy redis-sentinel
  # systemd-analyze verifies deploy/systemd/ocx-proxy.service in tests (installed as a package, never booted).
  systemd
)

# Real Glance/Cinder/Nova for deploy/lab/openstack.sh (docs/lab-openstack.md), only for the services named in
# OCX_LAB_SERVICES (default: the full lab). cinder-volume and nova-compute run from python3-cinder/python3-nova
# through launchers: their own packages would pull LVM/iSCSI and libvirt/qemu.
OCX_LAB_SERVICES="${OCX_LAB_SERVICES:-keystone,swift,glance,cinder,nova,horizon}"
case ",$OCX_LAB_SERVICES," in *,glance,*) PACKAGES+=(glance-api) ;; esac
case ",$OCX_LAB_SERVICES," in *,cinder,* | *,nova,*) PACKAGES+=(rabbitmq-server) ;; esac
case ",$OCX_LAB_SERVICES," in *,cinder,*) PACKAGES+=(cinder-api cinder-scheduler python3-cinder) ;; esac
case ",$OCX_LAB_SERVICES," in
  *,nova,*) PACKAGES+=(nova-api nova-conductor nova-scheduler python3-nova placement-api uwsgi-plugin-python3) ;;
esac
# Real Neutron for Nova and the proxy's /network (deploy/lab/neutron.sh, docs/networking.md).
case ",$OCX_LAB_SERVICES," in *,nova,* | *,neutron,*) PACKAGES+=(neutron-server python3-neutron) ;; esac
# Horizon (deploy/lab/horizon.sh, docs/horizon.md) and the browser its end-to-end test drives.
case ",$OCX_LAB_SERVICES," in *,horizon,*) PACKAGES+=(openstack-dashboard chromium) ;; esac

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
glance-common glance/configure_db boolean false
glance-common glance/configure_rabbit boolean false
glance-common glance/configure_ksat boolean false
glance-api glance/configure_api-endpoint boolean false
cinder-common cinder/configure_db boolean false
cinder-common cinder/configure_rabbit boolean false
cinder-common cinder/configure_ksat boolean false
cinder-api cinder/configure_api-endpoint boolean false
nova-common nova/configure_db boolean false
nova-common nova/configure_rabbit boolean false
nova-common nova/configure_ksat boolean false
nova-common nova/configure_neutron boolean false
nova-common nova/configure_placement boolean false
nova-api novaapi/configure_db boolean false
nova-api nova/configure_api-endpoint boolean false
placement-common placement/configure_db boolean false
placement-common placement/configure_ksat boolean false
placement-api placement/configure_api-endpoint boolean false
neutron-common neutron/configure_db boolean false
neutron-common neutron/configure_rabbit boolean false
neutron-common neutron/configure_ksat boolean false
neutron-server neutron/configure_api-endpoint boolean false
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
