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
:class:`Token`) and one exception class per failure kind (:class:`IopError` and subclasses).
Importing writes nothing to disk.
"""

from __future__ import annotations

from . import constants
from ._lib import EXPECTED_ABI, library_path, library_version
from .client import HttpMethod, IopClient, IopRequest, IopResponse, Protocol, SignResult
from .constants import (
    LAZADA_AUTH_URL,
    LAZADA_API_URL_SG,
    LAZADA_API_URL_MY,
    LAZADA_API_URL_VN,
    LAZADA_API_URL_TH,
    LAZADA_API_URL_PH,
    LAZADA_API_URL_ID,
    LAZADA_OAUTH_URL,
    TAOBAO_TW_API_URL,
    TAOBAO_TW_AUTH_URL,
    ALIEXPRESS_HOST,
    ALIEXPRESS_API_URL,
    ALIEXPRESS_SYNC_URL,
    ALIEXPRESS_OAUTH_URL,
    ALIBABA_API_URL,
    API_AUTHORIZATION_URL,
    API_GATEWAY_URL_SG,
    API_GATEWAY_URL_MY,
    API_GATEWAY_URL_VN,
    API_GATEWAY_URL_TH,
    API_GATEWAY_URL_PH,
    API_GATEWAY_URL_ID,
    API_GATEWAY_URL_TW,
    API_AUTHORIZATION_URL_TW,
    P_LOG_LEVEL_DEBUG,
    P_LOG_LEVEL_INFO,
    P_LOG_LEVEL_ERROR,
)
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
    Status,
    TlsError,
    error_class,
    status_name,
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
    "Status",
    "ERROR_CLASSES",
    "error_class",
    "status_name",
    "constants",
    "library_path",
    "library_version",
    "EXPECTED_ABI",
    "LAZADA_AUTH_URL",
    "LAZADA_API_URL_SG",
    "LAZADA_API_URL_MY",
    "LAZADA_API_URL_VN",
    "LAZADA_API_URL_TH",
    "LAZADA_API_URL_PH",
    "LAZADA_API_URL_ID",
    "LAZADA_OAUTH_URL",
    "TAOBAO_TW_API_URL",
    "TAOBAO_TW_AUTH_URL",
    "ALIEXPRESS_HOST",
    "ALIEXPRESS_API_URL",
    "ALIEXPRESS_SYNC_URL",
    "ALIEXPRESS_OAUTH_URL",
    "ALIBABA_API_URL",
    "API_AUTHORIZATION_URL",
    "API_GATEWAY_URL_SG",
    "API_GATEWAY_URL_MY",
    "API_GATEWAY_URL_VN",
    "API_GATEWAY_URL_TH",
    "API_GATEWAY_URL_PH",
    "API_GATEWAY_URL_ID",
    "API_GATEWAY_URL_TW",
    "API_AUTHORIZATION_URL_TW",
    "P_LOG_LEVEL_DEBUG",
    "P_LOG_LEVEL_INFO",
    "P_LOG_LEVEL_ERROR",
]
