"""iopkit: a client for the Alibaba IOP open platforms (Lazada, AliExpress, Taobao TW),
a thin binding over the native libiop.

Drop-in for the official SDK's documented usage::

    import iopkit as iop

    client = iop.IopClient(url, appkey, appSecret)
    request = iop.IopRequest('/auth/token/create')
    request.add_api_param('code', code)
    response = client.execute(request)
    print(response.type)
    print(response.body)

plus typed token helpers (``client.create_token(code)`` / ``client.refresh_token(rt)`` →
:class:`Token`), the authorization page's URL and ``state`` (:func:`authorize_url`,
:func:`new_state`, :func:`verify_state`), an EnOS API-management client (:class:`EnosClient`),
always-valid access tokens (:class:`TokenManager` with a :class:`MemoryTokenStore`,
:class:`FileTokenStore`, :class:`RedisTokenStore` or your own :class:`CallbackTokenStore`)
and one exception class per failure kind (:class:`IopError` and subclasses).
Importing writes nothing to disk.
"""

from __future__ import annotations

from . import constants
from ._lib import EXPECTED_ABI, library_path, library_version
from .authorize import Platform, authorize_url, new_state, verify_state
from .client import HttpMethod, IopClient, IopRequest, IopResponse, Protocol, SignResult
from .constants import *  # noqa: F401,F403  (the gateway URLs; listed in constants.__all__)
from .enos import ApimHeaders, EnosClient, EnosToken
from .errors import (
    ERROR_CLASSES,
    ConnectError,
    HttpError,
    InternalError,
    InvalidArgumentError,
    IopError,
    IopTimeoutError,
    MalformedResponseError,
    NetworkError,
    PlatformError,
    ReauthorizationRequiredError,
    Status,
    TlsError,
    TokenExpiredError,
    error_class,
    status_name,
)
from .manager import DEFAULT_REFRESH_MARGIN, TokenManager, TokenRecord
from .store import (
    CallbackTokenStore,
    FileTokenStore,
    MemoryTokenStore,
    ReauthorizationDue,
    RedisTokenStore,
    TokenStore,
)
from .token import CountryUserInfo, Token, parse_token

__version__ = "0.1.0"

__all__ = [
    "IopClient",
    "IopRequest",
    "IopResponse",
    "Protocol",
    "HttpMethod",
    "SignResult",
    "Token",
    "CountryUserInfo",
    "parse_token",
    "TokenManager",
    "TokenRecord",
    "DEFAULT_REFRESH_MARGIN",
    "TokenStore",
    "MemoryTokenStore",
    "FileTokenStore",
    "RedisTokenStore",
    "CallbackTokenStore",
    "ReauthorizationDue",
    "EnosClient",
    "EnosToken",
    "ApimHeaders",
    "Platform",
    "authorize_url",
    "new_state",
    "verify_state",
    "IopError",
    "InvalidArgumentError",
    "ConnectError",
    "NetworkError",
    "IopTimeoutError",
    "TlsError",
    "HttpError",
    "MalformedResponseError",
    "PlatformError",
    "InternalError",
    "TokenExpiredError",
    "ReauthorizationRequiredError",
    "Status",
    "ERROR_CLASSES",
    "error_class",
    "status_name",
    "constants",
    "library_path",
    "library_version",
    "EXPECTED_ABI",
]
__all__ += constants.__all__
