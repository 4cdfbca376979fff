"""Conversion between Arrow record batches and pandas DataFrames.

The mapping, both ways, is written down (with its reasons) in ``docs/pandas-mapping.md``; in short:
Arrow types become the pandas dtype that holds them without loss (nullable integers → ``Int64`` & co.,
never float64), and pandas dtypes come back as the same Arrow types. Object columns are inferred.

This module imports numpy and pandas, so nothing imports it at package import time: the
:class:`~data_manager.DataManager` imports it when it first converts. With ``DATA_MANAGER_NO_NUMPY=1``
every function raises ``ImportError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ._arrow import types as t
from ._arrow.column import Column, RecordBatch
from ._arrow.compat import require_numpy

require_numpy("data_manager's pandas conversion")

import numpy as np  # noqa: E402 - after the DATA_MANAGER_NO_NUMPY check
import pandas as pd  # noqa: E402

from ._pandas_read import ReadOptions, column_to_pandas, decimal_scales, frame_from_arrays  # noqa: E402
from ._pandas_write import OffsetOverflow, infer_series_type, series_to_column  # noqa: E402

if TYPE_CHECKING:
    import pandas

__all__ = ["batch_to_pandas", "batches_to_pandas", "pandas_to_batches", "series_list_to_batch", "infer_type",
           "input_type_target"]


DECIMAL_SCALES_ATTR = "databridge.decimal_scales"


def batch_to_pandas(batch: RecordBatch, *, strings: str = "object", dates: str = "datetime64",
                    out_of_range_timestamps: str = "raise", floats: str = "nan",
                    decimals: str = "exact") -> "pandas.DataFrame":
    """A DataFrame holding ``batch``; column names and order are kept (repeated names too).

    :param strings: ``"object"`` (Python ``str``, the default) or ``"string"`` (pandas ``StringDtype``).
    :param dates: ``"datetime64"`` (``datetime64[ns]``) or ``"object"`` (``datetime.date`` values).
    :param out_of_range_timestamps: ``"raise"``: a timestamp, date or duration outside pandas'
        nanosecond range raises ``ValueError`` naming the column and the value; ``"object"``: such a
        column is kept as ``datetime``/``date``/``timedelta`` objects instead.
    :param floats: ``"nan"`` (default): float columns with nulls are numpy floats with NaN at the
        nulls; ``"nullable"``: they are ``Float32``/``Float64`` with ``pd.NA`` at the nulls, so a NaN
        value stays distinct from a null (float16 columns always use NaN).
    :param decimals: ``"exact"`` (default): decimal columns hold ``decimal.Decimal`` objects;
        ``"float64"``: numpy float64 (NaN at nulls), each value the nearest double; ``"scaled_int64"``:
        the unscaled integers (value × 10**scale) as int64 (``Int64`` with nulls), the scales in
        ``df.attrs["databridge.decimal_scales"]``; a value that does not fit raises ``OverflowError``
        naming the column. Both bulk modes are computed with numpy, not value by value.

    Null-free int, float and nanosecond timestamp/duration columns are numpy views of the batch's
    buffers (no copy; read-only when the buffers are, e.g. a stream read from ``bytes``).
    """
    opts = ReadOptions(strings, dates, out_of_range_timestamps, floats, decimals)
    names = list(batch.schema.names)
    arrays = [column_to_pandas(col, name, opts) for name, col in zip(names, batch.columns)]
    return _with_scales(frame_from_arrays(names, arrays, batch.num_rows), names, batch.schema, opts)


def _with_scales(df: "pandas.DataFrame", names: List[str], schema: Any, opts: ReadOptions) -> "pandas.DataFrame":
    if opts.decimals == "scaled_int64":
        scales = decimal_scales(names, [f.type for f in schema.fields])
        if scales:
            df.attrs[DECIMAL_SCALES_ATTR] = scales
    return df


def batches_to_pandas(batches: Iterable[RecordBatch], *, strings: str = "object", dates: str = "datetime64",
                      out_of_range_timestamps: str = "raise", floats: str = "nan",
                      decimals: str = "exact") -> "pandas.DataFrame":
    """All ``batches`` as one DataFrame (options as in :func:`batch_to_pandas`).

    A plain ``pandas.concat`` of per-batch frames is not enough: a column without nulls in one batch
    (numpy ``bool``) and with nulls in another (``boolean``) would concatenate to ``object``, and
    categoricals whose batches carry different dictionaries would too. Here such columns are first
    brought to one dtype: the nullable extension dtype, or a categorical over the union of the
    categories (ordered only when every batch has the same ordered categories).
    """
    opts = ReadOptions(strings, dates, out_of_range_timestamps, floats, decimals)
    columns: Optional[List[List[Any]]] = None
    names: List[str] = []
    schema = None
    for batch in batches:
        if columns is None:
            schema = batch.schema
            names = list(batch.schema.names)
            columns = [[] for _ in names]
        elif list(batch.schema.names) != names:
            raise ValueError(f"batches with different columns: {names} then {list(batch.schema.names)}")
        for parts, name, col in zip(columns, names, batch.columns):
            parts.append(column_to_pandas(col, name, opts))
    if columns is None:
        return pd.DataFrame()
    merged = [_concat_arrays(parts) for parts in columns]
    return _with_scales(frame_from_arrays(names, merged, len(merged[0]) if merged else 0), names, schema, opts)


def _concat_arrays(parts: List[Any]) -> Any:
    if len(parts) == 1:
        return parts[0]
    dtypes = [p.dtype for p in parts]
    if all(isinstance(d, pd.CategoricalDtype) for d in dtypes):
        if any(d != dtypes[0] for d in dtypes[1:]):
            return pd.api.types.union_categoricals([pd.Categorical(p) for p in parts], ignore_order=True)
    else:
        extension = next((d for d in dtypes if not isinstance(d, np.dtype)), None)
        if extension is not None and all(isinstance(d, np.dtype) or d == extension for d in dtypes):
            try:
                parts = [pd.array(p, dtype=extension) if isinstance(p, np.ndarray) else p for p in parts]
            except (TypeError, ValueError):
                pass  # not convertible: pandas' own concatenation rules decide
    merged = pd.concat([pd.Series(p, copy=False) for p in parts], ignore_index=True)
    return merged.to_numpy() if isinstance(merged.dtype, np.dtype) else merged.array


def infer_type(series: "pandas.Series") -> t.DataType:
    """The Arrow type ``series`` is written as when no schema is given (see ``docs/pandas-mapping.md``)."""
    return infer_series_type(series, "<unnamed>" if series.name is None else str(series.name))


def _family(ty: t.DataType) -> Optional[str]:
    """The kinds of Arrow type that pandas turns into one another on the way in and out (see
    :func:`input_type_target`); None for those it keeps as they are."""
    if isinstance(ty, (t.Date, t.Timestamp)):
        return "datetime"
    if isinstance(ty, (t.Time, t.Duration, t.Decimal, t.Struct, t.Dictionary)):
        return type(ty).__name__
    if isinstance(ty, (t.Utf8, t.LargeUtf8)):
        return "string"
    if isinstance(ty, (t.Binary, t.LargeBinary, t.FixedSizeBinary)):
        return "binary"
    if isinstance(ty, (t.List, t.LargeList, t.FixedSizeList, t.Map)):
        return "list"
    return None


def _came_back_as(want: t.DataType, own: Optional[t.DataType]) -> bool:
    """Whether ``own`` (a column's inferred type; None when inference failed) is what pandas makes of an input
    column of type ``want``: same family, and for timestamps the same zone (a changed zone is the code's)."""
    family = _family(want)
    if family is None:
        return False
    if own is None:
        return family == "list"  # a map column comes back as lists of pairs, which inference may refuse
    if _family(own) != family:
        return False
    if isinstance(own, t.Timestamp):
        return own.tz == (want.tz if isinstance(want, t.Timestamp) else None)
    if isinstance(want, t.Struct) and isinstance(own, t.Struct):
        return [f.name for f in want.fields] == [f.name for f in own.fields]
    return True


def input_type_target(df: "pandas.DataFrame", inputs: Dict[str, t.Field],
                      warn: Callable[[str], None]) -> Optional[t.Schema]:
    """The output schema that gives the frame's columns back their input types, or None to infer them.

    Through pandas some Arrow types come back as others (date32 as ``datetime64[ns]`` and then timestamp[ns],
    timestamp[us] as timestamp[ns], time64[ns] as time64[us], fixed_size_binary(16) and large_binary as binary,
    large_utf8 as utf8, decimal128(38, 2) as the precision the values need, struct<int16> as struct<int64>, maps
    as lists of pairs), while without pandas the same code writes the input types unchanged. So a column named
    like an input column whose type pandas changed *in kind only* is written with its input type when every
    value converts back without loss (the writer's checked casts decide); when one does not, the column keeps
    its pandas type and ``warn`` is called once with the column, both types and the reason. A column whose
    type the code changed (an int that became a float, a zone converted) keeps the code's type."""
    names = [str(c) for c in df.columns]
    if not inputs or len(set(names)) != len(names):
        return None
    if not any(name in inputs and _family(inputs[name].type) is not None for name in names):
        return None  # no column pandas could have changed in kind: nothing to restore, no per-column inference
    fields: List[t.Field] = []
    restored = False
    for i, name in enumerate(names):
        series = df.iloc[:, i]
        try:
            own: Optional[t.DataType] = infer_series_type(series, name)
        except TypeError:
            own = None
        want = inputs.get(name)
        if want is not None and own != want.type and _came_back_as(want.type, own):
            try:
                series_to_column(series, name, want.type)
            except (TypeError, ValueError, OverflowError, ArithmeticError) as e:
                if own is not None:
                    warn(f"output column {name!r} came in as {want.type} but is written as {own}: its values do not "
                         f"convert back without loss ({e}); pass schema=... to set_output to choose the type")
            else:
                fields.append(t.Field(name, want.type, True, want.metadata))
                restored = True
                continue
        if own is None:
            own = infer_series_type(series, name)  # raises the inference's own error
        fields.append(t.Field(name, own))
    return t.Schema(tuple(fields)) if restored else None


def series_list_to_batch(columns: Sequence["pandas.Series"], names: Optional[Sequence[str]] = None) -> RecordBatch:
    """One batch from pyjava's list of Series (one per column), matched by position.

    Names: ``names`` when given, else each Series' ``name``, else ``_0``, ``_1``, ...; the Series'
    indexes are ignored. All Series must have the same length.
    """
    columns = list(columns)
    if names is None:
        names = [str(s.name) if getattr(s, "name", None) is not None else f"_{i}" for i, s in enumerate(columns)]
    else:
        names = [str(n) for n in names]
        if len(names) != len(columns):
            raise ValueError(f"{len(names)} names for {len(columns)} series")
    lengths = {len(s) for s in columns}
    if len(lengths) > 1:
        detail = ", ".join(f"{n}: {len(s)}" for n, s in zip(names, columns))
        raise ValueError(f"the series of one batch must have the same length ({detail})")
    fields = []
    cols = []
    for name, s in zip(names, columns):
        if not isinstance(s, pd.Series):
            s = pd.Series(s)
        ty = infer_series_type(s, name)
        fields.append(t.Field(name, ty))
        try:
            cols.append(series_to_column(s, name, ty))
        except OffsetOverflow:
            raise ValueError(f"column {name!r}: more than 2 GiB of string data in one batch; send smaller "
                             "batches (or a DataFrame, which is split automatically)") from None
    return RecordBatch(t.Schema(tuple(fields)), cols, lengths.pop() if lengths else 0)


def pandas_to_batches(df: "pandas.DataFrame", *, max_rows: int = 65536, max_bytes: int = 64 << 20,
                      schema: Optional[t.Schema] = None) -> Iterator[RecordBatch]:
    """``df`` as record batches of at most ``max_rows`` rows and about ``max_bytes`` bytes each.

    Column names are kept (``str()`` of each label; the index is not written, ``reset_index()``
    first to keep it). Types are inferred over the whole frame, so every batch has the same schema.
    With ``schema`` the frame's columns are matched to its fields by name (any order) and cast to
    their types; a value that does not fit raises naming the column. A DataFrame without rows
    gives one empty batch (it carries the schema).

    ``max_bytes`` counts the Arrow buffers of a batch (validity, values, offsets, string data;
    nested columns are counted evenly per row); a single row larger than it makes a batch of its own.
    """
    if max_rows <= 0 or max_bytes <= 0:
        raise ValueError("max_rows and max_bytes must be positive")
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    series = [s for _, s in df.items()]  # by position (duplicate labels too), cheaper than iloc per column
    names = [str(c) for c in df.columns]
    if schema is None:
        out_schema = t.Schema(tuple(t.Field(n, infer_series_type(s, n)) for n, s in zip(names, series)))
    else:
        out_schema = schema
        series = _match_schema(names, series, schema)
    n = len(df)
    if n == 0:
        yield _convert_rows(out_schema, series, 0, 0)
        return
    for start in range(0, n, max_rows):
        yield from _bounded(out_schema, series, start, min(n, start + max_rows), max_bytes)


def _match_schema(names: List[str], series: List[Any], schema: t.Schema) -> List[Any]:
    wanted = list(schema.names)
    if names == wanted:
        return series
    if sorted(names) == sorted(wanted) and len(set(names)) == len(names):
        by_name = dict(zip(names, series))
        return [by_name[w] for w in wanted]
    raise ValueError(f"the DataFrame's columns {names} do not match the schema's fields {wanted}")


def _convert_rows(schema: t.Schema, series: List[Any], start: int, stop: int) -> RecordBatch:
    whole = start == 0 and all(len(s) == stop for s in series)
    cols = [series_to_column(s if whole else s.iloc[start:stop], f.name, f.type, f.nullable)
            for f, s in zip(schema.fields, series)]
    return RecordBatch(schema, cols, stop - start)


def _bounded(schema: t.Schema, series: List[Any], start: int, stop: int, max_bytes: int) -> Iterator[RecordBatch]:
    """Rows ``[start, stop)`` as batches of at most ``max_bytes`` (one row at least)."""
    try:
        batch = _convert_rows(schema, series, start, stop)
    except OffsetOverflow as overflow:
        # more than 2 GiB of string data for int32 offsets: halve the rows
        if stop - start == 1:
            raise ValueError(f"column {overflow.args[0]!r}: a single value exceeds 2 GiB; use a schema with "
                             "large_utf8 / large_binary") from None
        mid = (start + stop) // 2
        yield from _bounded(schema, series, start, mid, max_bytes)
        yield from _bounded(schema, series, mid, stop, max_bytes)
        return
    rows = stop - start
    per_row, variable, fixed = _row_sizes(batch)
    if not variable:
        # fixed-width columns only: every row costs the same
        step = max(1, int((max_bytes - fixed) // per_row)) if per_row else rows
        if step >= rows:
            yield batch
            return
        for begin in range(0, rows, step):
            yield batch.slice(begin, min(step, rows - begin))
        return
    cumulative = per_row * np.arange(rows + 1, dtype=np.float64)
    for offsets in variable:
        cumulative += offsets - offsets[0]
    if cumulative[-1] + fixed <= max_bytes:
        yield batch
        return
    begin = 0
    while begin < rows:
        end = int(np.searchsorted(cumulative, cumulative[begin] + max_bytes - fixed, side="right")) - 1
        end = min(max(end, begin + 1), rows)
        yield batch.slice(begin, end - begin)
        begin = end


def _row_sizes(batch: RecordBatch) -> Tuple[float, List[Any], int]:
    """How the Arrow buffers of ``batch`` grow with its rows: (bytes per row of the fixed-width parts,
    the offsets arrays of variable-width columns (their data bytes per row), bytes per batch
    (dictionaries))."""
    n = batch.num_rows
    per_row = 0.0
    fixed = 0
    variable: List[Any] = []
    for col in batch.columns:
        ty = col.type
        if col.validity is not None:
            per_row += 0.125
        if isinstance(ty, (t.Utf8, t.LargeUtf8, t.Binary, t.LargeBinary)) and col.buffers[1] is not None:
            large = isinstance(ty, (t.LargeUtf8, t.LargeBinary))
            variable.append(np.frombuffer(col.buffers[1], np.int64 if large else np.int32, n + 1,
                                          col.offset * (8 if large else 4)))
            per_row += 8 if large else 4
        elif isinstance(ty, t.Dictionary):
            per_row += ty.index_type.bit_width // 8
            fixed += _nbytes(col.dictionary) if col.dictionary is not None else 0
        elif isinstance(ty, t.Bool):
            per_row += 0.125
        elif t.fixed_width(ty):
            per_row += t.fixed_width(ty)
        elif n:
            per_row += _nbytes(col) / n
    return per_row, variable, fixed


def _nbytes(col: Column) -> int:
    """Bytes of every buffer of ``col``, its children and dictionary (whole buffers, not the slice)."""
    total = sum(len(b) for b in col.buffers if b is not None)
    total += sum(_nbytes(c) for c in col.children)
    if col.dictionary is not None:
        total += _nbytes(col.dictionary)
    return total
