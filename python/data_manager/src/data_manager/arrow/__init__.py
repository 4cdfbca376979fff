"""The public Arrow API of data_manager: types, columns, record batches, stream reader and writer.

See :mod:`data_manager._arrow` for the data model. ``python -m data_manager.arrow`` converts between
Arrow IPC streams and canonical JSON.
"""

from __future__ import annotations

from .._arrow import *  # noqa: F401,F403 - the public re-export
from .._arrow import __all__  # noqa: F401
from ..exceptions import ArrowFormatError, UnsupportedArrowFeature  # noqa: F401

__all__ = list(__all__) + ["ArrowFormatError", "UnsupportedArrowFeature"]
