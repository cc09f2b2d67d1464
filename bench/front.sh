#!/usr/bin/env bash
# The nginx front against nginx serving the same bytes as a plain file, side by side in one run.
# Usage: sudo bash bench/front.sh [seconds] [connections]    (needs wrk; runs deploy/cluster.sh)
# Starts the cluster (deploy/cluster.sh up, its own state file), saves /521 as the front serves
# it, starts a second nginx on the same machine serving that file, and measures both with wrk:
# a cached page at the front (a HIT), a revalidation (304), and the file.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-16}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
CLUSTER_STATE=$(mktemp -u /tmp/statuscodes-bench-front.XXXXXX)
export CLUSTER_STATE
trap 'bash deploy/cluster.sh down >/dev/null 2>&1 || true; [ -s "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")"; rm -rf "$work"' EXIT
bash deploy/cluster.sh up 2>"$work/cluster.log"
# shellcheck disable=SC1090
. "$CLUSTER_STATE"
front="http://127.0.0.1:$NGINX_PORT"

# The same bytes, served by nginx as a file: the ceiling a cached page at the front is compared with.
mkdir -p "$work/www"
curl -s -H "Accept: text/html" "$front/521" >"$work/www/521.html"
file_port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$file_port; root $work/www; location = /521 { default_type text/html; try_files /521.html =404; } }
}
CONF
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work"

for _ in 1 2 3; do curl -s -o /dev/null -H "Accept: text/html" "$front/521"; done   # a HIT from now on
etag=$(curl -s -D - -o /dev/null -H "Accept: text/html" "$front/521" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
measure() {  # label, then wrk's extra arguments and the URL
  local label=$1 out
  shift
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "Accept: text/html" "$@")
  last_rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  printf '%-36s %12s %10s %10s %8s\n' "$label" "$last_rps" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk -v a="$last_rps" -v b="${reference:-$last_rps}" 'BEGIN {printf "%.2fx", a / b}')"
}
echo "nginx $(/usr/sbin/nginx -v 2>&1 | sed 's|.*/||'); wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s; $(nproc) cores; $(wc -c <"$work/www/521.html") bytes"
printf '%-36s %12s %10s %10s %8s\n' what requests/s p50 p99 ratio
measure "/521 as a file (reference)" "http://127.0.0.1:$file_port/521"
reference=$last_rps
measure "/521 through the front (cached)" "$front/521"
measure "/521 through the front (304)" -H "If-None-Match: $etag" "$front/521"
measure "/521 as a file (reference, again)" "http://127.0.0.1:$file_port/521"
