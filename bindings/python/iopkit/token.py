"""Tokens normalized by libiop (Lazada, AliExpress and TW spellings alike): each
:class:`Token` wraps a native ``IopToken`` and reads its fields through libiop's accessors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional, Tuple

from . import _abi
from ._handle import NativeObject

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def utc(ms: int) -> datetime:
    """Epoch milliseconds → an exact, timezone-aware UTC datetime."""
    return _EPOCH + timedelta(milliseconds=ms)


def _accessor(name: str, convert: Callable[[Any], Any] = lambda v: v) -> Any:
    fn = getattr(_abi, "token_" + name)

    def get(self: "Token") -> Any:
        with self._native() as ptr:
            return convert(fn(ptr))

    return property(get, doc=f"``iop_token_{name}``")


@dataclass(frozen=True)
class CountryUserInfo:
    """One entry of Lazada's per-country list (``country_user_info[_list]``)."""

    country: Optional[str]
    user_id: Optional[str]
    seller_id: Optional[str]
    short_code: Optional[str]


class Token(NativeObject):
    """A seller's authorization, normalized by libiop; immutable. Get one from
    :meth:`IopClient.create_token` / :meth:`IopClient.refresh_token`, :func:`parse_token` or
    :meth:`from_json` (the text :meth:`to_json` wrote).

    Text fields are ``None`` when absent. ``expires_at_ms`` / ``refresh_expires_at_ms`` are epoch
    milliseconds (``refresh_expires_at_ms`` is ``None`` when unknown or when the token cannot be
    refreshed); ``expires_at`` / ``refresh_expires_at`` the same as UTC datetimes. ``raw`` is
    the response body exactly as received. A refresh returns a **new refresh token**: store
    it; the old one is dead. ``repr()`` never shows the tokens."""

    def __init__(self, ptr: int) -> None:
        """Takes ownership of a native ``IopToken`` pointer."""
        self._adopt(ptr, _abi.token_free)

    access_token = _accessor("access_token")
    refresh_token = _accessor("refresh_token")
    raw = _accessor("raw_json")
    account = _accessor("account")
    account_platform = _accessor("account_platform")
    account_id = _accessor("account_id")
    seller_id = _accessor("seller_id")
    user_id = _accessor("user_id")
    short_code = _accessor("short_code")
    country = _accessor("country")
    havana_id = _accessor("havana_id")
    user_nick = _accessor("user_nick")
    locale = _accessor("locale")
    sp = _accessor("sp")
    can_refresh = _accessor("can_refresh")
    country_count = _accessor("country_count")
    expires_at_ms = _accessor("expires_at_ms")
    refresh_expires_at_ms = _accessor("refresh_expires_at_ms", lambda ms: ms or None)
    expires_at = _accessor("expires_at_ms", utc)
    refresh_expires_at = _accessor("refresh_expires_at_ms", lambda ms: utc(ms) if ms else None)

    @property
    def country_user_info(self) -> Tuple[CountryUserInfo, ...]:
        """Lazada's per-country entries."""
        with self._native() as ptr:
            return tuple(
                CountryUserInfo(*(getattr(_abi, "token_country_" + f)(ptr, i)
                                  for f in ("code", "user_id", "seller_id", "short_code")))
                for i in range(_abi.token_country_count(ptr))
            )

    @classmethod
    def from_json(cls, text: str) -> "Token":
        """The token :meth:`to_json` wrote (``iop_token_from_json``)."""
        return cls(_abi.token_from_json(text))

    def to_json(self) -> str:
        """The normalized token as JSON (expiries in epoch ms). Contains the tokens: store it
        like a password."""
        with self._native() as ptr:
            return _abi.token_to_json(ptr)

    @property
    def expires_in(self) -> float:
        """Seconds until the access token expires (negative once expired)."""
        return (self.expires_at - datetime.now(timezone.utc)).total_seconds()  # type: ignore[no-any-return]

    def is_expired(self, margin: float = 0.0) -> bool:
        """Whether the access token has expired, or will within ``margin`` seconds."""
        return self.expires_in <= margin

    def _describe(self) -> str:
        if self.closed:
            return ""
        return f" account={self.account!r} seller_id={self.seller_id!r} expires_at={self.expires_at!r}"


def parse_token(response_json: str, received_at_ms: Optional[int] = None) -> Token:
    """Normalizes a token response body you already have (``iop_token_parse``); relative
    lifetimes count from ``received_at_ms`` (epoch ms, default now). An error envelope raises
    :class:`PlatformError`."""
    when = _abi.IOP_USE_DEFAULT if received_at_ms is None else received_at_ms
    return Token(_abi.token_parse(response_json, when))
