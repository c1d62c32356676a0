"""Push messages: the README's receiver (its code block, run as written) served on 127.0.0.1 by
wsgiref (http.server) and registered with the sandbox, which pushes like the platform; tampering;
re-deliveries; the token expiry alert reaching the token store; the ASGI handler. Signatures,
secrets and tokens are never printed: comparisons of them are reduced to booleans first."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import logging
import re
import threading
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_KEY_NO_REFRESH, APP_SECRET, BINDING_DIR, Sandbox

HOUR = 3600
REFRESH_TTL = 2_592_000  # the sandbox's refresh-token lifetime (DEFAULT_REFRESH_TTL_SECS)
WITHIN_48H_MS = 48 * HOUR * 1000


def readme_receiver_source() -> str:
    """The Python block of the README's "Push messages" section."""
    section = (BINDING_DIR / "README.md").read_text(encoding="utf-8").split("## Push messages", 1)[1]
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S) if "push_wsgi" in b]
    return block


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class Receiver:
    """The README's receiver with ``store`` at ``store_path`` and ``process`` recording the
    messages, served by wsgiref on a thread. ``captured``: (Authorization, raw body) of every
    request; ``answers``: statuses forced on the first requests (after the README code ran)."""

    def __init__(self, store_path: Path) -> None:
        self.processed: List[iop.PushMessage] = []
        self.captured: List[Tuple[Optional[str], bytes]] = []
        self.answers: List[str] = []
        source = readme_receiver_source().replace("/var/lib/app/tokens.json", str(store_path))
        self.g: Dict[str, Any] = {"__name__": "push_receiver", "APP_KEY": APP_KEY, "APP_SECRET": APP_SECRET,
                                  "process": self.processed.append}
        exec(compile(source, "README.md#push-messages", "exec"), self.g)
        self.server: WSGIServer = make_server("127.0.0.1", 0, self._app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/lazada/push"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _app(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.captured.append((environ.get("HTTP_AUTHORIZATION"), body))
        environ["wsgi.input"] = io.BytesIO(body)
        forced = self.answers.pop(0) if self.answers else None
        result: List[bytes] = self.g["push_wsgi"](environ, start_response if forced is None else lambda s, h: None)
        if forced is not None:
            start_response(forced, [("Content-Length", "0")])
        return result

    @property
    def store(self) -> iop.FileTokenStore:
        store: iop.FileTokenStore = self.g["store"]
        return store

    def drain(self) -> None:
        """Waits for the work queued by the README's ``accept``."""
        self.g["work"].shutdown(wait=True)
        self.g["work"] = concurrent.futures.ThreadPoolExecutor(max_workers=4)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.drain()


@pytest.fixture
def push_receiver(sandbox: Sandbox, tmp_path: Path) -> Iterator[Receiver]:
    r = Receiver(tmp_path / "tokens.json")
    sandbox.push_register(r.url)
    yield r
    r.close()


def deliveries(sandbox: Sandbox, **match: object) -> List[Dict[str, object]]:
    return [d for d in sandbox.push_log() if all(d[k] == v for k, v in match.items())]


def one_order_push(sandbox: Sandbox, receiver: Receiver, seller_id: str = "1000100042") -> Tuple[str, bytes]:
    sandbox.push_order(seller_id)
    sandbox.push_flush()
    auth, body = receiver.captured[-1]
    assert auth is not None
    return auth, body


def reason(receiver: iop.PushReceiver, authorization: Optional[str], body: bytes) -> Optional[str]:
    with pytest.raises(iop.PushRejectedError) as info:
        receiver.verify(authorization, body)
    error = info.value
    assert error.status == iop.Status.PUSH_REJECTED and error.status_name == "IOP_ERR_PUSH_REJECTED"
    assert isinstance(error, iop.IopError) and type(error) is iop.error_class(12)
    return error.code


def test_sandbox_pushes_verify_and_a_bad_signature_is_refused(
    sandbox: Sandbox, push_receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.push_order("1000100042")
    sandbox.push_flush()
    push_receiver.drain()
    (m,) = push_receiver.processed
    assert (m.type, m.seller_id, m.site, m.is_duplicate, m.auth_expires_at_ms) == (
        iop.PushType.TRADE_ORDER, "1000100042", "lazada_sg", False, None)
    assert isinstance(m.type, iop.PushType) and m.timestamp_ms is not None and m.timestamp_ms > 10**12
    assert m.data["order_status"] == "unpaid" and json.loads(m.data_json) == m.data
    assert m.body.encode() == push_receiver.captured[0][1]
    assert [(d["message_type"], d["status"], d["attempt"]) for d in sandbox.push_log()] == [(0, 200, 1)]

    caplog.set_level(logging.WARNING)
    sandbox.push_bad_signatures(1)
    order = sandbox.push_order("1000100043")
    sandbox.push_flush()
    (refused,) = deliveries(sandbox, id=order)
    assert (refused["status"], refused["bad_signature"]) == (401, True)
    assert [r.getMessage() for r in caplog.records] == ["push message refused: SignatureMismatch"]
    sandbox.advance_clock(30 * 60)  # the platform's retry, correctly signed this time
    sandbox.push_flush()
    push_receiver.drain()
    assert [(d["status"], d["attempt"]) for d in deliveries(sandbox, id=order)] == [(401, 1), (200, 2)]
    assert [p.seller_id for p in push_receiver.processed] == ["1000100042", "1000100043"]


def test_tampering_is_refused_with_its_reason(sandbox: Sandbox, push_receiver: Receiver) -> None:
    auth, body = one_order_push(sandbox, push_receiver)

    def fresh() -> iop.PushReceiver:
        return iop.PushReceiver(APP_KEY, APP_SECRET, 16)

    changed = bytearray(body)
    changed[body.index(b"4")] = ord("5")
    reserialized = json.dumps(json.loads(body)).encode()
    assert reserialized != body
    other_app = iop.PushReceiver(APP_KEY_NO_REFRESH, APP_SECRET)
    cases = {  # reduced to the reasons before comparing: nothing secret in a failure's report
        "changed byte": reason(fresh(), auth, bytes(changed)),
        "another app's key": reason(other_app, auth, body),
        "truncated header": reason(fresh(), auth[:40], body),
        "not hex": reason(fresh(), "z" * 64, body),
        "missing header": reason(fresh(), None, body),
        "re-serialized body": reason(fresh(), auth, reserialized),
    }
    assert cases == {"changed byte": "SignatureMismatch", "another app's key": "SignatureMismatch",
                     "truncated header": "MalformedAuthorization", "not hex": "MalformedAuthorization",
                     "missing header": "MissingAuthorization", "re-serialized body": "SignatureMismatch"}
    r = fresh()
    not_a_message = reason(r, r.sign(b"[1,2]"), b"[1,2]")
    assert not_a_message == "MalformedBody"
    with pytest.raises(iop.PushRejectedError) as info:
        fresh().verify(auth, reserialized)
    texts = (str(info.value), repr(info.value), repr(r), repr(other_app))
    assert not any(secret in t for t in texts for secret in (APP_SECRET, auth, "1000100042")), "a secret shown"

    upper = fresh().verify(auth.upper(), body)  # upper-case hex verifies
    as_text = fresh().verify(auth, body.decode())  # str: its UTF-8 bytes
    assert (upper.seller_id, as_text.type) == ("1000100042", iop.PushType.TRADE_ORDER)
    same = fresh().sign(body) == auth
    assert same, "sign() differs from the sandbox's Authorization"

    first, again = r.verify(auth, body), r.verify(auth.upper(), body)  # a re-delivery
    assert (first.is_duplicate, again.is_duplicate) == (False, True)
    forgetful = iop.PushReceiver(APP_KEY, APP_SECRET, remember=0)
    twice = [forgetful.verify(auth, body).is_duplicate for _ in range(2)]
    assert twice == [False, False]
    assert push_receiver.store.apply_push(first) == 0  # not an expiry alert
    with pytest.raises(TypeError):
        push_receiver.store.apply_push(body)  # type: ignore[arg-type]
    with pytest.raises(iop.InvalidArgumentError):
        iop.PushReceiver(APP_KEY, APP_SECRET, remember=-2)
    r.close()
    r.close()
    with pytest.raises(iop.InvalidArgumentError):
        r.verify(auth, body)
    first.close()
    with pytest.raises(iop.InvalidArgumentError):
        push_receiver.store.apply_push(first)


def test_expiry_alert_reaches_the_token_store(sandbox: Sandbox, push_receiver: Receiver) -> None:
    """list_due counts from the real clock, the alert from the sandbox's virtual one: the clock
    is set back by (refresh lifetime - 47 h) before the grants are issued, so that advancing
    it by the same amount makes the authorization end 47 h from now on both clocks."""
    sandbox.advance_clock(-(REFRESH_TTL - 47 * HOUR))
    store = push_receiver.store
    client = iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET, timeout=10)

    def authorize(account: str) -> str:
        with iop.TokenManager(client, store, account) as manager:
            manager.create_token(sandbox.code())
            return str((manager.load_record() or {})["seller_id"])

    seller = authorize("shop-sg")
    sandbox.advance_clock(REFRESH_TTL - 49 * HOUR)  # 49 h before the end: no alert yet
    assert authorize("other-shop") != seller  # a seller authorized now: no alert for it
    assert store.list_due(WITHIN_48H_MS) == [], "not due before the alert"
    sandbox.push_flush()
    assert deliveries(sandbox, message_type=8) == []
    sandbox.advance_clock(2 * HOUR)  # 47 h before: the alert
    sandbox.push_flush()
    push_receiver.drain()
    alerts = deliveries(sandbox, message_type=8)
    assert [(d["seller_id"], d["status"], d["attempt"]) for d in alerts] == [(seller, 200, 1)]

    auth, body = push_receiver.captured[-1]
    m = iop.PushReceiver(APP_KEY, APP_SECRET, remember=0).verify(auth, body)
    assert (m.type, m.seller_id) == (iop.PushType.TOKEN_EXPIRY_ALERT, seller) and b'"seller_id":"null"' in body
    assert m.auth_expires_at_ms is not None and m.auth_expires_at_ms == m.data["auth_expiry_time"] * 1000
    assert store.list_due(WITHIN_48H_MS) == [{"account": "shop-sg", "reauthorize_by": m.auth_expires_at_ms}]
    assert iop.FileTokenStore(store.path).list_due(WITHIN_48H_MS)[0]["account"] == "shop-sg", "durable"
    assert store.apply_push(m) == 0, "applied already"
    assert push_receiver.processed == [], "alerts go to the store, not to process()"

    sandbox.advance_clock(HOUR)  # later that day: no second alert
    sandbox.push_flush()
    assert len(deliveries(sandbox, message_type=8)) == 1
    client.close()


def test_an_unacknowledged_push_comes_again_after_30_minutes(sandbox: Sandbox, push_receiver: Receiver) -> None:
    push_receiver.answers = ["500 Internal Server Error"]  # verified, then answered 500
    order = sandbox.push_order("1000100007")
    sandbox.push_flush()
    assert [(d["status"], d["attempt"]) for d in deliveries(sandbox, id=order)] == [(500, 1)]
    sandbox.advance_clock(29 * 60)
    sandbox.push_flush()
    assert len(deliveries(sandbox, id=order)) == 1, "not before 30 minutes"
    sandbox.advance_clock(60)
    sandbox.push_flush()
    push_receiver.drain()
    attempts = deliveries(sandbox, id=order)
    assert [(d["status"], d["attempt"]) for d in attempts] == [(500, 1), (200, 2)]
    assert int(attempts[1]["at_ms"]) - int(attempts[0]["at_ms"]) >= 30 * 60_000  # type: ignore[call-overload]
    (first, second) = push_receiver.captured
    assert first[1] == second[1], "the same message again"
    assert [m.seller_id for m in push_receiver.processed] == ["1000100007"], "the re-delivery is not processed twice"


def test_the_readme_asgi_handler(tmp_path: Path) -> None:
    g: Dict[str, Any] = {"__name__": "push_receiver", "APP_KEY": APP_KEY, "APP_SECRET": APP_SECRET}
    processed: List[iop.PushMessage] = []
    g["process"] = processed.append
    exec(compile(readme_receiver_source().replace("/var/lib/app/tokens.json", str(tmp_path / "t.json")),
                 "README.md#push-messages", "exec"), g)
    body = b'{"seller_id":"42","message_type":99,"data":{"note":"\xe5\x8d\x96"},"timestamp":1627416758,"site":"lazada_sg"}'
    signature = g["receiver"].sign(body)

    def call(headers: List[Tuple[bytes, bytes]]) -> List[Dict[str, Any]]:
        chunks = [{"type": "http.request", "body": body[:10], "more_body": True},
                  {"type": "http.request", "body": body[10:]}]
        sent: List[Dict[str, Any]] = []

        async def receive() -> Dict[str, Any]:
            return chunks.pop(0)

        async def send(event: Dict[str, Any]) -> None:
            sent.append(event)

        asyncio.run(g["push_asgi"]({"type": "http", "method": "POST", "headers": headers}, receive, send))
        return sent

    statuses = [call(headers)[0]["status"] for headers in (
        [(b"content-type", b"application/json")],  # no Authorization
        [(b"authorization", signature.encode())],
        [(b"authorization", signature.upper().encode())],  # a re-delivery
    )]
    assert statuses == [401, 200, 200]
    g["work"].shutdown(wait=True)
    assert [(m.type, m.seller_id, m.data) for m in processed] == [(99, "42", {"note": "卖"})]
    g["store"].close()
