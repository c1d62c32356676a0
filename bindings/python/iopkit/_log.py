"""libiop's event stream routed to :mod:`logging`: the logger ``"iopkit"``.

Each native event becomes one record of that logger: its message is the event's English line,
``record.event`` its stable name (``"call.end"``), ``record.fields`` its fields (a dict), and
each field is also an attribute of the record (``record.api``, ``record.http_status``…) unless
:class:`logging.LogRecord` already has one of that name (``name``: read ``record.fields``).
Events never carry a secret, token, code, signature, query string or body.

The native level follows the logger's effective level, re-read before each client call, so that
nothing is formatted for a level no handler wants. The logger has a :class:`logging.NullHandler`:
records go where the application's logging configuration sends them, and nowhere by default.
"""

from __future__ import annotations

import atexit
import json
import logging
from typing import Any, Dict, Optional, Union

from . import _abi
from ._abi import LogLevel

#: The logger every event goes to.
LOGGER = logging.getLogger("iopkit")
LOGGER.addHandler(logging.NullHandler())

#: The :mod:`logging` level of each native level (TRACE is below DEBUG).
_PY_LEVEL: Dict[int, int] = {
    LogLevel.ERROR: logging.ERROR,
    LogLevel.WARN: logging.WARNING,
    LogLevel.INFO: logging.INFO,
    LogLevel.DEBUG: logging.DEBUG,
    LogLevel.TRACE: logging.DEBUG - 5,
}
#: Native levels from the finest to the coarsest.
_FINEST_FIRST = sorted(_PY_LEVEL, reverse=True)
#: Attribute names a record already has: fields with these names stay only in ``record.fields``.
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "event", "fields"}


def _text(raw: Optional[bytes]) -> str:
    return raw.decode("utf-8", "replace") if raw else ""


def _deliver(user_data: Any, level: int, event: Optional[bytes], message: Optional[bytes],
             fields_json: Optional[bytes]) -> None:
    """The native callback: on the thread doing the work; must never raise into the library."""
    try:
        py_level = _PY_LEVEL.get(level, logging.DEBUG)
        if not LOGGER.isEnabledFor(py_level):
            return
        fields: Dict[str, Any] = json.loads(fields_json) if fields_json else {}
        extra = {key: value for key, value in fields.items() if key not in _RESERVED}
        extra.update(event=_text(event), fields=fields)
        LOGGER.log(py_level, _text(message), extra=extra)
    except Exception:  # a failing handler or filter: logging's own policy has already reported it
        pass


_CALLBACK = _abi.IopLogCallback(_deliver)  # kept alive for as long as the library may call it
_native_level: Optional[int] = None


def native_level() -> LogLevel:
    """The finest native level the ``"iopkit"`` logger currently lets through."""
    if not LOGGER.disabled:
        for level in _FINEST_FIRST:
            if LOGGER.isEnabledFor(_PY_LEVEL[level]):
                return LogLevel(level)
    return LogLevel.OFF


def sync_level() -> None:
    """Makes the native level follow the logger's (cheap when unchanged)."""
    global _native_level
    level = native_level()
    if level != _native_level:
        _native_level = level
        _abi.log_set_level(level)


#: The official SDK's ``log_level`` names and the :mod:`logging` levels they select.
_SDK_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "ERROR": logging.ERROR}


def set_level(level: Union[str, int]) -> None:
    """Sets the ``"iopkit"`` logger's level: a :mod:`logging` level or name, or the official
    SDK's ``P_LOG_LEVEL_*`` names; the native level follows at once."""
    if isinstance(level, str):
        name = level.strip().upper()
        resolved = _SDK_LEVELS.get(name, logging.getLevelName(name))
        if not isinstance(resolved, int):
            raise ValueError(f"unknown log level {level!r}")
        level = resolved
    LOGGER.setLevel(level)
    sync_level()


def level_name() -> str:
    """The name of the ``"iopkit"`` logger's effective level (``"WARNING"``…)."""
    return logging.getLevelName(LOGGER.getEffectiveLevel())


def _install() -> None:
    global _native_level
    _native_level = native_level()
    _abi.log_set_callback(_CALLBACK, None, _native_level)


def _uninstall() -> None:
    # At exit the interpreter goes away while library threads may still log: detach first.
    _abi.log_set_callback(None, None, LogLevel.OFF)


_install()
atexit.register(_uninstall)
