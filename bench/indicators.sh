#!/usr/bin/env bash
# Indicator figures (not part of the tests), at the scale of issue 17: the demo catalogue (1,182
# indicators, 71 of them derived) with the demo's synthetic values (demo.indicator_values:
# three years of every indicator for today's communes, the years before 2025-07 recorded against
# the old communes and districts; ≈ 2.2 M rows), then, over HTTP with a signed-in leader:
#   1. GET /api/v1/overview (the province, every indicator at its latest complete period): the
#      first after the start (cold), then p50 of RUNS asked again, and p50 of RUNS each after one
#      value of another indicator was written through the API (target < 50 ms);
#   2. GET /api/v1/indicators/{code}/values for one monthly ratio indicator, 36 months rolled up
#      to the province: cold, and p50 of RUNS (target < 5 ms);
#   3. the whole history before 2025-07 re-aggregated into today's communes (iocctl indicators
#      history --to 2025-06: every stored value carried along the succession links and rolled
#      up per commune and period; target < 5 s);
#   4. the same overview (non-derived indicators, the two periods, aggregated per rule) as one
#      SQL query in PostgreSQL (Debian's postgresql, started on 127.0.0.1 in a temporary
#      directory, stopped at exit) over the same rows: p50 of RUNS, and the ratios.
# Usage: bench/indicators.sh        (IOC_BENCH_RUNS: timed runs per figure, default 25;
#                                   IOC_BENCH_KEEP=1 keeps the temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${IOC_BENCH_RUNS:-25}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || ! command -v sqlite3 >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "install postgresql and sqlite3 first (needs root)" >&2; exit 1; }
    apt-get install -y -qq postgresql sqlite3 >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
make -s all
work=$(mktemp -d /tmp/ioc-bench-ind-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$work/pg/postmaster.pid" ] && pg stop -m fast >/dev/null 2>&1 || true
    sleep 0.2
    if [ -n "${IOC_BENCH_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# postgres refuses to run as root: run it as the postgres user when we are root
pgrun() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg() { pgrun "$PGBIN/pg_ctl" -D "$work/pg" -w "$@"; }

export IOC_LOG_LEVEL=warn IOC_DEMO_SENSORS=false IOC_DEMO_PASSWORD_LEADER=bench-leader-pass-1
export IOC_DEMO_PASSWORD_ADMIN=bench-admin-pass-1 IOC_DEMO_PASSWORD_OPERATOR=bench-op-pass-1
export IOC_DEMO_PASSWORD_STAFF=bench-staff-pass-1 IOC_DEMO_UNITS_DIR=data/vn-units
export IOC_DEMO_INDICATORS_DIR=data/indicators IOC_DEMO_DASHBOARDS_DIR=data/dashboards
echo "seeding a demo data directory (with demo.indicator_values: every indicator, three years)…"
t0=$(date +%s.%N)
./build/iocd --data "$work/data" --seed-only >/dev/null
echo "seeded in $(echo "$(date +%s.%N) - $t0" | bc) s"

# The latest complete periods at now (UTC+7), as period numbers (src/indicators/indicators.h).
read -r Y M < <(TZ=Asia/Ho_Chi_Minh date +'%Y %m')
M=$((10#$M))
MONTH=$((Y * 12 + M - 1 - 1))
QUARTER=$((Y * 4 + (M - 1) / 3 - 1))
YEAR=$((Y - 1))
DAY=$((($(date +%s) + 7 * 3600) / 86400 - 1))
echo "stored values (the demo's, synthetic): $(sqlite3 "$work/data/ioc.db" 'SELECT count(*) FROM ind_values')"

port=$(free_port)
./build/iocd --data "$work/data" --listen "127.0.0.1:$port" --demo --threads 2 >"$work/iocd.out" 2>&1 &
pids+=($!)
URL="http://127.0.0.1:$port"
for _ in $(seq 300); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
curl -fsS -c "$work/jar" -H 'content-type: application/json' \
    -d '{"username":"leader","password":"bench-leader-pass-1"}' "$URL/api/v1/session" >/dev/null

CSRF=$(curl -fsS -c "$work/ajar" -H 'content-type: application/json' \
    -d '{"username":"admin","password":"bench-admin-pass-1"}' "$URL/api/v1/session" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')

p50() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
ms() { awk '{printf "%.2f\n", $1 * 1000}'; }
once() { curl -fsS -b "$work/jar" -o "$work/answer" -w '%{time_total}\n' "$URL$1" | ms; }
timed() { # RUNS timings (ms) of GET $1 (the first one made, the cold one, is once's); p50
    for _ in $(seq "$RUNS"); do
        curl -fsS -b "$work/jar" -o /dev/null -w '%{time_total}\n' "$URL$1"
    done | ms | p50
}
# The roll-up cache (src/indicators/cache.c) answers a question asked again; these figures say
# what a leader sees first after a start (cold), asked again (warm), and while staff write: one
# value of another indicator written (POST, through the writer) before each overview.
WCODES=($(sqlite3 "$work/data/ioc.db" "SELECT code FROM indicators WHERE frequency = 'month' AND aggregation = 'sum' AND expression = '' ORDER BY position LIMIT $RUNS"))
WUNIT=$(sqlite3 "$work/data/ioc.db" "SELECT code FROM units WHERE level = 'commune' AND valid_to = '' ORDER BY code LIMIT 1")
WPERIOD=$(printf '%04d-%02d' $((MONTH / 12)) $((MONTH % 12 + 1)))
after_write() { # RUNS timings of GET $1, each after one value of WCODES[i] was written
    for i in $(seq 0 $((RUNS - 1))); do
        curl -fsS -b "$work/ajar" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' \
            -d "{\"values\":[{\"unit\":\"$WUNIT\",\"period\":\"$WPERIOD\",\"value\":$((1000 + i))}]}" \
            -o /dev/null "$URL/api/v1/indicators/${WCODES[$i]}/values"
        curl -fsS -b "$work/jar" -o /dev/null -w '%{time_total}\n' "$URL$1"
    done | ms | p50
}
OV_COLD=$(once /api/v1/overview)
OV=$(timed /api/v1/overview)
OV_W=$(after_write /api/v1/overview)
echo "iocd province overview: cold $OV_COLD ms, p50 $OV ms, after a write p50 $OV_W ms"
python3 - "$work/answer" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ok = sum(1 for i in d['indicators'] if i['value'] is not None)
print(f"overview: {d['count']} indicators, {ok} with a value")
PY
CODE=$(sqlite3 "$work/data/ioc.db" "SELECT code FROM indicators WHERE frequency = 'month' AND aggregation = 'ratio' AND expression = '' ORDER BY position LIMIT 1")
FROM=$(printf '%04d-%02d' $(((MONTH - 35) / 12)) $(((MONTH - 35) % 12 + 1)))
TO=$(printf '%04d-%02d' $((MONTH / 12)) $((MONTH % 12 + 1)))
ROLL_COLD=$(once "/api/v1/indicators/$CODE/values?from=$FROM&to=$TO")
ROLL=$(timed "/api/v1/indicators/$CODE/values?from=$FROM&to=$TO")
echo "iocd $CODE $FROM..$TO at the province: cold $ROLL_COLD ms, p50 $ROLL ms"

# 3. the whole pre-2025 history re-aggregated into today's communes (target < 5 s)
REAGG=$(./build/iocctl --data "$work/data" indicators history --to 2025-06 "$work/history.csv" 2>&1 |
    sed -n 's/.* \([0-9]*\) stored values read, \([0-9]*\) values in \([0-9.]*\) s/\1 \2 \3/p')
read -r REAGG_READ REAGG_VALUES REAGG_S <<<"$REAGG"
echo "iocctl indicators history --to 2025-06: $REAGG_READ stored values → $REAGG_VALUES values of today's communes in $REAGG_S s"

echo "loading the same rows into PostgreSQL…"
mkdir -m 700 "$work/pg" "$work/pgrun"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg" "$work/pgrun"
pgrun "$PGBIN/initdb" -D "$work/pg" -A trust -U bench >/dev/null
PGPORT=$(free_port)
pg -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $work/pgrun -c shared_buffers=256MB -c work_mem=64MB" \
    -l "$work/pgrun/pg.log" start >/dev/null
psql_() { psql -q -X -h 127.0.0.1 -p "$PGPORT" -U bench -d postgres "$@"; }
sqlite3 -csv "$work/data/ioc.db" "SELECT indicator_id, freq, period_n, unit_id, value, num, den FROM ind_values" >"$work/values.csv"
sqlite3 -csv "$work/data/ioc.db" "SELECT id, frequency, aggregation, coalesce(nullif(scale, ''), 1) FROM indicators WHERE expression = ''" >"$work/inds.csv"
sqlite3 -csv "$work/data/ioc.db" "SELECT id FROM units WHERE level = 'commune' AND valid_to = ''" >"$work/units.csv"
psql_ <<SQL
CREATE TABLE ind_values (indicator_id int, freq text, period_n int, unit_id int, value float8,
  num float8, den float8, PRIMARY KEY (indicator_id, freq, period_n, unit_id));
CREATE TABLE indicators (id int PRIMARY KEY, frequency text, aggregation text, scale float8);
CREATE TABLE tgt (id int PRIMARY KEY);
\copy ind_values FROM '$work/values.csv' CSV
\copy indicators FROM '$work/inds.csv' CSV
\copy tgt FROM '$work/units.csv' CSV
CREATE TABLE want (freq text, n int);
INSERT INTO want VALUES ('month', $MONTH), ('month', $MONTH - 1), ('quarter', $QUARTER),
  ('quarter', $QUARTER - 1), ('year', $YEAR), ('year', $YEAR - 1), ('day', $DAY), ('day', $DAY - 1);
VACUUM ANALYZE;
SQL
cat >"$work/overview.sql" <<'SQL'
SELECT i.id, v.period_n,
  CASE i.aggregation WHEN 'sum' THEN sum(v.value) WHEN 'ratio' THEN i.scale * sum(v.num) / nullif(sum(v.den), 0)
    WHEN 'min' THEN min(v.value) WHEN 'max' THEN max(v.value) ELSE avg(v.value) END
FROM indicators i JOIN want w ON w.freq = i.frequency
JOIN ind_values v ON v.indicator_id = i.id AND v.freq = w.freq AND v.period_n = w.n
JOIN tgt ON tgt.id = v.unit_id GROUP BY i.id, i.aggregation, i.scale, v.period_n;
SQL
PG=$(for _ in $(seq "$((RUNS + 1))"); do
    psql_ -c '\timing on' -f "$work/overview.sql" -o /dev/null | awk '/^Time:/ {print $2}'
done | tail -n "$RUNS" | p50)

echo
echo "| figure | p50 (ms) |"
echo "|---|---|"
echo "| iocd: province overview, every indicator (HTTP), asked again | $OV |"
echo "| iocd: the same, each after one value of another indicator was written | $OV_W |"
echo "| iocd: the same, the first after the start (cold, one run) | $OV_COLD |"
echo "| iocd: one ratio indicator, 36 months rolled up to the province (HTTP), asked again | $ROLL |"
echo "| iocd: the same, the first time (cold, one run) | $ROLL_COLD |"
echo "| iocctl indicators history: the pre-2025 history ($REAGG_READ values) in today's communes (s) | $REAGG_S |"
echo "| PostgreSQL: the overview's aggregation as one SQL query (non-derived, server time) | $PG |"
echo
echo "iocd overview / PostgreSQL query: $(echo "scale=2; $OV / $PG" | bc)"
