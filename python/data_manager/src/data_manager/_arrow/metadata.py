"""Arrow IPC metadata: Message / Schema / RecordBatch flatbuffers, read and written.

Slot numbers follow Arrow's ``format/Message.fbs`` and ``format/Schema.fbs`` (format version 1.5):

* ``Message``: 0 version (short), 1 header_type (ubyte), 2 header, 3 bodyLength (long),
  4 custom_metadata ([KeyValue]).  Header: Schema=1, DictionaryBatch=2, RecordBatch=3, Tensor=4,
  SparseTensor=5.
* ``Schema``: 0 endianness (short, Little=0), 1 fields ([Field]), 2 custom_metadata, 3 features ([long]).
* ``Field``: 0 name, 1 nullable (bool, default false), 2 type_type (ubyte), 3 type, 4 dictionary
  (DictionaryEncoding), 5 children ([Field]), 6 custom_metadata.
* ``DictionaryEncoding``: 0 id (long), 1 indexType (Int; absent = int32), 2 isOrdered (bool),
  3 dictionaryKind (short).
* ``KeyValue``: 0 key, 1 value.
* ``RecordBatch``: 0 length (long), 1 nodes ([FieldNode{length: long, null_count: long}]),
  2 buffers ([Buffer{offset: long, length: long}]), 3 compression (BodyCompression{0 codec: byte
  LZ4_FRAME=0 / ZSTD=1, 1 method: byte BUFFER=0}), 4 variadicBufferCounts ([long]).
* ``DictionaryBatch``: 0 id (long), 1 data (RecordBatch), 2 isDelta (bool).

Absent fields take the .fbs defaults (see ARROW.md "Flatbuffer defaults are omitted on the wire").
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from ..exceptions import ArrowFormatError, UnsupportedArrowFeature
from . import flatbuf as fb
from . import types as t

# Message.header union
HEADER_SCHEMA, HEADER_DICTIONARY_BATCH, HEADER_RECORD_BATCH = 1, 2, 3
METADATA_V4, METADATA_V5 = 3, 4

# Schema.fbs Type union ids
TYPE_NULL, TYPE_INT, TYPE_FLOAT, TYPE_BINARY, TYPE_UTF8, TYPE_BOOL, TYPE_DECIMAL, TYPE_DATE = 1, 2, 3, 4, 5, 6, 7, 8
TYPE_TIME, TYPE_TIMESTAMP, TYPE_INTERVAL, TYPE_LIST, TYPE_STRUCT, TYPE_UNION = 9, 10, 11, 12, 13, 14
TYPE_FIXED_SIZE_BINARY, TYPE_FIXED_SIZE_LIST, TYPE_MAP, TYPE_DURATION = 15, 16, 17, 18
TYPE_LARGE_BINARY, TYPE_LARGE_UTF8, TYPE_LARGE_LIST = 19, 20, 21
TYPE_RUN_END_ENCODED, TYPE_BINARY_VIEW, TYPE_UTF8_VIEW, TYPE_LIST_VIEW, TYPE_LARGE_LIST_VIEW = 22, 23, 24, 25, 26

# BodyCompression (Message.fbs): 0 codec (CompressionType: LZ4_FRAME=0, ZSTD=1), 1 method (BUFFER=0)
COMPRESSION_CODECS = {0: "LZ4_FRAME", 1: "ZSTD"}

MAX_DEPTH = 64


def read_metadata(tbl: fb.Table, slot: int, where: str) -> t.Metadata:
    out = []
    for kv in tbl.tables(slot, lambda i: f"{where} custom_metadata[{i}]"):
        out.append((kv.string(0) or "", kv.string(1) or ""))
    return tuple(out)


def _read_int(tbl: fb.Table, where: str) -> t.Int:
    bw = tbl.i32(0, 0)
    if bw not in (8, 16, 32, 64):
        raise ArrowFormatError(f"{where}: integer bit width {bw}")
    return t.Int(bw, tbl.bool(1, False))


def _unit(value: int, enum: type, where: str) -> object:
    try:
        return enum(value)
    except ValueError:
        raise ArrowFormatError(f"{where}: bad {enum.__name__} {value}") from None


def read_field(tbl: fb.Table, path: str, depth: int) -> t.Field:
    """A Field table → :class:`Field` (dictionary-encoded fields get a :class:`Dictionary` type)."""
    if depth > MAX_DEPTH:
        raise ArrowFormatError(f"{path}: nesting deeper than {MAX_DEPTH} levels")
    name = tbl.string(0) or ""
    where = f"field {path}"
    nullable = tbl.bool(1, False)
    type_type = tbl.u8(2, 0)
    body = tbl.table(3, f"{where} type")
    children = [read_field(c, f"{path}.{i}", depth + 1) for i, c in
                enumerate(tbl.tables(5, lambda i: f"{where} child {i}"))]
    where = f"field {path} ({name!r})"
    ty = _read_type(type_type, body, children, where)
    dict_tbl = tbl.table(4, f"{where} dictionary")
    if dict_tbl is not None:
        index_tbl = dict_tbl.table(1, f"{where} dictionary indexType")
        index_type = t.Int(32, True) if index_tbl is None else _read_int(index_tbl, f"{where} dictionary indexType")
        ty = t.Dictionary(index_type, ty, dict_tbl.bool(2, False), dict_tbl.i64(0, 0))
    return t.Field(name, ty, nullable, read_metadata(tbl, 6, where))


def _need(children: List[t.Field], n: int, what: str, where: str) -> None:
    if len(children) != n:
        raise ArrowFormatError(f"{where}: {what} needs {n} child field(s), has {len(children)}")


def _read_type(type_type: int, body: Optional[fb.Table], children: List[t.Field], where: str) -> t.DataType:
    if type_type == 0 or type_type > 26:
        raise ArrowFormatError(f"{where}: unknown type id {type_type}")
    if body is None:
        # every type has a (possibly empty) table; be lenient with the parameterless ones
        if type_type not in (TYPE_NULL, TYPE_BINARY, TYPE_UTF8, TYPE_BOOL, TYPE_LIST, TYPE_STRUCT,
                             TYPE_LARGE_BINARY, TYPE_LARGE_UTF8, TYPE_LARGE_LIST, TYPE_RUN_END_ENCODED,
                             TYPE_BINARY_VIEW, TYPE_UTF8_VIEW, TYPE_LIST_VIEW, TYPE_LARGE_LIST_VIEW):
            raise ArrowFormatError(f"{where}: type table missing")
    flat = {TYPE_NULL: t.Null, TYPE_BINARY: t.Binary, TYPE_UTF8: t.Utf8, TYPE_BOOL: t.Bool,
            TYPE_LARGE_BINARY: t.LargeBinary, TYPE_LARGE_UTF8: t.LargeUtf8, TYPE_BINARY_VIEW: t.BinaryView,
            TYPE_UTF8_VIEW: t.Utf8View}
    if type_type in flat:
        return flat[type_type]()
    if type_type in (TYPE_LIST, TYPE_LARGE_LIST):
        _need(children, 1, "a list", where)
        return t.List(children[0]) if type_type == TYPE_LIST else t.LargeList(children[0])
    if type_type in (TYPE_LIST_VIEW, TYPE_LARGE_LIST_VIEW):
        _need(children, 1, "a list view", where)
        return t.ListView(children[0]) if type_type == TYPE_LIST_VIEW else t.LargeListView(children[0])
    if type_type == TYPE_STRUCT:
        return t.Struct(tuple(children))
    if type_type == TYPE_RUN_END_ENCODED:
        _need(children, 2, "a run-end encoded array", where)
        run_ends = children[0].type
        if not isinstance(run_ends, t.Int) or not run_ends.signed or run_ends.bit_width == 8:
            raise ArrowFormatError(f"{where}: run ends must be int16, int32 or int64, not {run_ends}")
        return t.RunEndEncoded(children[0], children[1])
    assert body is not None
    if type_type == TYPE_INT:
        return _read_int(body, where)
    if type_type == TYPE_FLOAT:
        return t.FloatingPoint(_unit(body.i16(0, 0), t.Precision, where))
    if type_type == TYPE_DECIMAL:
        bw = body.i32(2, 128)
        if bw not in (32, 64, 128, 256):
            raise ArrowFormatError(f"{where}: decimal bit width {bw}")
        return t.Decimal(body.i32(0, 0), body.i32(1, 0), bw)
    if type_type == TYPE_DATE:
        return t.Date(_unit(body.i16(0, 1), t.DateUnit, where))
    if type_type == TYPE_TIME:
        unit = _unit(body.i16(0, 1), t.TimeUnit, where)
        bw = body.i32(1, 32)
        if (bw == 32) != (unit in (t.TimeUnit.SECOND, t.TimeUnit.MILLISECOND)) or bw not in (32, 64):
            raise ArrowFormatError(f"{where}: time of unit {unit.name} cannot have bit width {bw}")
        return t.Time(unit, bw)
    if type_type == TYPE_TIMESTAMP:
        return t.Timestamp(_unit(body.i16(0, 0), t.TimeUnit, where), body.string(1))
    if type_type == TYPE_DURATION:
        return t.Duration(_unit(body.i16(0, 1), t.TimeUnit, where))
    if type_type == TYPE_INTERVAL:
        return t.Interval(_unit(body.i16(0, 0), t.IntervalUnit, where))
    if type_type == TYPE_FIXED_SIZE_BINARY:
        w = body.i32(0, 0)
        if w < 0:
            raise ArrowFormatError(f"{where}: fixed-size binary width {w}")
        return t.FixedSizeBinary(w)
    if type_type == TYPE_FIXED_SIZE_LIST:
        _need(children, 1, "a fixed-size list", where)
        size = body.i32(0, 0)
        if size < 0:
            raise ArrowFormatError(f"{where}: fixed-size list size {size}")
        return t.FixedSizeList(children[0], size)
    if type_type == TYPE_MAP:
        _need(children, 1, "a map", where)
        entries = children[0]
        if not isinstance(entries.type, t.Struct) or len(entries.type.fields) != 2:
            raise ArrowFormatError(f"{where}: a map's child must be a struct of key and value")
        return t.Map(entries, body.bool(0, False))
    if type_type == TYPE_UNION:
        mode = _unit(body.i16(0, 0), t.UnionMode, where)
        ids = body.scalars(1, "i") if body.has(1) else None
        if ids is not None and len(ids) != len(children):
            raise ArrowFormatError(f"{where}: union has {len(children)} children but {len(ids)} type ids")
        try:
            return t.Union(tuple(children), mode, None if ids is None else tuple(ids))
        except ValueError as e:
            raise ArrowFormatError(f"{where}: {e}") from None
    raise ArrowFormatError(f"{where}: unknown type id {type_type}")  # pragma: no cover


def read_schema(tbl: fb.Table) -> t.Schema:
    if tbl.i16(0, 0) != 0:
        raise UnsupportedArrowFeature("big-endian", "big-endian Arrow streams are not supported")
    fields = [read_field(f, str(i), 1) for i, f in enumerate(tbl.tables(1, lambda i: f"field {i}"))]
    return t.Schema(tuple(fields), read_metadata(tbl, 2, "schema"))


# ------------------------------------------------------------------------------------- writing


def _metadata_tables(md: t.Metadata) -> List[fb.TableB]:
    return [fb.TableB().string(0, k).string(1, v) for k, v in md]


def _int_table(ty: t.Int) -> fb.TableB:
    return fb.TableB().i32(0, ty.bit_width).bool(1, ty.signed)


def _type_table(ty: t.DataType) -> Tuple[int, fb.TableB]:
    b = fb.TableB()
    if isinstance(ty, t.Null):
        return TYPE_NULL, b
    if isinstance(ty, t.Int):
        return TYPE_INT, _int_table(ty)
    if isinstance(ty, t.FloatingPoint):
        return TYPE_FLOAT, b.i16(0, int(ty.precision))
    if isinstance(ty, t.Binary):
        return TYPE_BINARY, b
    if isinstance(ty, t.Utf8):
        return TYPE_UTF8, b
    if isinstance(ty, t.Bool):
        return TYPE_BOOL, b
    if isinstance(ty, t.Decimal):
        return TYPE_DECIMAL, b.i32(0, ty.precision).i32(1, ty.scale).i32(2, ty.bit_width)
    if isinstance(ty, t.Date):
        return TYPE_DATE, b.i16(0, int(ty.unit))
    if isinstance(ty, t.Time):
        return TYPE_TIME, b.i16(0, int(ty.unit)).i32(1, ty.bit_width)
    if isinstance(ty, t.Timestamp):
        b.i16(0, int(ty.unit))
        if ty.tz is not None:
            b.string(1, ty.tz)
        return TYPE_TIMESTAMP, b
    if isinstance(ty, t.Interval):
        return TYPE_INTERVAL, b.i16(0, int(ty.unit))
    if isinstance(ty, t.List):
        return TYPE_LIST, b
    if isinstance(ty, t.Struct):
        return TYPE_STRUCT, b
    if isinstance(ty, t.Union):
        assert ty.type_ids is not None
        return TYPE_UNION, b.i16(0, int(ty.mode)).scalars(1, "i", ty.type_ids)
    if isinstance(ty, t.FixedSizeBinary):
        return TYPE_FIXED_SIZE_BINARY, b.i32(0, ty.byte_width)
    if isinstance(ty, t.FixedSizeList):
        return TYPE_FIXED_SIZE_LIST, b.i32(0, ty.size)
    if isinstance(ty, t.Map):
        return TYPE_MAP, b.bool(0, ty.keys_sorted)
    if isinstance(ty, t.Duration):
        return TYPE_DURATION, b.i16(0, int(ty.unit))
    if isinstance(ty, t.LargeBinary):
        return TYPE_LARGE_BINARY, b
    if isinstance(ty, t.LargeUtf8):
        return TYPE_LARGE_UTF8, b
    if isinstance(ty, t.LargeList):
        return TYPE_LARGE_LIST, b
    if isinstance(ty, t.RunEndEncoded):
        return TYPE_RUN_END_ENCODED, b
    if isinstance(ty, t.BinaryView):
        return TYPE_BINARY_VIEW, b
    if isinstance(ty, t.Utf8View):
        return TYPE_UTF8_VIEW, b
    if isinstance(ty, t.ListView):
        return TYPE_LIST_VIEW, b
    if isinstance(ty, t.LargeListView):
        return TYPE_LARGE_LIST_VIEW, b
    raise TypeError(f"cannot write type {ty}")


def field_table(f: t.Field) -> fb.TableB:
    """A Field table; dictionary ids must already be assigned."""
    b = fb.TableB().string(0, f.name).bool(1, f.nullable)
    ty = f.type
    if isinstance(ty, t.Dictionary):
        if ty.id is None:
            raise ValueError(f"field {f.name!r}: dictionary id not assigned")
        b.table(4, fb.TableB().i64(0, ty.id).table(1, _int_table(ty.index_type)).bool(2, ty.ordered))
        ty = ty.value_type
    type_id, body = _type_table(ty)
    b.u8(2, type_id).table(3, body)
    b.tables(5, [field_table(c) for c in ty.children])
    if f.metadata:
        b.tables(6, _metadata_tables(f.metadata))
    return b


def message(header_type: int, header: fb.TableB, body_length: int, md: t.Metadata = ()) -> bytes:
    """A serialised Message flatbuffer (V5)."""
    m = fb.TableB().i16(0, METADATA_V5).u8(1, header_type).table(2, header).i64(3, body_length)
    if md:
        m.tables(4, _metadata_tables(md))
    return fb.build(m)


def schema_message(schema: t.Schema) -> bytes:
    s = fb.TableB().i16(0, 0).tables(1, [field_table(f) for f in schema.fields])
    if schema.metadata:
        s.tables(2, _metadata_tables(schema.metadata))
    return message(HEADER_SCHEMA, s, 0)


def record_batch_table(length: int, nodes: List[Tuple[int, int]], buffers: List[Tuple[int, int]],
                       variadic_counts: Sequence[int] = ()) -> fb.TableB:
    """A RecordBatch table; ``variadic_counts`` (one per view-typed field, pre-order) only when non-empty."""
    b = fb.TableB().i64(0, length).structs(1, "qq", nodes).structs(2, "qq", buffers)
    if variadic_counts:
        b.scalars(4, "q", list(variadic_counts))
    return b
