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

.venv/bin/gunicorn statuscodes.wsgi:application --bind 127.0.0.1:$PORT --workers 2 \
  --env DJANGO_SETTINGS_MODULE=bench.bench_settings --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

echo "gunicorn, 2 workers; wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s; $(nproc) cores"
printf '%-34s %12s %10s %10s\n' path requests/s p50 p99
for path in /bench-empty /healthz /521 / /5xx /404; do
  curl -s -o /dev/null "http://127.0.0.1:$PORT$path"   # warm the page cache
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "Accept: text/html" "http://127.0.0.1:$PORT$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-34s %12s %10s %10s\n' "$path" "$rps" "$p50" "$p99"
done
# A conditional request, as a CDN revalidating sends it.
etag=$(curl -s -D - -o /dev/null -H "Accept: text/html" "http://127.0.0.1:$PORT/521" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "Accept: text/html" -H "If-None-Match: $etag" "http://127.0.0.1:$PORT/521")
printf '%-34s %12s %10s %10s\n' "/521 (If-None-Match -> 304)" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
