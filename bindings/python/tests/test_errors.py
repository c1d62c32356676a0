"""Statuses → exceptions, transport failures, platform errors and bad arguments."""

from __future__ import annotations

import pickle
import re
import time
from datetime import timedelta

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, REPO_ROOT, Sandbox


def _header_statuses() -> dict:  # type: ignore[type-arg]
    """The ``IopStatus`` values declared in include/iop.h (the C ABI contract)."""
    header = (REPO_ROOT / "include" / "iop.h").read_text()
    block = re.search(r"typedef enum \{(.*?)\} IopStatus;", header, re.S)
    assert block, "IopStatus not found in include/iop.h"
    return {name: int(v) for name, v in re.findall(r"^\s*(IOP_\w+) = (\d+),", block.group(1), re.M)}


def test_every_status_maps_to_a_distinct_class() -> None:
    declared = _header_statuses()
    assert declared["IOP_OK"] == 0 and declared["IOP_ERR_TOKEN_EXPIRED"] == 10
    assert {s.value for s in iop.Status} == set(declared.values()), "iop.Status differs from include/iop.h"
    classes = {}
    for declared_name, value in declared.items():
        name = iop.status_name(value)
        assert name == declared_name, value
        status = iop.Status(value)
        assert name == ("IOP_OK" if value == 0 else f"IOP_ERR_{status.name}")
        if value == 0:
            continue
        cls = iop.error_class(value)
        assert cls is not iop.IopError, f"{name} is unmapped"
        assert issubclass(cls, iop.IopError)
        assert cls.status == status
        classes[name] = cls
    assert len(set(classes.values())) == len(declared) - 1
    assert set(iop.ERROR_CLASSES.values()) == set(classes.values())
    assert classes["IOP_ERR_TOKEN_EXPIRED"] is iop.TokenExpiredError
    assert classes["IOP_ERR_REAUTHORIZATION_REQUIRED"] is iop.ReauthorizationRequiredError
    assert issubclass(iop.TokenExpiredError, iop.PlatformError)  # still caught as a platform error
    assert iop.status_name(1000) == "IOP_UNKNOWN_STATUS"
    assert iop.error_class(1000) is iop.IopError


def test_builtin_bases() -> None:
    assert issubclass(iop.InvalidArgumentError, ValueError)
    assert issubclass(iop.IopTimeoutError, TimeoutError)
    assert issubclass(iop.ConnectError, ConnectionError)
    e = iop.IopTimeoutError("read timeout expired")
    assert e.status_name == "IOP_ERR_TIMEOUT" and str(e) == "read timeout expired"


def test_execute_returns_platform_errors_like_the_official_sdk(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        request = iop.IopRequest("/auth/token/create")
        request.add_api_param("code", "bogus")
        response = client.execute(request)
        assert response.type == "ISV" and response.code == "InvalidCode"
        assert response.http_status == 400 and response.request_id and response.message
        assert response.is_success is False and response.is_error()
        assert response.body["code"] == "InvalidCode"
        assert "type=ISV code=InvalidCode" in str(response)

        bad = client.execute(iop.IopRequest("/seller/get"), "not-a-token")
        assert (bad.type, bad.code, bad.http_status) == ("ISV", "IllegalAccessToken", 400)

        top = client.execute(iop.IopRequest("aliexpress.ds.category.get"), "not-a-token", iop.Protocol.TOP)
        assert top.code == "IllegalAccessToken" and top.is_success is False
        assert "error_response" in top.body


def test_wrong_secret_gives_incomplete_signature(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("tw"), APP_KEY, "not-the-secret") as client:
        request = iop.IopRequest("/auth/token/create")
        request.add_api_param("code", sandbox_session.code())
        response = client.execute(request)
    assert response.code == "IncompleteSignature" and response.http_status == 400


def test_timeout(silent_server) -> None:  # type: ignore[no-untyped-def]
    with iop.IopClient(silent_server.url + "/rest", APP_KEY, APP_SECRET, timeout=0.3) as client:
        start = time.monotonic()
        with pytest.raises(iop.IopTimeoutError) as info:
            client.execute(iop.IopRequest("/seller/get"))
        elapsed = time.monotonic() - start
    assert isinstance(info.value, TimeoutError)
    assert info.value.status == iop.Status.TIMEOUT
    assert 0.2 <= elapsed < 5


def test_timeout_on_token_helpers(silent_server) -> None:  # type: ignore[no-untyped-def]
    with iop.IopClient(silent_server.url + "/rest", APP_KEY, APP_SECRET, timeout=0.2) as client:
        with pytest.raises(TimeoutError):
            client.create_token("some-code")
        client.set_timeout(0.1)
        with pytest.raises(iop.IopTimeoutError):
            client.refresh_token("some-refresh-token")


def test_closed_port(closed_port: str) -> None:
    with iop.IopClient(closed_port + "/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.ConnectError) as info:
            client.execute(iop.IopRequest("/seller/get"))
        assert isinstance(info.value, ConnectionError)
        with pytest.raises(iop.ConnectError):
            client.create_token("code")


def test_transport_failures(fake_server) -> None:  # type: ignore[no-untyped-def]
    html = fake_server(lambda h: (502, "text/html", b"<html>Bad Gateway</html>"))
    with iop.IopClient(html.url + "/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.HttpError) as info:
            client.execute(iop.IopRequest("/seller/get"))
        assert info.value.http_status == 502

    garbage = fake_server(lambda h: (200, "application/json", b"this is not json"))
    with iop.IopClient(garbage.url + "/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.MalformedResponseError):
            client.execute(iop.IopRequest("/seller/get"))

    dropped = fake_server(lambda h: None)
    with iop.IopClient(dropped.url + "/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.NetworkError):
            client.execute(iop.IopRequest("/seller/get"))

    plain = fake_server()
    with iop.IopClient(plain.url.replace("http://", "https://") + "/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.TlsError):
            client.execute(iop.IopRequest("/seller/get"))

    big = fake_server(lambda h: (200, "application/json", b'{"code":"0","pad":"' + b"x" * 4096 + b'"}'))
    with iop.IopClient(big.url + "/rest", APP_KEY, APP_SECRET, max_response_bytes=1024) as client:
        with pytest.raises(iop.MalformedResponseError):
            client.execute(iop.IopRequest("/seller/get"))


def test_python_level_bad_arguments() -> None:
    with pytest.raises(TypeError):
        iop.IopRequest(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        iop.IopRequest(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        iop.IopRequest("/x", http_method="PUT")
    with iop.IopRequest("/x") as request:
        with pytest.raises(TypeError):
            request.add_api_param(1, "v")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            request.add_api_param("k", None)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            request.add_api_param("k", True)
        with pytest.raises(TypeError):
            request.add_api_param("k", {"a": 1})  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            request.add_file_param("f", 3.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        iop.IopClient(None, APP_KEY, APP_SECRET)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET, timeout=0)
    with pytest.raises(ValueError):
        iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET, timeout=float("nan"))
    with pytest.raises(TypeError):
        iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET, timeout="30")  # type: ignore[arg-type]
    with iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(TypeError):
            client.execute("not a request")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            client.execute(iop.IopRequest("/x"), protocol="SOAP")
        with pytest.raises(TypeError):
            client.create_token(None)  # type: ignore[arg-type]


def test_invalid_strings_are_invalid_argument_errors() -> None:
    with iop.IopRequest("/x") as request:
        for bad in ("\ud800", "a\x00b"):
            with pytest.raises(iop.InvalidArgumentError) as info:
                request.add_api_param("key", bad)
            assert isinstance(info.value, ValueError)
            with pytest.raises(iop.InvalidArgumentError):
                request.add_api_param(bad, "value")
    with pytest.raises(iop.InvalidArgumentError):
        iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, "secret\udcff")


def test_core_argument_checks_raise_invalid_argument_errors() -> None:
    with pytest.raises(iop.InvalidArgumentError) as info:
        iop.IopRequest("")
    assert "api_name" in info.value.message and info.value.status_name == "IOP_ERR_INVALID_ARGUMENT"
    with iop.IopRequest("/x") as request:
        with pytest.raises(iop.InvalidArgumentError):
            request.add_api_param("sign", "forged")
        with pytest.raises(iop.InvalidArgumentError):
            request.add_api_param("", "v")
    with pytest.raises(iop.InvalidArgumentError):
        iop.IopClient("not a url", APP_KEY, APP_SECRET)
    with pytest.raises(iop.InvalidArgumentError) as info:
        iop.IopClient("http://127.0.0.1/rest", APP_KEY, "very-secret-value", ca_bundle="/nonexistent/ca.pem")
    assert "very-secret-value" not in str(info.value)
    with iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.InvalidArgumentError):
            client.create_token("")
    with iop.IopClient("http://example.invalid/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.InvalidArgumentError):  # plain HTTP off loopback is refused
            client.execute(iop.IopRequest("/seller/get"))


def test_throttled_response_has_retry_after(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        request = iop.IopRequest("/seller/get")
        request.add_header("X-Sandbox-Fault", "throttle;seconds=7")
        response = client.execute(request, "some-token")
        assert response.code == "ApiCallLimit" and not response.is_success
        assert response.retry_after == timedelta(seconds=7)
        ordinary = client.execute(iop.IopRequest("/seller/get"), "not-a-token")
        assert ordinary.code == "IllegalAccessToken" and ordinary.retry_after is None


def test_throttled_token_call_raises_with_retry_after(sandbox: Sandbox) -> None:
    sandbox.arm_fault("/auth/token/create", "throttle;seconds=3;code=AppCallLimit")
    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.PlatformError) as info:
            client.create_token(sandbox.code())
        e = info.value
        assert e.code == "AppCallLimit" and e.retry_after == timedelta(seconds=3)
        assert "retry_after=datetime.timedelta(seconds=3)" in repr(e)
        assert pickle.loads(pickle.dumps(e)).retry_after == timedelta(seconds=3)
        with pytest.raises(iop.PlatformError) as info:
            client.create_token("bogus")  # the fault was armed once: an ordinary error now
        assert info.value.code == "InvalidCode" and info.value.retry_after is None


def test_max_connect_retries(closed_port: str) -> None:
    with iop.IopClient(closed_port + "/rest", APP_KEY, APP_SECRET, max_connect_retries=0) as client:
        with pytest.raises(iop.ConnectError) as info:
            client.execute(iop.IopRequest("/seller/get"))
        assert info.value.retry_after is None
        client.set_max_connect_retries(10)
        with pytest.raises(iop.InvalidArgumentError) as invalid:
            client.set_max_connect_retries(11)
        assert "retries" in invalid.value.message
        with pytest.raises(ValueError):
            client.set_max_connect_retries(-1)
        with pytest.raises(TypeError):
            client.set_max_connect_retries(1.5)  # type: ignore[arg-type]
