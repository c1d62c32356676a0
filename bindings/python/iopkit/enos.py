"""EnOS API management: the token service and ``apim-*`` signed calls, over libiop.

::

    with iopkit.EnosClient("https://apigw.example.com", app_key, app_secret) as enos:
        token = enos.get_token()
        response = enos.call("GET", "/connect-service/v2.1/devices?action=get&orgId=o1",
                             access_token=token.access_token)

Encryption, signing, HTTP and parsing all happen in libiop.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Union

from . import _lib
from ._handle import NativeHandle
from ._util import encode
from .client import IopResponse, _seconds_to_ms
from .errors import InvalidArgumentError, check
from .token import _utc

_clib = _lib.lib
_REDACTED = "<redacted>"

#: A call body: the exact bytes to send (``str`` is sent as UTF-8), or ``None`` for none.
Body = Union[bytes, bytearray, memoryview, str, None]

#: Header carrying the access token.
HEADER_ACCESS_TOKEN = "apim-accesstoken"
#: Header carrying the timestamp (epoch milliseconds).
HEADER_TIMESTAMP = "apim-timestamp"
#: Header carrying the signature.
HEADER_SIGNATURE = "apim-signature"


@dataclass(frozen=True, repr=False)
class EnosToken:
    """An EnOS access token. ``expires_at`` is a timezone-aware UTC datetime (time received +
    the service's ``expire``). ``repr()`` never shows the token."""

    access_token: str
    expires_at: datetime

    @property
    def expires_in(self) -> float:
        """Seconds until the token expires (negative once expired)."""
        return (self.expires_at - datetime.now(timezone.utc)).total_seconds()

    def is_expired(self, margin: float = 0.0) -> bool:
        """Whether the token has expired, or will within ``margin`` seconds."""
        return self.expires_in <= margin

    def __repr__(self) -> str:
        return f"EnosToken(access_token={_REDACTED}, expires_at={self.expires_at!r})"

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class ApimHeaders:
    """The three headers of a signed EnOS call; :meth:`as_dict` gives them by their HTTP names.
    ``repr()`` never shows the access token."""

    access_token: str
    timestamp_ms: int
    signature: str

    @property
    def timestamp(self) -> datetime:
        """``timestamp_ms`` as a timezone-aware UTC datetime."""
        return _utc(self.timestamp_ms)

    def as_dict(self) -> Dict[str, str]:
        """``{"apim-accesstoken": …, "apim-timestamp": …, "apim-signature": …}``."""
        return {
            HEADER_ACCESS_TOKEN: self.access_token,
            HEADER_TIMESTAMP: str(self.timestamp_ms),
            HEADER_SIGNATURE: self.signature,
        }

    def __repr__(self) -> str:
        return f"ApimHeaders(access_token={_REDACTED}, timestamp_ms={self.timestamp_ms}, signature={self.signature!r})"

    __str__ = __repr__


def _body(body: Any) -> Optional[bytes]:
    """A call body as bytes; ``None`` (or empty) for none."""
    if body is None:
        return None
    if isinstance(body, str):
        try:
            data = body.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgumentError("body is not valid UTF-8 (it contains a lone surrogate)") from None
    elif isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
    else:
        raise TypeError(f"body must be bytes, str or None, not {type(body).__name__} (use json.dumps)")
    return data or None


def _token_from_handle(ptr: int) -> EnosToken:
    """Copies a native ``IopEnosToken`` and frees it (exactly once)."""
    try:
        access_token = _lib.text(_clib.iop_enos_token_access_token(ptr)) or ""
        expires_ms = int(_clib.iop_enos_token_expires_at_ms(ptr))
    finally:
        _clib.iop_enos_token_free(ptr)
    return EnosToken(access_token=access_token, expires_at=_utc(expires_ms))


class EnosClient:
    """A client for one EnOS API gateway and app:
    ``EnosClient(gateway_url, app_key, app_secret, timeout=30, *, connect_timeout=None)``.

    ``gateway_url`` is ``https://{apigw-address}`` (``http://`` on loopback only). ``timeout``
    (seconds) bounds each read phase; the connect timeout is ``min(timeout, 15)`` unless
    ``connect_timeout`` is given. ``ca_bundle`` (a PEM file) replaces the built-in roots
    (:meth:`set_ca_bundle`). One client may be shared by any number of threads. Release
    it with :meth:`close` or a ``with`` block; the garbage collector does it otherwise.
    """

    def __init__(
        self,
        gateway_url: str,
        app_key: str,
        app_secret: str,
        timeout: Optional[float] = 30,
        *,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
    ) -> None:
        url_b = encode(gateway_url, "gateway_url")
        key_b = encode(app_key, "app_key")
        secret_b = encode(app_secret, "app_secret")
        read_ms = None if timeout is None else _seconds_to_ms(timeout, "timeout")
        if connect_timeout is not None:
            connect_ms: Optional[int] = _seconds_to_ms(connect_timeout, "connect_timeout")
        else:
            connect_ms = None if read_ms is None else min(read_ms, 15000)
        out = ctypes.c_void_p()
        check(_clib.iop_enos_client_new(url_b, key_b, secret_b, ctypes.byref(out)))
        del secret_b
        self._handle = NativeHandle(self, out.value, _clib.iop_enos_client_free, "EnosClient")  # type: ignore[arg-type]
        self._gateway_url = gateway_url
        self._app_key = app_key
        try:
            if read_ms is not None:
                self._set(_clib.iop_enos_client_set_read_timeout_ms, read_ms)
            if connect_ms is not None:
                self._set(_clib.iop_enos_client_set_connect_timeout_ms, connect_ms)
            if ca_bundle is not None:
                self.set_ca_bundle(ca_bundle)
        except BaseException:
            self.close()
            raise

    # -- token service ----------------------------------------------------------------------

    def get_token(self) -> EnosToken:
        """Gets the app's access token (``/apim-token-service/v2.0/token/get``); the service
        returns the same token while it is valid. EnOS errors raise :class:`PlatformError`
        with the status as ``code`` (``"1002"`` unknown appKey, ``"1003"`` invalid encryption)."""
        out = ctypes.c_void_p()
        with self._handle.shared() as ptr:
            check(_clib.iop_enos_token_get(ptr, ctypes.byref(out)))
        return _token_from_handle(out.value)  # type: ignore[arg-type]

    def refresh_token(self, access_token: str) -> EnosToken:
        """Refreshes ``access_token`` (``/apim-token-service/v2.0/token/refresh``): use the
        returned token from now on. An expired token raises :class:`TokenExpiredError` (code
        ``"1203"``: call :meth:`get_token` instead); an unknown one :class:`PlatformError`
        ``"1204"``."""
        token_b = encode(access_token, "access_token")
        out = ctypes.c_void_p()
        with self._handle.shared() as ptr:
            check(_clib.iop_enos_token_refresh(ptr, token_b, ctypes.byref(out)))
        return _token_from_handle(out.value)  # type: ignore[arg-type]

    # -- signed calls -----------------------------------------------------------------------

    def sign(
        self,
        access_token: str,
        path_and_query: str,
        body: Body = None,
        timestamp_ms: Optional[int] = None,
    ) -> ApimHeaders:
        """The ``apim-*`` headers for a call to ``path_and_query`` (a path or full URL with its
        query) sending ``body`` (the exact bytes), at ``timestamp_ms`` (epoch milliseconds;
        ``None``: a fresh, never-repeated one). Send them with :meth:`ApimHeaders.as_dict`."""
        token_b = encode(access_token, "access_token")
        path_b = encode(path_and_query, "path_and_query")
        data = _body(body)
        if timestamp_ms is None:
            when = 0
        elif isinstance(timestamp_ms, bool) or not isinstance(timestamp_ms, int):
            raise TypeError(f"timestamp_ms must be int or None, not {type(timestamp_ms).__name__}")
        elif timestamp_ms <= 0:
            raise InvalidArgumentError("timestamp_ms must be positive epoch milliseconds (None for a fresh one)")
        else:
            when = timestamp_ms
        out_ts = ctypes.c_int64()
        out_sig = ctypes.c_void_p()
        with self._handle.shared() as ptr:
            check(
                _clib.iop_enos_sign(
                    ptr, token_b, path_b, data, len(data or b""), when, ctypes.byref(out_ts), ctypes.byref(out_sig)
                )
            )
        signature = _lib.take_owned_string(out_sig.value) or ""
        return ApimHeaders(access_token=access_token, timestamp_ms=int(out_ts.value), signature=signature)

    def call(self, method: str, path_and_query: str, body: Body = None, *, access_token: str) -> IopResponse:
        """Signs (fresh timestamp) and sends ``method`` (``GET``, ``POST``, ``PUT``, ``PATCH``,
        ``DELETE``) to ``path_and_query`` on the gateway, with ``body`` sent byte for byte as
        JSON (``None`` or empty for none; GET and DELETE take none).

        Any JSON answer is returned as an :class:`IopResponse` (``is_success`` when its
        ``code`` is 0; a rejected signature is ``http_status`` 401 with ``code`` ``"1003"``);
        transport failures raise :class:`IopError` subclasses."""
        method_b = encode(method, "method").upper()
        path_b = encode(path_and_query, "path_and_query")
        token_b = encode(access_token, "access_token")
        data = _body(body)
        out = ctypes.c_void_p()
        with self._handle.shared() as ptr:
            check(_clib.iop_enos_call(ptr, token_b, method_b, path_b, data, len(data or b""), ctypes.byref(out)))
        return IopResponse._from_handle(out.value)  # type: ignore[arg-type]

    # -- settings (thread-safe) ----------------------------------------------------------------

    def _set(self, fn: Any, *args: Any) -> None:
        with self._handle.shared() as ptr:
            check(fn(ptr, *args))

    def set_timeout(self, seconds: float) -> None:
        """Sets the read timeout (seconds; bounds each phase of a call)."""
        self._set(_clib.iop_enos_client_set_read_timeout_ms, _seconds_to_ms(seconds, "timeout"))

    def set_connect_timeout(self, seconds: float) -> None:
        """Sets the connect timeout (seconds; default 15)."""
        self._set(_clib.iop_enos_client_set_connect_timeout_ms, _seconds_to_ms(seconds, "connect_timeout"))

    def set_ca_bundle(self, pem_path: Union[str, "os.PathLike[str]"]) -> None:
        """Trusts the CA certificates in this PEM file instead of the built-in roots (private
        EnOS gateways). The file is read now; verification can never be turned off."""
        self._set(_clib.iop_enos_client_set_ca_bundle, encode(os.fspath(pem_path), "pem_path"))

    # -- lifetime -------------------------------------------------------------------------------

    @property
    def gateway_url(self) -> str:
        return self._gateway_url

    @property
    def app_key(self) -> str:
        return self._app_key

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def close(self) -> None:
        """Releases the native client (idempotent; calls in progress on other threads finish
        first, then the handle is freed)."""
        self._handle.close()

    def __enter__(self) -> "EnosClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<EnosClient {self._gateway_url!r} app_key={self._app_key!r}{state}>"
