"""iopkit: a client for the Alibaba IOP open platforms (Lazada, AliExpress, Taobao TW), a thin
binding over the native libiop.

Drop-in for the official SDK's documented usage::

    import iopkit as iop

    client = iop.IopClient(url, appkey, appSecret)
    request = iop.IopRequest('/auth/token/create')
    request.add_api_param('code', code)
    response = client.execute(request)
    print(response.type)
    print(response.body)

plus typed tokens (:class:`Token`), the authorization page (:func:`authorize_url`,
:func:`new_state`, :func:`verify_state`), an EnOS client (:class:`EnosClient`), always-valid
access tokens (:class:`TokenManager` over a token store), push messages (:class:`PushReceiver`),
client-side rate limits (:class:`RateLimiter`), ``*_async`` methods for asyncio, events logged to
the ``"iopkit"`` logger, and one exception class per failure status (:class:`IopError` and
subclasses). Constants, enums
and exceptions come from the generated :mod:`iopkit._abi`. Importing writes nothing to disk.
"""

from __future__ import annotations

from ._lib import library_path, library_version  # loads libiop first
from . import _log  # noqa: F401  (routes libiop's events to logging.getLogger("iopkit"))
from ._abi import *  # noqa: F401,F403  (constants, enums, exceptions: _abi.__all__)
from ._abi import __all__ as _abi_all
from ._abi import status_name
from ._async import set_executor
from .authorize import authorize_url, new_state, verify_state
from .client import (
    P_LOG_LEVEL_DEBUG, P_LOG_LEVEL_ERROR, P_LOG_LEVEL_INFO, ClientBase, IopClient, IopRequest, IopResponse, SignResult,
)
from .constants import *  # noqa: F401,F403  (the official UrlConstants names)
from .constants import __all__ as _constants_all
from .enos import ApimHeaders, EnosClient, EnosToken
from .limits import RateLimiter
from .manager import TokenManager
from .push import PushMessage, PushReceiver
from .store import CallbackTokenStore, FileTokenStore, MemoryTokenStore, RedisTokenStore, TokenStore
from .token import CountryUserInfo, Token, parse_token

__version__ = library_version

__all__ = [
    "IopClient", "IopRequest", "IopResponse", "SignResult", "ClientBase", "Token", "CountryUserInfo", "parse_token",
    "TokenManager", "RateLimiter", "TokenStore", "MemoryTokenStore", "FileTokenStore", "RedisTokenStore", "CallbackTokenStore",
    "EnosClient", "EnosToken", "ApimHeaders", "PushReceiver", "PushMessage", "authorize_url", "new_state", "verify_state", "status_name",
    "set_executor", "P_LOG_LEVEL_DEBUG", "P_LOG_LEVEL_INFO", "P_LOG_LEVEL_ERROR", "library_path", "library_version",
    *_abi_all, *_constants_all,
]
