"""data_manager: the Python half of DataBridge.

Arrow IPC streams between .NET and Python with a pure-Python codec (standard library only; numpy
makes it zero-copy). The Arrow API lives in :mod:`data_manager.arrow`; errors in
:mod:`data_manager.exceptions`.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional

from . import arrow
from .arrow import Column, Field, RecordBatch, Schema, StreamReader, StreamWriter
from ._context import current as _current
from ._manager import DataManager, ListSink
from .exceptions import ArrowFormatError, DataManagerError, ProtocolError, UnsupportedArrowFeature

__version__ = "0.1.0"

__all__ = [
    "DataManager",
    "ListSink",
    "fetch_once",
    "fetch_once_as_dataframe",
    "fetch_once_as_rows",
    "fetch_once_as_batch_rows",
    "fetch_once_as_batches",
    "noops_fetch",
    "set_output",
    "build_result",
    "log",
    "conf",
    "data_servers",
    "fetch_model",
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


# Inside code run by a DataBridge worker, ``import data_manager`` gives the same API as the injected
# ``data_manager`` object: these functions act on the run in progress (DataManagerError outside a run).


def fetch_once() -> Iterator[Any]:
    """The run's input, one pandas DataFrame per Arrow batch (record batches without pandas)."""
    return _current().fetch_once()


def fetch_once_as_dataframe() -> Any:
    """The run's input as one pandas DataFrame (a dict of column lists without pandas)."""
    return _current().fetch_once_as_dataframe()


def fetch_once_as_rows() -> Iterator[Dict[str, Any]]:
    """The run's input as dict rows."""
    return _current().fetch_once_as_rows()


def fetch_once_as_batch_rows() -> Iterator[List[Dict[str, Any]]]:
    """The run's input as one list of dict rows per batch."""
    return _current().fetch_once_as_batch_rows()


def fetch_once_as_batches() -> Iterator[RecordBatch]:
    """The run's input as Arrow record batches."""
    return _current().fetch_once_as_batches()


def noops_fetch() -> None:
    """Reads and discards the run's input."""
    _current().noops_fetch()


def set_output(value: Any, schema: Optional[Schema] = None) -> None:
    """Sets the run's output (see :meth:`DataManager.set_output`)."""
    _current().set_output(value, schema)


def build_result(items: Iterable[Mapping[str, Any]], block_size: int = 1024) -> None:
    """Sets the run's output from dict rows."""
    _current().build_result(items, block_size)


def log(message: Any, level: str = "info") -> None:
    """Sends a log line to the .NET logger, tagged with the run's GroupId and Owner."""
    _current().log(message, level)


def data_servers() -> List[Any]:
    """Picklable endpoints of the partitions the bridge serves for this run (for Dask/Ray tasks)."""
    return _current().data_servers()


def fetch_model(target_dir: str) -> List[str]:
    """Downloads the bridge's model files into ``target_dir``, verifying their checksums."""
    return _current().fetch_model(target_dir)


def __getattr__(name: str) -> Any:
    if name == "conf":
        return _current().conf
    raise AttributeError(f"module 'data_manager' has no attribute {name!r}")
