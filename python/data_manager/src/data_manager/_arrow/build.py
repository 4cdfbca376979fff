"""Building columns from Python values and numpy arrays; type inference for ``from_pydict``."""

from __future__ import annotations

import array
import datetime as _dt
import decimal as _decimal
import itertools
import struct
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from . import types as t
from .column import (_EPOCH, _EPOCH_ORDINAL, _EPOCH_UTC, _INT_FORMATS, Column, RecordBatch, _storage_format)
from .compat import LITTLE_ENDIAN_HOST, numpy_or_none, require_numpy

__all__ = ["build_column", "column_from_numpy", "batch_from_pydict", "infer_type", "pack_bits", "DictionaryEncoder"]

_EMPTY = b""


def pack_bits(flags: Sequence[bool]) -> bytes:
    """LSB-first bitmap of ``flags``; padding bits are 0."""
    n = len(flags)
    np = numpy_or_none()
    if np is not None and n > 256:
        return np.packbits(np.fromiter(flags, bool, n), bitorder="little").tobytes()
    out = bytearray((n + 7) >> 3)
    for i in itertools.compress(range(n), flags):
        out[i >> 3] |= 1 << (i & 7)
    return bytes(out)


# --------------------------------------------------------------------------- natural → storage


_UNIT_PER_SECOND = {t.TimeUnit.SECOND: 1, t.TimeUnit.MILLISECOND: 1000, t.TimeUnit.MICROSECOND: 1_000_000,
                    t.TimeUnit.NANOSECOND: 1_000_000_000}


def _td_to_units(td: _dt.timedelta, unit: t.TimeUnit) -> int:
    us = (td.days * 86_400 + td.seconds) * 1_000_000 + td.microseconds
    if unit == t.TimeUnit.NANOSECOND:
        return us * 1000
    return us // (1_000_000 // _UNIT_PER_SECOND[unit])


def _natural(ty: t.DataType) -> Optional[Callable[[Any], Any]]:
    """Converter of one non-null natural value to its storage value (None: values are storage already)."""
    if isinstance(ty, t.Date):
        ms = ty.unit == t.DateUnit.MILLISECOND

        def date(v: Any) -> int:
            if isinstance(v, int):
                return v
            if isinstance(v, _dt.datetime):
                if ms:
                    base = _EPOCH_UTC if v.tzinfo is not None else _EPOCH
                    return _td_to_units(v - base, t.TimeUnit.MILLISECOND)
                v = v.date()
            if not isinstance(v, _dt.date):
                raise TypeError(f"expected a datetime.date for {ty}, got {type(v).__name__}")
            days = v.toordinal() - _EPOCH_ORDINAL
            return days * 86_400_000 if ms else days
        return date
    if isinstance(ty, t.Timestamp):
        unit = ty.unit

        def ts(v: Any) -> int:
            if isinstance(v, int):
                return v
            if isinstance(v, _dt.datetime):
                base = _EPOCH_UTC if v.tzinfo is not None else _EPOCH
                return _td_to_units(v - base, unit)
            if isinstance(v, _dt.date):
                return _td_to_units(_dt.datetime(v.year, v.month, v.day) - _EPOCH, unit)
            raise TypeError(f"expected a datetime.datetime for {ty}, got {type(v).__name__}")
        return ts
    if isinstance(ty, t.Time):
        unit = ty.unit

        def tm(v: Any) -> int:
            if isinstance(v, int):
                return v
            if not isinstance(v, _dt.time):
                raise TypeError(f"expected a datetime.time for {ty}, got {type(v).__name__}")
            return _td_to_units(_dt.timedelta(hours=v.hour, minutes=v.minute, seconds=v.second,
                                              microseconds=v.microsecond), unit)
        return tm
    if isinstance(ty, t.Duration):
        unit = ty.unit

        def dur(v: Any) -> int:
            if isinstance(v, int):
                return v
            if not isinstance(v, _dt.timedelta):
                raise TypeError(f"expected a datetime.timedelta for {ty}, got {type(v).__name__}")
            return _td_to_units(v, unit)
        return dur
    if isinstance(ty, t.Decimal):
        scale = ty.scale
        ctx = _decimal.Context(prec=200)

        def dec(v: Any) -> int:
            if isinstance(v, float):
                v = _decimal.Decimal(repr(v))
            d = _decimal.Decimal(v)
            if not d.is_finite():
                raise ValueError(f"{d} cannot be stored as {ty}")
            scaled = d.scaleb(scale, ctx)
            unscaled = int(scaled)
            if unscaled != scaled:
                raise ValueError(f"{d} has more than {scale} decimal places ({ty})")
            return unscaled
        return dec
    return None


# -------------------------------------------------------------------------------- dictionaries


def _hashable(v: Any) -> Any:
    if isinstance(v, list):
        return ("l",) + tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return ("d",) + tuple((k, _hashable(x)) for k, x in v.items())
    if isinstance(v, tuple):
        return ("t",) + tuple(_hashable(x) for x in v)
    if isinstance(v, float) and v != v:
        return ("nan",)
    return (type(v).__name__, v)


class DictionaryEncoder:
    """Assigns indices to distinct values in first-seen order; reused across batches it only appends,
    so earlier dictionaries stay prefixes of later ones (the writer then sends deltas)."""

    def __init__(self, ty: t.Dictionary, natural: bool,
                 encoders: Optional[Dict[int, "DictionaryEncoder"]] = None) -> None:
        self.type = ty
        self.natural = natural
        self.encoders = encoders
        self.values: List[Any] = []
        self._index: Dict[Any, int] = {}
        self._column: Optional[Column] = None

    def encode(self, values: Sequence[Any]) -> List[Optional[int]]:
        out: List[Optional[int]] = []
        index = self._index
        for v in values:
            if v is None:
                out.append(None)
                continue
            k = _hashable(v)
            i = index.get(k)
            if i is None:
                i = index[k] = len(self.values)
                self.values.append(v)
                self._column = None
            out.append(i)
        return out

    def column(self) -> Column:
        """The dictionary values so far."""
        if self._column is None or self._column.length != len(self.values):
            self._column = build_column(self.values, self.type.value_type, self.natural, self.encoders)
        return self._column


# ------------------------------------------------------------------------------------ builders


def _validity(values: List[Any]) -> Tuple[Optional[bytes], int]:
    nulls = values.count(None)
    if not nulls:
        return None, 0
    return pack_bits([v is not None for v in values]), nulls


def _pack_offsets(lengths: Iterable[int], large: bool, ty: t.DataType) -> bytes:
    offsets = array.array("q" if large else "i", [0])
    try:
        offsets.extend(itertools.accumulate(lengths))
    except OverflowError:
        raise OverflowError(f"{ty} column holds more than 2 GiB of data; use the large variant") from None
    if not LITTLE_ENDIAN_HOST:  # pragma: no cover - big-endian hosts
        offsets.byteswap()
    return offsets.tobytes()


def _pack(fmt: str, values: Sequence[Any], ty: t.DataType) -> bytes:
    try:
        return struct.pack(f"<{len(values)}{fmt}", *values)
    except struct.error as e:
        raise OverflowError(f"a value does not fit {ty}: {e}") from None


def build_column(values: List[Any], ty: t.DataType, natural: bool,
                 encoders: Optional[Dict[int, DictionaryEncoder]] = None) -> Column:
    """A column of ``ty`` from ``values`` (None = null); ``natural``: Python objects, else storage values.

    ``encoders`` (dictionary id → encoder) lets several columns and batches share dictionaries.
    """
    n = len(values)
    if isinstance(ty, t.Null):
        return Column(ty, n, [None])
    if isinstance(ty, t.Union):
        return _build_union(values, ty, natural, encoders)
    validity, nulls = _validity(values)
    if isinstance(ty, t.Dictionary):
        enc: Optional[DictionaryEncoder] = None
        if encoders is not None and ty.id is not None:
            enc = encoders.get(ty.id)
            if enc is None:
                enc = encoders[ty.id] = DictionaryEncoder(ty, natural, encoders)
        if enc is None:
            enc = DictionaryEncoder(ty, natural)
        idx = enc.encode(values)
        fmt = _INT_FORMATS[(ty.index_type.bit_width, ty.index_type.signed)]
        data = _pack(fmt, [0 if i is None else i for i in idx], ty.index_type)
        return Column(ty, n, [validity, data], (), enc.column(), 0, nulls)
    if natural:
        conv = _natural(ty)
        if conv is not None:
            values = [None if v is None else conv(v) for v in values]
    fmt = _storage_format(ty)
    if fmt is not None:
        if isinstance(ty, t.FloatingPoint):
            vals = [0.0 if v is None else float(v) for v in values]
        elif isinstance(ty, t.Interval):
            vals = [0 if v is None else (v if isinstance(v, int) else v[0]) for v in values]
        else:
            vals = [0 if v is None else _as_int(v, ty) for v in values]
        return Column(ty, n, [validity, _pack(fmt, vals, ty)], null_count=nulls)
    if isinstance(ty, t.Bool):
        return Column(ty, n, [validity, pack_bits([bool(v) for v in values])], null_count=nulls)
    if isinstance(ty, (t.Utf8, t.LargeUtf8, t.Binary, t.LargeBinary)):
        large = isinstance(ty, (t.LargeUtf8, t.LargeBinary))
        items = [v for v in values if v is not None] if nulls else values
        lengths: Iterable[int]
        if isinstance(ty, (t.Utf8, t.LargeUtf8)):
            try:
                joined = "".join(items)
            except TypeError:
                bad = next(v for v in items if not isinstance(v, str))
                raise TypeError(f"expected str for {ty}, got {type(bad).__name__}") from None
            if joined.isascii():  # one encode; character counts are byte counts
                data = joined.encode("ascii")
                lengths = map(len, values if not nulls else (v or "" for v in values))
            else:
                parts = [b"" if v is None else v.encode("utf-8") for v in values]
                data = b"".join(parts)
                lengths = map(len, parts)
        else:
            parts = [b"" if v is None else bytes(v) for v in values]
            data = b"".join(parts)
            lengths = map(len, parts)
        return Column(ty, n, [validity, _pack_offsets(lengths, large, ty), data], null_count=nulls)
    if isinstance(ty, (t.BinaryView, t.Utf8View)):
        return _build_views(values, ty, validity, nulls)
    if isinstance(ty, (t.ListView, t.LargeListView)):
        w = "q" if isinstance(ty, t.LargeListView) else "i"
        rows = [None if v is None else list(v) for v in values]
        sizes = [0 if r is None else len(r) for r in rows]
        starts = [0]
        starts.extend(itertools.accumulate(sizes))
        child = build_column([x for r in rows if r is not None for x in r], ty.field.type, natural, encoders)
        return Column(ty, n, [validity, _pack(w, starts[:-1], ty), _pack(w, sizes, ty)], [child], null_count=nulls)
    if isinstance(ty, t.RunEndEncoded):
        return _build_runs(values, ty, natural, encoders)
    if isinstance(ty, t.FixedSizeBinary):
        w = ty.byte_width
        parts = []
        for v in values:
            if v is None:
                parts.append(bytes(w))
            else:
                b = bytes(v)
                if len(b) != w:
                    raise ValueError(f"{ty} value of {len(b)} bytes")
                parts.append(b)
        return Column(ty, n, [validity, b"".join(parts)], null_count=nulls)
    if isinstance(ty, t.Decimal):
        w = ty.bit_width // 8
        try:
            data = b"".join(bytes(w) if v is None else int(v).to_bytes(w, "little", signed=True) for v in values)
        except OverflowError:
            raise OverflowError(f"a value does not fit {ty}") from None
        return Column(ty, n, [validity, data], null_count=nulls)
    if isinstance(ty, t.Interval):
        if ty.unit == t.IntervalUnit.DAY_TIME:
            flat = [x for v in values for x in ((0, 0) if v is None else (v[0], v[1]))]
            return Column(ty, n, [validity, _pack("i", flat, ty)], null_count=nulls)
        s = struct.Struct("<iiq")
        data = b"".join(s.pack(0, 0, 0) if v is None else s.pack(v[0], v[1], v[2]) for v in values)
        return Column(ty, n, [validity, data], null_count=nulls)
    if isinstance(ty, (t.List, t.LargeList, t.Map)):
        large = isinstance(ty, t.LargeList)
        if isinstance(ty, t.Map):
            rows = [None if v is None else (list(v.items()) if isinstance(v, Mapping) else list(v)) for v in values]
        else:
            rows = [None if v is None else list(v) for v in values]
        offsets = [0]
        offsets.extend(itertools.accumulate(0 if r is None else len(r) for r in rows))
        flat = [x for r in rows if r is not None for x in r]
        if isinstance(ty, t.Map):
            entries_ty = ty.entries.type
            assert isinstance(entries_ty, t.Struct)
            kf, vf = entries_ty.fields
            for kv in flat:
                if kv is None or len(kv) != 2:
                    raise ValueError(f"map entries must be (key, value) pairs, got {kv!r}")
                if kv[0] is None:
                    raise ValueError("map keys cannot be null")
            keys = build_column([kv[0] for kv in flat], kf.type, natural, encoders)
            items = build_column([kv[1] for kv in flat], vf.type, natural, encoders)
            child = Column(entries_ty, len(flat), [None], [keys, items])
        else:
            child = build_column(flat, ty.children[0].type, natural, encoders)
        return Column(ty, n, [validity, _pack("q" if large else "i", offsets, ty)], [child], null_count=nulls)
    if isinstance(ty, t.FixedSizeList):
        k = ty.size
        flat = []
        for v in values:
            if v is None:
                flat.extend([None] * k)
            else:
                v = list(v)
                if len(v) != k:
                    raise ValueError(f"{ty} value of {len(v)} items")
                flat.extend(v)
        return Column(ty, n, [validity], [build_column(flat, ty.field.type, natural, encoders)], null_count=nulls)
    if isinstance(ty, t.Struct):
        kids = []
        for j, f in enumerate(ty.fields):
            col_vals = [None if v is None else (v.get(f.name) if isinstance(v, Mapping) else v[j]) for v in values]
            kids.append(build_column(col_vals, f.type, natural, encoders))
        return Column(ty, n, [validity], kids, null_count=nulls)
    raise TypeError(f"cannot build a column of type {ty}")


_VIEW_INLINE = struct.Struct("<i12s")
_VIEW_OUT = struct.Struct("<i4sii")


def _build_views(values: List[Any], ty: t.DataType, validity: Optional[bytes], nulls: int) -> Column:
    """Views of up to 12 bytes inline, longer values in one data buffer (none when all are short)."""
    text = isinstance(ty, t.Utf8View)
    views = bytearray()
    data = bytearray()
    for v in values:
        if v is None:
            views += bytes(16)
            continue
        if text:
            if not isinstance(v, str):
                raise TypeError(f"expected str for {ty}, got {type(v).__name__}")
            b = v.encode("utf-8")
        else:
            b = bytes(v)
        if len(b) <= 12:
            views += _VIEW_INLINE.pack(len(b), b)
        else:
            if len(data) + len(b) > (1 << 31) - 1:
                raise OverflowError(f"{ty} column holds more than 2 GiB of long values")
            views += _VIEW_OUT.pack(len(b), b[:4], 0, len(data))
            data += b
    bufs: List[Any] = [validity, bytes(views)]
    if data:
        bufs.append(bytes(data))
    return Column(ty, len(values), bufs, null_count=nulls)


def _build_runs(values: List[Any], ty: t.RunEndEncoded, natural: bool,
                encoders: Optional[Dict[int, DictionaryEncoder]]) -> Column:
    """Consecutive equal values (nulls included) become one run."""
    ends: List[int] = []
    run_values: List[Any] = []
    last: Any = object()
    for i, v in enumerate(values):
        k = None if v is None else _hashable(v)
        if ends and k == last:
            ends[-1] = i + 1
        else:
            ends.append(i + 1)
            run_values.append(v)
            last = k
    run_ends = build_column(ends, ty.run_ends.type, False)
    vals = build_column(run_values, ty.values.type, natural, encoders)
    return Column(ty, len(values), [None], [run_ends, vals])


def _as_int(v: Any, ty: t.DataType) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        try:
            import operator

            return operator.index(v)
        except TypeError:
            raise TypeError(f"expected an int for {ty}, got {type(v).__name__}") from None
    return v


def _build_union(values: List[Any], ty: t.Union, natural: bool, encoders: Optional[Dict[int, DictionaryEncoder]]) -> Column:
    assert ty.type_ids is not None
    n = len(values)
    tids = []
    if ty.fields:
        # unions have no validity of their own: a null slot (e.g. under a null parent) becomes a null
        # value of the first child
        values = [(ty.type_ids[0], None) if v is None else v for v in values]
    for v in values:
        if v is None or not isinstance(v, (tuple, list)) or len(v) != 2:
            raise ValueError(f"union values must be (type_id, value) pairs, got {v!r}")
        if ty.child_index(v[0]) < 0:
            raise ValueError(f"type id {v[0]} is not declared in {ty}")
        tids.append(v[0])
    type_ids = _pack("b", tids, ty)
    if ty.mode == t.UnionMode.SPARSE:
        kids = []
        for ci, f in enumerate(ty.fields):
            tid = ty.type_ids[ci]
            kids.append(build_column([v[1] if v[0] == tid else None for v in values], f.type, natural, encoders))
        return Column(ty, n, [None, type_ids], kids)
    per_child: List[List[Any]] = [[] for _ in ty.fields]
    offsets = []
    for tid, v in values:
        lst = per_child[ty.child_index(tid)]
        offsets.append(len(lst))
        lst.append(v)
    kids = [build_column(vals, f.type, natural, encoders) for vals, f in zip(per_child, ty.fields)]
    return Column(ty, n, [None, type_ids, _pack("i", offsets, ty)], kids)


# ---------------------------------------------------------------------------------------- numpy


def _numpy_type(np: Any, dtype: Any) -> Optional[t.DataType]:
    kind = dtype.kind
    if kind == "b":
        return t.Bool()
    if kind in "iu":
        return t.Int(dtype.itemsize * 8, kind == "i")
    if kind == "f" and dtype.itemsize in (2, 4, 8):
        return t.FloatingPoint({2: t.Precision.HALF, 4: t.Precision.SINGLE, 8: t.Precision.DOUBLE}[dtype.itemsize])
    if kind in "Mm":
        unit_name = np.datetime_data(dtype)[0]
        units = {"s": t.TimeUnit.SECOND, "ms": t.TimeUnit.MILLISECOND, "us": t.TimeUnit.MICROSECOND,
                 "ns": t.TimeUnit.NANOSECOND}
        if kind == "M" and unit_name == "D":
            return t.Date(t.DateUnit.DAY)
        if unit_name in units:
            return t.Timestamp(units[unit_name]) if kind == "M" else t.Duration(units[unit_name])
    return None


def column_from_numpy(array: Any, ty: Optional[t.DataType] = None, mask: Any = None) -> Column:
    """See :meth:`Column.from_numpy`. Fixed-width values are shared with the array, not copied."""
    np = require_numpy("Column.from_numpy")
    arr = np.asarray(array)
    if arr.ndim != 1:
        raise ValueError(f"expected a 1-D array, got {arr.ndim} dimensions")
    n = len(arr)
    inferred = _numpy_type(np, arr.dtype)
    if ty is None:
        ty = inferred
        if ty is None:
            values = arr.tolist()
            if mask is not None:
                values = [None if m else v for v, m in zip(values, np.asarray(mask, bool))]
            return build_column(values, infer_type(values), True)
    if mask is None and arr.dtype.kind in "Mm":
        nat = np.isnat(arr)
        mask = nat if nat.any() else None
    if mask is not None:
        mask = np.asarray(mask, bool)
        if mask.shape != (n,):
            raise ValueError("mask must be a bool array as long as the values")
    validity = None
    nulls = 0
    if mask is not None:
        nulls = int(mask.sum())
        if nulls:
            validity = np.packbits(~mask, bitorder="little").tobytes()
    fmt = _storage_format(ty)
    if isinstance(ty, t.Bool):
        data = np.packbits(arr.astype(bool), bitorder="little").tobytes()
        return Column(ty, n, [validity, data], null_count=nulls)
    if fmt is None or arr.dtype.kind not in "biufMm":
        values = arr.tolist()
        if mask is not None:
            values = [None if m else v for v, m in zip(values, mask)]
        return build_column(values, ty, True)
    want = np.dtype("<" + fmt.replace("e", "f2"))
    if arr.dtype.kind in "Mm":
        if isinstance(ty, t.Date) and ty.unit == t.DateUnit.DAY:
            arr = arr.astype("M8[D]").view("<i8").astype("<i4")
        else:
            arr = arr.view("<i8") if arr.dtype.byteorder in "=<|" else arr.astype(arr.dtype.newbyteorder("<")).view("<i8")
    if arr.dtype != want:
        arr = arr.astype(want)  # a converting copy (different width, kind or byte order)
    arr = np.ascontiguousarray(arr)
    return Column(ty, n, [validity, memoryview(arr).cast("B")], null_count=nulls)


# ------------------------------------------------------------------------------------ inference


def infer_type(values: Sequence[Any]) -> t.DataType:
    """The Arrow type of a list of Python values (None ignored; all-None → null).

    bool → bool, int → int64, float (or int mixed with float) → float64, str → utf8, bytes → binary,
    Decimal → decimal128 with the needed precision and scale, datetime → timestamp[us] (tz "UTC" when
    aware), date → date32, time → time64[us], timedelta → duration[us], list → list<inferred>,
    dict → struct of the keys. Mixed kinds raise TypeError.
    """
    kinds = set()
    sample = [v for v in values if v is not None]
    if not sample:
        return t.Null()
    for v in sample:
        kinds.add(_kind(v))
    if kinds == {"int", "float"}:
        return t.FloatingPoint(t.Precision.DOUBLE)
    if len(kinds) != 1:
        raise TypeError(f"cannot infer one Arrow type for values of kinds {sorted(kinds)}")
    kind = kinds.pop()
    if kind == "bool":
        return t.Bool()
    if kind == "int":
        return t.Int(64, True) if all(-(1 << 63) <= v < (1 << 63) for v in sample) else t.Int(64, False)
    if kind == "float":
        return t.FloatingPoint(t.Precision.DOUBLE)
    if kind == "str":
        return t.Utf8()
    if kind == "bytes":
        return t.Binary()
    if kind == "decimal":
        scale = max(max(0, -v.as_tuple().exponent) for v in sample)
        digits = max(len(v.scaleb(scale).to_integral_value().as_tuple().digits) for v in sample)
        precision = max(digits, scale, 1)
        return t.Decimal(precision, scale, 128 if precision <= 38 else 256)
    if kind == "datetime":
        aware = {v.tzinfo is not None for v in sample}
        if len(aware) != 1:
            raise TypeError("cannot mix naive and timezone-aware datetimes in one column")
        return t.Timestamp(t.TimeUnit.MICROSECOND, "UTC" if aware.pop() else None)
    if kind == "date":
        return t.Date(t.DateUnit.DAY)
    if kind == "time":
        return t.Time(t.TimeUnit.MICROSECOND, 64)
    if kind == "timedelta":
        return t.Duration(t.TimeUnit.MICROSECOND)
    if kind == "list":
        return t.List(t.Field("item", infer_type([x for v in sample for x in v])))
    if kind == "dict":
        names: List[str] = []
        for v in sample:
            for k in v:
                if k not in names:
                    names.append(k)
        return t.Struct(tuple(t.Field(k, infer_type([v.get(k) for v in sample])) for k in names))
    raise TypeError(f"cannot infer an Arrow type for {kind} values")  # pragma: no cover


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "bytes"
    if isinstance(v, _decimal.Decimal):
        return "decimal"
    if isinstance(v, _dt.datetime):
        return "datetime"
    if isinstance(v, _dt.date):
        return "date"
    if isinstance(v, _dt.time):
        return "time"
    if isinstance(v, _dt.timedelta):
        return "timedelta"
    if isinstance(v, (list, tuple)):
        return "list"
    if isinstance(v, dict):
        return "dict"
    np = numpy_or_none()
    if np is not None and isinstance(v, np.generic):
        return _kind(v.item())
    raise TypeError(f"cannot infer an Arrow type for {type(v).__name__} values")


def batch_from_pydict(data: Mapping[str, Any], schema: Optional[t.Schema] = None) -> RecordBatch:
    """See :meth:`RecordBatch.from_pydict`."""
    if schema is not None and list(schema.names) != list(data.keys()):
        raise ValueError(f"columns {list(data.keys())} do not match the schema's {list(schema.names)}")
    cols = []
    fields = []
    for i, (name, values) in enumerate(data.items()):
        given = schema.fields[i] if schema is not None else None
        if isinstance(values, Column):
            col = values
        elif hasattr(values, "dtype") and hasattr(values, "shape"):
            col = column_from_numpy(values, given.type if given else None)
        else:
            values = list(values)
            try:
                ty = given.type if given else infer_type(values)
            except TypeError as e:
                raise TypeError(f"column {name!r}: {e}") from None
            col = build_column(values, ty, True)
        cols.append(col)
        fields.append(given if given is not None else t.Field(name, col.type))
    lengths = {c.length for c in cols}
    if len(lengths) > 1:
        raise ValueError(f"columns have different lengths: {sorted(lengths)}")
    out_schema = schema if schema is not None else t.Schema(tuple(fields))
    return RecordBatch(out_schema, cols, cols[0].length if cols else 0)
