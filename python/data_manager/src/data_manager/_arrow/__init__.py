"""A pure-Python Arrow IPC stream codec (standard library only; numpy makes it zero-copy).

The data model
==============

Types (``types.py``), immutable and compared by value, mirroring the C# ``DataBridge.Arrow.Types``:
``Null()``, ``Bool()``, ``Int(bit_width=32, signed=True)``, ``FloatingPoint(precision)``, ``Utf8()``,
``LargeUtf8()``, ``Binary()``, ``LargeBinary()``, ``FixedSizeBinary(byte_width)``, ``Date(unit)``,
``Time(unit, bit_width)``, ``Timestamp(unit, tz=None)``, ``Duration(unit)``, ``Interval(unit)``,
``Decimal(precision, scale, bit_width=128)``, ``List(field)``, ``LargeList(field)``,
``FixedSizeList(field, size)``, ``Struct(fields)``, ``Map(entries_field, keys_sorted)`` (``Map.of(k, v)``
builds the conventional entries struct), ``Union(fields, mode, type_ids)``,
``Dictionary(index_type, value_type, ordered=False, id=None)``, ``BinaryView()``, ``Utf8View()``,
``ListView(field)``, ``LargeListView(field)``, ``RunEndEncoded(run_ends_field, values_field)``
(``RunEndEncoded.of(value_type)``); ``types.classic_type`` maps the last five to binary / utf8 / list /
large list / the values' type, what Python code's output is written as. Enums carry the wire values:
``TimeUnit``, ``DateUnit``, ``Precision``, ``IntervalUnit``, ``UnionMode``. A dictionary-encoded field
has a ``Dictionary`` type (as in C#); ``Field(name, type, nullable=True, metadata=())`` with metadata a
tuple of ``(key, value)`` pairs in wire order; ``Schema(fields, metadata=())``. Extension types are
kept as their storage type plus the ``ARROW:extension:*`` field metadata (``Field.extension_name``).

Columns (``column.py``): ``Column(type, length, buffers, children=(), dictionary=None, offset=0,
null_count=-1)``. ``buffers`` are 1-D byte ``memoryview`` objects in the C# ``ArrayData`` layout,
validity first (``None`` when there are no nulls):

* null: ``[None]``; bool/int/float/decimal/date/time/timestamp/duration/interval/fixed-size binary:
  ``[validity, values]``; utf8/binary (+ large): ``[validity, offsets, data]``;
  list/map (+ large list): ``[validity, offsets]`` + one child; fixed-size list/struct: ``[validity]``
  + children; sparse union: ``[None, type_ids]``; dense union: ``[None, type_ids, offsets]``;
  dictionary: ``[validity, indices]`` + ``dictionary`` (a Column of the value type); binary/utf8
  view: ``[validity, views, data 0, data 1, ...]``; list view (+ large): ``[validity, offsets, sizes]``
  + one child; run-end encoded: ``[None]`` + children run ends and values (``offset`` is logical).
* ``offset`` counts elements into every buffer; children of struct, fixed-size list and sparse union
  are not pre-sliced (element ``i`` is child element ``offset + i``, times the list size). Offsets of
  list-like types need not start at 0.

``Column`` methods: ``to_pylist()`` (int, float, bool, str, bytes, ``decimal.Decimal``,
``datetime.date``, ``datetime.datetime`` — tz-aware in the column's zone when the type has one —,
``datetime.time``, ``datetime.timedelta`` (ns truncated to µs), ``YearMonthInterval`` /
``DayTimeInterval`` / ``MonthDayNanoInterval`` named tuples, lists, dicts for structs (lists when
child names repeat), ``[(key, value), ...]`` for maps, the selected child's value for unions, decoded
values for dictionaries, None for nulls); ``to_storage_pylist()`` (ints for temporal types, unscaled
ints for decimals, ``(type_id, value)`` for unions); ``slice(offset, length)`` (zero-copy);
``null_count``; ``is_valid(i)``; ``indices`` (dictionary indices as a column); with numpy
``to_numpy()`` (a read-only view of the buffer for fixed-width numeric/temporal types, storage values)
and ``validity_mask()`` (True = valid, None without nulls). Builders: ``Column.from_pylist(values,
type)``, ``Column.from_storage_pylist(values, type)``, ``Column.from_numpy(array, type=None,
mask=None)`` (mask True = null; the values buffer is shared, not copied).

``RecordBatch(schema, columns, num_rows=None, metadata=())`` — ``column(i or name)``,
``slice(offset, length)``, ``to_pydict()``, ``to_pylist()``, ``RecordBatch.from_pydict(data,
schema=None)`` (types inferred with :func:`infer_type` when no schema is given).

IPC: ``StreamReader(source)`` (bytes-like → zero-copy views; path; file object; socket) iterates
``RecordBatch`` objects and has ``.schema``; ``StreamWriter(sink, schema, legacy=False)`` with
``write_batch()`` and ``close()``; ``read_stream(source)`` and ``write_stream(schema, batches)``.
LZ4_FRAME / ZSTD compressed bodies are read when ``lz4`` / ``zstandard`` is importable.
Errors: ``ArrowFormatError`` (what and where), ``UnsupportedArrowFeature`` (``.feature`` names it:
big-endian; compression when the codec is unknown or its module is missing).
"""

from __future__ import annotations

from .build import infer_type
from .column import Column, DayTimeInterval, MonthDayNanoInterval, RecordBatch, YearMonthInterval
from .reader import StreamReader, read_stream
from .types import (Binary, BinaryView, Bool, DataType, Date, DateUnit, Decimal, Dictionary, Duration, Field,
                    FixedSizeBinary, FixedSizeList, FloatingPoint, Int, Interval, IntervalUnit, LargeBinary, LargeList,
                    LargeListView, LargeUtf8, List, ListView, Map, Null, Precision, RunEndEncoded, Schema, Struct, Time,
                    Timestamp, TimeUnit, Union, UnionMode, Utf8, Utf8View)
from .writer import StreamWriter, write_stream

__all__ = [
    "DataType", "Null", "Bool", "Int", "FloatingPoint", "Utf8", "LargeUtf8", "Binary", "LargeBinary",
    "FixedSizeBinary", "Date", "Time", "Timestamp", "Duration", "Interval", "Decimal", "List", "LargeList",
    "FixedSizeList", "Struct", "Map", "Union", "Dictionary", "BinaryView", "Utf8View", "ListView",
    "LargeListView", "RunEndEncoded", "TimeUnit", "DateUnit", "Precision",
    "IntervalUnit", "UnionMode", "Field", "Schema", "Column", "RecordBatch", "YearMonthInterval",
    "DayTimeInterval", "MonthDayNanoInterval", "StreamReader", "StreamWriter", "read_stream", "write_stream",
    "infer_type",
]
