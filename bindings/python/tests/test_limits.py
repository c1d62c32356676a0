"""RateLimiter: budgets that fail fast (RateLimitedError with retry_after) or pace calls, bans
learned from the platform, the daily quota (QuotaExceededError), and the status JSON."""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from datetime import timedelta
from typing import Any, Dict, List

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, Sandbox


def _control(sandbox: Sandbox, method: str, path: str, body: Any = None) -> Dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(sandbox.url + path, data=data if data is not None else (b"" if method == "POST" else None),
                                 method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        answer: Dict[str, Any] = json.loads(r.read())
        return answer


def _arrivals(sandbox: Sandbox) -> List[Dict[str, Any]]:
    return [r for r in _control(sandbox, "GET", "/_sandbox/requests")["requests"] if r["api"] == "/seller/get"]


def test_fail_fast_budget_raises_rate_limited_with_retry_after(sandbox: Sandbox) -> None:
    with iop.MemoryTokenStore() as store, iop.RateLimiter(store) as limiter:
        limiter.set_budget("app", rate_per_second=1, burst=2)
        limiter.set_budget("api", "/seller/get", rate_per_second=0.5, burst=5)
        limiter.set_max_wait(0)
        with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET, rate_limiter=limiter) as client:
            assert [client.execute(iop.IopRequest("/seller/get"), "t").code for _ in range(2)] == ["IllegalAccessToken"] * 2
            with pytest.raises(iop.RateLimitedError) as info:
                client.execute(iop.IopRequest("/seller/get"), "t")
        status = limiter.status(APP_KEY)
    e = info.value
    assert e.status == iop.Status.RATE_LIMITED and e.code == "RateLimited" and isinstance(e, iop.IopError)
    assert e.retry_after is not None and timedelta(0) < e.retry_after <= timedelta(seconds=1)
    assert len(_arrivals(sandbox)) == 2  # the refused call was never sent
    api, app = sorted(status["budgets"], key=lambda b: str(b["scope"]))
    assert (app["scope"], app["name"], app["rate_per_second"], app["burst"]) == ("app", None, 1.0, 2)
    assert (api["scope"], api["name"], api["burst"]) == ("api", "/seller/get", 5)
    assert 3 <= api["available"] < 4 and status["bans"] == []  # 2 taken, not the refused call's


def test_waiting_budget_paces_calls(sandbox: Sandbox, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG, logger="iopkit")
    with iop.MemoryTokenStore() as store, iop.RateLimiter(store) as limiter:
        limiter.set_budget(iop.LimitScope.API, "/seller/get", rate_per_second=20, burst=1)
        with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
            client.configure(rate_limiter=limiter)
            start = time.monotonic()
            codes = [client.execute(iop.IopRequest("/seller/get"), "t").code for _ in range(6)]
            elapsed = time.monotonic() - start
    assert codes == ["IllegalAccessToken"] * 6 and len(_arrivals(sandbox)) == 6  # all sent, none refused
    # one token every 50 ms after the first: the 6th call cannot start before 5 intervals (a lower bound)
    assert elapsed >= 5 * 0.05 - 0.005, elapsed
    waits = [r for r in caplog.records if getattr(r, "event", None) == "limit.wait"]
    assert len(waits) >= 5 and all(r.fields["scope"] == "api" and r.fields["name"] == "/seller/get" for r in waits)


def test_platform_ban_is_learned_and_daily_quota_raises_quota_exceeded(sandbox: Sandbox) -> None:
    with iop.MemoryTokenStore() as store, iop.RateLimiter(store) as limiter:
        limiter.set_max_wait(0)
        with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET, rate_limiter=limiter) as client:
            sandbox.arm_fault("/seller/get", "throttle;seconds=30")
            throttled = client.execute(iop.IopRequest("/seller/get"), "t")
            assert throttled.code == "ApiCallLimit" and throttled.retry_after == timedelta(seconds=30)
            with pytest.raises(iop.RateLimitedError) as info:  # the ban is waited out here, not sent
                client.execute(iop.IopRequest("/seller/get"), "t")
            assert info.value.code == "ApiCallLimit" and info.value.retry_after > timedelta(seconds=20)
            assert [b["scope"] for b in limiter.status(APP_KEY)["bans"]] == ["api"]

            _control(sandbox, "POST", "/_sandbox/limits", {"daily": 1})
            assert client.execute(iop.IopRequest("/auth/token/create"), None).http_status == 400  # InvalidCode: counted
            with pytest.raises(iop.PlatformError) as quota_answer:  # the platform's answer teaches the quota
                client.create_token("bogus")
            assert quota_answer.value.sub_code == "accesscontrol.limited-by-app-access-count"
            with pytest.raises(iop.QuotaExceededError) as quota:
                client.create_token("bogus")
    q = quota.value
    assert q.status == iop.Status.QUOTA_EXCEEDED and "+08:00" in q.message
    assert q.retry_after is not None and timedelta(0) < q.retry_after <= timedelta(days=1)


def test_stores_that_cannot_hold_limits_are_refused(tmp_path: Any) -> None:
    with iop.FileTokenStore(tmp_path / "tokens.json") as store:
        with pytest.raises(iop.InvalidArgumentError):
            iop.RateLimiter(store)
    with pytest.raises(TypeError):
        iop.RateLimiter("memory")  # type: ignore[arg-type]
    with iop.MemoryTokenStore() as store, iop.RateLimiter(store) as limiter:
        with pytest.raises(ValueError):
            limiter.set_budget("galaxy", rate_per_second=1)
        with pytest.raises(iop.InvalidArgumentError):
            limiter.set_budget("app", "/x", rate_per_second=1)  # APP takes no name
