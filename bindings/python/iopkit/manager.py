"""Always-valid access tokens for one account: :class:`TokenManager` over libiop's
``iop_token_manager_*``::

    store = iopkit.FileTokenStore("/var/lib/app/tokens.json")
    manager = iopkit.TokenManager(client, store, seller_id)
    manager.create_token(code_from_redirect)          # once, after the seller authorized
    client.execute(request, manager.access_token())   # refreshed first when needed
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional

from . import _abi, _async, _log
from ._abi import IOP_USE_DEFAULT
from ._handle import NativeHandle, NativeObject
from .client import ClientBase, IopClient
from .enos import EnosClient
from .store import TokenStore
from .token import Token


class TokenManager(NativeObject):
    """Always-valid access tokens for one ``account`` (any stable key, e.g. the seller id) of
    an IOP app: ``TokenManager(client, store, account, refresh_margin_ms=IOP_USE_DEFAULT)``;
    for an EnOS app use :meth:`for_enos`. Refreshing, single flight, locking and rotation are
    libiop's. Seed the account with :meth:`create_token` or :meth:`store_grant`. The manager
    keeps its store alive; release it with :meth:`close` or a ``with`` block."""

    def __init__(self, client: IopClient, store: TokenStore, account: str,
                 refresh_margin_ms: int = IOP_USE_DEFAULT) -> None:
        self._build(_abi.token_manager_new, IopClient, client, store, account, refresh_margin_ms)

    @classmethod
    def for_enos(cls, client: EnosClient, store: TokenStore, account: str,
                 refresh_margin_ms: int = IOP_USE_DEFAULT) -> "TokenManager":
        """A manager for the EnOS app of ``client``; the first :meth:`access_token` gets a token."""
        self = cls.__new__(cls)
        self._build(_abi.token_manager_new_enos, EnosClient, client, store, account, refresh_margin_ms)
        return self

    def _build(self, new: Callable[..., int], kind: type, client: ClientBase, store: TokenStore, account: str,
               margin_ms: int) -> None:
        if not isinstance(client, kind):
            raise TypeError(f"client must be an {kind.__name__}, not {type(client).__name__}")
        if not isinstance(store, TokenStore):
            raise TypeError(f"store must be an iopkit.TokenStore, not {type(store).__name__}")
        with client._native() as client_ptr, store._native() as store_ptr:
            self._adopt(new(client_ptr, store_ptr, account, margin_ms), _abi.token_manager_free)
        self.store, self.account = store, account  # a callback store's functions must outlive this

    def _native(self) -> NativeHandle:
        _log.sync_level()  # the native log level follows the "iopkit" logger's
        return super()._native()

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._native() as ptr, self.store._guard():
            return fn(ptr, *args)

    def access_token(self) -> str:
        """An access token valid for more than the refresh margin, refreshed first when needed.
        :class:`ReauthorizationRequiredError` when nothing is stored, or the grant is dead and
        its access token has expired."""
        return self._call(_abi.token_manager_get_access_token)  # type: ignore[no-any-return]

    async def access_token_async(self) -> str:
        """:meth:`access_token` on a worker thread, awaited (see :func:`iopkit.set_executor`).
        A refresh started before a cancellation completes and is stored."""
        return await _async.run(self.access_token)

    #: The same as :meth:`access_token_async` (the C ABI's name, ``get_access_token``).
    get_access_token_async = access_token_async

    def create_token(self, code: str) -> None:
        """Exchanges the authorization ``code`` and stores the grant (IOP managers)."""
        self._call(_abi.token_manager_create_token, code)

    async def create_token_async(self, code: str) -> None:
        """:meth:`create_token` awaited."""
        await _async.run(self.create_token, code)

    def store_grant(self, token: Token) -> None:
        """Stores ``token`` (from :meth:`IopClient.create_token` or :meth:`Token.from_json`) as
        the account's grant, replacing what was stored."""
        if not isinstance(token, Token):
            raise TypeError(f"token must be an iopkit.Token, not {type(token).__name__}")
        with token._native() as token_ptr:
            self._call(_abi.token_manager_store_grant, token_ptr)

    def load_record(self) -> Optional[Dict[str, Any]]:
        """The account's stored record as libiop writes it (a dict; see
        ``iop_token_manager_load_record``), or ``None`` when nothing is stored. Contains the tokens."""
        record: Optional[Dict[str, Any]] = json.loads(self._call(_abi.token_manager_load_record))
        return record

    def _describe(self) -> str:
        return f" account={self.account!r} store={self.store!r}"
