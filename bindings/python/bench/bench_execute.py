"""Benchmark of the Python binding: ``IopClient.execute`` against the canned-response server.

Run by ``scripts/bench``: ``python3 bench_execute.py OUT`` with ``IOP_BENCH_URL`` (the server's
``http://127.0.0.1:PORT/rest``) and ``IOPKIT_LIB`` (the release libiop.so) set, and the binding
importable (``PYTHONPATH=bindings/python``). A warmed-up timing loop: ``IOP_BENCH_WARMUP_MS`` of
calls (default 1000), then ``IOP_BENCH_SAMPLES`` samples (30) of ``IOP_BENCH_CALLS`` calls (400);
writes one sample (µs per call) a line to OUT. The workload is bench/src/workload.rs's.
"""

from __future__ import annotations

import os
import sys
import time

import iopkit

APP_KEY = "100001"
APP_SECRET = "benchSecret-100001-0123456789abcdef"
API = "/auth/token/create"
CODE = "0_100001_bench_code_4fQjXa9kD2LrTzWc"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: bench_execute.py OUT", file=sys.stderr)
        return 2
    url = os.environ["IOP_BENCH_URL"]
    warmup_ns = env_int("IOP_BENCH_WARMUP_MS", 1000) * 1_000_000
    samples, calls = env_int("IOP_BENCH_SAMPLES", 30), env_int("IOP_BENCH_CALLS", 400)
    with iopkit.IopClient(url, APP_KEY, APP_SECRET) as client, iopkit.IopRequest(API) as request:
        request.add_api_param("code", CODE)
        execute = client.execute
        response = execute(request)
        if not response.is_success or response.code != "0":
            print(f"the canned server's answer is not a success: {response!r}", file=sys.stderr)
            return 1
        start = time.perf_counter_ns()
        while time.perf_counter_ns() - start < warmup_ns:
            execute(request)
        results = []
        for _ in range(samples):
            start = time.perf_counter_ns()
            for _ in range(calls):
                execute(request)
            results.append((time.perf_counter_ns() - start) / calls / 1000)
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        out.write(f"# Python IopClient.execute ({iopkit.library_path}): {samples} samples of {calls} calls, µs per call\n")
        out.writelines(f"{r:.3f}\n" for r in results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
