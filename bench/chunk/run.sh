#!/usr/bin/env bash
# The tsdb chunk codec on generated sensor data (not part of the tests):
#   bench/chunk/run.sh [STATIONS]      (default 1,000 stations × 8 fields × 1 day = 69 M values)
# Builds bench/chunk/bench_chunk.c with the chunk files and agg.c only (so it builds while other
# modules change), then runs it on one core with one chunk per day and with 1,000-point chunks,
# printing encode / decode / aggregate speed in values per CPU second and bytes per value. For
# comparison (docs/architecture.md, "tsdb: chunk format"): VictoriaMetrics ≈ 1.84 bytes/value
# on disk, InfluxDB 1.6 ≈ 8.4, Gorilla's published 1.37 bytes per (timestamp, value) pair.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000}
work=$(mktemp -d /tmp/ioc-chunkbench-XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/chunk/bench_chunk.c src/tsdb/chunk*.c src/tsdb/agg.c \
    src/base/[a-z]*.c -lunistring -lz -lm -o "$work/bench_chunk"
run() {
    if command -v taskset >/dev/null; then taskset -c 0 "$@"; else "$@"; fi
}
echo "== one chunk per series-day (8,640 points), $N stations"
run "$work/bench_chunk" "$N" 8640
echo "== chunks of 1,000 points, $N stations"
run "$work/bench_chunk" "$N" 1000
