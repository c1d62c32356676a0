"""The seller's authorization page: its URL, and the ``state`` that protects the redirect::

    state = iopkit.new_state()                      # keep it server side
    url = iopkit.authorize_url(iopkit.Platform.LAZADA, app_key, "https://example.com/cb",
                               country="sg", state=state)
    ...                                             # the seller comes back with code and state
    if not iopkit.verify_state(state, received_state):
        raise PermissionError("not our authorization")
"""

from __future__ import annotations

from typing import Optional, Union

from . import _abi
from ._abi import InvalidArgumentError, Platform
from .client import _enum_arg


def authorize_url(
    platform: Union[Platform, str], client_id: str, redirect_uri: str, country: Optional[str] = None,
    state: Optional[str] = None, *, base_url: Optional[str] = None,
) -> str:
    """The URL of ``platform``'s authorization page (``iop_authorize_build_url``) for app
    ``client_id``, redirecting to ``redirect_uri``. ``country`` (Lazada only) and ``state`` (from
    :func:`new_state`) may be ``None``; ``base_url`` replaces the platform's page."""
    p = _enum_arg(platform, Platform, "platform")
    return _abi.authorize_build_url(int(p), base_url, client_id, redirect_uri, country, state)


def new_state() -> str:
    """A fresh random ``state`` (``iop_authorize_new_state``): keep it server side and check the
    redirect's with :func:`verify_state`."""
    return _abi.authorize_new_state()


def verify_state(expected: Optional[str], received: Optional[str]) -> bool:
    """Whether the ``state`` received with the redirect is the one sent (constant time).
    ``False`` when either is ``None``, ``expected`` is empty, or a value could not be a state."""
    try:
        return _abi.authorize_verify_state(expected, received)
    except InvalidArgumentError:  # a NUL character
        return False
