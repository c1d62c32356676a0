"""TokenManager through the binding: the callback store adapter (the application's Python
methods called from libiop), grants handed over as Token objects, lifetimes, EnOS. The
sandbox's tokens live 604800 s: a refresh margin of 8 days makes every access_token() refresh."""

from __future__ import annotations

import gc
import json
import os
import stat
import threading
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_KEY_NO_REFRESH, APP_SECRET, APP_SECRET_NO_REFRESH, ENOS_APP_KEY, ENOS_APP_SECRET, Sandbox

ALWAYS_MS = 8 * 86_400_000  # longer than the sandbox's access-token lifetime


def client_for(sandbox: Sandbox, key: str = APP_KEY, secret: str = APP_SECRET) -> iop.IopClient:
    return iop.IopClient(sandbox.base("lazada"), key, secret, timeout=10)


def works(client: iop.IopClient, access_token: str) -> bool:
    response = client.execute(iop.IopRequest("/seller/get"), access_token)
    return response.code == "0" and response.type is None


class DictStore(iop.CallbackTokenStore):
    """An application's store: a dict of records and a lock per account, counting calls."""

    def __init__(self, with_accounts: bool = True) -> None:
        super().__init__()
        self.records: Dict[str, str] = {}
        self.calls: Counter[str] = Counter()
        self.fail: Optional[str] = None  # name of a method that raises
        self._mutex = threading.Lock()
        self._locks: Dict[str, threading.Lock] = {}
        self.lock_threads: Dict[str, int] = {}

    def _maybe_fail(self, name: str) -> None:
        with self._mutex:
            self.calls[name] += 1
        if self.fail == name:
            raise RuntimeError(f"database down in {name}")

    def load(self, account: str) -> Optional[str]:
        self._maybe_fail("load")
        return self.records.get(account)

    def compare_and_swap(self, account: str, expected_version: int, record_json: str) -> bool:
        self._maybe_fail("compare_and_swap")
        assert json.loads(record_json)["version"] == expected_version + 1
        with self._mutex:
            current = self.records.get(account)
            if (json.loads(current)["version"] if current else 0) != expected_version:
                return False
            self.records[account] = record_json
            return True

    def lock(self, account: str, timeout: float) -> bool:
        self._maybe_fail("lock")
        with self._mutex:
            lock = self._locks.setdefault(account, threading.Lock())
        taken = lock.acquire(timeout=timeout)
        if taken:
            self.lock_threads[account] = threading.get_ident()
        return taken

    def unlock(self, account: str) -> None:
        self._maybe_fail("unlock")
        assert self.lock_threads.pop(account) == threading.get_ident()
        self._locks[account].release()

    def accounts(self) -> Optional[List[str]]:
        self._maybe_fail("accounts")
        with self._mutex:
            return sorted(self.records)


class NoListStore(DictStore):
    """Without `accounts`: listing due accounts is refused."""

    accounts = iop.CallbackTokenStore.accounts  # type: ignore[assignment]


def test_grants_as_token_objects_and_records(sandbox_session: Sandbox, tmp_path: Path) -> None:
    with client_for(sandbox_session) as client, iop.FileTokenStore(tmp_path / "tokens.json") as store:
        grant = client.create_token(sandbox_session.code())
        saved = grant.to_json()  # what an application keeps, then hands back
        manager = iop.TokenManager(client, store, "seller-1", refresh_margin_ms=ALWAYS_MS)
        assert manager.load_record() is None
        manager.store_grant(iop.Token.from_json(saved))
        record = manager.load_record()
        assert record is not None and record["version"] == 1 and record["access_token"] == grant.access_token
        assert record["expires_at_ms"] == grant.expires_at_ms
        renewed = manager.access_token()
        assert renewed != grant.access_token and works(client, renewed)
        assert renewed not in repr(manager) and stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
        assert [d["account"] for d in store.list_due(10 * 365 * 86_400_000)] == ["seller-1"]
        steady = iop.TokenManager(client, store, "seller-1")
        assert steady.access_token() == renewed and steady.account == "seller-1" and steady.store is store
        with pytest.raises(iop.ReauthorizationRequiredError) as info:
            iop.TokenManager(client, store, "nobody").access_token()
        assert info.value.status == iop.Status.REAUTHORIZATION_REQUIRED


@pytest.mark.parametrize("kind", ["memory", "callback"])
def test_threads_share_one_manager(kind: str, sandbox_session: Sandbox) -> None:
    store = iop.MemoryTokenStore() if kind == "memory" else DictStore()
    with client_for(sandbox_session) as client:
        iop.TokenManager(client, store, "seller-3").create_token(sandbox_session.code())
        eager = iop.TokenManager(client, store, "seller-3", refresh_margin_ms=ALWAYS_MS)
        errors: List[BaseException] = []

        def work() -> None:
            try:
                for _ in range(3):
                    eager.access_token()
            except BaseException as e:  # noqa: B036
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        record = eager.load_record()
        assert errors == [] and record is not None and record["reauthorization_reason"] is None
        assert works(client, eager.access_token())
        if isinstance(store, DictStore):  # every lock taken in Python was released on its thread
            assert store.calls["lock"] == store.calls["unlock"] > 1


def test_callback_store(sandbox_session: Sandbox) -> None:
    store = DictStore()
    with client_for(sandbox_session) as client:
        manager = iop.TokenManager(client, store, "seller-9")
        manager.create_token(sandbox_session.code())
        assert store.calls["compare_and_swap"] == 1 and store.calls["lock"] == store.calls["unlock"] == 1
        first = manager.access_token()
        assert manager.access_token() == first and works(client, first)
        stored = json.loads(store.records["seller-9"])
        assert stored["version"] == 1 and stored["access_token"] == first
        assert APP_SECRET not in store.records["seller-9"]
        eager = iop.TokenManager(client, store, "seller-9", refresh_margin_ms=ALWAYS_MS)
        writes = store.calls["compare_and_swap"]
        renewed = eager.access_token()
        assert renewed != first and works(client, renewed)
        assert store.calls["compare_and_swap"] > writes and store.calls["lock"] == store.calls["unlock"]
        assert json.loads(store.records["seller-9"])["access_token"] == renewed
        assert [d["account"] for d in store.list_due(10 * 365 * 86_400_000)] == ["seller-9"]
        assert store.calls["accounts"] == 1 and store.calls["load"] > 0


def test_callback_exceptions_become_library_errors(sandbox_session: Sandbox) -> None:
    store = DictStore()
    with client_for(sandbox_session) as client:
        manager = iop.TokenManager(client, store, "seller-11")
        manager.create_token(sandbox_session.code())
        store.fail = "load"
        with pytest.raises(iop.InternalError) as info:
            manager.access_token()
        assert "load" in str(info.value)
        assert isinstance(info.value.__cause__, RuntimeError) and "database down" in str(info.value.__cause__)
        store.fail = "lock"
        with pytest.raises(iop.IopError) as info:
            manager.create_token(sandbox_session.code())
        assert isinstance(info.value.__cause__, RuntimeError)
        store.fail = "accounts"
        with pytest.raises(iop.IopError) as info:
            store.list_due(60_000)
        assert isinstance(info.value.__cause__, RuntimeError)
        store.fail = "unlock"  # the call worked, but the application's unlock failed: raised as is
        with pytest.raises(RuntimeError, match="database down in unlock"):
            manager.create_token(sandbox_session.code())
        store.fail = None
        store._locks["seller-11"].release()  # the lock the failed unlock left taken
        store.lock_threads.clear()
        # nothing leaked: the store and manager still work
        assert works(client, manager.access_token())


def test_callback_results_are_checked(sandbox_session: Sandbox) -> None:
    class Sloppy(DictStore):
        def compare_and_swap(self, account: str, expected_version: int, record_json: str) -> bool:
            super().compare_and_swap(account, expected_version, record_json)
            return None  # type: ignore[return-value]

    class Busy(DictStore):
        def lock(self, account: str, timeout: float) -> bool:
            self.calls["lock"] += 1
            assert timeout > 0
            return False

    with client_for(sandbox_session) as client:
        with pytest.raises(iop.IopError) as info:
            iop.TokenManager(client, Sloppy(), "a").create_token(sandbox_session.code())
        assert isinstance(info.value.__cause__, TypeError)
        busy = Busy()
        with pytest.raises(iop.IopTimeoutError):
            iop.TokenManager(client, busy, "a").create_token(sandbox_session.code())
        assert busy.calls["lock"] == 1 and busy.calls["unlock"] == 0
        with pytest.raises(iop.InvalidArgumentError, match="accounts"):
            NoListStore().list_due(60_000)


def test_callback_functions_live_as_long_as_the_manager(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client:
        store = DictStore()
        manager = iop.TokenManager(client, store, "seller-13")
        calls = store.calls
        store.close()  # the wrapper's handle only: the manager keeps the native store
        del store
        gc.collect()
        manager.create_token(sandbox_session.code())
        assert works(client, manager.access_token()) and calls["compare_and_swap"] == 1
        finalizer = manager._handle._finalizer
        del manager
        gc.collect()
        assert not finalizer.alive


def test_store_subclass_must_initialize_its_base(sandbox_session: Sandbox) -> None:
    class Forgetful(DictStore):
        def __init__(self) -> None:
            pass

    with client_for(sandbox_session) as client:
        with pytest.raises(TypeError, match="super"):
            iop.TokenManager(client, Forgetful(), "a")
    with pytest.raises(TypeError):
        iop.CallbackTokenStore()  # type: ignore[abstract]


def test_arguments_and_closed_manager(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client, iop.MemoryTokenStore() as store:
        with pytest.raises(TypeError):
            iop.TokenManager("client", store, "a")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            iop.TokenManager(client, object(), "a")  # type: ignore[arg-type]
        with pytest.raises(iop.InvalidArgumentError):
            iop.TokenManager(client, store, "")
        with pytest.raises(iop.InvalidArgumentError):
            iop.TokenManager(client, store, "a", refresh_margin_ms=-5)
        with pytest.raises(TypeError):
            iop.TokenManager(client, store, "a").store_grant("token")  # type: ignore[arg-type]
        with iop.EnosClient("http://127.0.0.1:1", ENOS_APP_KEY, ENOS_APP_SECRET) as enos:
            with pytest.raises(TypeError, match="IopClient"):
                iop.TokenManager(enos, store, "a")  # type: ignore[arg-type]
        manager = iop.TokenManager(client, store, "a")
        manager.close()
        manager.close()
        assert manager.closed and "closed" in repr(manager)
        with pytest.raises(iop.InvalidArgumentError, match="TokenManager is closed"):
            manager.access_token()
    with pytest.raises(iop.InvalidArgumentError, match="MemoryTokenStore is closed"):
        store.list_due(0)
    with pytest.raises(iop.InvalidArgumentError):
        iop.TokenManager(client, iop.MemoryTokenStore(), "a")  # the client is closed


def test_enos_manager(sandbox: Sandbox) -> None:
    with iop.EnosClient(sandbox.url, ENOS_APP_KEY, ENOS_APP_SECRET, timeout=10) as enos:
        store = iop.MemoryTokenStore()
        manager = iop.TokenManager.for_enos(enos, store, "enos-app")
        assert manager.load_record() is None
        first = manager.access_token()  # gets the first token itself
        assert first and manager.access_token() == first == enos.get_token().access_token
        record = manager.load_record()
        assert record is not None and record["reauthorize_by_ms"] is None and record["refresh_token"] == ""
        assert enos.call("GET", "/connect-service/v2.1/devices?action=get", access_token=first).is_success
        with pytest.raises(iop.InvalidArgumentError):
            manager.create_token("code")  # EnOS needs no authorization
        eager = iop.TokenManager.for_enos(enos, store, "enos-app", refresh_margin_ms=3 * 3_600_000)
        renewed = eager.access_token()
        assert renewed != first
        assert enos.call("GET", "/connect-service/v2.1/devices?action=get", access_token=renewed).is_success
        assert store.list_due(10 * 365 * 86_400_000) == []
        with pytest.raises(TypeError):
            iop.TokenManager.for_enos(object(), store, "x")  # type: ignore[arg-type]
