"""The seller's authorization page: its URL, and the ``state`` that protects the redirect.

::

    state = iopkit.new_state()                      # keep it server side
    url = iopkit.authorize_url(iopkit.Platform.LAZADA, app_key, "https://example.com/cb",
                               country="sg", state=state)
    ...                                             # the seller comes back to /cb?code=…&state=…
    if not iopkit.verify_state(state, received_state):
        raise PermissionError("not our authorization")

All three are thin wrappers over libiop (``iop_authorize_url``, ``iop_state_new``,
``iop_state_verify``).
"""

from __future__ import annotations

import ctypes
import enum
from typing import Any, Optional, Union

from . import _lib
from ._util import encode, encode_optional
from .client import _enum_arg
from .errors import check

_clib = _lib.lib


class Platform(enum.IntEnum):
    """Whose authorization page (``IopPlatform``)."""

    #: ``https://auth.lazada.com/oauth/authorize``; takes an optional ``country``.
    LAZADA = 0
    #: ``https://api-sg.aliexpress.com/oauth/authorize``; takes no ``country``.
    ALIEXPRESS = 1


def authorize_url(
    platform: Union[Platform, str],
    client_id: str,
    redirect_uri: str,
    country: Optional[str] = None,
    state: Optional[str] = None,
    *,
    base_url: Optional[str] = None,
) -> str:
    """The URL of ``platform``'s authorization page for app ``client_id``, redirecting to
    ``redirect_uri``: ``…?response_type=code&force_auth=true&redirect_uri=…&client_id=…
    [&state=…][&country=…]``, values percent-encoded.

    ``platform`` is a :class:`Platform` or ``"lazada"``/``"aliexpress"``. ``country`` (Lazada
    only, e.g. ``"sg"``) and ``state`` (from :func:`new_state`) may be ``None``. ``base_url``
    replaces the platform's page (a sandbox's ``…/oauth/authorize``: ``https://``, or
    ``http://`` on loopback only). Bad values raise :class:`InvalidArgumentError`."""
    p = _enum_arg(platform, Platform, "platform")
    out = ctypes.c_void_p()
    check(
        _clib.iop_authorize_url(
            int(p),
            encode_optional(base_url, "base_url"),
            encode(client_id, "client_id"),
            encode(redirect_uri, "redirect_uri"),
            encode_optional(country, "country"),
            encode_optional(state, "state"),
            ctypes.byref(out),
        )
    )
    return _lib.take_owned_string(out.value) or ""


def new_state() -> str:
    """A fresh random ``state`` (192 bits from the operating system, 32 URL-safe characters).
    Keep it server side and check the redirect's with :func:`verify_state`."""
    out = ctypes.c_void_p()
    check(_clib.iop_state_new(ctypes.byref(out)))
    return _lib.take_owned_string(out.value) or ""


def _state_bytes(value: Any, name: str) -> Optional[bytes]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str or None, not {type(value).__name__}")
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return None if b"\x00" in data else data


def verify_state(expected: Optional[str], received: Optional[str]) -> bool:
    """Whether the ``state`` received with the redirect is the one sent (constant-time
    comparison). ``False`` when either is ``None``, ``expected`` is empty, or a value could not
    be a ``state`` at all (NUL, lone surrogates)."""
    e = _state_bytes(expected, "expected")
    r = _state_bytes(received, "received")
    if e is None or r is None:
        return False
    return bool(_clib.iop_state_verify(e, r))
