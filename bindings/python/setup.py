"""Build glue for the wheel and the sdist (metadata lives in pyproject.toml).

- build_py puts libiop.so into the package's iopkit/_native/, taken from the first of:
  1. IOPKIT_LIB, a built libiop.so (scripts/package passes its glibc-2.17 build);
  2. iopkit/_native/libiop.so, already there in a checkout (build_native.sh copies it in);
  3. cargo: `cargo build --release --lib` of the Rust sources, native/ in an sdist or the
     repository root in a checkout, into build/cargo-target (needs Rust 1.89 or newer).
- bdist_wheel tags the wheel for the platform (it carries a native library) but not for a
  Python ABI (the binding uses ctypes only): py3-none-<platform>. scripts/package retags it
  manylinux_2_17_x86_64 with auditwheel.
- sdist: made by packaging/python/package.sh, which adds the Rust sources under native/;
  refused without them (the sdist could not build libiop).
"""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
LIB = "libiop.so"
# The Rust sources: an sdist's native/, else the checkout's root (bindings/python/../..).
SDIST_CRATE = HERE / "native"
CHECKOUT_CRATE = HERE.parents[1] if len(HERE.parents) > 1 else HERE


def crate_dir():
    """The directory of the iopkit crate to build, or None."""
    for candidate in (SDIST_CRATE, CHECKOUT_CRATE):
        manifest = candidate / "Cargo.toml"
        if manifest.is_file() and 'name = "iopkit"' in manifest.read_text(encoding="utf-8"):
            return candidate
    return None


def cargo_build(crate):
    """Builds libiop (release) from the crate's sources; returns the library's path."""
    cargo = os.environ.get("CARGO", "cargo")
    if shutil.which(cargo) is None:
        raise SystemExit(
            "iopkit: building libiop from source needs Rust 1.89 or newer (cargo, https://rustup.rs); "
            "or set IOPKIT_LIB to a built libiop.so"
        )
    target = HERE / "build" / "cargo-target"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    subprocess.run(
        [cargo, "build", "--release", "--locked", "--lib", "-p", "iopkit", "--manifest-path", str(crate / "Cargo.toml")],
        check=True,
        env=env,
    )
    return target / "release" / LIB


def find_native_lib():
    """IOPKIT_LIB, else the copy in iopkit/_native/, else a cargo build of the Rust sources."""
    env = os.environ.get("IOPKIT_LIB")
    if env:
        return Path(env)
    bundled = HERE / "iopkit" / "_native" / LIB
    if bundled.is_file():
        return bundled
    crate = crate_dir()
    if crate is None:
        raise SystemExit(f"iopkit: {LIB} not found and no Rust sources to build it; set IOPKIT_LIB to its path")
    return cargo_build(crate)


class BuildPyWithLib(build_py):
    def run(self):
        super().run()
        src = find_native_lib()
        dest = Path(self.build_lib) / "iopkit" / "_native" / LIB
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.resolve() != dest.resolve():
            shutil.copyfile(src, dest)


class SdistWithSources(sdist):
    def run(self):
        if not (SDIST_CRATE / "Cargo.toml").is_file():
            raise SystemExit("iopkit: make the sdist with packaging/python/package.sh (it adds the Rust sources in native/)")
        super().run()


class BinaryDistribution(Distribution):
    """Carries a native library: installed to platlib, wheel tagged for the platform."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildPyWithLib, "sdist": SdistWithSources, "bdist_wheel": PlatformWheel},
)
