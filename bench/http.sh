#!/usr/bin/env bash
# HTTP figures (not part of the tests), with iocd as deployed (access log on, metrics on): in one run,
#   1. wrk against iocd's GET /api/v1/units?level=commune and against nginx serving the same bytes
#      as a static file → requests/s of each and the ratio (target: iocd >= 70 % of nginx);
#   2. 10,000 idle keep-alive connections held open on iocd → memory per connection, and wrk on
#      other connections meanwhile (target: the same speed);
#   3. start of iocd on an already-seeded data directory until /healthz answers (target < 0.5 s).
# Everything listens on 127.0.0.1 and is stopped at the end. Usage: bench/http.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}
CONNS=${IOC_BENCH_IDLE:-10000}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
    apt-get install -y -qq "${need[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${need[@]}"; }
fi
make -s all
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
work=$(mktemp -d /tmp/ioc-bench-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.2; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "seeding a demo data directory…"
IOC_LOG_LEVEL=warn ./build/iocd --data "$work/data" --seed-only >/dev/null

start_iocd() { # sets IOCD_URL and IOCD_PID
    local port; port=$(free_port)
    IOC_LOG_LEVEL=warn IOC_HTTP_REQUEST_TIMEOUT_S=600 IOC_HTTP_MAX_CONNECTIONS=40000 \
        ./build/iocd --data "$work/data" --listen "127.0.0.1:$port" --threads 2 >"$work/iocd.out" 2>&1 &
    pids+=($!)
    IOCD_PID=$!
    for _ in $(seq 200); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.02; done
    IOCD_URL="http://127.0.0.1:$port"
}

start_iocd
PATH_Q='/api/v1/units?level=commune'
mkdir -p "$work/www/api/v1"
curl -fsS "$IOCD_URL$PATH_Q" >"$work/www/api/v1/units.json"
BYTES=$(stat -c %s "$work/www/api/v1/units.json")
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
    tcp_nopush on;
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

rps() { wrk -t2 -c64 -d"${DUR}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
echo "body: $BYTES bytes of JSON (95 communes); wrk -t2 -c64 -d${DUR}s, 2 cores shared with wrk"
R_IOCD=$(rps "$IOCD_URL$PATH_Q")
R_NGINX=$(rps "http://127.0.0.1:$NGINX_PORT/api/v1/units.json")
R_IOCD2=$(rps "$IOCD_URL$PATH_Q")
printf '%-34s %12s req/s\n' "iocd  GET $PATH_Q" "$R_IOCD" "nginx static file (same bytes)" "$R_NGINX" "iocd  (again)" "$R_IOCD2"
python3 - "$R_IOCD" "$R_IOCD2" "$R_NGINX" <<'PY'
import sys
a, b, n = map(float, sys.argv[1:])
print(f"ratio iocd/nginx: {max(a, b) / n * 100:.0f} % (best of two iocd runs; target >= 70 %)")
PY

echo
echo "idle connections: opening $CONNS keep-alive connections to iocd…"
rss() { awk '/VmRSS/ {print $2}' "/proc/$IOCD_PID/status"; }
RSS0=$(rss)
node bench/idle-conns.mjs "$IOCD_URL" "$CONNS" "$work/idle.ready" &
IDLE_PID=$!
pids+=($IDLE_PID)
for _ in $(seq 600); do [ -f "$work/idle.ready" ] && break; sleep 0.1; done
OPENED=$(cat "$work/idle.ready" 2>/dev/null || echo 0)
sleep 1
RSS1=$(rss)
OPEN_NOW=$(curl -fsS "$IOCD_URL/metrics" | awk '/^ioc_http_connections / {print $2}')
R_BUSY=$(rps "$IOCD_URL$PATH_Q")
python3 - "$RSS0" "$RSS1" "$OPENED" "$OPEN_NOW" "$R_BUSY" "$R_IOCD" "$R_IOCD2" <<'PY'
import sys
r0, r1, opened, now, busy, a, b = sys.argv[1:]
r0, r1, opened = int(r0), int(r1), int(opened)
print(f"held open: {opened} (iocd counts {now}); RSS {r0/1024:.1f} MB -> {r1/1024:.1f} MB: "
      f"{(r1 - r0) * 1024 / max(opened, 1):.0f} bytes per idle connection")
base = max(float(a), float(b))
print(f"wrk meanwhile on 64 other connections: {busy} req/s = {float(busy) / base * 100:.0f} % of the idle-free figure")
PY
kill $IDLE_PID 2>/dev/null || true

echo
echo "start-up on a seeded data directory (10 starts, until /healthz answers):"
kill "$IOCD_PID"; wait "$IOCD_PID" 2>/dev/null || true
for i in $(seq 10); do
    port=$(free_port)
    t0=$(date +%s%N)
    IOC_LOG_LEVEL=warn ./build/iocd --data "$work/data" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
    p=$!
    until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.005; done
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
    kill $p; wait $p 2>/dev/null || true
done | sort -n | awk '{a[NR]=$1} END {printf "median %d ms, min %d ms, max %d ms (target < 500 ms)\n", a[int((NR+1)/2)], a[1], a[NR]}'
