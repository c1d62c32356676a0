"""Token stores: where :class:`~iopkit.TokenManager` keeps each account's tokens.

- :class:`MemoryTokenStore`: this process's memory.
- :class:`FileTokenStore`: a JSON file (mode 0600), shared safely by the processes of one host.
- :class:`RedisTokenStore`: Redis, shared safely by the hosts of a fleet.
- :class:`CallbackTokenStore`: subclass it to keep tokens in your own database.

The records hold tokens, never the app secret. Locking, versioning and record formats are
libiop's; a store here only holds the native handle (and, for callback stores, the functions
libiop calls back).
"""

from __future__ import annotations

import abc
import ctypes
import json
import math
import os
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, List, Optional, TypeVar, Union

from . import _lib
from ._handle import NativeHandle
from ._util import encode, encode_optional
from .errors import check, last_error
from .token import _utc

_clib = _lib.lib
_T = TypeVar("_T", bound="TokenStore")

# Return codes of the callbacks (IopTokenStoreCallbacks).
_OK = 0
_NO = 1  # compare_and_swap: the version differed; lock: timed out
_FAILED = -1


@dataclass(frozen=True)
class ReauthorizationDue:
    """An account whose seller must authorize the app again by ``reauthorize_by`` (a
    timezone-aware UTC datetime; already passed for a grant known to be dead)."""

    account: str
    reauthorize_by: datetime


def _seconds(value: Any, name: str) -> float:
    """A non-negative duration (``timedelta`` or seconds) in seconds."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise TypeError(f"{name} must be a timedelta or a number of seconds, not {type(value).__name__}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{name} must be a finite, non-negative duration")
    if seconds >= 2**62:
        raise ValueError(f"{name} is too large")
    return seconds


def _whole_seconds(value: Any, name: str) -> int:
    """A non-negative duration (``timedelta`` or seconds) as whole seconds, rounded up."""
    return math.ceil(_seconds(value, name))


def _millis_or_default(value: Any, name: str) -> int:
    """``None`` as 0 (libiop's default), else a positive duration (``timedelta`` or seconds)
    as whole milliseconds, rounded up."""
    if value is None:
        return 0
    seconds = _seconds(value, name)
    if seconds == 0:
        raise ValueError(f"{name} must be positive (None for the default)")
    micros = round(seconds * 1_000_000)  # whole microseconds first: 1.1 s is 1100 ms, not 1101
    millis = max(1, -(-micros // 1000))
    if millis >= 2**63:
        raise ValueError(f"{name} is too large")
    return millis


class TokenStore:
    """Base class of the token stores; pass one to :class:`~iopkit.TokenManager`.

    Use :class:`MemoryTokenStore`, :class:`FileTokenStore`, or subclass
    :class:`CallbackTokenStore`. A store may be shared by any number of managers and threads.
    :meth:`close` (or a ``with`` block) releases this handle; managers created with the store
    keep using it."""

    _handle: NativeHandle
    _kind = "TokenStore"

    def _adopt(self, ptr: Optional[int]) -> None:
        self._handle = NativeHandle(self, ptr, _clib.iop_token_store_free, self._kind)  # type: ignore[arg-type]

    def _native(self) -> NativeHandle:
        handle: Optional[NativeHandle] = getattr(self, "_handle", None)
        if handle is None:
            raise TypeError(
                f"{type(self).__name__} has no native store: call super().__init__() in its __init__"
            )
        return handle

    def _check(self, status: int) -> None:
        """Raises for a failed call that used this store (callback stores add the cause)."""
        check(status)

    def _begin(self) -> None:
        """Called right before a native call that may use this store's callbacks."""

    def reauthorization_due(self, within: Union[timedelta, float]) -> List[ReauthorizationDue]:
        """The accounts whose seller must authorize again within ``within`` (a ``timedelta`` or
        seconds, rounded up to whole seconds), passed deadlines and dead grants included,
        soonest first (``iop_token_store_due_json``)."""
        within_s = _whole_seconds(within, "within")
        out = ctypes.c_void_p()
        with self._native().shared() as ptr:
            self._begin()
            status = _clib.iop_token_store_due_json(ptr, within_s, ctypes.byref(out))
            self._check(status)
        due = json.loads(_lib.take_owned_string(out.value) or "[]")
        return [ReauthorizationDue(str(d["account"]), _utc(int(d["reauthorize_by"]))) for d in due]

    @property
    def closed(self) -> bool:
        return self._native().closed

    def close(self) -> None:
        """Releases this handle (idempotent). Managers created with the store keep it alive."""
        self._native().close()

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if getattr(self, "_handle", None) is not None and self.closed else ""
        return f"<{type(self).__name__}{state}>"


class MemoryTokenStore(TokenStore):
    """Tokens in this process's memory (``iop_token_store_memory_new``); lost at exit."""

    _kind = "MemoryTokenStore"

    def __init__(self) -> None:
        out = ctypes.c_void_p()
        check(_clib.iop_token_store_memory_new(ctypes.byref(out)))
        self._adopt(out.value)


class FileTokenStore(TokenStore):
    """Tokens in the JSON file at ``path`` (``iop_token_store_file_new``): created on the first
    write with mode 0600 (its folder must exist), shared safely by the processes of one host
    through an advisory lock on ``<path>.lock``. It never holds the app secret."""

    _kind = "FileTokenStore"

    def __init__(self, path: Union[str, "os.PathLike[str]"]) -> None:
        self._path = os.fspath(path)
        out = ctypes.c_void_p()
        check(_clib.iop_token_store_file_new(encode(self._path, "path"), ctypes.byref(out)))
        self._adopt(out.value)

    @property
    def path(self) -> str:
        return self._path

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<FileTokenStore {self._path!r}{state}>"


class RedisTokenStore(TokenStore):
    """Tokens in Redis, shared by the hosts of a fleet (``iop_token_store_redis_new``): one
    host refreshes an account per expiry window (a lease lock per account, compare-and-swap
    writes) and every host then reads the new pair.

    ``url``: ``redis://[user][:password@]host[:port][/db]``, ``rediss://…`` (TLS, certificates
    always verified) or ``redis+unix:///path``; the password never appears in messages or in
    ``repr()``. ``app_key``: the app whose sellers' tokens these are; keys are
    ``<namespace>:<app_key>:<account>:record`` and ``…:lock``. ``namespace``: ``None`` for
    ``"iopkit"``. ``encryption_key``: 32 bytes to encrypt records at rest (AES-256-GCM), ``None``
    to store them as JSON. ``lease``: how long a refresh lock lasts unless released, so a host
    that dies holding it delays the account this long (``None``: 30 s); a refresh must finish
    within it. ``timeout``: the connect timeout and the timeout of each command (``None``: 5 s).
    Both are a ``timedelta`` or seconds, rounded up to whole milliseconds.

    Does not connect: while Redis is unreachable, calls raise :class:`~iopkit.ConnectError`,
    :class:`~iopkit.NetworkError` or :class:`~iopkit.IopTimeoutError`, and work again once it
    is back."""

    _kind = "RedisTokenStore"

    def __init__(
        self,
        url: str,
        app_key: str,
        *,
        namespace: Optional[str] = None,
        encryption_key: Union[bytes, bytearray, memoryview, None] = None,
        lease: Union[timedelta, float, None] = None,
        timeout: Union[timedelta, float, None] = None,
    ) -> None:
        url_b = encode(url, "url")
        app_key_b = encode(app_key, "app_key")
        namespace_b = encode_optional(namespace, "namespace")
        if encryption_key is None:
            key: Optional[bytes] = None
        elif isinstance(encryption_key, (bytes, bytearray, memoryview)):
            key = bytes(encryption_key)
        else:
            raise TypeError(f"encryption_key must be bytes or None, not {type(encryption_key).__name__}")
        lease_ms = _millis_or_default(lease, "lease")
        timeout_ms = _millis_or_default(timeout, "timeout")
        if not _lib.has_redis_store:
            raise NotImplementedError(
                f"{_lib.library_path} was built without the Redis token store (cargo feature redis-store)"
            )
        out = ctypes.c_void_p()
        check(
            _clib.iop_token_store_redis_new(
                url_b, namespace_b, app_key_b, key, 0 if key is None else len(key), lease_ms, timeout_ms,
                ctypes.byref(out),
            )
        )
        self._adopt(out.value)
        self._app_key = app_key
        self._namespace = namespace
        self._encrypted = key is not None

    @property
    def app_key(self) -> str:
        return self._app_key

    @property
    def namespace(self) -> Optional[str]:
        """The namespace given (``None``: libiop's default, ``"iopkit"``)."""
        return self._namespace

    @property
    def encrypted(self) -> bool:
        """Whether records are encrypted at rest."""
        return self._encrypted

    def __repr__(self) -> str:
        # Never the URL: it may hold the password.
        namespace = "" if self._namespace is None else f" namespace={self._namespace!r}"
        encrypted = " encrypted" if self._encrypted else ""
        state = " closed" if self.closed else ""
        return f"<RedisTokenStore app_key={self._app_key!r}{namespace}{encrypted}{state}>"


class CallbackTokenStore(TokenStore, abc.ABC):
    """A store backed by your code (a database, say): subclass it, implement :meth:`load`,
    :meth:`compare_and_swap`, :meth:`lock` and :meth:`unlock` (and :meth:`accounts` for
    :meth:`~TokenStore.reauthorization_due`), and call ``super().__init__()``.

    libiop calls these methods on the thread that called the manager (it starts no threads),
    concurrently for different accounts, so they must be thread-safe; :meth:`unlock` runs on
    the thread that called :meth:`lock`. A record is a JSON text with a numeric ``version``:
    store it as given. An exception raised by a method is caught before it reaches libiop,
    which then fails the call: the manager raises an :class:`~iopkit.IopError` whose
    ``__cause__`` is your exception (an exception from :meth:`unlock` is raised as is once the
    call returns)."""

    _kind = "CallbackTokenStore"

    def __init__(self) -> None:
        self._failures = threading.local()
        ref = weakref.ref(self)  # the functions must not keep the store alive (no cycle)
        # libiop keeps pointers to these function objects: they live as long as the store,
        # and every manager using the store holds the store.
        self._load_fn = _lib.TokenStoreLoad(_trampoline(ref, _load))
        self._cas_fn = _lib.TokenStoreCompareAndSwap(_trampoline(ref, _compare_and_swap))
        self._lock_fn = _lib.TokenStoreLock(_trampoline(ref, _lock))
        self._unlock_fn = _lib.TokenStoreUnlock(_trampoline(ref, _unlock, failed=None))
        callbacks = _lib.IopTokenStoreCallbacks(
            user_data=None, load=self._load_fn, compare_and_swap=self._cas_fn, lock=self._lock_fn,
            unlock=self._unlock_fn,
        )
        if type(self).accounts is not CallbackTokenStore.accounts:
            self._accounts_fn = _lib.TokenStoreAccounts(_trampoline(ref, _accounts))
            callbacks.accounts = self._accounts_fn
        self._callbacks = callbacks
        out = ctypes.c_void_p()
        check(_clib.iop_token_store_callback_new(ctypes.byref(callbacks), ctypes.byref(out)))
        self._adopt(out.value)

    # -- what the application implements ------------------------------------------------------

    @abc.abstractmethod
    def load(self, account: str) -> Optional[str]:
        """The record JSON stored for ``account``, or ``None`` when there is none."""

    @abc.abstractmethod
    def compare_and_swap(self, account: str, expected_version: int, record_json: str) -> bool:
        """Stores ``record_json`` (whose ``version`` is ``expected_version + 1``) durably if the
        stored record's ``version`` is ``expected_version`` (0: none stored) and returns
        ``True``; returns ``False`` (storing nothing) when it differs. libiop calls it only
        while it holds :meth:`lock` for the account."""

    @abc.abstractmethod
    def lock(self, account: str, timeout: float) -> bool:
        """Takes the refresh lock of ``account`` (shared by every process using the store),
        waiting at most ``timeout`` seconds: ``True`` when taken, ``False`` on timeout."""

    @abc.abstractmethod
    def unlock(self, account: str) -> None:
        """Releases the lock taken by :meth:`lock` (on the same thread)."""

    def accounts(self) -> Optional[List[str]]:
        """Every account with a record (``None``: none). Optional: without an override,
        :meth:`~TokenStore.reauthorization_due` raises :class:`~iopkit.InvalidArgumentError`."""
        return None

    # -- failures of the application's methods ------------------------------------------------

    def _note(self, error: BaseException) -> None:
        failures = getattr(self._failures, "list", None)
        if failures is None:
            failures = self._failures.list = []
        failures.append(error)

    def _begin(self) -> None:
        self._failures.list = []

    def _check(self, status: int) -> None:
        failures: List[BaseException] = getattr(self._failures, "list", None) or []
        self._failures.list = []
        if status != 0:
            error = last_error(status)  # read this thread's last error before anything else
            first = next((f for f in failures if not isinstance(f, Exception)), None)
            if first is not None:  # KeyboardInterrupt, SystemExit: re-raised as they are
                raise first
            if failures:
                raise error from failures[0]
            raise error
        if failures:  # the call succeeded, but `unlock` failed: the lock may still be held
            raise failures[0]


def _trampoline(
    ref: "weakref.ReferenceType[CallbackTokenStore]", body: Callable[..., Any], failed: Optional[int] = _FAILED
) -> Callable[..., Any]:
    """Wraps ``body(store, *args)`` for C: no exception ever unwinds into libiop; a failure
    is noted on the store (for :meth:`CallbackTokenStore._check`) and returns ``failed``."""

    def call(_user_data: Optional[int], *args: Any) -> Any:
        store = ref()
        if store is None:  # cannot happen while a manager holds the store
            return failed
        try:
            return body(store, *args)
        except BaseException as e:  # noqa: B036 - nothing may cross into C; re-raised by _check
            store._note(e)
            return failed

    return call


def _text(raw: Optional[bytes]) -> str:
    return (raw or b"").decode("utf-8")


def _set_value(value: Optional[int], text: Any, what: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{what} must return str or None, not {type(text).__name__}")
    status = _clib.iop_token_store_value_set(value, encode(text, what))
    if status != 0:
        raise last_error(status)


def _flag(result: Any, what: str) -> int:
    if not isinstance(result, bool):
        raise TypeError(f"{what} must return bool, not {type(result).__name__}")
    return _OK if result else _NO


def _load(store: CallbackTokenStore, account: Optional[bytes], value: Optional[int]) -> int:
    record = store.load(_text(account))
    if record is not None:
        _set_value(value, record, "load()")
    return _OK


def _compare_and_swap(
    store: CallbackTokenStore, account: Optional[bytes], expected_version: int, record_json: Optional[bytes]
) -> int:
    return _flag(store.compare_and_swap(_text(account), int(expected_version), _text(record_json)), "compare_and_swap()")


def _lock(store: CallbackTokenStore, account: Optional[bytes], timeout_ms: int) -> int:
    return _flag(store.lock(_text(account), timeout_ms / 1000.0), "lock()")


def _unlock(store: CallbackTokenStore, account: Optional[bytes]) -> None:
    store.unlock(_text(account))


def _accounts(store: CallbackTokenStore, value: Optional[int]) -> int:
    accounts = store.accounts()
    if accounts is None:
        accounts = []
    if isinstance(accounts, str) or not all(isinstance(a, str) for a in accounts):
        raise TypeError("accounts() must return a list of str or None")
    _set_value(value, json.dumps(list(accounts)), "accounts()")
    return _OK


__all__ = [
    "TokenStore", "MemoryTokenStore", "FileTokenStore", "RedisTokenStore", "CallbackTokenStore", "ReauthorizationDue",
]
