"""EnOS API management: the token service and ``apim-*`` signed calls, over libiop::

    with iopkit.EnosClient("https://apigw.example.com", app_key, app_secret) as enos:
        token = enos.get_token()
        response = enos.call("GET", "/connect-service/v2.1/devices?action=get&orgId=o1",
                             access_token=token.access_token)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Union

from . import _abi, _async
from .client import ClientBase, IopResponse
from .token import utc

#: A call body: the exact bytes to send (``str`` is sent as UTF-8), or ``None`` for none.
Body = Union[bytes, bytearray, memoryview, str, None]


def _body(body: Body) -> Any:
    return body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body


@dataclass(frozen=True)
class EnosToken:
    """An EnOS access token and its expiry (epoch ms; ``expires_at`` as a UTC datetime).
    ``repr()`` never shows the token."""

    access_token: str = ""
    expires_at_ms: int = 0

    @property
    def expires_at(self) -> datetime:
        return utc(self.expires_at_ms)

    def is_expired(self, margin: float = 0.0) -> bool:
        """Whether the token has expired, or will within ``margin`` seconds."""
        return (self.expires_at - datetime.now(timezone.utc)).total_seconds() <= margin

    def __repr__(self) -> str:
        return f"EnosToken(access_token=<redacted>, expires_at={self.expires_at!r})"


@dataclass(frozen=True)
class ApimHeaders:
    """The three headers of a signed EnOS call; :meth:`as_dict` gives them by their HTTP names.
    ``repr()`` never shows the access token."""

    access_token: str
    timestamp_ms: int
    signature: str

    def as_dict(self) -> Dict[str, str]:
        return {"apim-accesstoken": self.access_token, "apim-timestamp": str(self.timestamp_ms),
                "apim-signature": self.signature}

    def __repr__(self) -> str:
        return f"ApimHeaders(access_token=<redacted>, timestamp_ms={self.timestamp_ms}, signature={self.signature!r})"


class EnosClient(ClientBase):
    """A client for one EnOS API gateway and app:
    ``EnosClient(gateway_url, app_key, app_secret, timeout=None, **settings)`` (settings as
    :meth:`IopClient.configure`; EnOS sends no partner id). Thread-safe; release it with
    :meth:`close` or a ``with`` block."""

    _new = staticmethod(_abi.enos_client_new)
    _free = staticmethod(_abi.enos_client_free)
    _configure = staticmethod(_abi.enos_client_configure)

    def __init__(
        self, gateway_url: str, app_key: str, app_secret: str, timeout: Optional[float] = None, **settings: Any
    ) -> None:
        self._open(gateway_url, app_key, app_secret, timeout, settings)

    @property
    def gateway_url(self) -> str:
        return self._url

    def _token(self, fn: Any, *args: Any) -> EnosToken:
        with self._native() as ptr:
            token = fn(ptr, *args)
        try:
            return EnosToken(_abi.enos_token_access_token(token) or "", _abi.enos_token_expires_at_ms(token))
        finally:
            _abi.enos_token_free(token)

    def get_token(self) -> EnosToken:
        """Gets the app's access token (``/apim-token-service/v2.0/token/get``). EnOS errors
        raise :class:`PlatformError` with the status as ``code``."""
        return self._token(_abi.enos_token_get)

    def refresh_token(self, access_token: str) -> EnosToken:
        """Refreshes ``access_token``: use the returned token from now on. An expired token
        raises :class:`TokenExpiredError` (``"1203"``: call :meth:`get_token` instead)."""
        return self._token(_abi.enos_token_refresh, access_token)

    async def get_token_async(self) -> EnosToken:
        """:meth:`get_token` on a worker thread, awaited (see :func:`iopkit.set_executor`)."""
        return await _async.run(self.get_token)

    async def refresh_token_async(self, access_token: str) -> EnosToken:
        """:meth:`refresh_token` awaited."""
        return await _async.run(self.refresh_token, access_token)

    def sign(
        self, access_token: str, path_and_query: str, body: Body = None, timestamp_ms: int = _abi.IOP_USE_DEFAULT
    ) -> ApimHeaders:
        """The ``apim-*`` headers for a call to ``path_and_query`` sending ``body`` (the exact
        bytes) at ``timestamp_ms`` (epoch ms; -1: a fresh, never-repeated one)."""
        with self._native() as ptr:
            when, signature = _abi.enos_client_sign(ptr, access_token, path_and_query, _body(body), timestamp_ms)
        return ApimHeaders(access_token, when, signature)

    def call(self, method: str, path_and_query: str, body: Body = None, *, access_token: str) -> IopResponse:
        """Signs and sends ``method`` to ``path_and_query`` with ``body`` sent byte for byte.
        Any JSON answer is returned (``is_success`` when its ``code`` is 0); transport failures
        raise :class:`IopError` subclasses."""
        with self._native() as ptr:
            response = _abi.enos_client_execute(ptr, access_token, method.upper(), path_and_query, _body(body))
        return IopResponse._take(response)

    async def call_async(self, method: str, path_and_query: str, body: Body = None, *, access_token: str) -> IopResponse:
        """:meth:`call` on a worker thread, awaited. Cancelling returns at once; the call ends
        in its thread and its response is then freed."""
        return await _async.run(functools.partial(self.call, access_token=access_token), method, path_and_query, body)
