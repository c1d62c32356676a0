"""Handles, context managers, finalizers, loading and side-effect-free import."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, BINDING_DIR, REPO_ROOT, Sandbox


def test_context_managers_close_handles_and_double_close_is_safe(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        with iop.IopRequest("/seller/get") as request:
            assert not client.closed and not request.closed
            assert client.execute(request, "bad").code == "IllegalAccessToken"
        assert request.closed
        finalizer = client._handle._finalizer
        assert finalizer.alive
    assert client.closed and not finalizer.alive
    client.close()
    client.close()
    request.close()
    assert "closed" in repr(client) and "closed" in repr(request)


def test_closed_objects_raise_clean_errors(sandbox_session: Sandbox) -> None:
    client = iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET)
    request = iop.IopRequest("/seller/get")
    client.close()
    with pytest.raises(iop.InvalidArgumentError, match="IopClient is closed"):
        client.execute(request)
    with pytest.raises(iop.InvalidArgumentError):
        client.create_token("code")
    with pytest.raises(iop.InvalidArgumentError):
        client.refresh_token("token")
    with pytest.raises(iop.InvalidArgumentError):
        client.set_timeout(5)
    with pytest.raises(iop.InvalidArgumentError):
        client.configure(partner_id="p")
    request.close()
    with pytest.raises(iop.InvalidArgumentError, match="IopRequest is closed"):
        request.add_api_param("k", "v")
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as live:
        with pytest.raises(iop.InvalidArgumentError):
            live.execute(request)


def test_finalizer_frees_forgotten_handles() -> None:
    client = iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET)
    request = iop.IopRequest("/seller/get")
    finalizers = [client._handle._finalizer, request._handle._finalizer]
    assert all(f.alive for f in finalizers)
    del client, request
    gc.collect()
    assert not any(f.alive for f in finalizers)


def test_close_while_another_thread_is_calling_defers_the_free(silent_server) -> None:  # type: ignore[no-untyped-def]
    client = iop.IopClient(silent_server.url + "/rest", APP_KEY, APP_SECRET, timeout=0.5)
    request = iop.IopRequest("/seller/get")
    errors = []

    def call() -> None:
        try:
            client.execute(request)
        except iop.IopError as e:
            errors.append(e)

    t = threading.Thread(target=call)
    t.start()
    time.sleep(0.15)
    client.close()  # the call in progress keeps the native client alive
    assert client.closed and client._handle._finalizer.alive
    with pytest.raises(RuntimeError):
        request.add_api_param("k", "v")  # request is being sent by the other thread
    t.join()
    assert len(errors) == 1 and isinstance(errors[0], iop.IopTimeoutError)
    assert not client._handle._finalizer.alive
    request.add_api_param("k", "v")
    request.close()


def _run_python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "IOPKIT_LIB"}
    full_env.update({"PYTHONPATH": str(BINDING_DIR), "HOME": str(cwd), "PYTHONDONTWRITEBYTECODE": "1"})
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=60)


def _tree(root: Path) -> set:
    return {p for p in root.rglob("*") if "__pycache__" not in p.parts}


def test_import_writes_nothing(tmp_path: Path) -> None:
    before = _tree(BINDING_DIR / "iopkit")
    r = _run_python(
        "import iopkit as iop; c = iop.IopClient('http://127.0.0.1:1/rest', '1', 's'); c.close(); print(iop.library_version)",
        tmp_path,
        TMPDIR=str(tmp_path / "tmp"),
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == iop.library_version
    assert list(tmp_path.iterdir()) == []
    assert _tree(BINDING_DIR / "iopkit") == before


def test_iopkit_lib_overrides_the_bundled_library(tmp_path: Path) -> None:
    lib = REPO_ROOT / "target" / "debug" / "libiop.so"
    assert lib.is_file(), "target/debug/libiop.so is built by run-tests.sh"
    r = _run_python("import iopkit; print(iopkit.library_path)", tmp_path, IOPKIT_LIB=str(lib))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(lib)
    r = _run_python("import iopkit", tmp_path, IOPKIT_LIB=str(tmp_path / "nope.so"))
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "IOPKIT_LIB" in r.stderr


def test_version_mismatch_is_an_import_error() -> None:
    from iopkit import _lib

    class Fake:
        def __init__(self, version: bytes) -> None:
            self.version = version

        def iop_version(self) -> bytes:
            return self.version

    assert _lib._check_version(Fake(b"0.2.7"), "x") == "0.2.7"
    for bad in (b"0.1.0", b"1.2.0", b"garbage"):
        with pytest.raises(ImportError, match="needs 0.2"):
            _lib._check_version(Fake(bad), "x")
    assert iop.library_version.split(".")[:2] == ["0", "2"]


def test_public_api_is_typed_and_constants_come_from_the_header() -> None:
    assert (BINDING_DIR / "iopkit" / "py.typed").is_file()
    assert iop.IopClient.execute.__annotations__["return"] in ("IopResponse", iop.IopResponse)
    for name in iop.__all__:
        assert hasattr(iop, name), name
    assert iop.API_GATEWAY_URL_TW == iop.IOP_URL_TAOBAO_TW == "https://api.taobao.tw/rest"
    assert iop.API_AUTHORIZATION_URL == iop.IOP_URL_LAZADA_AUTH and iop.API_GATEWAY_URL_SG == iop.IOP_URL_LAZADA_SG
    header = (REPO_ROOT / "include" / "iop.h").read_text()
    for name in iop.__all__:
        if name.startswith("IOP_"):
            assert f"#define {name} " in header, name
    first_line = (BINDING_DIR / "iopkit" / "_abi.py").read_text().splitlines()[0]
    assert "Generated by iop-abigen" in first_line
