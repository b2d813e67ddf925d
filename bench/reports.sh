#!/usr/bin/env bash
# Citizen-report figures (not part of the tests; issue 18), in one run, everything on 127.0.0.1:
#   1. durable POST /open311/v2/requests.json (form-urlencoded, an API key with write:reports, no
#      photo, points spread over the province's communes so that routing, the nearby-duplicate
#      search and the writer's commit all run): requests/s with wrk (target >= 2,000/s), and
#      nginx answering a static file of the answer's size on the same connections, the ceiling;
#   2. GET /open311/v2/requests.json returning 1,000 requests (the spec's most): p50 latency with
#      one connection (target < 20 ms), beside nginx serving the same bytes as a static file.
# Usage: bench/reports.sh [SECONDS]   (default 10 per wrk run; IOC_BENCH_PERF=1: perf's profile
#        of iocd during the POSTs)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
    apt-get install -y -qq "${need[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${need[@]}"; }
fi
make -s all
work=$(mktemp -d /tmp/ioc-bench-reports-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.2; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export IOC_LOG_LEVEL=warn IOC_DEMO_SENSORS=false IOC_DEMO_INDICATOR_VALUES=false
export IOC_DEMO_PASSWORD_ADMIN=bench-admin-pass-1 IOC_DEMO_UNITS_DIR=data/vn-units
export IOC_DEMO_INDICATORS_DIR=data/indicators IOC_DEMO_DASHBOARDS_DIR=data/dashboards
export IOC_DEMO_REPORTS_DIR=data/reports
# the limits per address and device would stop one wrk address after 20 reports: off here
export IOC_REPORTS_POST_PER_HOUR_PER_ADDRESS=0 IOC_REPORTS_POST_PER_HOUR_PER_DEVICE=0
echo "seeding a demo data directory…"
./build/iocd --data "$work/data" --seed-only >/dev/null
port=$(free_port)
./build/iocd --data "$work/data" --listen "127.0.0.1:$port" --demo --threads 2 >"$work/iocd.out" 2>&1 &
pids+=($!)
URL="http://127.0.0.1:$port"
for _ in $(seq 300); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
CSRF=$(curl -fsS -c "$work/jar" -H 'content-type: application/json' \
    -d '{"username":"admin","password":"bench-admin-pass-1"}' "$URL/api/v1/session" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
KEY=$(curl -fsS -b "$work/jar" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' \
    -d '{"agency_code":"SO-NNMT","scopes":["write:reports"],"name":"bench"}' "$URL/api/v1/keys" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
# the point index is built in the background; wait for it, then find points inside communes
for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/units/lookup?lat=10.95&lon=106.82")" = 200 ] && break
    sleep 0.1
done
python3 - "$URL" >"$work/points.lua" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
pts = []
for i in range(12):
    for j in range(12):
        lat, lon = 10.5 + i * 1.3 / 12, 106.7 + j * 1.4 / 12
        try:
            with urllib.request.urlopen(f"{url}/api/v1/units/lookup?lat={lat:.5f}&lon={lon:.5f}") as r:
                if r.status == 200:
                    pts.append((lat, lon))
        except Exception:
            pass
print("points = {" + ", ".join(f'{{"{a:.5f}", "{b:.5f}"}}' for a, b in pts) + "}")
PY
NPTS=$(grep -o '{"' "$work/points.lua" | wc -l)
cat >>"$work/points.lua" <<LUA
local key = "$KEY"
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
    n = n + 1
    local p = points[(n % #points) + 1]
    -- a different point each time (within about 100 m of a commune's grid point)
    local jitter = ((n * 7919) % 200 - 100) / 100000
    local body = "api_key=" .. key .. "&service_code=rac-thai&lat=" .. (p[1] + jitter) ..
        "&long=" .. (p[2] - jitter) .. "&attribute%5Bloai-rac%5D%5B%5D=sinh-hoat" ..
        "&description=Rac+ton+dong+%28du+lieu+thu%29+" .. n
    return wrk.format(nil, "/open311/v2/requests.json", nil, body)
end
LUA
echo "POST points inside the province: $NPTS; one check request:"
curl -fsS -X POST -d "api_key=$KEY&service_code=rac-thai&lat=10.95&long=106.82&attribute%5Bloai-rac%5D%5B%5D=sinh-hoat&description=x" \
    "$URL/open311/v2/requests.json" | tee "$work/post.json"
echo

rps() { awk '/Requests\/sec/ {print $2}'; }
p50() { awk '/^ +50%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}'; }
errs() { awk '/Non-2xx|Socket errors/ {print}'; }
BEFORE=$(curl -fsS "$URL/metrics" | awk '/^ioc_store_writer_commits_total / {print $2}')
if [ -n "${IOC_BENCH_PERF:-}" ]; then # where iocd's time goes during the POSTs
    perf record -q -g -p "${pids[0]}" -o "$work/perf.data" -- sleep "$DUR" 2>/dev/null &
    PERF=$!
fi
wrk -t2 -c32 -d"${DUR}s" -s "$work/points.lua" "$URL" >"$work/post.wrk"
if [ -n "${IOC_BENCH_PERF:-}" ]; then
    wait "$PERF" || true
    perf report -i "$work/perf.data" --no-children --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -40
fi
AFTER=$(curl -fsS "$URL/metrics" | awk '/^ioc_store_writer_commits_total / {print $2}')
R_POST=$(rps <"$work/post.wrk")
errs <"$work/post.wrk"

# 2. the list: 1,000 requests (the last 90 days hold more after the POSTs)
curl -fsS -o "$work/list.json" "$URL/open311/v2/requests.json"
COUNT=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/list.json")
BYTES=$(stat -c %s "$work/list.json")
mkdir -p "$work/www/open311/v2"
cp "$work/list.json" "$work/www/open311/v2/requests.json"
cp "$work/post.json" "$work/www/open311/v2/post.json"
NGINX_PORT=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    types { application/json json; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $work/www;
        location / { try_files \$uri =404; }
    }
}
CONF
nginx -c "$work/nginx.conf" &
pids+=($!)
sleep 0.5
R_NGINX_SMALL=$(wrk -t2 -c32 -d"${DUR}s" "http://127.0.0.1:$NGINX_PORT/open311/v2/post.json" | rps)
L_IOCD=$(wrk -t1 -c1 -d"${DUR}s" --latency "$URL/open311/v2/requests.json" | p50)
L_NGINX=$(wrk -t1 -c1 -d"${DUR}s" --latency "http://127.0.0.1:$NGINX_PORT/open311/v2/requests.json" | p50)

echo
echo "| figure | iocd | nginx (static file, same bytes) | iocd / nginx | target |"
echo "|---|---|---|---|---|"
echo "| durable POST /open311/v2/requests.json, wrk -t2 -c32 (req/s) | $R_POST | $R_NGINX_SMALL | $(echo "scale=3; $R_POST / $R_NGINX_SMALL" | bc) | >= 2,000 |"
echo "| GET /open311/v2/requests.json, $COUNT requests ($BYTES bytes), one connection, p50 (ms) | $L_IOCD | $L_NGINX | $(echo "scale=1; $L_IOCD / $L_NGINX" | bc) | < 20 |"
echo
echo "writer commits during the POST run: $((AFTER - BEFORE)) (each commit is durable before its answers go out)"
