"""data_manager: the Python half of DataBridge.

Arrow IPC streams between .NET and Python with a pure-Python codec (standard library only; numpy
makes it zero-copy). The Arrow API lives in :mod:`data_manager.arrow`; errors in
:mod:`data_manager.exceptions`.
"""

from __future__ import annotations

from . import arrow
from .arrow import Column, Field, RecordBatch, Schema, StreamReader, StreamWriter
from .exceptions import ArrowFormatError, DataManagerError, ProtocolError, UnsupportedArrowFeature

__version__ = "0.1.0"

__all__ = [
    "arrow",
    "Column",
    "Field",
    "RecordBatch",
    "Schema",
    "StreamReader",
    "StreamWriter",
    "DataManagerError",
    "ArrowFormatError",
    "UnsupportedArrowFeature",
    "ProtocolError",
]
