"""What a request sends (observed on a fake loopback server): unicode, empty values, NULLs,
files and byte bodies."""

from __future__ import annotations

import io
import urllib.parse

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, Sandbox


def form(body: bytes) -> dict:  # type: ignore[type-arg]
    return dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))


def test_post_form_with_unicode_empty_values_and_settings(fake_server) -> None:  # type: ignore[no-untyped-def]
    server = fake_server()
    with iop.IopClient(server.url + "/rest", APP_KEY, APP_SECRET, partner_id="伙伴-sdk 🚀") as client:
        with iop.IopRequest("/orders/get") as request:
            request.add_api_param("limit", 10)
            request.add_api_param("empty", "")
            request.add_api_param("text", "ünïcødé 台灣 🚀")
            request.add_header("X-Trace", "abc")
            response = client.execute(request, "the-token")
        client.configure(partner_id=None)  # back to the default
        client.execute(iop.IopRequest("/x"), None)  # NULL token: none sent
    assert response.code == "0" and response.request_id == "fake-request-1"
    first, second = server.requests[-2:]
    assert first["method"] == "POST" and first["path"] == "/rest/orders/get"
    params = form(first["body"])
    assert params["limit"] == "10" and params["empty"] == "" and params["text"] == "ünïcødé 台灣 🚀"
    assert params["access_token"] == "the-token" and params["partner_id"] == "伙伴-sdk 🚀"
    assert first["headers"]["x-trace"] == "abc"
    second_params = form(second["body"])
    assert "access_token" not in second_params and second_params["partner_id"].startswith("iopkit-")


def test_get_simplify_format_and_protocols(fake_server) -> None:  # type: ignore[no-untyped-def]
    server = fake_server()
    with iop.IopClient(server.url, APP_KEY, APP_SECRET) as client:  # bare host
        request = iop.IopRequest("/seller/get", "GET")
        assert request.http_method is iop.HttpMethod.GET
        request.set_simplify()
        request.set_format("xml")
        client.execute(request)
        path, _, query = str(server.requests[-1]["path"]).partition("?")
        assert path == "/rest/seller/get" and form(query.encode())["simplify"] == "true"
        top = iop.IopRequest("aliexpress.ds.category.get")
        client.execute(top, "session-token", protocol="top")
        assert str(server.requests[-1]["path"]).startswith("/sync")
        assert form(server.requests[-1]["body"])["session"] == "session-token"
        client.execute(iop.IopRequest("/auth/token/refresh"), protocol=iop.Protocol.GOP)
        assert str(server.requests[-1]["path"]) == "/rest/auth/token/refresh"


def test_file_params(fake_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = fake_server()
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\x00JPEG\x00data")
    with iop.IopClient(server.url + "/rest", APP_KEY, APP_SECRET) as client, iop.IopRequest("/image/upload") as request:
        request.add_file_param("image", b"raw\x00bytes")
        request.add_file_param("from_path", str(path), content_type="image/jpeg")
        request.add_file_param("from_pathlike", path, file_name="renamed.jpg")
        with open(path, "rb") as f:
            request.add_file_param("from_file", f)
        request.add_file_param("from_buffer", io.BytesIO(b"buffered"))
        request.add_file_param("empty", b"")
        client.execute(request)
    body: bytes = server.requests[-1]["body"]
    assert b'name="image"; filename="image"' in body and b"raw\x00bytes" in body
    assert b'name="from_path"; filename="photo.jpg"' in body and b"image/jpeg" in body
    assert b'name="from_pathlike"; filename="renamed.jpg"' in body
    assert b'name="from_file"; filename="photo.jpg"' in body and b"buffered" in body
    assert b'name="empty"' in body and body.count(b"\xff\xd8\x00JPEG\x00data") == 3
    with pytest.raises(TypeError):
        iop.IopRequest("/x").add_file_param("f", io.StringIO("text mode"))  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        iop.IopRequest("/x").add_file_param("f", str(tmp_path / "missing"))


def test_api_name_and_method_can_change(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        token = client.create_token(sandbox_session.code())
        request = iop.IopRequest("/wrong/api")
        request.set_api_name("/seller/get")
        request.http_method = "GET"
        assert request.api_name == "/seller/get" and "GET" in repr(request)
        response = client.execute(request, token.access_token)
    assert response.code == "0" and response.body["data"]["seller_id"] and response.raw.startswith("{")
    assert response.type is None and response.sub_code is None and response.http_status == 200
