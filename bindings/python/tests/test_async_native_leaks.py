"""The async tests again under valgrind: cancelled and orphaned native calls leak nothing and
libiop makes no invalid access (CPython's own reports are not libiop's and are left aside)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def test_async_calls_leak_nothing_under_valgrind(tmp_path: Path) -> None:
    log = tmp_path / "valgrind.log"
    env = dict(os.environ, PYTHONMALLOC="malloc", PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run(
        ["valgrind", "--leak-check=full", "--show-leak-kinds=definite", f"--log-file={log}",
         sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_async.py"],
        cwd=Path(__file__).parent.parent, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    text = log.read_text()
    assert "definitely lost: 0 bytes in 0 blocks" in text or "All heap blocks were freed" in text, text[-3000:]
    # Every error record (a blank-line separated block) with a frame of libiop or its crates.
    records = re.split(r"\n==\d+== \n", text)
    ours = [r for r in records if re.search(r"libiop\.so|\b(iop|ureq|rustls|ring)::", r)]
    assert not ours, ours[:3]
    assert "passed" in run.stdout, run.stdout
