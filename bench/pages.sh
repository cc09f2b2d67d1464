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

ROUNDS=${ROUNDS:-3}
echo "gunicorn, 2 workers; wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s; $(nproc) cores; $ROUNDS rounds, each the reference then the page"
rps() {  # wrk's requests/s for its extra arguments and the URL
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -H "Accept: text/html" "$@" | awk '/Requests\/sec/ {print $2}'
}
# Each page is measured right after the empty response, round after round, and the ratio of each
# pair is kept: a machine that slows down during the run moves both sides of a pair alike.
compare() {  # label, then wrk's extra arguments and the URL
  local label=$1 round reference page ratios=()
  shift
  for round in $(seq "$ROUNDS"); do
    reference=$(rps "$base/bench-empty")
    page=$(rps "$@")
    ratios+=("$(awk -v a="$page" -v b="$reference" 'BEGIN {printf "%.3f", a / b}')")
    printf '  %-32s round %s: %10s vs %10s requests/s\n' "$label" "$round" "$page" "$reference"
  done
  printf '%-34s median ratio %s (rounds: %s)\n' "$label" \
    "$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "${ratios[*]}"
}
base="http://127.0.0.1:$PORT"
for path in /bench-empty /521 / /5xx /404; do
  curl -s -o /dev/null -H "Accept: text/html" "$base$path"   # warm the page cache
done
etag=$(curl -s -D - -o /dev/null -H "Accept: text/html" "$base/521" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
compare "/521 (cached page)" "$base/521"
# With a cookie the request walks the whole middleware stack (statuscodes/replay.py stands aside).
compare "/521 (cached, cookie: whole stack)" -H "Cookie: theme=dark" "$base/521"
compare "/521 (If-None-Match -> 304)" -H "If-None-Match: $etag" "$base/521"
compare "/ (home, cached)" "$base/"
compare "/5xx (class, cached)" "$base/5xx"
