"""Threads sharing one client; 50,000-call loops do not grow memory."""

from __future__ import annotations

import gc
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, Sandbox

THREADS = 8
CALLS_PER_THREAD = 100
CALLS = 50_000


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def records_not_kept() -> Iterator[None]:
    """The library's events still become records of the "iopkit" logger (its WARNING events for
    failed calls are on by default), but they do not reach pytest's log capture, which keeps
    every record and would look like a leak."""
    logger = logging.getLogger("iopkit")
    logger.propagate = False
    try:
        yield
    finally:
        logger.propagate = True


def assert_memory_stays_flat(one: Callable[[int], None], what: str) -> None:
    """Runs ``one`` 2,000 times (pools, allocator arenas), then CALLS times: RSS must stay flat."""
    assert os.path.exists("/proc/self/statm"), "the memory checks read /proc"
    with records_not_kept():
        for i in range(2_000):
            one(i)
        gc.collect()
        before = rss_bytes()
        for i in range(CALLS):
            one(i)
        gc.collect()
        grown = rss_bytes() - before
    print(f"RSS growth over {CALLS:,} {what}: {grown / 1024:.0f} KiB")
    assert grown < 4 * 1024 * 1024, f"RSS grew by {grown / 1024:.0f} KiB over {CALLS:,} {what}"


def test_threads_share_one_client(sandbox_session: Sandbox) -> None:
    codes = [sandbox_session.code() for _ in range(THREADS)]
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        shared_request = iop.IopRequest("/seller/get")
        barrier = threading.Barrier(THREADS)

        def work(i: int) -> int:
            token = client.create_token(codes[i])
            barrier.wait()
            ok = 0
            for n in range(CALLS_PER_THREAD):
                if n % 2:
                    response = client.execute(shared_request, token.access_token)
                else:
                    with iop.IopRequest("aliexpress.ds.category.get") as request:
                        request.add_api_param("category_id", "3")
                        response = client.execute(request, token.access_token)
                if n % 25 == 0:
                    client.configure(read_timeout_ms=30_000)  # safe while other threads call
                    with pytest.raises(iop.PlatformError):
                        client.refresh_token("dead-refresh-token")  # last error is per thread
                ok += response.is_success
            return ok

        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(work, range(THREADS)))
        shared_request.close()
    assert results == [CALLS_PER_THREAD] * THREADS


def test_long_loop_does_not_grow_memory(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("tw"), APP_KEY, APP_SECRET) as client:
        token = client.create_token(sandbox_session.code())

        def one(i: int) -> None:
            with iop.IopRequest("/seller/get") as request:
                request.add_api_param("n", i)
                response = client.execute(request, token.access_token if i % 10 else "bad-token")
                assert response.code == ("0" if i % 10 else "IllegalAccessToken")
            if i % 50 == 0:
                try:
                    client.create_token("bad-code")
                except iop.PlatformError as e:
                    assert e.code == "InvalidCode"
                client.sign(iop.IopRequest("/seller/get"), "t", timestamp_ms=1)
                iop.parse_token(token.raw).to_json()

        assert_memory_stays_flat(one, "calls")


def test_native_objects_without_network_do_not_leak() -> None:
    body = '{"code":"0","access_token":"a","refresh_token":"r","expires_in":10,"refresh_expires_in":20}'

    shared = iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET)

    def one(i: int) -> None:
        request = iop.IopRequest("/x")  # left to the finalizer
        request.add_api_param("k", "v" * 100)
        request.add_file_param("f", b"x" * 1000)
        shared.sign(request)
        iop.Token.from_json(iop.parse_token(body).to_json()).close()
        try:
            iop.IopRequest("")
        except iop.InvalidArgumentError:
            pass
        if i % 100 == 0:
            with iop.IopClient("http://127.0.0.1:1/rest", APP_KEY, APP_SECRET, timeout=5) as client:
                client.sign(request)

    assert_memory_stays_flat(one, "iterations")
    shared.close()
