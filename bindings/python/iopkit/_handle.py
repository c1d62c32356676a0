"""Deterministic ownership of native handles, shared by every object wrapping one.

A handle is freed exactly once: by ``close()`` (or leaving a ``with`` block), or by a
``weakref.finalize`` safety net when its owner is garbage-collected. ``close()`` while another
thread is inside a call on the handle defers the free until that call returns, so closing can
never free memory in use. Calls after ``close()`` raise :class:`InvalidArgumentError`.
"""

from __future__ import annotations

import weakref
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional, TypeVar

from ._abi import InvalidArgumentError

_T = TypeVar("_T", bound="NativeObject")


class NativeHandle:
    """``with handle as ptr:`` is a shared use (calls other threads may make at the same time);
    :meth:`exclusive` a mutation. No lock: uses are entries in ``_users`` (list appends and pops
    are atomic), each entered before ``_closing`` is checked, and ``close`` sets ``_closing``
    before it looks at them, so one of the two always sees the other; the finalizer runs once."""

    __slots__ = ("_ptr", "_kind", "_users", "_closing", "_finalizer", "__weakref__")

    def __init__(self, owner: Any, ptr: int, free: Callable[[int], None], kind: str) -> None:
        self._ptr = ptr
        self._kind = kind
        self._users: List[int] = []  # 1 per shared use, 0 for a mutation
        self._closing = False
        # The finalizer holds the pointer and the free function, never the owner.
        self._finalizer = weakref.finalize(owner, free, ptr)
        # At interpreter exit the OS reclaims everything; freeing then could race daemon threads.
        self._finalizer.atexit = False

    @property
    def closed(self) -> bool:
        return self._closing

    def _enter(self, use: int) -> int:
        users = self._users
        users.append(use)
        if self._closing:
            self._leave(use)
            raise InvalidArgumentError(f"{self._kind} is closed")
        if (0 in users) if use else len(users) > 1:
            self._leave(use)
            raise RuntimeError(f"{self._kind} is in use by another thread; do not modify it meanwhile")
        return self._ptr

    def _leave(self, use: int) -> None:
        self._users.remove(use)
        if self._closing and not self._users:
            self._finalizer()

    def __enter__(self) -> int:
        return self._enter(1)

    def __exit__(self, *exc: Any) -> None:
        self._leave(1)

    @contextmanager
    def exclusive(self) -> Iterator[int]:
        """Uses the handle for a mutation: no other call may be using it meanwhile."""
        ptr = self._enter(0)
        try:
            yield ptr
        finally:
            self._leave(0)

    def close(self) -> None:
        """Frees the handle now, or when the last call in progress returns. Idempotent."""
        self._closing = True
        if not self._users:
            self._finalizer()


class NativeObject:
    """Base of the classes owning one native handle: ``close()``, ``closed``, ``with``."""

    _handle: NativeHandle

    def _adopt(self, ptr: int, free: Callable[[int], None], kind: Optional[str] = None) -> None:
        self._handle = NativeHandle(self, ptr, free, kind or type(self).__name__)

    def _native(self) -> NativeHandle:
        handle: Optional[NativeHandle] = getattr(self, "_handle", None)
        if handle is None:
            raise TypeError(f"{type(self).__name__} has no native handle: call super().__init__() in its __init__")
        return handle

    @property
    def closed(self) -> bool:
        return self._native().closed

    def close(self) -> None:
        """Releases the native object (idempotent; calls in progress on other threads finish
        first, then it is freed)."""
        self._native().close()

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _describe(self) -> str:
        return ""

    def __repr__(self) -> str:
        state = " closed" if getattr(self, "_handle", None) is not None and self.closed else ""
        return f"<{type(self).__name__}{self._describe()}{state}>"
