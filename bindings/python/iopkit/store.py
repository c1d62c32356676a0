"""Token stores: where :class:`~iopkit.TokenManager` keeps each account's tokens.

- :class:`MemoryTokenStore`: this process's memory.
- :class:`FileTokenStore`: a JSON file (mode 0600), shared safely by the processes of one host.
- :class:`RedisTokenStore`: Redis, shared safely by the hosts of a fleet.
- :class:`CallbackTokenStore`: subclass it to keep tokens in your own database.

Locking, versioning and record formats are libiop's; a store here holds the native handle
(and, for callback stores, the functions libiop calls back).
"""

from __future__ import annotations

import abc
import json
import os
import threading
import weakref
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Union

from . import _abi
from ._abi import IOP_USE_DEFAULT, IopError
from ._handle import NativeObject
from .push import PushMessage

# Return codes of the callbacks (IopTokenStoreCallbacks).
_OK, _NO, _FAILED = 0, 1, -1


class TokenStore(NativeObject):
    """Base class of the token stores; pass one to :class:`~iopkit.TokenManager`. A store may
    be shared by any number of managers and threads; managers keep using it after
    :meth:`close`."""

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Wraps a native call that may run this store's callbacks."""
        yield

    def list_due(self, within_ms: int) -> List[Dict[str, Any]]:
        """The accounts whose seller must authorize again within ``within_ms`` milliseconds
        (passed deadlines included), soonest first: ``[{"account": …, "reauthorize_by": <epoch
        ms>}, …]`` (``iop_token_store_list_due``)."""
        with self._native() as ptr, self._guard():
            due: List[Dict[str, Any]] = json.loads(_abi.token_store_list_due(ptr, within_ms))
        return due

    def apply_push(self, message: PushMessage) -> int:
        """Applies a verified push message (``iop_token_store_apply_push``): an expiry alert
        (type 8) moves the re-authorization deadline of every record of its seller to the
        alert's expiry when earlier, so :meth:`list_due` names the seller at once. Returns how
        many records changed (0 for other types)."""
        if not isinstance(message, PushMessage):
            raise TypeError(f"message must be an iopkit.PushMessage, not {type(message).__name__}")
        with self._native() as ptr, message._native() as m, self._guard():
            return _abi.token_store_apply_push(ptr, m)


class MemoryTokenStore(TokenStore):
    """Tokens in this process's memory; lost at exit."""

    def __init__(self) -> None:
        self._adopt(_abi.token_store_new_memory(), _abi.token_store_free)


class FileTokenStore(TokenStore):
    """Tokens in the JSON file at ``path`` (created with mode 0600; its folder must exist),
    shared safely by the processes of one host. It never holds the app secret."""

    def __init__(self, path: Union[str, "os.PathLike[str]"]) -> None:
        self.path = os.fspath(path)
        self._adopt(_abi.token_store_new_file(self.path), _abi.token_store_free)

    def _describe(self) -> str:
        return f" {self.path!r}"


class RedisTokenStore(TokenStore):
    """Tokens in Redis, shared by the hosts of a fleet (``iop_token_store_new_redis``).

    ``url``: ``redis://[user][:password@]host[:port][/db]``, ``rediss://…`` or
    ``redis+unix:///path`` (never shown in messages or ``repr()``). Keys are
    ``<namespace>:<app_key>:<account>:record`` and ``…:lock`` (``namespace`` ``None``: libiop's).
    ``encryption_key``: 32 bytes to encrypt records (AES-256-GCM), ``None`` for JSON.
    ``lease_ms`` / ``timeout_ms``: the refresh lock's lease and the connect/command timeout
    (``IOP_USE_DEFAULT`` for the defaults). Does not connect until used."""

    def __init__(
        self, url: str, app_key: str, *, namespace: Optional[str] = None,
        encryption_key: Union[bytes, bytearray, memoryview, None] = None,
        lease_ms: int = IOP_USE_DEFAULT, timeout_ms: int = IOP_USE_DEFAULT,
    ) -> None:
        ptr = _abi.token_store_new_redis(url, namespace, app_key, encryption_key, lease_ms, timeout_ms)
        self._adopt(ptr, _abi.token_store_free)
        self.app_key, self.namespace, self.encrypted = app_key, namespace, encryption_key is not None

    def _describe(self) -> str:  # never the URL: it may hold the password
        return f" app_key={self.app_key!r} namespace={self.namespace!r}" + (" encrypted" if self.encrypted else "")


class CallbackTokenStore(TokenStore, abc.ABC):
    """A store backed by your code (a database, say): subclass it, implement :meth:`load`,
    :meth:`compare_and_swap`, :meth:`lock` and :meth:`unlock` (and :meth:`accounts` for
    :meth:`~TokenStore.list_due`), and call ``super().__init__()``.

    libiop calls these methods on the thread that called the manager, concurrently for
    different accounts, so they must be thread-safe; :meth:`unlock` runs on the thread that
    called :meth:`lock`. A record is a JSON text with a numeric ``version``: store it as given.
    An exception raised by a method makes libiop fail the call: the manager raises an
    :class:`~iopkit.IopError` whose ``__cause__`` is your exception (``KeyboardInterrupt`` and
    the like are re-raised as they are; an exception from :meth:`unlock` once the call returns)."""

    def __init__(self) -> None:
        self._failures = threading.local()
        ref = weakref.ref(self)  # the functions must not keep the store alive
        callbacks = _abi.IopTokenStoreCallbacks()
        for entry in _abi.IopTokenStoreCallbacks._fields_:
            field, kind = entry[0], entry[1]
            body = _BODIES.get(field)
            optional = field == "accounts" and type(self).accounts is CallbackTokenStore.accounts
            if body is not None and not optional:
                function: Any = kind  # one of the generated CFUNCTYPE types
                setattr(callbacks, field, function(_trampoline(ref, body, None if field == "unlock" else _FAILED)))
        # libiop copies the struct but keeps the function pointers: they live as long as the
        # store, and every manager using the store holds the store.
        self._callbacks = callbacks
        self._adopt(_abi.token_store_new_callback(callbacks), _abi.token_store_free)

    @abc.abstractmethod
    def load(self, account: str) -> Optional[str]:
        """The record JSON stored for ``account``, or ``None`` when there is none."""

    @abc.abstractmethod
    def compare_and_swap(self, account: str, expected_version: int, record_json: str) -> bool:
        """Stores ``record_json`` durably if the stored record's ``version`` is
        ``expected_version`` (0: none stored) and returns ``True``; else ``False``."""

    @abc.abstractmethod
    def lock(self, account: str, timeout: float) -> bool:
        """Takes the refresh lock of ``account`` (shared by every process using the store),
        waiting at most ``timeout`` seconds: ``True`` when taken, ``False`` on timeout."""

    @abc.abstractmethod
    def unlock(self, account: str) -> None:
        """Releases the lock taken by :meth:`lock` (on the same thread)."""

    def accounts(self) -> Optional[List[str]]:
        """Every account with a record. Optional: without it, :meth:`~TokenStore.list_due`
        raises :class:`~iopkit.InvalidArgumentError`."""
        return None

    @contextmanager
    def _guard(self) -> Iterator[None]:
        failures: List[BaseException] = []
        self._failures.list = failures
        try:
            yield
        except IopError as error:
            fatal = next((f for f in failures if not isinstance(f, Exception)), None)
            if fatal is not None:
                raise fatal from None
            if failures:
                raise error from failures[0]
            raise
        if failures:  # the call succeeded, but `unlock` failed: the lock may still be held
            raise failures[0]


def _trampoline(ref: "weakref.ReferenceType[CallbackTokenStore]", body: Callable[..., Any], failed: Any) -> Any:
    """``body(store, *args)`` for C: no exception unwinds into libiop; a failure is noted for
    :meth:`CallbackTokenStore._guard` and returns ``failed``."""

    def call(_user_data: Optional[int], *args: Any) -> Any:
        store = ref()
        if store is None:  # cannot happen while a manager holds the store
            return failed
        try:
            return body(store, *[a.decode("utf-8") if isinstance(a, bytes) else a for a in args])
        except BaseException as e:  # noqa: B036 - nothing may cross into C; re-raised by _guard
            failures = getattr(store._failures, "list", None)
            if failures is not None:
                failures.append(e)
            return failed

    return call


def _flag(result: Any, what: str) -> int:
    if not isinstance(result, bool):
        raise TypeError(f"{what} must return bool, not {type(result).__name__}")
    return _OK if result else _NO


def _load(store: CallbackTokenStore, account: str, value: int) -> int:
    record = store.load(account)
    if record is not None:
        if not isinstance(record, str):
            raise TypeError(f"load() must return str or None, not {type(record).__name__}")
        _abi.token_store_value_set(value, record)
    return _OK


def _accounts(store: CallbackTokenStore, value: int) -> int:
    accounts = store.accounts() or []
    if isinstance(accounts, str) or not all(isinstance(a, str) for a in accounts):
        raise TypeError("accounts() must return a list of str or None")
    _abi.token_store_value_set(value, json.dumps(list(accounts)))
    return _OK


_BODIES: Dict[str, Callable[..., Any]] = {
    "load": _load,
    "compare_and_swap": lambda s, a, v, r: _flag(s.compare_and_swap(a, int(v), r), "compare_and_swap()"),
    "lock": lambda s, a, ms: _flag(s.lock(a, ms / 1000.0), "lock()"),
    "unlock": lambda s, a: s.unlock(a),
    "accounts": _accounts,
}
