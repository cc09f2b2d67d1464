#!/usr/bin/env bash
# The test suite again on PostgreSQL with a shared Redis cache: the scaled-out deployment.
# Installs Debian's postgresql and redis-server when missing (CI runs as root; .ci/run has
# already installed them), starts both on private ports in a throwaway folder, and stops them
# on exit, however it comes: a failed start, a failed suite or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || ! command -v redis-server >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null
fi
pgbin=$(dirname "$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
# A port the kernel has just handed out and nobody holds, unless CI names one: a fixed port can be
# held by anything else on the machine, and the failure would say only "could not start server".
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
pg_port=${CI_PG_PORT:-$(free_port)}
redis_port=${CI_REDIS_PORT:-$(free_port)}
redis_pid=

# Set before anything starts, and safe whatever has started: a server that never started is skipped.
# Under /tmp, not $TMPDIR: PostgreSQL's socket path (this folder + "/.s.PGSQL.<port>") must fit in
# 107 bytes, and a long TMPDIR made the server refuse to start.
work=$(mktemp -d /tmp/statuscodes-ci.XXXXXX)
cleanup() {
  if [ -f "$work/data/postmaster.pid" ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null || true
  fi
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chown postgres "$work"
runuser -u postgres -- "$pgbin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
if ! runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
  echo "PostgreSQL did not start on port $pg_port; its log:" >&2
  cat "$work/pg.log" >&2   # the reason, before cleanup removes the folder
  exit 1
fi
# In the foreground of a background job, so its pid is known at once (a daemon's pid file comes later).
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
for attempt in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  if [ "$attempt" -eq 50 ] || ! kill -0 "$redis_pid" 2>/dev/null; then
    echo "redis-server is not answering on port $redis_port:" >&2
    cat "$work/redis.log" >&2
    exit 1
  fi
  sleep 0.1
done

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/statuscodes"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "Running the suite on PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') with Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
make test PYTEST_ARGS="-m 'not browser'"
