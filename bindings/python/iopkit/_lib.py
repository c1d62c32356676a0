"""Finds and loads libiop, then binds the generated declarations (:mod:`iopkit._abi`) to it.

Nothing here writes to disk. The library is looked up, in order, at:

1. the path in the ``IOPKIT_LIB`` environment variable (no fallback if it is set but fails);
2. ``iopkit/_native/libiop.so`` bundled in the package (wheels carry it there);
3. ``ctypes.util.find_library("iop")``, then ``libiop.so.0`` on the loader's search path.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path
from typing import Any, List, Tuple

from . import _abi


def _candidates() -> List[Tuple[str, str]]:
    """(how it was found, path or name) pairs to try, in order."""
    env = os.environ.get("IOPKIT_LIB")
    if env:
        return [("IOPKIT_LIB", env)]
    out: List[Tuple[str, str]] = []
    bundled = Path(__file__).resolve().parent / "_native" / "libiop.so"
    if bundled.is_file():
        out.append(("bundled", str(bundled)))
    found = ctypes.util.find_library("iop")
    if found:
        out.append(("find_library", found))
    return out + [("loader", "libiop.so.0")]


def _load() -> Tuple[ctypes.CDLL, str]:
    errors = []
    for how, where in _candidates():
        try:
            return ctypes.CDLL(where), where
        except OSError as e:
            errors.append(f"{how} {where!r}: {e}")
    raise ImportError(
        "iopkit: cannot load the native library libiop (" + "; ".join(errors) + "). Build it with "
        "bindings/python/build_native.sh (cargo build -p iopkit), or set IOPKIT_LIB to its path."
    )


def _check_version(lib: Any, where: str) -> str:
    """libiop's version, which must have the header's major and minor parts."""
    raw = lib.iop_version()
    version = raw.decode("utf-8", "replace") if raw else "?"
    wanted = f"{_abi.IOP_VERSION_MAJOR}.{_abi.IOP_VERSION_MINOR}"
    if version.split(".")[:2] != wanted.split("."):
        raise ImportError(f"iopkit: {where} is libiop {version}, but this binding needs {wanted}.x")
    return version


lib, library_path = _load()
try:
    _abi.bind(lib)
except AttributeError as e:
    raise ImportError(f"iopkit: {library_path} is not a compatible libiop ({e})") from None
#: Version string of the loaded libiop, e.g. ``"0.2.0"``.
library_version = _check_version(lib, library_path)
