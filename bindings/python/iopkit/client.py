"""IopClient, IopRequest and IopResponse: the official SDK's API over libiop, and the
settings both clients share."""

from __future__ import annotations

import enum
import json
import math
import os
import threading
from datetime import timedelta
from typing import IO, Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple, Type, TypeVar, Union

from . import _abi, _async, _log
from ._abi import IOP_USE_DEFAULT, HttpMethod, IopError, Protocol
from ._handle import NativeHandle, NativeObject
from .token import Token

_E = TypeVar("_E", bound=enum.Enum)

#: The official Python SDK's log-level names: ``IopClient.log_level = P_LOG_LEVEL_DEBUG`` sets the
#: level of the ``"iopkit"`` logger (see :attr:`IopClient.log_level`).
P_LOG_LEVEL_DEBUG = "DEBUG"
P_LOG_LEVEL_INFO = "INFO"
P_LOG_LEVEL_ERROR = "ERROR"


def _enum_arg(value: Any, cls: Type[_E], name: str) -> _E:
    """An enum member from a member, its name (any case) or its value."""
    if isinstance(value, cls):
        return value
    try:
        if isinstance(value, str):
            return cls[value.strip().upper()]
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
    except (KeyError, ValueError):
        pass
    choices = ", ".join(m.name for m in cls)
    raise ValueError(f"{name} must be one of {choices}, not {value!r}")


def _protocol(value: Union[Protocol, str, None]) -> int:
    return int(_enum_arg(value, Protocol, "protocol")) if value else 0  # 0: Protocol.AUTO


def _retry_after(ms: int) -> Optional[timedelta]:
    return None if ms < 0 else timedelta(milliseconds=ms)


def seconds_to_ms(seconds: Any, name: str) -> int:
    """A positive duration in seconds (float allowed) as whole milliseconds, rounded up."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{name} must be a positive, finite number of seconds, not {seconds!r}")
    return max(1, math.ceil(float(seconds) * 1000))


def _build_config(settings: Dict[str, Any]) -> int:
    """A native ``IopConfig`` with ``settings`` applied in order (owned)."""
    config = _abi.config_new()
    try:
        for name, value in settings.items():
            setter = getattr(_abi, "config_set_" + name, None)
            if setter is None:
                raise TypeError(f"unknown setting {name!r}")
            if isinstance(value, NativeObject):  # a RateLimiter: the config shares it
                with value._native() as ptr:
                    setter(config, ptr)
            else:
                setter(config, os.fspath(value) if isinstance(value, os.PathLike) else value)
    except BaseException:
        _abi.config_free(config)
        raise
    return config


class ClientBase(NativeObject):
    """What :class:`IopClient` and :class:`~iopkit.EnosClient` share: the native handle and the
    settings, one ``IopConfig`` re-applied as a whole by :meth:`configure`.

    Settings are the ``iop_config_set_*`` names, numbers passed through as given
    (``IOP_USE_DEFAULT``, -1, selects the default): ``connect_timeout_ms``,
    ``read_timeout_ms``, ``partner_id`` (``None``: the default), ``ca_bundle`` (a PEM path;
    ``None``: the built-in roots), ``allow_insecure_http``, ``max_response_bytes``,
    ``max_connect_retries``, ``max_idle_connections``, ``idle_timeout_ms``, ``proxy`` (``None``,
    the default: the environment's ``HTTPS_PROXY``/``ALL_PROXY`` and ``NO_PROXY``; ``""``:
    direct; ``"http://[user:password@]host[:port]"``: that proxy, through HTTP CONNECT; its
    credentials never appear in messages or logs) and ``rate_limiter`` (a
    :class:`~iopkit.RateLimiter`, shared; ``None``: none)."""

    _new: Callable[..., int]
    _free: Callable[[int], None]
    _configure: Callable[[int, int], None]

    def _open(self, url: str, app_key: Any, app_secret: str, timeout: Optional[float], settings: Dict[str, Any]) -> None:
        if isinstance(app_key, int) and not isinstance(app_key, bool):
            app_key = str(app_key)
        if timeout is not None:
            settings = {"read_timeout_ms": seconds_to_ms(timeout, "timeout"), **settings}
        config = _build_config(settings)
        try:
            ptr = type(self)._new(url, app_key, app_secret, config)
        except BaseException:
            _abi.config_free(config)
            raise
        self._adopt(ptr, type(self)._free)
        self._config = NativeHandle(self, config, _abi.config_free, "IopConfig")
        self._settings = settings
        self._settings_lock = threading.Lock()
        self._url = url
        self.app_key: str = app_key

    def _native(self) -> NativeHandle:
        _log.sync_level()  # every call starts here: the native log level follows the logger's
        return super()._native()

    def configure(self, **settings: Any) -> None:
        """Changes settings (see the class doc); the others keep their values. Thread-safe:
        calls already running keep the settings they started with. On error nothing changes."""
        with self._settings_lock:
            merged = {**self._settings, **settings}
            config = NativeHandle(self, _build_config(merged), _abi.config_free, "IopConfig")
            try:
                with self._native() as ptr, config as config_ptr:
                    type(self)._configure(ptr, config_ptr)
            except BaseException:
                config.close()
                raise
            self._config.close()
            self._config, self._settings = config, merged

    @property
    def settings(self) -> Dict[str, Any]:
        """The settings given so far (the others have their defaults)."""
        return dict(self._settings)

    def set_timeout(self, seconds: float) -> None:
        """Sets the read timeout (seconds; bounds sending, waiting for the head, reading the body)."""
        self.configure(read_timeout_ms=seconds_to_ms(seconds, "timeout"))

    def set_connect_timeout(self, seconds: float) -> None:
        """Sets the connect timeout (seconds)."""
        self.configure(connect_timeout_ms=seconds_to_ms(seconds, "connect_timeout"))

    def set_proxy(self, proxy: Optional[str]) -> None:
        """Sets the proxy: ``None`` the environment's, ``""`` none, or ``"http://[user:password@]host[:port]"``."""
        self.configure(proxy=proxy)

    def _describe(self) -> str:
        return f" {self._url!r} app_key={self.app_key!r}"


def _param_value(value: Any, name: str) -> Any:
    """A business parameter value: ``str`` as is; ``int``/``float`` as ``str(value)``."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: pass 'true'/'false' as str, not bool (the platform expects text)")
    return str(value) if isinstance(value, (int, float)) else value


class IopRequest(NativeObject):
    """An API call being built: ``IopRequest('/auth/token/create')`` (GOP) or
    ``IopRequest('aliexpress.ds.category.get')`` (TOP).

    Not to be modified while another thread sends it (doing so raises :class:`RuntimeError`).
    Release it with :meth:`close` or a ``with`` block; the garbage collector does it otherwise."""

    def __init__(self, api_name: str, http_method: Union[str, HttpMethod] = "POST") -> None:
        method = _enum_arg(http_method, HttpMethod, "http_method")
        self._adopt(_abi.request_new(api_name), _abi.request_free)
        self._api_name = api_name
        self._http_method = HttpMethod.POST
        if method != HttpMethod.POST:
            self.http_method = method

    def _edit(self, fn: Callable[..., None], *args: Any) -> None:
        with self._native().exclusive() as ptr:
            fn(ptr, *args)

    def add_api_param(self, key: str, value: Union[str, int, float]) -> None:
        """Adds (or replaces) a business parameter, signed and sent exactly as given
        (``int``/``float`` as ``str(value)``; use ``json.dumps`` for structured values)."""
        self._edit(_abi.request_add_param, key, _param_value(value, "value"))

    def add_file_param(
        self,
        key: str,
        value: Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes]],
        file_name: Optional[str] = None,
        content_type: Optional[str] = None,
    ) -> None:
        """Attaches a file as a multipart part (never signed): ``value`` is the content
        (``bytes``), a path or a binary file object (read now). The part's file name is
        ``file_name``, else the path's base name, else ``key``; its Content-Type is
        ``content_type``, else ``application/octet-stream``."""
        default_name = key
        if isinstance(value, (str, os.PathLike)):
            with open(value, "rb") as f:
                data = f.read()
            default_name = os.path.basename(os.fspath(value)) or key
        elif hasattr(value, "read"):
            data = value.read()
            if isinstance(data, str):
                raise TypeError("add_file_param: open the file in binary mode ('rb')")
            name = getattr(value, "name", None)
            default_name = os.path.basename(name) if isinstance(name, str) and name else key
        else:
            data = value
        self._edit(_abi.request_add_file, key, file_name if file_name is not None else default_name, content_type, data)

    def set_simplify(self) -> None:
        """Asks for the simplified response shape: adds ``simplify=true``."""
        self.add_api_param("simplify", "true")

    def set_format(self, value: str) -> None:
        """Sets the response format: adds ``format=<value>``."""
        self.add_api_param("format", value)

    def add_header(self, name: str, value: str) -> None:
        """Adds an HTTP header sent with the request (not signed)."""
        self._edit(_abi.request_add_header, name, value)

    @property
    def api_name(self) -> str:
        return self._api_name

    @api_name.setter
    def api_name(self, api_name: str) -> None:
        self._edit(_abi.request_set_api_name, api_name)
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
        self._edit(_abi.request_set_http_method, int(m))
        self._http_method = m

    def _describe(self) -> str:
        return f" {self._api_name!r} {self._http_method.name}"


class IopResponse:
    """A call's response. As in the official SDK: ``type`` (``None`` on success, else
    ``ISV``/``ISP``/``SYSTEM``), ``code`` (``"0"`` on success), ``message``, ``request_id`` and
    ``body`` (the parsed JSON). Also ``sub_code``, ``sub_message``, ``http_status``, ``raw`` (the
    body text as received), ``is_success`` and ``retry_after`` (for ``ApiCallLimit``/
    ``AppCallLimit``: how long the ban lasts, a :class:`~datetime.timedelta`; else ``None``).

    It owns the immutable native response, freed with this object; each field is read from it
    (and ``body`` decoded) the first time it is asked for. Copies and pickles are detached
    copies of every field."""

    _FIELDS = ("type", "code", "message", "request_id", "sub_code", "sub_message", "http_status", "is_success",
               "retry_after_ms", "raw")
    type: Optional[str]
    code: Optional[str]
    message: Optional[str]
    request_id: Optional[str]
    sub_code: Optional[str]
    sub_message: Optional[str]
    http_status: int
    is_success: bool
    retry_after_ms: int
    raw: str
    body: Any
    _ptr: int

    @classmethod
    def _take(cls, ptr: int) -> "IopResponse":
        """Owns a native response (freed exactly once, when this object goes)."""
        self = cls.__new__(cls)
        self._ptr = ptr
        return self

    def __getattr__(self, name: str) -> Any:  # a field not read yet
        if name == "body":
            value: Any = json.loads(self.raw) if self.raw else None  # libiop checked it is JSON
        elif name in IopResponse._FIELDS and "_ptr" in self.__dict__:
            value = getattr(_abi, "response_" + ("body" if name == "raw" else name))(self._ptr)
            if name == "raw":
                value = value or ""
        else:
            raise AttributeError(f"'IopResponse' object has no attribute {name!r}")
        self.__dict__[name] = value
        return value

    def __del__(self) -> None:
        ptr = self.__dict__.pop("_ptr", 0)
        if ptr and _abi is not None:  # None: the interpreter is shutting down
            _abi.response_free(ptr)

    def __reduce__(self) -> Any:
        return _detached, ({name: getattr(self, name) for name in IopResponse._FIELDS},)

    @property
    def retry_after(self) -> Optional[timedelta]:
        return _retry_after(self.retry_after_ms)

    def is_error(self) -> bool:
        """The .NET SDK's ``IsError()``."""
        return not self.is_success

    def __str__(self) -> str:  # the official SDK's format
        return f"type={self.type} code={self.code} message={self.message} requestId={self.request_id}"

    def __repr__(self) -> str:
        return f"<IopResponse http_status={self.http_status} success={self.is_success} {self}>"


def _detached(fields: Dict[str, Any]) -> IopResponse:
    response = IopResponse.__new__(IopResponse)
    response.__dict__.update(fields)
    return response


class SignResult(NamedTuple):
    """What :meth:`IopClient.sign` computed; ``sign_string`` never contains the app secret."""

    sign_string: str
    sign: str


class _LogLevelOnTheClass(type):
    """``IopClient``'s metaclass: the official SDK's ``IopClient.log_level = ...`` on the class
    works as on an instance."""

    @property
    def log_level(cls) -> str:
        return _log.level_name()

    @log_level.setter
    def log_level(cls, level: Union[str, int]) -> None:
        _log.set_level(level)


class IopClient(ClientBase, metaclass=_LogLevelOnTheClass):
    """A client for one gateway and app: ``IopClient(server_url, app_key, app_secret, timeout=None, **settings)``.

    ``server_url`` ends in ``/rest`` (``https://api.taobao.tw/rest``) or is a bare host
    (``https://api-sg.aliexpress.com``). ``timeout`` (seconds) is the read timeout; the other
    settings are those of :meth:`configure`. One client may be shared by any number of threads.
    Release it with :meth:`close` or a ``with`` block; the garbage collector does it otherwise."""

    _new = staticmethod(_abi.client_new)
    _free = staticmethod(_abi.client_free)
    _configure = staticmethod(_abi.client_configure)

    def __init__(
        self, server_url: str, app_key: Union[str, int], app_secret: str, timeout: Optional[float] = None,
        **settings: Any,
    ) -> None:
        self._open(server_url, app_key, app_secret, timeout, settings)

    @property
    def server_url(self) -> str:
        return self._url

    @property
    def log_level(self) -> str:
        """The official SDK's setting, process-wide: the effective level of the ``"iopkit"``
        logger (``"WARNING"`` unless configured). Setting it (``P_LOG_LEVEL_DEBUG``,
        ``"INFO"``, ``logging.DEBUG``…) sets that logger's level; records go to the handlers
        the application configured (iopkit writes no files). Events never contain secrets."""
        return _log.level_name()

    @log_level.setter
    def log_level(self, level: Union[str, int]) -> None:
        _log.set_level(level)

    def execute(
        self, request: IopRequest, access_token: Optional[str] = None, protocol: Union[Protocol, str, None] = None
    ) -> IopResponse:
        """Signs and sends ``request``. A platform error (``IllegalAccessToken`` …) is returned
        as a response with ``type``/``code`` set, like the official SDK; transport failures
        raise :class:`IopError` subclasses (``ConnectError``, ``IopTimeoutError`` …)."""
        with self._native() as client_ptr, _request_handle(request) as request_ptr:
            return IopResponse._take(_abi.client_execute(client_ptr, request_ptr, access_token, _protocol(protocol)))

    async def execute_async(
        self, request: IopRequest, access_token: Optional[str] = None, protocol: Union[Protocol, str, None] = None
    ) -> IopResponse:
        """:meth:`execute` on a worker thread, awaited (see :func:`iopkit.set_executor`).
        Cancelling returns at once; the call itself ends in its thread (at the latest at its
        timeout) and its response is then freed. Do not modify ``request`` meanwhile."""
        return await _async.run(self.execute, request, access_token, protocol)

    def execute_batch(
        self, requests: Iterable[Union[IopRequest, Tuple[IopRequest, Optional[str]]]],
        access_token: Optional[str] = None, concurrency: int = IOP_USE_DEFAULT,
        protocol: Union[Protocol, str, None] = None,
    ) -> List[Union[IopResponse, IopError]]:
        """Sends many calls at once: at most ``concurrency`` in flight (1 to
        ``IOP_MAX_BATCH_CONCURRENCY``; -1: ``IOP_DEFAULT_BATCH_CONCURRENCY``) over the client's
        connections, on libiop's threads (the GIL is released meanwhile), and returns when all
        have ended. Each item is a request, sent with ``access_token``, or a
        ``(request, its_access_token)`` pair. Returns one outcome per item, in input order:
        the :class:`IopResponse` that :meth:`execute` would have returned, or the
        :class:`IopError` it would have raised (returned, not raised, like ``asyncio.gather(...,
        return_exceptions=True)``). Invalid arguments to the batch itself raise."""
        proto = _protocol(protocol)
        batch = _abi.batch_new()
        try:
            for item in requests:
                request, token = item if isinstance(item, tuple) else (item, access_token)
                with _request_handle(request) as request_ptr:
                    _abi.batch_add(batch, request_ptr, token, proto)
            with self._native() as client_ptr:
                _abi.client_execute_batch(client_ptr, batch, concurrency)
            return [_outcome(batch, index) for index in range(_abi.batch_len(batch))]
        finally:
            _abi.batch_free(batch)

    async def execute_batch_async(
        self, requests: Iterable[Union[IopRequest, Tuple[IopRequest, Optional[str]]]],
        access_token: Optional[str] = None, concurrency: int = IOP_USE_DEFAULT,
        protocol: Union[Protocol, str, None] = None,
    ) -> List[Union[IopResponse, IopError]]:
        """:meth:`execute_batch` on a worker thread, awaited (``requests`` is read first, here)."""
        return await _async.run(self.execute_batch, list(requests), access_token, concurrency, protocol)

    def sign(
        self, request: IopRequest, access_token: Optional[str] = None, protocol: Union[Protocol, str, None] = None,
        timestamp_ms: Optional[int] = None,
    ) -> SignResult:
        """What :meth:`execute` would sign at ``timestamp_ms`` (epoch milliseconds; default now)."""
        when = IOP_USE_DEFAULT if timestamp_ms is None else timestamp_ms
        with self._native() as client_ptr, _request_handle(request) as request_ptr:
            return SignResult(*_abi.client_sign(client_ptr, request_ptr, access_token, _protocol(protocol), when))

    def create_token(self, code: str) -> Token:
        """Exchanges a one-time authorization ``code`` for a :class:`Token`
        (``/auth/token/create``). Platform errors raise :class:`PlatformError`."""
        with self._native() as ptr:
            return Token(_abi.token_create(ptr, code))

    def refresh_token(self, refresh_token: str) -> Token:
        """Refreshes a token (``/auth/token/refresh``). The new token's refresh token replaces
        the old one, which is dead from now on: store it."""
        with self._native() as ptr:
            return Token(_abi.token_refresh(ptr, refresh_token))

    async def create_token_async(self, code: str) -> Token:
        """:meth:`create_token` awaited. A cancelled exchange may still spend the code."""
        return await _async.run(self.create_token, code)

    async def refresh_token_async(self, refresh_token: str) -> Token:
        """:meth:`refresh_token` awaited. A cancelled refresh may still rotate the refresh
        token: keep the stored one until a refresh succeeds, and use a :class:`TokenManager`
        where that matters (it stores the new token whether or not its caller waits)."""
        return await _async.run(self.refresh_token, refresh_token)


def _request_handle(request: Any) -> NativeHandle:
    if not isinstance(request, IopRequest):
        raise TypeError(f"request must be an IopRequest, not {type(request).__name__}")
    return request._native()


def _outcome(batch: int, index: int) -> Union[IopResponse, IopError]:
    try:
        return IopResponse._take(_abi.batch_take_response(batch, index))
    except IopError as e:
        return e.with_traceback(None)  # no frames kept alive by the results
