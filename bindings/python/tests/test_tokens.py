"""Typed token helpers: create_token / refresh_token / parse_token → Token."""

from __future__ import annotations

import dataclasses
import json
import pickle
from datetime import datetime, timedelta, timezone

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_KEY_NO_REFRESH, APP_SECRET, APP_SECRET_NO_REFRESH, FLAVOURS, Sandbox


def client_for(sandbox: Sandbox, flavour: str = "lazada", app_key: str = APP_KEY, secret: str = APP_SECRET) -> iop.IopClient:
    return iop.IopClient(sandbox.base(flavour), app_key, secret)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_create_token_on_each_gateway(flavour: str, sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session, flavour) as client:
        before = datetime.now(timezone.utc)
        token = client.create_token(sandbox_session.code())
    assert isinstance(token, iop.Token)
    assert token.access_token and token.refresh_token
    assert token.can_refresh is True
    assert token.expires_at.tzinfo is not None and token.expires_at.utcoffset() == timedelta(0)
    assert token.expires_at > before + timedelta(days=6)
    assert token.refresh_expires_at is not None and token.refresh_expires_at > token.expires_at
    # ids come out as text whatever the gateway's spelling (TW: user_Id/seller_Id on refresh)
    assert token.user_id and token.user_id.isdigit()
    assert token.seller_id and token.seller_id.isdigit()
    assert token.account_platform == "seller_center"
    raw = json.loads(token.raw)
    assert raw["access_token"] == token.access_token
    if flavour == "lazada":
        assert token.country == "sg"
        assert token.country_user_info and isinstance(token.country_user_info, tuple)
        entry = token.country_user_info[0]
        assert isinstance(entry, iop.CountryUserInfo)
        assert (entry.country, entry.user_id, entry.seller_id) == ("sg", token.user_id, token.seller_id)
    if flavour == "aliexpress":
        assert token.havana_id and token.user_nick and token.locale and token.sp
    if flavour == "tw":
        assert token.short_code


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_refresh_rotates_the_refresh_token(flavour: str, sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session, flavour) as client:
        first = client.create_token(sandbox_session.code())
        second = client.refresh_token(first.refresh_token)
        assert second.refresh_token != first.refresh_token
        assert second.access_token != first.access_token
        assert second.user_id == first.user_id and second.seller_id == first.seller_id
        if flavour == "tw":
            assert '"user_Id"' in second.raw  # TW's spelling, normalized by the core
        with pytest.raises(iop.PlatformError) as info:
            client.refresh_token(first.refresh_token)  # the old one is dead
        assert info.value.code == "IllegalRefreshToken"
        # the new one still works, and the new access token calls APIs
        third = client.refresh_token(second.refresh_token)
        response = client.execute(iop.IopRequest("/seller/get"), third.access_token)
        assert response.code == "0" and response.type is None


def test_doc_sample_refresh_token_via_helper(sandbox: Sandbox) -> None:
    with client_for(sandbox, "tw") as client:
        token = client.refresh_token("50001600212wcwiOabwyjtEH11acc19aBOvQr9ZYkYDlr987D8BB88LIB8bj")
    assert token.access_token


def test_code_from_the_authorize_redirect(sandbox_session: Sandbox) -> None:
    location, query = sandbox_session.authorize("https://app.example/callback", "st-42")
    assert location.startswith("https://app.example/callback?")
    assert query["state"] == ["st-42"]
    with client_for(sandbox_session) as client:
        token = client.create_token(query["code"][0])
    assert token.access_token


def test_platform_error_fields(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client:
        with pytest.raises(iop.PlatformError) as info:
            client.create_token("not-a-real-code")
    e = info.value
    assert isinstance(e, iop.IopError)
    assert e.status == iop.Status.PLATFORM and e.status_name == "IOP_ERR_PLATFORM"
    assert e.code == "InvalidCode"
    assert e.type == "ISV"
    assert e.request_id
    assert e.http_status == 400
    assert e.message and "not-a-real-code" not in str(e)
    assert "InvalidCode" in str(e)
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is iop.PlatformError and again.code == "InvalidCode" and again.http_status == 400


def test_app_that_cannot_refresh(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session, "lazada", APP_KEY_NO_REFRESH, APP_SECRET_NO_REFRESH) as client:
        token = client.create_token(sandbox_session.code(APP_KEY_NO_REFRESH))
        assert token.can_refresh is False
        assert token.refresh_expires_at is None
        with pytest.raises(iop.PlatformError) as info:
            client.refresh_token(token.refresh_token)
    assert info.value.code == "AUTH_TYPE_UNSUPPORTED"


def test_wrong_secret_and_unknown_app(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session, secret="wrong-secret") as client:
        with pytest.raises(iop.PlatformError) as info:
            client.create_token(sandbox_session.code())
        assert info.value.code == "IncompleteSignature"
        assert "wrong-secret" not in str(info.value) and "wrong-secret" not in repr(info.value)
    with client_for(sandbox_session, app_key="999999") as client:
        with pytest.raises(iop.PlatformError) as info:
            client.create_token(sandbox_session.code())
        assert info.value.code == "InvalidAppKey"


def test_expired_access_token_is_rejected_then_refresh_works(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        token = client.create_token(sandbox.code())
        lifetime = int((token.expires_at - datetime.now(timezone.utc)).total_seconds())
        sandbox.advance_clock(lifetime + 60)
        response = client.execute(iop.IopRequest("/seller/get"), token.access_token)
        assert response.type == "ISV" and response.code == "IllegalAccessToken"
        fresh = client.refresh_token(token.refresh_token)
        assert client.execute(iop.IopRequest("/seller/get"), fresh.access_token).code == "0"


def test_token_is_immutable_and_redacted(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client:
        token = client.create_token(sandbox_session.code())
    with pytest.raises(dataclasses.FrozenInstanceError):
        token.access_token = "x"  # type: ignore[misc]
    text = repr(token) + str(token)
    assert token.access_token not in text
    assert token.refresh_token not in text
    assert "<redacted>" in text and "expires_at=" in text and token.user_id in text  # type: ignore[operator]
    assert hash(token) == hash(dataclasses.replace(token))


def test_to_json_is_the_core_normalized_form(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session, "tw") as client:
        token = client.create_token(sandbox_session.code())
    d = json.loads(token.to_json())
    assert d["access_token"] == token.access_token
    assert d["refresh_token"] == token.refresh_token
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert d["expires_at"] == (token.expires_at - epoch) // timedelta(milliseconds=1)
    assert d["user_id"] == token.user_id and d["can_refresh"] is True


def test_parse_token_from_a_documented_body() -> None:
    body = (
        '{ "code": "0", "access_token": "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg", '
        '"refresh_token": "500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi", "account_id": "7063844", '
        '"user_Id": "1001", "account_platform": "seller_center", "refresh_expires_in": "60", '
        '"error_code": "error_code", "expires_in": "10", "request_id": "0ba2887315178178017221014", '
        '"seller_Id": "10011", "account": "xxx@126.com", "short_code": "HK001" }'
    )
    received = datetime(2024, 1, 1, tzinfo=timezone.utc)
    token = iop.parse_token(body, received)
    assert token.user_id == "1001" and token.seller_id == "10011" and token.short_code == "HK001"
    assert token.expires_at == received + timedelta(seconds=10)
    assert token.refresh_expires_at == received + timedelta(seconds=60)
    assert token.raw == body
    with pytest.raises(iop.PlatformError) as info:
        iop.parse_token('{"type":"ISV","code":"InvalidCode","message":"Invalid code","request_id":"r1"}')
    assert info.value.code == "InvalidCode" and info.value.request_id == "r1"
    with pytest.raises(iop.MalformedResponseError):
        iop.parse_token("not json")
    with pytest.raises(ValueError):
        iop.parse_token(body, datetime(2024, 1, 1))


def test_aliexpress_absolute_expiry_and_service_market_token() -> None:
    body = json.dumps(
        {"code": "0", "access_token": "a", "refresh_token": "r", "expires_in": 2592000,
         "expire_time": 1714192160000, "refresh_token_valid_time": 1716784148000,
         "refresh_expires_in": 5183988, "havana_id": "3000020000814", "sp": "ae"}
    )
    token = iop.parse_token(body)
    assert token.expires_at == datetime.fromtimestamp(1714192160, tz=timezone.utc)
    assert token.refresh_expires_at == datetime.fromtimestamp(1716784148, tz=timezone.utc)
    market = iop.parse_token('{"code":"0","access_token":"a","refresh_token":"r","expires_in":10,"refresh_expires_in":0}')
    assert market.can_refresh is False and market.refresh_expires_at is None
