"""Optional dependencies, imported lazily.

numpy is used when importable unless ``DATA_MANAGER_NO_NUMPY=1`` is set, in which case the package
behaves exactly as if numpy were not installed (the test suite runs a second time that way).
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

LITTLE_ENDIAN_HOST = sys.byteorder == "little"

_UNSET = object()
_numpy: Any = _UNSET


def numpy_disabled() -> bool:
    """True when ``DATA_MANAGER_NO_NUMPY`` asks to ignore numpy."""
    return os.environ.get("DATA_MANAGER_NO_NUMPY", "").strip() not in ("", "0", "false", "False")


def numpy_or_none() -> Optional[Any]:
    """The numpy module, or None when it is absent or disabled."""
    global _numpy
    if _numpy is _UNSET:
        if numpy_disabled():
            _numpy = None
        else:
            try:
                import numpy

                _numpy = numpy
            except ImportError:
                _numpy = None
    return _numpy


def require_numpy(what: str) -> Any:
    """The numpy module; ImportError naming ``what`` when it is unavailable."""
    np = numpy_or_none()
    if np is None:
        reason = "disabled by DATA_MANAGER_NO_NUMPY" if numpy_disabled() else "not installed"
        raise ImportError(f"{what} needs numpy, which is {reason}")
    return np
