"""Client-side rate limits: :class:`RateLimiter` over libiop's ``iop_rate_limiter_*``::

    limiter = iopkit.RateLimiter(iopkit.RedisTokenStore(...))   # shared by every host on that Redis
    limiter.set_budget("app", rate_per_second=50)
    client = iopkit.IopClient(url, key, secret, rate_limiter=limiter)

Before sending, a call waits for its budgets and for bans learned from the platform's throttling
answers, at most ``max_wait``; longer, it is not sent and raises :class:`RateLimitedError`
(``retry_after``). A used-up daily quota raises :class:`QuotaExceededError` until its reset.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Union

from . import _abi
from ._abi import IOP_USE_DEFAULT, LimitScope
from ._handle import NativeObject
from .client import _enum_arg, seconds_to_ms
from .store import TokenStore


class RateLimiter(NativeObject):
    """Budgets (token buckets) and platform bans kept in ``store``: a
    :class:`~iopkit.MemoryTokenStore` (this process) or a :class:`~iopkit.RedisTokenStore`
    (every host on that Redis and key namespace). Attach it with the client setting
    ``rate_limiter=`` (or ``configure(rate_limiter=…)``); clients keep using it after
    :meth:`close`. Thread-safe. Starts with no budget and a max wait of
    ``IOP_DEFAULT_RATE_LIMIT_MAX_WAIT_MS``."""

    def __init__(self, store: TokenStore) -> None:
        if not isinstance(store, TokenStore):
            raise TypeError(f"store must be an iopkit.TokenStore, not {type(store).__name__}")
        with store._native() as store_ptr:
            self._adopt(_abi.rate_limiter_new(store_ptr), _abi.rate_limiter_free)
        self.store = store

    def set_budget(self, scope: Union[LimitScope, str, int], name: Optional[str] = None, *,
                   rate_per_second: float, burst: int = IOP_USE_DEFAULT) -> None:
        """Sets a budget: ``scope`` ``"app"`` (``name`` None: each app key), ``"api"`` (``name``
        an API name, or None: every API, each its own bucket) or ``"seller"`` (``name`` None:
        each access token); ``rate_per_second`` > 0 (0 removes it), ``burst`` >= 1 (-1:
        ``ceil(rate)``)."""
        level = int(_enum_arg(scope, LimitScope, "scope"))
        with self._native() as ptr:
            _abi.rate_limiter_set_budget(ptr, level, name, float(rate_per_second), burst)

    def set_max_wait(self, seconds: Optional[float]) -> None:
        """The longest a call waits for a budget or a ban (0: fail at once with
        :class:`RateLimitedError`; None: ``IOP_DEFAULT_RATE_LIMIT_MAX_WAIT_MS``)."""
        ms = IOP_USE_DEFAULT if seconds is None else 0 if seconds == 0 else seconds_to_ms(seconds, "max_wait")
        with self._native() as ptr:
            _abi.rate_limiter_set_max_wait_ms(ptr, ms)

    def status(self, app_key: Union[str, int]) -> Dict[str, Any]:
        """The budgets and running bans of ``app_key``: ``{"budgets": [{"scope", "name",
        "rate_per_second", "burst", "available"}…], "bans": [{"scope", "name", "until_ms",
        "code"}…]}`` (may ask Redis)."""
        with self._native() as ptr:
            status: Dict[str, Any] = json.loads(_abi.rate_limiter_status_json(ptr, str(app_key)))
        return status

    def _describe(self) -> str:
        return f" store={self.store!r}"
