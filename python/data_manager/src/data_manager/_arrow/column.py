"""Columns and record batches: immutable views over ``memoryview`` buffers.

Buffer layout (same as C# ``ArrayData``); ``buffers[0]`` is always the validity bitmap, ``None`` when
the column has no nulls (and for null and union types):

====================================================  =============================================
type                                                  buffers
====================================================  =============================================
null                                                  [None]
bool, int, float, decimal, date, time, timestamp,     [validity, values]
duration, interval, fixed-size binary
utf8, binary (int32 offsets), large variants (int64)  [validity, offsets, data]
list, map (int32 offsets), large list (int64)         [validity, offsets]; one child
fixed-size list, struct                               [validity]; children
sparse union                                          [None, type ids (int8)]; children
dense union                                           [None, type ids (int8), offsets (int32)]
dictionary                                            [validity, indices]; ``dictionary`` = values
binary view, utf8 view                                [validity, views (16 B each), data 0, data 1, ...]
list view (int32 offsets and sizes), large (int64)    [validity, offsets, sizes]; one child
run-end encoded                                       [None]; children run ends, values
====================================================  =============================================

``offset`` counts elements (bits for bitmaps) into every buffer of the column. Children of struct,
fixed-size list and sparse union are *not* pre-sliced: element ``i`` reads child element
``offset + i`` (times the list size for fixed-size lists). List-like children are addressed through
the offsets buffer, whose first value need not be 0. List-view children are addressed through their
offsets and sizes (any order, never pre-sliced). For run-end encoded columns ``offset`` is a logical
offset: element ``i`` is the value of the run that covers ``offset + i``.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import bisect
import itertools
import struct
from typing import Any, Callable, Dict, Iterable, Iterator, List as PyList, Mapping, NamedTuple, Optional, Sequence, Tuple, Union as PyUnion

from ..exceptions import ArrowFormatError
from . import types as t
from .compat import LITTLE_ENDIAN_HOST, numpy_or_none, require_numpy

__all__ = [
    "Column", "RecordBatch", "YearMonthInterval", "DayTimeInterval", "MonthDayNanoInterval",
    "as_buffer", "bits_to_list", "count_set_bits", "views_to_classic", "classic_column", "classic_batch",
    "run_end_indices",
]


class YearMonthInterval(NamedTuple):
    """An ``interval[year_month]`` value."""

    months: int


class DayTimeInterval(NamedTuple):
    """An ``interval[day_time]`` value."""

    days: int
    milliseconds: int


class MonthDayNanoInterval(NamedTuple):
    """An ``interval[month_day_nano]`` value."""

    months: int
    days: int
    nanoseconds: int


Buffer = Optional[memoryview]

_EMPTY = memoryview(b"")


def as_buffer(obj: Any) -> memoryview:
    """A 1-D unsigned-byte memoryview of ``obj`` (bytes, bytearray, memoryview, numpy array), no copy."""
    mv = obj if isinstance(obj, memoryview) else memoryview(obj)
    if mv.format != "B" or mv.ndim != 1:
        if not mv.c_contiguous:
            raise ValueError("buffers must be C-contiguous")
        mv = mv.cast("B")
    return mv


# bit j of a bitmap is bitmap[j >> 3] >> (j & 7) & 1 (LSB first), 1 = valid / true
_BITS = [tuple(bool(b >> k & 1) for k in range(8)) for b in range(256)]
_POPCOUNT = bytes(bin(b).count("1") for b in range(256))


def bits_to_list(buf: memoryview, offset: int, length: int) -> PyList[bool]:
    """``length`` bits of ``buf`` starting at bit ``offset``, as bools."""
    if length == 0:
        return []
    first = offset >> 3
    last = (offset + length + 7) >> 3
    out = list(itertools.chain.from_iterable(map(_BITS.__getitem__, buf[first:last])))
    start = offset & 7
    return out[start:start + length]


def count_set_bits(buf: memoryview, offset: int, length: int) -> int:
    """Number of 1 bits among ``length`` bits of ``buf`` from bit ``offset``."""
    if length == 0:
        return 0
    np = numpy_or_none()
    if np is not None and length > 4096:
        bits = np.unpackbits(np.frombuffer(buf, np.uint8, (offset + length + 7) >> 3), bitorder="little")
        return int(np.count_nonzero(bits[offset:offset + length]))
    head = offset & 7
    if head or (offset + length) & 7:
        return sum(bits_to_list(buf, offset, length))
    return sum(bytes(buf[offset >> 3:(offset + length) >> 3]).translate(_POPCOUNT))


_INT_FORMATS = {(8, True): "b", (8, False): "B", (16, True): "h", (16, False): "H",
                (32, True): "i", (32, False): "I", (64, True): "q", (64, False): "Q"}


def _storage_format(ty: t.DataType) -> Optional[str]:
    """struct format char of a single-number-per-value type, or None."""
    if isinstance(ty, t.Int):
        return _INT_FORMATS[(ty.bit_width, ty.signed)]
    if isinstance(ty, t.FloatingPoint):
        return "efd"[ty.precision]
    if isinstance(ty, t.Date):
        return "i" if ty.unit == t.DateUnit.DAY else "q"
    if isinstance(ty, t.Time):
        return "i" if ty.bit_width == 32 else "q"
    if isinstance(ty, (t.Timestamp, t.Duration)):
        return "q"
    if isinstance(ty, t.Interval) and ty.unit == t.IntervalUnit.YEAR_MONTH:
        return "i"
    return None


def _unpack(buf: memoryview, fmt: str, start: int, count: int) -> PyList[Any]:
    """``count`` little-endian values of format ``fmt`` starting at element ``start``."""
    if count == 0:
        return []
    size = struct.calcsize(fmt)
    if LITTLE_ENDIAN_HOST and fmt != "e":
        return buf[start * size:(start + count) * size].cast(fmt).tolist()
    return list(struct.unpack_from(f"<{count}{fmt}", buf, start * size))


def _offsets(col: "Column", count: int) -> PyList[int]:
    """``count + 1`` offsets of a string/binary/list column from its offset on."""
    large = isinstance(col.type, (t.LargeUtf8, t.LargeBinary, t.LargeList))
    buf = col.buffers[1]
    if count == 0 and (buf is None or len(buf) == 0):
        return [0]
    assert buf is not None
    return _unpack(buf, "q" if large else "i", col.offset, count + 1)


class Column:
    """One Arrow array: type, length, offset, null count, buffers, children and dictionary.

    Columns are immutable; :meth:`slice` is zero-copy. See the module docstring for the buffers.
    """

    __slots__ = ("type", "length", "offset", "_null_count", "buffers", "children", "dictionary")

    def __init__(self, type: t.DataType, length: int, buffers: Sequence[Any], children: Sequence["Column"] = (),
                 dictionary: Optional["Column"] = None, offset: int = 0, null_count: int = -1) -> None:
        if length < 0 or offset < 0:
            raise ValueError("length and offset must be >= 0")
        self.type = type
        self.length = length
        self.offset = offset
        self.buffers: PyList[Buffer] = [None if b is None else as_buffer(b) for b in buffers]
        if not self.buffers:
            self.buffers = [None]
        self.children: Tuple[Column, ...] = tuple(children)
        self.dictionary = dictionary
        if isinstance(type, t.Null):
            null_count = length
        elif isinstance(type, t.Union) or self.buffers[0] is None:
            null_count = 0
        self._null_count = null_count

    # ----------------------------------------------------------------------------- structure
    @property
    def null_count(self) -> int:
        """Number of null elements (computed from the bitmap on first use when unknown)."""
        if self._null_count < 0:
            v = self.buffers[0]
            self._null_count = 0 if v is None else self.length - count_set_bits(v, self.offset, self.length)
        return self._null_count

    @property
    def validity(self) -> Buffer:
        """The validity bitmap (None when there are no nulls)."""
        return self.buffers[0]

    def __len__(self) -> int:
        return self.length

    def __repr__(self) -> str:
        return f"Column({self.type}, length={self.length}, offset={self.offset}, nulls={self.null_count})"

    def slice(self, offset: int, length: Optional[int] = None) -> "Column":
        """A zero-copy view of ``length`` elements from ``offset`` (to the end when ``length`` is None)."""
        if length is None:
            length = max(self.length - offset, 0)
        if offset < 0 or length < 0 or offset + length > self.length:
            raise IndexError(f"slice [{offset}, {offset}+{length}) is outside a column of length {self.length}")
        nc = 0 if self._null_count == 0 else (self._null_count if length == self.length else -1)
        return Column(self.type, length, self.buffers, self.children, self.dictionary, self.offset + offset, nc)

    def is_valid(self, i: int) -> bool:
        """Whether element ``i`` is not null."""
        if isinstance(self.type, t.Null):
            return False
        v = self.buffers[0]
        if v is None or self._null_count == 0:
            return True
        j = self.offset + i
        return bool(v[j >> 3] >> (j & 7) & 1)

    def valid_list(self) -> Optional[PyList[bool]]:
        """Validity of every element as bools, or None when the column has no nulls."""
        if isinstance(self.type, t.Null):
            return [False] * self.length
        v = self.buffers[0]
        if v is None or self.null_count == 0:
            return None
        return bits_to_list(v, self.offset, self.length)

    @property
    def indices(self) -> "Column":
        """For a dictionary column: its indices as a column of the index type (shares the buffers)."""
        if not isinstance(self.type, t.Dictionary):
            raise TypeError(f"{self.type} is not a dictionary type")
        return Column(self.type.index_type, self.length, self.buffers, (), None, self.offset, self._null_count)

    # ------------------------------------------------------------------------------- values
    def to_pylist(self) -> PyList[Any]:
        """Natural Python values (see the package docs); None for nulls."""
        return _values(self, _PY, 0)

    def to_storage_pylist(self) -> PyList[Any]:
        """Raw storage values: ints for temporal types, unscaled ints for decimals, ``(type_id, value)``
        for unions, decoded values for dictionaries; None for nulls."""
        return _values(self, _STORAGE, 0)

    def equals(self, other: "Column") -> bool:
        """Same type and same storage values (buffers and offsets may differ)."""
        return self.type == other.type and self.length == other.length and \
            _nan_safe(self.to_storage_pylist()) == _nan_safe(other.to_storage_pylist())

    # -------------------------------------------------------------------------------- numpy
    def to_numpy(self) -> Any:
        """A numpy array of the values.

        Int, float, date, time, timestamp, duration and year-month interval columns give a read-only
        view of the received buffer (no copy) holding the *storage* values (ints for temporal types);
        null slots hold whatever the buffer holds, see :meth:`validity_mask`. Bool columns are
        unpacked (a copy); every other type gives an object array of :meth:`to_pylist`.
        """
        np = require_numpy("Column.to_numpy")
        fmt = _storage_format(self.type)
        if fmt is not None:
            dtype = np.dtype("<" + fmt.replace("e", "f2"))
            buf = self.buffers[1]
            if self.length == 0 or buf is None:
                return np.zeros(0, dtype)
            return np.frombuffer(buf, dtype, self.length, self.offset * dtype.itemsize)
        if isinstance(self.type, t.Bool):
            buf = self.buffers[1]
            if self.length == 0 or buf is None:
                return np.zeros(0, bool)
            raw = np.frombuffer(buf, np.uint8, (self.offset + self.length + 7) >> 3)
            return np.unpackbits(raw, bitorder="little")[self.offset:self.offset + self.length].astype(bool)
        out = np.empty(self.length, dtype=object)
        out[:] = self.to_pylist()
        return out

    def validity_mask(self) -> Any:
        """numpy bool array, True = valid; None when the column has no nulls."""
        np = require_numpy("Column.validity_mask")
        if isinstance(self.type, t.Null):
            return np.zeros(self.length, bool)
        v = self.buffers[0]
        if v is None or self.null_count == 0:
            return None
        raw = np.frombuffer(v, np.uint8, (self.offset + self.length + 7) >> 3)
        return np.unpackbits(raw, bitorder="little")[self.offset:self.offset + self.length].astype(bool)

    # ----------------------------------------------------------------------------- builders
    @staticmethod
    def from_pylist(values: Iterable[Any], type: t.DataType) -> "Column":
        """A column of ``type`` from natural Python values (None = null)."""
        from .build import build_column

        return build_column(list(values), type, natural=True)

    @staticmethod
    def from_storage_pylist(values: Iterable[Any], type: t.DataType) -> "Column":
        """A column of ``type`` from storage values (the inverse of :meth:`to_storage_pylist`)."""
        from .build import build_column

        return build_column(list(values), type, natural=False)

    @staticmethod
    def from_numpy(array: Any, type: Optional[t.DataType] = None, mask: Any = None) -> "Column":
        """A column viewing a 1-D numpy array's memory (copied only if not contiguous/little-endian).

        ``mask``: optional bool array, True marks a null (the numpy.ma / pyarrow convention).
        ``type`` defaults to the array's dtype (ints, floats, bool; datetime64/timedelta64 →
        timestamp/duration in the dtype's unit).
        """
        from .build import column_from_numpy

        return column_from_numpy(array, type, mask)


def _nan_safe(values: Any) -> Any:
    """Replaces NaN floats so that list equality treats NaN == NaN."""
    if isinstance(values, float):
        return "NaN" if values != values else values
    if isinstance(values, list):
        return [_nan_safe(v) for v in values]
    if isinstance(values, tuple):
        return tuple(_nan_safe(v) for v in values)
    if isinstance(values, dict):
        return {k: _nan_safe(v) for k, v in values.items()}
    return values


# ------------------------------------------------------------------------------- decoding values

_STORAGE, _PY = 0, 1
_MAX_DEPTH = 64
_DEC_CONTEXT = _decimal.Context(prec=100)
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_US_PER_UNIT = {t.TimeUnit.SECOND: 1_000_000, t.TimeUnit.MILLISECOND: 1000, t.TimeUnit.MICROSECOND: 1}
_tz_cache: Dict[str, _dt.tzinfo] = {}


def tzinfo(name: str) -> _dt.tzinfo:
    """The tzinfo for an Arrow timezone string: ``UTC``, ``+07:30``/``-0800``, or an IANA name."""
    tz = _tz_cache.get(name)
    if tz is not None:
        return tz
    s = name.strip()
    if s.upper() in ("UTC", "Z", "GMT", "ETC/UTC"):
        tz = _dt.timezone.utc
    elif s[:1] in "+-" and len(s) > 1:
        digits = s[1:].replace(":", "")
        if not digits.isdigit() or len(digits) not in (2, 4):
            raise ValueError(f"bad timezone offset {name!r}")
        minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
        tz = _dt.timezone(_dt.timedelta(minutes=-minutes if s[0] == "-" else minutes))
    else:
        try:
            import zoneinfo
        except ImportError as e:  # pragma: no cover - Python 3.8 only
            raise ValueError(f"timezone {name!r} needs zoneinfo (Python 3.9+)") from e
        try:
            tz = zoneinfo.ZoneInfo(s)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown timezone {name!r}") from e
    _tz_cache[name] = tz
    return tz


def _apply_validity(col: Column, values: PyList[Any]) -> PyList[Any]:
    valid = col.valid_list()
    if valid is None:
        return values
    return [v if ok else None for v, ok in zip(values, valid)]


def _leaf_storage(col: Column, mode: int) -> PyList[Any]:
    """Storage values of a non-nested column, nulls not yet applied."""
    ty = col.type
    n = col.length
    off = col.offset
    fmt = _storage_format(ty)
    if fmt is not None:
        return _unpack(col.buffers[1] or _EMPTY, fmt, off, n)
    if isinstance(ty, t.Bool):
        return bits_to_list(col.buffers[1] or _EMPTY, off, n)
    if isinstance(ty, (t.Utf8, t.LargeUtf8, t.Binary, t.LargeBinary)):
        if n > 64:
            fast = _split_strings(col, mode)
            if fast is not None:
                return fast
        o = _offsets(col, n)
        o0, on = o[0], o[-1]
        data = bytes((col.buffers[2] or _EMPTY)[o0:on])
        if o0:
            o = [x - o0 for x in o]
        slices = map(slice, o, itertools.islice(o, 1, None))
        if isinstance(ty, (t.Binary, t.LargeBinary)):
            return list(map(data.__getitem__, slices))
        if data.isascii():
            return list(map(data.decode("ascii").__getitem__, slices))
        errors = "replace" if mode != _PY else "strict"
        return [data[a:b].decode("utf-8", errors) for a, b in zip(o, itertools.islice(o, 1, None))]
    if isinstance(ty, (t.BinaryView, t.Utf8View)):
        return _leaf_storage(views_to_classic(col), mode)
    if isinstance(ty, t.FixedSizeBinary):
        w = ty.byte_width
        data = bytes((col.buffers[1] or _EMPTY)[off * w:(off + n) * w])
        return [data[i:i + w] for i in range(0, n * w, w)] if w else [b""] * n
    if isinstance(ty, t.Decimal):
        w = ty.bit_width // 8
        data = bytes((col.buffers[1] or _EMPTY)[off * w:(off + n) * w])
        frm = int.from_bytes
        return [frm(data[i:i + w], "little", signed=True) for i in range(0, n * w, w)]
    if isinstance(ty, t.Interval):
        buf = col.buffers[1] or _EMPTY
        if ty.unit == t.IntervalUnit.DAY_TIME:
            vals = _unpack(buf, "i", 2 * off, 2 * n)
            return [DayTimeInterval(vals[i], vals[i + 1]) for i in range(0, 2 * n, 2)]
        s = struct.Struct("<iiq")
        return [MonthDayNanoInterval(*s.unpack_from(buf, (off + i) * 16)) for i in range(n)]
    raise TypeError(f"not a flat type: {ty}")


def _split_strings(col: Column, mode: int) -> Optional[PyList[Any]]:
    """Strings/bytes of a column with numpy: a separator byte absent from the data is inserted at
    every boundary, then one C-level ``split`` creates all the objects (several times faster than
    slicing element by element). None when numpy is unavailable or no byte value is free."""
    np = numpy_or_none()
    if np is None:
        return None
    n = col.length
    large = isinstance(col.type, (t.LargeUtf8, t.LargeBinary))
    o = np.frombuffer(col.buffers[1], "<i8" if large else "<i4", n + 1, col.offset * (8 if large else 4))
    o0, on = int(o[0]), int(o[-1])
    raw = np.frombuffer(col.buffers[2] or _EMPTY, np.uint8, on - o0, o0)
    text = isinstance(col.type, (t.Utf8, t.LargeUtf8))
    cuts = (o[1:-1] - o0).astype(np.intp)
    joined = np.insert(raw, cuts, 0).tobytes()
    sep = 0
    if joined.count(b"\0") != n - 1:  # NUL occurs in the data: find a byte value that does not
        free = np.flatnonzero(np.bincount(raw, minlength=256)[:128 if text else 256] == 0)
        if len(free) == 0:
            return None
        sep = int(free[0])
        joined = np.insert(raw, cuts, sep).tobytes()
    if text:
        try:
            return joined.decode("utf-8").split(chr(sep))
        except UnicodeDecodeError:
            return None
    return joined.split(bytes((sep,)))


def _to_python(ty: t.DataType, values: PyList[Any]) -> PyList[Any]:
    """Converts non-null storage values of a flat type to natural Python values (in place)."""
    if isinstance(ty, t.Date):
        if ty.unit == t.DateUnit.DAY:
            conv: Callable[[int], Any] = lambda v: _dt.date.fromordinal(_EPOCH_ORDINAL + v)
        else:
            conv = lambda v: _dt.date.fromordinal(_EPOCH_ORDINAL + v // 86_400_000)
    elif isinstance(ty, t.Timestamp):
        unit = ty.unit
        base = _EPOCH if ty.tz is None else _EPOCH_UTC
        td = _dt.timedelta
        if unit == t.TimeUnit.NANOSECOND:
            conv = lambda v: base + td(microseconds=v // 1000)
        else:
            mult = _US_PER_UNIT[unit]
            conv = lambda v: base + td(microseconds=v * mult)
        if ty.tz is not None:
            zone = tzinfo(ty.tz)
            if zone is not _dt.timezone.utc:
                inner = conv
                conv = lambda v: inner(v).astimezone(zone)
    elif isinstance(ty, t.Time):
        unit = ty.unit
        to_us = {t.TimeUnit.SECOND: lambda v: v * 1_000_000, t.TimeUnit.MILLISECOND: lambda v: v * 1000,
                 t.TimeUnit.MICROSECOND: lambda v: v, t.TimeUnit.NANOSECOND: lambda v: v // 1000}[unit]

        def conv(v: int) -> _dt.time:
            us = to_us(v)
            if not 0 <= us < 86_400_000_000:
                raise ValueError(f"time value {v} ({unit.name.lower()}) is outside one day")
            s, us = divmod(us, 1_000_000)
            m, s = divmod(s, 60)
            h, m = divmod(m, 60)
            return _dt.time(h, m, s, us)
    elif isinstance(ty, t.Duration):
        unit = ty.unit
        td = _dt.timedelta
        if unit == t.TimeUnit.NANOSECOND:
            conv = lambda v: td(microseconds=v // 1000)
        else:
            mult = _US_PER_UNIT[unit]
            conv = lambda v: td(microseconds=v * mult)
    elif isinstance(ty, t.Decimal):
        scale = -ty.scale
        D = _decimal.Decimal
        conv = lambda v: D(v).scaleb(scale, _DEC_CONTEXT)
    elif isinstance(ty, t.Interval) and ty.unit == t.IntervalUnit.YEAR_MONTH:
        conv = YearMonthInterval
    else:
        return values
    try:
        return [None if v is None else conv(v) for v in values]
    except (OverflowError, ValueError, ArithmeticError) as e:  # decimal.InvalidOperation: an absurd scale
        raise OverflowError(f"a {ty} value cannot be represented as a Python object: {e}") from e


def _values(col: Column, mode: int, depth: int) -> PyList[Any]:
    if depth > _MAX_DEPTH:
        raise ArrowFormatError("nesting deeper than 64 levels")
    ty = col.type
    n = col.length
    if isinstance(ty, t.Null):
        return [None] * n
    if isinstance(ty, t.Dictionary):
        if col.dictionary is None:
            if col.null_count == n:
                return [None] * n
            raise ArrowFormatError("dictionary column without a dictionary")
        dvals = _values(col.dictionary, mode, depth + 1)
        idx = _apply_validity(col, _unpack(col.buffers[1] or _EMPTY, _INT_FORMATS[(ty.index_type.bit_width, ty.index_type.signed)], col.offset, n))
        try:
            return [None if i is None else dvals[i] if i >= 0 else _bad_index(i, len(dvals)) for i in idx]
        except IndexError:
            bad = next(i for i in idx if i is not None and i >= len(dvals))
            _bad_index(bad, len(dvals))
            raise
    if isinstance(ty, (t.List, t.LargeList, t.Map)):
        o = _offsets(col, n)
        o0 = o[0]
        child = col.children[0].slice(o0, o[-1] - o0)
        if isinstance(ty, t.Map):
            entries = child
            kv = [c.slice(entries.offset, entries.length) for c in entries.children]
            items: PyList[Any] = list(zip(_values(kv[0], mode, depth + 1), _values(kv[1], mode, depth + 1)))
        else:
            items = _values(child, mode, depth + 1)
        if o0:
            o = [x - o0 for x in o]
        out = list(map(items.__getitem__, map(slice, o, itertools.islice(o, 1, None))))
        return _apply_validity(col, out)
    if isinstance(ty, (t.ListView, t.LargeListView)):
        return _list_view_values(col, mode, depth)
    if isinstance(ty, t.RunEndEncoded):
        ends, j0, j1 = run_end_indices(col)
        if j1 < j0:
            return []
        vals = _values(col.children[1].slice(j0, j1 - j0 + 1), mode, depth + 1)
        out = []
        prev = col.offset
        stop = col.offset + n
        for j in range(j0, j1 + 1):
            e = min(ends[j], stop)
            out.extend(itertools.repeat(vals[j - j0], e - prev))
            prev = e
        return out
    if isinstance(ty, t.FixedSizeList):
        k = ty.size
        child = col.children[0].slice(col.offset * k, n * k)
        items = _values(child, mode, depth + 1)
        out = [items[i:i + k] for i in range(0, n * k, k)] if k else [[] for _ in range(n)]
        return _apply_validity(col, out)
    if isinstance(ty, t.Struct):
        cols = [_values(c.slice(col.offset, n), mode, depth + 1) for c in col.children]
        names = [f.name for f in ty.fields]
        if len(set(names)) == len(names):
            out = [dict(zip(names, row)) for row in zip(*cols)] if cols else [{} for _ in range(n)]
        else:
            out = [list(row) for row in zip(*cols)] if cols else [[] for _ in range(n)]
        return _apply_validity(col, out)
    if isinstance(ty, t.Union):
        assert ty.type_ids is not None
        tids = _unpack(col.buffers[1] or _EMPTY, "b", col.offset, n)
        index = {tid: i for i, tid in enumerate(ty.type_ids)}
        if ty.mode == t.UnionMode.SPARSE:
            kids = [_values(c.slice(col.offset, n), mode, depth + 1) for c in col.children]
            pos: Iterable[int] = range(n)
        else:
            kids = [_values(c, mode, depth + 1) for c in col.children]
            pos = _unpack(col.buffers[2] or _EMPTY, "i", col.offset, n)
        out = []
        for i, (tid, p) in enumerate(zip(tids, pos)):
            ci = index.get(tid)
            if ci is None:
                raise ArrowFormatError(f"union slot {i}: type id {tid} is not declared in {ty}")
            kv_ = kids[ci]
            if not 0 <= p < len(kv_):
                raise ArrowFormatError(f"union slot {i}: offset {p} outside child {ci} of length {len(kv_)}")
            out.append(kv_[p] if mode == _PY else (tid, kv_[p]))
        return out
    values = _apply_validity(col, _leaf_storage(col, mode))
    return _to_python(ty, values) if mode == _PY else values


def _list_view_values(col: Column, mode: int, depth: int) -> PyList[Any]:
    n = col.length
    fmt = "q" if isinstance(col.type, t.LargeListView) else "i"
    offs = _unpack(col.buffers[1] or _EMPTY, fmt, col.offset, n)
    sizes = _unpack(col.buffers[2] or _EMPTY, fmt, col.offset, n)
    valid = col.valid_list() or itertools.repeat(True, n)
    slots = [(o, z) if ok else None for o, z, ok in zip(offs, sizes, valid)]
    used = [p for p in slots if p is not None and p[1] > 0]
    child = col.children[0]
    if not used:
        return [None if p is None else [] for p in slots]
    lo = min(o for o, _ in used)
    hi = max(o + z for o, z in used)
    if lo < 0 or hi > child.length or any(z < 0 for _, z in used):
        raise ArrowFormatError(f"list view [{lo}, {hi}) outside a child array of length {child.length}")
    items = _values(child.slice(lo, hi - lo), mode, depth + 1)
    return [None if p is None else items[p[0] - lo:p[0] - lo + p[1]] for p in slots]


def run_end_indices(col: Column) -> Tuple[PyList[int], int, int]:
    """(run ends, first run, last run) of the runs that cover a run-end encoded column's elements
    (last < first when it has none). ArrowFormatError when the runs do not cover it."""
    ty = col.type
    assert isinstance(ty, t.RunEndEncoded)
    run_ends, values = col.children
    assert isinstance(run_ends.type, t.Int)
    fmt = _INT_FORMATS[(run_ends.type.bit_width, True)]
    ends = _unpack(run_ends.buffers[1] or _EMPTY, fmt, run_ends.offset, run_ends.length)
    if col.length == 0:
        return ends, 0, -1
    start, stop = col.offset, col.offset + col.length
    if not ends or ends[-1] < stop or values.length < len(ends):
        raise ArrowFormatError(f"run-end encoded column of {stop} values has {len(ends)} runs ending at "
                               f"{ends[-1] if ends else 0} and {values.length} values")
    return ends, bisect.bisect_right(ends, start), bisect.bisect_right(ends, stop - 1)


def views_to_classic(col: Column) -> Column:
    """A binary/utf8 view column as the equivalent binary/utf8 column (offsets + one data buffer).

    Null slots become empty values and are never dereferenced; a non-null view that points outside
    its data buffer raises ArrowFormatError (the reader has checked this already)."""
    ty = col.type
    assert isinstance(ty, (t.BinaryView, t.Utf8View))
    out_type: t.DataType = t.Binary() if isinstance(ty, t.BinaryView) else t.Utf8()
    n = col.length
    validity = col.buffers[0]
    views = (col.buffers[1] or _EMPTY)[col.offset * 16:(col.offset + n) * 16]
    if len(views) < 16 * n:
        raise ArrowFormatError(f"views buffer of {len(views)} bytes for {n} values")
    data = [b if b is not None else _EMPTY for b in col.buffers[2:]]
    np = numpy_or_none()
    valid = None
    if np is not None and n > 64:
        v = np.frombuffer(views, "<i4", 4 * n).reshape(n, 4).astype(np.int64)
        sizes = v[:, 0].copy()
        mask = col.validity_mask()
        if mask is not None:
            sizes[~mask] = 0
        long = sizes > 12
        if (sizes < 0).any():
            raise ArrowFormatError(f"view of negative size {int(sizes.min())}")
        idx, off = v[long, 2], v[long, 3]
        if len(idx) and (int(idx.min()) < 0 or int(idx.max()) >= len(data)):
            raise ArrowFormatError(f"a view names data buffer {int(idx.max())} of {len(data)}")
        lens = np.array([len(b) for b in data], np.int64)
        if len(idx) and ((off < 0) | (off + sizes[long] > lens[idx])).any():
            raise ArrowFormatError("a view points outside its data buffer")
        # one gather from [views | data 0 | data 1 | ...]
        bases = np.concatenate([[len(views)], len(views) + np.cumsum(lens)])[:-1] if len(data) else np.zeros(0, np.int64)
        src = np.arange(n, dtype=np.int64) * 16 + 4
        if len(idx):
            src[long] = bases[idx] + off
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(sizes, out=offsets[1:])
        total = int(offsets[-1])
        pool = np.frombuffer(b"".join([bytes(views), *map(bytes, data)]) if len(data) else bytes(views), np.uint8)
        gather = np.repeat(src - offsets[:-1], sizes) + np.arange(total, dtype=np.int64)
        joined = pool[gather].tobytes()
        if total > (1 << 31) - 1:
            out_type = t.LargeBinary() if isinstance(ty, t.BinaryView) else t.LargeUtf8()
            offs = offsets.astype("<i8").tobytes()
        else:
            offs = offsets.astype("<i4").tobytes()
        return Column(out_type, n, [validity, offs, joined], null_count=col._null_count)
    valid = col.valid_list()
    parts: PyList[bytes] = []
    for i, (size, index, offset) in enumerate(struct.iter_unpack("<i4xii", views)):
        if valid is not None and not valid[i]:
            parts.append(b"")
        elif size <= 12:
            if size < 0:
                raise ArrowFormatError(f"view {i} of negative size {size}")
            parts.append(bytes(views[16 * i + 4:16 * i + 4 + size]))
        else:
            if not 0 <= index < len(data) or offset < 0 or offset + size > len(data[index]):
                raise ArrowFormatError(f"view {i} [{offset}, +{size}) of data buffer {index} is outside the data")
            parts.append(bytes(data[index][offset:offset + size]))
    offsets_list = [0]
    offsets_list.extend(itertools.accumulate(map(len, parts)))
    large = offsets_list[-1] > (1 << 31) - 1
    if large:
        out_type = t.LargeBinary() if isinstance(ty, t.BinaryView) else t.LargeUtf8()
    packed = struct.pack(f"<{n + 1}{'q' if large else 'i'}", *offsets_list)
    return Column(out_type, n, [validity, packed, b"".join(parts)], null_count=col._null_count)


def classic_column(col: Column) -> Column:
    """``col`` with view and run-end encoded layouts replaced by their classic equivalent at every depth
    (:func:`types.classic_type`), same values; ``col`` itself when it has none."""
    target = t.classic_type(col.type)
    if target == col.type:
        return col
    if isinstance(col.type, (t.BinaryView, t.Utf8View)):
        out = views_to_classic(col)
        if out.type == target:
            return out
    return Column.from_storage_pylist(col.to_storage_pylist(), target)


def classic_batch(batch: "RecordBatch") -> "RecordBatch":
    """``batch`` with every column made :func:`classic_column` (the batch itself when nothing changes)."""
    cols = [classic_column(c) for c in batch.columns]
    if all(a is b for a, b in zip(cols, batch.columns)):
        return batch
    schema = t.Schema(tuple(f.with_type(c.type) for f, c in zip(batch.schema.fields, cols)), batch.schema.metadata)
    return RecordBatch(schema, cols, batch.num_rows, batch.metadata)


def _bad_index(i: int, n: int) -> Any:
    raise ArrowFormatError(f"dictionary index {i} outside a dictionary of {n} values")


# -------------------------------------------------------------------------------- record batches


class RecordBatch:
    """Equal-length columns with a schema. ``metadata`` is the message's custom metadata."""

    __slots__ = ("schema", "columns", "num_rows", "metadata")

    def __init__(self, schema: t.Schema, columns: Sequence[Column], num_rows: Optional[int] = None,
                 metadata: t.Metadata = ()) -> None:
        columns = tuple(columns)
        if len(columns) != len(schema.fields):
            raise ValueError(f"{len(columns)} columns for a schema of {len(schema.fields)} fields")
        if num_rows is None:
            num_rows = columns[0].length if columns else 0
        for f, c in zip(schema.fields, columns):
            if c.length != num_rows:
                raise ValueError(f"column {f.name!r} has {c.length} rows, the batch {num_rows}")
            if c.type != f.type:
                raise ValueError(f"column {f.name!r} is {c.type}, the schema says {f.type}")
        self.schema = schema
        self.columns = columns
        self.num_rows = num_rows
        self.metadata = tuple((str(k), str(v)) for k, v in metadata)

    @property
    def num_columns(self) -> int:
        return len(self.columns)

    def __len__(self) -> int:
        return self.num_rows

    def __repr__(self) -> str:
        return f"RecordBatch({self.num_rows} rows, {', '.join(str(f) for f in self.schema.fields)})"

    def column(self, key: PyUnion[int, str]) -> Column:
        """The column at index ``key`` or named ``key``."""
        return self.columns[key if isinstance(key, int) else self.schema.index(key)]

    def slice(self, offset: int, length: Optional[int] = None) -> "RecordBatch":
        """Zero-copy rows ``[offset, offset + length)``."""
        if length is None:
            length = max(self.num_rows - offset, 0)
        if offset < 0 or length < 0 or offset + length > self.num_rows:
            raise IndexError(f"slice [{offset}, {offset}+{length}) is outside a batch of {self.num_rows} rows")
        return RecordBatch(self.schema, [c.slice(offset, length) for c in self.columns], length, self.metadata)

    def to_pydict(self) -> Dict[str, PyList[Any]]:
        """``{name: column.to_pylist()}`` (a later column wins when names repeat)."""
        return {f.name: c.to_pylist() for f, c in zip(self.schema.fields, self.columns)}

    def to_pylist(self) -> PyList[Dict[str, Any]]:
        """One dict per row."""
        names = self.schema.names
        cols = [c.to_pylist() for c in self.columns]
        return [dict(zip(names, row)) for row in zip(*cols)] if cols else [{} for _ in range(self.num_rows)]

    def equals(self, other: "RecordBatch") -> bool:
        """Same schema, row count and storage values."""
        return self.schema == other.schema and self.num_rows == other.num_rows and \
            all(a.equals(b) for a, b in zip(self.columns, other.columns))

    @staticmethod
    def from_pydict(data: Mapping[str, Any], schema: Optional[t.Schema] = None) -> "RecordBatch":
        """A batch from ``{name: values}``; values are lists, numpy arrays or :class:`Column` objects.

        Without ``schema`` the types are inferred (see :func:`infer_type`).
        """
        from .build import batch_from_pydict

        return batch_from_pydict(data, schema)


def iter_fields(fields: Iterable[t.Field]) -> Iterator[t.Field]:
    """Every field, depth first (children after their parent)."""
    for f in fields:
        yield f
        yield from iter_fields(f.type.children)
