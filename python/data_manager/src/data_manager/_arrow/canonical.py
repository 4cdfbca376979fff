"""Canonical JSON (docs/arrow-cli.md, "to-json"; the C# side is ``DataBridge.Cli.Canonical.CanonicalJson``).

``{"schema": {"endianness", "fields": [...], "metadata": [[k, v], ...]}, "batches": [{"length",
"columns": [[...], ...]}]}``; metadata pairs sorted by key then value; int64 / date64 / time64 /
timestamp / duration / decimal values as decimal strings, binary as lowercase hex, special floats as
strings, unions as ``[typeId, value]``, dictionaries and run-end encoded arrays decoded.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional

from . import types as t
from .build import DictionaryEncoder, build_column
from .column import Column, DayTimeInterval, MonthDayNanoInterval, RecordBatch

__all__ = ["schema_to_json", "schema_from_json", "batch_to_json", "batches_from_json", "to_json_document"]

_UNITS = ["SECOND", "MILLISECOND", "MICROSECOND", "NANOSECOND"]


def _pairs(md: t.Metadata) -> List[List[str]]:
    return [list(p) for p in sorted(md)]


def type_to_json(ty: t.DataType) -> Dict[str, Any]:
    if isinstance(ty, t.Int):
        return {"name": "int", "bitWidth": ty.bit_width, "isSigned": ty.signed}
    if isinstance(ty, t.FloatingPoint):
        return {"name": "floatingpoint", "precision": ty.precision.name}
    if isinstance(ty, t.Decimal):
        return {"name": "decimal", "precision": ty.precision, "scale": ty.scale, "bitWidth": ty.bit_width}
    if isinstance(ty, t.Date):
        return {"name": "date", "unit": ty.unit.name}
    if isinstance(ty, t.Time):
        return {"name": "time", "unit": ty.unit.name, "bitWidth": ty.bit_width}
    if isinstance(ty, t.Timestamp):
        return {"name": "timestamp", "unit": ty.unit.name, "timezone": ty.tz}
    if isinstance(ty, t.Duration):
        return {"name": "duration", "unit": ty.unit.name}
    if isinstance(ty, t.Interval):
        return {"name": "interval", "unit": ty.unit.name}
    if isinstance(ty, t.FixedSizeBinary):
        return {"name": "fixedsizebinary", "byteWidth": ty.byte_width}
    if isinstance(ty, t.FixedSizeList):
        return {"name": "fixedsizelist", "listSize": ty.size}
    if isinstance(ty, t.Map):
        return {"name": "map", "keysSorted": ty.keys_sorted}
    if isinstance(ty, t.Union):
        return {"name": "union", "mode": ty.mode.name, "typeIds": list(ty.type_ids or ())}
    return {"name": ty.name}


def field_to_json(f: t.Field) -> Dict[str, Any]:
    ty = f.type
    dictionary = None
    if isinstance(ty, t.Dictionary):
        dictionary = {"id": ty.id, "indexType": type_to_json(ty.index_type), "isOrdered": ty.ordered}
        ty = ty.value_type
    out: Dict[str, Any] = {"name": f.name, "nullable": f.nullable, "type": type_to_json(ty),
                           "children": [field_to_json(c) for c in ty.children]}
    if dictionary is not None:
        out["dictionary"] = dictionary
    out["metadata"] = _pairs(f.metadata)
    return out


def schema_to_json(schema: t.Schema) -> Dict[str, Any]:
    return {"endianness": "Little", "fields": [field_to_json(f) for f in schema.fields],
            "metadata": _pairs(schema.metadata)}


def _float(x: float) -> Any:
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0 and math.copysign(1.0, x) < 0:
        return "-0"
    return x


def _apply(conv: Optional[Callable[[Any], Any]], x: Any) -> Any:
    return x if x is None or conv is None else conv(x)


def _canon(ty: t.DataType) -> Optional[Callable[[Any], Any]]:
    """Storage value → canonical value (None: identity)."""
    if isinstance(ty, t.Dictionary):
        return _canon(ty.value_type)
    if isinstance(ty, t.Int):
        return str if ty.bit_width == 64 else None
    if isinstance(ty, t.FloatingPoint):
        return _float
    if isinstance(ty, (t.Binary, t.LargeBinary, t.FixedSizeBinary, t.BinaryView)):
        return bytes.hex
    if isinstance(ty, t.RunEndEncoded):  # decoded values
        return _canon(ty.values.type)
    if isinstance(ty, t.Date):
        return None if ty.unit == t.DateUnit.DAY else str
    if isinstance(ty, t.Time):
        return None if ty.bit_width == 32 else str
    if isinstance(ty, (t.Timestamp, t.Duration, t.Decimal)):
        return str
    if isinstance(ty, t.Interval):
        if ty.unit == t.IntervalUnit.DAY_TIME:
            return lambda v: {"days": v[0], "milliseconds": v[1]}
        if ty.unit == t.IntervalUnit.MONTH_DAY_NANO:
            return lambda v: {"months": v[0], "days": v[1], "nanoseconds": str(v[2])}
        return None
    if isinstance(ty, (t.List, t.LargeList, t.FixedSizeList, t.ListView, t.LargeListView)):
        c = _canon(ty.children[0].type)
        return None if c is None else (lambda v: [None if x is None else c(x) for x in v])
    if isinstance(ty, t.Struct):
        convs = [(f.name, _canon(f.type)) for f in ty.fields]
        if len({f.name for f in ty.fields}) == len(ty.fields):
            return lambda v: {k: _apply(c, v[k]) for k, c in convs}
        return lambda v: [_apply(c, x) for (_, c), x in zip(convs, v)]
    if isinstance(ty, t.Map):
        entries = ty.entries.type
        kc, vc = _canon(entries.children[0].type), _canon(entries.children[1].type)
        ident: Callable[[Any], Any] = lambda x: x
        kc2, vc2 = kc or ident, vc or ident
        return lambda v: [[kc2(k), None if x is None else vc2(x)] for k, x in v]
    if isinstance(ty, t.Union):
        assert ty.type_ids is not None
        convs2 = {tid: _canon(f.type) for tid, f in zip(ty.type_ids, ty.fields)}

        def union(v: Any) -> Any:
            tid, x = v
            c = convs2[tid]
            return [tid, x if x is None or c is None else c(x)]
        return union
    return None


def column_to_json(col: Column) -> List[Any]:
    values = col.to_storage_pylist()
    c = _canon(col.type)
    ty = col.type
    while isinstance(ty, t.RunEndEncoded):
        ty = ty.values.type
    if isinstance(ty, t.Union):
        return [c(v) for v in values] if c else values
    return values if c is None else [None if v is None else c(v) for v in values]


def batch_to_json(batch: RecordBatch) -> Dict[str, Any]:
    return {"length": batch.num_rows, "columns": [column_to_json(c) for c in batch.columns]}


def to_json_document(schema: t.Schema, batches: List[RecordBatch]) -> Dict[str, Any]:
    return {"schema": schema_to_json(schema), "batches": [batch_to_json(b) for b in batches]}


# ------------------------------------------------------------------------------------- parsing


def _unit(enum: Any, name: Any) -> Any:
    try:
        return enum[str(name)]
    except KeyError:
        raise ValueError(f"unknown {enum.__name__} {name!r}") from None


def type_from_json(j: Dict[str, Any], children: List[t.Field]) -> t.DataType:
    name = j.get("name")
    simple = {"null": t.Null, "bool": t.Bool, "utf8": t.Utf8, "largeutf8": t.LargeUtf8, "binary": t.Binary,
              "largebinary": t.LargeBinary, "binaryview": t.BinaryView, "utf8view": t.Utf8View}
    if name in simple:
        return simple[name]()
    if name == "int":
        return t.Int(int(j["bitWidth"]), bool(j["isSigned"]))
    if name == "floatingpoint":
        return t.FloatingPoint(_unit(t.Precision, j["precision"]))
    if name == "decimal":
        return t.Decimal(int(j["precision"]), int(j["scale"]), int(j.get("bitWidth", 128)))
    if name == "date":
        return t.Date(_unit(t.DateUnit, j["unit"]))
    if name == "time":
        return t.Time(_unit(t.TimeUnit, j["unit"]), int(j["bitWidth"]))
    if name == "timestamp":
        return t.Timestamp(_unit(t.TimeUnit, j["unit"]), j.get("timezone"))
    if name == "duration":
        return t.Duration(_unit(t.TimeUnit, j["unit"]))
    if name == "interval":
        return t.Interval(_unit(t.IntervalUnit, j["unit"]))
    if name == "fixedsizebinary":
        return t.FixedSizeBinary(int(j["byteWidth"]))
    if name == "runendencoded":
        if len(children) != 2:
            raise ValueError("runendencoded needs two child fields (run ends, values)")
        return t.RunEndEncoded(children[0], children[1])
    if name in ("list", "largelist", "fixedsizelist", "map", "listview", "largelistview"):
        if len(children) != 1:
            raise ValueError(f"{name} needs exactly one child field")
        if name == "listview":
            return t.ListView(children[0])
        if name == "largelistview":
            return t.LargeListView(children[0])
        if name == "list":
            return t.List(children[0])
        if name == "largelist":
            return t.LargeList(children[0])
        if name == "map":
            return t.Map(children[0], bool(j.get("keysSorted", False)))
        return t.FixedSizeList(children[0], int(j["listSize"]))
    if name == "struct":
        return t.Struct(tuple(children))
    if name == "union":
        return t.Union(tuple(children), _unit(t.UnionMode, j["mode"]), j.get("typeIds"))
    raise ValueError(f"unsupported type {name!r}")


def field_from_json(j: Dict[str, Any], depth: int = 0) -> t.Field:
    if depth > 64:
        raise ValueError("nesting deeper than 64 levels")
    children = [field_from_json(c, depth + 1) for c in j.get("children", [])]
    ty = type_from_json(j["type"], children)
    d = j.get("dictionary")
    if d is not None:
        it = d.get("indexType") or {"name": "int", "bitWidth": 32, "isSigned": True}
        index = type_from_json(it, [])
        if not isinstance(index, t.Int):
            raise ValueError("dictionary index type must be an integer type")
        ty = t.Dictionary(index, ty, bool(d.get("isOrdered", False)), d.get("id"))
    return t.Field(str(j["name"]), ty, bool(j.get("nullable", True)), tuple((k, v) for k, v in j.get("metadata", [])))


def schema_from_json(j: Dict[str, Any]) -> t.Schema:
    if j.get("endianness", "Little") != "Little":
        from ..exceptions import UnsupportedArrowFeature

        raise UnsupportedArrowFeature("big-endian", "big-endian data cannot be written")
    return t.Schema(tuple(field_from_json(f) for f in j.get("fields", [])),
                    tuple((k, v) for k, v in j.get("metadata", [])))


def _parse_float(x: Any) -> float:
    if isinstance(x, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}.get(x) or float(x)
    return float(x)


def _uncanon(ty: t.DataType) -> Optional[Callable[[Any], Any]]:
    """Canonical value → storage value (None: identity)."""
    if isinstance(ty, t.Dictionary):
        return _uncanon(ty.value_type)
    if isinstance(ty, t.Int):
        return int if ty.bit_width == 64 else None
    if isinstance(ty, t.FloatingPoint):
        return _parse_float
    if isinstance(ty, (t.Binary, t.LargeBinary, t.FixedSizeBinary, t.BinaryView)):
        return bytes.fromhex
    if isinstance(ty, t.RunEndEncoded):
        return _uncanon(ty.values.type)
    if isinstance(ty, (t.Date, t.Time, t.Timestamp, t.Duration, t.Decimal)):
        return int
    if isinstance(ty, t.Interval):
        if ty.unit == t.IntervalUnit.DAY_TIME:
            return lambda v: DayTimeInterval(int(v["days"]), int(v["milliseconds"]))
        if ty.unit == t.IntervalUnit.MONTH_DAY_NANO:
            return lambda v: MonthDayNanoInterval(int(v["months"]), int(v["days"]), int(v["nanoseconds"]))
        return int
    if isinstance(ty, (t.List, t.LargeList, t.FixedSizeList, t.ListView, t.LargeListView)):
        c = _uncanon(ty.children[0].type)
        return None if c is None else (lambda v: [None if x is None else c(x) for x in v])
    if isinstance(ty, t.Struct):
        convs = [(f.name, _uncanon(f.type)) for f in ty.fields]

        def struct_(v: Any) -> Any:
            if isinstance(v, dict):
                return {k: _apply(c, v.get(k)) for k, c in convs}
            return [_apply(c, x) for (_, c), x in zip(convs, v)]
        return struct_
    if isinstance(ty, t.Map):
        entries = ty.entries.type
        kc, vc = _uncanon(entries.children[0].type), _uncanon(entries.children[1].type)
        ident: Callable[[Any], Any] = lambda x: x
        kc2, vc2 = kc or ident, vc or ident
        return lambda v: [(kc2(k), None if x is None else vc2(x)) for k, x in v]
    if isinstance(ty, t.Union):
        assert ty.type_ids is not None
        convs2 = {tid: _uncanon(f.type) for tid, f in zip(ty.type_ids, ty.fields)}

        def union(v: Any) -> Any:
            tid, x = v
            c = convs2.get(tid)
            return (tid, x if x is None or c is None else c(x))
        return union
    return None


def _rebind(col: Column, encoders: Dict[int, DictionaryEncoder]) -> Column:
    """Points every dictionary column at the final dictionary of its id (ids can be shared)."""
    kids = tuple(_rebind(c, encoders) for c in col.children)
    d = col.dictionary
    if isinstance(col.type, t.Dictionary) and col.type.id in encoders:
        d = _rebind(encoders[col.type.id].column(), encoders)
    if d is col.dictionary and all(a is b for a, b in zip(kids, col.children)):
        return col
    return Column(col.type, col.length, col.buffers, kids, d, col.offset, col._null_count)


def _run_values_type(ty: t.DataType) -> t.DataType:
    while isinstance(ty, t.RunEndEncoded):
        ty = ty.values.type
    return ty


def batches_from_json(schema: t.Schema, batches: List[Dict[str, Any]]) -> List[RecordBatch]:
    """Record batches from canonical JSON batches; dictionaries are shared per id across batches."""
    encoders: Dict[int, DictionaryEncoder] = {}
    convs = [_uncanon(f.type) for f in schema.fields]
    out = []
    for bi, b in enumerate(batches):
        length = int(b["length"])
        columns = b.get("columns", [])
        if len(columns) != len(schema.fields):
            raise ValueError(f"batch {bi}: {len(columns)} columns for {len(schema.fields)} fields")
        cols = []
        for f, c, values in zip(schema.fields, convs, columns):
            if len(values) != length:
                raise ValueError(f"batch {bi}, field {f.name}: {len(values)} values, batch length {length}")
            if isinstance(_run_values_type(f.type), t.Union):
                storage = [c(v) for v in values] if c else values
            else:
                storage = values if c is None else [None if v is None else c(v) for v in values]
            cols.append(build_column(storage, f.type, False, encoders))
        cols = [_rebind(col, encoders) for col in cols]
        out.append(RecordBatch(schema, cols, length))
    return out
