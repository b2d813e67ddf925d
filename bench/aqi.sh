#!/usr/bin/env bash
# The AQI engine's figures of issue 19 (not part of the tests; see bench/aqi/bench_aqi.c):
#   back-filling a year of hourly AQI for 100 stations (< 2 s) and, live, a reading's arrival to
#   the updated index on the live stream's hub (p95 < 100 ms). No peer computes VN_AQI (the issue
#   says so), so the figures stand alone; IOC_BENCH_CALLGRIND=1 adds the instruction count of a
#   smaller back-fill (10 stations × 30 days), which repeats where seconds do not.
# Usage: bench/aqi.sh [STATIONS] [DAYS] [RUNS]    (defaults 100 365 200; needs `make all`)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/libioc.a ] || make -j2 all >/dev/null
work=$(mktemp -d /tmp/ioc-aqibench-XXXXXX)
trap 'rm -rf "$work"' EXIT
libs=$(make -s --eval='print-libs: ; @echo $(PKG_LIBS)' print-libs)
# shellcheck disable=SC2086
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/aqi/bench_aqi.c build/libioc.a $libs -lm -pthread \
    -o "$work/bench_aqi"
"$work/bench_aqi" "${1:-100}" "${2:-365}" "${3:-200}" "$work/data"
if [ "${IOC_BENCH_CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null; then
    rm -rf "$work/cg"
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$work/bench_aqi" 10 30 5 \
        "$work/cg" 2>&1 | grep -E "Collected" || true
fi
