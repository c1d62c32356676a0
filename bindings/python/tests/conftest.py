"""Fixtures: the iop-sandbox binary (a loopback IOP gateway) and small fake HTTP servers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest

BINDING_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = BINDING_DIR.parents[1]
SANDBOX_BIN = Path(os.environ.get("IOP_SANDBOX") or REPO_ROOT / "target" / "debug" / "iop-sandbox")

APP_KEY = "100001"
APP_SECRET = "sandboxSecret-100001-0123456789abcdef"
APP_KEY_NO_REFRESH = "100002"
APP_SECRET_NO_REFRESH = "sandboxSecret-100002-0123456789abcdef"
FLAVOURS = ("lazada", "tw", "aliexpress")
# The sandbox's default EnOS app; with --doc-samples the EnOS sample's access token is valid.
ENOS_APP_KEY = "5acb82e7-a11e-4300-9164-c8b20b638e8b"
ENOS_APP_SECRET = "sandboxEnosSecret-5acb82e7-0123456789abcdef"
ENOS_SAMPLE_TOKEN = "adsfwerasdfsdfasggaaf"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Sandbox:
    """One iop-sandbox process started with --doc-samples --exit-on-eof."""

    def __init__(self) -> None:
        if not SANDBOX_BIN.is_file():
            pytest.fail(f"sandbox binary missing: {SANDBOX_BIN} (cargo build -p iopkit-sandbox, or set IOP_SANDBOX)")
        self.proc = subprocess.Popen(
            [str(SANDBOX_BIN), "--doc-samples", "--exit-on-eof"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        prefix = "iop-sandbox listening on "
        if not line.startswith(prefix):
            self.close()
            pytest.fail(f"unexpected sandbox banner: {line!r}")
        self.url = line[len(prefix):]

    def base(self, flavour: str = "tw") -> str:
        return f"{self.url}/{flavour}/rest"

    def _post(self, path: str) -> Dict[str, object]:
        req = urllib.request.Request(self.url + path, data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            answer: Dict[str, object] = json.loads(r.read())
            return answer

    def push_register(self, url: str, app_key: str = APP_KEY) -> None:
        self._post("/_sandbox/push/register?" + urllib.parse.urlencode({"url": url, "app_key": app_key}))

    def push_order(self, seller_id: str) -> int:
        """Queues a type-0 push about ``seller_id``; its id."""
        return int(self._post("/_sandbox/push/order?" + urllib.parse.urlencode({"seller_id": seller_id}))["id"])

    def push_bad_signatures(self, count: int) -> None:
        self._post(f"/_sandbox/push/faults?mode=bad-signature&count={count}")

    def push_flush(self) -> None:
        """Delivers every push due now on the virtual clock; returns when done."""
        self._post("/_sandbox/push/flush")

    def push_log(self) -> List[Dict[str, object]]:
        with urllib.request.urlopen(self.url + "/_sandbox/push/log", timeout=10) as r:
            deliveries: List[Dict[str, object]] = json.loads(r.read())["deliveries"]
            return deliveries

    def code(self, client_id: str = APP_KEY) -> str:
        """A fresh one-time authorization code."""
        return str(self._post(f"/_sandbox/code?client_id={client_id}")["code"])

    def advance_clock(self, seconds: int) -> None:
        self._post(f"/_sandbox/clock/advance?seconds={seconds}")

    def arm_fault(self, route: str, mode: str, count: int = 1) -> None:
        """Arms a fault (``throttle;seconds=3`` …) for the next ``count`` requests to ``route``."""
        self._post("/_sandbox/faults?" + urllib.parse.urlencode({"route": route, "mode": mode, "count": count}))

    def follow(self, url: str) -> Tuple[str, Dict[str, List[str]]]:
        """Opens ``url`` (an authorization page) without following its redirect: returns
        (Location, its query)."""
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(url, timeout=10)
        except urllib.error.HTTPError as e:
            assert e.code == 302, e.code
            location = e.headers["Location"]
            return location, urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        raise AssertionError("the page did not redirect")

    def authorize(self, redirect_uri: str, state: str, client_id: str = APP_KEY) -> Tuple[str, Dict[str, List[str]]]:
        """Follows the seller's consent page: returns (Location, its query)."""
        q = urllib.parse.urlencode(
            {"response_type": "code", "force_auth": "true", "redirect_uri": redirect_uri, "client_id": client_id,
             "state": state}
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(f"{self.url}/lazada/oauth/authorize?{q}", timeout=10)
        except urllib.error.HTTPError as e:
            assert e.code == 302, e.code
            location = e.headers["Location"]
            return location, urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        raise AssertionError("authorize did not redirect")

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()  # --exit-on-eof
                self.proc.wait(timeout=5)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture(scope="session")
def sandbox_session() -> Iterator[Sandbox]:
    """One sandbox for the whole run (do not use the doc-sample code/refresh token with it)."""
    s = Sandbox()
    yield s
    s.close()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox per test (~10 ms): the doc-sample code and token work once in each."""
    s = Sandbox()
    yield s
    s.close()


# --- fake HTTP servers -------------------------------------------------------------------------


class FakeServer:
    """A loopback HTTP server answering every request with ``respond(handler)``.

    ``respond`` returns (status, content_type, body bytes), or None to drop the connection
    without answering."""

    def __init__(self, respond: Callable[[BaseHTTPRequestHandler], Optional[Tuple[int, str, bytes]]]) -> None:
        self.requests: List[Dict[str, object]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                outer.requests.append(
                    {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                answer = respond(self)
                if answer is None:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, ctype, payload = answer
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _handle
            do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


OK_BODY = b'{"code":"0","request_id":"fake-request-1","data":{}}'


@pytest.fixture
def fake_server() -> Iterator[Callable[..., FakeServer]]:
    servers: List[FakeServer] = []

    def make(respond: Optional[Callable[[BaseHTTPRequestHandler], Optional[Tuple[int, str, bytes]]]] = None) -> FakeServer:
        s = FakeServer(respond or (lambda h: (200, "application/json", OK_BODY)))
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()


class SilentServer:
    """Accepts connections and never answers (for timeouts)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.conns: List[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.conns.append(conn)  # held open, never read from or answered
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for c in self.conns:
            c.close()
        self.sock.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    s = SilentServer()
    yield s
    s.close()


@pytest.fixture
def closed_port() -> str:
    """A loopback URL on which nothing listens."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


class ConnectProxy:
    """A loopback HTTP CONNECT proxy: counts the tunnels it opens and records each CONNECT
    target and ``Proxy-Authorization`` header; with ``required_auth`` set, refuses other
    credentials with 407."""

    def __init__(self, required_auth: Optional[str] = None) -> None:
        self.required_auth = required_auth
        self.connects: List[Tuple[str, Optional[str]]] = []
        self.tunnels = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            target = lines[0].split(" ")[1] if lines[0].startswith("CONNECT ") else ""
            auth = next((l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("proxy-authorization:")), None)
            self.connects.append((target, auth))
            if self.required_auth is not None and auth != self.required_auth:
                conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
                return
            try:
                upstream = socket.create_connection(tuple(target.rsplit(":", 1)), timeout=10)  # type: ignore[arg-type]
            except OSError:
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            self.tunnels += 1
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            with upstream:
                pump = threading.Thread(target=self._pipe, args=(upstream, conn), daemon=True)
                pump.start()
                self._pipe(conn, upstream)
                pump.join()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def connect_proxy() -> Iterator[Callable[..., ConnectProxy]]:
    proxies: List[ConnectProxy] = []

    def make(required_auth: Optional[str] = None) -> ConnectProxy:
        proxies.append(ConnectProxy(required_auth))
        return proxies[-1]

    yield make
    for p in proxies:
        p.close()
