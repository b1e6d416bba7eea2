#!/usr/bin/env bash
# Bring up the real Keystone-to-Keystone lab on loopback (see docs/lab.md). Idempotent; run as root.
#
#   home Keystone (K2K identity provider)        http://127.0.0.1:5001
#   bu-keystone   (K2K service provider, mod_shib) http://127.0.0.1:5002
#   ocx-proxy                                     http://127.0.0.1:8080   (skip with OCX_LAB_NO_PROXY=1)
#
# State in $OCX_LAB_DIR (default /var/lib/ocx-lab). The last line printed is
#   export OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml
#
# Swift hook: when deploy/lab/swift.sh exists and is executable (and OCX_LAB_NO_SWIFT is not 1), it is run as
# `deploy/lab/swift.sh up` with OCX_LAB_DIR exported, AFTER both Keystones are up and provisioned and AFTER
# $LAB/ocx.yaml and $LAB/lab.json have been (re)written, and BEFORE the proxy is (re)started. swift.sh may edit
# ocx.yaml and lab.json in place (e.g. add providers.<name>.endpoints.object-store or a Swift-only provider);
# up.sh rewrites both files from scratch on every run, so swift.sh must re-apply its edits every time.
set -euo pipefail
# shellcheck source=deploy/lab/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "up.sh must run as root" >&2; exit 1; }
T_START=$(date +%s.%N)
step() { log "$* (t+$(awk -v s="$T_START" -v n="$(date +%s.%N)" 'BEGIN{printf "%.1f", n-s}')s)"; }
trap 'rc=$?; [ $rc = 0 ] || printf "[lab] up.sh FAILED (exit %s). Logs: %s\n" "$rc" "$LOGS" >&2' EXIT

# ---------------------------------------------------------------- packages, Keystone files
step "install (packages)"
"$LAB_SCRIPTS/install.sh"

step "keystone: configs, databases, keys"
"$LAB_SCRIPTS/keystone.sh" prepare

# ---------------------------------------------------------------- Apache + Shibboleth configs

# render TEMPLATE DEST: substitute @VARS@ (DEST untouched when unchanged).
render() {
  local src="$LAB_SCRIPTS/templates/$1" dst="$2"
  sed -e "s|@LAB@|$LAB|g" -e "s|@LOGS@|$LOGS|g" -e "s|@RUN@|$RUN|g" \
    -e "s|@HOME_PORT@|$HOME_PORT|g" -e "s|@PROV_PORT@|$PROV_PORT|g" -e "s|@SP_ID@|$SP_ID|g" \
    -e "s|@IDP_ID@|$IDP_ID|g" -e "s|@IDP_ENTITY_ID@|$IDP_ENTITY_ID|g" -e "s|@SHIB_ENTITY_ID@|$SHIB_ENTITY_ID|g" \
    "$src" >"$dst.new"
  replace_if_changed "$dst"
}

mkdir -p "$LAB/apache" "$LAB/shibboleth" "$RUN/shibd"
chown _shibd:_shibd "$RUN/shibd"
render apache.conf "$LAB/apache/apache.conf"
render shibboleth2.xml "$LAB/shibboleth/shibboleth2.xml"
render attribute-map.xml "$LAB/shibboleth/attribute-map.xml"
render attribute-policy.xml "$LAB/shibboleth/attribute-policy.xml"
render shibd.logger "$LAB/shibboleth/shibd.logger"
render native.logger "$LAB/shibboleth/native.logger"
chmod 755 "$LAB/apache" "$LAB/shibboleth"
chmod 644 "$LAB"/shibboleth/*
touch "$LOGS/shibd.log" "$LOGS/shibd-transaction.log" "$LOGS/shib-native.log" "$LOGS/apache-error.log"
chown _shibd:_shibd "$LOGS/shibd.log" "$LOGS/shibd-transaction.log"
chown www-data:www-data "$LOGS/shib-native.log"

# A stamp of everything the running servers loaded: restart them only when it changes.
config_stamp() {
  cat "$LAB/apache/apache.conf" "$LAB"/shibboleth/* "$LAB/home/keystone.conf" "$LAB/$SP_ID/keystone.conf" \
    "$LAB/home/keystone.wsgi" "$LAB/$SP_ID/keystone.wsgi" "$LAB/home/saml/idp-metadata.xml" | sha256sum | cut -c1-64
}
STAMP="$(config_stamp)"
OLD_STAMP="$(cat "$RUN/config.stamp" 2>/dev/null || true)"

# ---------------------------------------------------------------- shibd
SHIBD_PID="$RUN/shibd/shibd.pid"
start_shibd() {
  step "shibd: starting"
  "${SERVER_ENV[@]}" SHIBSP_LOGGING="$LAB/shibboleth/shibd.logger" \
    /usr/sbin/shibd -f -c "$LAB/shibboleth/shibboleth2.xml" -p "$SHIBD_PID" -u _shibd -g _shibd -w 30 \
    >>"$LOGS/shibd.out" 2>&1 || die "shibd failed to start" "$LOGS/shibd.out" "$LOGS/shibd.log"
  local i
  for ((i = 0; i < 100; i++)); do
    [ -S "$RUN/shibd/shibd.sock" ] && pid_alive "$SHIBD_PID" && return 0
    sleep 0.1
  done
  die "shibd did not come up (no socket $RUN/shibd/shibd.sock)" "$LOGS/shibd.out" "$LOGS/shibd.log"
}
if pid_alive "$SHIBD_PID" && [ "$STAMP" = "$OLD_STAMP" ]; then
  log "shibd already running (pid $(cat "$SHIBD_PID"))"
else
  stop_pid "$SHIBD_PID" shibd
  start_shibd
fi

# ---------------------------------------------------------------- Apache (both Keystones + mod_shib)
APACHE_PID="$RUN/apache.pid"
APACHE=("${SERVER_ENV[@]}" SHIBSP_LOGGING="$LAB/shibboleth/native.logger" /usr/sbin/apache2 -f "$LAB/apache/apache.conf")
"${APACHE[@]}" -t >>"$LOGS/apache-error.log" 2>&1 || die "apache config test failed ($LAB/apache/apache.conf)" "$LOGS/apache-error.log"
if pid_alive "$APACHE_PID" && [ "$STAMP" = "$OLD_STAMP" ]; then
  log "apache already running (pid $(cat "$APACHE_PID"))"
else
  if pid_alive "$APACHE_PID"; then
    step "apache: config changed, restarting"
    stop_apache
  fi
  for p in "$HOME_PORT" "$PROV_PORT"; do
    port_open "$p" && die "port $p is already in use by another process (not the lab's Apache)"
  done
  step "apache: starting"
  rm -f "$APACHE_PID"
  "${APACHE[@]}" -k start >>"$LOGS/apache-error.log" 2>&1 || die "apache failed to start" "$LOGS/apache-error.log"
fi
echo "$STAMP" >"$RUN/config.stamp"

step "waiting for both Keystones"
# Warm both daemons in parallel (the first request imports Keystone, ~3 s each).
wait_http "$HOME_URL/v3" 200 60 &
wait_http "$PROV_URL/v3" 200 60 &
wait
wait_http "$HOME_URL/v3" 200 60 || die "home Keystone not answering at $HOME_URL/v3" "$LOGS/apache-error.log" "$LOGS/keystone-home.log"
wait_http "$PROV_URL/v3" 200 60 || die "$SP_ID Keystone not answering at $PROV_URL/v3" "$LOGS/apache-error.log" "$LOGS/keystone-$SP_ID.log"

step "keystone: provisioning (only when the databases are new)"
"$LAB_SCRIPTS/keystone.sh" provision

# ---------------------------------------------------------------- lab.json, ocx.yaml, clouds.yaml
step "writing lab.json, ocx.yaml, clouds.yaml"
cat >"$LAB/lab.json" <<EOF
{
  "home": {
    "keystone": "$HOME_URL",
    "admin_password": "$ADMIN_PASSWORD",
    "idp_entity_id": "$IDP_ENTITY_ID",
    "projects": ["admin", "demo", "other"]
  },
  "providers": {
    "$SP_ID": {
      "keystone": "$PROV_URL",
      "admin_password": "$ADMIN_PASSWORD",
      "sp_id": "$SP_ID",
      "sp_url": "$SP_URL",
      "auth_url": "$SP_AUTH_URL",
      "idp_id": "$IDP_ID",
      "projects": ["admin", "demo", "shared"]
    }
  },
  "users": [
    {"name": "demo", "password": "demo-secret", "project": "demo"},
    {"name": "demo2", "password": "demo2-secret", "project": "demo"},
    {"name": "other", "password": "other-secret", "project": "other"}
  ],
  "region": "$REGION",
  "proxy": "$PROXY_URL",
  "lab_dir": "$LAB"
}
EOF

# Mix and match: a provider's Nova may call back with its provider token. A proxy built before the key existed
# refuses unknown config keys, so it is only written for a build that knows it.
CALLBACKS=""
grep -qs provider_token_callbacks "$REPO/dist/config/schema.js" && CALLBACKS=", provider_token_callbacks: true"
# The exchange's offers (docs/exchange.md): bu-keystone is the cheaper one for volumes, home for servers.
HOME_OFFER="" SP_OFFER=""
if grep -qs volume_gib_month "$REPO/dist/config/schema.js"; then
  HOME_OFFER=", offer: { display_name: Home lab cloud, currency: EUR, prices: { volume_gib_month: 0.10, object_gib_month: 0.02, image_gib_month: 0.05, flavor_hour: { m1.tiny: 0.01, m1.small: 0.02 } }, sla: { availability: 99.9, support: lab hours } }"
  SP_OFFER=", offer: { display_name: BU lab cloud, currency: EUR, prices: { volume_gib_month: 0.04, object_gib_month: 0.03, image_gib_month: 0.05, flavor_hour: { m1.tiny: 0.012, m1.small: 0.025 } }, sla: { availability: 99.5, support: next business day } }"
fi
# Version documents (docs/compute-volume-image.md): the public roots of each cloud's Nova, Cinder and Glance
# (deploy/lab/openstack/lab_openstack.py's ports), read before any login, so a freshly started proxy already
# answers the providers' real microversion ranges.
VERSIONS=""
if grep -qs 'roots' "$REPO/dist/config/schema.js"; then
  VERSIONS="versions:
  roots:
    home: { compute: http://127.0.0.1:8774, volume: http://127.0.0.1:8776, image: http://127.0.0.1:9292 }
    $SP_ID: { compute: http://127.0.0.1:8775, volume: http://127.0.0.1:8777, image: http://127.0.0.1:9293 }"
fi
cat >"$LAB/ocx.yaml" <<EOF
# ocx-proxy config for the K2K lab, generated by deploy/lab/up.sh (rewritten on every run).
listen: { host: 127.0.0.1, port: 8080 }
public_url: $PROXY_URL
home: home
catalog: { template: $REPO/catalog-templates/default.yaml, region: $REGION }
providers:
  home: { keystone_url: $HOME_URL, priority: 1$CALLBACKS$HOME_OFFER }
  $SP_ID: { keystone_url: $PROV_URL, sp_id: $SP_ID, priority: 2$CALLBACKS$SP_OFFER }
$VERSIONS
EOF

keystone_cloud() { # NAME URL
  cat <<EOF
  $1:
    auth:
      auth_url: $2/v3
      username: admin
      password: $ADMIN_PASSWORD
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    identity_api_version: 3
    interface: public
EOF
}
{
  cat <<EOF
# OpenStack client config for the K2K lab, generated by deploy/lab/up.sh.
clouds:
  ocx:
    auth:
      auth_url: $PROXY_URL/identity/v3
      username: demo
      password: demo-secret
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    identity_api_version: 3
    interface: public
EOF
  keystone_cloud home "$HOME_URL"
  keystone_cloud "$SP_ID" "$PROV_URL"
} >"$LAB/clouds.yaml"
chmod 644 "$LAB/lab.json" "$LAB/ocx.yaml" "$LAB/clouds.yaml"

# ---------------------------------------------------------------- Swift (another engineer's script)
if [ -x "$LAB_SCRIPTS/swift.sh" ] && [ "${OCX_LAB_NO_SWIFT:-0}" != 1 ]; then
  step "swift: deploy/lab/swift.sh up"
  OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/swift.sh" up || die "deploy/lab/swift.sh up failed (skip it with OCX_LAB_NO_SWIFT=1)"
fi

# Real Neutron (deploy/lab/neutron.sh) starts beside Glance/Cinder/Nova: it needs only the Keystones.
NEUTRON_UP=""
case ",${OCX_LAB_SERVICES:-keystone,swift,glance,cinder,nova,horizon}," in *,nova,* | *,neutron,*)
  step "neutron: deploy/lab/neutron.sh up (in parallel, log $LOGS/neutron-up.log)"
  OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/neutron.sh" up >>"$LOGS/neutron-up.log" 2>&1 &
  NEUTRON_UP=$! ;;
esac
[ -x "$LAB_SCRIPTS/openstack.sh" ] && { step "openstack: deploy/lab/openstack.sh up (OCX_LAB_SERVICES=${OCX_LAB_SERVICES:-keystone,swift,glance,cinder,nova,horizon})"; OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/openstack.sh" up || die "deploy/lab/openstack.sh up failed (logs: $LOGS/os-*.log; without it: OCX_LAB_SERVICES=keystone,swift)"; }
[ -z "$NEUTRON_UP" ] || wait "$NEUTRON_UP" || die "deploy/lab/neutron.sh up failed" "$LOGS/neutron-up.log"

# ---------------------------------------------------------------- proxy (restarted on every run)
PROXY_PID="$RUN/proxy.pid"
stop_pid "$PROXY_PID" proxy
if [ "${OCX_LAB_NO_PROXY:-0}" = 1 ]; then
  log "OCX_LAB_NO_PROXY=1: not starting the proxy"
else
  step "proxy: starting"
  proxy_ok=1
  if [ ! -f "$REPO/dist/main.js" ]; then
    log "proxy: dist/main.js missing, running npm run build"
    (cd "$REPO" && npm run build >>"$LOGS/proxy-build.log" 2>&1) || {
      proxy_ok=0
      log "WARNING: npm run build failed, proxy not started (see $LOGS/proxy-build.log)"
      tail -n 20 "$LOGS/proxy-build.log" >&2 || true
    }
  fi
  if [ "$proxy_ok" = 1 ] && [ -f "$REPO/dist/main.js" ]; then
    (cd "$REPO" && exec setsid /usr/bin/node dist/main.js --config "$LAB/ocx.yaml" >>"$LOGS/proxy.log" 2>&1 </dev/null) &
    echo $! >"$PROXY_PID"
    if wait_http "$PROXY_URL/healthz" 200 20; then
      log "proxy up at $PROXY_URL (pid $(cat "$PROXY_PID"))"
    else
      log "WARNING: proxy did not answer 200 on $PROXY_URL/healthz within 20 s; continuing without it"
      tail -n 20 "$LOGS/proxy.log" >&2 || true
    fi
  elif [ "$proxy_ok" = 1 ]; then
    log "WARNING: $REPO/dist/main.js not built; proxy not started"
  fi
fi

# The scale-out lab (deploy/lab/lb.sh: HAProxy, two proxy instances, Redis with Sentinel; cloud ocx-lb) reads the
# final ocx.yaml; it starts beside Horizon. OCX_LAB_NO_LB=1 skips it.
LB_UP=""
if [ "${OCX_LAB_NO_LB:-0}" != 1 ] && [ "${OCX_LAB_NO_PROXY:-0}" != 1 ] && [ -f "$REPO/dist/main.js" ]; then
  step "lb: deploy/lab/lb.sh up (in parallel, log $LOGS/lb-up.log)"
  OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/lb.sh" up >>"$LOGS/lb-up.log" 2>&1 &
  LB_UP=$!
fi

case ",${OCX_LAB_SERVICES:-keystone,swift,glance,cinder,nova,horizon}," in *,horizon,*) step "horizon: deploy/lab/horizon.sh up"; OCX_LAB_DIR="$LAB" "$LAB_SCRIPTS/horizon.sh" up || die "deploy/lab/horizon.sh up failed (logs: $LOGS/horizon*.log)" ;; esac

if [ -n "$LB_UP" ]; then
  wait "$LB_UP" || { log "WARNING: deploy/lab/lb.sh up failed, no cloud ocx-lb (see $LOGS/lb-up.log)"; tail -n 20 "$LOGS/lb-up.log" >&2 || true; }
fi

step "lab up: home $HOME_URL, $SP_ID $PROV_URL, lab dir $LAB"
echo "export OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml"
