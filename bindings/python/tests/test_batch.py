"""IopClient.execute_batch against the sandbox, the pool settings, and lazily read responses."""

from __future__ import annotations

import copy
import gc
import pickle

import pytest

import iopkit as iop
from conftest import APP_KEY, APP_SECRET, Sandbox
from test_stress import records_not_kept, rss_bytes


def _request(n: int, fault: str = "") -> iop.IopRequest:
    request = iop.IopRequest("/seller/get")
    request.add_api_param("n", n)
    if fault:
        request.add_header("X-Sandbox-Fault", fault)
    return request


@pytest.fixture(scope="module")
def lazada(sandbox_session: Sandbox):  # type: ignore[no-untyped-def]
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        yield client, client.create_token(sandbox_session.code()).access_token


def test_outcomes_come_back_in_input_order(lazada) -> None:  # type: ignore[no-untyped-def]
    client, token = lazada
    requests = [_request(0), (_request(1), "bad-token"), _request(2, "http-502"), _request(3), _request(4)]
    outcomes = client.execute_batch(requests, token, concurrency=3)
    assert len(outcomes) == 5
    for i in (0, 3, 4):
        response = outcomes[i]
        assert isinstance(response, iop.IopResponse) and response.is_success and response.code == "0", i
    platform = outcomes[1]
    assert isinstance(platform, iop.IopResponse) and not platform.is_success
    assert (platform.code, platform.type) == ("IllegalAccessToken", "ISV") and platform.body["code"] == platform.code
    failure = outcomes[2]
    assert isinstance(failure, iop.HttpError) and failure.status == iop.Status.HTTP and failure.http_status == 502
    assert failure.__traceback__ is None
    # the same as one execute each
    assert client.execute(_request(5), "bad-token").code == "IllegalAccessToken"
    with pytest.raises(iop.HttpError):
        client.execute(_request(6, "http-502"), token)


def test_per_request_tokens_replace_the_batch_token(lazada) -> None:  # type: ignore[no-untyped-def]
    client, token = lazada
    outcomes = client.execute_batch([(_request(0), token), _request(1), (_request(2), None), (_request(3), token)],
                                    access_token="bad-token", protocol="GOP")
    codes = [o.code for o in outcomes if isinstance(o, iop.IopResponse)]
    assert codes == ["0", "IllegalAccessToken", "MissingParameter", "0"]  # (request, None): no token at all
    assert client.execute_batch([]) == []


def test_hundreds_of_calls_at_concurrency_16(lazada) -> None:  # type: ignore[no-untyped-def]
    client, token = lazada
    requests = [_request(i) for i in range(240)]
    outcomes = client.execute_batch(requests, token, concurrency=16)
    assert [o.code for o in outcomes if isinstance(o, iop.IopResponse)] == ["0"] * 240
    shared = _request(7)  # one request may appear many times
    outcomes = client.execute_batch([shared] * 200, token, concurrency=iop.IOP_MAX_BATCH_CONCURRENCY)
    assert all(isinstance(o, iop.IopResponse) and o.is_success for o in outcomes) and len(outcomes) == 200


def test_invalid_batch_arguments_raise(lazada) -> None:  # type: ignore[no-untyped-def]
    client, token = lazada
    for bad in (0, iop.IOP_MAX_BATCH_CONCURRENCY + 1, -2):
        with pytest.raises(iop.InvalidArgumentError, match="concurrency") as info:
            client.execute_batch([_request(0)], token, concurrency=bad)
        assert info.value.status == iop.Status.INVALID_ARGUMENT
    with pytest.raises(TypeError):
        client.execute_batch([_request(0), "not a request"], token)  # type: ignore[list-item]
    closed = _request(1)
    closed.close()
    with pytest.raises(iop.InvalidArgumentError, match="closed"):
        client.execute_batch([_request(0), closed], token)
    with pytest.raises(ValueError):
        client.execute_batch([_request(0)], token, protocol="SOAP")
    with iop.IopClient(client.server_url, APP_KEY, APP_SECRET) as other:
        other.close()
        with pytest.raises(iop.InvalidArgumentError, match="IopClient is closed"):
            other.execute_batch([_request(0)], token)


def test_pool_settings_pass_through(sandbox_session: Sandbox) -> None:
    url = sandbox_session.base("lazada")
    limit = iop.IOP_MAX_IDLE_CONNECTIONS_LIMIT
    for good in (-1, 0, 32, limit):
        with iop.IopClient(url, APP_KEY, APP_SECRET, max_idle_connections=good, idle_timeout_ms=1_000) as client:
            client.configure(max_idle_connections=good, idle_timeout_ms=iop.IOP_USE_DEFAULT)
            assert client.execute(_request(0), "bad-token").code == "IllegalAccessToken"
    for bad in (-2, limit + 1):
        with pytest.raises(iop.InvalidArgumentError, match="connections"):
            iop.IopClient(url, APP_KEY, APP_SECRET, max_idle_connections=bad)
    with iop.EnosClient(sandbox_session.url, "k", "s", max_idle_connections=0, idle_timeout_ms=1) as enos:
        for bad_ms in (0, -2):
            with pytest.raises(iop.InvalidArgumentError, match="timeout_ms"):
                enos.configure(idle_timeout_ms=bad_ms)
        assert enos.settings == {"max_idle_connections": 0, "idle_timeout_ms": 1}  # unchanged on error
    assert iop.IOP_DEFAULT_MAX_IDLE_CONNECTIONS == 32


def test_responses_are_read_lazily_and_outlive_their_client(sandbox_session: Sandbox) -> None:
    with iop.IopClient(sandbox_session.base("lazada"), APP_KEY, APP_SECRET) as client:
        response = client.execute(_request(0), "bad-token")
        batch = client.execute_batch([_request(1)], "bad-token")
    assert "code" not in response.__dict__ and "body" not in response.__dict__  # nothing read yet
    assert response.code == "IllegalAccessToken" and "code" in response.__dict__ and "body" not in response.__dict__
    for again in (pickle.loads(pickle.dumps(response)), copy.copy(response), copy.deepcopy(response)):
        assert "_ptr" not in again.__dict__  # a detached copy: it never frees the native response
        assert (again.code, again.raw, again.body, again.http_status) == (
            response.code, response.raw, response.body, response.http_status)
    del response
    gc.collect()
    assert isinstance(batch[0], iop.IopResponse) and batch[0].code == "IllegalAccessToken"
    with pytest.raises(AttributeError):
        batch[0].no_such_field  # noqa: B018


def test_batches_free_their_native_outcomes(lazada) -> None:  # type: ignore[no-untyped-def]
    client, token = lazada

    def one(i: int) -> None:
        requests = [_request(i), (_request(i), "bad-token"), _request(i, "http-502"), _request(i)]
        outcomes = client.execute_batch(requests, token, concurrency=4)
        assert isinstance(outcomes[2], iop.HttpError) and outcomes[1].code == "IllegalAccessToken"  # type: ignore[union-attr]
        if i % 2:
            outcomes[0].raw  # noqa: B018  (read some, leave the others unread)

    with records_not_kept():
        for i in range(300):
            one(i)
        gc.collect()
        before = rss_bytes()
        for i in range(2_000):
            one(i)
        gc.collect()
        grown = rss_bytes() - before
    print(f"RSS growth over 2,000 batches: {grown / 1024:.0f} KiB")
    assert grown < 4 * 1024 * 1024, f"RSS grew by {grown / 1024:.0f} KiB over 2,000 batches"
