"""Typed, immutable tokens normalized by libiop (Lazada, AliExpress and TW spellings alike)."""

from __future__ import annotations

import ctypes
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional, Tuple

from . import _lib
from .errors import check

_REDACTED = "<redacted>"


@dataclass(frozen=True)
class CountryUserInfo:
    """One entry of Lazada's per-country list (``country_user_info[_list]``)."""

    country: Optional[str] = None
    user_id: Optional[str] = None
    seller_id: Optional[str] = None
    short_code: Optional[str] = None


@dataclass(frozen=True, repr=False)
class Token:
    """A seller's authorization, normalized by libiop.

    ``expires_at`` / ``refresh_expires_at`` are timezone-aware UTC datetimes
    (``refresh_expires_at`` is ``None`` when unknown or when the token cannot be refreshed).
    ``user_id``/``seller_id`` are text whatever the gateway sent (numbers, TW's ``user_Id``).
    ``raw`` is the token response body exactly as received.

    A refresh returns a **new refresh token**: store it; the old one is dead.
    ``repr()`` never shows the tokens or the raw body.
    """

    access_token: str
    refresh_token: str
    expires_at: datetime
    refresh_expires_at: Optional[datetime]
    can_refresh: bool
    account: Optional[str] = None
    account_platform: Optional[str] = None
    account_id: Optional[str] = None
    seller_id: Optional[str] = None
    user_id: Optional[str] = None
    short_code: Optional[str] = None
    country: Optional[str] = None
    country_user_info: Tuple[CountryUserInfo, ...] = ()
    havana_id: Optional[str] = None
    user_nick: Optional[str] = None
    locale: Optional[str] = None
    sp: Optional[str] = None
    raw: str = ""
    _json: str = field(default="", compare=False)

    def to_json(self) -> str:
        """The normalized token as JSON (from ``iop_token_to_json``; expiries in epoch ms).
        Contains the tokens: store it like a password."""
        return self._json

    @property
    def expires_in(self) -> float:
        """Seconds until the access token expires (negative once expired)."""
        return (self.expires_at - datetime.now(timezone.utc)).total_seconds()

    def is_expired(self, margin: float = 0.0) -> bool:
        """Whether the access token has expired, or will within ``margin`` seconds
        (Lazada advises refreshing 30 minutes, 1800 s, before expiry)."""
        return self.expires_in <= margin

    def __repr__(self) -> str:
        shown = []
        for name in (
            "expires_at",
            "refresh_expires_at",
            "can_refresh",
            "account",
            "account_platform",
            "account_id",
            "seller_id",
            "user_id",
            "short_code",
            "country",
            "country_user_info",
            "havana_id",
            "user_nick",
            "locale",
            "sp",
        ):
            shown.append(f"{name}={getattr(self, name)!r}")
        secrets = ", ".join(f"{name}={_REDACTED}" for name in ("access_token", "refresh_token", "raw"))
        return f"Token({secrets}, {', '.join(shown)})"

    __str__ = __repr__


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _utc(ms: int) -> datetime:
    """Epoch milliseconds → an exact, timezone-aware UTC datetime (no float rounding)."""
    return _EPOCH + timedelta(milliseconds=ms)


def _datetime(ms: Optional[int]) -> Optional[datetime]:
    return _utc(ms) if ms else None


def _opt(d: Dict[str, Any], key: str) -> Optional[str]:
    v = d.get(key)
    return None if v is None else str(v)


def token_from_handle(ptr: int) -> Token:
    """Copies a native ``IopToken`` into a :class:`Token` and frees it (exactly once)."""
    lib = _lib.lib
    try:
        out = ctypes.c_void_p()
        check(lib.iop_token_to_json(ptr, ctypes.byref(out)))
        normalized = _lib.take_owned_string(out.value) or "{}"
        raw = _lib.text(lib.iop_token_raw_json(ptr)) if _lib.has_raw_json else None
        expires_ms = int(lib.iop_token_expires_at_ms(ptr))
        refresh_ms = int(lib.iop_token_refresh_expires_at_ms(ptr))
        can_refresh = bool(lib.iop_token_can_refresh(ptr))
    finally:
        lib.iop_token_free(ptr)
    d = json.loads(normalized)
    countries = tuple(
        CountryUserInfo(
            country=_opt(c, "country"),
            user_id=_opt(c, "user_id"),
            seller_id=_opt(c, "seller_id"),
            short_code=_opt(c, "short_code"),
        )
        for c in d.get("country_user_info") or ()
    )
    return Token(
        access_token=d.get("access_token") or "",
        refresh_token=d.get("refresh_token") or "",
        expires_at=_utc(expires_ms),
        refresh_expires_at=_datetime(refresh_ms),
        can_refresh=can_refresh,
        account=_opt(d, "account"),
        account_platform=_opt(d, "account_platform"),
        account_id=_opt(d, "account_id"),
        seller_id=_opt(d, "seller_id"),
        user_id=_opt(d, "user_id"),
        short_code=_opt(d, "short_code"),
        country=_opt(d, "country"),
        country_user_info=countries,
        havana_id=_opt(d, "havana_id"),
        user_nick=_opt(d, "user_nick"),
        locale=_opt(d, "locale"),
        sp=_opt(d, "sp"),
        raw=raw if raw is not None else "",
        _json=normalized,
    )


def parse_token(response_json: str, received_at: Optional[datetime] = None) -> Token:
    """Normalizes a token response body you already have (``iop_token_parse``).

    Relative lifetimes count from ``received_at`` (default: now). An error envelope raises
    :class:`PlatformError`; a body that is not a token response raises
    :class:`MalformedResponseError`."""
    from ._util import encode

    if received_at is None:
        received_ms = int(time.time() * 1000)
    else:
        if received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware")
        received_ms = (received_at - _EPOCH) // timedelta(milliseconds=1)
    out = ctypes.c_void_p()
    check(_lib.lib.iop_token_parse(encode(response_json, "response_json"), received_ms, ctypes.byref(out)))
    return token_from_handle(out.value)  # type: ignore[arg-type]
