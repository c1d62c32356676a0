"""The official documentation's Python snippets, verbatim apart from the import and the URL."""

from __future__ import annotations

import contextlib
import io

import pytest

from conftest import APP_KEY, APP_SECRET, FLAVOURS, Sandbox

# Each snippet is one line in the seeds; here it is split at its statement boundaries, every
# statement's text unchanged (test_snippets_match_the_seeds checks that joining them with a
# space gives the seed's text back).
SNIPPETS = {
    "token_refresh": [
        "client = iop.IopClient(url, appkey ,appSecret)",
        "request = iop.IopRequest('/auth/token/refresh')",
        "request.add_api_param('refresh_token', '50001600212wcwiOabwyjtEH11acc19aBOvQr9ZYkYDlr987D8BB88LIB8bj')",
        "response = client.execute(request)",
        "print(response.type)",
        "print(response.body)",
    ],
    "token_create": [
        "client = iop.IopClient(url, appkey ,appSecret)",
        "request = iop.IopRequest('/auth/token/create')",
        "request.add_api_param('code', '2_2DL4DV3jcU1UOT7WGI1A4rY91')",
        "response = client.execute(request)",
        "print(response.type)",
        "print(response.body)",
    ],
}

def run_snippet(lines: "list[str]", url: str) -> "list[str]":
    source = "\n".join(
        ["import iopkit as iop", f"url = {url!r}", f"appkey = {APP_KEY!r}", f"appSecret = {APP_SECRET!r}", *lines]
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<snippet>", "exec"), {"__name__": "__snippet__"})
    return out.getvalue().splitlines()


def assert_token_printed(printed: "list[str]") -> None:
    assert len(printed) == 2, printed
    response_type, body = printed
    assert response_type in ("None", ""), printed  # success: no error type
    # body is the parsed JSON (a dict, as the official SDK prints it)
    assert body.startswith("{") and "'access_token': '" in body, body
    assert "'code': '0'" in body


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_runs_verbatim_against_tw(name: str, sandbox: Sandbox) -> None:
    assert_token_printed(run_snippet(SNIPPETS[name], sandbox.base("tw")))


@pytest.mark.parametrize("flavour", [f for f in FLAVOURS if f != "tw"] + ["aliexpress-bare-host"])
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_runs_on_other_gateways(name: str, flavour: str, sandbox: Sandbox) -> None:
    url = f"{sandbox.url}/aliexpress" if flavour == "aliexpress-bare-host" else sandbox.base(flavour)
    assert_token_printed(run_snippet(SNIPPETS[name], url))


def test_doc_sample_is_accepted_once(sandbox: Sandbox) -> None:
    url = sandbox.base("tw")
    assert_token_printed(run_snippet(SNIPPETS["token_create"], url))
    printed = run_snippet(SNIPPETS["token_create"], url)
    assert printed[0] == "ISV"  # the platform's error type, as the official SDK prints it
    assert "InvalidCode" in printed[1]
