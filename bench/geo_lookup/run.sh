#!/usr/bin/env bash
# Point → commune lookups: ioc's index against PostGIS ST_Contains over the same 95 real communes
# and the same random points, in one run (not part of the tests).
#   bench/geo_lookup/run.sh [POINTS]        (default 2,000,000 for ioc; 200,000 for PostGIS)
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 (Debian's postgresql + postgis, installed if
# missing; as the postgres user when run as root), and removes it at exit. Both tables get a GiST
# index and the planner picks the join order; it loops over the communes, so PostGIS can reuse
# each prepared commune (its best case). Target: ioc >= 1,000,000 lookups/s and >= 5x PostGIS.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-2000000}
M=${IOC_BENCH_PG_POINTS:-200000}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { echo "install postgresql-15-postgis-3 first (needs root)" >&2; exit 1; }
    apt-get install -y -qq postgresql postgresql-15-postgis-3 >/dev/null ||
        { apt-get update -qq && apt-get install -y -qq postgresql postgresql-15-postgis-3 >/dev/null; }
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# PostgreSQL refuses to run as root: then the cluster belongs to the postgres user.
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi
work=$(mktemp -d /tmp/ioc-geobench-XXXXXX)
chmod 755 "$work"
STARTED=""
cleanup() {
    if [ -n "$STARTED" ]; then
        "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Only the geo and base modules, so the bench builds while other modules are being changed.
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc $(geos-config --cflags) bench/geo_lookup/geo_lookup.c \
    src/geo/[a-z]*.c src/base/[a-z]*.c $(pkg-config --cflags --libs jansson) \
    $(geos-config --clibs) -lunistring -lm -o "$work/geo_lookup"
echo "== ioc (one core)"
taskset -c 0 "$work/geo_lookup" data/vn-units/dongnai-2025-communes.geojson "$N" "$work/points.csv" "$M" | tee "$work/ioc.txt"
chmod 644 "$work/points.csv"

echo "== PostGIS (same polygons, first $M points)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/pg" "$work/sock"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg" "$work/sock"
"${AS_PG[@]}" "$PGBIN/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
STARTED=1
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/sock/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $work/sock -c max_parallel_workers_per_gather=0 -c jit=off" start >/dev/null
PSQL=("${AS_PG[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 postgres)
python3 - "$work/communes.sql" <<'PY'
import json, sys
d = json.load(open('data/vn-units/dongnai-2025-communes.geojson'))
with open(sys.argv[1], 'w') as out:
    out.write("CREATE EXTENSION postgis;\nCREATE TABLE communes (code text, geom geometry(MultiPolygon, 4326));\n")
    for f in d['features']:
        g = json.dumps(f['geometry']).replace("'", "''")
        out.write(f"INSERT INTO communes VALUES ('{f['properties']['code']}', ST_SetSRID(ST_Multi(ST_GeomFromGeoJSON('{g}')), 4326));\n")
    out.write("CREATE INDEX ON communes USING gist (geom);\nANALYZE communes;\n")
PY
chmod 644 "$work/communes.sql"
"${PSQL[@]}" -f "$work/communes.sql"
"${PSQL[@]}" -c "CREATE TABLE points (i int, x float8, y float8); COPY points FROM '$work/points.csv' CSV; ALTER TABLE points ADD COLUMN geom geometry(Point, 4326); UPDATE points SET geom = ST_SetSRID(ST_MakePoint(x, y), 4326); CREATE INDEX ON points USING gist (geom); ANALYZE points;"
Q="SELECT count(*) FROM points p JOIN communes c ON ST_Contains(c.geom, p.geom)"
echo "plan (GiST indexes on both tables; the planner chooses):"
"${PSQL[@]}" -At -c "EXPLAIN (COSTS OFF) $Q" | sed 's/^/    /'
PGOUT=$("${PSQL[@]}" -At -c "\\timing on" -c "$Q;")
echo "$PGOUT"
python3 - "$work/ioc.txt" "$M" "$PGOUT" <<'PY'
import re, sys
ioc = dict(l.split() for l in open(sys.argv[1]) if l.strip())
m = int(sys.argv[2])
out = sys.argv[3]
hits = int(out.split()[0])
ms = float(re.search(r'Time: ([0-9.]+) ms', out).group(1))
pg_rate = m / (ms / 1000)
ioc_rate = float(ioc['ioc_lookups_per_s'])
print(f"PostGIS: {m} points in {ms/1000:.2f} s = {pg_rate:,.0f} lookups/s; {hits} inside a commune")
print(f"ioc:     {ioc_rate:,.0f} lookups/s; {ioc['ioc_hits_first_m']} of the same {m} points inside a commune")
print(f"ratio ioc/PostGIS: {ioc_rate / pg_rate:.1f}x (targets: >= 1,000,000/s and >= 5x)")
if int(ioc['ioc_hits_first_m']) != hits:
    print("WARNING: the hit counts differ")
PY
