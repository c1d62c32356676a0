"""The official SDKs' ``UrlConstants`` names, valued from the header's ``IOP_URL_*`` (the
generated :mod:`iopkit._abi`; every ``IOP_URL_*`` and ``IOP_DEFAULT_*`` is also exported by
the package)."""

from __future__ import annotations

from . import _abi

API_AUTHORIZATION_URL = _abi.IOP_URL_LAZADA_AUTH
API_GATEWAY_URL_SG = _abi.IOP_URL_LAZADA_SG
API_GATEWAY_URL_MY = _abi.IOP_URL_LAZADA_MY
API_GATEWAY_URL_VN = _abi.IOP_URL_LAZADA_VN
API_GATEWAY_URL_TH = _abi.IOP_URL_LAZADA_TH
API_GATEWAY_URL_PH = _abi.IOP_URL_LAZADA_PH
API_GATEWAY_URL_ID = _abi.IOP_URL_LAZADA_ID
API_GATEWAY_URL_TW = _abi.IOP_URL_TAOBAO_TW
API_AUTHORIZATION_URL_TW = _abi.IOP_URL_TAOBAO_TW_AUTH

__all__ = [name for name in dir() if name.startswith("API_")]
