"""pandas → Arrow: type inference and conversion of one pandas Series to one :class:`Column`.

See ``docs/pandas-mapping.md`` for the mapping. Fixed-width numpy data is handed to the column as it
is (the column's buffer *is* the Series' memory); only what Arrow lays out differently is built:
validity bitmaps, bit-packed booleans, string offsets and data, rescaled temporal units. Values with no
vectorised path (decimals, times, nested values, ...) go through ``Column.from_pylist``.

Every error names the column. Imported lazily (numpy and pandas); callers use :mod:`data_manager._pandas`.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from ._arrow import types as t
from ._arrow.column import Column

__all__ = ["OffsetOverflow", "infer_series_type", "series_to_column", "timezone_name"]

_INT32_MAX = 2**31 - 1
_NAT = np.iinfo(np.int64).min
_UNITS = {"s": t.TimeUnit.SECOND, "ms": t.TimeUnit.MILLISECOND, "us": t.TimeUnit.MICROSECOND, "ns": t.TimeUnit.NANOSECOND}
_NS_PER_UNIT = {t.TimeUnit.SECOND: 1_000_000_000, t.TimeUnit.MILLISECOND: 1_000_000,
                t.TimeUnit.MICROSECOND: 1_000, t.TimeUnit.NANOSECOND: 1}
_NS_PER_DAY = 86_400 * 1_000_000_000
_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MAX_DEPTH = 64


class OffsetOverflow(Exception):
    """A string/binary column slice holds more than 2 GiB: the caller splits the rows and retries."""


def _fail(exc: type, name: str, message: str) -> Exception:
    return exc(f"column {name!r}: {message}")


# ---------------------------------------------------------------------------------------- helpers


def _le(arr: Any) -> Any:
    """``arr`` as a C-contiguous little-endian array (no copy when it already is one)."""
    if not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr)
    bo = arr.dtype.byteorder
    if bo == ">" or (bo == "=" and sys.byteorder == "big"):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr


def _make(ty: t.DataType, n: int, valid: Optional[Any], *buffers: Any, children: Tuple[Column, ...] = (),
          dictionary: Optional[Column] = None) -> Column:
    """A column from ``valid`` (bool array, True = valid, or None) and its value buffers."""
    bitmap = None
    nulls = 0
    if valid is not None:
        count = int(np.count_nonzero(valid))
        if count != n:
            bitmap = np.packbits(valid, bitorder="little")
            nulls = n - count
    return Column(ty, n, [bitmap, *buffers], children, dictionary, 0, nulls)


def _masked_parts(array: Any) -> Tuple[Any, Any]:
    """(values, null mask) of a pandas masked array (``Int64``, ``boolean``, ``Float64``...), no copy."""
    data = getattr(array, "_data", None)
    mask = getattr(array, "_mask", None)
    if isinstance(data, np.ndarray) and isinstance(mask, np.ndarray):
        return data, mask
    # a pandas without the private attributes: one copy through the public API
    mask = np.asarray(array.isna())
    return array.to_numpy(dtype=array.dtype.numpy_dtype, na_value=0), mask


_MASKED_DTYPES = {"Int8Dtype", "Int16Dtype", "Int32Dtype", "Int64Dtype", "UInt8Dtype", "UInt16Dtype",
                  "UInt32Dtype", "UInt64Dtype", "Float32Dtype", "Float64Dtype", "BooleanDtype"}


def timezone_name(tz: Any, name: str) -> str:
    """The Arrow ``tz`` string of a pandas/pytz/zoneinfo/dateutil/datetime time zone."""
    zone = getattr(tz, "zone", None)  # pytz
    if isinstance(zone, str):
        return zone
    key = getattr(tz, "key", None)  # zoneinfo
    if isinstance(key, str):
        return key
    if tz is _dt.timezone.utc:
        return "UTC"
    filename = getattr(tz, "_filename", None)  # dateutil.tz.gettz("Area/City")
    if isinstance(filename, str) and "/" in filename and not filename.startswith("/"):
        return filename
    try:
        offset = tz.utcoffset(None)
    except Exception:  # noqa: BLE001 - tz implementations raise anything for a None argument
        offset = None
    if isinstance(offset, _dt.timedelta):
        minutes = int(offset.total_seconds()) // 60
        if minutes == 0:
            return "UTC"
        sign = "-" if minutes < 0 else "+"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    raise _fail(TypeError, name, f"time zone {tz!r} has no IANA name or fixed offset Arrow can carry")


def _object_values(series: Any) -> Tuple[Any, Any]:
    """(object ndarray, null mask) of any Series; nulls are None, NaN, pd.NA, pd.NaT."""
    arr = series.to_numpy(dtype=object) if series.dtype != object else series.to_numpy()
    return arr, np.asarray(pd.isna(arr), dtype=bool)


def _pylist(series: Any) -> List[Any]:
    """Python values of a Series, None for every kind of missing value."""
    arr, mask = _object_values(series)
    values = arr.tolist()
    for i in np.flatnonzero(mask).tolist():
        values[i] = None
    return values


def _describe_types(values: Any, mask: Any) -> Tuple[List[str], Dict[str, int]]:
    kinds: List[str] = []
    first: Dict[str, int] = {}
    for i, v in enumerate(values):
        if mask[i]:
            continue
        k = type(v).__name__
        if k not in first:
            first[k] = i
            kinds.append(k)
    return kinds, first


def _mixed_error(values: Any, mask: Any, name: str) -> Exception:
    kinds, first = _describe_types(values, mask)
    where = ", ".join(f"{k} (first at row {first[k]})" for k in kinds)
    return _fail(TypeError, name, f"an object column mixes value types {where}; convert it to one type "
                                  "or pass a schema to set_output")


# -------------------------------------------------------------------------------------- inference


def infer_series_type(series: Any, name: str) -> t.DataType:
    """The Arrow type a Series converts to when no schema is given (``docs/pandas-mapping.md``)."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        codes_bits = series.cat.codes.dtype.itemsize * 8 if len(series) else _code_bits(len(cats))
        value_type = infer_series_type(pd.Series(cats, dtype=cats.dtype), name) if len(cats) else t.Null()
        return t.Dictionary(t.Int(max(codes_bits, 8), True), value_type, bool(dtype.ordered))
    if isinstance(dtype, pd.DatetimeTZDtype):
        return t.Timestamp(_UNITS[getattr(dtype, "unit", "ns")], timezone_name(dtype.tz, name))
    if isinstance(dtype, pd.StringDtype):
        return t.Utf8()
    if type(dtype).__name__ in _MASKED_DTYPES:
        return _numpy_type(dtype.numpy_dtype, name)
    if isinstance(dtype, pd.SparseDtype):
        return infer_series_type(series.sparse.to_dense(), name)
    if isinstance(dtype, np.dtype):
        if dtype.kind == "O":
            return _infer_objects(series.to_numpy(), None, name, 0)
        return _numpy_type(dtype, name)
    raise _fail(TypeError, name, f"pandas dtype {dtype} has no Arrow mapping; convert the column "
                                 "(for example with astype(str) or astype(object))")


def _code_bits(categories: int) -> int:
    for bits in (8, 16, 32):
        if categories < 2 ** (bits - 1):
            return bits
    return 64


def _numpy_type(dtype: Any, name: str) -> t.DataType:
    kind = dtype.kind
    if kind in "iu":
        return t.Int(dtype.itemsize * 8, kind == "i")
    if kind == "f":
        if dtype.itemsize not in (2, 4, 8):
            raise _fail(TypeError, name, f"numpy {dtype} has no Arrow floating-point type")
        return t.FloatingPoint({2: t.Precision.HALF, 4: t.Precision.SINGLE, 8: t.Precision.DOUBLE}[dtype.itemsize])
    if kind == "b":
        return t.Bool()
    if kind in "Mm":
        unit, count = np.datetime_data(dtype)
        if unit not in _UNITS or count != 1:
            raise _fail(TypeError, name, f"numpy {dtype} has no Arrow unit (s, ms, us or ns)")
        return t.Timestamp(_UNITS[unit]) if kind == "M" else t.Duration(_UNITS[unit])
    if kind == "U":
        return t.Utf8()
    if kind == "S":
        return t.Binary()
    raise _fail(TypeError, name, f"numpy {dtype} has no Arrow mapping")


def _infer_objects(values: Any, mask: Optional[Any], name: str, depth: int) -> t.DataType:
    """The type of the non-null values of an object array (``mask`` marks the nulls; computed here
    only when the answer depends on it, as ``pandas.isna`` costs more than the type inference)."""
    if depth > _MAX_DEPTH:
        raise _fail(ValueError, name, f"values nested deeper than {_MAX_DEPTH} levels")
    kind = pd.api.types.infer_dtype(values, skipna=True)
    # these kinds imply at least one non-null value of that kind
    if kind == "string":
        return t.Utf8()
    if kind == "bytes":
        return t.Binary()
    if kind == "boolean":
        return t.Bool()
    if kind == "time":
        return t.Time(t.TimeUnit.MICROSECOND, 64)
    if kind == "empty":
        return t.Null()
    if mask is None:
        mask = np.asarray(pd.isna(values), dtype=bool)
    if mask.all():  # NaN / NaT only
        return t.Null()
    if kind == "integer":
        return _integer_type(values, mask, name)
    if kind in ("floating", "mixed-integer-float"):
        return t.float64
    if kind == "decimal":
        return _decimal_type(values, mask, name)
    if kind == "date":
        if any(isinstance(v, _dt.datetime) for v in values):
            raise _mixed_error(values, mask, name)
        return t.Date(t.DateUnit.DAY)
    if kind in ("datetime", "datetime64"):
        return _datetime_type(values, mask, name)
    if kind in ("timedelta", "timedelta64"):
        return t.Duration(t.TimeUnit.NANOSECOND if any(isinstance(v, pd.Timedelta) and v.nanoseconds
                                                       for v in values) else t.TimeUnit.MICROSECOND)
    present = values[~mask]
    if all(isinstance(v, (bytes, bytearray, memoryview)) for v in present):
        return t.Binary()
    if all(isinstance(v, dict) for v in present):
        return _struct_type(present, name, depth)
    if all(isinstance(v, (list, tuple, np.ndarray)) for v in present):
        return _list_type(present, name, depth)
    raise _mixed_error(values, mask, name)


def _integer_type(values: Any, mask: Any, name: str) -> t.DataType:
    present = values[~mask]
    lo, hi = min(present), max(present)
    if lo >= -2**63 and hi < 2**63:
        return t.int64
    if lo >= 0 and hi < 2**64:
        return t.uint64
    bad = lo if lo < -2**63 else hi
    raise _fail(OverflowError, name, f"integer {bad} does not fit 64 bits; use Decimal values or a schema")


def _decimal_type(values: Any, mask: Any, name: str) -> t.DataType:
    scale = 0
    integer_digits = 0
    for v in values[~mask]:
        if not v.is_finite():
            raise _fail(ValueError, name, f"decimal {v} has no Arrow representation")
        _, digits, exponent = v.as_tuple()
        scale = max(scale, -exponent)
        integer_digits = max(integer_digits, len(digits) + exponent)
    precision = max(integer_digits + scale, 1)
    if precision <= 38:
        return t.Decimal(precision, scale, 128)
    if precision <= 76:
        return t.Decimal(precision, scale, 256)
    raise _fail(ValueError, name, f"decimals need precision {precision} (scale {scale}), more than decimal256's 76")


def _datetime_type(values: Any, mask: Any, name: str) -> t.DataType:
    zones = set()
    naive = False
    nanos = False
    for v in values[~mask]:
        if isinstance(v, np.datetime64):
            naive = True
            nanos = nanos or np.datetime_data(v.dtype)[0] == "ns"
            continue
        if not isinstance(v, _dt.datetime):
            raise _mixed_error(values, mask, name)
        if v.tzinfo is None:
            naive = True
        else:
            zones.add(timezone_name(v.tzinfo, name))
        nanos = nanos or (isinstance(v, pd.Timestamp) and v.nanosecond != 0)
    if naive and zones:
        raise _fail(TypeError, name, "an object column mixes time-zone-aware and naive datetimes")
    unit = t.TimeUnit.NANOSECOND if nanos else t.TimeUnit.MICROSECOND
    if not zones:
        return t.Timestamp(unit)
    # several zones: the instants are kept (Arrow stores UTC), the zone label becomes UTC
    return t.Timestamp(unit, zones.pop() if len(zones) == 1 else "UTC")


def _struct_type(present: Any, name: str, depth: int) -> t.DataType:
    keys: Dict[str, None] = {}
    for d in present:
        for k in d:
            if not isinstance(k, str):
                raise _fail(TypeError, name, f"dict key {k!r} is not a str; structs need str keys (pass a "
                                             "schema with a map type for other keys)")
            keys.setdefault(k, None)
    fields = []
    for k in keys:
        child = np.empty(len(present), dtype=object)
        child[:] = [d.get(k) for d in present]
        fields.append(t.Field(k, _infer_objects(child, np.asarray(pd.isna(child), bool), f"{name}.{k}", depth + 1)))
    return t.Struct(tuple(fields))


def _list_type(present: Any, name: str, depth: int) -> t.DataType:
    items: List[Any] = []
    for v in present:
        items.extend(v.tolist() if isinstance(v, np.ndarray) else v)
    child = np.empty(len(items), dtype=object)
    for i, v in enumerate(items):
        child[i] = v
    item_type = _infer_objects(child, np.asarray(pd.isna(child), bool), f"{name}[]", depth + 1)
    return t.List(t.Field("item", item_type))


# ------------------------------------------------------------------------------------- conversion


def series_to_column(series: Any, name: str, target: t.DataType, nullable: bool = True) -> Column:
    """``series`` as a column of ``target`` (its inferred type, or a schema's: then values are cast,
    and a value that does not fit raises naming the column)."""
    col = _convert(series, name, target)
    if not nullable and col.null_count:
        raise _fail(ValueError, name, f"{col.null_count} null value(s) in a field the schema declares not nullable")
    return col


def _convert(series: Any, name: str, target: t.DataType) -> Column:
    dtype = series.dtype
    n = len(series)
    if isinstance(dtype, pd.SparseDtype):
        return _convert(series.sparse.to_dense(), name, target)
    if isinstance(target, t.Null):
        if n and not pd.isna(series).all():
            raise _fail(ValueError, name, "a null-type field needs every value missing")
        return Column(target, n, [None])
    if isinstance(target, t.Dictionary):
        return _dictionary(series, name, target)
    if isinstance(dtype, pd.CategoricalDtype):
        # a categorical written as its value type: materialise the values
        return _convert(pd.Series(np.asarray(series), copy=False), name, target)
    if isinstance(target, (t.Int, t.FloatingPoint, t.Bool)):
        numeric = _numeric_parts(series, dtype)
        if numeric is not None:
            return _numeric(numeric[0], numeric[1], name, target, dtype)
    elif isinstance(target, (t.Timestamp, t.Duration, t.Date)):
        ns = _temporal_ns(series, dtype, target)
        if ns is not None:
            return _temporal(ns, name, target)
        if isinstance(target, t.Timestamp) and _is_object(dtype):
            return _datetime_objects(series, name, target)
        if isinstance(target, t.Duration) and _is_object(dtype):
            # timedelta / pd.Timedelta objects: through timedelta64[ns] so nanoseconds survive
            try:
                as_ns = pd.Series(pd.to_timedelta(series.to_numpy()), copy=False)
            except (ValueError, TypeError, OverflowError):
                as_ns = None  # beyond ±292 years or not timedeltas: the codec's builder decides
            if as_ns is not None:
                ns = _temporal_ns(as_ns, as_ns.dtype, target)
                if ns is not None:
                    return _temporal(ns, name, target)
    elif isinstance(target, (t.Utf8, t.LargeUtf8, t.Binary, t.LargeBinary)):
        if _is_object(dtype) or isinstance(dtype, pd.StringDtype) or (isinstance(dtype, np.dtype) and dtype.kind in "US"):
            arr = series.to_numpy(dtype=object) if series.dtype != object else series.to_numpy()
            column = _var_width(arr, name, target, isinstance(target, (t.Utf8, t.LargeUtf8)))
            if column is not None:
                return column
    return _generic(series, name, target)


def _is_object(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _generic(series: Any, name: str, target: t.DataType) -> Column:
    """Through Python values and ``Column.from_pylist`` (the codec checks every value against ``target``)."""
    values = _pylist(series)
    try:
        return Column.from_pylist(values, target)
    except (TypeError, ValueError, OverflowError, ArithmeticError) as e:
        raise _fail(type(e) if isinstance(e, (TypeError, ValueError, OverflowError)) else ValueError, name,
                    f"cannot convert to {target}: {e}") from e


# numeric ---------------------------------------------------------------------------------------


def _numeric_parts(series: Any, dtype: Any) -> Optional[Tuple[Any, Optional[Any]]]:
    """(values ndarray, null mask or None) of a numeric/bool Series, without copying; None otherwise."""
    if isinstance(dtype, np.dtype):
        if dtype.kind in "iub":
            return series.to_numpy(), None
        if dtype.kind == "f":
            values = series.to_numpy()
            # min propagates NaN: one pass without a mask array tells whether there is any (the common case: none)
            if len(values) == 0 or not np.isnan(values.min()):
                return values, None
            return values, np.isnan(values)
        return None
    if type(dtype).__name__ in _MASKED_DTYPES:
        values, mask = _masked_parts(series.array)
        return values, mask if mask.any() else None
    return None


def _numpy_dtype(target: t.DataType) -> Any:
    if isinstance(target, t.Int):
        return np.dtype(f"<{'i' if target.signed else 'u'}{target.bit_width // 8}")
    if isinstance(target, t.FloatingPoint):
        return np.dtype(("<f2", "<f4", "<f8")[target.precision])
    return np.dtype(bool)


def _numeric(values: Any, null: Optional[Any], name: str, target: t.DataType, source: Any) -> Column:
    n = len(values)
    valid = None if null is None else ~null
    want = _numpy_dtype(target)
    if values.dtype != want:
        values = _cast_checked(values, valid, want, name, target)
    if isinstance(target, t.Bool):
        return _make(target, n, valid, np.packbits(values, bitorder="little"))
    return _make(target, n, valid, _le(values))


def _cast_checked(values: Any, valid: Optional[Any], want: Any, name: str, target: t.DataType) -> Any:
    """``values`` cast to ``want``; raises when a valid value changes (overflow, fraction, sign)."""
    src = values if valid is None else np.where(valid, values, 0)
    with np.errstate(all="ignore"):
        cast = src.astype(want)
        if want.kind == "f" and src.dtype.kind == "f":
            # narrowing floats rounds by design (as Arrow casts do); only overflow to inf is refused
            bad = np.isinf(cast) & ~np.isinf(src)
        elif want.kind == "b":
            bad = (src != 0) & (src != 1)
        else:
            back = cast.astype(src.dtype)
            bad = back != src
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        v = values[i]
        if want.kind in "iu" and src.dtype.kind == "f" and np.isfinite(v) and v != np.floor(v):
            raise _fail(ValueError, name, f"value {v!r} at row {i} is not a whole number ({target})")
        raise _fail(OverflowError if want.kind in "iu" else ValueError, name,
                    f"value {v!r} at row {i} does not fit {target}")
    return cast


# temporal --------------------------------------------------------------------------------------


def _temporal_ns(series: Any, dtype: Any, target: t.DataType) -> Optional[Tuple[Any, str]]:
    """(int64 values, source unit) of a datetime64/timedelta64 Series matching ``target``'s kind; NaT kept."""
    if isinstance(dtype, pd.DatetimeTZDtype):
        if isinstance(target, t.Duration):
            return None
        return series.array.asi8, getattr(dtype, "unit", "ns")
    if isinstance(dtype, np.dtype) and dtype.kind in "Mm":
        if (dtype.kind == "m") != isinstance(target, t.Duration):
            return None
        unit, _ = np.datetime_data(dtype)
        if unit not in _UNITS:
            return None
        return _le(series.to_numpy()).view(np.int64), unit
    return None


def _temporal(source: Tuple[Any, str], name: str, target: t.DataType) -> Column:
    raw, unit = source
    n = len(raw)
    null = raw == _NAT
    valid = None if not null.any() else ~null
    src_ns = _NS_PER_UNIT[_UNITS[unit]]
    if isinstance(target, t.Date):
        dst_ns = _NS_PER_DAY if target.unit == t.DateUnit.DAY else 1_000_000
    else:
        dst_ns = _NS_PER_UNIT[target.unit]  # type: ignore[union-attr]
    values = raw
    if src_ns != dst_ns:
        work = raw if valid is None else np.where(valid, raw, 0)
        if src_ns > dst_ns:
            factor = src_ns // dst_ns
            limit = np.iinfo(np.int64).max // factor
            over = (work > limit) | (work < -limit)
            if over.any():
                i = int(np.flatnonzero(over)[0])
                raise _fail(OverflowError, name, f"value at row {i} overflows {target}")
            values = work * factor
        else:
            factor = dst_ns // src_ns
            values, rest = np.divmod(work, factor)
            lossy = rest != 0
            if lossy.any():
                i = int(np.flatnonzero(lossy)[0])
                what = "is not a whole day" if isinstance(target, t.Date) else f"has a fraction below the unit of {target}"
                raise _fail(ValueError, name, f"value at row {i} {what}; round it first or choose a finer unit")
    if isinstance(target, t.Date) and target.unit == t.DateUnit.DAY:
        lo, hi = (int(values.min()), int(values.max())) if n else (0, 0)
        if lo < -2**31 or hi >= 2**31:
            raise _fail(OverflowError, name, f"date {lo if lo < -2**31 else hi} days does not fit date32")
        values = values.astype("<i4")
    return _make(target, n, valid, _le(values))


def _datetime_objects(series: Any, name: str, target: t.Timestamp) -> Column:
    """An object column of datetime / pd.Timestamp / np.datetime64 values as int64 in ``target.unit``.

    Naive values are wall-clock times taken as UTC (Arrow's convention for zone-less timestamps);
    aware values are converted to UTC instants.
    """
    arr, mask = _object_values(series)
    n = len(arr)
    per = _NS_PER_UNIT[target.unit]
    out = np.zeros(n, dtype=np.int64)
    microsecond = _dt.timedelta(microseconds=1)
    for i in np.flatnonzero(~mask).tolist():
        v = arr[i]
        if isinstance(v, np.datetime64):
            v = pd.Timestamp(v)
        if not isinstance(v, _dt.datetime):
            raise _fail(TypeError, name, f"value {v!r} at row {i} is not a datetime")
        if v.tzinfo is None:
            if target.tz is not None:
                raise _fail(TypeError, name, f"naive datetime at row {i} in a column of {target}")
            us = (v - _EPOCH) // microsecond
        else:
            us = (v - _EPOCH_UTC) // microsecond
        ns = us * 1000 + (v.nanosecond if isinstance(v, pd.Timestamp) else 0)
        if ns % per:
            raise _fail(ValueError, name, f"value at row {i} has a fraction below the unit of {target}")
        value = ns // per
        if not -2**63 <= value < 2**63:
            raise _fail(OverflowError, name, f"value at row {i} overflows {target}")
        out[i] = value
    return _make(target, n, ~mask, out)


# strings and bytes -----------------------------------------------------------------------------


def _var_width(arr: Any, name: str, target: t.DataType, text: bool) -> Optional[Column]:
    """utf8 / binary buffers built with one join: ``"".join`` + one ``encode`` (ASCII: character
    lengths are byte lengths), offsets by a cumulative sum of the lengths.

    The join itself checks the value types: None when a non-null value is not a str (bytes-like for
    binary), so that the caller takes the general path (which converts or explains the error).
    """
    n = len(arr)
    large = isinstance(target, (t.LargeUtf8, t.LargeBinary))
    present = arr.tolist()
    mask = None
    empty: Any = "" if text else b""
    try:
        joined = empty.join(present)
    except TypeError:  # nulls among the values: find them (pandas.isna) only now
        mask = np.asarray(pd.isna(arr), dtype=bool)
        present = arr[~mask].tolist()
        try:
            joined = empty.join(present)
        except TypeError:
            return None
    if text:
        try:
            data = joined.encode("utf-8")
        except UnicodeEncodeError as e:
            raise _fail(ValueError, name, f"a string is not valid Unicode ({e.reason})") from None
        if len(data) == len(joined):
            lengths = np.fromiter(map(len, present), dtype=np.int64, count=len(present))
        else:
            lengths = np.fromiter((len(s.encode("utf-8")) for s in present), dtype=np.int64, count=len(present))
    else:
        data = joined
        lengths = np.fromiter(map(len, present), dtype=np.int64, count=len(present))
    if not large and len(data) > _INT32_MAX:
        raise OffsetOverflow(name)
    offsets = np.zeros(n + 1, dtype="<i8" if large else "<i4")
    if mask is not None:
        full = np.zeros(n, dtype=np.int64)
        full[~mask] = lengths
        lengths = full
    np.cumsum(lengths, out=offsets[1:])
    return _make(target, n, None if mask is None else ~mask, offsets, data)


# dictionaries ----------------------------------------------------------------------------------


def _dictionary(series: Any, name: str, target: t.Dictionary) -> Column:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        categories = pd.Series(dtype.categories, dtype=dtype.categories.dtype, copy=False)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True) if _factorize_has_sentinel() else \
            pd.factorize(series)
        categories = pd.Series(uniques, copy=False)
    n = len(codes)
    null = codes < 0
    valid = ~null if null.any() else None
    want = _numpy_dtype(target.index_type)
    if len(categories) - 1 > np.iinfo(want).max:
        raise _fail(OverflowError, name, f"{len(categories)} categories do not fit {target.index_type} indices")
    indices = codes if codes.dtype == want else np.where(null, 0, codes).astype(want)
    values = _convert(categories.reset_index(drop=True), name, target.value_type)
    if values.null_count:
        raise _fail(ValueError, name, "dictionary values may not be null")
    return _make(target, n, valid, _le(indices), dictionary=values)


def _factorize_has_sentinel() -> bool:
    return tuple(int(x) for x in pd.__version__.split(".")[:2]) >= (1, 5)
