#!/usr/bin/env bash
# Runs the PHP binding's tests: installs php-cli, phpunit and redis-server (Debian packages) when missing,
# builds libiop and the sandbox, runs PHPUnit. Works from any directory. Extra arguments go to
# phpunit (e.g. --filter TokenTest). The last line is always "php: N passed, M failed".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

summary_failed() {
    echo "php: 0 passed, 1 failed"
    exit 1
}

missing=()
command -v php >/dev/null 2>&1 || missing+=(php-cli)
command -v phpunit >/dev/null 2>&1 || missing+=(phpunit)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "run-tests: installing ${missing[*]} (apt-get)" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"; } >&2 || {
        echo "run-tests: could not install ${missing[*]}" >&2
        summary_failed
    }
fi

if ! php -r 'exit(PHP_VERSION_ID >= 80100 && extension_loaded("FFI") ? 0 : 1);'; then
    echo "run-tests: PHP 8.1+ with the FFI extension is required (found $(php -r 'echo PHP_VERSION;'))" >&2
    summary_failed
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "run-tests: cargo not found (Rust is needed to build libiop)" >&2
    summary_failed
fi
echo "run-tests: cargo build -p iopkit -p iopkit-sandbox" >&2
(cd "$repo" && cargo build -p iopkit -p iopkit-sandbox) >&2 || summary_failed

export IOPKIT_LIB="${IOPKIT_LIB:-$repo/target/debug/libiop.so}"
export IOP_SANDBOX="${IOP_SANDBOX:-$repo/target/debug/iop-sandbox}"
export RUST_BACKTRACE=0

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
(cd "$here" && phpunit --configuration "$here/phpunit.xml" "$@") 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# PHPUnit 9 summaries: "OK (N tests, A assertions)" or
# "Tests: N, Assertions: A[, Errors: E][, Failures: F][, Warnings: W][, Skipped: S][, Incomplete: I][, Risky: R]."
summary="$(grep -E '^(OK \([0-9]+ tests?|Tests: [0-9]+)' "$log" | tail -n 1 || true)"
count() { # count NAME: the number after "NAME: " in the summary, or 0
    local n
    n="$(printf '%s\n' "$summary" | grep -oE "$1: [0-9]+" | grep -oE '[0-9]+' || true)"
    echo "${n:-0}"
}
if [[ "$summary" =~ ^OK\ \(([0-9]+)\ test ]]; then
    passed="${BASH_REMATCH[1]}"
    failed=0
elif [[ -n "$summary" ]]; then
    total="$(count Tests)"
    failed=$(( $(count Errors) + $(count Failures) + $(count Warnings) + $(count Risky) ))
    passed=$(( total - failed - $(count Skipped) - $(count Incomplete) ))
else
    passed=0
    failed=1
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # phpunit failed without a parsable summary (crash, bad configuration)
fi
echo "php: $passed passed, $failed failed"
exit "$rc"
