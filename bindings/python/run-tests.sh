#!/usr/bin/env bash
# Runs the Python binding's tests (pytest) against the sandbox; works from any directory.
# Builds libiop and the sandbox, copies libiop.so into iopkit/_native/, keeps a virtual
# environment in target/python-venv (pytest and setuptools from PyPI on first use), and ends
# with one line: "python: N passed, M failed". Extra arguments go to pytest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$ROOT/target/python-venv"
PY="$VENV/bin/python"
PYTEST_VERSION="8.4.2"
SETUPTOOLS_VERSION="80.9.0"
LOG_DIR="$ROOT/target/python"
LOG="$LOG_DIR/pytest.log"

# 1. libiop + iop-sandbox (debug), and the library copied into the package
"$HERE/build_native.sh" debug

# 2. the virtual environment with pinned test tools
if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
fi
if ! "$PY" - "$PYTEST_VERSION" <<'PYCHECK' 2>/dev/null
import sys
import pytest, setuptools
ok = pytest.__version__ == sys.argv[1] and int(setuptools.__version__.split(".")[0]) >= 77
sys.exit(0 if ok else 1)
PYCHECK
then
    echo "installing pytest==$PYTEST_VERSION setuptools==$SETUPTOOLS_VERSION into $VENV"
    "$PY" -m pip install -q --disable-pip-version-check "pytest==$PYTEST_VERSION" "setuptools==$SETUPTOOLS_VERSION"
fi

# 3. the tests
mkdir -p "$LOG_DIR"
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
    echo "python: $passed passed, $(( failed > 0 ? failed : 1 )) failed"
    exit "$rc"
fi
echo "python: $passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
