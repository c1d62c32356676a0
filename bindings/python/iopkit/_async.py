"""The ``*_async`` methods' runner: a blocking libiop call, run on a worker thread so that the
event loop never waits for it (ctypes releases the GIL during the native call).

Cancelling the awaiting task returns to the caller at once; the native call goes on in its
thread until it ends (at the latest at its timeout) and its result is then freed as usual.
The calls run on one executor shared by the package (threads named ``iopkit-async``, as many
as ``IOP_DEFAULT_MAX_IDLE_CONNECTIONS``, the connections a client keeps per host), or on the
one given to :func:`set_executor`. The caller's :mod:`contextvars` are visible to the call.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Callable, Optional, TypeVar

from . import _abi

_T = TypeVar("_T")

_lock = threading.Lock()
_executor: Optional[Executor] = None


def set_executor(executor: Optional[Executor]) -> None:
    """Runs the ``*_async`` calls on ``executor`` from now on (``None``: the shared default).
    The caller keeps ownership of an executor it passes (iopkit never shuts it down)."""
    global _executor
    with _lock:
        _executor = executor


def _current() -> Executor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(_abi.IOP_DEFAULT_MAX_IDLE_CONNECTIONS, thread_name_prefix="iopkit-async")
        return _executor


async def run(fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(*args)`` on the executor, awaited."""
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, fn, *args)
    return await loop.run_in_executor(_current(), call)
