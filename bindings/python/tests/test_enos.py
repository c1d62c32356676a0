"""EnosClient against the sandbox's EnOS token service and protected API, the seed-004 refresh
request, and the apim_sign vectors (shared/vectors/enos.json)."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, List, Tuple

import pytest

import iopkit as iop
from conftest import ENOS_APP_KEY, ENOS_APP_SECRET, ENOS_SAMPLE_TOKEN, Sandbox

DEVICES = "/connect-service/v2.1/devices"
# The documented sample's refresh answer (seed 004, "Return Sample").
SEED_004_RETURN = (
    b'{"status": 0, "msg": "SUCCESS", "business": "apim-token-service",'
    b' "data": {"accessToken": "Refreshed_Access_Token", "expire": 7200}}'
)


def _client(sandbox: Sandbox, key: str = ENOS_APP_KEY, secret: str = ENOS_APP_SECRET) -> iop.EnosClient:
    return iop.EnosClient(sandbox.url, key, secret, timeout=10)


def _about_two_hours_from_now(token: iop.EnosToken) -> None:
    assert token.expires_at.tzinfo is not None and token.expires_at.utcoffset() == timedelta(0)
    assert 7200 - 60 < token.expires_in <= 7200 + 1
    assert not token.is_expired() and token.is_expired(margin=7300)


def test_seed_004_refresh_request_on_the_wire(fake_server) -> None:  # type: ignore[no-untyped-def]
    server = fake_server(lambda h: (200, "application/json", SEED_004_RETURN))
    with iop.EnosClient(server.url, ENOS_APP_KEY, ENOS_APP_SECRET) as enos:
        before = int(time.time() * 1000)
        token = enos.refresh_token(ENOS_SAMPLE_TOKEN)
        after = int(time.time() * 1000)
    assert token.access_token == "Refreshed_Access_Token"
    _about_two_hours_from_now(token)
    (request,) = server.requests
    assert request["method"] == "POST" and request["path"] == "/apim-token-service/v2.0/token/refresh"
    sent = json.loads(request["body"])
    assert set(sent) == {"appKey", "encryption", "timestamp", "accessToken"}
    assert sent["appKey"] == ENOS_APP_KEY and sent["accessToken"] == ENOS_SAMPLE_TOKEN
    assert isinstance(sent["timestamp"], int) and before - 1000 <= sent["timestamp"] <= after + 1000
    hashed = f"{ENOS_APP_KEY}{sent['timestamp']}{ENOS_APP_SECRET}".encode()
    assert sent["encryption"] == hashlib.sha256(hashed).hexdigest()
    assert ENOS_APP_SECRET not in request["body"].decode()


def test_seed_004_refresh_against_the_sandbox(sandbox: Sandbox) -> None:
    with _client(sandbox) as enos:
        refreshed = enos.refresh_token(ENOS_SAMPLE_TOKEN)
        assert refreshed.access_token and refreshed.access_token != ENOS_SAMPLE_TOKEN
        _about_two_hours_from_now(refreshed)
        # the refreshed token is now the app's current one
        assert enos.get_token().access_token == refreshed.access_token
        assert "Refreshed" not in repr(refreshed) and refreshed.access_token not in repr(refreshed)


def test_get_twice_gives_the_same_token_and_refresh_replaces_it(sandbox: Sandbox) -> None:
    with _client(sandbox) as enos:
        first = enos.get_token()
        assert enos.get_token().access_token == first.access_token
        _about_two_hours_from_now(first)
        refreshed = enos.refresh_token(first.access_token)
        assert refreshed.access_token != first.access_token
        assert enos.get_token().access_token == refreshed.access_token
    with pytest.raises(dataclasses.FrozenInstanceError):
        refreshed.access_token = "x"  # type: ignore[misc]


# shared/vectors/enos.json: apim_sign_get_query_params and apim_sign_post_json_body
VECTOR_SECRET = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
VECTOR_TOKEN = "APP_TOKEN_1a2b3c4d5e6f"
VECTOR_GET_URL = (
    "https://apigw.example.com/connect-service/v2.1/devices"
    "?productKey=pk123&action=get&orgId=o15589290474951&deviceKey=dev001"
)
VECTOR_POST_URL = "https://apigw.example.com/connect-service/v2.1/devices?action=create&orgId=o15589290474951"
VECTOR_POST_BODY = (
    '{"productKey":"pk123","deviceKey":"dev001","timezone":"+08:00","deviceName":{"defaultValue":"d1"}}'
)


def test_sign_matches_the_vectors() -> None:
    with iop.EnosClient("https://apigw.example.com", ENOS_APP_KEY, VECTOR_SECRET) as enos:
        get = enos.sign(VECTOR_TOKEN, VECTOR_GET_URL, None, 1700000000123)
        assert get.signature == "794dd5d53820b1de07d78ff0dfab551758e08d085c25090edd78dcafbc6a10d9"
        assert get.timestamp_ms == 1700000000123
        assert get.timestamp == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc)
        assert get.as_dict() == {
            "apim-accesstoken": VECTOR_TOKEN,
            "apim-timestamp": "1700000000123",
            "apim-signature": "794dd5d53820b1de07d78ff0dfab551758e08d085c25090edd78dcafbc6a10d9",
        }
        # the path alone signs the same; an empty body is no body
        assert enos.sign(VECTOR_TOKEN, VECTOR_GET_URL[len("https://apigw.example.com"):], b"", 1700000000123) == get

        post = enos.sign(VECTOR_TOKEN, VECTOR_POST_URL, VECTOR_POST_BODY, 1700000000789)
        assert post.signature == "e7228fd096aac94d72b33f0774ead8f4a4dd6c77916eff566b81a7c6eb900801"
        assert enos.sign(VECTOR_TOKEN, VECTOR_POST_URL, VECTOR_POST_BODY.encode(), 1700000000789) == post
        assert VECTOR_TOKEN not in repr(post)

        fresh = enos.sign(VECTOR_TOKEN, VECTOR_GET_URL)
        assert abs(fresh.timestamp_ms - time.time() * 1000) < 60_000
        assert fresh.signature != get.signature and len(fresh.signature) == 64


def test_call_get_with_query_and_post_with_json_body(sandbox: Sandbox) -> None:
    with _client(sandbox) as enos:
        token = enos.get_token().access_token
        got = enos.call("GET", DEVICES + "?orgId=o1&action=get&deviceKey=dev%20001", access_token=token)
        assert got.is_success and got.http_status == 200 and got.request_id
        assert got.body["data"]["method"] == "GET" and got.body["data"]["appKey"] == ENOS_APP_KEY
        assert got.body["data"]["params"] == {"orgId": "o1", "action": "get", "deviceKey": "dev 001"}

        body = '{"productKey":"pk123","deviceName":{"defaultValue":"d1 ✓"}}'
        posted = enos.call("post", DEVICES + "?action=create&orgId=o1", body, access_token=token)
        assert posted.is_success and posted.http_status == 200
        assert posted.body["data"]["method"] == "POST"
        assert posted.body["data"]["body"] == json.loads(body)
        assert posted.retry_after is None

        # the seed's own token, preset by --doc-samples, is accepted as well
        sample = enos.call("GET", DEVICES + "?action=get", access_token=ENOS_SAMPLE_TOKEN)
        assert sample.is_success


def test_wrong_secret(sandbox: Sandbox) -> None:
    with _client(sandbox, secret="not-the-secret") as enos:
        with pytest.raises(iop.PlatformError) as info:
            enos.get_token()
        assert type(info.value) is iop.PlatformError
        assert info.value.code == "1003" and info.value.http_status == 200
        assert "not-the-secret" not in str(info.value) and "not-the-secret" not in repr(info.value)

        response = enos.call("GET", DEVICES + "?action=get", access_token=ENOS_SAMPLE_TOKEN)
        assert response.http_status == 401 and not response.is_success
        assert response.body["code"] == 1003 and response.code == "1003"


def test_unknown_app_and_unknown_token(sandbox_session: Sandbox) -> None:
    with _client(sandbox_session, key="no-such-app") as enos:
        with pytest.raises(iop.PlatformError) as info:
            enos.get_token()
        assert info.value.code == "1002" and info.value.status == iop.Status.PLATFORM
    with _client(sandbox_session) as enos:
        with pytest.raises(iop.PlatformError) as info:
            enos.refresh_token("APP_TOKEN_never_issued")
        assert info.value.code == "1204" and not isinstance(info.value, iop.TokenExpiredError)
        assert "APP_TOKEN_never_issued" not in str(info.value)
        missing = enos.call("GET", DEVICES, access_token="APP_TOKEN_never_issued")
        assert missing.http_status == 401 and missing.code == "1002"


def test_expired_token(sandbox: Sandbox) -> None:
    with _client(sandbox) as enos:
        token = enos.get_token()
        sandbox.advance_clock(7201)
        with pytest.raises(iop.TokenExpiredError) as info:
            enos.refresh_token(token.access_token)
        e = info.value
        assert isinstance(e, iop.PlatformError)  # existing `except PlatformError` blocks still catch it
        assert e.code == "1203" and e.status == iop.Status.TOKEN_EXPIRED
        assert e.status_name == "IOP_ERR_TOKEN_EXPIRED" and e.http_status == 200
        assert token.access_token not in str(e)

        rejected = enos.call("GET", DEVICES, access_token=token.access_token)
        assert rejected.http_status == 401 and rejected.code == "1203"
        renewed = enos.get_token()
        assert renewed.access_token != token.access_token
        assert enos.call("GET", DEVICES, access_token=renewed.access_token).is_success


def test_closed_port(closed_port: str) -> None:
    with iop.EnosClient(closed_port, ENOS_APP_KEY, ENOS_APP_SECRET) as enos:
        with pytest.raises(iop.ConnectError):
            enos.get_token()
        with pytest.raises(iop.ConnectError):
            enos.call("GET", DEVICES, access_token="t")


def test_timeout(silent_server) -> None:  # type: ignore[no-untyped-def]
    with iop.EnosClient(silent_server.url, ENOS_APP_KEY, ENOS_APP_SECRET, timeout=0.2) as enos:
        with pytest.raises(iop.IopTimeoutError):
            enos.get_token()


def test_bad_arguments() -> None:
    url = "https://apigw.example.com"
    missing: List[Tuple[Any, Any, Any]] = [
        (None, ENOS_APP_KEY, ENOS_APP_SECRET), (url, None, ENOS_APP_SECRET), (url, ENOS_APP_KEY, None)
    ]
    for args in missing:
        with pytest.raises(TypeError):
            iop.EnosClient(*args)
    invalid = [("", ENOS_APP_KEY, ENOS_APP_SECRET), (url, "", ENOS_APP_SECRET), (url, ENOS_APP_KEY, ""),
               ("not a url", ENOS_APP_KEY, ENOS_APP_SECRET), ("http://example.com", ENOS_APP_KEY, "s\x00")]
    for args in invalid:
        with pytest.raises(iop.InvalidArgumentError):
            iop.EnosClient(*args)
    with pytest.raises(ValueError):
        iop.EnosClient(url, ENOS_APP_KEY, ENOS_APP_SECRET, timeout=0)

    enos = iop.EnosClient(url, ENOS_APP_KEY, ENOS_APP_SECRET)
    with pytest.raises(iop.InvalidArgumentError) as info:
        enos.refresh_token("")
    assert "access_token" in info.value.message
    with pytest.raises(TypeError):
        enos.refresh_token(None)  # type: ignore[arg-type]
    with pytest.raises(iop.InvalidArgumentError):
        enos.sign("", DEVICES)
    with pytest.raises(iop.InvalidArgumentError):
        enos.sign("t", DEVICES, None, 0)
    with pytest.raises(TypeError):
        enos.sign("t", DEVICES, {"a": 1})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        enos.sign(None, DEVICES)  # type: ignore[arg-type]
    with pytest.raises(iop.InvalidArgumentError):
        enos.call("GET", DEVICES, access_token="")
    with pytest.raises(iop.InvalidArgumentError):
        enos.call("GET", "connect-service/v2.1/devices", access_token="t")  # no leading /
    with pytest.raises(iop.InvalidArgumentError):
        enos.call("FETCH", DEVICES, access_token="t")
    with pytest.raises(iop.InvalidArgumentError):
        enos.call("GET", DEVICES, "{}", access_token="t")  # GET takes no body
    with pytest.raises(TypeError):
        enos.call("GET", DEVICES)  # type: ignore[call-arg]

    enos.close()
    enos.close()
    assert enos.closed and "closed" in repr(enos)
    with pytest.raises(iop.InvalidArgumentError, match="EnosClient is closed"):
        enos.get_token()


def test_plain_http_off_loopback_is_refused() -> None:
    with iop.EnosClient("http://example.invalid", ENOS_APP_KEY, ENOS_APP_SECRET) as enos:
        with pytest.raises(iop.InvalidArgumentError):
            enos.get_token()


def test_context_manager_and_finalizer_free_the_handle(silent_server) -> None:  # type: ignore[no-untyped-def]
    with iop.EnosClient("https://apigw.example.com", ENOS_APP_KEY, ENOS_APP_SECRET) as enos:
        finalizer = enos._handle._finalizer
        assert finalizer.alive and not enos.closed
    assert enos.closed and not finalizer.alive

    forgotten = iop.EnosClient("https://apigw.example.com", ENOS_APP_KEY, ENOS_APP_SECRET)
    finalizer = forgotten._handle._finalizer
    del forgotten
    gc.collect()
    assert not finalizer.alive

    # close() while another thread is inside a call frees the handle when that call returns
    busy = iop.EnosClient(silent_server.url, ENOS_APP_KEY, ENOS_APP_SECRET, timeout=0.5)
    errors: List[BaseException] = []

    def call() -> None:
        try:
            busy.get_token()
        except iop.IopError as e:
            errors.append(e)

    t = threading.Thread(target=call)
    t.start()
    time.sleep(0.15)
    busy.close()
    assert busy.closed and busy._handle._finalizer.alive
    t.join()
    assert not busy._handle._finalizer.alive
    assert len(errors) == 1 and isinstance(errors[0], iop.IopTimeoutError)
