"""What a request sends (observed on a fake loopback server) and what sign() computes."""

from __future__ import annotations

import hashlib
import hmac
import io
import urllib.parse

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, Sandbox


def form(body: bytes) -> dict:
    return dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))


def test_post_form_with_params_token_and_extras(fake_server) -> None:  # type: ignore[no-untyped-def]
    server = fake_server()
    with iop.IopClient(server.url + "/rest", APP_KEY, APP_SECRET, partner_id="my-partner") as client:
        with iop.IopRequest("/orders/get") as request:
            request.add_api_param("created_after", "2024-01-01T00:00:00+08:00")
            request.add_api_param("limit", 10)
            request.add_api_param("empty", "")
            request.add_api_param("text", "ünïcødé 台灣")
            request.add_header("X-Trace", "abc")
            response = client.execute(request, "the-token")
    assert response.code == "0" and response.request_id == "fake-request-1"
    sent = server.requests[-1]
    assert sent["method"] == "POST" and sent["path"] == "/rest/orders/get"
    params = form(sent["body"])
    assert params["created_after"] == "2024-01-01T00:00:00+08:00"
    assert params["limit"] == "10" and params["empty"] == "" and params["text"] == "ünïcødé 台灣"
    assert params["access_token"] == "the-token" and params["app_key"] == APP_KEY
    assert params["partner_id"] == "my-partner" and params["sign_method"] == "sha256"
    assert len(params["sign"]) == 64 and sent["headers"]["x-trace"] == "abc"


def test_get_and_simplify_and_format(fake_server) -> None:  # type: ignore[no-untyped-def]
    server = fake_server()
    with iop.IopClient(server.url, APP_KEY, APP_SECRET) as client:  # bare host
        request = iop.IopRequest("/seller/get", "GET")
        assert request.http_method is iop.HttpMethod.GET
        request.set_simplify()
        request.set_format("xml")
        client.execute(request)
        sent = server.requests[-1]
        assert sent["method"] == "GET"
        path, _, query = str(sent["path"]).partition("?")
        assert path == "/rest/seller/get"
        q = form(query.encode())
        assert q["simplify"] == "true" and q["format"] == "xml"

        top = iop.IopRequest("aliexpress.ds.category.get")
        client.execute(top, "session-token")
        sent = server.requests[-1]
        assert str(sent["path"]).startswith("/sync")
        params = form(sent["body"])
        assert params["method"] == "aliexpress.ds.category.get" and params["session"] == "session-token"
        assert params["format"] == "json" and params["simplify"] == "false"
        top.set_simplify()
        client.execute(top, "session-token", protocol="TOP")
        assert form(server.requests[-1]["body"])["simplify"] == "true"

        gop = iop.IopRequest("/auth/token/refresh")
        client.execute(gop, protocol=iop.Protocol.GOP)
        assert str(server.requests[-1]["path"]) == "/rest/auth/token/refresh"


def test_file_params(fake_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = fake_server()
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\x00JPEG\x00data")
    with iop.IopClient(server.url + "/rest", APP_KEY, APP_SECRET) as client, iop.IopRequest("/image/upload") as request:
        request.add_api_param("k", "v")
        request.add_file_param("image", b"raw\x00bytes")
        request.add_file_param("from_path", str(path))
        request.add_file_param("from_pathlike", path, file_name="renamed.jpg")
        with open(path, "rb") as f:
            request.add_file_param("from_file", f)
        request.add_file_param("from_buffer", io.BytesIO(b"buffered"))
        request.add_file_param("empty", b"")
        client.execute(request)
    sent = server.requests[-1]
    assert "multipart/form-data" in sent["headers"]["content-type"]
    body: bytes = sent["body"]
    assert b'name="image"; filename="image"' in body and b"raw\x00bytes" in body
    assert b'name="from_path"; filename="photo.jpg"' in body
    assert b'name="from_pathlike"; filename="renamed.jpg"' in body
    assert b'name="from_file"; filename="photo.jpg"' in body
    assert b'name="from_buffer"; filename="from_buffer"' in body and b"buffered" in body
    assert b'name="empty"' in body
    assert body.count(b"\xff\xd8\x00JPEG\x00data") == 3
    with pytest.raises(TypeError):
        iop.IopRequest("/x").add_file_param("f", io.StringIO("text mode"))
    with pytest.raises(FileNotFoundError):
        iop.IopRequest("/x").add_file_param("f", str(tmp_path / "missing"))


def test_sign_matches_hmac_sha256_of_the_sign_string() -> None:
    with iop.IopClient("https://api.taobao.tw/rest", "123456", "helloworld") as client:
        request = iop.IopRequest("/order/get")
        request.add_api_param("order_id", "1234")
        result = client.sign(request, "test", timestamp_ms=1517820392000)
    assert isinstance(result, iop.SignResult)
    assert result.sign_string.startswith("/order/getaccess_tokentestapp_key123456order_id1234")
    assert "timestamp1517820392000" in result.sign_string and "helloworld" not in result.sign_string
    expected = hmac.new(b"helloworld", result.sign_string.encode(), hashlib.sha256).hexdigest().upper()
    assert result.sign == expected


def test_api_name_and_method_can_change(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        token = client.create_token(sandbox_session.code())
        request = iop.IopRequest("/wrong/api")
        request.set_api_name("/seller/get")
        request.http_method = "GET"
        assert request.api_name == "/seller/get"
        response = client.execute(request, token.access_token)
        assert response.code == "0" and response.body["data"]["seller_id"]
        top = iop.IopRequest("aliexpress.ds.category.get")
        top.add_api_param("category_id", "3")
        result = client.execute(top, token.access_token)
        assert result.is_success and "aliexpress_ds_category_get_response" in result.body


def test_response_repr_and_raw(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("tw"), APP_KEY, APP_SECRET) as client:
        token = client.create_token(sandbox_session.code())
        response = client.execute(iop.IopRequest("/seller/get"), token.access_token)
    assert response.raw.startswith("{") and response.http_status == 200
    assert response.type is None and response.code == "0" and response.sub_code is None
    assert "IopResponse" in repr(response)
