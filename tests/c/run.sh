#!/usr/bin/env bash
# tests/c/run.sh: builds the C tests of the iopkit C ABI (include/iop.h) and runs them:
#   test_iop.c (the suite): (a) plain, (b) under valgrind memcheck, (c) built by gcc with ASan +
#     UBSan, (d) built by clang with ASan + UBSan;
#   stress.c (8 threads x 10,000 calls on one client, clients created and freed concurrently,
#     per-thread last errors): (e) plain, (f) built by clang with ASan + UBSan, (g) under valgrind
#     with 20 calls per thread. (Not under TSan or helgrind: the Rust library's locks are futexes
#     they cannot see, so every handover between threads is reported as a race.)
# Works from any directory. Expects `cargo build -p iopkit -p iopkit-sandbox` to have been run
# (runs it itself if a library is missing). Uses gcc/g++, clang, binutils (nm, readelf) and valgrind.
#
# Counting, for the last line "c: N passed, M failed":
#   - each run contributes its own per-test counts (so every test counts once per run);
#   - a run that ends badly although none of its tests failed (valgrind errors or definite/
#     indirect leaks, a sanitizer report, a crash, no summary line) adds 1 failed;
#   - each check of this script (the programs compile with -Werror, by gcc and clang; include/iop.h and
#     iop_sandbox.h compile as C and C++; every exported iop_ function appears in test_iop.c; the
#     C quickstart, examples/c/quickstart.c, compiles the same way and runs) adds 1 passed or 1 failed.
# Exits non-zero when anything failed.
set -euo pipefail

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }
# The summary is the last line even when the script stops early (set -e): then 1 more failed.
finish() {
    local rc=$?
    ((rc == 0 || done_ == 1)) || failed=$((failed + 1))
    echo "c: $passed passed, $failed failed"
    ((failed == 0)) || exit 1
}
done_=0
trap finish EXIT

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export RUST_BACKTRACE=0
iop_c_setup
cd "$IOP_ROOT"
TEST_SRC=$IOP_ROOT/tests/c/test_iop.c

# --- Every exported function is exercised ------------------------------------------------------
functions=$(
    grep -ho 'iop_[a-z0-9_]*(' "$IOP_ROOT/include/iop.h" "$IOP_ROOT/include/iop_sandbox.h" | tr -d '('
    nm -D --defined-only "$IOP_LIBDIR/libiop.so" | awk '$2 == "T" && $3 ~ /^iop_/ { print $3 }'
)
missing=()
for f in $(sort -u <<<"$functions"); do
    grep -qw "$f" "$TEST_SRC" || missing+=("$f")
done
if ((${#missing[@]} == 0)); then
    pass "every exported iop_ function ($(sort -u <<<"$functions" | wc -l)) appears in test_iop.c"
else
    fail "functions never used in test_iop.c: ${missing[*]}"
fi

# --- Every function the library exports is declared in the header ------------------------------
undeclared=$(nm -D --defined-only "$IOP_LIBDIR/libiop.so" | awk '$2 == "T" && $3 ~ /^iop_/ { print $3 }' |
    while read -r f; do grep -qE "\\b$f\\(" "$IOP_ROOT/include/iop.h" || echo "$f"; done)
if [[ -z $undeclared ]]; then
    pass "every iop_ function exported by libiop.so is declared in include/iop.h"
else
    fail "exported but not declared in include/iop.h: $undeclared"
fi

# --- The headers compile as C and as C++ ------------------------------------------------------
printf '#include "iop.h"\n#include "iop_sandbox.h"\nint main(void) { return IOP_OK; }\n' \
    >"$IOP_OUT/header_check.c"
printf '#include "iop.h"\n#include "iop_sandbox.h"\nint main() { IopClient *c = nullptr; return c ? IOP_ERR_INTERNAL : IOP_OK; }\n' \
    >"$IOP_OUT/header_check.cpp"
if gcc -x c -std=c99 -fsyntax-only -Wall -Wextra -Werror -pedantic -I"$IOP_ROOT/include" "$IOP_OUT/header_check.c" &&
    g++ -x c++ -std=c++11 -fsyntax-only -Wall -Wextra -Werror -pedantic -I"$IOP_ROOT/include" "$IOP_OUT/header_check.cpp"; then
    pass "include/iop.h and iop_sandbox.h compile as C99 and C++11 (-Wall -Wextra -Werror -pedantic)"
else
    fail "include/iop.h or iop_sandbox.h does not compile as C99 and C++11"
fi

# --- Build -------------------------------------------------------------------------------------
PLAIN=$IOP_OUT/test_iop
ASAN=$IOP_OUT/test_iop_asan
CLANG_ASAN=$IOP_OUT/test_iop_clang_asan
STRESS_SRC=$IOP_ROOT/tests/c/stress.c
STRESS=$IOP_OUT/stress
STRESS_ASAN=$IOP_OUT/stress_clang_asan
SANITIZE=(-fsanitize=address,undefined -fno-omit-frame-pointer)
if iop_c_compile "$PLAIN" "$TEST_SRC" -O1 &&
    iop_c_compile "$ASAN" "$TEST_SRC" -O1 "${SANITIZE[@]}" &&
    iop_c_compile "$STRESS" "$STRESS_SRC" -O1; then
    pass "test_iop.c and stress.c compile (gcc -std=c11 -Wall -Wextra -Werror -pedantic), plain and ASan/UBSan"
else
    fail "test_iop.c or stress.c does not compile with gcc"
    done_=1
    exit 1
fi
clang_ok=0
if ! command -v clang >/dev/null; then
    fail "clang is not installed"
elif IOP_CC=clang iop_c_compile "$CLANG_ASAN" "$TEST_SRC" -O1 "${SANITIZE[@]}" -fno-sanitize-recover=all &&
    IOP_CC=clang iop_c_compile "$STRESS_ASAN" "$STRESS_SRC" -O1 "${SANITIZE[@]}" -fno-sanitize-recover=all; then
    pass "test_iop.c and stress.c compile with clang (same flags) and ASan/UBSan"
    clang_ok=1
else
    fail "test_iop.c or stress.c does not compile with clang"
fi

# --- The C quickstart compiles (same flags) and runs against the sandbox ------------------------
rm -f "$IOP_OUT/quickstart.log"
if iop_c_compile "$IOP_OUT/quickstart" "$IOP_ROOT/examples/c/quickstart.c" &&
    "$IOP_OUT/quickstart" >"$IOP_OUT/quickstart.log" 2>&1; then
    pass "examples/c/quickstart.c compiles (-Werror) and runs against the sandbox"
else
    fail "examples/c/quickstart.c does not compile or run ($IOP_OUT/quickstart.log)"
    tail -n 20 "$IOP_OUT/quickstart.log" 2>/dev/null || true
fi

# run_mode NAME LOG QUIET COMMAND...: runs the suite, adds its counts. QUIET=1 hides "ok" lines.
run_mode() {
    local name=$1 log=$2 quiet=$3 rc=0 summary p f
    shift 3
    echo "# run: $name"
    local start=$SECONDS
    "$@" >"$log" 2>&1 || rc=$?
    if [[ $quiet == 1 ]]; then grep -v -e '^ok - ' -e '^#   vector ' "$log" || true; else cat "$log"; fi
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1 || true)
    if [[ -z $summary ]]; then
        fail "$name: no summary line (crashed? exit status $rc)"
        tail -n 40 "$log"
        return
    fi
    p=${summary%% passed*}
    f=${summary#*, }
    f=${f%% failed}
    passed=$((passed + p))
    failed=$((failed + f))
    echo "# $name: $p passed, $f failed, exit status $rc, $((SECONDS - start)) s"
    if ((rc != 0 && f == 0)); then
        fail "$name: exit status $rc although every test passed"
    fi
}

# (a) plain
run_mode "plain" "$IOP_OUT/plain.log" 0 "$PLAIN"

# run_valgrind NAME PROGRAM: runs PROGRAM under memcheck (zero errors, zero definite/indirect
# leaks) through run_mode, then prints valgrind's summary (and its report if it found errors).
run_valgrind() {
    local name=$1 program=$2
    local log=$IOP_OUT/$name.log
    run_mode "$name" "$IOP_OUT/$name.out" 1 \
        valgrind --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=30 \
        --log-file="$log" "$program"
    echo "# $name summary ($log):"
    grep -E 'ERROR SUMMARY|definitely lost:|indirectly lost:|possibly lost:|still reachable:|suppressed:|no leaks are possible' \
        "$log" | sed -E 's/^==[0-9]+== +/#   /' || true
    if ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
        grep -v -e '^==[0-9]*== *$' "$log" | head -n 120
    fi
}

# (b) valgrind: the plain binary; timing checks get more slack
if command -v valgrind >/dev/null; then
    IOP_C_TEST_SLACK_MS=3000 run_valgrind "valgrind" "$PLAIN"
else
    fail "valgrind is not installed"
fi

# (c) AddressSanitizer + UndefinedBehaviorSanitizer, gcc
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_mode "asan+ubsan" "$IOP_OUT/asan.log" 1 "$ASAN"

# (d) the same, clang
if ((clang_ok)); then
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        run_mode "clang asan+ubsan" "$IOP_OUT/clang_asan.log" 1 "$CLANG_ASAN"
fi

# (e)-(g) the thread stress program
run_mode "stress" "$IOP_OUT/stress.log" 0 "$STRESS"
if ((clang_ok)); then
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        run_mode "stress clang asan+ubsan" "$IOP_OUT/stress_clang_asan.log" 0 "$STRESS_ASAN"
fi
if command -v valgrind >/dev/null; then
    IOP_C_STRESS_CALLS=20 run_valgrind "stress-valgrind" "$STRESS"
fi

done_=1 # finish prints the summary and sets the exit status
