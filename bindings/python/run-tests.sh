#!/usr/bin/env bash
# Runs the Python binding's tests (pytest) against the sandbox; works from any directory.
# Installs redis-server (Debian) when missing, builds libiop and the sandbox (cargo, those two
# packages only), copies libiop.so into iopkit/_native/, keeps a virtual environment in
# target/python-venv (pinned pytest, setuptools and mypy from PyPI on first use), and ends with
# one line: "python: N passed, M failed". Extra arguments go to pytest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$ROOT/target/python-venv"
PY="$VENV/bin/python"
PINS=("pytest==8.4.2" "setuptools==80.9.0" "mypy==1.13.0")
LOG="$ROOT/target/python/pytest.log"

# 1. Debian packages: redis-server for the Redis store tests, venv support for python3
need=()
command -v redis-server >/dev/null || need+=(redis-server)
python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing Debian packages: ${need[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 2. libiop + iop-sandbox (debug), and the library copied into the package
"$HERE/build_native.sh" debug

# 3. the virtual environment with pinned test tools
[ -x "$PY" ] || python3 -m venv "$VENV"
freeze="$("$PY" -m pip freeze --all 2>/dev/null || true)"
missing=0
for pin in "${PINS[@]}"; do grep -qixF "$pin" <<<"$freeze" || missing=1; done
if [ "$missing" -eq 1 ]; then
    echo "installing ${PINS[*]} into $VENV"
    "$PY" -m pip install -q --disable-pip-version-check "${PINS[@]}"
fi

# 4. the tests
mkdir -p "$(dirname "$LOG")"
export PYTHONDONTWRITEBYTECODE=1 RUST_BACKTRACE=0
export IOP_SANDBOX="${IOP_SANDBOX:-$ROOT/target/debug/iop-sandbox}"
unset IOPKIT_LIB
set +e
(cd "$HERE" && "$PY" -m pytest -q -rfE "$@") 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e

summary="$(grep -aE '(passed|failed|error|no tests ran)' "$LOG" | tail -n 1 || true)"
count() { echo "$summary" | grep -Eo "[0-9]+ $1" | grep -Eo '[0-9]+' | head -n 1 || true; }
passed="$(count passed)"; failed="$(count failed)"; errors="$(count 'errors?')"
passed="${passed:-0}"; failed=$(( ${failed:-0} + ${errors:-0} ))
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "pytest did not complete (exit status $rc); log: $LOG" >&2
    failed=$(( failed > 0 ? failed : 1 ))
fi
echo "python: $passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
