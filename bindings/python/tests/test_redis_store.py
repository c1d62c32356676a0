"""RedisTokenStore against a real redis-server (Debian's package; scripts/test installs it)
started here on 127.0.0.1 and a free port, and the sandbox. A missing redis-server fails these
tests; it never skips them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

import iopkit as iop
from conftest import APP_KEY, Sandbox, SilentServer

ALWAYS_MS = 8 * 86_400_000  # longer than the sandbox's access-token lifetime: every call refreshes
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def redis_command(port: int, *args: str) -> bytes:
    """Sends one command (RESP) to 127.0.0.1:port and returns the raw reply (small replies)."""
    payload = f"*{len(args)}\r\n".encode() + b"".join(
        f"${len(a.encode())}\r\n".encode() + a.encode() + b"\r\n" for a in args
    )
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(payload)
        s.settimeout(0.2)
        reply = b""
        try:
            while chunk := s.recv(65536):
                reply += chunk
        except socket.timeout:
            pass
        return reply


class RedisServer:
    """A redis-server of our own, killed by close()."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (Debian's redis-server package; scripts/test installs it)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir), "--logfile", ""],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                output = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
                self.close()
                pytest.fail(f"redis-server exited with status {self.proc.returncode}: {output[-2000:]}")
            try:
                if redis_command(self.port, "PING").startswith(b"+PONG"):
                    return
            except OSError:
                pass
            time.sleep(0.02)
        self.close()
        pytest.fail(f"redis-server did not answer PING on 127.0.0.1:{self.port} within 10 s")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.close()


def namespace() -> str:
    return "py-" + uuid.uuid4().hex[:12]


def client_for(sandbox: Sandbox) -> iop.IopClient:
    return iop.IopClient(sandbox.base("lazada"), APP_KEY, "sandboxSecret-100001-0123456789abcdef", timeout=10)


def works(client: iop.IopClient, access_token: str) -> bool:
    response = client.execute(iop.IopRequest("/seller/get"), access_token)
    return response.code == "0" and response.type is None


def test_manager_on_a_redis_store(redis: RedisServer, sandbox_session: Sandbox) -> None:
    ns = namespace()
    with client_for(sandbox_session) as client, iop.RedisTokenStore(redis.url, APP_KEY, namespace=ns) as store:
        assert not store.encrypted and store.namespace == ns and store.app_key == APP_KEY
        manager = iop.TokenManager(client, store, "seller-r1")
        assert manager.load_record() is None
        manager.create_token(sandbox_session.code())
        first = manager.access_token()
        assert manager.access_token() == first and works(client, first)
        # stored in Redis under <namespace>:<app_key>:<account>:record, as JSON without a key
        raw = redis_command(redis.port, "HGETALL", f"{ns}:{APP_KEY}:seller-r1:record")
        assert first.encode() in raw
        # the 8-day margin refreshes on every call, and the new token works
        eager = iop.TokenManager(client, store, "seller-r1", refresh_margin_ms=ALWAYS_MS)
        renewed = eager.access_token()
        assert renewed != first and works(client, renewed)
        record = eager.load_record()
        assert record is not None and record["version"] == 3 and record["access_token"] == renewed
        # another host: its own store client on the same Redis sees the new pair
        with iop.RedisTokenStore(redis.url, APP_KEY, namespace=ns, lease_ms=5000, timeout_ms=2000) as other:
            assert iop.TokenManager(client, other, "seller-r1").access_token() == renewed
            due = other.list_due(10 * 365 * 86_400_000)
        assert [d["account"] for d in due] == ["seller-r1"] and due[0]["reauthorize_by"] > 0
        assert store.list_due(0) == []
        manager.close()
        eager.close()


def test_encrypted_redis_store(redis: RedisServer, sandbox_session: Sandbox) -> None:
    ns = namespace()
    with client_for(sandbox_session) as client:
        store = iop.RedisTokenStore(redis.url, APP_KEY, namespace=ns, encryption_key=KEY, lease_ms=10_000)
        assert store.encrypted
        manager = iop.TokenManager(client, store, "seller-r2", refresh_margin_ms=ALWAYS_MS)
        manager.create_token(sandbox_session.code())
        token = manager.access_token()  # refreshes: a second encrypted write
        assert works(client, token)
        record = manager.load_record()
        assert record is not None and record["version"] == 3 and record["access_token"] == token
        raw = redis_command(redis.port, "HGETALL", f"{ns}:{APP_KEY}:seller-r2:record")
        assert raw.startswith(b"*") and len(raw) > 100
        assert token.encode() not in raw and record["refresh_token"].encode() not in raw  # encrypted at rest
        # a store opened with the same key (bytearray works too) reads it
        same = iop.RedisTokenStore(redis.url, APP_KEY, namespace=ns, encryption_key=bytearray(KEY))
        assert iop.TokenManager(client, same, "seller-r2").access_token() == token
        # another key: the library's error, not garbage and not a crash
        wrong = iop.RedisTokenStore(redis.url, APP_KEY, namespace=ns, encryption_key=OTHER_KEY)
        with pytest.raises(iop.InvalidArgumentError, match="encrypted with another key") as e:
            iop.TokenManager(client, wrong, "seller-r2").access_token()
        assert e.value.status == iop.Status.INVALID_ARGUMENT
        # no key at all
        plain = iop.RedisTokenStore(redis.url, APP_KEY, namespace=ns)
        with pytest.raises(iop.InvalidArgumentError, match="encrypted"):
            iop.TokenManager(client, plain, "seller-r2").load_record()
        for s in (store, same, wrong, plain):
            s.close()


def test_redis_store_arguments() -> None:
    url = "redis://127.0.0.1:1"
    for bad_len in (b"12345", b"", bytes(31), bytes(33)):
        with pytest.raises(iop.InvalidArgumentError, match="key_len"):
            iop.RedisTokenStore(url, APP_KEY, encryption_key=bad_len)
    with pytest.raises(TypeError, match="encryption_key"):
        iop.RedisTokenStore(url, APP_KEY, encryption_key="0" * 32)  # type: ignore[arg-type]
    with pytest.raises(iop.InvalidArgumentError, match="url"):
        iop.RedisTokenStore("redis://127.0.0.1:1\x00", APP_KEY)
    for name in ("lease_ms", "timeout_ms"):
        for bad in (0, -2):
            with pytest.raises(iop.InvalidArgumentError):
                iop.RedisTokenStore(url, APP_KEY, **{name: bad})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        iop.RedisTokenStore(url, APP_KEY, "ns")  # type: ignore[misc]  # keyword-only settings
    with pytest.raises(iop.InvalidArgumentError) as e:
        iop.RedisTokenStore("http://user:pw-py-7@127.0.0.1:1", APP_KEY)
    assert "pw-py-7" not in str(e.value) and "pw-py-7" not in repr(e.value)
    with iop.RedisTokenStore(url, APP_KEY, lease_ms=1, timeout_ms=iop.IOP_USE_DEFAULT) as store:
        assert not store.closed  # the store does not connect until used
    assert store.closed and "closed" in repr(store)
    with pytest.raises(iop.InvalidArgumentError, match="RedisTokenStore is closed"):
        store.list_due(0)


def test_unreachable_redis_hides_the_password(sandbox_session: Sandbox) -> None:
    port = free_port()  # nothing listens there
    url = f"redis://:s3cret-pw@127.0.0.1:{port}"
    store = iop.RedisTokenStore(url, APP_KEY, namespace="py-down", encryption_key=KEY, timeout_ms=2000)
    for shown in (repr(store), str(store)):
        assert "s3cret-pw" not in shown and str(port) not in shown and "redis://" not in shown
        assert "RedisTokenStore" in shown and "encrypted" in shown
    assert "s3cret-pw" not in repr(vars(store))  # the URL is not kept on the object
    with client_for(sandbox_session) as client, iop.TokenManager(client, store, "seller-r3") as manager:
        with pytest.raises(iop.ConnectError) as e:
            manager.access_token()
        for text in (str(e.value), repr(e.value), e.value.message):
            assert "s3cret-pw" not in text
        assert f"token store (redis at 127.0.0.1:{port})" in e.value.message
        with pytest.raises(iop.ConnectError) as e2:
            store.list_due(0)
        assert "s3cret-pw" not in str(e2.value)
    store.close()


def test_redis_timeout_is_applied(sandbox_session: Sandbox, silent_server: SilentServer) -> None:
    # A server that accepts and never answers: the 300 ms timeout, not the 5 s default, ends the call.
    port = silent_server.url.rsplit(":", 1)[1]
    with iop.RedisTokenStore(f"redis://127.0.0.1:{port}", APP_KEY, timeout_ms=300) as store:
        with client_for(sandbox_session) as client, iop.TokenManager(client, store, "seller-r4") as manager:
            started = time.monotonic()
            with pytest.raises(iop.IopError) as e:
                manager.access_token()
            elapsed = time.monotonic() - started
    assert e.value.status in (iop.Status.TIMEOUT, iop.Status.NETWORK), e.value
    assert elapsed < 4, f"took {elapsed:.1f} s: the timeout was not applied"
