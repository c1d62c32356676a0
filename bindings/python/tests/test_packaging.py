"""The wheel carries libiop and py.typed, depends on nothing, and works once installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import BINDING_DIR

try:  # pyproject.toml needs setuptools >= 77 (run-tests.sh installs it in its venv)
    import setuptools

    HAVE_SETUPTOOLS = tuple(int(x) for x in setuptools.__version__.split(".")[:1]) >= (77,)
except ImportError:  # pragma: no cover
    HAVE_SETUPTOOLS = False


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert HAVE_SETUPTOOLS, "setuptools >= 77 is installed by run-tests.sh"
    assert (BINDING_DIR / "iopkit" / "_native" / "libiop.so").is_file(), "copied in by build_native.sh"
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(BINDING_DIR / name, src / name)
    shutil.copytree(BINDING_DIR / "iopkit", src / "iopkit", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    wheels = list(out.glob("iopkit-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_contents(wheel: Path) -> None:
    assert wheel.name.startswith("iopkit-0.2.0-py3-none-linux_"), wheel.name
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read("iopkit-0.2.0.dist-info/METADATA").decode()
    for required in ("iopkit/__init__.py", "iopkit/py.typed", "iopkit/_native/libiop.so", "iopkit/constants.py", "iopkit/_abi.py"):
        assert required in names, required
    assert not any(n.startswith("tests/") for n in names)
    assert "Requires-Dist" not in metadata


def test_installed_wheel_loads_its_bundled_library(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    env = {k: v for k, v in os.environ.items() if k != "IOPKIT_LIB"}
    env["PYTHONPATH"] = str(site)
    r = subprocess.run(
        [sys.executable, "-c", "import iopkit; print(iopkit.library_path); print(iopkit.library_version)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 0, r.stderr
    path, version = r.stdout.split()
    assert path == str(site / "iopkit" / "_native" / "libiop.so")
    assert version.startswith("0.2.")
