"""Argument conversion shared by the wrappers: checked before anything reaches C."""

from __future__ import annotations

from typing import Any, Optional

from .errors import InvalidArgumentError


def encode(value: Any, name: str) -> bytes:
    """A required ``str`` argument as NUL-terminated-safe UTF-8.

    ``TypeError`` for a non-``str``; :class:`InvalidArgumentError` for text that is not valid
    Unicode (lone surrogates) or contains NUL (C would silently cut it there)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{name} is not valid UTF-8 (it contains a lone surrogate)") from None
    if b"\x00" in data:
        raise InvalidArgumentError(f"{name} contains a NUL character")
    return data


def encode_optional(value: Any, name: str) -> Optional[bytes]:
    """Like :func:`encode`, but ``None`` passes through as ``NULL``."""
    return None if value is None else encode(value, name)


def param_value(value: Any, name: str) -> bytes:
    """A business parameter value: ``str`` as is; ``int``/``float`` as ``str(value)``."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: pass 'true'/'false' as str, not bool (the platform expects text)")
    if isinstance(value, (int, float)):
        value = str(value)
    elif not isinstance(value, str):
        raise TypeError(
            f"{name} must be str, int or float, not {type(value).__name__} (use json.dumps for structures)"
        )
    return encode(value, name)
