"""Exceptions: one class per ``IopStatus`` of the C ABI, all under :class:`IopError`."""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Any, Dict, Optional, Type

from . import _lib


class Status(enum.IntEnum):
    """The C ABI's ``IopStatus`` values (``IOP_OK``, ``IOP_ERR_*``)."""

    OK = 0
    INVALID_ARGUMENT = 1
    CONNECT = 2
    NETWORK = 3
    TIMEOUT = 4
    TLS = 5
    HTTP = 6
    MALFORMED_RESPONSE = 7
    PLATFORM = 8
    INTERNAL = 9
    TOKEN_EXPIRED = 10
    REAUTHORIZATION_REQUIRED = 11


def status_name(status: int) -> str:
    """The C name of a status (``"IOP_ERR_TIMEOUT"``), from ``iop_status_name``."""
    return _lib.text(_lib.lib.iop_status_name(int(status))) or "IOP_UNKNOWN_STATUS"


class IopError(Exception):
    """A failed iopkit call.

    Attributes (``None``/``0`` when they do not apply):

    - ``status``: the :class:`Status`; ``status_name``: its C name (``"IOP_ERR_PLATFORM"``)
    - ``message``: what went wrong (never contains secrets)
    - ``code``, ``type``, ``sub_code``: the platform's error fields (``InvalidCode``, ``ISV``)
    - ``request_id``: the platform's request id; ``http_status``: the HTTP status (0 if none)
    - ``retry_after``: for a throttling error (``ApiCallLimit``, ``AppCallLimit``), how long the
      platform says the ban lasts, as a :class:`~datetime.timedelta`; ``None`` otherwise
    """

    status: Status = Status.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        type: Optional[str] = None,  # noqa: A002 - the platform's field name
        sub_code: Optional[str] = None,
        request_id: Optional[str] = None,
        http_status: int = 0,
        status: Optional[int] = None,
        retry_after: Optional[timedelta] = None,
    ) -> None:
        super().__init__(message)
        if status is not None:
            try:
                self.status = Status(status)
            except ValueError:
                pass
        self.status_name: str = status_name(status if status is not None else self.status)
        self.message: str = message
        self.code = code
        self.type = type
        self.sub_code = sub_code
        self.request_id = request_id
        self.http_status = http_status
        self.retry_after = retry_after

    def __str__(self) -> str:
        # libiop's message already names the platform code and request id.
        if self.http_status and f"HTTP {self.http_status}" not in self.message:
            return f"{self.message} (HTTP {self.http_status})"
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status_name}, message={self.message!r}, code={self.code!r}, "
            f"type={self.type!r}, sub_code={self.sub_code!r}, request_id={self.request_id!r}, "
            f"http_status={self.http_status}, retry_after={self.retry_after!r})"
        )

    def __reduce__(self) -> Any:  # picklable despite keyword-only fields
        return (
            _rebuild,
            (
                type(self), self.message, self.code, self.type, self.sub_code, self.request_id, self.http_status,
                self.retry_after,
            ),
        )


def _rebuild(  # type: ignore[no-untyped-def]
    cls, message, code, type_, sub_code, request_id, http_status, retry_after=None
):
    return cls(
        message, code=code, type=type_, sub_code=sub_code, request_id=request_id, http_status=http_status,
        retry_after=retry_after,
    )


class InvalidArgumentError(IopError, ValueError):
    """``IOP_ERR_INVALID_ARGUMENT``: an argument was empty, malformed or not UTF-8, or the
    object was already closed. Also a :class:`ValueError`."""

    status = Status.INVALID_ARGUMENT


class ConnectError(IopError, ConnectionError):
    """``IOP_ERR_CONNECT``: the connection could not be made; the request never left.
    Also a :class:`ConnectionError`."""

    status = Status.CONNECT


class NetworkError(IopError):
    """``IOP_ERR_NETWORK``: the connection failed after it was made (the request may have
    reached the server)."""

    status = Status.NETWORK


class IopTimeoutError(IopError, TimeoutError):
    """``IOP_ERR_TIMEOUT``: the connect or read timeout expired. Also a :class:`TimeoutError`."""

    status = Status.TIMEOUT


class TlsError(IopError):
    """``IOP_ERR_TLS``: the TLS handshake or certificate verification failed."""

    status = Status.TLS


class HttpError(IopError):
    """``IOP_ERR_HTTP``: an HTTP error status whose body is not a platform envelope."""

    status = Status.HTTP


class MalformedResponseError(IopError):
    """``IOP_ERR_MALFORMED_RESPONSE``: the body was not JSON, truncated or too large."""

    status = Status.MALFORMED_RESPONSE


class PlatformError(IopError):
    """``IOP_ERR_PLATFORM``: the platform answered with an error envelope (token helpers);
    ``code`` (``InvalidCode``, ``IllegalRefreshToken`` …), ``type``, ``request_id`` and
    ``http_status`` say which."""

    status = Status.PLATFORM


class InternalError(IopError):
    """``IOP_ERR_INTERNAL``: a bug in libiop (for example a caught panic)."""

    status = Status.INTERNAL


class TokenExpiredError(PlatformError):
    """``IOP_ERR_TOKEN_EXPIRED``: the access token presented has expired (EnOS status 1203,
    ``code == "1203"``): get a new one with :meth:`EnosClient.get_token`. A subclass of
    :class:`PlatformError`, so ``except PlatformError`` still catches it."""

    status = Status.TOKEN_EXPIRED


class ReauthorizationRequiredError(IopError):
    """``IOP_ERR_REAUTHORIZATION_REQUIRED``: the seller must authorize the app again (the
    refresh token is dead or expired, the grant cannot be refreshed, or nothing is stored).
    No retry can help."""

    status = Status.REAUTHORIZATION_REQUIRED


#: The exception class for each non-OK status.
ERROR_CLASSES: Dict[Status, Type[IopError]] = {
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.CONNECT: ConnectError,
    Status.NETWORK: NetworkError,
    Status.TIMEOUT: IopTimeoutError,
    Status.TLS: TlsError,
    Status.HTTP: HttpError,
    Status.MALFORMED_RESPONSE: MalformedResponseError,
    Status.PLATFORM: PlatformError,
    Status.INTERNAL: InternalError,
    Status.TOKEN_EXPIRED: TokenExpiredError,
    Status.REAUTHORIZATION_REQUIRED: ReauthorizationRequiredError,
}


def error_class(status: int) -> Type[IopError]:
    """The exception class for a status value (:class:`IopError` itself for an unknown one)."""
    try:
        return ERROR_CLASSES[Status(status)]
    except (ValueError, KeyError):
        return IopError


def last_error(status: int) -> IopError:
    """Builds the exception for ``status`` from this thread's ``iop_last_error_*``.

    Must be called right after the failing call, on the same thread (ctypes keeps the OS
    thread, so the thread-local last error is still there)."""
    lib = _lib.lib
    message = _lib.text(lib.iop_last_error_message()) or status_name(status)
    return error_class(status)(
        message,
        code=_lib.text(lib.iop_last_error_code()),
        type=_lib.text(lib.iop_last_error_type()),
        sub_code=_lib.text(lib.iop_last_error_sub_code()),
        request_id=_lib.text(lib.iop_last_error_request_id()),
        http_status=int(lib.iop_last_error_http_status()),
        status=status,
        retry_after=retry_after_from_ms(int(lib.iop_last_error_retry_after_ms())),
    )


def retry_after_from_ms(ms: int) -> Optional[timedelta]:
    """A native ``retry_after_ms`` (-1 when there is none) as a :class:`~datetime.timedelta`."""
    return None if ms < 0 else timedelta(milliseconds=ms)


def check(status: int) -> None:
    """Raises the matching :class:`IopError` unless ``status`` is ``IOP_OK``."""
    if status != 0:
        raise last_error(status)
