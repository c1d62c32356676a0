"""libiop's events as records of the ``"iopkit"`` logger: names, fields, levels that follow the
logger (and the official SDK's ``log_level``), and never a secret."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Iterator, List

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, Sandbox


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG - 5)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def events(self, name: str) -> List[logging.LogRecord]:
        return [r for r in self.records if getattr(r, "event", None) == name]


@pytest.fixture
def capture() -> Iterator[Capture]:
    logger = logging.getLogger("iopkit")
    handler, level = Capture(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_create_refresh_call_failing_call_are_logged_without_secrets(sandbox: Sandbox, capture: Capture) -> None:
    secrets: List[str] = [APP_SECRET]
    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
        code = sandbox.code()
        token = client.create_token(code)
        refreshed = client.refresh_token(token.refresh_token)
        request = iop.IopRequest("/seller/get")
        sign = client.sign(request, refreshed.access_token).sign
        assert client.execute(request, refreshed.access_token).is_success
        assert not client.execute(iop.IopRequest("/seller/get"), "not-a-valid-token").is_success
        with iop.MemoryTokenStore() as store, iop.TokenManager(client, store, "seller-7", refresh_margin_ms=10**10) as m:
            manager_code = sandbox.code()
            m.create_token(manager_code)
            managed = m.access_token()  # the margin is longer than the token's life: it refreshes
        secrets += [code, manager_code, token.access_token, token.refresh_token, refreshed.access_token,
                    refreshed.refresh_token, managed, sign, "not-a-valid-token"]

    starts, ends = capture.events("call.start"), capture.events("call.end")
    assert [r.fields["api"] for r in ends] == ["/auth/token/create", "/auth/token/refresh", "/seller/get", "/seller/get",
                                              "/auth/token/create", "/auth/token/refresh"]
    assert len(starts) == len(ends) and all(r.levelno == logging.DEBUG for r in starts)
    create, refresh, call, failing = ends[:4]
    for record in (create, refresh, call):
        assert record.levelno == logging.INFO and record.outcome == "ok" and record.http_status == 200  # type: ignore[attr-defined]
    assert call.fields["method"] == "POST" and call.fields["protocol"] == "GOP" and call.fields["attempt"] == 1
    assert call.fields["host"] == sandbox.url.split("://", 1)[1] and isinstance(call.fields["duration_ms"], int)
    assert call.request_id  # type: ignore[attr-defined]  # fields are attributes of the record too
    assert failing.levelno == logging.WARNING and failing.name == "iopkit"
    assert (failing.fields["outcome"], failing.fields["code"]) == ("platform_error", "IllegalAccessToken")
    (created,) = capture.events("token.create")
    (refreshed_event,) = capture.events("token.refresh")
    assert created.fields == {"account": "seller-7", "outcome": "ok"} and created.levelno == logging.INFO
    assert refreshed_event.fields["kind"] == "iop" and refreshed_event.fields["outcome"] == "ok"

    texts = [r.getMessage() + json.dumps(r.fields) for r in capture.records]
    assert len(texts) >= 14
    for secret in secrets:
        assert secret and not any(secret in text for text in texts), "a secret reached a log record"
    assert not any(re.search(r"sign=|access_token=|[0-9A-F]{64}", text) for text in texts)


def test_transport_failure_and_retries(closed_port: str, capture: Capture) -> None:
    with iop.IopClient(closed_port + "/rest", APP_KEY, APP_SECRET, max_connect_retries=1) as client:
        with pytest.raises(iop.ConnectError):
            client.execute(iop.IopRequest("/seller/get"), "t")
    (retry,) = capture.events("call.retry")
    (end,) = capture.events("call.end")
    assert retry.levelno == logging.WARNING and retry.fields["attempt"] == 1 and retry.fields["delay_ms"] >= 0
    assert (end.fields["outcome"], end.fields["error_kind"], end.fields["attempt"]) == ("error", "Connect", 2)


def test_native_level_follows_the_logger_and_log_level(sandbox_session: Sandbox, capture: Capture) -> None:
    logger = logging.getLogger("iopkit")
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        logger.setLevel(logging.WARNING)
        client.execute(iop.IopRequest("/seller/get"), "bad")  # a WARN call.end only
        assert [r.event for r in capture.records] == ["call.end"]  # type: ignore[attr-defined]
        assert iop._log.native_level() == iop.LogLevel.WARN
        logger.setLevel(logging.CRITICAL)
        client.execute(iop.IopRequest("/seller/get"), "bad")
        assert len(capture.records) == 1 and iop._log.native_level() == iop.LogLevel.OFF
        client.log_level = iop.P_LOG_LEVEL_DEBUG  # the official SDK's setting
        assert logger.level == logging.DEBUG and client.log_level == "DEBUG"
        client.execute(iop.IopRequest("/seller/get"), "bad")
        assert [r.event for r in capture.records[1:]] == ["call.start", "call.end"]  # type: ignore[attr-defined]
        client.log_level = "ERROR"
        assert iop._log.native_level() == iop.LogLevel.ERROR
        iop.IopClient.log_level = iop.P_LOG_LEVEL_INFO  # on the class, as the official SDK allows
        assert iop.IopClient.log_level == client.log_level == "INFO" and logger.level == logging.INFO
        with pytest.raises(ValueError):
            client.log_level = "LOUD"


def test_batch_workers_log_too(sandbox_session: Sandbox, capture: Capture) -> None:
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        outcomes = client.execute_batch([iop.IopRequest("/seller/get") for _ in range(12)], "bad", concurrency=4)
    assert len(outcomes) == 12
    ends = capture.events("call.end")
    assert len(ends) == 12 and {r.threadName for r in ends} != {"MainThread"}


def test_a_failing_handler_never_breaks_a_call(sandbox_session: Sandbox) -> None:
    class Broken(logging.Handler):
        def emit(self, record: Any) -> None:
            raise RuntimeError("handler failure")

        def handleError(self, record: Any) -> None:  # logging would print the traceback
            pass

    logger = logging.getLogger("iopkit")
    broken, level = Broken(), logger.level
    logger.addHandler(broken)
    logger.setLevel(logging.DEBUG)
    try:
        with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
            assert client.execute(iop.IopRequest("/seller/get"), "bad").code == "IllegalAccessToken"
    finally:
        logger.removeHandler(broken)
        logger.setLevel(level)
