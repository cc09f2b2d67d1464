#!/usr/bin/env bash
# Lighthouse scores of the main kinds of page, served production-like: gunicorn, DJANGO_DEBUG=False,
# collected (hashed, compressed) static files, the real content/ in a throwaway SQLite database.
# Usage: bench/lighthouse.sh [path ...]     (default: the five pages in docs/benchmarks.md)
# Needs node/npm and Debian's chromium (apt-get install chromium); installs Lighthouse from
# bench/package-lock.json into bench/node_modules. Reports go to bench/results/lighthouse/.
set -euo pipefail
cd "$(dirname "$0")/.."
PATHS=("$@")
[ ${#PATHS[@]} -gt 0 ] || PATHS=(/ /521 /5xx /compare/100-vs-521 "/search?q=gateway+timeout")
PORT=${BENCH_PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
[ -x "$CHROME_PATH" ] || { echo "chromium not found at $CHROME_PATH: apt-get install chromium" >&2; exit 1; }
[ -x bench/node_modules/.bin/lighthouse ] || (cd bench && npm ci --no-audit --no-fund --loglevel=error)
make --silent setup
PY=.venv/bin/python

work=$(mktemp -d)
export DJANGO_DEBUG=False DJANGO_SECRET_KEY=bench-only-key DJANGO_SECURE_SSL_REDIRECT=False
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="sqlite:///$work/lighthouse.sqlite3"
$PY manage.py migrate --noinput -v0
$PY manage.py load_content >/dev/null
$PY manage.py collectstatic --noinput -v0

.venv/bin/gunicorn statuscodes.wsgi:application --bind 127.0.0.1:"$PORT" --workers 2 --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

out=bench/results/lighthouse
mkdir -p "$out"
echo "Lighthouse $(bench/node_modules/.bin/lighthouse --version), $($CHROME_PATH --version 2>/dev/null | head -1), default (mobile, simulated throttling)"
printf '%-28s %12s %14s %15s %5s\n' page performance accessibility best-practices seo
for path in "${PATHS[@]}"; do
  name=$(tr -c 'a-zA-Z0-9-' '_' <<<"${path#/}" | sed 's/_*$//')
  report="$out/${name:-home}.json"
  bench/node_modules/.bin/lighthouse "http://127.0.0.1:$PORT$path" --quiet --chrome-flags="$CHROME_FLAGS" \
    --only-categories=performance,accessibility,best-practices,seo --output=json --output-path="$report"
  node -e '
    const r = require(process.argv[1]);
    const c = r.categories;
    const row = [c.performance, c.accessibility, c["best-practices"], c.seo].map((x) => x.score.toFixed(2));
    console.log(process.argv[2].padEnd(28), row[0].padStart(12), row[1].padStart(14), row[2].padStart(15), row[3].padStart(5));
    // Audits that count towards a score and did not fully pass.
    const counted = new Set(Object.values(c).flatMap((cat) => cat.auditRefs.filter((x) => x.weight > 0).map((x) => x.id)));
    for (const a of Object.values(r.audits)) {
      if (counted.has(a.id) && a.score !== null && a.score < 1) console.log("    below 1:", a.id, a.score, a.displayValue || "");
    }' "$PWD/$report" "$path"
done
