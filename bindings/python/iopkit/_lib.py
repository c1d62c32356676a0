"""Loading libiop and declaring its C ABI (``include/iop.h``) for ctypes.

Nothing here writes to disk. The library is looked up, in order, at:

1. the path in the ``IOPKIT_LIB`` environment variable (no fallback if it is set but fails);
2. ``iopkit/_native/libiop.so`` bundled in the package (wheels carry it there);
3. ``ctypes.util.find_library("iop")``, then ``libiop.so.0`` on the loader's search path.

Every function gets ``restype`` and ``argtypes``: handles are ``c_void_p``; borrowed
``const char *`` results are ``c_char_p`` (ctypes copies them into ``bytes``); owned ``char *``
results come back through ``c_void_p`` out-parameters, are copied, then released with
``iop_string_free`` exactly once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import CFUNCTYPE, POINTER, c_bool, c_char_p, c_int32, c_int64, c_size_t, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

#: The ``major.minor`` of the C ABI this binding was written for (``IOP_VERSION_MAJOR/MINOR``).
EXPECTED_ABI = (0, 1)

_LIB_NAMES = ("libiop.so",)
_c_void_p_p = POINTER(c_void_p)
_c_int64_p = POINTER(c_int64)

# The callbacks of an application-provided token store (``IopTokenStoreCallbacks``). Strings
# arrive as bytes (``c_char_p``); ``IopTokenStoreValue *`` as an int (``c_void_p``).
TokenStoreLoad = CFUNCTYPE(c_int32, c_void_p, c_char_p, c_void_p)
TokenStoreCompareAndSwap = CFUNCTYPE(c_int32, c_void_p, c_char_p, c_uint64, c_char_p)
TokenStoreLock = CFUNCTYPE(c_int32, c_void_p, c_char_p, c_uint64)
TokenStoreUnlock = CFUNCTYPE(None, c_void_p, c_char_p)
TokenStoreAccounts = CFUNCTYPE(c_int32, c_void_p, c_void_p)


class IopTokenStoreCallbacks(ctypes.Structure):
    """``IopTokenStoreCallbacks``; ``accounts`` may stay NULL. libiop copies the struct, but
    the function objects must outlive every store and manager using them."""

    _fields_ = [
        ("user_data", c_void_p),
        ("load", TokenStoreLoad),
        ("compare_and_swap", TokenStoreCompareAndSwap),
        ("lock", TokenStoreLock),
        ("unlock", TokenStoreUnlock),
        ("accounts", TokenStoreAccounts),
    ]


# name: (restype, argtypes)
_PROTOTYPES = {
    # client
    "iop_client_new": (c_int32, [c_char_p, c_char_p, c_char_p, _c_void_p_p]),
    "iop_client_free": (None, [c_void_p]),
    "iop_client_set_connect_timeout_ms": (c_int32, [c_void_p, c_uint64]),
    "iop_client_set_read_timeout_ms": (c_int32, [c_void_p, c_uint64]),
    "iop_client_set_partner_id": (c_int32, [c_void_p, c_char_p]),
    "iop_client_set_ca_bundle": (c_int32, [c_void_p, c_char_p]),
    "iop_client_set_allow_insecure_http": (c_int32, [c_void_p, c_bool]),
    "iop_client_set_max_response_bytes": (c_int32, [c_void_p, c_uint64]),
    "iop_client_set_max_connect_retries": (c_int32, [c_void_p, c_uint32]),
    "iop_client_execute": (c_int32, [c_void_p, c_void_p, c_char_p, c_int32, _c_void_p_p]),
    "iop_client_sign": (c_int32, [c_void_p, c_void_p, c_char_p, c_int32, c_int64, _c_void_p_p, _c_void_p_p]),
    # last error (borrowed strings)
    "iop_last_error_status": (c_int32, []),
    "iop_last_error_message": (c_char_p, []),
    "iop_last_error_code": (c_char_p, []),
    "iop_last_error_type": (c_char_p, []),
    "iop_last_error_sub_code": (c_char_p, []),
    "iop_last_error_request_id": (c_char_p, []),
    "iop_last_error_http_status": (c_int32, []),
    "iop_last_error_retry_after_ms": (c_int64, []),
    # request
    "iop_request_new": (c_int32, [c_char_p, _c_void_p_p]),
    "iop_request_free": (None, [c_void_p]),
    "iop_request_set_api_name": (c_int32, [c_void_p, c_char_p]),
    "iop_request_add_param": (c_int32, [c_void_p, c_char_p, c_char_p]),
    "iop_request_add_file": (c_int32, [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_size_t]),
    "iop_request_add_header": (c_int32, [c_void_p, c_char_p, c_char_p]),
    "iop_request_set_http_method": (c_int32, [c_void_p, c_int32]),
    # response (borrowed strings; the body is read by pointer + length)
    "iop_response_free": (None, [c_void_p]),
    "iop_response_body": (c_void_p, [c_void_p]),
    "iop_response_body_len": (c_size_t, [c_void_p]),
    "iop_response_http_status": (c_int32, [c_void_p]),
    "iop_response_is_success": (c_bool, [c_void_p]),
    "iop_response_type": (c_char_p, [c_void_p]),
    "iop_response_code": (c_char_p, [c_void_p]),
    "iop_response_message": (c_char_p, [c_void_p]),
    "iop_response_sub_code": (c_char_p, [c_void_p]),
    "iop_response_sub_message": (c_char_p, [c_void_p]),
    "iop_response_request_id": (c_char_p, [c_void_p]),
    "iop_response_retry_after_ms": (c_int64, [c_void_p]),
    # strings
    "iop_string_free": (None, [c_void_p]),
    # token
    "iop_token_create": (c_int32, [c_void_p, c_char_p, _c_void_p_p]),
    "iop_token_refresh": (c_int32, [c_void_p, c_char_p, _c_void_p_p]),
    "iop_token_parse": (c_int32, [c_char_p, c_int64, _c_void_p_p]),
    "iop_token_free": (None, [c_void_p]),
    "iop_token_to_json": (c_int32, [c_void_p, _c_void_p_p]),
    "iop_token_expires_at_ms": (c_int64, [c_void_p]),
    "iop_token_refresh_expires_at_ms": (c_int64, [c_void_p]),
    "iop_token_can_refresh": (c_bool, [c_void_p]),
    "iop_token_country_count": (c_size_t, [c_void_p]),
    "iop_token_country_code": (c_char_p, [c_void_p, c_size_t]),
    "iop_token_country_user_id": (c_char_p, [c_void_p, c_size_t]),
    "iop_token_country_seller_id": (c_char_p, [c_void_p, c_size_t]),
    "iop_token_country_short_code": (c_char_p, [c_void_p, c_size_t]),
    # EnOS (bodies are passed as bytes through c_char_p with an explicit length)
    "iop_enos_client_new": (c_int32, [c_char_p, c_char_p, c_char_p, _c_void_p_p]),
    "iop_enos_client_free": (None, [c_void_p]),
    "iop_enos_client_set_connect_timeout_ms": (c_int32, [c_void_p, c_uint64]),
    "iop_enos_client_set_read_timeout_ms": (c_int32, [c_void_p, c_uint64]),
    "iop_enos_token_get": (c_int32, [c_void_p, _c_void_p_p]),
    "iop_enos_token_refresh": (c_int32, [c_void_p, c_char_p, _c_void_p_p]),
    "iop_enos_token_free": (None, [c_void_p]),
    "iop_enos_token_access_token": (c_char_p, [c_void_p]),
    "iop_enos_token_expires_at_ms": (c_int64, [c_void_p]),
    "iop_enos_sign": (
        c_int32, [c_void_p, c_char_p, c_char_p, c_char_p, c_size_t, c_int64, _c_int64_p, _c_void_p_p]
    ),
    "iop_enos_call": (c_int32, [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_size_t, _c_void_p_p]),
    "iop_enos_client_set_ca_bundle": (c_int32, [c_void_p, c_char_p]),
    # token stores and managers
    "iop_token_store_memory_new": (c_int32, [_c_void_p_p]),
    "iop_token_store_file_new": (c_int32, [c_char_p, _c_void_p_p]),
    "iop_token_store_callback_new": (c_int32, [POINTER(IopTokenStoreCallbacks), _c_void_p_p]),
    "iop_token_store_free": (None, [c_void_p]),
    "iop_token_store_value_set": (c_int32, [c_void_p, c_char_p]),
    "iop_token_store_due_json": (c_int32, [c_void_p, c_int64, _c_void_p_p]),
    "iop_token_manager_new": (c_int32, [c_void_p, c_void_p, c_char_p, c_int64, _c_void_p_p]),
    "iop_token_manager_new_enos": (c_int32, [c_void_p, c_void_p, c_char_p, c_int64, _c_void_p_p]),
    "iop_token_manager_free": (None, [c_void_p]),
    "iop_token_manager_create_token": (c_int32, [c_void_p, c_char_p]),
    "iop_token_manager_store_grant": (c_int32, [c_void_p, c_void_p]),
    "iop_token_manager_access_token": (c_int32, [c_void_p, _c_void_p_p]),
    "iop_token_manager_record_json": (c_int32, [c_void_p, _c_void_p_p]),
    # authorization page
    "iop_authorize_url": (c_int32, [c_int32, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, _c_void_p_p]),
    "iop_state_new": (c_int32, [_c_void_p_p]),
    "iop_state_verify": (c_bool, [c_char_p, c_char_p]),
    # version
    "iop_version": (c_char_p, []),
    "iop_status_name": (c_char_p, [c_int32]),
}

# Used when present: exported by libiop 0.1.0 but not (yet) declared in include/iop.h, or
# compiled only with a cargo feature (``redis-store``, on by default).
_OPTIONAL_PROTOTYPES: Dict[str, Tuple[Any, List[Any]]] = {
    "iop_token_raw_json": (c_char_p, [c_void_p]),
    "iop_token_store_redis_new": (
        c_int32, [c_char_p, c_char_p, c_char_p, c_char_p, c_size_t, c_uint64, c_uint64, _c_void_p_p]
    ),
}


def _candidates() -> List[Tuple[str, str]]:
    """(how it was found, path or name) pairs to try, in order."""
    env = os.environ.get("IOPKIT_LIB")
    if env:
        return [("IOPKIT_LIB", env)]
    out: List[Tuple[str, str]] = []
    here = Path(__file__).resolve().parent / "_native"
    for name in _LIB_NAMES:
        p = here / name
        if p.is_file():
            out.append(("bundled", str(p)))
    found = ctypes.util.find_library("iop")
    if found:
        out.append(("find_library", found))
    out.append(("loader", "libiop.so.0"))
    return out


def _load() -> Tuple[ctypes.CDLL, str]:
    errors = []
    for how, where in _candidates():
        try:
            return ctypes.CDLL(where), where
        except OSError as e:
            errors.append(f"{how} {where!r}: {e}")
    raise ImportError(
        "iopkit: cannot load the native library libiop ("
        + "; ".join(errors)
        + "). Build it with `cargo build -p iopkit` and copy target/*/libiop.so to "
        "iopkit/_native/ (bindings/python/build_native.sh), or set IOPKIT_LIB to its path."
    )


def _declare(lib: ctypes.CDLL, where: str) -> None:
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise ImportError(f"iopkit: {where} does not export {name}; it is not a compatible libiop") from None
        fn.restype = restype
        fn.argtypes = argtypes
    for name, (restype, argtypes) in _OPTIONAL_PROTOTYPES.items():
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = restype
            fn.argtypes = argtypes


def _check_version(lib: ctypes.CDLL, where: str) -> str:
    raw = lib.iop_version()
    version = raw.decode("utf-8", "replace") if raw else "?"
    parts = version.split(".")
    try:
        major_minor = (int(parts[0]), int(parts[1]))
    except (IndexError, ValueError):
        major_minor = None
    if major_minor != EXPECTED_ABI:
        raise ImportError(
            f"iopkit: {where} is libiop {version}, but this binding needs "
            f"{EXPECTED_ABI[0]}.{EXPECTED_ABI[1]}.x; install matching versions"
        )
    return version


lib, library_path = _load()
_declare(lib, library_path)
#: Version string of the loaded libiop, e.g. ``"0.1.0"``.
library_version = _check_version(lib, library_path)
has_raw_json = getattr(lib, "iop_token_raw_json", None) is not None
#: Whether the loaded libiop has the Redis token store (the ``redis-store`` cargo feature).
has_redis_store = getattr(lib, "iop_token_store_redis_new", None) is not None


def take_owned_string(ptr: Optional[int]) -> Optional[str]:
    """Copies an owned ``char *`` (as an int from a ``c_void_p``) and frees it exactly once."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib.iop_string_free(ptr)


def text(raw: Optional[bytes]) -> Optional[str]:
    """Decodes a borrowed ``const char *`` (already copied into bytes by ctypes)."""
    return None if raw is None else raw.decode("utf-8", "replace")
