"""TokenManager and the token stores (memory, file, callback) against the sandbox, and the
EnOS manager. The sandbox's tokens live 604800 s: a refresh margin of 8 days makes every
access_token() refresh."""

from __future__ import annotations

import gc
import json
import os
import stat
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, Optional

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_KEY_NO_REFRESH, APP_SECRET, APP_SECRET_NO_REFRESH, ENOS_APP_KEY, ENOS_APP_SECRET, Sandbox

ALWAYS = timedelta(days=8)  # longer than the sandbox's access-token lifetime


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
        self._guard = threading.Lock()
        self._locks: Dict[str, threading.Lock] = {}
        self.lock_threads: Dict[str, int] = {}

    def _maybe_fail(self, name: str) -> None:
        with self._guard:
            self.calls[name] += 1
        if self.fail == name:
            raise RuntimeError(f"database down in {name}")

    def load(self, account: str) -> Optional[str]:
        self._maybe_fail("load")
        return self.records.get(account)

    def compare_and_swap(self, account: str, expected_version: int, record_json: str) -> bool:
        self._maybe_fail("compare_and_swap")
        assert json.loads(record_json)["version"] == expected_version + 1
        with self._guard:
            current = self.records.get(account)
            if (json.loads(current)["version"] if current else 0) != expected_version:
                return False
            self.records[account] = record_json
            return True

    def lock(self, account: str, timeout: float) -> bool:
        self._maybe_fail("lock")
        with self._guard:
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
        with self._guard:
            return sorted(self.records)


class NoListStore(DictStore):
    """Without `accounts`: listing due accounts is refused."""

    accounts = iop.CallbackTokenStore.accounts  # type: ignore[assignment]


# --- memory store -------------------------------------------------------------------------------


def test_memory_store_serves_a_stable_token_while_fresh(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client, iop.MemoryTokenStore() as store:
        with iop.TokenManager(client, store, "seller-1") as manager:
            assert manager.record() is None
            manager.create_token(sandbox_session.code())
            first = manager.access_token()
            assert manager.access_token() == first and works(client, first)
            record = manager.record()
            assert isinstance(record, iop.TokenRecord) and record.version == 1
            assert record.access_token == first and record.refresh_token
            assert record.expires_at.tzinfo is not None and record.expires_at.utcoffset() == timedelta(0)
            assert record.expires_at > datetime.now(timezone.utc) + timedelta(days=6)
            assert record.can_refresh and not record.reauthorization_required
            assert record.refresh_expires_at is not None and record.reauthorize_by == record.refresh_expires_at
            assert record.seller_id and record.country == "sg"
            for text in (repr(record), str(record), repr(manager)):
                assert first not in text and record.refresh_token not in text
            assert manager.account == "seller-1" and manager.refresh_margin == iop.DEFAULT_REFRESH_MARGIN
            assert manager.store is store


def test_long_margin_refreshes_on_every_call_and_rotates(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client, iop.MemoryTokenStore() as store:
        grant = client.create_token(sandbox_session.code())
        manager = iop.TokenManager(client, store, "seller-2", refresh_margin=ALWAYS)
        assert manager.refresh_margin == ALWAYS
        manager.store_grant(grant)
        seeded = manager.record()
        assert seeded is not None and seeded.expires_at == grant.expires_at
        assert seeded.refresh_expires_at == grant.refresh_expires_at and seeded.access_token == grant.access_token
        first = manager.access_token()
        second = manager.access_token()
        assert len({grant.access_token, first, second}) == 3
        assert works(client, second)
        record = manager.record()
        assert record is not None and record.access_token == second and record.version > seeded.version
        assert record.refresh_token != grant.refresh_token and not record.reauthorization_required
        assert record.granted_at == seeded.granted_at and record.refresh_started_at is None
        with pytest.raises(iop.PlatformError) as info:  # the grant's refresh token was rotated away
            client.refresh_token(grant.refresh_token)
        assert info.value.code == "IllegalRefreshToken"
        manager.close()


def test_threads_share_one_manager(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client, iop.MemoryTokenStore() as store:
        steady = iop.TokenManager(client, store, "seller-3")
        steady.create_token(sandbox_session.code())
        eager = iop.TokenManager(client, store, "seller-3", refresh_margin=ALWAYS.total_seconds())
        results: Dict[str, List[str]] = {"steady": [], "eager": []}
        errors: List[BaseException] = []

        def work() -> None:
            try:
                for _ in range(3):
                    results["steady"].append(steady.access_token())
                    results["eager"].append(eager.access_token())
            except BaseException as e:  # noqa: B036
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(results["steady"]) == len(results["eager"]) == 24
        record = eager.record()
        # one refresh at a time: the chain of refresh tokens never broke
        assert record is not None and not record.reauthorization_required and record.version > 2
        assert works(client, eager.access_token())


def test_nothing_stored_requires_reauthorization(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client, iop.TokenManager(client, iop.MemoryTokenStore(), "nobody") as m:
        with pytest.raises(iop.ReauthorizationRequiredError) as info:
            m.access_token()
        assert info.value.status == iop.Status.REAUTHORIZATION_REQUIRED == 11
        assert "nobody" in str(info.value)
        assert m.record() is None


def test_rotated_away_refresh_token_serves_the_stale_token(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client, iop.MemoryTokenStore() as store:
        manager = iop.TokenManager(client, store, "seller-4")
        manager.create_token(sandbox_session.code())
        before = manager.record()
        assert before is not None
        client.refresh_token(before.refresh_token)  # someone else rotated it: the stored one is dead
        eager = iop.TokenManager(client, store, "seller-4", refresh_margin=ALWAYS)
        assert eager.access_token() == before.access_token  # still valid: served
        dead = eager.record()
        assert dead is not None and dead.reauthorization_required
        assert dead.reauthorization_reason is not None and "IllegalRefreshToken" in dead.reauthorization_reason
        assert eager.access_token() == before.access_token and eager.record() == dead  # never sent again
        assert before.refresh_token not in repr(dead)
        # a dead grant is due now
        due = store.reauthorization_due(0)
        assert [d.account for d in due] == ["seller-4"]
        assert due[0].reauthorize_by <= datetime.now(timezone.utc)


def test_grant_that_cannot_be_refreshed(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session, APP_KEY_NO_REFRESH, APP_SECRET_NO_REFRESH) as client:
        manager = iop.TokenManager(client, iop.MemoryTokenStore(), "seller-5", refresh_margin=ALWAYS)
        manager.create_token(sandbox_session.code(APP_KEY_NO_REFRESH))
        token = manager.access_token()  # not refreshable: the token is served until it expires
        record = manager.record()
        assert record is not None and not record.can_refresh and record.reauthorization_required
        assert record.reauthorize_by == record.expires_at and works(client, token)


def test_reauthorization_due(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client, iop.MemoryTokenStore() as store:
        assert store.reauthorization_due(timedelta(days=3650)) == []
        manager = iop.TokenManager(client, store, "seller-6")
        manager.create_token(sandbox_session.code())
        record = manager.record()
        assert record is not None and record.reauthorize_by is not None
        (due,) = store.reauthorization_due(timedelta(days=3650))
        assert due == iop.ReauthorizationDue("seller-6", record.reauthorize_by)
        assert store.reauthorization_due(0) == []
        assert store.reauthorization_due(timedelta(0)) == []
        with pytest.raises(ValueError):
            store.reauthorization_due(-1)
        with pytest.raises(TypeError):
            store.reauthorization_due("1d")  # type: ignore[arg-type]


# --- file store ---------------------------------------------------------------------------------


def test_file_store(sandbox_session: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    with client_for(sandbox_session) as client, iop.FileTokenStore(path) as store:
        assert store.path == str(path) and not path.exists()  # written on first use only
        manager = iop.TokenManager(client, store, "seller-7")
        manager.create_token(sandbox_session.code())
        first = manager.access_token()
        assert manager.access_token() == first and works(client, first)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        content = path.read_text()
        assert APP_SECRET not in content and first in content
        # another store on the same file (another process, say) sees the same grant
        with iop.FileTokenStore(path) as other:
            eager = iop.TokenManager(client, other, "seller-7", refresh_margin=ALWAYS)
            renewed = eager.access_token()
            assert renewed != first and works(client, renewed)
        assert manager.access_token() == renewed  # fresh under the default margin
        record = manager.record()
        assert record is not None and record.version == 3 and not record.reauthorization_required
        assert [d.account for d in store.reauthorization_due(timedelta(days=3650))] == ["seller-7"]
        assert APP_SECRET not in path.read_text()


def test_file_store_in_a_missing_folder(sandbox_session: Sandbox, tmp_path: Path) -> None:
    store = iop.FileTokenStore(tmp_path / "missing" / "tokens.json")  # nothing is written yet
    with client_for(sandbox_session) as client:
        with pytest.raises(iop.InvalidArgumentError, match="lock file"):
            iop.TokenManager(client, store, "seller-8").create_token(sandbox_session.code())


# --- callback store -----------------------------------------------------------------------------


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
        eager = iop.TokenManager(client, store, "seller-9", refresh_margin=ALWAYS)
        writes = store.calls["compare_and_swap"]
        renewed = eager.access_token()
        assert renewed != first and works(client, renewed)
        assert store.calls["compare_and_swap"] > writes and store.calls["lock"] == store.calls["unlock"]
        assert json.loads(store.records["seller-9"])["access_token"] == renewed
        assert [d.account for d in store.reauthorization_due(timedelta(days=3650))] == ["seller-9"]
        assert store.calls["accounts"] == 1 and store.calls["load"] > 0


def test_callback_store_threads(sandbox_session: Sandbox) -> None:
    store = DictStore()
    with client_for(sandbox_session) as client:
        iop.TokenManager(client, store, "seller-10").create_token(sandbox_session.code())
        eager = iop.TokenManager(client, store, "seller-10", refresh_margin=ALWAYS)
        errors: List[BaseException] = []

        def work() -> None:
            try:
                for _ in range(2):
                    eager.access_token()
            except BaseException as e:  # noqa: B036
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and store.calls["lock"] == store.calls["unlock"]
        record = eager.record()
        assert record is not None and not record.reauthorization_required
        assert works(client, eager.access_token())


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
            store.reauthorization_due(60)
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
            NoListStore().reauthorization_due(60)


def test_dead_grant_whose_token_expired(sandbox_session: Sandbox) -> None:
    store = DictStore()
    with client_for(sandbox_session) as client:
        manager = iop.TokenManager(client, store, "seller-12")
        manager.create_token(sandbox_session.code())
        record = manager.record()
        assert record is not None
        client.refresh_token(record.refresh_token)  # rotated away elsewhere
        stored = json.loads(store.records["seller-12"])
        stored["expires_at_ms"] = 1_000  # as if a week had passed
        store.records["seller-12"] = json.dumps(stored)
        with pytest.raises(iop.ReauthorizationRequiredError, match="seller-12"):
            manager.access_token()
        dead = manager.record()
        assert dead is not None and dead.reauthorization_required
        with pytest.raises(iop.ReauthorizationRequiredError):
            manager.access_token()  # recorded once, never sent again
        assert store.calls["lock"] == store.calls["unlock"]


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


# --- arguments and lifetimes --------------------------------------------------------------------


def test_arguments_and_closed_manager(sandbox_session: Sandbox) -> None:
    with client_for(sandbox_session) as client, iop.MemoryTokenStore() as store:
        with pytest.raises(TypeError):
            iop.TokenManager("client", store, "a")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            iop.TokenManager(client, object(), "a")  # type: ignore[arg-type]
        with pytest.raises(iop.InvalidArgumentError):
            iop.TokenManager(client, store, "")
        with pytest.raises(ValueError):
            iop.TokenManager(client, store, "a", refresh_margin=-5)
        with pytest.raises(TypeError):
            iop.TokenManager(client, store, "a").store_grant("token")  # type: ignore[arg-type]
        with iop.EnosClient("http://127.0.0.1:1", ENOS_APP_KEY, ENOS_APP_SECRET) as enos:
            with pytest.raises(TypeError, match="for_enos"):
                iop.TokenManager(enos, store, "a")  # type: ignore[arg-type]
        manager = iop.TokenManager(client, store, "a")
        manager.close()
        manager.close()
        assert manager.closed and "closed" in repr(manager)
        with pytest.raises(iop.InvalidArgumentError, match="TokenManager is closed"):
            manager.access_token()
    with pytest.raises(iop.InvalidArgumentError, match="MemoryTokenStore is closed"):
        store.reauthorization_due(0)
    with pytest.raises(iop.InvalidArgumentError):
        iop.TokenManager(client, iop.MemoryTokenStore(), "a")  # the client is closed


# --- EnOS ---------------------------------------------------------------------------------------


def test_enos_manager(sandbox: Sandbox) -> None:
    with iop.EnosClient(sandbox.url, ENOS_APP_KEY, ENOS_APP_SECRET, timeout=10) as enos:
        store = iop.MemoryTokenStore()
        manager = iop.TokenManager.for_enos(enos, store, "enos-app")
        assert manager.record() is None
        first = manager.access_token()  # gets the first token itself
        assert first and manager.access_token() == first == enos.get_token().access_token
        record = manager.record()
        assert record is not None and record.reauthorize_by is None and record.refresh_token == ""
        assert enos.call("GET", "/connect-service/v2.1/devices?action=get", access_token=first).is_success
        with pytest.raises(iop.InvalidArgumentError):
            manager.create_token("code")  # EnOS needs no authorization
        eager = iop.TokenManager.for_enos(enos, store, "enos-app", refresh_margin=timedelta(hours=3))
        renewed = eager.access_token()
        assert renewed != first
        assert enos.call("GET", "/connect-service/v2.1/devices?action=get", access_token=renewed).is_success
        assert store.reauthorization_due(timedelta(days=3650)) == []
        with pytest.raises(TypeError):
            iop.TokenManager.for_enos(object(), store, "x")  # type: ignore[arg-type]


def test_enos_ca_bundle(sandbox_session: Sandbox, tmp_path: Path, fake_server) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(iop.InvalidArgumentError, match="pem_path"):
        iop.EnosClient(sandbox_session.url, ENOS_APP_KEY, ENOS_APP_SECRET, ca_bundle=tmp_path / "missing.pem")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    with iop.EnosClient(sandbox_session.url, ENOS_APP_KEY, ENOS_APP_SECRET, timeout=10) as enos:
        with pytest.raises(iop.InvalidArgumentError, match="ca_bundle"):
            enos.set_ca_bundle(garbage)
            enos.get_token()
    roots = Path("/etc/ssl/certs/ca-certificates.crt")
    pem = roots if roots.is_file() else Path(__import__("ssl").get_default_verify_paths().cafile or "")
    assert pem.is_file(), "a PEM bundle of CA certificates"
    with iop.EnosClient(sandbox_session.url, ENOS_APP_KEY, ENOS_APP_SECRET, timeout=10, ca_bundle=pem) as enos:
        assert enos.get_token().access_token
    # TLS verification stays on: a plain-HTTP server spoken to over https fails the handshake
    plain = fake_server()
    with iop.EnosClient(plain.url.replace("http://", "https://"), ENOS_APP_KEY, ENOS_APP_SECRET, timeout=5,
                        ca_bundle=pem) as tls:
        with pytest.raises(iop.TlsError):
            tls.get_token()
