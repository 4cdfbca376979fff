"""The DataManager of the run in progress, so ``import data_manager; data_manager.fetch_once()`` works
inside code run by the worker exactly like the injected ``data_manager`` global."""

from __future__ import annotations

from typing import Any, Optional

from .exceptions import DataManagerError

_current: Optional[Any] = None


def set_current(manager: Optional[Any]) -> None:
    global _current
    _current = manager


def current() -> Any:
    """The DataManager of the current run; ``DataManagerError`` outside a run."""
    if _current is None:
        raise DataManagerError(
            "no DataBridge run is in progress: data_manager.fetch_once()/set_output() work inside code "
            "run by a DataBridge worker; elsewhere, create a DataManager yourself")
    return _current
