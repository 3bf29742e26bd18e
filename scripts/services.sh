#!/bin/sh
# Test services for Zhiping: InfluxDB, Mosquitto, PostgreSQL and Chromium.
#
#   sh scripts/services.sh up      use what answers, otherwise install (apt, as root) and start on loopback
#   sh scripts/services.sh down    stop only what `up` started
#   sh scripts/services.sh status  print what is in use
#
# A service is "configured" when its variable is set (ZP_INFLUX_URL, ZP_MQTT_URL, ZP_PG_URL, ZP_CHROMIUM) or
# when one answers on its usual loopback port. What this script starts keeps its data in a temp dir and its
# pid under .services/; `.services/env` holds the addresses tests read. Running `up` twice starts nothing new.
# ZP_SERVICES_OWN=1 ignores the usual ports and starts this project's own instances.
# With CI=true a service that cannot be made available fails the command; elsewhere it is reported and the
# tests that need it say so.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE="$ROOT/.services"
ENV_FILE="$STATE/env"
mkdir -p "$STATE"

log() { printf '[services] %s\n' "$*" >&2; }
is_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

# A port answers TCP on 127.0.0.1 (bash-less: use node, which every machine running Zhiping has).
port_open() {
  node -e 'const s=require("net").connect({host:"127.0.0.1",port:+process.argv[1]});s.setTimeout(500);s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));s.on("timeout",()=>process.exit(1))' "$1" 2>/dev/null
}
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_for() { # wait_for <seconds> <command...>
  n=$(( $1 * 10 )); shift
  while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}
apt_install() { # apt_install <package...>
  if [ "$(id -u)" != "0" ]; then log "cannot install $* (not root)"; return 1; fi
  log "installing $* with apt"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start system-wide daemons: we start our own on loopback.
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; rm_policy=1; fi
  apt-get install -y -q "$@" >"$STATE/apt.log" 2>&1 || { apt-get update -q >>"$STATE/apt.log" 2>&1 && apt-get install -y -q "$@" >>"$STATE/apt.log" 2>&1; }
  rc=$?
  [ "${rm_policy:-0}" = "1" ] && rm -f /usr/sbin/policy-rc.d
  [ $rc -eq 0 ] || log "apt failed, see $STATE/apt.log"
  return $rc
}
usual() { [ "${ZP_SERVICES_OWN:-}" = "1" ] || echo "$1"; }
alive() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }
datadir() { # one temp dir per service started here, remembered so `down` can remove it
  d=$(mktemp -d "${TMPDIR:-/tmp}/zhiping-$1.XXXXXX"); echo "$d" > "$STATE/$1.dir"; echo "$d"
}
previous() { [ -f "$ENV_FILE" ] && sed -n "s/^export $1=//p" "$ENV_FILE" | tr -d "'" ; }

influx_ping() { curl -fs -o /dev/null -m 2 "$1/ping" 2>/dev/null; }
influx_up() {
  for url in "${ZP_INFLUX_URL:-}" "$(previous ZP_INFLUX_URL)" "$(usual http://127.0.0.1:8086)"; do
    [ -n "$url" ] && influx_ping "$url" && { echo "$url"; return 0; }
  done
  command -v influxd >/dev/null 2>&1 || apt_install influxdb || return 1
  port=$(free_port); dir=$(datadir influxdb)
  cat > "$dir/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:$(free_port)"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
  suppress-write-log = true
  max-body-size = 26214400
[logging]
  level = "warn"
EOF
  influxd -config "$dir/influxdb.conf" >"$dir/influxd.log" 2>&1 &
  echo $! > "$STATE/influxdb.pid"
  wait_for 30 influx_ping "http://127.0.0.1:$port" || { log "influxd did not answer, see $dir/influxd.log"; return 1; }
  log "started InfluxDB on 127.0.0.1:$port (data in $dir)"
  echo "http://127.0.0.1:$port"
}

mqtt_up() {
  for url in "${ZP_MQTT_URL:-}" "$(previous ZP_MQTT_URL)" "$(usual mqtt://127.0.0.1:1883)"; do
    [ -n "$url" ] || continue
    p=${url##*:}; port_open "$p" && { echo "$url"; return 0; }
  done
  command -v mosquitto >/dev/null 2>&1 || apt_install mosquitto || return 1
  port=$(free_port); dir=$(datadir mosquitto); chmod 777 "$dir"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n' "$port" > "$dir/mosquitto.conf"
  mosquitto -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
  echo $! > "$STATE/mosquitto.pid"
  wait_for 10 port_open "$port" || { log "mosquitto did not answer, see $dir/mosquitto.log"; return 1; }
  log "started Mosquitto on 127.0.0.1:$port"
  echo "mqtt://127.0.0.1:$port"
}

pg_ready() { # pg_ready <url>
  pg_isready -q -d "$1" 2>/dev/null || psql "$1" -Atc 'select 1' >/dev/null 2>&1
}
pg_up() {
  for url in "${ZP_PG_URL:-}" "$(previous ZP_PG_URL)" "$(usual postgres://postgres@127.0.0.1:5432/postgres)"; do
    [ -n "$url" ] && pg_ready "$url" && psql "$url" -Atc 'select 1' >/dev/null 2>&1 && { echo "$url"; return 0; }
  done
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then apt_install postgresql || return 1; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); fi
  port=$(free_port); dir=$(datadir postgresql); chown postgres "$dir"
  su postgres -s /bin/sh -c "$bin/initdb -D '$dir/data' -A trust -U postgres >'$dir/initdb.log' 2>&1" || { log "initdb failed, see $dir/initdb.log"; return 1; }
  su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/data' -l '$dir/pg.log' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null" || return 1
  head -n 1 "$dir/data/postmaster.pid" > "$STATE/postgresql.pid"
  url="postgres://postgres@127.0.0.1:$port/postgres"
  wait_for 30 pg_ready "$url" || { log "postgres did not answer, see $dir/pg.log"; return 1; }
  log "started PostgreSQL on 127.0.0.1:$port"
  echo "$url"
}

chromium_up() {
  for bin in "${ZP_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -n "$bin" ] && [ -x "$bin" ] && { echo "$bin"; return 0; }
  done
  apt_install chromium || return 1
  echo /usr/bin/chromium
}

up() {
  failed=""
  influx=$(influx_up) || failed="$failed InfluxDB"
  mqtt=$(mqtt_up) || failed="$failed Mosquitto"
  pg=$(pg_up) || failed="$failed PostgreSQL"
  chromium=$(chromium_up) || failed="$failed Chromium"
  mosquitto_bin=$(command -v mosquitto || true)
  influxd_bin=$(command -v influxd || true)
  {
    echo "export ZP_INFLUX_URL='${influx:-}'"
    echo "export ZP_MQTT_URL='${mqtt:-}'"
    echo "export ZP_PG_URL='${pg:-}'"
    echo "export ZP_CHROMIUM='${chromium:-}'"
    echo "export ZP_MOSQUITTO_BIN='${mosquitto_bin}'"
    echo "export ZP_INFLUXD_BIN='${influxd_bin}'"
  } > "$ENV_FILE"
  status
  if [ -n "$failed" ]; then
    log "not available:$failed"
    if is_ci; then log "CI=true: a missing service is a failure"; return 1; fi
  fi
  return 0
}

down() {
  for s in influxdb mosquitto postgresql; do
    if alive "$s"; then
      pid=$(cat "$STATE/$s.pid")
      if [ "$s" = postgresql ]; then
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
        su postgres -s /bin/sh -c "$bin/pg_ctl -D '$(cat "$STATE/$s.dir")/data' -m fast stop >/dev/null" || kill "$pid"
      else
        kill "$pid"
      fi
      wait_for 10 sh -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null
      log "stopped $s"
    fi
    [ -f "$STATE/$s.dir" ] && rm -rf "$(cat "$STATE/$s.dir")"
    rm -f "$STATE/$s.pid" "$STATE/$s.dir"
  done
  rm -f "$ENV_FILE"
}

status() {
  [ -f "$ENV_FILE" ] && sed 's/^export /  /' "$ENV_FILE" >&2
  return 0
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
