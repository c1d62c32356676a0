"""The package type-checks under ``mypy --strict`` (run-tests.sh installs a pinned mypy)."""

from __future__ import annotations

import subprocess
import sys

from conftest import BINDING_DIR


def test_mypy_strict_reports_no_errors() -> None:
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "iopkit"], cwd=BINDING_DIR,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
