"""EnosClient through the binding: the seed-004 refresh (on the wire and against the sandbox),
byte bodies, EnOS statuses as exceptions, and the shared client lifetime. (Signatures are in
the conformance table.)"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
import time
from datetime import timedelta
from typing import List

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
    assert 7200 - 60 < (token.expires_at_ms - time.time() * 1000) / 1000 <= 7200 + 1
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


def test_call_sends_bytes_and_text_bodies_byte_for_byte(sandbox: Sandbox) -> None:
    with _client(sandbox) as enos:
        token = enos.get_token().access_token
        got = enos.call("GET", DEVICES + "?orgId=o1&action=get&deviceKey=dev%20001", access_token=token)
        assert got.is_success and got.body["data"]["params"]["deviceKey"] == "dev 001"
        text = '{"productKey":"pk123","deviceName":{"defaultValue":"d1 ✓"}}'
        for body in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
            posted = enos.call("post", DEVICES + "?action=create&orgId=o1", body, access_token=token)
            assert posted.is_success and posted.body["data"]["body"] == json.loads(text)
        signed = enos.sign(token, DEVICES + "?a=1", text, 1700000000000)
        assert signed == enos.sign(token, DEVICES + "?a=1", text.encode(), 1700000000000)
        assert signed.as_dict()["apim-timestamp"] == "1700000000000" and token not in repr(signed)
        assert enos.sign(token, DEVICES, b"", 1) == enos.sign(token, DEVICES, None, 1)  # empty is none
        fresh = enos.sign(token, DEVICES)  # default -1 (IOP_USE_DEFAULT): a fresh timestamp
        assert fresh.timestamp_ms > 1_700_000_000_000
        with pytest.raises(TypeError):
            enos.sign(token, DEVICES, {"a": 1})  # type: ignore[arg-type]
        with pytest.raises(iop.InvalidArgumentError):
            enos.call("GET", DEVICES, "{}", access_token=token)  # GET takes no body


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
    busy = iop.EnosClient(silent_server.url, ENOS_APP_KEY, ENOS_APP_SECRET, read_timeout_ms=500)
    busy.configure(connect_timeout_ms=1000, partner_id="ignored-by-enos")  # the shared settings
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
