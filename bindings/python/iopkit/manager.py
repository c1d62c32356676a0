"""Always-valid access tokens for one account: :class:`TokenManager` over libiop's
``iop_token_manager_*``.

::

    store = iopkit.FileTokenStore("/var/lib/app/tokens.json")
    manager = iopkit.TokenManager(client, store, seller_id)
    manager.create_token(code_from_redirect)          # once, after the seller authorized
    ...
    client.execute(request, manager.access_token())   # refreshed first when needed

Refreshing, single flight, locking, rotation and the re-authorization deadline are libiop's.
"""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, Optional, Union

from . import _lib
from ._handle import NativeHandle
from ._util import encode
from .client import IopClient
from .enos import EnosClient
from .errors import InvalidArgumentError, check
from .store import TokenStore, _whole_seconds
from .token import _EPOCH, Token, _utc

_clib = _lib.lib
_REDACTED = "<redacted>"

#: The refresh margin libiop uses when none is given: 30 minutes.
DEFAULT_REFRESH_MARGIN = timedelta(minutes=30)


@dataclass(frozen=True, repr=False)
class TokenRecord:
    """What the store holds for an account (``iop_token_manager_record_json``). Datetimes
    are timezone-aware UTC. ``reauthorization_reason`` is set once the grant is known to be
    dead; ``reauthorize_by`` is when the seller must authorize again (``None`` when unknown,
    and for EnOS). ``repr()`` never shows the tokens."""

    version: int
    access_token: str
    refresh_token: str
    expires_at: datetime
    refresh_expires_at: Optional[datetime]
    can_refresh: bool
    granted_at: datetime
    refresh_started_at: Optional[datetime]
    reauthorization_reason: Optional[str]
    seller_id: Optional[str]
    country: Optional[str]
    reauthorize_by: Optional[datetime]

    @property
    def reauthorization_required(self) -> bool:
        """Whether the grant is dead (its access token is served until it expires)."""
        return self.reauthorization_reason is not None

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in (
                "version", "expires_at", "refresh_expires_at", "can_refresh", "granted_at", "refresh_started_at",
                "reauthorization_reason", "seller_id", "country", "reauthorize_by",
            )
        )
        return f"TokenRecord(access_token={_REDACTED}, refresh_token={_REDACTED}, {shown})"

    __str__ = __repr__


def _optional_utc(ms: Any) -> Optional[datetime]:
    return None if ms is None else _utc(int(ms))


def _optional_text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _record(d: Dict[str, Any]) -> TokenRecord:
    return TokenRecord(
        version=int(d["version"]),
        access_token=str(d.get("access_token") or ""),
        refresh_token=str(d.get("refresh_token") or ""),
        expires_at=_utc(int(d["expires_at_ms"])),
        refresh_expires_at=_optional_utc(d.get("refresh_expires_at_ms")),
        can_refresh=bool(d.get("can_refresh")),
        granted_at=_utc(int(d["granted_at_ms"])),
        refresh_started_at=_optional_utc(d.get("refresh_started_at_ms")),
        reauthorization_reason=_optional_text(d.get("reauthorization_reason")),
        seller_id=_optional_text(d.get("seller_id")),
        country=_optional_text(d.get("country")),
        reauthorize_by=_optional_utc(d.get("reauthorize_by_ms")),
    )


def _margin_arg(refresh_margin: Union[timedelta, float, None]) -> int:
    return -1 if refresh_margin is None else _whole_seconds(refresh_margin, "refresh_margin")


def _native_token(token: Token) -> int:
    """A native ``IopToken`` equal to ``token`` (owned: free with ``iop_token_free``).

    libiop re-reads ``token.raw`` as received at the instant that gives the same
    ``expires_at`` (relative lifetimes count from receipt; absolute ones do not depend on it),
    so no token field is parsed here."""
    if not isinstance(token, Token):
        raise TypeError(f"token must be an iopkit.Token, not {type(token).__name__}")
    if not token.raw:
        raise InvalidArgumentError("token has no response body (raw) to store")
    body = encode(token.raw, "token.raw")
    now_ms = (datetime.now(_EPOCH.tzinfo) - _EPOCH) // timedelta(milliseconds=1)
    probe = ctypes.c_void_p()
    check(_clib.iop_token_parse(body, now_ms, ctypes.byref(probe)))
    try:
        probe_expires_ms = int(_clib.iop_token_expires_at_ms(probe.value))
    finally:
        _clib.iop_token_free(probe.value)
    wanted_ms = (token.expires_at - _EPOCH) // timedelta(milliseconds=1)
    out = ctypes.c_void_p()
    check(_clib.iop_token_parse(body, now_ms + (wanted_ms - probe_expires_ms), ctypes.byref(out)))
    return out.value  # type: ignore[return-value]


class TokenManager:
    """Always-valid access tokens for one ``account`` (any stable key, e.g. the seller id) of
    an IOP app: ``TokenManager(client, store, account, refresh_margin=None)``; for an EnOS app
    use :meth:`for_enos`.

    :meth:`access_token` refreshes when less than ``refresh_margin`` (a ``timedelta`` or
    seconds; default 30 minutes) is left: once per expiry window however many threads and
    processes ask (single flight here, the store's lock across processes), storing the new
    pair before handing it out. Seed the account with :meth:`create_token` or
    :meth:`store_grant`. Share one manager per account between threads. The manager keeps its
    client and store alive; release it with :meth:`close` or a ``with`` block."""

    def __init__(
        self,
        client: IopClient,
        store: TokenStore,
        account: str,
        refresh_margin: Union[timedelta, float, None] = None,
    ) -> None:
        if not isinstance(client, IopClient):
            hint = " (use TokenManager.for_enos for an EnosClient)" if isinstance(client, EnosClient) else ""
            raise TypeError(f"client must be an IopClient, not {type(client).__name__}{hint}")
        self._build(_clib.iop_token_manager_new, client._handle, store, account, refresh_margin)

    @classmethod
    def for_enos(
        cls,
        client: EnosClient,
        store: TokenStore,
        account: str,
        refresh_margin: Union[timedelta, float, None] = None,
    ) -> "TokenManager":
        """A manager for the EnOS app of ``client``, its token kept under ``account`` in
        ``store``; the first :meth:`access_token` gets a token (no authorization step)."""
        if not isinstance(client, EnosClient):
            raise TypeError(f"client must be an EnosClient, not {type(client).__name__}")
        self = cls.__new__(cls)
        self._build(_clib.iop_token_manager_new_enos, client._handle, store, account, refresh_margin)
        return self

    def _build(
        self, new: Any, client: NativeHandle, store: TokenStore, account: str, refresh_margin: Any
    ) -> None:
        if not isinstance(store, TokenStore):
            raise TypeError(f"store must be an iopkit.TokenStore, not {type(store).__name__}")
        account_b = encode(account, "account")
        margin_s = _margin_arg(refresh_margin)
        out = ctypes.c_void_p()
        with client.shared() as client_ptr, store._native().shared() as store_ptr:
            check(new(client_ptr, store_ptr, account_b, margin_s, ctypes.byref(out)))
        # Holds the store: a callback store's functions must outlive the native manager.
        self._store = store
        self._account = account
        self._refresh_margin = DEFAULT_REFRESH_MARGIN if margin_s < 0 else timedelta(seconds=margin_s)
        self._handle = NativeHandle(self, out.value, _clib.iop_token_manager_free, "TokenManager")  # type: ignore[arg-type]

    def _call(self, fn: Any, *args: Any) -> None:
        """Runs ``fn(manager, *args)``; store callback failures become the error's cause."""
        with self._handle.shared() as ptr:
            self._store._begin()
            status = fn(ptr, *args)
            self._store._check(status)

    def access_token(self) -> str:
        """An access token valid for more than the refresh margin, refreshing first when
        needed. :class:`ReauthorizationRequiredError` when nothing is stored, or when the grant
        is dead (``IllegalRefreshToken``, an expired refresh token, a grant that cannot be
        refreshed) and its access token has expired; a dead grant's token is served while it
        lasts. Other refresh failures return the stored token while it has not expired."""
        out = ctypes.c_void_p()
        self._call(_clib.iop_token_manager_access_token, ctypes.byref(out))
        return _lib.take_owned_string(out.value) or ""

    def create_token(self, code: str) -> None:
        """Exchanges the authorization ``code`` (``/auth/token/create``) and stores the grant as
        the account's, replacing what was stored (IOP managers)."""
        self._call(_clib.iop_token_manager_create_token, encode(code, "code"))

    def store_grant(self, token: Token) -> None:
        """Stores ``token`` (from :meth:`IopClient.create_token`) as the account's grant,
        replacing what was stored."""
        native = _native_token(token)
        try:
            self._call(_clib.iop_token_manager_store_grant, native)
        finally:
            _clib.iop_token_free(native)

    def record(self) -> Optional[TokenRecord]:
        """The account's stored record, or ``None`` when nothing is stored."""
        out = ctypes.c_void_p()
        self._call(_clib.iop_token_manager_record_json, ctypes.byref(out))
        d = json.loads(_lib.take_owned_string(out.value) or "null")
        return None if d is None else _record(d)

    @property
    def account(self) -> str:
        return self._account

    @property
    def store(self) -> TokenStore:
        return self._store

    @property
    def refresh_margin(self) -> timedelta:
        return self._refresh_margin

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def close(self) -> None:
        """Releases the native manager (idempotent; calls in progress finish first)."""
        self._handle.close()

    def __enter__(self) -> "TokenManager":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<TokenManager account={self._account!r} store={self._store!r}{state}>"


__all__ = ["TokenManager", "TokenRecord", "DEFAULT_REFRESH_MARGIN"]
