#!/usr/bin/env bash
# The whole test suite, as `make test` runs it after building. Each step counts its tests; the
# last line is "N passed, N failed". Steps:
#   unit         cmocka binaries of build/tests/
#   asan-unit    the same, built with ASan+UBSan (build/asan/)
#   format       clang-format --dry-run over the C sources
#   checksrc     the layout rules of scripts/checksrc.mjs over src/, and its self-test
#   cppcheck     static analysis of src/
#   fuzz-replay  every fuzz/<target>/corpus replayed through its libFuzzer harness
#   integration  node --test tests/integration/ against build/iocd
#   asan-integration  the same against the ASan+UBSan iocd, but demo_values (its 2.2 M demo rows
#                take the ASan server 65 s to seed; the generator runs under ASan in asan-unit:
#                tests/unit/seed/test_indvalues_demo.c)
#   tsan-integration  the tests that load several threads at once (stress, http, http_strict,
#                limits, durability, login_limits, render_isolation, reimport, telemetry,
#                telemetry_durability: the ingest thread and the render worker) against the
#                ThreadSanitizer iocd (build/tsan/); any data race report fails them (lib.mjs
#                checks iocd's stderr when it stops)
#   web          the console in headless Chromium (tests/web/)
#
# The development machine has two cores, and each of the first steps keeps about one busy:
# they run in two lanes beside each other (lane 1: unit, asan-unit, format, checksrc, cppcheck;
# lane 2: the ASan build, the TSan build, fuzz-replay, then the ASan store/test_faults, the
# longest unit test; asan-unit waits for the ASan build). Each
# step's output is kept and printed whole, in a fixed order, once it is done. The node steps
# then run one after another and alone: several of them time requests (render_isolation,
# login_limits, session_idle) and must not share the CPU with a build.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()
export IOC_TEST_TEMPLATE
IOC_TEST_TEMPLATE=$(mktemp -d /tmp/ioc-template-XXXXXX)
results=$(mktemp -d /tmp/ioc-steps-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$IOC_TEST_TEMPLATE" "$results"' EXIT

ok() { passed=$((passed + ${1:-1})); }
bad() { failed=$((failed + ${2:-1})); failures+=("$1"); }

# Each step runs in a subshell with its own counts: its output, counts, failures and duration go
# to $results/<n>.*, and report prints them and adds the counts, in the order of the steps,
# whatever order they end in.
declare -a step_names
capture() { # number function: runs one step
    local n=$1 fn=$2
    (
        passed=0 failed=0 failures=()
        t0=$SECONDS
        "$fn"
        [ ${#failures[@]} -eq 0 ] || printf '%s\n' "${failures[@]}" >"$results/$n.failures"
        printf '%s\n' "$passed" "$failed" "$((SECONDS - t0))" >"$results/$n.count"
    ) >"$results/$n.log" 2>&1
    touch "$results/$n.done"
}
report() { # number: waits for the step to end, prints it, adds its counts
    local n=$1 p=0 f=0 s=0
    while [ ! -e "$results/$n.done" ]; do sleep 1; done
    printf '\n== %s ==\n' "${step_names[$n]}"
    cat "$results/$n.log"
    if [ -f "$results/$n.count" ]; then
        { read -r p && read -r f && read -r s; } <"$results/$n.count"
    else
        p=0 f=1
        failures+=("${step_names[$n]} (the step did not finish)")
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ -f "$results/$n.failures" ]; then
        while IFS= read -r line; do failures+=("$line"); done <"$results/$n.failures"
    fi
    printf '   (%s: %d s)\n' "${step_names[$n]}" "$s"
}
n_steps=0
step() { # name function: runs a step now and reports it
    step_names[$n_steps]=$1
    capture $n_steps "$2"
    report $n_steps
    n_steps=$((n_steps + 1))
}

run_cmocka() { # dir label [only]: every test binary under dir, or only the one at dir/only
    local dir=$1 label=$2 only=${3:-}
    for t in $(find "$dir" -type f -name 'test_*' -perm -u+x | sort); do
        # the ASan store/test_faults runs in lane 2 (asan_faults), the other ASan ones in lane 1
        if [ -n "$only" ]; then
            [ "$t" = "$dir/$only" ] || continue
        elif [ "$label" = asan-unit ] && [ "$t" = "$dir/$asan_lane2" ]; then
            continue
        fi
        local out t0=$SECONDS
        out=$("$t" 2>&1)
        local rc=$? took=$((SECONDS - t0))
        local p f
        p=$(grep -oE '\[  PASSED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -1)
        f=$(grep -oE '\[  FAILED  \] [0-9]+ test' <<<"$out" | grep -oE '[0-9]+' | tail -1)
        ok "${p:-0}"
        if [ "$rc" -ne 0 ] || [ -n "$f" ]; then
            bad "$label ${t#$dir/}" "${f:-1}"
            echo "$out" | tail -30
        else
            echo "ok   $label ${t#$dir/} (${p:-0})$([ $took -lt 5 ] || echo " $took s")"
        fi
    done
}

run_node() { # label, then node --test args
    local label=$1
    shift
    local out
    out=$(node --test --test-timeout=300000 --test-reporter=tap "$@" 2>&1)
    local rc=$?
    local p f
    p=$(grep -E '^# pass [0-9]+' <<<"$out" | grep -oE '[0-9]+' | tail -1)
    f=$(grep -E '^# fail [0-9]+' <<<"$out" | grep -oE '[0-9]+' | tail -1)
    ok "${p:-0}"
    if [ "$rc" -ne 0 ] || [ "${f:-0}" != 0 ] || [ -z "$p" ]; then
        bad "$label" "${f:-1}"
        grep -E '^ *not ok' <<<"$out" | head -20 # the failing tests first
        # then each failure's own block (error, expected, actual, stack), up to 40 lines each
        awk '/^ *not ok/ { n = 40 } n > 0 && !/duration_ms|^ *(---|\.\.\.)$/ { print; n-- }' <<<"$out" | head -200
        # and what a server wrote to stderr (ASan reports, our own log lines of errors)
        grep -E 'ERROR: AddressSanitizer|runtime error:|ERROR|iocd exited' <<<"$out" | head -20
    else
        echo "ok   $label ($p tests)"
    fi
}

# ---- the steps ------------------------------------------------------------------------------

unit() { run_cmocka build/tests unit; }

# The ASan build is made by lane 2; asan-unit (lane 1) waits for it.
asan_build() {
    if make -s asan >/tmp/ioc-asan-build.log 2>&1; then
        ok
        echo "ok   asan build"
        touch "$results/asan-built"
    else
        bad "asan build"
        tail -30 /tmp/ioc-asan-build.log
    fi
    touch "$results/asan-done"
}

asan_unit() { # [only]: see run_cmocka
    while [ ! -e "$results/asan-done" ]; do sleep 1; done
    if [ ! -e "$results/asan-built" ]; then
        echo "not run: the asan build failed"
        return
    fi
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp run_cmocka build/asan/tests asan-unit "$@"
}
# The longest ASan unit test (the store's fault walks), run by lane 2 once fuzz-replay is done.
asan_lane2=store/test_faults
asan_faults() { asan_unit "$asan_lane2"; }

tsan_build() {
    if make -s tsan >/tmp/ioc-tsan-build.log 2>&1; then
        ok
        echo "ok   tsan build"
        touch "$results/tsan-built"
    else
        bad "tsan build"
        tail -30 /tmp/ioc-tsan-build.log
    fi
}

format() {
    if clang-format --dry-run --Werror $(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'fuzz/*.[ch]' 'bench/*.[ch]') 2>/tmp/ioc-format.log; then
        ok
        echo "ok   clang-format"
    else
        bad "clang-format (run make format)"
        head -20 /tmp/ioc-format.log
    fi
}

checksrc() {
    if { node scripts/checksrc.mjs && node scripts/checksrc.mjs --self-test; } >/tmp/ioc-checksrc.log 2>&1; then
        ok
        echo "ok   checksrc"
    else
        bad "checksrc (see scripts/checksrc.mjs)"
        grep -v '^ok ' /tmp/ioc-checksrc.log | head -30
    fi
}

cppcheck_step() {
    if cppcheck --quiet --enable=warning,performance,portability --std=c11 --error-exitcode=1 \
        -D_GNU_SOURCE -DH2O_USE_LIBUV=0 -Isrc --suppress=missingIncludeSystem -j2 src 2>/tmp/ioc-cppcheck.log; then
        ok
        echo "ok   cppcheck"
    else
        bad "cppcheck"
        head -30 /tmp/ioc-cppcheck.log
    fi
}

fuzz_replay() {
    [ -x fuzz/run.sh ] || return
    local out rc n
    out=$(fuzz/run.sh replay 2>&1)
    rc=$?
    n=$(grep -c '^ok ' <<<"$out")
    echo "$out" | grep -E '^(ok|FAIL) '
    ok "$n"
    [ $rc -eq 0 ] || bad "fuzz replay"
}

integration() { run_node integration tests/integration/; }

asan_integration() {
    [ -e "$results/asan-built" ] || return # not against an older build
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        IOCD=build/asan/iocd IOCCTL=build/asan/iocctl IOC_KILL_ROUNDS=2 IOC_REIMPORTS=3 IOC_TEST_TEMPLATE="$IOC_TEST_TEMPLATE/asan" \
        run_node asan-integration $(ls tests/integration/*.test.mjs | grep -v '/demo_values\.test\.mjs$')
}

tsan_integration() {
    [ -e "$results/tsan-built" ] || return # not against an older build
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp" \
        IOCD=build/tsan/iocd IOCCTL=build/tsan/iocctl IOC_KILL_ROUNDS=2 IOC_REIMPORTS=3 IOC_TEST_TEMPLATE="$IOC_TEST_TEMPLATE/tsan" \
        run_node tsan-integration tests/integration/stress.test.mjs tests/integration/http.test.mjs \
        tests/integration/http_strict.test.mjs tests/integration/limits.test.mjs \
        tests/integration/durability.test.mjs tests/integration/login_limits.test.mjs \
        tests/integration/render_isolation.test.mjs tests/integration/reimport.test.mjs \
        tests/integration/telemetry.test.mjs tests/integration/telemetry_durability.test.mjs \
        tests/integration/mqtt.test.mjs \
        tests/integration/telemetry_stream.test.mjs
}

web() { run_node web tests/web/; }

# ---- the order ------------------------------------------------------------------------------

# The two lanes; the numbers are the order in which the steps are reported.
step_names=("unit" "asan+ubsan build" "asan-unit" "tsan build" "fuzz-replay" "format" "checksrc" "cppcheck" "asan-unit store/test_faults")
{ capture 0 unit; capture 2 asan_unit; capture 5 format; capture 6 checksrc; capture 7 cppcheck_step; } &
lane1=$!
{ capture 1 asan_build; capture 3 tsan_build; capture 4 fuzz_replay; capture 8 asan_faults; } &
lane2=$!
for n in 0 1 2 3 4 5 6 7 8; do report $n; done
wait $lane1 $lane2
printf '   (both lanes: %d s)\n' $SECONDS
n_steps=9

# Then, one at a time:
step integration integration
step asan-integration asan_integration
[ -e "$results/tsan-built" ] && step tsan-integration tsan_integration
if [ -d tests/web ] && ls tests/web/*.test.mjs >/dev/null 2>&1; then
    step web web
fi

echo
echo "whole run: $SECONDS s"
if [ ${#failures[@]} -gt 0 ]; then
    printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
