"""The ``proxy`` setting: calls tunnel through a loopback CONNECT proxy (with credentials sent
as Basic and never shown), ``""`` goes direct whatever the environment says, and a dead proxy's
error names the proxy."""

from __future__ import annotations

import base64
import logging
from typing import Any, Callable

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, ConnectProxy, Sandbox


def test_calls_go_through_the_proxy(sandbox: Sandbox, connect_proxy: Callable[..., ConnectProxy]) -> None:
    proxy = connect_proxy()
    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET, proxy=proxy.url, max_idle_connections=0) as client:
        token = client.create_token(sandbox.code())
        assert client.execute(iop.IopRequest("/seller/get"), token.access_token).is_success
    host = sandbox.url.split("://", 1)[1]
    assert proxy.tunnels == 2 and [t for t, _ in proxy.connects] == [host, host]


def test_credentials_are_sent_and_never_shown(sandbox: Sandbox, connect_proxy: Callable[..., ConnectProxy],
                                               caplog: Any) -> None:
    basic = "Basic " + base64.b64encode(b"user:pa ss").decode()
    proxy = connect_proxy(required_auth=basic)
    port = proxy.url.rsplit(":", 1)[1]
    caplog.set_level(logging.DEBUG, logger="iopkit")
    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
        client.set_proxy(f"http://user:pa%20ss@127.0.0.1:{port}")
        assert client.execute(iop.IopRequest("/seller/get"), "t").code == "IllegalAccessToken"
        assert proxy.connects[-1][1] == basic and proxy.tunnels == 1
        client.set_proxy(f"http://user:wrong-secret@127.0.0.1:{port}")
        with pytest.raises(iop.ConnectError) as info:
            client.execute(iop.IopRequest("/seller/get"), "t")
    message = info.value.message
    assert message.startswith(f"proxy http://127.0.0.1:{port}") and "407" in message
    assert "wrong-secret" not in message and "user" not in message and "wrong-secret" not in repr(info.value)
    assert caplog.records and not any("wrong-secret" in r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert proxy.tunnels == 1


def test_dead_proxy_is_named_and_empty_means_direct(sandbox: Sandbox, closed_port: str, monkeypatch: Any) -> None:
    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET, proxy=closed_port, max_connect_retries=0) as client:
        with pytest.raises(iop.ConnectError) as info:
            client.execute(iop.IopRequest("/seller/get"), "t")
        assert info.value.message.startswith(f"proxy {closed_port}") and isinstance(info.value, ConnectionError)
        # the environment's proxy is ignored with "": direct
        monkeypatch.setenv("HTTPS_PROXY", closed_port)
        monkeypatch.setenv("ALL_PROXY", closed_port)
        client.configure(proxy="")
        assert client.execute(iop.IopRequest("/seller/get"), "t").code == "IllegalAccessToken"
        assert client.settings["proxy"] == ""
        with pytest.raises(iop.InvalidArgumentError):
            client.set_proxy("socks5://127.0.0.1:1")
