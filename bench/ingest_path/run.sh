#!/usr/bin/env bash
# One HTTP write's work without HTTP, on one core (not part of the tests): parse, keys, append.
#   bench/ingest_path/run.sh [STATIONS [INTERVALS [BATCH]]]    (default 1000 60 5000)
# Prints values per CPU second, then the instruction count per value under callgrind (steady on
# a shared machine: compare it before and after a change).
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s all
work=$(mktemp -d /tmp/ioc-ingestpath-XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 -g -Isrc bench/ingest_path/ingest_path.c build/libioc.a \
    $(pkg-config --libs jansson sqlite3 libsodium zlib) -lh2o-evloop -lssl -lcrypto -lmosquitto \
    -lgeos_c -lunistring -lpthread -lm -o "$work/ingest_path"
"$work/ingest_path" "$work/d1" "$@"
if command -v valgrind >/dev/null; then
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='ingest*' --callgrind-out-file="$work/cg.out" "$work/ingest_path" "$work/d2" "$@" \
        >"$work/cg.txt" 2>"$work/cg.err"
    ir=$(grep -oE 'Collected : [0-9]+' "$work/cg.err" | grep -oE '[0-9]+$')
    values=$(awk '/^values / {print $2}' "$work/cg.txt")
    echo "instructions $ir"
    echo "instructions_per_value $((ir / values))"
    callgrind_annotate "$work/cg.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -25
fi
