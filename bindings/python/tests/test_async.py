"""The ``*_async`` methods: many calls at once on the event loop, a loop that never blocks, and
cancellation that returns at once while the orphaned native call later ends and is freed."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, List, Set

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, ENOS_APP_KEY, ENOS_APP_SECRET, Sandbox


def _slow_request(ms: int) -> iop.IopRequest:
    request = iop.IopRequest("/seller/get")
    request.add_header("X-Sandbox-Fault", f"latency;ms={ms}")
    return request


def test_hundred_concurrent_calls_complete(sandbox_session: Sandbox) -> None:
    async def main(client: iop.IopClient, token: str) -> List[iop.IopResponse]:
        return await asyncio.gather(*(client.execute_async(iop.IopRequest("/seller/get"), token) for _ in range(100)))

    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        token = client.create_token(sandbox_session.code()).access_token
        responses = asyncio.run(main(client, token))
    assert len(responses) == 100 and all(r.is_success and r.http_status == 200 for r in responses)
    assert len({r.request_id for r in responses}) == 100


def test_the_loop_runs_while_a_call_waits(sandbox: Sandbox) -> None:
    async def main(client: iop.IopClient) -> List[str]:
        order: List[str] = []

        async def call() -> None:
            await client.execute_async(_slow_request(1500), "t")
            order.append("call")

        async def tick() -> None:
            for _ in range(5):
                await asyncio.sleep(0.01)
            order.append("ticks")

        await asyncio.gather(call(), tick())
        return order

    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
        assert asyncio.run(main(client)) == ["ticks", "call"]


def test_cancelled_call_returns_at_once_and_the_orphan_is_freed(sandbox: Sandbox, monkeypatch: Any) -> None:
    created: Set[int] = set()
    freed: Set[int] = set()
    execute, free = iop._abi.client_execute, iop._abi.response_free

    entered = threading.Event()

    def counting_execute(*args: Any) -> int:
        entered.set()
        ptr = execute(*args)
        created.add(ptr)
        return ptr

    def counting_free(ptr: Any) -> None:
        freed.add(ptr)
        free(ptr)

    monkeypatch.setattr(iop._abi, "client_execute", counting_execute)
    monkeypatch.setattr(iop._abi, "response_free", counting_free)

    async def main(client: iop.IopClient) -> float:
        task = asyncio.ensure_future(client.execute_async(_slow_request(1000), "t"))
        while not entered.is_set():  # the worker thread has started the native call
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # the request is in the sandbox, which holds it for 1 s
        t0 = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.perf_counter() - t0

    with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
        elapsed = asyncio.run(main(client))
        assert elapsed < 0.05, f"cancellation took {elapsed * 1000:.1f} ms"
        assert not created  # the native call is still running
        deadline = time.monotonic() + 10
        while not (created and created == freed) and time.monotonic() < deadline:
            gc.collect()
            time.sleep(0.02)
    assert len(created) == 1 and created == freed, (created, freed)


def test_close_while_an_async_call_runs_defers_the_free(sandbox: Sandbox, monkeypatch: Any) -> None:
    entered, execute = threading.Event(), iop._abi.client_execute

    def signalling_execute(*args: Any) -> int:
        entered.set()  # inside the call: the client's handle is in use
        return execute(*args)

    monkeypatch.setattr(iop._abi, "client_execute", signalling_execute)

    async def main() -> iop.IopResponse:
        client = iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET)
        task = asyncio.ensure_future(client.execute_async(_slow_request(300), "t"))
        while not entered.is_set():
            await asyncio.sleep(0.01)
        client.close()  # the call in progress keeps the native client until it returns
        assert client.closed
        response = await task
        with pytest.raises(iop.InvalidArgumentError):
            await client.execute_async(iop.IopRequest("/seller/get"), "t")
        return response

    assert asyncio.run(main()).http_status == 200


def test_token_helpers_manager_and_enos_async(sandbox: Sandbox) -> None:
    async def main() -> None:
        with iop.IopClient(sandbox.base("lazada"), APP_KEY, APP_SECRET) as client:
            token = await client.create_token_async(sandbox.code())
            refreshed = await client.refresh_token_async(token.refresh_token)
            assert refreshed.access_token and refreshed.access_token != token.access_token
            with pytest.raises(iop.PlatformError):
                await client.refresh_token_async(token.refresh_token)  # rotated: dead now
            with iop.MemoryTokenStore() as store, iop.TokenManager(client, store, "seller-1") as manager:
                with pytest.raises(iop.ReauthorizationRequiredError):
                    await manager.access_token_async()
                await manager.create_token_async(sandbox.code())
                first = await manager.get_access_token_async()
                assert first == await manager.access_token_async()
                response = await client.execute_async(iop.IopRequest("/seller/get"), first)
                assert response.is_success
        with iop.EnosClient(sandbox.url, ENOS_APP_KEY, ENOS_APP_SECRET, timeout=10) as enos:
            enos_token = await enos.get_token_async()
            again = await enos.refresh_token_async(enos_token.access_token)
            assert again.access_token
            answer = await enos.call_async("GET", "/connect-service/v2.1/devices?orgId=o1&action=get",
                                           access_token=again.access_token)
            assert answer.http_status == 200

    asyncio.run(main())


def test_set_executor_runs_calls_on_the_given_executor(sandbox_session: Sandbox) -> None:
    names: List[str] = []
    execute = iop.IopClient.execute

    async def main(client: iop.IopClient) -> iop.IopResponse:
        return await client.execute_async(iop.IopRequest("/seller/get"), "t")

    with ThreadPoolExecutor(2, thread_name_prefix="mine") as pool, \
            iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        def spy(*args: Any) -> iop.IopResponse:
            names.append(threading.current_thread().name)
            return execute(client, *args)

        client.execute = spy  # type: ignore[method-assign]
        iop.set_executor(pool)
        try:
            asyncio.run(main(client))
        finally:
            iop.set_executor(None)
        asyncio.run(main(client))
    assert names[0].startswith("mine") and names[1].startswith("iopkit-async")
