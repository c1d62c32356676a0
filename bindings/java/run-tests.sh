#!/usr/bin/env bash
# Runs the Java binding's test suite (JUnit 5 through `mvn verify`, JVM flag -Xcheck:jni) and
# ends with exactly one line: "java: N passed, M failed".
#
# Installs OpenJDK 17, Maven and redis-server (Debian packages) when missing, builds the JNI
# library (iopkit-jni, which links the core's C ABI) and the sandbox with cargo (only those
# packages), then runs Maven (plugins, JUnit and Gson come from Maven Central into ~/.m2). The
# suite includes the cross-language conformance table (tests/conformance/cases.json). The Redis
# store's tests start their own redis-server on a free loopback port. Works from any directory.
# Full Maven log: bindings/java/target/mvn-verify.log. The JNI glue (native/src/generated.rs) and
# io.iopkit.internal.Native are generated: `cargo run -p iopkit-abigen`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
log="$here/target/mvn-verify.log"

summary() {
    echo "java: $1 passed, $2 failed"
}

install_packages() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    echo "== installing $* (apt-get)"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

java_major() {
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

need=()
if ! command -v javac >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
    need+=(openjdk-17-jdk-headless)
fi
if ! command -v mvn >/dev/null 2>&1; then
    need+=(maven)
fi
if ! command -v redis-server >/dev/null 2>&1; then
    need+=(redis-server)
fi
if [ ${#need[@]} -gt 0 ]; then
    install_packages "${need[@]}"
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo (Rust 1.85 or newer) is required to build the native library" >&2
    summary 0 1
    exit 1
fi

echo "== cargo build -p iopkit-jni -p iopkit-sandbox"
if ! (cd "$root" && cargo build -p iopkit-jni -p iopkit-sandbox); then
    summary 0 1
    exit 1
fi

native_dir="$root/target/debug"
mkdir -p "$here/target"
echo "== mvn -B verify (native library from $native_dir)"
set +e
(cd "$here" && RUST_BACKTRACE=0 mvn -B verify \
    -Diopkit.native.dir="$native_dir" \
    -Diopkit.sandbox="${IOP_SANDBOX:-$native_dir/iop-sandbox}") >"$log" 2>&1
rc=$?
set -e
grep -E '(Tests run:|FAIL|\[ERROR\]|\[iopkit\]|BUILD)' "$log" | grep -v '^\[ERROR\] *$' | head -n 80 || true

# Surefire's overall totals: the "Tests run" line that is not a per-class line ("-- in ...").
totals="$(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+' "$log" | grep -v -- '-- in ' | tail -n 1 || true)"
if [ -z "$totals" ]; then
    echo "!! no test results (build failed before the tests?); see $log" >&2
    summary 0 1
    exit 1
fi
read -r run failures errors skipped < <(echo "$totals" |
    sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+).*/\1 \2 \3 \4/')
passed=$((run - failures - errors - skipped))
failed=$((failures + errors))
if [ "$skipped" -ne 0 ]; then
    echo "!! $skipped test(s) skipped: every test must run" >&2
    failed=$((failed + skipped))
fi

# -Xcheck:jni reports problems as warnings in the JVM's output: any one is a failure.
if grep -E -q 'WARNING in native method|FATAL ERROR in native method|JNI local refs: [0-9]+, exceeds capacity' \
    "$log" "$here"/target/surefire-reports/* 2>/dev/null; then
    echo "!! -Xcheck:jni reported a problem:" >&2
    grep -E -h 'WARNING in native method|FATAL ERROR in native method|JNI local refs' "$log" \
        "$here"/target/surefire-reports/* 2>/dev/null | head -n 10 >&2
    failed=$((failed + 1))
fi
if [ $rc -ne 0 ] && [ $failed -eq 0 ]; then
    echo "!! mvn verify failed (exit $rc) after the tests; see $log" >&2
    failed=1
fi

summary "$passed" "$failed"
[ "$failed" -eq 0 ]
