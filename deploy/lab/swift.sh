#!/usr/bin/env bash
# Lab Swift: three single-node, 1-replica Swift clusters on loopback (docs/lab-swift.md).
#
#   deploy/lab/swift.sh up     [cluster...]   start (idempotent), register in Keystone, merge ocx.yaml + lab.json
#   deploy/lab/swift.sh down   [cluster...]   stop the processes this script started (by PID file)
#   deploy/lab/swift.sh status [cluster...]   state of each cluster (exit 0 only if all are healthy)
#   deploy/lab/swift.sh flush  [cluster...]   run the object + container updaters once now (account counts exact)
#   deploy/lab/swift.sh selftest [cluster...] swift CLI smoke test (home as demo, bu-keystone as admin, tempauth)
#   deploy/lab/swift.sh clean  [cluster...]   down, then delete data, rings and configs
#
# Clusters: home (Keystone :5001, proxy :8081), bu-keystone (Keystone :5002, proxy :8082),
#           lab-tempauth (tempauth test:tester/testing for home project demo, other:proxy for other; proxy :8083).
# Environment: OCX_LAB_DIR (default /var/lib/ocx-lab), OCX_SWIFT_DATA_DIR (default /dev/shm/ocx-lab),
#              OCX_SWIFT_WAIT (seconds to wait for health, default 60),
#              OCX_SWIFT_UPDATER_INTERVAL (seconds between object/container-updater sweeps, default 5),
#              OCX_SWIFT_SKIP_KEYSTONE=1 (do not touch the Keystones).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$HERE/swift/lab_swift.py
LAB_DIR=${OCX_LAB_DIR:-/var/lib/ocx-lab}
DATA_ROOT=${OCX_SWIFT_DATA_DIR:-/dev/shm/ocx-lab}
CONF_ROOT=$LAB_DIR/swift
LOG_DIR=$LAB_DIR/logs
RUN_DIR=$LAB_DIR/run
WAIT_SECS=${OCX_SWIFT_WAIT:-60}
UPDATER_INTERVAL=${OCX_SWIFT_UPDATER_INTERVAL:-5}
PY=/usr/bin/python3 # Debian's interpreter: the python3 first on PATH may be another one without swift
RUN_USER=$(id -un)

# name  auth  proxy account container object memcached keystone
CLUSTERS=(
  "home         keystone 8081 6012 6011 6010 11211 http://127.0.0.1:5001"
  "bu-keystone  keystone 8082 6022 6021 6020 11212 http://127.0.0.1:5002"
  "lab-tempauth tempauth 8083 6032 6031 6030 11213 -"
)
# start order; stop goes in reverse
# updater = Swift's object-updater + container-updater run_once in one loop process (see lab_swift.py updater)
SERVICES=(memcached account container object updater proxy)

log() { printf '[swift] %s\n' "$*"; }
die() { printf '[swift] ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ cluster table
# load NAME: sets C_NAME C_AUTH C_PROXY C_ACCOUNT C_CONTAINER C_OBJECT C_MC C_KEYSTONE C_CONF C_DATA
load() {
  local row
  for row in "${CLUSTERS[@]}"; do
    # shellcheck disable=SC2086
    set -- $row
    if [[ $1 == "$C_WANT" ]]; then
      C_NAME=$1 C_AUTH=$2 C_PROXY=$3 C_ACCOUNT=$4 C_CONTAINER=$5 C_OBJECT=$6 C_MC=$7 C_KEYSTONE=$8
      C_CONF=$CONF_ROOT/$C_NAME
      C_DATA=$DATA_ROOT/$C_NAME
      return 0
    fi
  done
  die "unknown cluster '$C_WANT' (known: $(all_names))"
}
use() { C_WANT=$1; load; }
all_names() { local r; for r in "${CLUSTERS[@]}"; do set -- $r; printf '%s ' "$1"; done; }

pidfile() { echo "$RUN_DIR/swift-$1-$2.pid"; }
flush_base() { echo "$RUN_DIR/swift-$C_NAME-updater"; } # the updater loop's flush files (lab_swift.py updater)
logfile() { echo "$LOG_DIR/swift-$1-$2.log"; }

# command line of service $1 in the current cluster (one word per line)
svc_cmd() {
  case $1 in
    memcached)
      local u=()
      if [[ $(id -u) == 0 ]]; then if id memcache >/dev/null 2>&1; then u=(-u memcache); else u=(-u root); fi; fi
      printf '%s\n' /usr/bin/memcached -l 127.0.0.1 -p "$C_MC" -U 0 -m 64 -c 1024 -t 1 "${u[@]}" ;;
    account | container | object | proxy)
      printf '%s\n' "/usr/bin/swift-$1-server" "$C_CONF/$1-server.conf" -v ;;
    updater) printf '%s\n' "$PY" "$HELPER" updater "$C_CONF" "$UPDATER_INTERVAL" "$(flush_base)" ;;
  esac
}
# substring of /proc/PID/cmdline (NULs as spaces) that identifies service $1 of the current cluster
svc_marker() {
  case $1 in
    memcached) echo "memcached -l 127.0.0.1 -p $C_MC " ;;
    updater) echo "lab_swift.py updater $C_CONF " ;;
    *) echo "swift-$1-server $C_CONF/$1-server.conf" ;;
  esac
}
svc_port() {
  case $1 in
    memcached) echo "$C_MC" ;; account) echo "$C_ACCOUNT" ;; container) echo "$C_CONTAINER" ;;
    object) echo "$C_OBJECT" ;; proxy) echo "$C_PROXY" ;; *) echo "" ;;
  esac
}

# prints the PID if service $1 of the current cluster runs (PID file + matching command line)
svc_pid() {
  local f pid cmd
  f=$(pidfile "$C_NAME" "$1")
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ "$cmd " == *"$(svc_marker "$1")"* ]] || return 1
  echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

show_log() {
  local f
  f=$(logfile "$1" "$2")
  printf '[swift] ---- last lines of %s ----\n' "$f" >&2
  tail -n 25 "$f" >&2 2>/dev/null || echo "(no log)" >&2
  printf '[swift] ----\n' >&2
}

svc_start() {
  local svc=$1 port pidf logf
  port=$(svc_port "$svc")
  if [[ -n $port ]] && port_busy "$port"; then
    die "$C_NAME/$svc: port $port is already in use by a process this script did not start (see: ss -ltnp 'sport = :$port')"
  fi
  pidf=$(pidfile "$C_NAME" "$svc")
  logf=$(logfile "$C_NAME" "$svc")
  rm -f "$pidf"
  local -a cmd
  mapfile -t cmd < <(svc_cmd "$svc")
  printf '==== %s start: %s\n' "$(date -Is)" "${cmd[*]}" >>"$logf"
  # sh writes its own PID, then execs the service: the PID file is right whether or not setsid forks.
  setsid env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP \
    /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" "${cmd[@]}" </dev/null >>"$logf" 2>&1 9>&- &
  STARTED+=("$C_NAME $svc")
}

# stop service $1 of the current cluster: TERM now; the caller waits with wait_stopped
svc_signal_stop() {
  local pid
  if pid=$(svc_pid "$1"); then
    kill -TERM "$pid" 2>/dev/null || true
    STOPPING+=("$pid $(pidfile "$C_NAME" "$1")")
  else
    rm -f "$(pidfile "$C_NAME" "$1")"
  fi
}
# PID files of the current cluster for services no longer in SERVICES (older versions of this script)
svc_signal_stop_strays() {
  local f svc pid cmd
  for f in "$RUN_DIR/swift-$C_NAME"-*.pid; do
    [[ -e $f ]] || continue
    svc=${f#"$RUN_DIR/swift-$C_NAME-"}
    svc=${svc%.pid}
    [[ " ${SERVICES[*]} " == *" $svc "* ]] && continue
    pid=$(<"$f")
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" || true)
    if [[ $pid =~ ^[0-9]+$ && $cmd == *"$C_CONF/"* ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      STOPPING+=("$pid $f")
    else
      rm -f "$f"
    fi
  done
}

wait_stopped() {
  local deadline=$((SECONDS + 10)) entry pid f alive
  while :; do
    alive=0
    for entry in "${STOPPING[@]+"${STOPPING[@]}"}"; do
      pid=${entry%% *}
      if kill -0 "$pid" 2>/dev/null && [[ $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) != Z ]]; then alive=1; fi
    done
    ((alive)) || break
    if ((SECONDS >= deadline)); then
      for entry in "${STOPPING[@]}"; do kill -KILL "${entry%% *}" 2>/dev/null || true; done
      sleep 0.2
      break
    fi
    sleep 0.1
  done
  for entry in "${STOPPING[@]+"${STOPPING[@]}"}"; do rm -f "${entry#* }"; done
  STOPPING=()
}

# ------------------------------------------------------------------ configuration files
# put FILE < content: replace FILE only if the content differs (keeps mtimes of unchanged files)
put() {
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  if [[ -f $1 ]] && cmp -s "$tmp" "$1"; then
    rm -f "$tmp"
  else
    chmod 0644 "$tmp"
    mv -f "$tmp" "$1"
  fi
}

storage_defaults() { # $1 = port, $2 = server kind
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
user = $RUN_USER
swift_dir = $C_CONF
devices = $C_DATA
mount_check = false
disable_fallocate = true
recon_cache_path = $C_CONF/recon
log_name = $C_NAME-$2
log_level = INFO

[pipeline:main]
pipeline = healthcheck $2-server

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
}

write_configs() {
  mkdir -p "$C_CONF/recon" "$C_DATA/d1"
  chmod 0755 "$C_CONF"
  [[ $RUN_USER == root ]] || chown "$RUN_USER" "$C_DATA" "$C_DATA/d1" "$C_CONF/recon" 2>/dev/null || true

  {
    storage_defaults "$C_ACCOUNT" account
    cat <<EOF

[app:account-server]
use = egg:swift#account

[account-replicator]
[account-auditor]
[account-reaper]
EOF
  } >"$C_CONF/.account-server.conf.new"
  put "$C_CONF/account-server.conf" <"$C_CONF/.account-server.conf.new"
  rm -f "$C_CONF/.account-server.conf.new"

  {
    storage_defaults "$C_CONTAINER" container
    cat <<EOF

[app:container-server]
use = egg:swift#container

[container-updater]
# pushes container object/byte counts into the account listing; swift.sh runs it (run_once) every
# OCX_SWIFT_UPDATER_INTERVAL s in its "updater" process rather than as the stock daemon
interval = 30
concurrency = 1
account_suppression_time = 5

[container-replicator]
[container-auditor]
[container-sync]
[container-sharder]
EOF
  } >"$C_CONF/.container-server.conf.new"
  put "$C_CONF/container-server.conf" <"$C_CONF/.container-server.conf.new"
  rm -f "$C_CONF/.container-server.conf.new"

  {
    storage_defaults "$C_OBJECT" object
    cat <<EOF

[app:object-server]
use = egg:swift#object

[object-updater]
# retries container updates the object server could not make at once (async pendings; rare here);
# run like the container-updater above
interval = 30
concurrency = 1

[object-replicator]
[object-auditor]
EOF
  } >"$C_CONF/.object-server.conf.new"
  put "$C_CONF/object-server.conf" <"$C_CONF/.object-server.conf.new"
  rm -f "$C_CONF/.object-server.conf.new"

  local auth_filters auth_sections
  if [[ $C_AUTH == keystone ]]; then
    auth_filters="authtoken keystoneauth"
    auth_sections="[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $C_KEYSTONE
auth_url = $C_KEYSTONE
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = swift
password = swift-secret
region_name = RegionOne
interface = public
memcached_servers = 127.0.0.1:$C_MC
delay_auth_decision = True
http_connect_timeout = 5
log_name = $C_NAME-authtoken

[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member, _member_
reseller_prefix = AUTH_
reseller_admin_role = ResellerAdmin"
  else
    auth_filters="tempauth"
    auth_sections="[filter:tempauth]
use = egg:swift#tempauth
reseller_prefix = AUTH
token_life = 86400
# user_<account>_<user> = <key> [groups] [storage url]
user_test_tester = testing .admin http://127.0.0.1:$C_PROXY/v1/AUTH_test
user_test_tester3 = testing3 http://127.0.0.1:$C_PROXY/v1/AUTH_test
user_test2_tester2 = testing2 .admin http://127.0.0.1:$C_PROXY/v1/AUTH_test2
# the proxy's account for home project other (demo's is test:tester): one account per home project
user_other_proxy = other-proxy-key .admin http://127.0.0.1:$C_PROXY/v1/AUTH_other"
  fi

  put "$C_CONF/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $C_PROXY
workers = 0
user = $RUN_USER
swift_dir = $C_CONF
expose_info = true
log_name = $C_NAME-proxy
log_level = INFO

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats container_sync bulk tempurl formpost ratelimit $auth_filters copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = false
conn_timeout = 1
node_timeout = 30

$auth_sections

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$C_MC

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:container_sync]
use = egg:swift#container_sync

[filter:bulk]
use = egg:swift#bulk

[filter:tempurl]
use = egg:swift#tempurl

[filter:formpost]
use = egg:swift#formpost

[filter:ratelimit]
use = egg:swift#ratelimit

[filter:copy]
use = egg:swift#copy

[filter:container-quotas]
use = egg:swift#container_quotas

[filter:account-quotas]
use = egg:swift#account_quotas

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true

[filter:symlink]
use = egg:swift#symlink
EOF
}

ensure_swift_conf() {
  if [[ ! -s /etc/swift/swift.conf ]]; then
    mkdir -p /etc/swift
    cat >/etc/swift/swift.conf <<'EOF'
[swift-hash]
swift_hash_path_prefix = ocx-lab-prefix
swift_hash_path_suffix = ocx-lab-suffix

[storage-policy:0]
name = Policy-0
default = yes
EOF
    log "wrote /etc/swift/swift.conf"
  fi
}

preflight() {
  local b missing=()
  for b in /usr/bin/swift-proxy-server /usr/bin/swift-account-server /usr/bin/swift-container-server \
    /usr/bin/swift-object-server /usr/bin/swift-container-updater /usr/bin/swift-object-updater \
    /usr/bin/memcached "$PY" curl setsid; do
    command -v "$b" >/dev/null 2>&1 || missing+=("$b")
  done
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (apt-get install swift swift-proxy swift-account swift-container swift-object python3-swiftclient python3-keystonemiddleware memcached)"
  "$PY" -c 'import keystonemiddleware.auth_token, yaml' 2>/dev/null ||
    die "/usr/bin/python3 lacks keystonemiddleware or yaml (apt-get install python3-keystonemiddleware python3-yaml)"
}

# ------------------------------------------------------------------ health
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# wait until every service of the selected clusters answers; fail fast if one dies
wait_healthy() {
  local deadline=$((SECONDS + WAIT_SECS)) name svc port pending
  while :; do
    pending=()
    for name in "${SELECTED[@]}"; do
      use "$name"
      for svc in "${SERVICES[@]}"; do
        if ! svc_pid "$svc" >/dev/null; then
          # the PID file may not be written yet for a process started a moment ago
          if [[ ! -s $(pidfile "$C_NAME" "$svc") ]] && ((SECONDS < deadline)); then pending+=("$name/$svc"); continue; fi
          show_log "$name" "$svc"
          die "$name/$svc exited during start-up"
        fi
        port=$(svc_port "$svc")
        case $svc in
          memcached) port_busy "$port" || pending+=("$name/$svc") ;;
          proxy) { http_ok "http://127.0.0.1:$port/healthcheck" && http_ok "http://127.0.0.1:$port/info"; } || pending+=("$name/$svc") ;;
          account | container | object) http_ok "http://127.0.0.1:$port/healthcheck" || pending+=("$name/$svc") ;;
        esac
      done
    done
    ((${#pending[@]} == 0)) && return 0
    if ((SECONDS >= deadline)); then
      for name in "${pending[@]}"; do show_log "${name%%/*}" "${name#*/}"; done
      die "not healthy after ${WAIT_SECS}s: ${pending[*]}"
    fi
    sleep 0.3
  done
}

# ------------------------------------------------------------------ commands
cmd_up() {
  local t0=$SECONDS name svc rc hash old stamp
  preflight
  ensure_swift_conf
  mkdir -p "$CONF_ROOT" "$LOG_DIR" "$RUN_DIR" "$DATA_ROOT"
  chmod 0755 "$DATA_ROOT"
  STARTED=() STOPPING=()
  for name in "${SELECTED[@]}"; do
    use "$name"
    write_configs
    if [[ ! -f $C_CONF/account.ring.gz || ! -f $C_CONF/container.ring.gz || ! -f $C_CONF/object.ring.gz ]]; then
      "$PY" "$HELPER" rings "$C_CONF" "$C_ACCOUNT" "$C_CONTAINER" "$C_OBJECT" | sed "s/^/[swift] $name: /"
    fi
    # Swift processes started from other configs or rings than the current ones are restarted (not memcached)
    hash=$({ cat "$C_CONF"/*.conf "$C_CONF"/*.ring.gz "$HELPER"; echo "$UPDATER_INTERVAL"; } | md5sum | cut -d' ' -f1)
    stamp=$RUN_DIR/swift-$name.config-md5
    old=$(cat "$stamp" 2>/dev/null || true)
    if [[ $old != "$hash" ]]; then
      for svc in "${SERVICES[@]}"; do
        [[ $svc == memcached ]] || svc_signal_stop "$svc"
      done
      svc_signal_stop_strays
      if ((${#STOPPING[@]})); then log "$name: configuration changed, restarting its Swift processes"; fi
      wait_stopped
      echo "$hash" >"$stamp"
    fi
    for svc in "${SERVICES[@]}"; do
      svc_pid "$svc" >/dev/null || svc_start "$svc"
    done
  done
  if ((${#STARTED[@]})); then log "started ${#STARTED[@]} processes; waiting for health"; fi
  wait_healthy
  log "healthy: ${SELECTED[*]} ($((SECONDS - t0))s)"

  "$PY" "$HELPER" merge "$LAB_DIR/ocx.yaml" "$LAB_DIR/lab.json"
  log "merged Swift settings into $LAB_DIR/ocx.yaml and $LAB_DIR/lab.json"

  local failed=() out
  for name in "${SELECTED[@]}"; do
    use "$name"
    [[ $C_AUTH == keystone ]] || continue
    if [[ ${OCX_SWIFT_SKIP_KEYSTONE:-0} == 1 ]]; then log "$name: OCX_SWIFT_SKIP_KEYSTONE=1, not registering in Keystone"; continue; fi
    rc=0
    out=$("$PY" "$HELPER" keystone "$C_KEYSTONE" "http://127.0.0.1:$C_PROXY" 2>&1) || rc=$?
    [[ -z $out ]] || printf '%s\n' "$out" | sed "s/^/[swift] $name: /"
    case $rc in
      0) log "$name: registered in Keystone $C_KEYSTONE (user swift, service + endpoints object-store)" ;;
      3) failed+=("$name") ; log "ERROR: $name: Keystone $C_KEYSTONE is not running: user swift and endpoints NOT registered (start it and run up again, or set OCX_SWIFT_SKIP_KEYSTONE=1)" ;;
      *) failed+=("$name") ; log "ERROR: $name: registering in Keystone $C_KEYSTONE failed" ;;
    esac
  done
  ((${#failed[@]} == 0)) || die "Swift runs, but Keystone registration failed for: ${failed[*]}"
  conformance_users
  log "up in $((SECONDS - t0))s"
}

# The users and projects Swift's functional suite logs in with (scripts/swift-conformance.sh): created at the home
# Keystone and, same-named with role member for federated_users, at bu-keystone, by the suite's own
# ks_test_objects.py (get-or-create, changes nothing else), from test/conformance (or OCX_CONFORMANCE_DIR).
conformance_users() {
  local dir=${OCX_CONFORMANCE_DIR:-$HERE/../../test/conformance} admin
  [[ -n $dir ]] || { log "OCX_CONFORMANCE_DIR not set: Swift conformance users not created"; return 0; }
  [[ -f $dir/ks_test_objects.py ]] || { log "no $dir/ks_test_objects.py: Swift conformance users not created"; return 0; }
  [[ ${OCX_SWIFT_SKIP_KEYSTONE:-0} == 1 ]] && return 0
  admin=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["home"]["admin_password"])' "$LAB_DIR/lab.json")
  "$PY" "$dir/ks_test_objects.py" idp http://127.0.0.1:5001/v3 "$admin" >/dev/null ||
    die "creating the Swift conformance users at the home Keystone failed"
  admin=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["providers"]["bu-keystone"]["admin_password"])' "$LAB_DIR/lab.json")
  "$PY" "$dir/ks_test_objects.py" sp http://127.0.0.1:5002/v3 "$admin" swift_test_users >/dev/null ||
    die "creating the Swift conformance projects at bu-keystone failed"
  # The suite's users without an operator role at home are mapped to swift_test_others (deploy/lab/keystone.sh):
  # a role on the suite's projects that is not one of Swift's operator roles, so they can scope but not operate.
  "$PY" - http://127.0.0.1:5002/v3 "$admin" <<'PYEOF' >/dev/null || die "granting swift_test_others at bu-keystone failed"
import sys
from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client
auth = v3.Password(auth_url=sys.argv[1], username='admin', password=sys.argv[2], project_name='admin',
                   user_domain_id='default', project_domain_id='default')
ks = client.Client(session=session.Session(auth=auth))
group = ks.groups.list(name='swift_test_others', domain='default')[0]
role = (ks.roles.list(name='anotherrole') or [None])[0] or ks.roles.create(name='anotherrole')
for p in ks.projects.list():
    if p.name.startswith('swifttenanttest'):
        ks.role_assignments.list(group=group, project=p) or ks.roles.grant(role, group=group, project=p)
PYEOF
  log "Swift conformance users and projects present (home, bu-keystone)"
}

cmd_down() {
  local name svc i
  STOPPING=()
  for name in "${SELECTED[@]}"; do
    use "$name"
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do svc_signal_stop "${SERVICES[i]}"; done
    svc_signal_stop_strays
  done
  local n=${#STOPPING[@]}
  wait_stopped
  log "stopped $n processes (${SELECTED[*]})"
}

cmd_status() {
  local name svc pid all_ok=1 up down line h state
  for name in "${SELECTED[@]}"; do
    use "$name"
    up=0 down=0 line=""
    for svc in "${SERVICES[@]}"; do
      if pid=$(svc_pid "$svc"); then line+=" $svc=$pid"; up=$((up + 1)); else line+=" $svc=DOWN"; down=$((down + 1)); fi
    done
    if http_ok "http://127.0.0.1:$C_PROXY/healthcheck" && http_ok "http://127.0.0.1:$C_PROXY/info"; then
      h="proxy healthy"
    else
      h="proxy not answering"; down=$((down + 1))
    fi
    if ((down == 0)); then state=UP; elif ((up == 0)); then state=DOWN; else state=DEGRADED; fi
    [[ $state == UP ]] || all_ok=0
    printf '%-13s %-8s http://127.0.0.1:%s (%s, auth %s)\n' "$name" "$state" "$C_PROXY" "$h" "$C_AUTH"
    printf '              %s\n' "$line"
  done
  ((all_ok)) || return 3
}

# Account HEAD/GET counts lag until the container-updater runs; this has each cluster's updater loop sweep now
# (lab_swift.py updater: a token in FLUSH_BASE.want, echoed in FLUSH_BASE.done when a sweep that began after it
# ends) and waits for all of them. A loop started by an older swift.sh has no .ready file: then the updaters run
# once here instead.
cmd_flush() {
  local name pids=() rc=0 p base token pending=() deadline
  token="$$-$(date +%s%N)"
  for name in "${SELECTED[@]}"; do
    use "$name"
    svc_pid proxy >/dev/null || die "$name is not running"
    base=$(flush_base)
    p=$(svc_pid updater) || die "$name: the updater loop is not running"
    if [[ -s $base.ready && $(<"$base.ready") == "$p" ]]; then
      printf '%s\n' "$token" >"$base.want.$$" && mv -f "$base.want.$$" "$base.want"
      pending+=("$name")
      continue
    fi
    (
      env -u PYTHONPATH -u PYTHONHOME /usr/bin/swift-object-updater "$C_CONF/object-server.conf" once >/dev/null 2>&1 9>&-
      env -u PYTHONPATH -u PYTHONHOME /usr/bin/swift-container-updater "$C_CONF/container-server.conf" once >/dev/null 2>&1 9>&-
    ) 9>&- &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || die "an updater failed"
  deadline=$(($(date +%s) + ${OCX_SWIFT_FLUSH_WAIT:-60}))
  for name in "${pending[@]}"; do
    use "$name"
    base=$(flush_base)
    until [[ -s $base.done && $(<"$base.done") == "$token" ]]; do
      if (($(date +%s) >= deadline)); then
        show_log "$name" updater
        die "$name: the updater loop did not finish a sweep within ${OCX_SWIFT_FLUSH_WAIT:-60} s"
      fi
      sleep 0.1
    done
  done
  log "flushed container/object updates (${SELECTED[*]})"
}

# Smoke test with the swift CLI: stat, upload (plain, SLO, DLO), list, download, account counts, delete.
selftest_cluster() { # NAME, then the swift CLI auth options
  local name=$1 tmp c=ocx-selftest-$$ out
  shift
  tmp=$(mktemp -d)
  local -a sw=(env -u PYTHONPATH /usr/bin/swift "$@")
  head -c 2500000 /dev/urandom >"$tmp/big.bin"
  echo "hello $name" >"$tmp/small.txt"
  (
    set -e
    cd "$tmp"
    "${sw[@]}" stat >/dev/null
    "${sw[@]}" upload "$c" small.txt >/dev/null
    "${sw[@]}" upload --use-slo --segment-size 1000000 "$c" big.bin --object-name slo.bin >/dev/null
    "${sw[@]}" upload --segment-size 1000000 "$c" big.bin --object-name dlo.bin >/dev/null
    out=$("${sw[@]}" list "$c")
    [[ $out == $'dlo.bin\nslo.bin\nsmall.txt' ]] || { echo "unexpected listing: $out"; exit 1; }
    "${sw[@]}" stat "$c" slo.bin | grep -q 'X-Static-Large-Object: True'
    "${sw[@]}" stat "$c" dlo.bin | grep -q "Manifest: ${c}_segments/"
    "${sw[@]}" download "$c" slo.bin -o slo.out >/dev/null && cmp -s slo.out big.bin
    "${sw[@]}" download "$c" dlo.bin -o dlo.out >/dev/null && cmp -s dlo.out big.bin
    "${sw[@]}" download "$c" small.txt -o small.out >/dev/null && cmp -s small.out small.txt
    # account counts arrive through the updater (<= OCX_SWIFT_UPDATER_INTERVAL s)
    local i
    for ((i = 0; i < 30; i++)); do
      [[ $("${sw[@]}" list --lh | awk -v c="$c" '$NF==c{print $1}') == 3 ]] && break
      sleep 0.5
    done
    ((i < 30)) || { echo "account listing never showed 3 objects in $c"; exit 1; }
    "${sw[@]}" delete "$c" >/dev/null
    "${sw[@]}" delete "${c}_segments" >/dev/null 2>&1 || true
    ! "${sw[@]}" list | grep -q "^$c"
  ) >"$tmp/log" 2>&1 && { log "selftest $name: OK"; rm -rf "$tmp"; return 0; }
  log "selftest $name: FAILED"
  sed 's/^/    /' "$tmp/log" >&2
  rm -rf "$tmp"
  return 1
}

cmd_selftest() {
  local name rc=0 pids=() p
  for name in "${SELECTED[@]}"; do # in parallel: each swift CLI run costs ~0.7 s of start-up
    use "$name"
    case $name in
      lab-tempauth) selftest_cluster "$name" -A "http://127.0.0.1:$C_PROXY/auth/v1.0" -U test:tester -K testing & ;;
      home) selftest_cluster "$name" --auth-version 3 --os-auth-url "$C_KEYSTONE/v3" --os-username demo \
        --os-password demo-secret --os-project-name demo --os-user-domain-name Default --os-project-domain-name Default & ;;
      *) selftest_cluster "$name" --auth-version 3 --os-auth-url "$C_KEYSTONE/v3" --os-username admin \
        --os-password admin-secret --os-project-name admin --os-user-domain-name Default --os-project-domain-name Default & ;;
    esac
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

cmd_clean() {
  local name
  cmd_down
  for name in "${SELECTED[@]}"; do
    use "$name"
    rm -rf -- "$C_DATA" "$C_CONF"
  done
  log "removed data and configs of ${SELECTED[*]}"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  if (($#)); then
    SELECTED=("$@")
    local n
    for n in "${SELECTED[@]}"; do use "$n"; done
  else
    read -r -a SELECTED <<<"$(all_names)"
  fi
  if [[ $cmd == up || $cmd == down || $cmd == stop || $cmd == clean ]]; then
    # one swift.sh at a time (up.sh may run it while someone runs it by hand)
    mkdir -p "$RUN_DIR"
    exec 9>"$RUN_DIR/swift.lock"
    flock -w 120 9 || die "another deploy/lab/swift.sh holds $RUN_DIR/swift.lock"
  fi
  case $cmd in
    up) cmd_up ;;
    down | stop) cmd_down ;;
    status) cmd_status ;;
    flush) cmd_flush ;;
    selftest) cmd_selftest ;;
    clean) cmd_clean ;;
    *)
      sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 2
      ;;
  esac
}

main "$@"
