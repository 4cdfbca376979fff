"""The ``data_manager`` object that user code sees (pyjava's contract, without its defects).

A :class:`DataManager` sits between an input (an iterable of Arrow record batches, read lazily) and an
output sink (anything with ``write_batch(batch)``). It is testable without any process: give it a list
of batches and a list-like sink.
"""

from __future__ import annotations

import types
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from ._arrow import RecordBatch, Schema
from ._arrow.compat import numpy_disabled
from ._output import SchemaUnifier, estimate_bytes, type_mismatch
from .exceptions import DataManagerError

__all__ = ["DataManager", "ListSink"]

LogFunction = Callable[[str, str], None]


def _pandas_or_none() -> Any:
    if numpy_disabled():
        return None
    try:
        import pandas

        return pandas
    except ImportError:
        return None


class ListSink:
    """An output sink that keeps the batches in a list (tests, in-process use)."""

    def __init__(self) -> None:
        self.batches: List[RecordBatch] = []

    def write_batch(self, batch: RecordBatch) -> None:
        self.batches.append(batch)


class DataManager:
    """Input, output, run context and logging of one run.

    :param batches: the run's input batches (consumed once, lazily); ``None`` for no input.
    :param sink: receives output batches through ``write_batch``; ``None`` keeps them in a :class:`ListSink`.
    :param conf: the run context (``HOME``, ``OWNER``, ``GROUP_ID`` and user keys), read-only.
    :param max_batch_rows: output batches hold at most this many rows.
    :param max_batch_bytes: output batches hold at most about this many bytes.
    :param log: called as ``log(level, message)`` by :meth:`log`.
    :param use_pandas: hand out pandas DataFrames (default: when pandas is importable); otherwise
        record batches (column objects with ``to_pylist()``).
    :param pandas_options: keyword options of the Arrow → pandas conversion (``strings``, ``dates``,
        ``out_of_range_timestamps``, ``floats``, ``decimals``; see :func:`data_manager._pandas.batch_to_pandas`).
    """

    def __init__(
        self,
        batches: Optional[Iterable[RecordBatch]] = None,
        sink: Any = None,
        conf: Optional[Mapping[str, str]] = None,
        *,
        max_batch_rows: int = 65536,
        max_batch_bytes: int = 64 << 20,
        log: Optional[LogFunction] = None,
        use_pandas: Optional[bool] = None,
        pandas_options: Optional[Mapping[str, Any]] = None,
        data_server: Optional[Mapping[str, Any]] = None,
        model_server: Optional[Mapping[str, Any]] = None,
    ) -> None:
        if max_batch_rows <= 0 or max_batch_bytes <= 0:
            raise ValueError("max_batch_rows and max_batch_bytes must be positive")
        self._batches = batches
        self._fetched = False
        self.sink = sink if sink is not None else ListSink()
        self._conf = types.MappingProxyType(dict(conf or {}))
        self.max_batch_rows = max_batch_rows
        self.max_batch_bytes = max_batch_bytes
        self._log = log
        self._pandas = _pandas_or_none() if use_pandas is None or use_pandas else None
        if use_pandas and self._pandas is None:
            raise ImportError("use_pandas=True but pandas is not available")
        self._pandas_options = dict(pandas_options or {})
        self._data_server = dict(data_server) if data_server else None
        self._model_server = dict(model_server) if model_server else None
        self._output_set = False
        self._unifier: Optional[SchemaUnifier] = None
        # The input's fields by name, recorded when pandas frames are handed out: output columns that pandas
        # changed in kind only get their input type back (_pandas.input_type_target).
        self._input_fields: Dict[str, Any] = {}
        self._warned: set = set()
        self.output_rows = 0
        self.output_batches = 0

    # -- run context and logging ------------------------------------------------------------------
    @property
    def output_was_set(self) -> bool:
        """Whether ``set_output`` (or ``build_result``) was called in this run."""
        return self._output_set

    @property
    def uses_pandas(self) -> bool:
        """Whether ``fetch_once()`` yields pandas DataFrames (else record batches of column objects)."""
        return self._pandas is not None

    @property
    def conf(self) -> Mapping[str, str]:
        """The run context (read-only): ``HOME``, ``OWNER``, ``GROUP_ID`` and user keys."""
        return self._conf

    def log(self, message: Any, level: str = "info") -> None:
        """Sends a log line to the .NET ``ILogger``, tagged with this run's GroupId and Owner."""
        if level not in ("debug", "info", "warning", "error"):
            raise ValueError(f"level must be debug, info, warning or error, not {level!r}")
        if self._log is not None:
            self._log(level, str(message))

    # -- servers (distributed runs) ------------------------------------------------------------------
    def data_servers(self) -> List[Any]:
        """One picklable endpoint per partition of the data the bridge serves for this run (empty when
        it serves none). Hand them to Dask/Ray tasks: ``data_manager_client.fetch(endpoint)`` /
        ``data_manager_client.send_result(endpoint, df)``."""
        if not self._data_server:
            return []
        from ._client import DataServerEndpoint

        s = self._data_server
        return [DataServerEndpoint(str(s["host"]), int(s["port"]), i, s.get("token"))
                for i in range(int(s.get("partitions", 0)))]

    def fetch_model(self, target_dir: str) -> List[str]:
        """Downloads the files of the bridge's model server into ``target_dir`` (checksums verified)."""
        if not self._model_server:
            raise DataManagerError("this run has no model server (serve one with bridge.ServeModel(path))")
        from ._client import ModelServerEndpoint, fetch_model

        s = self._model_server
        return fetch_model(ModelServerEndpoint(str(s["host"]), int(s["port"]), s.get("token")), target_dir)

    # -- input ---------------------------------------------------------------------------------
    def _take_input(self) -> Iterator[RecordBatch]:
        if self._fetched:
            raise DataManagerError("input data can only be fetched once")
        self._fetched = True
        return iter(self._batches if self._batches is not None else ())

    def fetch_once_as_batches(self) -> Iterator[RecordBatch]:
        """The input as raw Arrow record batches (generator); a second fetch raises."""
        source = self._take_input()

        def gen() -> Iterator[RecordBatch]:
            yield from source

        return gen()

    def fetch_once(self) -> Iterator[Any]:
        """The input, one pandas DataFrame per Arrow batch (record batches without pandas); a second
        fetch raises ``DataManagerError("input data can only be fetched once")``. A batch's custom
        metadata is the frame's ``attrs["databridge.metadata"]`` (a dict), which ``set_output`` writes back."""
        source = self._take_input()
        if self._pandas is None:
            return iter(source)
        from ._pandas import batch_to_pandas

        options = self._pandas_options

        def gen() -> Iterator[Any]:
            for batch in self._recording(source):
                df = batch_to_pandas(batch, **options)
                if batch.metadata:
                    df.attrs[METADATA_ATTR] = dict(batch.metadata)
                yield df

        return gen()

    def fetch_once_as_dataframe(self) -> Any:
        """All input as one pandas DataFrame (without pandas: a dict of column lists)."""
        if self._pandas is None:
            merged: Dict[str, List[Any]] = {}
            for batch in self._take_input():
                for name, values in batch.to_pydict().items():
                    merged.setdefault(name, []).extend(values)
            return merged
        from ._pandas import batches_to_pandas

        # Not a concat of per-batch frames: batches may differ in dtype (bool vs boolean, categories).
        return batches_to_pandas(self._recording(self._take_input()), **self._pandas_options)

    def _recording(self, source: Iterator[RecordBatch]) -> Iterator[RecordBatch]:
        """``source``, remembering the first batch's fields (when their names are unique)."""
        for batch in source:
            if not self._input_fields:
                names = [f.name for f in batch.schema.fields]
                if len(set(names)) == len(names):
                    self._input_fields = {f.name: f for f in batch.schema.fields}
            yield batch

    def fetch_once_as_rows(self) -> Iterator[Dict[str, Any]]:
        """The input as one dict per row (generator)."""
        source = self._take_input()

        def gen() -> Iterator[Dict[str, Any]]:
            for batch in source:
                columns = batch.to_pydict()
                names = list(columns)
                for row in zip(*columns.values()):
                    yield dict(zip(names, row))

        return gen()

    def fetch_once_as_batch_rows(self) -> Iterator[List[Dict[str, Any]]]:
        """The input as one list of dict rows per batch (pyjava's ``fetch_once_as_batch_rows``)."""
        source = self._take_input()

        def gen() -> Iterator[List[Dict[str, Any]]]:
            for batch in source:
                columns = batch.to_pydict()
                names = list(columns)
                yield [dict(zip(names, row)) for row in zip(*columns.values())]

        return gen()

    def noops_fetch(self) -> None:
        """Reads and discards the input."""
        for _ in self._take_input():
            pass

    def drain(self) -> None:
        """Discards whatever input the user code did not read (the worker calls it after a run)."""
        if not self._fetched:
            self._fetched = True
            for _ in iter(self._batches if self._batches is not None else ()):
                pass

    # -- output ----------------------------------------------------------------------------------
    def set_output(self, value: Any, schema: Any = None) -> None:
        """Sets the run's output. ``value`` is a pandas DataFrame, an iterable of DataFrames, a dict of
        columns, a record batch or an iterable of them, or pyjava's ``[[series, ...], ...]`` batches of
        columns. Column names are kept. Output is written in bounded batches; a second call raises
        ``DataManagerError``. The frames of one run get one schema, unified the way ``pandas.concat``
        would (docs/pandas-mapping.md, "One schema per run"): a column all missing in some frames takes
        the type of the frames that have values, whichever comes first; a frame whose column cannot take
        the earlier frames' type without loss, or that lacks a column, raises ``DataManagerError`` naming
        the column. ``schema`` (a :class:`Schema`), when given, is the output schema every batch must
        match (pandas input is converted to it). A frame's ``attrs["databridge.metadata"]`` (a dict of
        str to str; ``fetch_once()`` sets it from the input batch's) becomes the custom metadata of its
        output batches; record batches keep their ``metadata``."""
        if self._output_set:
            raise DataManagerError("set_output can only be called once per run")
        self._output_set = True
        if schema is not None and not isinstance(schema, Schema):
            raise TypeError(f"schema must be a data_manager Schema, not {type(schema).__name__}")
        # While a column's type is still null, batches are held back, at most one output batch's bytes.
        unifier = self._unifier = SchemaUnifier(self._emit_batch, self.max_batch_bytes, schema)
        for batch, bounded in self._to_batches(value, schema):
            for part in ([batch] if bounded else self._bounded(batch)):
                unifier.add(part)
        unifier.finish()

    def build_result(self, items: Iterable[Mapping[str, Any]], block_size: int = 1024) -> None:
        """Sets the output from dict rows, ``block_size`` rows per batch."""
        if block_size <= 0:
            raise ValueError("block_size must be positive")

        def blocks() -> Iterator[RecordBatch]:
            # A key missing from every row of a block is a null column there; the unifier types it.
            block: List[Mapping[str, Any]] = []
            for item in items:
                block.append(item)
                if len(block) >= block_size:
                    yield _rows_to_batch(block, self.output_schema)
                    block = []
            if block:
                yield _rows_to_batch(block, self.output_schema)

        self.set_output(blocks())

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.log(message, "warning")

    @property
    def output_schema(self) -> Optional[Schema]:
        """The schema of the output so far (None before the first batch)."""
        return self._unifier.schema if self._unifier is not None else None

    def _emit_batch(self, batch: RecordBatch) -> None:
        self.sink.write_batch(batch)
        self.output_rows += batch.num_rows
        self.output_batches += 1

    def _bounded(self, batch: RecordBatch) -> Iterator[RecordBatch]:
        rows = batch.num_rows
        if rows == 0:
            yield batch
            return
        per_row = max(1, estimate_bytes(batch) // rows)
        step = max(1, min(self.max_batch_rows, self.max_batch_bytes // per_row))
        if rows <= step:
            yield batch
            return
        for start in range(0, rows, step):
            yield batch.slice(start, min(step, rows - start))

    def _to_batches(self, value: Any, schema: Optional[Schema]) -> Iterator[Tuple[RecordBatch, bool]]:
        """The output as (batch, already bounded) pairs, converted lazily (a generator of frames is
        streamed). Later pandas frames are converted to the unifier's target (the types earlier frames
        set), so pandas does the checked casts; other forms are brought to the schema by the unifier."""
        pd = self._pandas
        if isinstance(value, RecordBatch):
            yield value, False
            return
        if pd is not None and isinstance(value, pd.DataFrame):
            yield from self._from_pandas(value, schema)
            return
        if pd is not None and isinstance(value, pd.Series):
            raise TypeError(_SERIES_MESSAGE)
        if isinstance(value, Mapping):
            yield from self._from_columns(value, schema)
            return
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(
                "set_output takes a DataFrame, an iterable of DataFrames, a dict of columns, record "
                f"batches or [[series, ...], ...]; got {type(value).__name__}")
        for item in value:
            if isinstance(item, RecordBatch):
                yield item, False
            elif pd is not None and isinstance(item, pd.DataFrame):
                yield from self._from_pandas(item, schema)
            elif isinstance(item, Mapping):
                yield from self._from_columns(item, schema)
            elif isinstance(item, (list, tuple)):
                yield self._from_series_list(item), False
            elif pd is not None and isinstance(item, pd.Series):
                raise TypeError(_SERIES_MESSAGE.replace("got a", "got an iterable holding a", 1))
            else:
                raise TypeError(f"set_output got an iterable holding {type(item).__name__}; expected "
                                "DataFrames, dicts of columns, record batches or lists of series")

    def _from_pandas(self, df: Any, schema: Optional[Schema]) -> Iterator[Tuple[RecordBatch, bool]]:
        from ._pandas import infer_type, input_type_target, pandas_to_batches

        target = schema
        if target is None and self._unifier is not None:
            target = self._unifier.frame_target([str(c) for c in df.columns], lambda i: infer_type(df.iloc[:, i]))
        if target is None and self._input_fields:
            target = input_type_target(df, self._input_fields, self._warn_once)
        batches = pandas_to_batches(df, max_rows=self.max_batch_rows, max_bytes=self.max_batch_bytes, schema=target)
        metadata = _frame_metadata(df)
        try:
            for batch in batches:
                yield (RecordBatch(batch.schema, batch.columns, batch.num_rows, metadata) if metadata else batch), True
        except (TypeError, ValueError, OverflowError) as e:
            if schema is not None or target is None:
                raise
            raise _frame_mismatch(df, target, e, infer_type) from e

    def _from_columns(self, columns: Mapping[str, Any], schema: Optional[Schema]) -> Iterator[Tuple[RecordBatch, bool]]:
        pd = self._pandas
        if pd is not None and any(_is_array_like(v) for v in columns.values()):
            yield from self._from_pandas(pd.DataFrame(dict(columns)), schema)
            return
        yield RecordBatch.from_pydict({str(k): list(v) for k, v in columns.items()}, schema=schema), False

    def _from_series_list(self, columns: Sequence[Any]) -> RecordBatch:
        if self._pandas is not None and columns and all(isinstance(c, self._pandas.Series) for c in columns):
            from ._pandas import series_list_to_batch

            return series_list_to_batch(columns)
        names = [getattr(c, "name", None) or f"_{i}" for i, c in enumerate(columns)]
        return RecordBatch.from_pydict({str(n): list(c) for n, c in zip(names, columns)})


_SERIES_MESSAGE = (
    "set_output got a pandas Series: use .to_frame() to output it as one column (pd.concat([...], axis=1) "
    "for several series); set_output takes a DataFrame, an iterable of DataFrames, a dict of columns, record "
    "batches or [[series, ...], ...]")


def _frame_mismatch(df: Any, target: Schema, error: Exception, infer_type: Callable[[Any], Any]) -> Exception:
    """A later frame failed to convert to the types earlier frames set: the error names the column and
    both types when the failing column's own type differs (else the conversion's error stands)."""
    names = [str(c) for c in df.columns]
    text = str(error)
    for f in target.fields:
        if f"{f.name!r}" not in text or names.count(f.name) != 1:
            continue
        own = infer_type(df.iloc[:, names.index(f.name)])
        if own != f.type:
            return type_mismatch(f.name, f.type, own, text)
    return error


METADATA_ATTR = "databridge.metadata"
"""The ``DataFrame.attrs`` key holding a batch's custom metadata (a dict of str to str): ``fetch_once()``
sets it on frames whose batch had metadata, ``set_output`` writes it onto the frame's batches."""


def _frame_metadata(df: Any) -> Tuple[Tuple[str, str], ...]:
    """The custom metadata ``df.attrs[METADATA_ATTR]`` asks for (empty without it)."""
    value = getattr(df, "attrs", {}).get(METADATA_ATTR)
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise TypeError(f"DataFrame.attrs[{METADATA_ATTR!r}] must be a dict of str to str (the output batches' "
                        f"custom metadata), not {type(value).__name__}")
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"DataFrame.attrs[{METADATA_ATTR!r}] must map str to str; {k!r}: {v!r} is "
                            f"{type(k).__name__}: {type(v).__name__}")
    return tuple(value.items())


def _is_array_like(value: Any) -> bool:
    return hasattr(value, "dtype") and hasattr(value, "__len__")


def _rows_to_batch(rows: Sequence[Mapping[str, Any]], schema: Optional[Schema]) -> RecordBatch:
    """The rows as one batch; the columns of ``schema`` (earlier blocks) first, types inferred."""
    names: List[str] = list(schema.names) if schema is not None else []
    for row in rows:
        for key in row:
            if key not in names:
                names.append(key)
    return RecordBatch.from_pydict({n: [row.get(n) for row in rows] for n in names})
