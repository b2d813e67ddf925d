#!/usr/bin/env bash
# The rollup record codec, version 1 against version 2, on generated sensor data (not part of
# the tests; see bench/rollup/bench_rollup.c):   bench/rollup/run.sh [SERIES] [HOURS]
# Builds with the codec, the chunk float and integer coders and agg.c only, runs on one core.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/ioc-rollupbench-XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/rollup/bench_rollup.c src/tsdb/rollup_codec.c \
    src/tsdb/chunk_float.c src/tsdb/chunk_bits.c src/tsdb/agg.c src/base/[a-z]*.c \
    -lunistring -lz -lm -o "$work/bench_rollup"
if command -v taskset >/dev/null; then taskset -c 0 "$work/bench_rollup" "$@"; else "$work/bench_rollup" "$@"; fi
