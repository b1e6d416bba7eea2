#!/usr/bin/env bash
# Horizon (Debian's openstack-dashboard, Zed 23) in the ocx lab, logging in through the proxy (docs/horizon.md).
#
#   deploy/lab/horizon.sh up       start (idempotent: nothing is restarted when running with the same config)
#   deploy/lab/horizon.sh down     stop the Apache this script started (by its PID file)
#   deploy/lab/horizon.sh status   exit 0 when Horizon answers its login page
#
# Horizon: http://127.0.0.1:$OCX_HORIZON_PORT (default 8088), OPENSTACK_KEYSTONE_URL = $PROXY_URL/identity/v3.
# Served by its own private Apache + mod_wsgi (one daemon process, 8 threads), separate from the Keystone Apache.
# Files: $LAB/horizon/{apache.conf,horizon.wsgi,ocx_horizon_settings.py,secret_key,horizon.json},
#        $LAB/run/horizon/{apache.pid,config.stamp,wsgi sockets}, $LAB/logs/horizon{.log,-apache-error.log,-access.log}.
# Run as root (Apache drops to www-data).
set -euo pipefail
# shellcheck source=deploy/lab/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

H_PORT="${OCX_HORIZON_PORT:-8088}"
H_URL="http://127.0.0.1:$H_PORT"
HDIR="$LAB/horizon"
HRUN="$RUN/horizon"
H_PID="$HRUN/apache.pid"
H_STAMP="$HRUN/config.stamp"
H_KEYSTONE_URL="${OCX_HORIZON_KEYSTONE_URL:-$PROXY_URL/identity/v3}"
STATIC=/var/lib/openstack-dashboard/static
H_APACHE=("${SERVER_ENV[@]}" /usr/sbin/apache2 -f "$HDIR/apache.conf")

hlog() { log "horizon: $*"; }

# Render deploy/lab/horizon/NAME to DEST, substituting @VARS@ (DEST untouched when unchanged: mod_wsgi reloads
# the daemon when horizon.wsgi's mtime changes).
render() {
  sed -e "s|@HDIR@|$HDIR|g" -e "s|@HRUN@|$HRUN|g" -e "s|@LOGS@|$LOGS|g" -e "s|@PORT@|$H_PORT|g" \
    -e "s|@KEYSTONE_URL@|$H_KEYSTONE_URL|g" "$LAB_SCRIPTS/horizon/$1" >"$2.new"
  replace_if_changed "$2"
}

login_page_ok() { [ "$(http_code "$H_URL/auth/login/" --max-time 30)" = 200 ]; }

cmd_up() {
  [ "$(id -u)" = 0 ] || { echo "horizon.sh up must run as root" >&2; exit 1; }
  local t0 i
  t0=$(date +%s.%N)
  if [ ! -f /usr/share/openstack-dashboard/wsgi.py ] || [ ! -x /usr/bin/chromium ]; then
    hlog "openstack-dashboard or chromium missing: running deploy/lab/install.sh"
    OCX_LAB_SERVICES=horizon "$LAB_SCRIPTS/install.sh"
  fi

  mkdir -p "$HDIR" "$HRUN" "$LOGS"
  if [ ! -s "$HDIR/secret_key" ]; then
    (umask 077 && openssl rand -hex 32 >"$HDIR/secret_key")
  fi
  chown root:www-data "$HDIR/secret_key"
  chmod 640 "$HDIR/secret_key"
  render apache.conf "$HDIR/apache.conf"
  render local_settings.py "$HDIR/ocx_horizon_settings.py"
  render horizon.wsgi "$HDIR/horizon.wsgi"
  chmod 755 "$HDIR"
  chmod 644 "$HDIR/apache.conf" "$HDIR/ocx_horizon_settings.py" "$HDIR/horizon.wsgi"
  # What the end-to-end test (test/lab/horizon.test.ts) needs to know.
  printf '{\n  "url": "%s",\n  "keystone_url": "%s",\n  "log": "%s"\n}\n' "$H_URL" "$H_KEYSTONE_URL" \
    "$LOGS/horizon.log" >"$HDIR/horizon.json.new"
  replace_if_changed "$HDIR/horizon.json"
  chmod 644 "$HDIR/horizon.json"
  touch "$LOGS/horizon.log"
  chown www-data:www-data "$LOGS/horizon.log"

  # The package's postinst collects and compresses the static files (offline compression); redo it, exactly as
  # the postinst does, only when they are gone.
  if [ ! -s "$STATIC/dashboard/manifest.json" ]; then
    hlog "static files missing: manage.py collectstatic + compress, as the package's postinst (~1 min)"
    mkdir -p "$STATIC/js" "$STATIC/css"
    { "${SERVER_ENV[@]}" /usr/share/openstack-dashboard/manage.py collectstatic --noinput --clear &&
      "${SERVER_ENV[@]}" /usr/share/openstack-dashboard/manage.py compress --force; } >>"$LOGS/horizon-compress.log" 2>&1 ||
      die "horizon: collectstatic/compress failed" "$LOGS/horizon-compress.log"
    chown -R www-data "$STATIC"
  fi

  local stamp old
  # (the offline-compression manifest too: Django reads it once per process)
  stamp="$(cat "$HDIR/apache.conf" "$HDIR/ocx_horizon_settings.py" "$HDIR/horizon.wsgi" "$HDIR/secret_key" \
    "$STATIC/dashboard/manifest.json" | sha256sum | cut -c1-64)"
  old="$(cat "$H_STAMP" 2>/dev/null || true)"
  "${H_APACHE[@]}" -t >>"$LOGS/horizon-apache-error.log" 2>&1 ||
    die "horizon: apache config test failed ($HDIR/apache.conf)" "$LOGS/horizon-apache-error.log"
  if pid_alive "$H_PID" && [ "$stamp" = "$old" ]; then
    hlog "already running (pid $(cat "$H_PID"))"
  else
    if pid_alive "$H_PID"; then
      hlog "config changed, restarting"
      stop_horizon_apache
    fi
    port_open "$H_PORT" && die "horizon: port $H_PORT is already in use by another process (not the lab's Horizon)"
    hlog "starting apache on $H_URL"
    rm -f "$H_PID"
    "${H_APACHE[@]}" -k start >>"$LOGS/horizon-apache-error.log" 2>&1 ||
      die "horizon: apache failed to start" "$LOGS/horizon-apache-error.log"
    echo "$stamp" >"$H_STAMP"
  fi
  for ((i = 0; i < 60; i++)); do
    login_page_ok && break
    sleep 0.5
  done
  login_page_ok || die "horizon: $H_URL/auth/login/ does not answer 200" "$LOGS/horizon-apache-error.log" "$LOGS/horizon.log"
  hlog "up at $H_URL (keystone $H_KEYSTONE_URL) in $(awk -v s="$t0" -v n="$(date +%s.%N)" 'BEGIN{printf "%.1f", n-s}')s"
}

stop_horizon_apache() {
  local pid i
  pid_alive "$H_PID" || { rm -f "$H_PID"; return 0; }
  pid="$(cat "$H_PID")"
  hlog "stopping apache (pid $pid)"
  "${H_APACHE[@]}" -k stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    proc_running "$pid" || break
    sleep 0.1
  done
  proc_running "$pid" && { hlog "apache still running, killing"; kill -KILL "$pid" 2>/dev/null || true; }
  wait_reaped "$pid" 5
  rm -f "$H_PID"
  wait_ports_free 15 "$H_PORT" || hlog "WARNING: port $H_PORT still in use after apache stop"
}

cmd_down() {
  [ "$(id -u)" = 0 ] || { echo "horizon.sh down must run as root" >&2; exit 1; }
  stop_horizon_apache
  rm -f "$H_STAMP"
  hlog "down"
}

cmd_status() {
  if pid_alive "$H_PID" && login_page_ok; then
    echo "horizon: running (pid $(cat "$H_PID")) at $H_URL, keystone $(json_get 'd["keystone_url"]' <"$HDIR/horizon.json")"
  else
    echo "horizon: not running at $H_URL"
    return 1
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
