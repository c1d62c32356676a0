"""Deterministic ownership of one native handle (``c_void_p``).

A handle is freed exactly once: by ``close()`` (or leaving a ``with`` block), or by a
``weakref.finalize`` safety net when its owner is garbage-collected. ``close()`` while another
thread is inside a call on the handle defers the free until that call returns, so closing can
never free memory in use. Calls after ``close()`` raise :class:`InvalidArgumentError`.
"""

from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from .errors import InvalidArgumentError


class NativeHandle:
    __slots__ = ("_ptr", "_kind", "_lock", "_users", "_closing", "_finalizer", "__weakref__")

    def __init__(self, owner: Any, ptr: int, free: Callable[[int], None], kind: str) -> None:
        self._ptr = ptr
        self._kind = kind
        self._lock = threading.Lock()
        self._users = 0
        self._closing = False
        # The finalizer holds the pointer and the free function, never the owner.
        self._finalizer = weakref.finalize(owner, free, ptr)
        # At interpreter exit the OS reclaims everything; freeing then could race daemon threads.
        # (typeshed declares `atexit` as a plain attribute of a `__slots__ = ()` class; at run
        # time it is a settable property.)
        self._finalizer.atexit = False  # type: ignore[misc]

    @property
    def closed(self) -> bool:
        return self._closing

    def _closed_error(self) -> InvalidArgumentError:
        return InvalidArgumentError(f"{self._kind} is closed")

    @contextmanager
    def shared(self) -> Iterator[int]:
        """Uses the handle for a call that other threads may make at the same time."""
        with self._lock:
            if self._closing:
                raise self._closed_error()
            self._users += 1
        try:
            yield self._ptr
        finally:
            with self._lock:
                self._users -= 1
                if self._closing and self._users == 0:
                    self._finalizer()

    @contextmanager
    def exclusive(self) -> Iterator[int]:
        """Uses the handle for a mutation: no other call may be using it meanwhile."""
        with self._lock:
            if self._closing:
                raise self._closed_error()
            if self._users:
                raise RuntimeError(f"{self._kind} is in use by another thread; do not modify it meanwhile")
            yield self._ptr

    def close(self) -> None:
        """Frees the handle now, or when the last call in progress returns. Idempotent."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            if self._users == 0:
                self._finalizer()
