"""The cross-language conformance table (tests/conformance/cases.json), every case through the
public facade. An op this runner does not know fails."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict

import pytest

import iopkit as iop
from conftest import REPO_ROOT

CASES = json.loads((REPO_ROOT / "tests" / "conformance" / "cases.json").read_text(encoding="utf-8"))["cases"]
TOKEN_FIELDS = ("access_token", "refresh_token", "expires_at_ms", "refresh_expires_at_ms", "can_refresh", "account",
                "seller_id", "user_id", "country", "country_count")


def _token_fields(token: iop.Token) -> Dict[str, Any]:
    return {name: getattr(token, name) for name in TOKEN_FIELDS}


def _config_set(c: Dict[str, Any]) -> None:
    with iop.IopClient(iop.IOP_URL_LAZADA_SG, "500123", "s3cr3t") as client:
        client.configure(**{c["setting"]: c["value"]})


def _sign(c: Dict[str, Any]) -> Dict[str, Any]:
    with iop.IopClient(c["server_url"], c["app_key"], c["app_secret"], partner_id=c["partner_id"]) as client:
        with iop.IopRequest(c["api"]) as request:
            for key, value in c["params"]:
                request.add_api_param(key, value)
            result = client.sign(request, c["access_token"], c["protocol"], c["timestamp_ms"])
    return result._asdict()


def _token_round_trip(c: Dict[str, Any]) -> Dict[str, Any]:
    parsed = iop.parse_token(c["response"], c["received_at_ms"])
    return _token_fields(iop.Token.from_json(parsed.to_json()))


def _status_exception(c: Dict[str, Any]) -> Dict[str, Any]:
    (status,) = [s for s in iop.Status if iop.status_name(s) == c["status"]]
    error = iop.error_class(status)("constructed")
    assert isinstance(error, iop.IopError) and type(error) is iop.ERROR_CLASSES[status]
    return {"status": error.status_name}


def _enos_sign(c: Dict[str, Any]) -> Dict[str, Any]:
    with iop.EnosClient(c["gateway_url"], c["app_key"], c["app_secret"]) as enos:
        headers = enos.sign(c["access_token"], c["path_and_query"], c["body"], c["timestamp_ms"])
    return {"signature": headers.signature, "timestamp_ms": headers.timestamp_ms}


def _push_verify(c: Dict[str, Any]) -> Dict[str, Any]:
    with iop.PushReceiver(c["app_key"], c["app_secret"]) as receiver:
        with receiver.verify(c["authorization"], c["body"].encode("utf-8")) as m:
            expires = m.auth_expires_at_ms
            return {"type": m.type, "seller_id": m.seller_id, "site": m.site, "timestamp_ms": m.timestamp_ms,
                    "auth_expires_at_ms": -1 if expires is None else expires, "is_duplicate": m.is_duplicate}


OPS: Dict[str, Callable[[Dict[str, Any]], Any]] = {
    "config_set": _config_set,
    "client_new": lambda c: iop.IopClient(c["server_url"], c["app_key"], c["app_secret"]).close(),
    "enos_client_new": lambda c: iop.EnosClient(c["gateway_url"], c["app_key"], c["app_secret"]).close(),
    "sign": _sign,
    "token_round_trip": _token_round_trip,
    "token_from_json": lambda c: _token_fields(iop.Token.from_json(c["json"])),
    "status_exception": _status_exception,
    "status_name": lambda c: {"value": iop.status_name(c["value"])},
    "authorize_url": lambda c: {"url": iop.authorize_url(c["platform"], c["client_id"], c["redirect_uri"],
                                                        c["country"], c["state"], base_url=c["base_url"])},
    "verify_state": lambda c: {"value": iop.verify_state(c["expected"], c["received"])},
    "enos_sign": _enos_sign,
    "push_verify": _push_verify,
}


def test_the_table_is_there() -> None:
    assert len(CASES) > 50 and len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: Dict[str, Any]) -> None:
    run = OPS.get(case["op"])
    assert run is not None, f"unknown op {case['op']!r}"
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(iop.IopError) as info:
            run(case)
        assert info.value.status_name == expect["error"] and type(info.value) is iop.error_class(info.value.status)
        if "code" in expect:
            assert info.value.code == expect["code"]
        return
    result = run(case)
    if expect != {"ok": True}:
        assert {k: result[k] for k in expect} == expect
