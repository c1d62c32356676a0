"""Token objects: fields read through libiop's accessors on the native token, lifetimes,
redaction, and the to_json → from_json round trip (the grant an application stores)."""

from __future__ import annotations

import gc
import json
from datetime import timedelta

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, FLAVOURS, Sandbox


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_create_and_refresh_give_typed_tokens(flavour: str, sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base(flavour), APP_KEY, APP_SECRET) as client:
        token = client.create_token(sandbox_session.code())
        second = client.refresh_token(token.refresh_token)
    assert isinstance(token, iop.Token) and token.access_token and token.can_refresh is True
    assert token.expires_at.utcoffset() == timedelta(0) and token.refresh_expires_at > token.expires_at
    assert token.expires_at_ms == json.loads(token.to_json())["expires_at"] and token.expires_in > 0
    assert token.user_id and token.user_id.isdigit() and json.loads(token.raw)["access_token"] == token.access_token
    assert second.refresh_token != token.refresh_token and second.seller_id == token.seller_id
    if flavour == "lazada":
        entry = token.country_user_info[0]
        assert token.country == "sg" and token.country_count == len(token.country_user_info) >= 1
        assert (entry.country, entry.user_id, entry.seller_id) == ("sg", token.user_id, token.seller_id)
    if flavour == "aliexpress":
        assert token.havana_id and token.user_nick and token.locale and token.sp
    if flavour == "tw":
        assert token.short_code and token.country_user_info == ()


def test_round_trip_redaction_and_lifetime() -> None:
    body = ('{"code":"0","access_token":"AT-sécret","refresh_token":"RT-sécret","expires_in":10,'
            '"refresh_expires_in":0,"account":"ü@example.com","user_id":""}')
    token = iop.parse_token(body, 1_700_000_000_000)
    assert token.expires_at_ms == 1_700_000_010_000 and token.refresh_expires_at_ms is None
    assert token.refresh_expires_at is None and not token.can_refresh and token.is_expired()
    assert token.account == "ü@example.com" and token.user_id == "" and token.seller_id is None
    again = iop.Token.from_json(token.to_json())
    for name in ("access_token", "refresh_token", "expires_at_ms", "account", "user_id", "seller_id", "can_refresh"):
        assert getattr(again, name) == getattr(token, name), name
    assert again.raw == token.to_json()  # from_json keeps the text it was given
    for text in (repr(token), str(token)):
        assert "sécret" not in text and "Token" in text
    with pytest.raises(AttributeError):
        token.access_token = "x"  # type: ignore[misc]
    finalizer = token._handle._finalizer
    token.close()
    token.close()
    assert not finalizer.alive and "closed" in repr(token)
    with pytest.raises(iop.InvalidArgumentError, match="Token is closed"):
        token.access_token
    forgotten = iop.Token.from_json(again.to_json())._handle._finalizer
    gc.collect()
    assert not forgotten.alive
    with pytest.raises(iop.PlatformError) as info:
        iop.parse_token('{"type":"ISV","code":"InvalidCode","message":"Invalid code","request_id":"r1"}')
    assert info.value.code == "InvalidCode" and info.value.request_id == "r1"
    with pytest.raises(iop.InvalidArgumentError):
        iop.Token.from_json('{"access_token": "only"}')


def test_authorize_page_redirects_with_a_code_that_create_token_accepts(sandbox: Sandbox) -> None:
    state = iop.new_state()
    url = iop.authorize_url("lazada", APP_KEY, "https://example.com/cb?shop=1", state=state,
                            base_url=f"{sandbox.url}/lazada/oauth/authorize")
    location, query = sandbox.follow(url)
    assert location.startswith("https://example.com/cb?shop=1&") and iop.verify_state(state, query["state"][0])
    assert not iop.verify_state(state, state + "\x00") and not iop.verify_state(state, "\ud800")
    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
        assert client.create_token(query["code"][0]).access_token
    with pytest.raises(TypeError):
        iop.verify_state(state, 42)  # type: ignore[arg-type]
