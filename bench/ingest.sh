#!/usr/bin/env bash
# Telemetry ingest figures (not part of the tests): VictoriaMetrics 1.79 and InfluxDB 1.6 (Debian's
# packages) and iocd side by side, one after the other on the same machine, with the same data
# and the same client:
#   - data: 1,000 stations × 8 numeric fields every 10 s for HOURS hours (default 10: 28.8 M
#     values), line protocol in 5,000-line batches, made once by bench/ingest/gen.c (seeded) and
#     cached under build/bench/;
#   - load: bench/ingest/load.c, 4 keep-alive connections, POST /write?db=bench&precision=ms, bodies
#     prepared in memory before the clock starts (first checked against a trivial sink);
#   - after a flush and once the data directory stops changing: bytes on disk per value, peak
#     memory (VmHWM), and p50/p95 of RUNS dashboard queries (hourly mean of pm25 for 100 stations
#     over the whole span), whose answers are checked against means computed from the data.
# Everything listens on 127.0.0.1 with temporary data directories and is stopped at exit; the
# peers' usage reporting is off. iocd gets the same load and query once it answers POST /write and
# GET /api/v1/query (with an API key made by iocctl); until then its row says why it is empty.
# Usage: bench/ingest.sh [HOURS]     (IOC_BENCH_QUERY_RUNS: timed queries per target, default 25)
set -euo pipefail
cd "$(dirname "$0")/.."
HOURS=${1:-10}
RUNS=${IOC_BENCH_QUERY_RUNS:-25}
BATCH=5000
CONNS=4
WRITE='/write?db=bench&precision=ms'

need=()
command -v victoria-metrics >/dev/null || need+=(victoria-metrics)
command -v influxd >/dev/null || need+=(influxdb)
if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "install ${need[*]} first (needs root)" >&2; exit 1; }
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
        { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
    # The packages enable a system service on the default ports; this bench runs its own copies.
    if [ -d /run/systemd/system ]; then
        for s in victoria-metrics influxdb; do systemctl disable --now "$s" >/dev/null 2>&1 || true; done
    fi
fi

work=$(mktemp -d /tmp/ioc-ingest-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # URL: until it answers 2xx (60 s at most)
    for _ in $(seq 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "no answer from $1" >&2
    return 1
}
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
settle() { # DIR: wait until its size has not changed for 3 checks 2 s apart (3 minutes at most)
    local last=-1 same=0 now
    for _ in $(seq 90); do
        now=$(dsize "$1")
        if [ "$now" = "$last" ]; then same=$((same + 1)); else same=0; fi
        [ $same -ge 3 ] && break
        last=$now
        sleep 2 & wait $!
    done
    dsize "$1"
}
# Bytes under DIR, logs excluded (iocd keeps its access log in its data directory).
dsize() { du -sb --exclude='*.log' "$1" | cut -f1; }
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# --- tools and the data set -------------------------------------------------------------------
mkdir -p build/bench
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror bench/ingest/gen.c -lm -o build/bench/ingest-gen
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror bench/ingest/load.c -lpthread -o build/bench/ingest-load
DS=build/bench/ingest-${HOURS}h
if [ ! -s "$DS/meta" ] || [ bench/ingest/gen.c -nt "$DS/meta" ]; then
    echo "generating the data set ($HOURS h) into $DS…"
    rm -rf "$DS" && mkdir -p "$DS"
    build/bench/ingest-gen data/vn-units/units-2025.tsv "$HOURS" "$DS"
fi
meta() { awk -v k="$1" '$1 == k {print $2}' "$DS/meta"; }
VALUES=$(meta values)
LOAD=(build/bench/ingest-load 127.0.0.1)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/^Mem:/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $(meta stations) stations × $(meta fields) fields every 10 s for $(meta hours) h = $VALUES values, $(meta lines) lines, $(($(meta bytes) / 1000000)) MB of line protocol, $BATCH lines a batch, $CONNS connections"
[ "$VALUES" -ge 20000000 ] || echo "NOTE: a smaller data set than the 20 M values the figures are meant for"

SINK_PORT=$(free_port)
build/bench/ingest-load --sink "$SINK_PORT" &
SINK_PID=$!
pids+=($SINK_PID)
sleep 0.2
SINK_VPS=$("${LOAD[@]}" "$SINK_PORT" "$WRITE" "$DS/data.lp" $BATCH $CONNS "$(meta fields)" | awk '$1 == "values_per_s" {print $2}')
stop_pid "$SINK_PID"
echo "client against a trivial sink: $SINK_VPS values/s"

results=$work/results.tsv
: >"$results"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }
kv() { awk -v k="$1" '$1 == k {print $2}' "$2"; }

# run_target NAME PORT PID DATADIR QUERYKIND [AUTH] — load, flush (FLUSH_CMD), measure, query.
run_target() {
    local name=$1 port=$2 pid=$3 dir=$4 kind=$5 auth=${6:-}
    local base0; base0=$(dsize "$dir")
    echo "== $name: loading… (load average $(cut -d' ' -f1 /proc/loadavg))"
    # Children run in the background and are waited for, so that an interrupt stops them at once.
    "${LOAD[@]}" "$port" "$WRITE" "$DS/data.lp" $BATCH $CONNS "$(meta fields)" ${auth:+"$auth"} \
        >"$work/$name.load" &
    pids+=($!)
    wait $! || true
    sed 's/^/   /' "$work/$name.load"
    echo "   flushing, waiting for the data directory to settle…"
    eval "$FLUSH_CMD"
    local bytes; bytes=$(settle "$dir")
    echo "   querying ($RUNS timed runs)…"
    local qok=1
    python3 bench/ingest/query.py "$kind" "http://127.0.0.1:$port" "$DS" "$RUNS" ${auth:+"$auth"} \
        >"$work/$name.query" &
    pids+=($!)
    wait $! || qok=0
    sed 's/^/   /' "$work/$name.query"
    local hwm; hwm=$(hwm_kib "$pid")
    local vps; vps=$(kv values_per_s "$work/$name.load")
    [ "$(kv failed "$work/$name.load")" = 0 ] || vps="$vps(failures)"
    local p50 p95
    p50=$(kv p50_ms "$work/$name.query"); p95=$(kv p95_ms "$work/$name.query")
    [ $qok = 1 ] || p50="${p50:-?}(unchecked)"
    record "$name" "$vps" "$(python3 -c "print(f'{($bytes - $base0) / $VALUES:.2f}')")" \
        "$(python3 -c "print(f'{$hwm / 1024:.0f}')")" "${p50:-?}" "${p95:-?}" ""
}

# --- VictoriaMetrics --------------------------------------------------------------------------
VM_PORT=$(free_port)
mkdir -p "$work/vm"
victoria-metrics -httpListenAddr="127.0.0.1:$VM_PORT" -storageDataPath="$work/vm" \
    -retentionPeriod=100y -loggerLevel=ERROR >"$work/vm.log" 2>&1 &
VM_PID=$!
pids+=($VM_PID)
wait_http "http://127.0.0.1:$VM_PORT/health"
echo "== VictoriaMetrics $(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null) (Debian package)"
# force_flush makes the buffered rows searchable parts; force_merge (in the background) merges
# the month's parts into their final form, as InfluxDB's full compaction does below.
vm_flush() {
    local vm=http://127.0.0.1:$VM_PORT
    curl -fsS "$vm/internal/force_flush" >/dev/null
    curl -fsS "$vm/internal/force_merge?partition_prefix=$(date -u -d "@$(($(meta start_ms) / 1000))" +%Y_%m)" >/dev/null
    for _ in $(seq 300); do
        curl -fsS "$vm/metrics" | grep -q '^vm_active_force_merges 0' && break
        sleep 1
    done
}
FLUSH_CMD=vm_flush
run_target VictoriaMetrics "$VM_PORT" "$VM_PID" "$work/vm" vm
stop_pid "$VM_PID"

# --- InfluxDB ---------------------------------------------------------------------------------
IN_PORT=$(free_port)
IN_RPC=$(free_port)
mkdir -p "$work/influx"
# Snapshots of the cache after 10 s without writes, and a full compaction 30 s after the last
# write, so that its files are in their final form when measured (the defaults: 10 min and 4 h).
cat >"$work/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$IN_RPC"
[meta]
  dir = "$work/influx/meta"
[data]
  dir = "$work/influx/data"
  wal-dir = "$work/influx/wal"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "10s"
  compact-full-write-cold-duration = "30s"
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$IN_PORT"
  log-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
CONF
influxd run -config "$work/influxdb.conf" >"$work/influx.log" 2>&1 &
IN_PID=$!
pids+=($IN_PID)
wait_http "http://127.0.0.1:$IN_PORT/ping"
curl -fsS -XPOST "http://127.0.0.1:$IN_PORT/query" --data-urlencode 'q=CREATE DATABASE bench' >/dev/null
echo "== InfluxDB $(dpkg-query -W -f='${Version}' influxdb 2>/dev/null) (Debian package)"
# The cold durations above do the flush; settle() then waits for the compactions. (A sleep in the
# background and `wait`, so that an interrupt stops the bench at once.)
FLUSH_CMD='sleep 45 & wait $!'
run_target InfluxDB "$IN_PORT" "$IN_PID" "$work/influx" influx
stop_pid "$IN_PID"

# --- iocd ---------------------------------------------------------------------------------------
echo "== iocd"
make -s all
IOC_PORT=$(free_port)
IOC_LOG_LEVEL=warn ./build/iocd --data "$work/iocd" --seed-only >/dev/null
KEY=$(./build/iocctl --data "$work/iocd" key create --agency CA --scope write:telemetry,read:telemetry \
    --name bench 2>"$work/key.err" | tail -1) || KEY=""
# the peers have no per-key rate limit and accept large bodies: neither has iocd here
IOC_LOG_LEVEL=warn IOC_TELEMETRY_SYNC=batch IOC_HTTP_REQUEST_TIMEOUT_S=600 IOC_HTTP_MAX_BODY=33554432 \
    IOC_LIMITS_KEY_RATE_PER_S=0 \
    ./build/iocd --data "$work/iocd" --listen "127.0.0.1:$IOC_PORT" >"$work/iocd.log" 2>&1 &
IOC_PID=$!
pids+=($IOC_PID)
wait_http "http://127.0.0.1:$IOC_PORT/healthz"
probe() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Token $KEY" "$@"; }
W=$(probe -XPOST --data-binary '' "http://127.0.0.1:$IOC_PORT$WRITE")
Q=$(probe "http://127.0.0.1:$IOC_PORT/api/v1/query?measurement=air&field=pm25")
if [ -z "$KEY" ]; then
    echo "   iocctl key create --scope write:telemetry,read:telemetry refused: $(cat "$work/key.err")"
    record iocd - - - - - "no API key with the telemetry scopes yet"
elif [ "$W" = 404 ] || [ "$W" = 405 ]; then
    echo "   iocd: no /write endpoint yet (POST $WRITE → $W)"
    record iocd - - - - - "no /write endpoint yet"
elif [ "$Q" = 404 ] || [ "$Q" = 405 ]; then
    echo "   iocd: no /api/v1/query endpoint yet (→ $Q)"
    record iocd - - - - - "no /api/v1/query endpoint yet"
else
    FLUSH_CMD=':' # acknowledged writes are in its log; settle() waits for background work
    run_target iocd "$IOC_PORT" "$IOC_PID" "$work/iocd" iocd "Token $KEY"
fi
stop_pid "$IOC_PID"

# --- the table ----------------------------------------------------------------------------------
echo
python3 - "$results" "$SINK_VPS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
sink = float(sys.argv[2])
def num(s):
    try:
        return float(s)
    except ValueError:
        return None
vm = next((num(r[1]) for r in rows if r[0] == "VictoriaMetrics"), None)
head = ("target", "values/s", "× VM", "bytes/value", "peak MiB", "query p50 ms", "p95 ms")
print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
for name, vps, bpv, mib, p50, p95, note in rows:
    if note:
        print(f"| {name} | {note} |" + " |" * (len(head) - 2))
        continue
    v = num(vps)
    ratio = f"{v / vm:.2f}" if v and vm else "-"
    shown = f"{v:,.0f}" if v else vps
    print(f"| {name} | {shown} | {ratio} | {bpv} | {mib} | {p50} | {p95} |")
fastest = max((num(r[1]) or 0 for r in rows), default=0)
if fastest:
    print(f"\nclient against a trivial sink: {sink:,.0f} values/s = {sink / fastest:.0f}× the fastest target")
PY
