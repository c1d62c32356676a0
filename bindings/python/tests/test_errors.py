"""Statuses → exceptions (the generated table), platform fields, retry-after, and failures
raised through the binding."""

from __future__ import annotations

import json
import pickle
from datetime import timedelta

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, Sandbox


def test_every_status_maps_to_its_own_class() -> None:
    classes = set()
    for status in iop.Status:
        name = iop.status_name(status)
        assert name == ("IOP_OK" if status == 0 else f"IOP_ERR_{status.name}")
        if status == iop.Status.OK:
            continue
        cls = iop.error_class(status)
        assert issubclass(cls, iop.IopError) and cls is not iop.IopError and cls.status == status
        e = cls("m")
        assert e.status == status and e.status_name == name and str(e) == "m"
        classes.add(cls)
    assert classes == set(iop.ERROR_CLASSES.values()) and len(classes) == len(iop.Status) - 1
    assert iop.error_class(1000) is iop.IopError and iop.status_name(1000) == "IOP_UNKNOWN_STATUS"
    # the existing public names stay, and the idiomatic built-in bases
    assert iop.error_class(iop.Status.TIMEOUT) is iop.IopTimeoutError and issubclass(iop.IopTimeoutError, TimeoutError)
    assert issubclass(iop.InvalidArgumentError, ValueError) and issubclass(iop.ConnectError, ConnectionError)
    assert issubclass(iop.NetworkError, ConnectionError) and issubclass(iop.NetworkError, iop.IopError)
    assert issubclass(iop.TokenExpiredError, iop.PlatformError)
    assert iop.error_class(iop.Status.REAUTHORIZATION_REQUIRED) is iop.ReauthorizationRequiredError


def test_platform_fields_including_sub_message(fake_server) -> None:  # type: ignore[no-untyped-def]
    envelope = {"error_response": {"type": "ISP", "code": "ServiceUnavailable", "msg": "busy", "sub_code": "isp.x",
                                   "sub_msg": "détail ✓", "request_id": "req-1"}}
    server = fake_server(lambda h: (503, "application/json", json.dumps(envelope).encode()))
    with iop.IopClient(server.url + "/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(iop.PlatformError) as info:
            client.create_token("some-code")
        response = client.execute(iop.IopRequest("aliexpress.ds.category.get"), None, "TOP")
    e = info.value
    assert (e.code, e.type, e.sub_code, e.sub_message, e.request_id, e.http_status) == (
        "ServiceUnavailable", "ISP", "isp.x", "détail ✓", "req-1", 503)
    assert e.status == iop.Status.PLATFORM and e.retry_after is None and "some-code" not in str(e)
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is iop.PlatformError and again.sub_message == "détail ✓" and again.http_status == 503
    assert (response.sub_code, response.sub_message, response.is_success) == ("isp.x", "détail ✓", False)


def test_execute_returns_platform_errors_like_the_official_sdk(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        request = iop.IopRequest("/auth/token/create")
        request.add_api_param("code", "bogus")
        response = client.execute(request)
    assert (response.type, response.code, response.http_status) == ("ISV", "InvalidCode", 400)
    assert response.is_error() and response.body["code"] == "InvalidCode" and "type=ISV code=InvalidCode" in str(response)


def test_throttling_gives_retry_after(sandbox: Sandbox) -> None:
    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
        request = iop.IopRequest("/seller/get")
        request.add_header("X-Sandbox-Fault", "throttle;seconds=7")
        response = client.execute(request, "some-token")
        assert response.code == "ApiCallLimit" and response.retry_after == timedelta(seconds=7)
        assert client.execute(iop.IopRequest("/seller/get"), "bad").retry_after is None
        sandbox.arm_fault("/auth/token/create", "throttle;seconds=3;code=AppCallLimit")
        with pytest.raises(iop.PlatformError) as info:
            client.create_token(sandbox.code())
        assert info.value.code == "AppCallLimit" and info.value.retry_after_ms == 3000
        assert pickle.loads(pickle.dumps(info.value)).retry_after == timedelta(seconds=3)
        with pytest.raises(iop.PlatformError) as info:
            client.create_token("bogus")
        assert info.value.code == "InvalidCode" and info.value.retry_after is None


def test_transport_failures_raise_their_classes(fake_server, silent_server, closed_port) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (fake_server(lambda h: (502, "text/html", b"<html>Bad Gateway</html>")).url, {}, iop.HttpError),
        (fake_server(lambda h: (200, "application/json", b"not json")).url, {}, iop.MalformedResponseError),
        (fake_server(lambda h: None).url, {}, iop.NetworkError),
        (fake_server().url.replace("http://", "https://"), {}, iop.TlsError),
        (fake_server(lambda h: (200, "application/json", b'{"code":"0","p":"' + b"x" * 4096 + b'"}')).url,
         {"max_response_bytes": 1024}, iop.MalformedResponseError),
        (silent_server.url, {"read_timeout_ms": 200}, iop.IopTimeoutError),
        (closed_port, {"max_connect_retries": 0}, iop.ConnectError),
    ]
    for url, settings, cls in cases:
        with iop.IopClient(url + "/rest", APP_KEY, APP_SECRET, **settings) as client:
            with pytest.raises(cls) as info:
                client.execute(iop.IopRequest("/seller/get"))
            assert type(info.value) is cls and info.value.message, cls
    assert info.value.retry_after is None


def test_builtin_except_clauses_catch_transport_failures(fake_server, silent_server, closed_port) -> None:  # type: ignore[no-untyped-def]
    cases = [(fake_server(lambda h: None).url, {}, ConnectionError, iop.NetworkError),
             (closed_port, {"max_connect_retries": 0}, ConnectionError, iop.ConnectError),
             (silent_server.url, {"read_timeout_ms": 200}, TimeoutError, iop.IopTimeoutError)]
    for url, settings, builtin, cls in cases:
        with iop.IopClient(url + "/rest", APP_KEY, APP_SECRET, **settings) as client:
            try:
                client.execute(iop.IopRequest("/seller/get"))
            except builtin as e:  # an idiomatic clause, without importing iopkit's classes
                assert type(e) is cls and isinstance(e, iop.IopError) and e.status == cls.status
                again = pickle.loads(pickle.dumps(e))
                assert type(again) is cls and again.message == e.message
            else:
                raise AssertionError(f"{cls.__name__} not raised")


def test_argument_marshalling_errors() -> None:
    with pytest.raises(TypeError):
        iop.IopRequest(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        iop.IopRequest("/x", http_method="PUT")
    with pytest.raises(iop.InvalidArgumentError) as info:
        iop.IopRequest(None)  # type: ignore[arg-type]  # NULL reaches libiop, which names it
    assert "api_name" in info.value.message
    with iop.IopRequest("/x") as request:
        for bad in ("\ud800", "a\x00b"):  # lone surrogate (not UTF-8), NUL
            with pytest.raises(iop.InvalidArgumentError):
                request.add_api_param("key", bad)
            with pytest.raises(iop.InvalidArgumentError):
                request.add_api_param(bad, "value")
        for wrong in (True, {"a": 1}):
            with pytest.raises(TypeError):
                request.add_api_param("k", wrong)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            request.add_file_param("f", 3.5)  # type: ignore[arg-type]
    with pytest.raises(iop.InvalidArgumentError) as info:
        iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, "very-secret-value\udcff")
    assert "very-secret-value" not in str(info.value)
    for bad_timeout, error in ((0, ValueError), (float("nan"), ValueError), ("30", TypeError)):
        with pytest.raises(error):
            iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET, timeout=bad_timeout)  # type: ignore[arg-type]
    with iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET) as client:
        with pytest.raises(TypeError):
            client.execute("not a request")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            client.execute(iop.IopRequest("/x"), protocol="SOAP")
        with pytest.raises(TypeError, match="unknown setting"):
            client.configure(colour="blue")
        with pytest.raises(iop.InvalidArgumentError):
            client.configure(max_connect_retries=iop.IOP_MAX_CONNECT_RETRIES_LIMIT + 1)
        assert client.settings == {}  # nothing changed
