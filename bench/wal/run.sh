#!/usr/bin/env bash
# The time-series WAL: append+sync throughput per sync mode with 5,000-point (200 KB) batches,
# then open and replay speed (not part of the tests).
#   bench/wal/run.sh [SECONDS]    (default 5 per mode)
# Writes under build/bench-wal (the repository's disk, not a tmpfs, so fdatasync is real) and
# removes it at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=build/bench-wal
rm -rf "$work"
mkdir -p "$work/data"
trap 'rm -rf "$work"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/wal/wal_bench.c src/tsdb/wal.c src/base/[a-z]*.c \
    -lz -lunistring -lpthread -lm -o "$work/wal_bench"
echo "== $(df -T "$work" | awk 'NR==2 {print $2 " on " $1}'), $(nproc) cores"
"$work/wal_bench" "$work/data" "${1:-5}"
