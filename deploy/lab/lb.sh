#!/usr/bin/env bash
# The scale-out lab (docs/lab.md "Load balancer and Redis HA"): HAProxy in front of two ocx-proxy instances from
# this checkout, each `--workers 2`, sharing state through Redis found by Sentinel.
#
#   deploy/lab/lb.sh up        start (idempotent: Redis and Sentinel are kept when running, the proxies and HAProxy
#                              restarted so they run the current dist/ and $LAB/ocx.yaml)
#   deploy/lab/lb.sh down      stop all of it (the generated keys stay in $LAB/lb)
#   deploy/lab/lb.sh status    one line per component
#   deploy/lab/lb.sh heal      start what is not running (after a test killed an instance or a Redis), keep the rest
#
#   HAProxy (cloud ocx-lb)      http://127.0.0.1:8070   stats http://127.0.0.1:8071/stats (;csv for machines)
#   ocx-proxy instances         http://127.0.0.1:8061, http://127.0.0.1:8062 (config $LAB/lb/proxy-N.yaml)
#   Redis master / replica      127.0.0.1:6391 / 127.0.0.1:6392 (roles swap after a failover)
#   Sentinels (master ocx-lab)  127.0.0.1:26391, 26392, 26393 (quorum 2)
#
# Needs the lab's $LAB/ocx.yaml (deploy/lab/up.sh, which runs this after starting the proxy at :8080) and the
# Debian packages haproxy and redis-sentinel (deploy/lab/install.sh). Adds cloud ocx-lb to $LAB/clouds.yaml and an
# "lb" section to $LAB/lab.json. Run as root. OCX_LAB_LB_WORKERS sets --workers (default 2).
set -euo pipefail
# shellcheck source=deploy/lab/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LB_DIR="$LAB/lb"
LB_PORT=8070
LB_STATS_PORT=8071
LB_URL="http://127.0.0.1:$LB_PORT"
INSTANCE_PORTS=(8061 8062)
REDIS_PORTS=(6391 6392)
SENTINEL_PORTS=(26391 26392 26393)
SENTINEL_NAME=ocx-lab
WORKERS="${OCX_LAB_LB_WORKERS:-2}"

secret_file() { # FILE: 32 random bytes in base64url, made once
  [ -s "$1" ] || { "$PY" -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))' >"$1"; chmod 600 "$1"; }
}

redis_cli() { # PORT ARGS...: redis-cli against a lab Redis (the password from $LB_DIR/redis-password)
  REDISCLI_AUTH="$(cat "$LB_DIR/redis-password")" redis-cli -h 127.0.0.1 -p "$@"
}

wait_redis() { # PORT SECONDS [--sentinel]
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if [ "${3:-}" = --sentinel ]; then
      redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG && return 0
    else
      redis_cli "$1" ping 2>/dev/null | grep -q PONG && return 0
    fi
    sleep 0.1
  done
  return 1
}

redis_up() {
  local running=1 p i
  for p in "${REDIS_PORTS[@]}"; do pid_alive "$RUN/lb-redis-$p.pid" || running=0; done
  for p in "${SENTINEL_PORTS[@]}"; do pid_alive "$RUN/lb-sentinel-$p.pid" || running=0; done
  if [ "$running" = 1 ]; then
    log "lb: redis and sentinels already running (master $(sentinel_master))"
    return 0
  fi
  redis_down
  local pw
  pw="$(cat "$LB_DIR/redis-password")"
  # Fresh roles on every (re)start: the first port is the master, the second its replica. Caches only: no
  # persistence, every key has a TTL.
  for i in 0 1; do
    p="${REDIS_PORTS[$i]}"
    mkdir -p "$LB_DIR/redis-$p"
    {
      echo "port $p"
      echo "bind 127.0.0.1"
      echo "dir $LB_DIR/redis-$p"
      echo "save \"\""
      echo "appendonly no"
      echo "requirepass $pw"
      echo "masterauth $pw"
      echo "maxmemory 64mb"
      echo "maxmemory-policy volatile-lru"
      echo "logfile $LOGS/lb-redis-$p.log"
      [ "$i" = 1 ] && echo "replicaof 127.0.0.1 ${REDIS_PORTS[0]}"
    } >"$LB_DIR/redis-$p/redis.conf"
    chmod 600 "$LB_DIR/redis-$p/redis.conf"
    start_redis "$p"
  done
  for p in "${REDIS_PORTS[@]}"; do wait_redis "$p" 10 || die "redis on :$p did not start" "$LOGS/lb-redis-$p.log"; done
  for p in "${SENTINEL_PORTS[@]}"; do
    mkdir -p "$LB_DIR/sentinel-$p"
    # Sentinel rewrites its own file (known replicas, epochs): written fresh with the Redis pair above.
    cat >"$LB_DIR/sentinel-$p/sentinel.conf" <<EOF
port $p
bind 127.0.0.1
dir $LB_DIR/sentinel-$p
logfile $LOGS/lb-sentinel-$p.log
sentinel monitor $SENTINEL_NAME 127.0.0.1 ${REDIS_PORTS[0]} 2
sentinel auth-pass $SENTINEL_NAME $pw
sentinel down-after-milliseconds $SENTINEL_NAME 2000
sentinel failover-timeout $SENTINEL_NAME 10000
sentinel parallel-syncs $SENTINEL_NAME 1
EOF
    chmod 600 "$LB_DIR/sentinel-$p/sentinel.conf"
    start_sentinel "$p"
  done
  for p in "${SENTINEL_PORTS[@]}"; do
    wait_redis "$p" 10 --sentinel || die "sentinel on :$p did not start" "$LOGS/lb-sentinel-$p.log"
  done
  log "lb: redis master :${REDIS_PORTS[0]}, replica :${REDIS_PORTS[1]}, sentinels ${SENTINEL_PORTS[*]}"
}

start_redis() { # PORT: with the config as it is (Sentinel rewrites replicaof in it on a failover)
  (exec setsid /usr/bin/redis-server "$LB_DIR/redis-$1/redis.conf" </dev/null >>"$LOGS/lb-redis-$1.log" 2>&1) &
  echo $! >"$RUN/lb-redis-$1.pid"
}

start_sentinel() { # PORT
  (exec setsid /usr/bin/redis-sentinel "$LB_DIR/sentinel-$1/sentinel.conf" </dev/null >>"$LOGS/lb-sentinel-$1.log" 2>&1) &
  echo $! >"$RUN/lb-sentinel-$1.pid"
}

sentinel_master() {
  redis-cli -h 127.0.0.1 -p "${SENTINEL_PORTS[0]}" sentinel get-master-addr-by-name "$SENTINEL_NAME" 2>/dev/null |
    paste -sd: - || true
}

redis_down() {
  local p
  # Signal all first: each stop_pid then mostly waits for a process that is already gone.
  for p in "${SENTINEL_PORTS[@]}"; do pid_alive "$RUN/lb-sentinel-$p.pid" && kill -TERM "$(cat "$RUN/lb-sentinel-$p.pid")"; done
  for p in "${REDIS_PORTS[@]}"; do pid_alive "$RUN/lb-redis-$p.pid" && kill -TERM "$(cat "$RUN/lb-redis-$p.pid")"; done
  for p in "${SENTINEL_PORTS[@]}"; do stop_pid "$RUN/lb-sentinel-$p.pid" "sentinel :$p" 5; done
  for p in "${REDIS_PORTS[@]}"; do stop_pid "$RUN/lb-redis-$p.pid" "redis :$p" 5; done
}

# The instances' config: the lab proxy's ($LAB/ocx.yaml, as up.sh and the component scripts left it) with its own
# port, the balancer's public URL, and shared state through Sentinel; both instances get the same keys.
write_proxy_configs() {
  local i
  for i in 0 1; do
    LB_PORT_="${INSTANCE_PORTS[$i]}" "$PY" - "$LAB/ocx.yaml" "$LB_DIR/proxy-$((i + 1)).yaml" <<EOF
import os, sys, yaml
src, dst = sys.argv[1], sys.argv[2]
with open(src) as f:
    c = yaml.safe_load(f)
c['listen'] = {'host': '127.0.0.1', 'port': int(os.environ['LB_PORT_'])}
c['public_url'] = '$LB_URL'
c['trust_proxy'] = '127.0.0.1'
# The lab's real Nova and Cinder can be slow: the timeouts the lab tests give their own proxies.
c['timeouts'] = {'connect': '2s', 'response': '60s', 'request': '120s'}
# Short TTLs, as the lab tests give their own proxies to watch revocations land (test/support/lab.ts OCX_LAB_VIA_LB).
c['cache'] = {**(c.get('cache') or {}), 'token_ttl': '3s', 'negative_ttl': '1s', 'provider_token_check_ttl': '1s'}
c['state'] = {
    'backend': 'redis',
    # With sentinel the URL's host is not dialled: it names the master; the URL gives the password and database.
    'redis_url': {'file': '$LB_DIR/redis-url'},
    'sentinel': {'name': '$SENTINEL_NAME', 'nodes': ['127.0.0.1:%s' % p for p in '${SENTINEL_PORTS[*]}'.split()]},
    'key_prefix': 'ocx-lb:',
    'encryption_key': {'file': '$LB_DIR/state-key'},
    'cursor_keys': [{'id': 'lb', 'key': {'file': '$LB_DIR/cursor-key'}}],
}
tmp = dst + '.new'
with open(tmp, 'w') as f:
    f.write('# ocx-proxy instance behind HAProxy, generated by deploy/lab/lb.sh from %s (rewritten on every run).\n' % src)
    yaml.safe_dump(c, f, sort_keys=False)
os.replace(tmp, dst)
EOF
  done
}

proxies_up() {
  proxies_down
  start_instance 1
  start_instance 2
  wait_instance 1
  wait_instance 2
}

start_instance() { # N (1 or 2)
  local port="${INSTANCE_PORTS[$(($1 - 1))]}"
  port_open "$port" && die "port $port is in use by another process (not an lb.sh instance)"
  (cd "$REPO" && exec setsid /usr/bin/node dist/main.js --config "$LB_DIR/proxy-$1.yaml" --workers "$WORKERS" \
    >>"$LOGS/lb-proxy-$1.log" 2>&1 </dev/null) &
  echo $! >"$RUN/lb-proxy-$1.pid"
}

wait_instance() { # N
  wait_http "http://127.0.0.1:${INSTANCE_PORTS[$(($1 - 1))]}/healthz" 200 30 ||
    die "ocx-proxy instance $1 did not answer /healthz" "$LOGS/lb-proxy-$1.log"
}

proxies_down() { # each supervisor leads its own session: signal the group (the workers drain too), both at once
  local n
  for n in 1 2; do pid_alive "$RUN/lb-proxy-$n.pid" && kill -TERM -- "-$(cat "$RUN/lb-proxy-$n.pid")" 2>/dev/null; done
  for n in 1 2; do stop_pid "$RUN/lb-proxy-$n.pid" "lb proxy $n" 15; done
}

haproxy_up() {
  local servers="" i
  for i in 0 1; do servers+="    server ocx-$((i + 1)) 127.0.0.1:${INSTANCE_PORTS[$i]} check"$'\n'; done
  SERVERS="$servers" "$PY" - "$LAB_SCRIPTS/lb/haproxy.cfg" "$LB_DIR/haproxy.cfg" <<EOF
import os, sys
text = open(sys.argv[1]).read()
for k, v in {'@RUN@': '$RUN', '@LB_PORT@': '$LB_PORT', '@STATS_PORT@': '$LB_STATS_PORT',
             '@SERVERS@': os.environ['SERVERS'].rstrip('\n')}.items():
    text = text.replace(k, v)
open(sys.argv[2], 'w').write(text)
EOF
  /usr/sbin/haproxy -c -q -f "$LB_DIR/haproxy.cfg" || die "haproxy config $LB_DIR/haproxy.cfg is invalid"
  stop_pid "$RUN/lb-haproxy.pid" haproxy 5
  start_haproxy
}

start_haproxy() {
  wait_ports_free 5 "$LB_PORT" "$LB_STATS_PORT" || die "ports $LB_PORT/$LB_STATS_PORT are in use by another process"
  (exec setsid /usr/sbin/haproxy -W -db -f "$LB_DIR/haproxy.cfg" </dev/null >>"$LOGS/lb-haproxy.log" 2>&1) &
  echo $! >"$RUN/lb-haproxy.pid"
  wait_http "$LB_URL/readyz" 200 30 || die "HAProxy at $LB_URL/readyz did not answer 200" "$LOGS/lb-haproxy.log"
}

# Start whatever of an `up` lab is not running (a test killed an instance, a Redis, a Sentinel), leave the rest.
heal() {
  local p n
  [ -s "$LB_DIR/haproxy.cfg" ] || die "lb not set up: deploy/lab/lb.sh up"
  for p in "${REDIS_PORTS[@]}"; do pid_alive "$RUN/lb-redis-$p.pid" || { log "lb: starting redis :$p"; start_redis "$p"; }; done
  for p in "${SENTINEL_PORTS[@]}"; do pid_alive "$RUN/lb-sentinel-$p.pid" || { log "lb: starting sentinel :$p"; start_sentinel "$p"; }; done
  for n in 1 2; do
    pid_alive "$RUN/lb-proxy-$n.pid" || { log "lb: starting instance $n"; rm -f "$RUN/lb-proxy-$n.pid"; start_instance "$n"; wait_instance "$n"; }
  done
  pid_alive "$RUN/lb-haproxy.pid" || { log "lb: starting haproxy"; start_haproxy; }
  log "lb healed: master $(sentinel_master)"
}

# Cloud ocx-lb: the cloud ocx (the demo user at the proxy) through the balancer.
write_cloud() {
  "$PY" - "$LAB/clouds.yaml" <<EOF
import copy, os, sys, yaml
path = sys.argv[1]
with open(path) as f:
    c = yaml.safe_load(f)
cloud = copy.deepcopy(c['clouds']['ocx'])
cloud['auth']['auth_url'] = '$LB_URL/identity/v3'
c['clouds']['ocx-lb'] = cloud
with open(path + '.new', 'w') as f:
    f.write('# OpenStack client config for the K2K lab, generated by deploy/lab/up.sh (cloud ocx-lb: deploy/lab/lb.sh).\n')
    yaml.safe_dump(c, f, sort_keys=False)
os.chmod(path + '.new', 0o644)
os.replace(path + '.new', path)
EOF
}

# lab.json "lb": what the tests need (test/lab/lb.test.ts); read-modify-write under the lock the other lab
# scripts hold (deploy/lab/openstack/lab_openstack.py lab_json_locked).
write_lab_json() { # present|absent
  "$PY" - "$LAB/lab.json" "$1" <<EOF
import fcntl, json, os, sys
path, what = sys.argv[1], sys.argv[2]
with open(os.path.join(os.path.dirname(path), 'lab.json.lock'), 'w') as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    with open(path) as f:
        d = json.load(f)
    d.pop('lb', None)
    if what == 'present':
        d['lb'] = {
            'url': '$LB_URL',
            'stats': 'http://127.0.0.1:$LB_STATS_PORT/stats',
            'instances': [
                {'name': 'ocx-%d' % (i + 1), 'url': 'http://127.0.0.1:%s' % p, 'pid_file': '$RUN/lb-proxy-%d.pid' % (i + 1),
                 'config': '$LB_DIR/proxy-%d.yaml' % (i + 1), 'log': '$LOGS/lb-proxy-%d.log' % (i + 1)}
                for i, p in enumerate('${INSTANCE_PORTS[*]}'.split())],
            'workers': $WORKERS,
            'redis': {'ports': [int(p) for p in '${REDIS_PORTS[*]}'.split()], 'password_file': '$LB_DIR/redis-password'},
            'sentinel': {'name': '$SENTINEL_NAME', 'ports': [int(p) for p in '${SENTINEL_PORTS[*]}'.split()]},
            'cloud': 'ocx-lb',
            'script': '$LAB_SCRIPTS/lb.sh',
        }
    with open(path + '.new', 'w') as f:
        json.dump(d, f, indent=2)
    os.chmod(path + '.new', 0o644)
    os.replace(path + '.new', path)
EOF
}

up() {
  [ -s "$LAB/ocx.yaml" ] || die "$LAB/ocx.yaml missing: run deploy/lab/up.sh first"
  command -v /usr/sbin/haproxy >/dev/null && command -v /usr/bin/redis-sentinel >/dev/null ||
    die "haproxy or redis-sentinel missing: run deploy/lab/install.sh"
  [ -f "$REPO/dist/main.js" ] || die "$REPO/dist/main.js missing: npm run build"
  mkdir -p "$LB_DIR" "$LOGS" "$RUN"
  chmod 700 "$LB_DIR"
  secret_file "$LB_DIR/redis-password"
  secret_file "$LB_DIR/state-key"
  secret_file "$LB_DIR/cursor-key"
  (umask 077 && printf 'redis://:%s@%s/0\n' "$(cat "$LB_DIR/redis-password")" "$SENTINEL_NAME" >"$LB_DIR/redis-url")
  redis_up
  write_proxy_configs
  proxies_up
  haproxy_up
  write_cloud
  write_lab_json present
  log "lb up: HAProxy $LB_URL (cloud ocx-lb) -> :${INSTANCE_PORTS[0]}, :${INSTANCE_PORTS[1]} (--workers $WORKERS), redis via sentinel $SENTINEL_NAME (master $(sentinel_master))"
}

down() {
  stop_pid "$RUN/lb-haproxy.pid" haproxy 5
  proxies_down
  redis_down
  rm -f "$RUN/lb-haproxy.sock"
  [ -f "$LAB/lab.json" ] && write_lab_json absent
  log "lb down"
}

status() {
  local p i
  for p in "${REDIS_PORTS[@]}"; do
    printf 'redis :%s %s\n' "$p" "$(redis_cli "$p" role 2>/dev/null | head -1 || echo down)"
  done
  for p in "${SENTINEL_PORTS[@]}"; do printf 'sentinel :%s %s\n' "$p" "$(pid_alive "$RUN/lb-sentinel-$p.pid" && echo up || echo down)"; done
  printf 'sentinel master %s\n' "$(sentinel_master)"
  for i in 0 1; do printf 'proxy :%s %s\n' "${INSTANCE_PORTS[$i]}" "$(http_code "http://127.0.0.1:${INSTANCE_PORTS[$i]}/readyz")"; done
  printf 'haproxy %s %s\n' "$LB_URL" "$(http_code "$LB_URL/readyz")"
}

[ "$(id -u)" = 0 ] || { echo "lb.sh must run as root" >&2; exit 1; }
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  heal) heal ;;
  *)
    echo "usage: $0 up|down|status|heal" >&2
    exit 2
    ;;
esac
