# shellcheck shell=bash
# Common settings and helpers for the K2K lab scripts (sourced, not executed).
#
# Everything the lab creates lives under $LAB (default /var/lib/ocx-lab, override with OCX_LAB_DIR).

LAB="${OCX_LAB_DIR:-/var/lib/ocx-lab}"
LAB_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$LAB_SCRIPTS/../.." && pwd)"
LOGS="$LAB/logs"
RUN="$LAB/run"

HOME_PORT=5001
PROV_PORT=5002
HOME_URL="http://127.0.0.1:$HOME_PORT"
PROV_URL="http://127.0.0.1:$PROV_PORT"
SP_ID="bu-keystone"
IDP_ID="home-idp"
IDP_ENTITY_ID="$HOME_URL/v3/OS-FEDERATION/saml2/idp"
IDP_SSO_ENDPOINT="$HOME_URL/v3/OS-FEDERATION/saml2/sso"
SP_URL="$PROV_URL/Shibboleth.sso/SAML2/ECP"
SP_AUTH_URL="$PROV_URL/v3/OS-FEDERATION/identity_providers/$IDP_ID/protocols/saml2/auth"
SHIB_ENTITY_ID="$PROV_URL/shibboleth"
ADMIN_PASSWORD="admin-secret"
REGION="RegionOne"
PROXY_URL="http://127.0.0.1:8080"

# The python3 first on PATH may be a different interpreter: always use the system one.
PY=/usr/bin/python3
KSM=/usr/bin/keystone-manage
OSC=/usr/bin/openstack
# Clean environment for the servers we start (no pyenv / PYTHONPATH leaking into mod_wsgi or shibd).
SERVER_ENV=(/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8)

log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# die MESSAGE [LOGFILE...]: print the message and the tail of each log, exit 1.
die() {
  local msg="$1"
  shift
  printf '[lab] ERROR: %s\n' "$msg" >&2
  local f
  for f in "$@"; do
    if [ -f "$f" ]; then
      printf -- '----- tail of %s -----\n' "$f" >&2
      tail -n 40 "$f" >&2
    fi
  done
  exit 1
}

# proc_running PID: true when PID exists and is not a zombie.
proc_running() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}

# wait_reaped PID SECONDS: after a daemon exits it stays a zombie until PID 1 reaps it (slowly in some
# containers); wait for that so `pgrep` shows nothing once down.sh returns.
wait_reaped() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 0
}

# pid_alive PIDFILE: true when the file names a running process.
pid_alive() {
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null)" || return 1
  proc_running "$pid"
}

# port_open PORT: true when something listens on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_ports_free SECONDS PORT...: wait until nothing listens on the ports.
wait_ports_free() {
  local secs="$1" i p busy
  shift
  for ((i = 0; i < secs * 10; i++)); do
    busy=0
    for p in "$@"; do port_open "$p" && busy=1; done
    [ "$busy" = 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# stop_pid PIDFILE NAME [SECONDS]: TERM the process (and its process group when it leads one), wait, then KILL.
stop_pid() {
  local file="$1" name="$2" secs="${3:-10}" pid i
  if ! pid_alive "$file"; then
    rm -f "$file"
    return 0
  fi
  pid="$(cat "$file")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    proc_running "$pid" || break
    sleep 0.1
  done
  if proc_running "$pid"; then
    log "$name did not stop in ${secs}s, killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait_reaped "$pid" 5
  rm -f "$file"
}

# http_code URL [curl args...]: print the HTTP status (000 when unreachable).
http_code() {
  local url="$1"
  shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$url" 2>/dev/null || true
}

# wait_http URL CODE SECONDS: wait until GET URL answers CODE.
wait_http() {
  local url="$1" want="$2" secs="$3" i
  for ((i = 0; i < secs * 5; i++)); do
    # generous per-try timeout: a Keystone daemon has one thread, retries would only queue behind the first
    [ "$(http_code "$url" --max-time 20)" = "$want" ] && return 0
    sleep 0.2
  done
  return 1
}

# json_get EXPR: read JSON on stdin, print the Python expression EXPR evaluated on it as `d`.
json_get() {
  "$PY" -c 'import json,sys
d=json.load(sys.stdin)
v=eval(sys.argv[1])
print("" if v is None else v)' "$1"
}

# stop_apache: stop the lab Apache through its own PidFile and wait until its ports are free.
stop_apache() {
  local pidfile="$RUN/apache.pid" pid i
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid="$(cat "$pidfile")"
  log "stopping apache (pid $pid)"
  "${SERVER_ENV[@]}" /usr/sbin/apache2 -f "$LAB/apache/apache.conf" -k stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    proc_running "$pid" || break
    sleep 0.1
  done
  proc_running "$pid" && { log "apache still running, killing"; kill -KILL "$pid" 2>/dev/null || true; }
  wait_reaped "$pid" 5
  rm -f "$pidfile"
  wait_ports_free 15 "$HOME_PORT" "$PROV_PORT" || log "WARNING: ports $HOME_PORT/$PROV_PORT still in use after apache stop"
}

# replace_if_changed FILE: move FILE.new over FILE unless identical (keeps mtimes stable for idempotent runs).
replace_if_changed() {
  if cmp -s "$1.new" "$1"; then
    rm -f "$1.new"
  else
    mv "$1.new" "$1"
  fi
}
