#!/usr/bin/env bash
# Page-serving benchmark: cached pages against Django's own empty response, through gunicorn.
# Usage: bench/pages.sh [seconds] [connections]    (needs wrk: apt-get install wrk)
# Serves the real content/ from a throwaway SQLite database with production settings.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-16}
PORT=${BENCH_PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
PY=.venv/bin/python
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=bench.bench_settings DJANGO_DEBUG=False DJANGO_SECRET_KEY=bench-only-key
export DJANGO_SECURE_SSL_REDIRECT=False DJANGO_ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="sqlite:///$work/bench.sqlite3"
$PY manage.py migrate --noinput -v0
$PY manage.py load_content >/dev/null
$PY manage.py collectstatic --noinput -v0

trap 'kill "${server:-}" 2>/dev/null; rm -rf "$work"' EXIT
# The production config (gunicorn.conf.py), its access log kept out of the terminal.
.venv/bin/gunicorn statuscodes.wsgi:application --config gunicorn.conf.py --bind 127.0.0.1:"$PORT" --workers 2 \
  --env DJANGO_SETTINGS_MODULE=bench.bench_settings >"$work/gunicorn.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

echo "gunicorn, 2 workers; wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s; $(nproc) cores"
printf '%-34s %12s %10s %10s %8s\n' path requests/s p50 p99 ratio
measure() {  # label, then wrk's extra arguments and the URL
  local label=$1 out rps
  shift
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "Accept: text/html" "$@")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  printf '%-34s %12s %10s %10s %8s\n' "$label" "$rps" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk -v a="$rps" -v b="${reference:-$rps}" 'BEGIN {printf "%.2fx", a / b}')"
  last_rps=$rps
}
base="http://127.0.0.1:$PORT"
for path in /bench-empty /521 / /5xx /404 /healthz; do
  curl -s -o /dev/null "$base$path"   # warm the page cache
done
# The reference runs first and again last, so a drift of the machine during the run shows.
measure "/bench-empty (reference)" "$base/bench-empty"
reference=$last_rps
for path in /521 / /5xx /404 /healthz; do
  measure "$path" "$base$path"
done
# A conditional request, as a CDN revalidating sends it.
etag=$(curl -s -D - -o /dev/null -H "Accept: text/html" "$base/521" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
measure "/521 (If-None-Match -> 304)" -H "If-None-Match: $etag" "$base/521"
measure "/bench-empty (reference, again)" "$base/bench-empty"
