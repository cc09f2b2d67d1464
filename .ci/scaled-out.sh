#!/usr/bin/env bash
# The test suite again on PostgreSQL with a shared Redis cache: the scaled-out deployment.
# Installs Debian's postgresql and redis-server when missing (CI runs as root), starts both
# on private ports in a throwaway folder, and stops them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null
fi
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
work=$(mktemp -d)
chown postgres "$work"
pg_port=${CI_PG_PORT:-55432}
redis_port=${CI_REDIS_PORT:-56379}

runuser -u postgres -- "$pgbin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --daemonize yes --pidfile "$work/redis.pid" >/dev/null
trap 'runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null; kill "$(cat "$work/redis.pid")"; rm -rf "$work"' EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/statuscodes"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "Running the suite on PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') with Redis $(redis-server --version | awk '{print $3}')"
make test PYTEST_ARGS="-m 'not browser'"
