"""An installed-wheel consumer: creates a token from IOP_CODE, refreshes it, calls /seller/get.

IOP_GATEWAY, IOP_APP_KEY, IOP_APP_SECRET and IOP_CODE come from the environment (the sandbox).
Prints "round trip ok" when all three succeed; never prints a token.
"""

import os
import sys

import iopkit

env = os.environ
site = sys.argv[1]
print("iopkit", iopkit.library_version, "from", iopkit.library_path)
assert iopkit.library_path.startswith(site), f"library not loaded from the installed package: {iopkit.library_path}"
with iopkit.IopClient(env["IOP_GATEWAY"], env["IOP_APP_KEY"], env["IOP_APP_SECRET"]) as client:
    token = client.create_token(env["IOP_CODE"])
    refreshed = client.refresh_token(token.refresh_token)
    assert refreshed.refresh_token != token.refresh_token, "the refresh token did not rotate"
    response = client.execute(iopkit.IopRequest("/seller/get"), refreshed.access_token)
    assert response.is_success, f"/seller/get: {response.code} {response.message}"
    print("token created, refreshed (rotated), /seller/get HTTP", response.http_status)
print("round trip ok")
