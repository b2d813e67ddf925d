#!/usr/bin/env bash
# The line-protocol parser alone, on one core (not part of the tests):
#   bench/lp_parse/run.sh [STATIONS [INTERVALS [PASSES]]]   (default 1000 250 5: 250,000 lines,
#                                                             2,000,000 float values)
# Builds bench/lp_parse/lp_parse.c with -O2 against build/libioc.a and prints lines/s and values/s
# of the best pass.
# Target: well above 2,000,000 values/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/ioc-lpbench-XXXXXX)
trap 'rm -rf "$work"' EXIT
make -s all
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/lp_parse/lp_parse.c build/libioc.a \
    $(pkg-config --libs jansson sqlite3 libsodium zlib) -lh2o-evloop -lssl -lcrypto -lmosquitto \
    -lgeos_c -lunistring -lpthread -lm -o "$work/lp_parse"
if command -v taskset >/dev/null; then PIN=(taskset -c 0); else PIN=(); fi
"${PIN[@]}" "$work/lp_parse" "$@"
