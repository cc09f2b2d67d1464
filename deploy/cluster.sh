#!/usr/bin/env bash
# compose.yaml's topology without containers: PostgreSQL, Redis, two gunicorn instances and the
# nginx front, from Debian's packages, on loopback ports, in a throwaway folder. nginx runs
# deploy/nginx.conf.template, the file compose.yaml mounts, rendered the way the nginx image
# renders it (envsubst, its own variables only); the instances get compose's environment.
#
#   bash deploy/cluster.sh up     start everything; prints the addresses; state in $CLUSTER_STATE
#   bash deploy/cluster.sh test   up, then deploy/cluster_check.py, then down (whatever happens)
#   bash deploy/cluster.sh down   stop what `up` started and remove its folder
#
# deploy/cluster_check.py disrupts the cluster through: app-kill NAME, app-start NAME,
# redis-stop, redis-start, pg-restart [SECONDS down]. render-nginx DIR writes the rendered
# configuration alone (statuscodes/tests/test_deploy_config.py runs `nginx -t` on it).
#
# Runs as root, like .ci/scaled-out.sh (PostgreSQL runs as the postgres user through runuser), and
# installs the Debian packages it needs when they are missing. Ports are free ones unless
# CLUSTER_{NGINX,APP_A,APP_B,PG,REDIS}_PORT say otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
PY=$repo/.venv/bin/python
state=${CLUSTER_STATE:-/tmp/statuscodes-cluster.state}
template=$repo/deploy/nginx.conf.template

log() { echo "cluster: $*" >&2; }
die() { log "$*"; exit 1; }

need_packages() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v envsubst >/dev/null || missing+=(gettext-base)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (run as root to install them)"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pg_bin() { dirname "$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)"; }

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Whether PID is alive and is the program we started (a pid file can outlive its process).
alive_as() { [ -n "${1:-}" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q -- "$2"; }

pid_in() { if [ -s "$1" ]; then cat "$1"; fi; }

# Gone, or a zombie waiting for a parent that is not us to reap it.
gone() { [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

wait_until() {  # SECONDS DESCRIPTION COMMAND...: poll every 0.2 s
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { log "$what: not within $limit s"; return 1; }
    sleep 0.2
  done
}

http_ok() {  # URL: 200?
  "$PY" -c 'import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=3).status != 200)' "$1"
}

load_state() {
  [ -f "$state" ] || die "no cluster is up ($state is absent)"
  # shellcheck source=/dev/null
  . "$state"
  dir=$CLUSTER_DIR
}

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

app_env() {  # the environment compose.yaml gives app-a, app-b and prepare, for loopback
  cat <<EOF
DJANGO_DEBUG=False
DJANGO_SECRET_KEY=cluster-only-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(40))')
DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
SITE_URL=http://127.0.0.1:$NGINX_PORT
DATABASE_URL=postgres://statuscodes@127.0.0.1:$PG_PORT/statuscodes
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
DJANGO_BEHIND_TLS_PROXY=True
DJANGO_SECURE_SSL_REDIRECT=False
DJANGO_TRUSTED_PROXY_COUNT=1
FORWARDED_ALLOW_IPS=127.0.0.1
WEB_CONCURRENCY=2
EOF
}

# COMMAND with the instances' environment and nothing else from ours (CI exports DJANGO_* too).
with_app_env() {
  local vars
  mapfile -t vars <"$dir/app.env"
  env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 "${vars[@]}" "$@"
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$dir/pg" "$dir/pg-run"
  chown postgres "$dir/pg" "$dir/pg-run"
  chmod 700 "$dir/pg"
  as_postgres "$bin/initdb" -D "$dir/pg" -A trust -U postgres >/dev/null
  pg_start
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q \
    -c "CREATE ROLE statuscodes LOGIN" -c "CREATE DATABASE statuscodes OWNER statuscodes"
}

pg_ctl() {  # pg_ctl's own failure says only "Examine the log output": show it before cleanup deletes it
  as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg" -l "$dir/pg-run/postgres.log" -w "$@" >/dev/null || {
    local status=$?
    echo "pg_ctl $*: failed; the end of PostgreSQL's log:" >&2
    tail -n 20 "$dir/pg-run/postgres.log" >&2
    return "$status"
  }
}

pg_start() { pg_ctl -o "-p $PG_PORT -k $dir/pg-run -c listen_addresses=127.0.0.1 -c fsync=off" start; }

pg_restart() {  # [SECONDS]: pg_ctl restart -m fast, or a stop, SECONDS without a database, a start
  if [ -n "${1:-}" ]; then
    pg_ctl -m fast stop
    sleep "$1"
    pg_start
  else
    pg_ctl -m fast restart
  fi
}

stop_redis() {
  kill "$(pid_in "$dir/redis.pid")"
  wait_until 10 "redis stopped" bash -c "! redis-cli -p $REDIS_PORT ping"
}

start_redis() {  # the flags of compose.yaml's redis service
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --maxmemory 256mb --maxmemory-policy allkeys-lru \
    --save "" --appendonly no --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  wait_until 10 "redis answering" redis-cli -p "$REDIS_PORT" ping
}

prepare() {  # NAME: the start step of one instance, timed, its output kept for the checks
  local started=$EPOCHREALTIME status=0
  with_app_env "$PY" manage.py prepare_database >"$dir/prepare-$1.log" 2>&1 || status=$?
  echo "$status $started $EPOCHREALTIME" >"$dir/prepare-$1.time"
  return "$status"
}

start_app() {  # NAME PORT: gunicorn from gunicorn.conf.py, alone in its process group
  with_app_env PORT="$2" setsid "$repo/.venv/bin/gunicorn" statuscodes.wsgi:application \
    --config gunicorn.conf.py --bind "127.0.0.1:$2" --pid "$dir/app-$1.pid" >>"$dir/app-$1.log" 2>&1 &
  if ! wait_until 30 "app $1 ready" http_ok "http://127.0.0.1:$2/healthz"; then
    tail -n 20 "$dir/app-$1.log" >&2
    return 1
  fi
}

stop_app() {  # NAME [SIGNAL]: the master and its workers at once (its process group)
  local pid
  pid=$(pid_in "$dir/app-$1.pid")
  alive_as "$pid" gunicorn || return 0
  kill "-${2:-TERM}" -- "-$pid" 2>/dev/null || true
  wait_until 20 "app $1 stopped" gone "$pid" || kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$dir/app-$1.pid"
}

render_nginx() {  # FOLDER: the template rendered into FOLDER/conf.d, and the process-level settings
  local out=$1 names user=""
  mkdir -p "$out/conf.d" "$out/cache" "$out/tmp"
  # Only the template's own variables, as the image's entrypoint substitutes only what is set.
  # shellcheck disable=SC2016 # the literal text ${NGINX_...}
  names=$(grep -o '\${NGINX_[A-Z_]*}' "$template" | sort -u)
  for name in $names; do
    name=${name#\$\{}
    name=${name%\}}
    [ -n "${!name:-}" ] || die "render-nginx: $name is not set"
    export "${name?}"
  done
  envsubst "$(echo "$names" | tr '\n' ' ')" <"$template" >"$out/conf.d/statuscodes.conf"
  if [ "$(id -u)" -eq 0 ]; then
    user="user www-data;"
    id www-data >/dev/null 2>&1 || user="user nobody nogroup;"
    chown -R "$(echo "$user" | awk '{print $2}' | tr -d ';')" "$out/cache" "$out/tmp"
  fi
  # What the nginx image's /etc/nginx/nginx.conf says, with paths inside FOLDER.
  cat >"$out/nginx.conf" <<EOF
$user
worker_processes 2;
pid $out/nginx.pid;
error_log $out/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path $out/tmp/body;
    proxy_temp_path $out/tmp/proxy;
    fastcgi_temp_path $out/tmp/fastcgi;
    uwsgi_temp_path $out/tmp/uwsgi;
    scgi_temp_path $out/tmp/scgi;
    include $out/conf.d/*.conf;
}
EOF
}

start_nginx() {
  NGINX_LISTEN=127.0.0.1:$NGINX_PORT NGINX_UPSTREAM_A=127.0.0.1:$APP_A_PORT \
    NGINX_UPSTREAM_B=127.0.0.1:$APP_B_PORT NGINX_CACHE_DIR=$dir/nginx/cache render_nginx "$dir/nginx"
  # access_log is /dev/stdout, as in the image: here, access.log
  if ! /usr/sbin/nginx -t -q -p "$dir/nginx/" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" \
    || ! /usr/sbin/nginx -p "$dir/nginx/" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" \
      >>"$dir/nginx/access.log" 2>>"$dir/nginx/startup.log"; then
    tail -n 3 "$dir/nginx/error.log" "$dir/nginx/startup.log" >&2
    return 1
  fi
  wait_until 10 "nginx answering" http_ok "http://127.0.0.1:$NGINX_PORT/livez"
}

up() {
  [ "$(id -u)" -eq 0 ] || die "run as root: PostgreSQL is started as the postgres user, as in CI"
  [ ! -f "$state" ] || die "a cluster is already up ($state); run: bash deploy/cluster.sh down"
  need_packages
  [ -x "$PY" ] || make setup
  dir=$(mktemp -d /tmp/statuscodes-cluster.XXXXXX)
  chmod 755 "$dir"  # nginx's workers (www-data) and PostgreSQL (postgres) work inside it
  NGINX_PORT=${CLUSTER_NGINX_PORT:-$(free_port)}
  APP_A_PORT=${CLUSTER_APP_A_PORT:-$(free_port)}
  APP_B_PORT=${CLUSTER_APP_B_PORT:-$(free_port)}
  PG_PORT=${CLUSTER_PG_PORT:-$(free_port)}
  REDIS_PORT=${CLUSTER_REDIS_PORT:-$(free_port)}
  # Written first: `down` stops whatever got started, even when `up` fails halfway.
  cat >"$state" <<EOF
CLUSTER_DIR=$dir
NGINX_PORT=$NGINX_PORT
APP_A_PORT=$APP_A_PORT
APP_B_PORT=$APP_B_PORT
PG_PORT=$PG_PORT
REDIS_PORT=$REDIS_PORT
EOF
  app_env >"$dir/app.env"
  log "PostgreSQL $("$(pg_bin)/postgres" --version | awk '{print $3}') on :$PG_PORT"
  start_postgres
  log "Redis $(redis-server --version | awk '{print $3}' | tr -d 'v=') on :$REDIS_PORT (256mb, allkeys-lru)"
  start_redis
  log "collectstatic"
  with_app_env "$PY" manage.py collectstatic --noinput --verbosity 0
  log "prepare_database for A and B at once"
  local a b
  prepare a &
  a=$!
  prepare b &
  b=$!
  wait "$a" || die "prepare_database (A) failed: $(tail -n 5 "$dir/prepare-a.log")"
  wait "$b" || die "prepare_database (B) failed: $(tail -n 5 "$dir/prepare-b.log")"
  log "gunicorn A on :$APP_A_PORT, B on :$APP_B_PORT"
  start_app a "$APP_A_PORT" &
  local start_a=$!
  start_app b "$APP_B_PORT" || die "app B did not come up"
  wait "$start_a" || die "app A did not come up"
  log "nginx $(/usr/sbin/nginx -v 2>&1 | sed 's|.*/||') on :$NGINX_PORT"
  start_nginx
  log "up: http://127.0.0.1:$NGINX_PORT/ (state: $state, folder: $dir)"
}

down() {
  [ -f "$state" ] || { log "nothing to stop ($state is absent)"; return 0; }
  load_state
  local pid
  pid=$(pid_in "$dir/nginx/nginx.pid")
  if alive_as "$pid" nginx; then
    kill -QUIT "$pid" 2>/dev/null || true
    wait_until 10 "nginx stopped" gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  fi
  stop_app a
  stop_app b
  pid=$(pid_in "$dir/redis.pid")
  if alive_as "$pid" redis-server; then
    kill "$pid" 2>/dev/null || true
    wait_until 10 "redis stopped" gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  fi
  if [ -f "$dir/pg/postmaster.pid" ]; then
    pg_ctl -m fast stop || true
  fi
  rm -rf "$dir"
  rm -f "$state"
  log "down"
}

run_test() {
  # A state file of its own, so a cluster someone left `up` is neither used nor stopped.
  state=$(mktemp /tmp/statuscodes-cluster-test.XXXXXX)
  rm -f "$state"
  export CLUSTER_STATE=$state
  trap down EXIT
  trap 'exit 130' INT TERM
  local started=$SECONDS
  up
  "$PY" deploy/cluster_check.py "$state"
  log "test finished in $((SECONDS - started)) s (up and checks)"
}

case "${1:-}" in
  up)
    trap '[ $? -eq 0 ] || down' EXIT  # a failed start leaves nothing behind
    up
    ;;
  down) down ;;
  test) run_test ;;
  app-kill) load_state && stop_app "$2" KILL ;;
  app-start) load_state && start_app "$2" "$([ "$2" = a ] && echo "$APP_A_PORT" || echo "$APP_B_PORT")" ;;
  redis-stop) load_state && stop_redis ;;
  redis-start) load_state && start_redis ;;
  pg-restart) load_state && pg_restart "${2:-}" ;;
  render-nginx) render_nginx "${2:?usage: cluster.sh render-nginx FOLDER}" ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
