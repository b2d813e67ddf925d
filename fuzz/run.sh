#!/usr/bin/env bash
# Builds every libFuzzer harness (fuzz/<name>/fuzz_<name>.c) with ASan+UBSan and either
#   fuzz/run.sh replay     runs each harness once over its committed corpus (the test suite)
#   fuzz/run.sh SECONDS    fuzzes each harness for SECONDS; new inputs go to build/fuzz/new/<name>,
#                          crashes to build/fuzz/crashes/ (turn each into a regression test and a
#                          corpus file)
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-replay}
if ! make -s BUILD=build/fuzz CC=clang OPT=-O1 \
    SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
    fuzzers >build/fuzz-build.log 2>&1; then
    echo "FAIL build (see build/fuzz-build.log)"
    tail -20 build/fuzz-build.log
    exit 1
fi
status=0
for h in build/fuzz/fuzzers/*; do
    case $h in *.d) continue ;; esac
    name=$(basename "$h")
    corpus=fuzz/$name/corpus
    mkdir -p "$corpus"
    if [ "$mode" = replay ]; then
        if out=$("$h" -runs=0 "$corpus" 2>&1); then
            echo "ok $name ($(ls "$corpus" | wc -l) inputs)"
        else
            echo "FAIL $name"
            echo "$out" | tail -30
            status=1
        fi
    else
        mkdir -p "build/fuzz/new/$name" build/fuzz/crashes
        if "$h" -max_total_time="$mode" -artifact_prefix="build/fuzz/crashes/$name-" \
            -print_final_stats=1 "build/fuzz/new/$name" "$corpus" >"build/fuzz/$name.log" 2>&1; then
            echo "ok $name: $(grep -E 'stat::number_of_executed_units' "build/fuzz/$name.log" | awk '{print $2}') runs"
        else
            echo "FAIL $name: see build/fuzz/$name.log"
            status=1
        fi
    fi
done
exit $status
