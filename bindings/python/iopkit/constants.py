"""Gateway URLs of the IOP platforms (from the project's protocol notes) and the official
SDK's constant names.

Pass any of the ``…_URL`` values as ``server_url`` of :class:`iopkit.IopClient`. A base URL may
end in ``/rest`` or be a bare host (``ALIEXPRESS_HOST``); libiop builds ``<base>/rest<api>`` for
path-style (GOP) APIs and ``<host>/sync`` for dotted (TOP) ones.
"""

from __future__ import annotations

# --- Lazada --------------------------------------------------------------------------------
#: Every ``/auth/token/*`` call, for every Lazada country.
LAZADA_AUTH_URL = "https://auth.lazada.com/rest"
LAZADA_API_URL_SG = "https://api.lazada.sg/rest"
LAZADA_API_URL_MY = "https://api.lazada.com.my/rest"
LAZADA_API_URL_VN = "https://api.lazada.vn/rest"
LAZADA_API_URL_TH = "https://api.lazada.co.th/rest"
LAZADA_API_URL_PH = "https://api.lazada.com.ph/rest"
LAZADA_API_URL_ID = "https://api.lazada.co.id/rest"
#: The seller authorization page (add ``?response_type=code&force_auth=true&redirect_uri=…&client_id=…``).
LAZADA_OAUTH_URL = "https://auth.lazada.com/oauth/authorize"

# --- Taobao TW -----------------------------------------------------------------------------
TAOBAO_TW_API_URL = "https://api.taobao.tw/rest"
TAOBAO_TW_AUTH_URL = "https://auth.taobao.tw/rest"

# --- AliExpress ----------------------------------------------------------------------------
#: The bare host (the official AliExpress SDKs pass it with ``Protocol.GOP``/``Protocol.TOP``).
ALIEXPRESS_HOST = "https://api-sg.aliexpress.com"
#: System APIs (GOP), including ``/auth/token/create`` and ``/auth/token/refresh``.
ALIEXPRESS_API_URL = "https://api-sg.aliexpress.com/rest"
#: Business APIs (TOP, dotted method names such as ``aliexpress.ds.category.get``).
ALIEXPRESS_SYNC_URL = "https://api-sg.aliexpress.com/sync"
ALIEXPRESS_OAUTH_URL = "https://api-sg.aliexpress.com/oauth/authorize"

# --- Alibaba.com ---------------------------------------------------------------------------
ALIBABA_API_URL = "https://openapi-api.alibaba.com/rest"

# --- The official SDKs' UrlConstants names --------------------------------------------------
API_AUTHORIZATION_URL = LAZADA_AUTH_URL
API_GATEWAY_URL_SG = LAZADA_API_URL_SG
API_GATEWAY_URL_MY = LAZADA_API_URL_MY
API_GATEWAY_URL_VN = LAZADA_API_URL_VN
API_GATEWAY_URL_TH = LAZADA_API_URL_TH
API_GATEWAY_URL_PH = LAZADA_API_URL_PH
API_GATEWAY_URL_ID = LAZADA_API_URL_ID
API_GATEWAY_URL_TW = TAOBAO_TW_API_URL
API_AUTHORIZATION_URL_TW = TAOBAO_TW_AUTH_URL

# --- The official Python SDK's log-level names (accepted for compatibility; iopkit never logs)
P_LOG_LEVEL_DEBUG = "DEBUG"
P_LOG_LEVEL_INFO = "INFO"
P_LOG_LEVEL_ERROR = "ERROR"

__all__ = [
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
