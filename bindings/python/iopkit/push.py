"""Push messages (Lazada's Push Mechanism, webhooks): :class:`PushReceiver` verifies a request's
``Authorization`` header against its raw body with libiop and returns a :class:`PushMessage`::

    receiver = iopkit.PushReceiver(app_key, app_secret)           # once, shared by all threads
    message = receiver.verify(headers.get("Authorization"), raw_body)  # PushRejectedError: 401
    if message.type == iopkit.PushType.TOKEN_EXPIRY_ALERT:
        store.apply_push(message)                                  # the seller is due at once
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from . import _abi
from ._abi import IOP_USE_DEFAULT, PushType
from ._handle import NativeObject
from .enos import Body, _body


def _optional(ms: int) -> Optional[int]:
    return None if ms < 0 else ms


def _accessor(name: str, convert: Any = lambda v: v) -> Any:
    fn = getattr(_abi, "push_message_" + name)

    def get(self: "PushMessage") -> Any:
        with self._native() as ptr:
            return convert(fn(ptr))

    return property(get, doc=f"``iop_push_message_{name}``")


class PushMessage(NativeObject):
    """A verified push message (immutable; wraps the native ``IopPushMessage``, read lazily).

    ``type``: a :class:`PushType` when known, else the number as sent. ``seller_id`` (for an
    expiry alert ``data.seller_id``; ``None`` for broadcasts), ``site``, ``timestamp_ms`` (epoch
    ms; ``None`` when absent), ``data`` (the parsed ``data`` object) and ``data_json`` (its
    text), ``body`` (the raw body), ``is_duplicate`` (a re-delivery this receiver had already
    verified: acknowledge it, do not process it again), ``auth_expires_at_ms`` (type 8: when the
    seller's authorization ends, epoch ms; else ``None``)."""

    def __init__(self, ptr: int) -> None:
        """Takes ownership of a native ``IopPushMessage`` pointer."""
        self._adopt(ptr, _abi.push_message_free)

    type = _accessor("type", lambda n: PushType(n) if n in PushType._value2member_map_ else n)
    seller_id = _accessor("seller_id")
    site = _accessor("site")
    timestamp_ms = _accessor("timestamp_ms", _optional)
    data_json = _accessor("data_json")
    body = _accessor("body")
    is_duplicate = _accessor("is_duplicate")
    auth_expires_at_ms = _accessor("auth_expires_at_ms", _optional)

    @property
    def data(self) -> Dict[str, Any]:
        """``data`` parsed (``{}`` when the body has none)."""
        data: Dict[str, Any] = json.loads(self.data_json)
        return data

    def _describe(self) -> str:
        return "" if self.closed else f" type={self.type!r} seller_id={self.seller_id!r} duplicate={self.is_duplicate}"


class PushReceiver(NativeObject):
    """Verifies the push messages of one app (``iop_push_receiver_*``): ``app_key``,
    ``app_secret`` and how many recent messages to remember to recognise re-deliveries
    (``remember``: 0 for none; ``IOP_USE_DEFAULT``: ``IOP_DEFAULT_PUSH_REMEMBER``). Thread-safe;
    ``repr()`` never shows the secret."""

    def __init__(self, app_key: str, app_secret: str, remember: int = IOP_USE_DEFAULT) -> None:
        self._adopt(_abi.push_receiver_new(app_key, app_secret, remember), _abi.push_receiver_free)
        self.app_key = app_key

    def verify(self, authorization: Optional[str], body: Body) -> PushMessage:
        """Checks ``authorization`` (the ``Authorization`` header; ``None`` when absent) against
        ``body``, the raw request body exactly as received (``bytes``; ``str`` is taken as UTF-8;
        never a re-serialized body). A refusal raises :class:`PushRejectedError` whose ``code``
        is ``"MissingAuthorization"``, ``"MalformedAuthorization"``, ``"SignatureMismatch"`` or
        ``"MalformedBody"``: answer it with a non-200 status."""
        with self._native() as ptr:
            return PushMessage(_abi.push_receiver_verify(ptr, authorization, _body(body)))

    def sign(self, body: Body) -> str:
        """The ``Authorization`` value the platform sends with ``body`` (lower-case hex), for
        tests and senders."""
        with self._native() as ptr:
            return _abi.push_receiver_sign(ptr, _body(body))

    def _describe(self) -> str:
        return f" app_key={self.app_key!r}"
