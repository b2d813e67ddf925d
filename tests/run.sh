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
#   asan-integration  the same against the ASan+UBSan iocd
#   tsan-integration  the tests that load several threads at once (stress, http, http_strict,
#                limits, durability, login_limits, render_isolation, reimport, telemetry,
#                telemetry_durability: the ingest thread and the render worker) against the
#                ThreadSanitizer iocd (build/tsan/); any data race report fails them (lib.mjs
#                checks iocd's stderr when it stops)
#   web          the console in headless Chromium (tests/web/)
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()
export IOC_TEST_TEMPLATE
IOC_TEST_TEMPLATE=$(mktemp -d /tmp/ioc-template-XXXXXX)
trap 'rm -rf "$IOC_TEST_TEMPLATE"' EXIT

# Each step's heading also says how long the previous one took (for keeping the run short).
step_started=$SECONDS
step_name=""
step_done() { [ -n "$step_name" ] && printf '   (%s: %d s)\n' "$step_name" $((SECONDS - step_started)); }
step() {
    step_done
    step_name=$*
    step_started=$SECONDS
    printf '\n== %s ==\n' "$*"
}
ok() { passed=$((passed + ${1:-1})); }
bad() { failed=$((failed + ${2:-1})); failures+=("$1"); }

run_cmocka() { # dir label
    local dir=$1 label=$2
    for t in $(find "$dir" -type f -name 'test_*' -perm -u+x | sort); do
        local out
        out=$("$t" 2>&1)
        local rc=$?
        local p f
        p=$(grep -oE '\[  PASSED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -1)
        f=$(grep -oE '\[  FAILED  \] [0-9]+ test' <<<"$out" | grep -oE '[0-9]+' | tail -1)
        ok "${p:-0}"
        if [ "$rc" -ne 0 ] || [ -n "$f" ]; then
            bad "$label ${t#$dir/}" "${f:-1}"
            echo "$out" | tail -30
        else
            echo "ok   $label ${t#$dir/} (${p:-0})"
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

step unit
run_cmocka build/tests unit

step "asan+ubsan build"
if make -s asan >/tmp/ioc-asan-build.log 2>&1; then
    ok
    step asan-unit
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp run_cmocka build/asan/tests asan-unit
else
    bad "asan build"
    tail -30 /tmp/ioc-asan-build.log
fi

step format
if clang-format --dry-run --Werror $(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'fuzz/*.[ch]' 'bench/*.[ch]') 2>/tmp/ioc-format.log; then
    ok
    echo "ok   clang-format"
else
    bad "clang-format (run make format)"
    head -20 /tmp/ioc-format.log
fi

step checksrc
if { node scripts/checksrc.mjs && node scripts/checksrc.mjs --self-test; } >/tmp/ioc-checksrc.log 2>&1; then
    ok
    echo "ok   checksrc"
else
    bad "checksrc (see scripts/checksrc.mjs)"
    grep -v '^ok ' /tmp/ioc-checksrc.log | head -30
fi

step cppcheck
if cppcheck --quiet --enable=warning,performance,portability --std=c11 --error-exitcode=1 \
    -D_GNU_SOURCE -DH2O_USE_LIBUV=0 -Isrc --suppress=missingIncludeSystem -j2 src 2>/tmp/ioc-cppcheck.log; then
    ok
    echo "ok   cppcheck"
else
    bad "cppcheck"
    head -30 /tmp/ioc-cppcheck.log
fi

step fuzz-replay
if [ -x fuzz/run.sh ]; then
    out=$(fuzz/run.sh replay 2>&1)
    rc=$?
    n=$(grep -c '^ok ' <<<"$out")
    echo "$out" | grep -E '^(ok|FAIL) '
    ok "$n"
    [ $rc -eq 0 ] || bad "fuzz replay"
fi

step integration
run_node integration tests/integration/

step asan-integration
if [ -x build/asan/iocd ]; then
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        IOCD=build/asan/iocd IOCCTL=build/asan/iocctl IOC_KILL_ROUNDS=2 IOC_REIMPORTS=3 IOC_TEST_TEMPLATE="$IOC_TEST_TEMPLATE/asan" \
        run_node asan-integration tests/integration/
fi

step "tsan build"
if make -s tsan >/tmp/ioc-tsan-build.log 2>&1; then
    ok
    step tsan-integration
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp" \
        IOCD=build/tsan/iocd IOCCTL=build/tsan/iocctl IOC_KILL_ROUNDS=2 IOC_REIMPORTS=3 IOC_TEST_TEMPLATE="$IOC_TEST_TEMPLATE/tsan" \
        run_node tsan-integration tests/integration/stress.test.mjs tests/integration/http.test.mjs \
        tests/integration/http_strict.test.mjs tests/integration/limits.test.mjs \
        tests/integration/durability.test.mjs tests/integration/login_limits.test.mjs \
        tests/integration/render_isolation.test.mjs tests/integration/reimport.test.mjs \
        tests/integration/telemetry.test.mjs tests/integration/telemetry_durability.test.mjs \
        tests/integration/mqtt.test.mjs \
        tests/integration/telemetry_stream.test.mjs
else
    bad "tsan build"
    tail -30 /tmp/ioc-tsan-build.log
fi

if [ -d tests/web ] && ls tests/web/*.test.mjs >/dev/null 2>&1; then
    step web
    run_node web tests/web/
fi

step_done
echo
echo "whole run: $SECONDS s"
if [ ${#failures[@]} -gt 0 ]; then
    printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
