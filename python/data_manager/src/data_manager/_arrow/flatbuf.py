"""A minimal, bounds-checked FlatBuffers reader and a front-to-back builder.

Only what Arrow's ``Message.fbs``/``Schema.fbs`` need: tables, scalars, strings, vectors of scalars,
structs and tables, unions. Every read is checked against the buffer, so hostile metadata raises
:class:`ArrowFormatError` instead of reading out of bounds.

Wire facts (FlatBuffers binary format): the buffer starts with a uoffset (uint32) to the root table.
A table starts with an soffset (int32); ``table_pos - soffset`` is its vtable: ``uint16 vtable_size,
uint16 table_size, uint16 field_offset[n]`` (0 = absent, take the schema default). A uoffset field
points forward: ``target = field_pos + uint32``. Vectors and strings are ``uint32 length`` + elements
(strings add a NUL).
"""

from __future__ import annotations

import struct
from typing import Callable, List, Optional, Sequence, Tuple, TypeVar, Union

from ..exceptions import ArrowFormatError

_U8 = struct.Struct("<B")
_I16 = struct.Struct("<h")
_U16 = struct.Struct("<H")
_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")
_I64 = struct.Struct("<q")

T = TypeVar("T")


class Table:
    """A view of one table inside a flatbuffer. ``where`` names it in error messages."""

    __slots__ = ("buf", "pos", "vt", "vt_size", "where")

    def __init__(self, buf: Union[bytes, memoryview], pos: int, where: str) -> None:
        n = len(buf)
        if pos < 0 or pos + 4 > n:
            raise ArrowFormatError(f"{where}: table offset {pos} outside the {n}-byte metadata")
        vt = pos - _I32.unpack_from(buf, pos)[0]
        if vt < 0 or vt + 4 > n:
            raise ArrowFormatError(f"{where}: vtable offset {vt} outside the {n}-byte metadata")
        vt_size = _U16.unpack_from(buf, vt)[0]
        if vt_size < 4 or vt_size & 1 or vt + vt_size > n:
            raise ArrowFormatError(f"{where}: bad vtable size {vt_size}")
        self.buf = buf
        self.pos = pos
        self.vt = vt
        self.vt_size = vt_size
        self.where = where

    def _field(self, slot: int, size: int) -> int:
        """Absolute position of field ``slot`` (0 when absent), checked to hold ``size`` bytes."""
        entry = 4 + 2 * slot
        if entry + 2 > self.vt_size:
            return 0
        off = _U16.unpack_from(self.buf, self.vt + entry)[0]
        if off == 0:
            return 0
        p = self.pos + off
        if p + size > len(self.buf):
            raise ArrowFormatError(f"{self.where}: field {slot} at {p} outside the {len(self.buf)}-byte metadata")
        return p

    def has(self, slot: int) -> bool:
        return self._field(slot, 0) != 0

    def _scalar(self, slot: int, s: struct.Struct, default: int) -> int:
        p = self._field(slot, s.size)
        return default if p == 0 else s.unpack_from(self.buf, p)[0]

    def u8(self, slot: int, default: int = 0) -> int:
        return self._scalar(slot, _U8, default)

    def bool(self, slot: int, default: bool = False) -> bool:
        return bool(self._scalar(slot, _U8, int(default)))

    def i16(self, slot: int, default: int = 0) -> int:
        return self._scalar(slot, _I16, default)

    def i32(self, slot: int, default: int = 0) -> int:
        return self._scalar(slot, _I32, default)

    def i64(self, slot: int, default: int = 0) -> int:
        return self._scalar(slot, _I64, default)

    def _indirect(self, slot: int) -> int:
        p = self._field(slot, 4)
        if p == 0:
            return 0
        target = p + _U32.unpack_from(self.buf, p)[0]
        if target + 4 > len(self.buf):
            raise ArrowFormatError(f"{self.where}: field {slot} points outside the metadata")
        return target

    def table(self, slot: int, where: str) -> Optional["Table"]:
        p = self._indirect(slot)
        return None if p == 0 else Table(self.buf, p, where)

    def _vector(self, slot: int, elem_size: int) -> Tuple[int, int]:
        """(position of first element, count) of a vector field; (0, 0) when absent."""
        p = self._indirect(slot)
        if p == 0:
            return 0, 0
        n = _U32.unpack_from(self.buf, p)[0]
        start = p + 4
        if start + n * max(elem_size, 1) > len(self.buf):
            raise ArrowFormatError(f"{self.where}: vector field {slot} of {n} elements exceeds the metadata")
        return start, n

    def string(self, slot: int) -> Optional[str]:
        start, n = self._vector(slot, 1)
        if start == 0:
            return None
        try:
            return bytes(self.buf[start:start + n]).decode("utf-8")
        except UnicodeDecodeError as e:
            raise ArrowFormatError(f"{self.where}: string field {slot} is not valid UTF-8") from e

    def vector_len(self, slot: int) -> int:
        return self._vector(slot, 1)[1]

    def scalars(self, slot: int, fmt: str) -> List[int]:
        """A vector of scalars of struct format char ``fmt`` (for example ``"i"``, ``"q"``)."""
        size = struct.calcsize("<" + fmt)
        start, n = self._vector(slot, size)
        return list(struct.unpack_from(f"<{n}{fmt}", self.buf, start)) if n else []

    def structs(self, slot: int, fmt: str) -> List[Tuple[int, ...]]:
        """A vector of structs laid out as struct format ``fmt`` (for example ``"qq"``)."""
        s = struct.Struct("<" + fmt)
        start, n = self._vector(slot, s.size)
        return list(s.iter_unpack(self.buf[start:start + n * s.size])) if n else []

    def tables(self, slot: int, where: Callable[[int], str]) -> List["Table"]:
        start, n = self._vector(slot, 4)
        out = []
        buf = self.buf
        for i in range(n):
            p = start + 4 * i
            out.append(Table(buf, p + _U32.unpack_from(buf, p)[0], where(i)))
        return out


def root(buf: Union[bytes, memoryview], where: str) -> Table:
    """The root table of a flatbuffer."""
    if len(buf) < 8:
        raise ArrowFormatError(f"{where}: metadata of {len(buf)} bytes is too short for a flatbuffer")
    return Table(buf, _U32.unpack_from(buf, 0)[0], where)


# ----------------------------------------------------------------------------------------- builder
#
# The builder lays objects out front to back: the root uoffset, then each table as
# [vtable][padding][soffset + inline fields], then the objects its offset fields point to (so every
# uoffset is positive, as the format requires). Inline scalars are placed largest first so each is
# naturally aligned; 8-byte fields sit on 8-byte boundaries of the buffer.


class _Scalar:
    __slots__ = ("fmt", "value")

    def __init__(self, fmt: str, value: int) -> None:
        self.fmt = fmt
        self.value = value


class TableB:
    """A table to build: ``fields[slot]`` is a scalar, a string, a vector or a nested table."""

    __slots__ = ("fields",)

    def __init__(self) -> None:
        self.fields: dict = {}

    def scalar(self, slot: int, fmt: str, value: int) -> "TableB":
        self.fields[slot] = _Scalar(fmt, value)
        return self

    def u8(self, slot: int, v: int) -> "TableB":
        return self.scalar(slot, "B", v)

    def bool(self, slot: int, v: bool) -> "TableB":
        return self.scalar(slot, "B", 1 if v else 0)

    def i16(self, slot: int, v: int) -> "TableB":
        return self.scalar(slot, "h", v)

    def i32(self, slot: int, v: int) -> "TableB":
        return self.scalar(slot, "i", v)

    def i64(self, slot: int, v: int) -> "TableB":
        return self.scalar(slot, "q", v)

    def string(self, slot: int, s: str) -> "TableB":
        self.fields[slot] = _StringB(s)
        return self

    def table(self, slot: int, t: "TableB") -> "TableB":
        self.fields[slot] = t
        return self

    def tables(self, slot: int, ts: Sequence["TableB"]) -> "TableB":
        self.fields[slot] = _TableVectorB(list(ts))
        return self

    def scalars(self, slot: int, fmt: str, values: Sequence[int]) -> "TableB":
        self.fields[slot] = _StructVectorB(fmt, [(v,) for v in values])
        return self

    def structs(self, slot: int, fmt: str, values: Sequence[Tuple[int, ...]]) -> "TableB":
        self.fields[slot] = _StructVectorB(fmt, list(values))
        return self


class _StringB:
    __slots__ = ("data",)

    def __init__(self, s: str) -> None:
        self.data = s.encode("utf-8")


class _TableVectorB:
    __slots__ = ("items",)

    def __init__(self, items: List[TableB]) -> None:
        self.items = items


class _StructVectorB:
    __slots__ = ("fmt", "items")

    def __init__(self, fmt: str, items: List[Tuple[int, ...]]) -> None:
        self.fmt = fmt
        self.items = items


def _pad_to(buf: bytearray, align: int, phase: int = 0) -> None:
    """Zero-pad until ``len(buf) % align == phase``."""
    buf.extend(b"\0" * ((phase - len(buf)) % align))


def _write(buf: bytearray, obj: object) -> int:
    """Appends ``obj`` and everything it references; returns the position uoffsets must point at."""
    if isinstance(obj, _StringB):
        _pad_to(buf, 4)
        pos = len(buf)
        buf += _U32.pack(len(obj.data)) + obj.data + b"\0"
        return pos
    if isinstance(obj, _StructVectorB):
        s = struct.Struct("<" + obj.fmt)
        align = min(8, max(struct.calcsize("<" + c) for c in obj.fmt)) if obj.fmt else 1
        _pad_to(buf, max(align, 4), 4 % max(align, 4) if align == 8 else 0)
        pos = len(buf)
        buf += _U32.pack(len(obj.items))
        for item in obj.items:
            buf += s.pack(*item)
        return pos
    if isinstance(obj, _TableVectorB):
        _pad_to(buf, 4)
        pos = len(buf)
        buf += _U32.pack(len(obj.items))
        slots = len(buf)
        buf += b"\0" * (4 * len(obj.items))
        for i, t in enumerate(obj.items):
            target = _write(buf, t)
            at = slots + 4 * i
            _U32.pack_into(buf, at, target - at)
        return pos
    assert isinstance(obj, TableB)
    return _write_table(buf, obj)


def _write_table(buf: bytearray, t: TableB) -> int:
    # Inline layout: soffset at +0, then fields sorted by size (8, 4, 2, 1) so each is aligned when
    # the table starts at 4 mod 8.
    items = []
    for slot, v in t.fields.items():
        size = struct.calcsize("<" + v.fmt) if isinstance(v, _Scalar) else 4
        items.append((size, slot, v))
    items.sort(key=lambda x: (-x[0], x[1]))
    layout = []
    off = 4
    for size, slot, v in items:
        off += (-off - 4) % size if size == 8 else (-off) % size  # table base is 4 mod 8
        layout.append((off, size, slot, v))
        off += size
    table_size = off + (-off) % 4
    nslots = (max(t.fields) + 1) if t.fields else 0
    vtable = [0] * nslots
    for o, _size, slot, _v in layout:
        vtable[slot] = o
    _pad_to(buf, 2)
    vt_pos = len(buf)
    buf += struct.pack(f"<HH{nslots}H", 4 + 2 * nslots, table_size, *vtable)
    _pad_to(buf, 8, 4)
    pos = len(buf)
    buf += b"\0" * table_size
    _I32.pack_into(buf, pos, pos - vt_pos)
    deferred = []
    for o, _size, slot, v in layout:
        if isinstance(v, _Scalar):
            struct.pack_into("<" + v.fmt, buf, pos + o, v.value)
        else:
            deferred.append((pos + o, v))
    for at, v in deferred:
        target = _write(buf, v)
        _U32.pack_into(buf, at, target - at)
    return pos


def build(root_table: TableB) -> bytes:
    """Serialises ``root_table`` (and everything below it) into a flatbuffer."""
    buf = bytearray(b"\0" * 4)
    pos = _write(buf, root_table)
    _U32.pack_into(buf, 0, pos)
    _pad_to(buf, 8)
    return bytes(buf)
