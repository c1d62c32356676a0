"""Build glue for the wheel (metadata lives in pyproject.toml).

- build_py puts libiop.so into the wheel's iopkit/_native/: from IOPKIT_LIB, else the
  workspace's target/release, else the copy already in iopkit/_native/, else target/debug
  (build it first: cargo build --release -p iopkit).
- bdist_wheel tags the wheel for the platform (it carries a native library) but not for a
  Python ABI (the binding uses ctypes only): py3-none-<platform>.
"""

import os
import shutil
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LIB = "libiop.so"


def find_native_lib():
    """IOPKIT_LIB, else target/release, else the copy in iopkit/_native/, else target/debug."""
    env = os.environ.get("IOPKIT_LIB")
    if env:
        return Path(env)
    for candidate in (
        REPO / "target" / "release" / LIB,
        HERE / "iopkit" / "_native" / LIB,
        REPO / "target" / "debug" / LIB,
    ):
        if candidate.is_file():
            return candidate
    raise SystemExit(
        f"iopkit: {LIB} not found; build it first (cd {REPO} && cargo build --release -p iopkit) "
        "or set IOPKIT_LIB to its path"
    )


class BuildPyWithLib(build_py):
    def run(self):
        super().run()
        src = find_native_lib()
        dest = Path(self.build_lib) / "iopkit" / "_native" / LIB
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.resolve() != dest.resolve():
            shutil.copyfile(src, dest)


class BinaryDistribution(Distribution):
    """Carries a native library: installed to platlib, wheel tagged for the platform."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(distclass=BinaryDistribution, cmdclass={"build_py": BuildPyWithLib, "bdist_wheel": PlatformWheel})
