#!/usr/bin/env bash
# Instructions per durable citizen report (issue 18), counted by callgrind, so the figure does
# not depend on how busy the machine's cores are (bench/reports.sh measures req/s with wrk).
# A demo data directory (no indicator values); iocd first runs natively to make an API key with
# write:reports and find points inside communes (hashing the admin's password under callgrind
# would take minutes), then again on the same data under callgrind, 2 threads. After 20 POSTs
# of warm-up the counters are zeroed, N form-urlencoded POST /open311/v2/requests.json (the
# body bench/reports.sh sends) go over C keep-alive connections at once, and the counters are
# dumped: every thread of iocd, the writer's included.
# Usage: bench/reports_callgrind.sh [N] [C]   (default 300 8; IOCD=path: another binary, then
#        IOCD_NO_MAKE=1 skips make)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300}
CONC=${2:-8}
IOCD=${IOCD:-./build/iocd}
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
[ -n "${IOCD_NO_MAKE:-}" ] || make -s all
work=$(mktemp -d)
pid=
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export IOC_LOG_LEVEL=warn IOC_DEMO_SENSORS=false IOC_DEMO_INDICATOR_VALUES=false
export IOC_DEMO_PASSWORD_ADMIN=bench-admin-pass-1 IOC_DEMO_UNITS_DIR=data/vn-units
export IOC_DEMO_INDICATORS_DIR=data/indicators IOC_DEMO_DASHBOARDS_DIR=data/dashboards
export IOC_DEMO_REPORTS_DIR=data/reports
export IOC_REPORTS_POST_PER_HOUR_PER_ADDRESS=0 IOC_REPORTS_POST_PER_HOUR_PER_DEVICE=0
"$IOCD" --data "$work/data" --seed-only >/dev/null

port=$(free_port)
"$IOCD" --data "$work/data" --listen "127.0.0.1:$port" --demo --threads 2 >"$work/iocd0.out" 2>&1 &
pid=$!
python3 - "http://127.0.0.1:$port" >"$work/setup.json" <<'PY'
import http.client, json, sys, time, urllib.request, urllib.error
url = sys.argv[1]
host = url.split("//")[1]
for _ in range(600):
    try:
        urllib.request.urlopen(url + "/healthz", timeout=5); break
    except Exception:
        time.sleep(0.1)
def req(method, path, body, headers, cookie=None):
    c = http.client.HTTPConnection(host, timeout=60)
    if cookie: headers["cookie"] = cookie
    c.request(method, path, body, headers)
    r = c.getresponse()
    return r, r.read()
r, b = req("POST", "/api/v1/session", json.dumps({"username": "admin", "password": "bench-admin-pass-1"}),
           {"content-type": "application/json"})
cookie = "; ".join(v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")
r, b = req("POST", "/api/v1/keys", json.dumps({"agency_code": "SO-NNMT", "scopes": ["write:reports"], "name": "bench"}),
           {"content-type": "application/json", "x-csrf-token": json.loads(b)["csrf_token"]}, cookie)
key = json.loads(b)["key"]
def ok(lat, lon):
    try:
        return urllib.request.urlopen(f"{url}/api/v1/units/lookup?lat={lat:.5f}&lon={lon:.5f}", timeout=30).status == 200
    except urllib.error.HTTPError:
        return False
for _ in range(600):  # the point index is built in the background
    if ok(10.95, 106.82): break
    time.sleep(0.1)
pts = [(10.5 + i * 1.3 / 12, 106.7 + j * 1.4 / 12) for i in range(12) for j in range(12)]
print(json.dumps({"key": key, "points": [p for p in pts if ok(*p)]}))
PY
kill "$pid"
wait "$pid" || true

port=$(free_port)
valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" "$IOCD" --data "$work/data" \
    --listen "127.0.0.1:$port" --demo --threads 2 >"$work/iocd.out" 2>&1 &
pid=$!
python3 - "http://127.0.0.1:$port" "$N" "$CONC" "$work/setup.json" <<'PY'
import http.client, json, subprocess, sys, threading, time, urllib.request
url, n, conc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
setup = json.load(open(sys.argv[4]))
key, pts = setup["key"], setup["points"]
host = url.split("//")[1]
for _ in range(3000):  # up, and the point index built
    try:
        if urllib.request.urlopen(url + "/api/v1/units/lookup?lat=10.95&lon=106.82", timeout=60).status == 200: break
    except Exception:
        pass
    time.sleep(0.2)
def body(k):
    p = pts[k % len(pts)]
    jit = ((k * 7919) % 200 - 100) / 100000
    return (f"api_key={key}&service_code=rac-thai&lat={p[0] + jit}&long={p[1] - jit}"
            f"&attribute%5Bloai-rac%5D%5B%5D=sinh-hoat&description=Rac+ton+dong+%28du+lieu+thu%29+{k}")
hdr = {"content-type": "application/x-www-form-urlencoded"}
c = http.client.HTTPConnection(host, timeout=300)
for k in range(20):  # warm-up, not counted
    c.request("POST", "/open311/v2/requests.json", body(10**6 + k), hdr)
    r = c.getresponse(); r.read()
    assert r.status == 201, r.status
print(f"points: {len(pts)}", flush=True)
subprocess.run(["callgrind_control", "-z"], check=True, capture_output=True)
fails = []
def worker(t):
    c = http.client.HTTPConnection(host, timeout=300)
    for k in range(t, n, conc):
        c.request("POST", "/open311/v2/requests.json", body(k), hdr)
        r = c.getresponse(); r.read()
        if r.status != 201: fails.append(r.status)
ts = [threading.Thread(target=worker, args=(t,)) for t in range(conc)]
for t in ts: t.start()
for t in ts: t.join()
subprocess.run(["callgrind_control", "-d"], check=True, capture_output=True)
print(f"posts: {n}, failed: {len(fails)}", flush=True)
PY
sleep 1
[ -z "${IOC_BENCH_CG_KEEP:-}" ] || cp "$work"/cg.*.[0-9]* "$IOC_BENCH_CG_KEEP"/
# every thread of iocd but its start-up warm-up (api.c: warm, rendering the boundaries), which
# under callgrind is often still running when the POSTs start
tot=0 warm=0
for f in "$work"/cg.*.[0-9]*; do
    [ -f "$f" ] || continue
    v=$(awk '/^summary:/ {print $2}' "$f")
    w=$(callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
        awk '/api\.c:warm / && !w {gsub(",", "", $1); w = $1} END {print w + 0}') || true
    tot=$((tot + ${v:-0}))
    warm=$((warm + ${w:-0}))
done
echo "instructions during the $N POSTs: $((tot - warm)) (the warm-up's $warm left out); per POST: $(((tot - warm) / N))"
