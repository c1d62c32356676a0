"""The authorization page's URL, the sandbox's page redirecting with a code, and ``state``."""

from __future__ import annotations

import urllib.parse

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, Sandbox

REDIRECT = "https://example.com/callback?shop=a/b&x=1"


def _query(url: str) -> dict:  # type: ignore[type-arg]
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)


def test_lazada_and_aliexpress_urls() -> None:
    state = "st/ate+1 ä"
    url = iop.authorize_url(iop.Platform.LAZADA, APP_KEY, REDIRECT, "SG", state)
    assert url.startswith("https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true&")
    assert "redirect_uri=https%3A%2F%2Fexample.com%2Fcallback%3Fshop%3Da%2Fb%26x%3D1" in url
    assert f"client_id={APP_KEY}" in url and "state=st%2Fate%2B1%20%C3%A4" in url
    q = _query(url)
    assert q["redirect_uri"] == [REDIRECT] and q["client_id"] == [APP_KEY]
    assert q["state"] == [state] and q["country"] == ["sg"]

    ae = iop.authorize_url("aliexpress", "5123+45&z", "https://example.com/cb", state="s1")
    assert ae.startswith("https://api-sg.aliexpress.com/oauth/authorize?")
    ae_query = _query(ae)
    assert ae_query["client_id"] == ["5123+45&z"] and ae_query["state"] == ["s1"] and "country" not in ae_query
    assert "client_id=5123%2B45%26z" in ae

    plain = iop.authorize_url(iop.Platform.LAZADA, APP_KEY, "https://example.com/cb")
    assert "state" not in _query(plain) and "country" not in _query(plain)


def test_bad_authorize_arguments() -> None:
    with pytest.raises(iop.InvalidArgumentError):
        iop.authorize_url(iop.Platform.ALIEXPRESS, APP_KEY, "https://example.com/cb", country="sg")
    with pytest.raises(iop.InvalidArgumentError):
        iop.authorize_url(iop.Platform.LAZADA, "", "https://example.com/cb")
    with pytest.raises(iop.InvalidArgumentError):
        iop.authorize_url(iop.Platform.LAZADA, APP_KEY, "not a url")
    with pytest.raises(iop.InvalidArgumentError):
        iop.authorize_url(iop.Platform.LAZADA, APP_KEY, "https://example.com/cb", base_url="http://example.com/x")
    with pytest.raises(ValueError):
        iop.authorize_url("taobao", APP_KEY, "https://example.com/cb")
    with pytest.raises(TypeError):
        iop.authorize_url(iop.Platform.LAZADA, None, "https://example.com/cb")  # type: ignore[arg-type]


def test_sandbox_page_redirects_with_a_code_that_create_token_accepts(sandbox: Sandbox) -> None:
    state = iop.new_state()
    url = iop.authorize_url(
        iop.Platform.LAZADA, APP_KEY, "https://example.com/cb?shop=1", state=state,
        base_url=f"{sandbox.url}/lazada/oauth/authorize",
    )
    assert url.startswith(f"{sandbox.url}/lazada/oauth/authorize?")
    location, query = sandbox.follow(url)
    assert location.startswith("https://example.com/cb?shop=1&")
    assert iop.verify_state(state, query["state"][0])
    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
        token = client.create_token(query["code"][0])
    assert token.access_token and token.refresh_token


def test_state() -> None:
    a, b = iop.new_state(), iop.new_state()
    assert a != b and len(a) == 32
    assert all(c.isalnum() or c in "-_" for c in a)
    assert iop.verify_state(a, a) and iop.verify_state(a, str(a))
    assert not iop.verify_state(a, b)
    assert not iop.verify_state(a, a[:-1])
    assert not iop.verify_state(a, None)
    assert not iop.verify_state(None, a)
    assert not iop.verify_state("", "")
    assert not iop.verify_state(a, a + "\x00")
    assert not iop.verify_state(a, "\ud800")
    with pytest.raises(TypeError):
        iop.verify_state(a, 42)  # type: ignore[arg-type]
