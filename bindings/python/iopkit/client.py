"""IopClient, IopRequest and IopResponse: the official SDK's API over libiop."""

from __future__ import annotations

import ctypes
import enum
import json
import math
import os
import time
from datetime import timedelta
from typing import IO, Any, NamedTuple, Optional, Union

from . import _lib
from ._handle import NativeHandle
from ._util import encode, encode_optional, param_value
from .constants import P_LOG_LEVEL_ERROR
from .errors import check, retry_after_from_ms
from .token import Token, token_from_handle

_clib = _lib.lib


class Protocol(enum.IntEnum):
    """How a call is signed and routed (``IopProtocol``)."""

    #: GOP for path-style names (``/auth/token/create``), TOP for dotted ones. The default.
    AUTO = 0
    #: Path-style APIs: URL ``…/rest<api>``, the path prefixes the string to sign.
    GOP = 1
    #: Dotted method names: URL ``<host>/sync``, token sent as ``session``.
    TOP = 2


class HttpMethod(enum.IntEnum):
    """``IopHttpMethod``: POST (form body; multipart with files) or GET (query string)."""

    POST = 0
    GET = 1


def _enum_arg(value: Any, cls: Any, name: str) -> Any:
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        try:
            return cls[value.strip().upper()]
        except KeyError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            return cls(value)
        except ValueError:
            pass
    else:
        raise TypeError(f"{name} must be a {cls.__name__} or str, not {type(value).__name__}")
    choices = ", ".join(m.name for m in cls)
    raise ValueError(f"{name} must be one of {choices}, not {value!r}")


def _seconds_to_ms(seconds: Any, name: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{name} must be a positive, finite number of seconds, not {seconds!r}")
    return max(1, int(math.ceil(seconds * 1000)))


class IopRequest:
    """An API call being built: ``IopRequest('/auth/token/create')`` (GOP) or
    ``IopRequest('aliexpress.ds.category.get')`` (TOP).

    Not to be modified while another thread sends it (doing so raises :class:`RuntimeError`).
    Release it with :meth:`close` or a ``with`` block; the garbage collector does it otherwise.
    """

    def __init__(self, api_name: str, http_method: Union[str, HttpMethod] = "POST") -> None:
        if api_name is None:
            raise TypeError("api_name must be str, not None")
        name = encode(api_name, "api_name")
        method = _enum_arg(http_method, HttpMethod, "http_method")
        out = ctypes.c_void_p()
        check(_clib.iop_request_new(name, ctypes.byref(out)))
        self._handle = NativeHandle(self, out.value, _clib.iop_request_free, "IopRequest")  # type: ignore[arg-type]
        self._api_name = api_name
        self._http_method = HttpMethod.POST
        if method != HttpMethod.POST:
            try:
                self.http_method = method
            except BaseException:
                self.close()
                raise

    # -- the official SDK's methods --------------------------------------------------------

    def add_api_param(self, key: str, value: Union[str, int, float]) -> None:
        """Adds (or replaces) a business parameter; signed and sent exactly as given
        (``int``/``float`` as ``str(value)``; use ``json.dumps`` for structured values)."""
        k = encode(key, "key")
        v = param_value(value, "value")
        with self._handle.exclusive() as ptr:
            check(_clib.iop_request_add_param(ptr, k, v))

    def add_file_param(
        self,
        key: str,
        value: Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes]],
        file_name: Optional[str] = None,
        content_type: Optional[str] = None,
    ) -> None:
        """Attaches a file as a multipart part (never signed). ``value`` is the content
        (``bytes``), a file path (read now), or a binary file object (read now). The part's
        file name is ``file_name``, else the path's base name, else ``key``; its Content-Type is
        ``content_type`` (a MIME type such as ``image/png``), else ``application/octet-stream``."""
        k = encode(key, "key")
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            default_name = key
        elif isinstance(value, (str, os.PathLike)):
            path = os.fspath(value)
            with open(path, "rb") as f:
                data = f.read()
            default_name = os.path.basename(path) or key
        elif hasattr(value, "read"):
            data = value.read()
            if isinstance(data, str):
                raise TypeError("add_file_param: open the file in binary mode ('rb')")
            data = bytes(data)
            fname = getattr(value, "name", None)
            default_name = os.path.basename(fname) if isinstance(fname, str) and fname else key
        else:
            raise TypeError(f"file value must be bytes, a path or a binary file, not {type(value).__name__}")
        n = encode(file_name if file_name is not None else default_name, "file_name")
        ct = None if content_type is None else encode(content_type, "content_type")
        with self._handle.exclusive() as ptr:
            check(_clib.iop_request_add_file(ptr, k, n, ct, data if data else None, len(data)))

    def set_simplify(self) -> None:
        """Asks for the simplified response shape: adds ``simplify=true``."""
        self.add_api_param("simplify", "true")

    def set_format(self, value: str) -> None:
        """Sets the response format: adds ``format=<value>`` (libiop sends ``json`` otherwise
        for TOP calls)."""
        self.add_api_param("format", value)

    # -- beyond the official SDK -----------------------------------------------------------

    def add_header(self, name: str, value: str) -> None:
        """Adds an HTTP header sent with the request (not signed)."""
        n = encode(name, "name")
        v = encode(value, "value")
        with self._handle.exclusive() as ptr:
            check(_clib.iop_request_add_header(ptr, n, v))

    @property
    def api_name(self) -> str:
        return self._api_name

    @api_name.setter
    def api_name(self, api_name: str) -> None:
        if api_name is None:
            raise TypeError("api_name must be str, not None")
        name = encode(api_name, "api_name")
        with self._handle.exclusive() as ptr:
            check(_clib.iop_request_set_api_name(ptr, name))
        self._api_name = api_name

    def set_api_name(self, api_name: str) -> None:
        """Replaces the API name (the Java/.NET SDKs' ``setApiName``)."""
        self.api_name = api_name

    @property
    def http_method(self) -> HttpMethod:
        return self._http_method

    @http_method.setter
    def http_method(self, method: Union[str, HttpMethod]) -> None:
        m = _enum_arg(method, HttpMethod, "http_method")
        with self._handle.exclusive() as ptr:
            check(_clib.iop_request_set_http_method(ptr, int(m)))
        self._http_method = m

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def close(self) -> None:
        """Releases the native request (idempotent)."""
        self._handle.close()

    def __enter__(self) -> "IopRequest":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<IopRequest {self._api_name!r} {self._http_method.name}{state}>"


class IopResponse:
    """A call's response, copied out of libiop (the native response is already released).

    As in the official SDK: ``type`` (``None`` on success, else ``ISV``/``ISP``/``SYSTEM``),
    ``code`` (``"0"`` on success), ``message``, ``request_id`` and ``body`` (the parsed JSON).
    Also ``sub_code``, ``sub_message``, ``http_status``, ``raw`` (the body text exactly as
    received), ``is_success`` and ``retry_after`` (for a throttling error, ``ApiCallLimit`` or
    ``AppCallLimit``: how long the ban lasts, a :class:`~datetime.timedelta`; else ``None``).
    """

    __slots__ = ("type", "code", "message", "request_id", "body", "sub_code", "sub_message", "http_status", "raw",
                 "is_success", "retry_after")

    def __init__(
        self,
        *,
        type: Optional[str] = None,  # noqa: A002 - the official SDK's attribute name
        code: Optional[str] = None,
        message: Optional[str] = None,
        request_id: Optional[str] = None,
        body: Any = None,
        sub_code: Optional[str] = None,
        sub_message: Optional[str] = None,
        http_status: int = 0,
        raw: str = "",
        is_success: bool = False,
        retry_after: Optional[timedelta] = None,
    ) -> None:
        self.type = type
        self.code = code
        self.message = message
        self.request_id = request_id
        self.body = body
        self.sub_code = sub_code
        self.sub_message = sub_message
        self.http_status = http_status
        self.raw = raw
        self.is_success = is_success
        self.retry_after = retry_after

    @classmethod
    def _from_handle(cls, ptr: int) -> "IopResponse":
        """Copies a native response and frees it (exactly once)."""
        try:
            body_ptr = _clib.iop_response_body(ptr)
            raw = ctypes.string_at(body_ptr, _clib.iop_response_body_len(ptr)).decode("utf-8") if body_ptr else ""
            response = cls(
                type=_lib.text(_clib.iop_response_type(ptr)),
                code=_lib.text(_clib.iop_response_code(ptr)),
                message=_lib.text(_clib.iop_response_message(ptr)),
                request_id=_lib.text(_clib.iop_response_request_id(ptr)),
                sub_code=_lib.text(_clib.iop_response_sub_code(ptr)),
                sub_message=_lib.text(_clib.iop_response_sub_message(ptr)),
                http_status=int(_clib.iop_response_http_status(ptr)),
                is_success=bool(_clib.iop_response_is_success(ptr)),
                raw=raw,
                retry_after=retry_after_from_ms(int(_clib.iop_response_retry_after_ms(ptr))),
            )
        finally:
            _clib.iop_response_free(ptr)
        # libiop has already checked that the body is JSON (else MalformedResponseError).
        response.body = json.loads(raw) if raw else None
        return response

    def is_error(self) -> bool:
        """The .NET SDK's ``IsError()``."""
        return not self.is_success

    def __str__(self) -> str:
        # The official SDK's format.
        return f"type={self.type} code={self.code} message={self.message} requestId={self.request_id}"

    def __repr__(self) -> str:
        return (
            f"<IopResponse http_status={self.http_status} success={self.is_success} type={self.type!r} "
            f"code={self.code!r} message={self.message!r} request_id={self.request_id!r}>"
        )


class SignResult(NamedTuple):
    """What :meth:`IopClient.sign` computed. ``sign_string`` contains parameter values
    (tokens included), never the app secret."""

    sign_string: str
    sign: str


class IopClient:
    """A client for one gateway and app: ``IopClient(server_url, app_key, app_secret, timeout=30)``.

    ``server_url`` ends in ``/rest`` (``https://api.taobao.tw/rest``) or is a bare host
    (``https://api-sg.aliexpress.com``). ``timeout`` (seconds, float allowed) bounds each read
    phase; the connect timeout is ``min(timeout, 15)`` unless ``connect_timeout`` is given.
    One client may be shared by any number of threads. Release it with :meth:`close` or a
    ``with`` block; the garbage collector does it otherwise.
    """

    #: Accepted for compatibility with the official SDK; iopkit writes no logs.
    log_level = P_LOG_LEVEL_ERROR

    def __init__(
        self,
        server_url: str,
        app_key: Union[str, int],
        app_secret: str,
        timeout: Optional[float] = 30,
        *,
        connect_timeout: Optional[float] = None,
        partner_id: Optional[str] = None,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
        allow_insecure_http: bool = False,
        max_response_bytes: Optional[int] = None,
        max_connect_retries: Optional[int] = None,
    ) -> None:
        if isinstance(app_key, int) and not isinstance(app_key, bool):
            app_key = str(app_key)
        url_b = encode(server_url, "server_url")
        key_b = encode(app_key, "app_key")
        secret_b = encode(app_secret, "app_secret")
        read_ms = None if timeout is None else _seconds_to_ms(timeout, "timeout")
        if connect_timeout is not None:
            connect_ms: Optional[int] = _seconds_to_ms(connect_timeout, "connect_timeout")
        else:
            connect_ms = None if read_ms is None else min(read_ms, 15000)
        out = ctypes.c_void_p()
        check(_clib.iop_client_new(url_b, key_b, secret_b, ctypes.byref(out)))
        del secret_b
        self._handle = NativeHandle(self, out.value, _clib.iop_client_free, "IopClient")  # type: ignore[arg-type]
        self._server_url: str = server_url
        self._app_key: str = key_b.decode("utf-8")
        try:
            if read_ms is not None:
                self._set(_clib.iop_client_set_read_timeout_ms, read_ms)
            if connect_ms is not None:
                self._set(_clib.iop_client_set_connect_timeout_ms, connect_ms)
            if partner_id is not None:
                self.set_partner_id(partner_id)
            if ca_bundle is not None:
                self.set_ca_bundle(ca_bundle)
            if allow_insecure_http:
                self.set_allow_insecure_http(True)
            if max_response_bytes is not None:
                self.set_max_response_bytes(max_response_bytes)
            if max_connect_retries is not None:
                self.set_max_connect_retries(max_connect_retries)
        except BaseException:
            self.close()
            raise

    # -- calls ------------------------------------------------------------------------------

    def execute(
        self,
        request: IopRequest,
        access_token: Optional[str] = None,
        protocol: Optional[Union[Protocol, str]] = None,
    ) -> IopResponse:
        """Signs and sends ``request``. A platform error (``IllegalAccessToken`` …) is returned
        as a response with ``type``/``code`` set, like the official SDK; transport failures
        raise :class:`IopError` subclasses (``ConnectError``, ``IopTimeoutError`` …)."""
        req = self._request_arg(request)
        token_b = encode_optional(access_token, "access_token")
        proto = Protocol.AUTO if protocol is None else _enum_arg(protocol, Protocol, "protocol")
        out = ctypes.c_void_p()
        with self._handle.shared() as client_ptr, req._handle.shared() as request_ptr:
            check(_clib.iop_client_execute(client_ptr, request_ptr, token_b, int(proto), ctypes.byref(out)))
        return IopResponse._from_handle(out.value)  # type: ignore[arg-type]

    def create_token(self, code: str) -> Token:
        """Exchanges a one-time authorization ``code`` for a :class:`Token`
        (``/auth/token/create``). Platform errors raise :class:`PlatformError`."""
        code_b = encode(code, "code")
        out = ctypes.c_void_p()
        with self._handle.shared() as ptr:
            check(_clib.iop_token_create(ptr, code_b, ctypes.byref(out)))
        return token_from_handle(out.value)  # type: ignore[arg-type]

    def refresh_token(self, refresh_token: str) -> Token:
        """Refreshes a token (``/auth/token/refresh``). The returned token's refresh token
        replaces the old one, which is dead from now on: store it. ``IllegalRefreshToken``
        (:class:`PlatformError`) means the seller must authorize again."""
        token_b = encode(refresh_token, "refresh_token")
        out = ctypes.c_void_p()
        with self._handle.shared() as ptr:
            check(_clib.iop_token_refresh(ptr, token_b, ctypes.byref(out)))
        return token_from_handle(out.value)  # type: ignore[arg-type]

    def sign(
        self,
        request: IopRequest,
        access_token: Optional[str] = None,
        protocol: Optional[Union[Protocol, str]] = None,
        timestamp_ms: Optional[int] = None,
    ) -> SignResult:
        """What :meth:`execute` would sign at ``timestamp_ms`` (default: now)."""
        req = self._request_arg(request)
        token_b = encode_optional(access_token, "access_token")
        proto = Protocol.AUTO if protocol is None else _enum_arg(protocol, Protocol, "protocol")
        if timestamp_ms is None:
            timestamp_ms = int(time.time() * 1000)
        elif isinstance(timestamp_ms, bool) or not isinstance(timestamp_ms, int):
            raise TypeError("timestamp_ms must be int")
        out_string = ctypes.c_void_p()
        out_sign = ctypes.c_void_p()
        with self._handle.shared() as client_ptr, req._handle.shared() as request_ptr:
            check(
                _clib.iop_client_sign(
                    client_ptr, request_ptr, token_b, int(proto), timestamp_ms,
                    ctypes.byref(out_string), ctypes.byref(out_sign),
                )
            )
        sign_string = _lib.take_owned_string(out_string.value) or ""
        sign = _lib.take_owned_string(out_sign.value) or ""
        return SignResult(sign_string, sign)

    # -- settings (thread-safe) ----------------------------------------------------------------

    def _set(self, fn: Any, *args: Any) -> None:
        with self._handle.shared() as ptr:
            check(fn(ptr, *args))

    def set_timeout(self, seconds: float) -> None:
        """Sets the read timeout (seconds; bounds sending, waiting for the head, reading the body)."""
        self._set(_clib.iop_client_set_read_timeout_ms, _seconds_to_ms(seconds, "timeout"))

    def set_connect_timeout(self, seconds: float) -> None:
        """Sets the connect timeout (seconds; default 15)."""
        self._set(_clib.iop_client_set_connect_timeout_ms, _seconds_to_ms(seconds, "connect_timeout"))

    def set_partner_id(self, partner_id: str) -> None:
        """Sets the ``partner_id`` sent with every call (default ``iopkit-<version>``)."""
        self._set(_clib.iop_client_set_partner_id, encode(partner_id, "partner_id"))

    def set_ca_bundle(self, pem_path: Union[str, "os.PathLike[str]"]) -> None:
        """Trusts the CA certificates in this PEM file instead of the built-in roots."""
        self._set(_clib.iop_client_set_ca_bundle, encode(os.fspath(pem_path), "pem_path"))

    def set_allow_insecure_http(self, allow: bool) -> None:
        """Allows plain ``http://`` to non-loopback hosts (never advisable)."""
        self._set(_clib.iop_client_set_allow_insecure_http, bool(allow))

    def set_max_response_bytes(self, max_bytes: int) -> None:
        """Sets the largest response body accepted (default 8 MiB)."""
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int):
            raise TypeError("max_bytes must be int")
        if max_bytes <= 0:
            raise ValueError("max_bytes must be > 0")
        self._set(_clib.iop_client_set_max_response_bytes, max_bytes)

    def set_max_connect_retries(self, retries: int) -> None:
        """Sets how many times a call is re-sent after a connect failure (the request never
        left); default 2, at most 10, 0 turns retries off. Nothing else is ever retried."""
        if isinstance(retries, bool) or not isinstance(retries, int):
            raise TypeError("retries must be int")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self._set(_clib.iop_client_set_max_connect_retries, min(retries, 2**32 - 1))

    # -- lifetime -------------------------------------------------------------------------------

    @property
    def server_url(self) -> str:
        return self._server_url

    @property
    def app_key(self) -> str:
        return self._app_key

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def close(self) -> None:
        """Releases the native client (idempotent; waits for no one: calls in progress on
        other threads finish first, then the handle is freed)."""
        self._handle.close()

    def __enter__(self) -> "IopClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<IopClient {self._server_url!r} app_key={self._app_key!r}{state}>"

    @staticmethod
    def _request_arg(request: Any) -> IopRequest:
        if not isinstance(request, IopRequest):
            raise TypeError(f"request must be an IopRequest, not {type(request).__name__}")
        return request
