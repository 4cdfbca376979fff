"""Arrow IPC stream writer.

Writes metadata V5 with 8-byte framing (``0xFFFFFFFF``, int32 size, flatbuffer padded to 8, body);
every body buffer starts on a 64-byte boundary and is listed with its exact length; validity bitmaps
are omitted for columns without nulls; sliced columns are rebased (offsets start at 0). Buffers that
need no rebasing (numpy arrays, received buffers) are handed to the sink as memoryviews, not copied.

Dictionaries: before each record batch, every dictionary it uses (inner ones first) is sent unless it
equals what was sent for that id; a dictionary that extends the previous one is sent as a delta,
any other change as a replacement.
"""

from __future__ import annotations

import io
import struct
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import metadata as md
from . import types as t
from .build import pack_bits
from .column import Column, RecordBatch, _nan_safe, _unpack, bits_to_list, run_end_indices
from .compat import numpy_or_none

__all__ = ["StreamWriter", "write_stream"]

_CONTINUATION = b"\xff\xff\xff\xff"
_COALESCE = 1 << 16

# Schema messages already built, by schema: a reused worker writes the same output schema run after run, and
# building the flatbuffer costs more than a one-row batch. Emptied when full (a handful of schemas is typical).
_SCHEMA_MESSAGES: Dict[t.Schema, bytes] = {}
_SCHEMA_MESSAGES_MAX = 64


def _schema_message(schema: t.Schema) -> bytes:
    try:
        cached = _SCHEMA_MESSAGES.get(schema)
    except TypeError:  # a schema holding an unhashable value is built every time
        return md.schema_message(schema)
    if cached is None:
        cached = md.schema_message(schema)
        if len(cached) > 1 << 16:  # thousands of fields: not kept
            return cached
        if len(_SCHEMA_MESSAGES) >= _SCHEMA_MESSAGES_MAX:
            _SCHEMA_MESSAGES.clear()
        _SCHEMA_MESSAGES[schema] = cached
    return cached


def _pad(n: int, align: int) -> int:
    return (-n) % align


class _Body:
    """Collects a message body: buffers at aligned offsets, as (offset, length) pairs and chunks."""

    def __init__(self, alignment: int) -> None:
        self.alignment = alignment
        self.chunks: List[Any] = []
        self.size = 0
        self.buffers: List[Tuple[int, int]] = []
        self.nodes: List[Tuple[int, int]] = []
        self.variadic: List[int] = []

    def add(self, data: Any) -> None:
        n = len(data) if data is not None else 0
        if n == 0:
            self.buffers.append((self.size, 0))
            return
        self.buffers.append((self.size, n))
        self.chunks.append(data)
        self.size += n
        pad = _pad(self.size, self.alignment)
        if pad:
            self.chunks.append(bytes(pad))
            self.size += pad


def _bitmap(buf: Optional[memoryview], offset: int, length: int) -> Any:
    """``length`` bits from bit ``offset``, as a buffer starting at bit 0 (zero-copy when aligned)."""
    if buf is None or length == 0:
        return b""
    if offset & 7 == 0:
        return buf[offset >> 3:(offset + length + 7) >> 3]
    np = numpy_or_none()
    if np is not None:
        raw = np.frombuffer(buf, np.uint8, (offset + length + 7) >> 3)
        return np.packbits(np.unpackbits(raw, bitorder="little")[offset:offset + length], bitorder="little").tobytes()
    return pack_bits(bits_to_list(buf, offset, length))


def _rebased_offsets(col: Column, large: bool) -> Tuple[Any, int, int]:
    """(offsets buffer starting at 0, first, last) for ``col.length`` elements."""
    n = col.length
    buf = col.buffers[1]
    w = 8 if large else 4
    if n == 0 or buf is None or len(buf) == 0:
        return bytes(w), 0, 0
    fmt = "q" if large else "i"
    first = struct.unpack_from("<" + fmt, buf, col.offset * w)[0]
    last = struct.unpack_from("<" + fmt, buf, (col.offset + n) * w)[0]
    raw = buf[col.offset * w:(col.offset + n + 1) * w]
    if first == 0:
        return raw, first, last
    np = numpy_or_none()
    if np is not None:
        return (np.frombuffer(raw, "<" + fmt) - first).astype("<" + fmt).tobytes(), first, last
    vals = _unpack(buf, fmt, col.offset, n + 1)
    return struct.pack(f"<{n + 1}{fmt}", *[v - first for v in vals]), first, last


class StreamWriter:
    """Writes record batches of ``schema`` as an Arrow IPC stream to ``sink``.

    ``sink``: a binary file object (``write``) or a socket (``sendall``). ``legacy=True`` writes the
    pre-0.15 framing (no continuation marker, 4-byte end of stream). :meth:`close` writes the end of
    stream marker (the sink itself stays open). Dictionary types without an id get ids 0, 1, ...
    """

    def __init__(self, sink: Any, schema: t.Schema, legacy: bool = False, alignment: int = 64) -> None:
        if alignment < 8 or alignment & 7:
            raise ValueError("alignment must be a positive multiple of 8")
        if hasattr(sink, "sendall"):
            self._send = sink.sendall
        elif hasattr(sink, "write"):
            write = sink.write

            def send(data: Any) -> None:
                mv = memoryview(data)
                while len(mv):
                    k = write(mv)
                    if k is None or k >= len(mv):
                        return
                    mv = mv[k:]
            self._send = send
        else:
            raise TypeError(f"cannot write an Arrow stream to {type(sink).__name__}")
        # A sink with write_parts(list) takes a whole message at once (the worker's: one data chunk, one
        # gathered sendmsg); others get the message piece by piece.
        self._send_parts = getattr(sink, "write_parts", None)
        self.legacy = legacy
        self.alignment = alignment
        self.schema = _assign_dictionary_ids(schema)
        self._sent: Dict[int, Tuple[Column, List[Any]]] = {}
        self._closed = False
        self._write_message(_schema_message(self.schema), [], 0)

    def __enter__(self) -> "StreamWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self._closed:
            self.close()

    def _write_message(self, meta: bytes, chunks: List[Any], body_len: int) -> None:
        if self.legacy:
            size = len(meta) + _pad(len(meta) + 4, 8)
            head = struct.pack("<i", size) + meta + bytes(size - len(meta))
        else:
            size = len(meta) + _pad(len(meta), 8)
            head = _CONTINUATION + struct.pack("<i", size) + meta + bytes(size - len(meta))
        parts: List[Any] = []
        pending = bytearray(head)
        for c in chunks:
            if len(c) < _COALESCE:
                pending += c
            else:
                if pending:
                    parts.append(pending)
                    pending = bytearray()
                parts.append(c)
        if pending:
            parts.append(pending)
        if self._send_parts is not None:
            self._send_parts(parts)
            return
        for part in parts:
            self._send(part)

    def write_batch(self, batch: RecordBatch) -> None:
        """Writes ``batch`` (and the dictionaries it needs). Its fields must match the schema's."""
        if self._closed:
            raise ValueError("the writer is closed")
        if len(batch.columns) != len(self.schema.fields):
            raise ValueError(f"batch has {len(batch.columns)} columns, the schema {len(self.schema.fields)}")
        for f, c in zip(self.schema.fields, batch.columns):
            if _strip_ids(f.type) != _strip_ids(c.type):
                raise ValueError(f"column {f.name!r} is {c.type}, the schema says {f.type}")
        dicts: Dict[int, Tuple[t.DataType, Column]] = {}
        for f, c in zip(self.schema.fields, batch.columns):
            _collect_dictionaries(f.type, c, dicts)
        for dict_id, (value_type, dcol) in dicts.items():
            self._send_dictionary(dict_id, value_type, dcol)
        body = _Body(self.alignment)
        for f, c in zip(self.schema.fields, batch.columns):
            _emit(f.type, c, body)
        header = md.record_batch_table(batch.num_rows, body.nodes, body.buffers, body.variadic)
        self._write_message(md.message(md.HEADER_RECORD_BATCH, header, body.size, batch.metadata),
                            body.chunks, body.size)

    def _send_dictionary(self, dict_id: int, value_type: t.DataType, dcol: Column) -> None:
        prev = self._sent.get(dict_id)
        if prev is not None and prev[0] is dcol:
            return
        values = _nan_safe(dcol.to_storage_pylist())
        delta = False
        payload = dcol
        if prev is not None:
            old = prev[1]
            if values == old:
                self._sent[dict_id] = (dcol, values)
                return
            if len(values) > len(old) and values[:len(old)] == old:
                delta = True
                payload = dcol.slice(len(old))
        body = _Body(self.alignment)
        _emit(value_type, payload, body)
        rb = md.record_batch_table(payload.length, body.nodes, body.buffers, body.variadic)
        from . import flatbuf as fb

        header = fb.TableB().i64(0, dict_id).table(1, rb).bool(2, delta)
        self._write_message(md.message(md.HEADER_DICTIONARY_BATCH, header, body.size), body.chunks, body.size)
        self._sent[dict_id] = (dcol, values)

    def write_batches(self, batches: Iterable[RecordBatch]) -> None:
        for b in batches:
            self.write_batch(b)

    def close(self) -> None:
        """Writes the end-of-stream marker."""
        if not self._closed:
            self._closed = True
            self._send(b"\0\0\0\0" if self.legacy else _CONTINUATION + b"\0\0\0\0")


def _strip_ids(ty: t.DataType) -> t.DataType:
    """``ty`` with dictionary ids removed (the writer assigns its own)."""
    if isinstance(ty, t.Dictionary):
        return t.Dictionary(ty.index_type, _strip_ids(ty.value_type), ty.ordered, None)
    if not ty.children:
        return ty
    return _with_children(ty, [f.with_type(_strip_ids(f.type)) for f in ty.children])


def _with_children(ty: t.DataType, kids: List[t.Field]) -> t.DataType:
    if isinstance(ty, t.List):
        return t.List(kids[0])
    if isinstance(ty, t.LargeList):
        return t.LargeList(kids[0])
    if isinstance(ty, t.FixedSizeList):
        return t.FixedSizeList(kids[0], ty.size)
    if isinstance(ty, t.Map):
        return t.Map(kids[0], ty.keys_sorted)
    if isinstance(ty, t.Struct):
        return t.Struct(tuple(kids))
    if isinstance(ty, t.Union):
        return t.Union(tuple(kids), ty.mode, ty.type_ids)
    if isinstance(ty, t.ListView):
        return t.ListView(kids[0])
    if isinstance(ty, t.LargeListView):
        return t.LargeListView(kids[0])
    if isinstance(ty, t.RunEndEncoded):
        return t.RunEndEncoded(kids[0], kids[1])
    return ty


def _assign_dictionary_ids(schema: t.Schema) -> t.Schema:
    used = set()

    def scan(ty: t.DataType) -> None:
        if isinstance(ty, t.Dictionary):
            if ty.id is not None:
                used.add(ty.id)
            scan(ty.value_type)
        for f in ty.children:
            scan(f.type)

    for f in schema.fields:
        scan(f.type)
    counter = [0]

    def fresh() -> int:
        while counter[0] in used:
            counter[0] += 1
        used.add(counter[0])
        return counter[0]

    def assign(ty: t.DataType) -> t.DataType:
        if isinstance(ty, t.Dictionary):
            return t.Dictionary(ty.index_type, assign(ty.value_type), ty.ordered, fresh() if ty.id is None else ty.id)
        if not ty.children:
            return ty
        return _with_children(ty, [f.with_type(assign(f.type)) for f in ty.children])

    return t.Schema(tuple(f.with_type(assign(f.type)) for f in schema.fields), schema.metadata)


def _collect_dictionaries(ty: t.DataType, col: Column, out: Dict[int, Tuple[t.DataType, Column]]) -> None:
    """Dictionaries used by ``col`` (typed ``ty`` in the writer's schema), inner ones first."""
    if isinstance(ty, t.Dictionary):
        d = col.dictionary
        if d is None:
            if col.null_count != col.length:
                raise ValueError(f"dictionary column of {ty} has no dictionary")
            d = Column.from_storage_pylist([], ty.value_type)
        _collect_dictionaries(ty.value_type, d, out)
        assert ty.id is not None
        known = out.get(ty.id)
        if known is not None and known[1] is not d and \
                _nan_safe(known[1].to_storage_pylist()) != _nan_safe(d.to_storage_pylist()):
            raise ValueError(f"two columns use dictionary id {ty.id} with different dictionaries in one batch")
        out[ty.id] = (ty.value_type, d)
        return
    for f, c in zip(ty.children, col.children):
        _collect_dictionaries(f.type, c, out)


def _emit(ty: t.DataType, col: Column, body: _Body) -> None:
    """Appends ``col``'s field nodes and buffers (pre-order), rebasing slices."""
    n = col.length
    off = col.offset
    if isinstance(ty, t.Null):
        body.nodes.append((n, n))
        return
    if isinstance(ty, t.RunEndEncoded):
        # no buffers; the runs covering the slice, rebased to start at 0 and end at its length
        body.nodes.append((n, 0))
        ends, j0, j1 = run_end_indices(col)
        rebased = [min(e, off + n) - off for e in ends[j0:j1 + 1]]
        _emit(ty.run_ends.type, Column.from_storage_pylist(rebased, ty.run_ends.type), body)
        _emit(ty.values.type, col.children[1].slice(j0, len(rebased)), body)
        return
    if isinstance(ty, t.Union):
        body.nodes.append((n, 0))
        body.add(col.buffers[1][off:off + n] if n else b"")
        if ty.mode == t.UnionMode.SPARSE:
            for f, c in zip(ty.fields, col.children):
                _emit(f.type, c.slice(off, n), body)
        else:
            body.add(col.buffers[2][off * 4:(off + n) * 4] if n else b"")
            for f, c in zip(ty.fields, col.children):
                _emit(f.type, c, body)
        return
    nulls = col.null_count
    body.nodes.append((n, nulls))
    body.add(_bitmap(col.buffers[0], off, n) if nulls else b"")
    if isinstance(ty, t.Bool):
        body.add(_bitmap(col.buffers[1], off, n))
        return
    width = t.fixed_width(ty)
    if width or isinstance(ty, t.FixedSizeBinary):
        buf = col.buffers[1]
        body.add(buf[off * width:(off + n) * width] if buf is not None and width else b"")
        return
    if isinstance(ty, (t.Utf8, t.Binary, t.LargeUtf8, t.LargeBinary)):
        offsets, first, last = _rebased_offsets(col, isinstance(ty, (t.LargeUtf8, t.LargeBinary)))
        body.add(offsets)
        data = col.buffers[2]
        body.add(data[first:last] if data is not None else b"")
        return
    if isinstance(ty, (t.BinaryView, t.Utf8View)):
        # views address their data buffers by index and offset: a slice needs no rebasing
        views = col.buffers[1]
        body.add(views[off * 16:(off + n) * 16] if views is not None else b"")
        data = col.buffers[2:]
        for d in data:
            body.add(d if d is not None else b"")
        body.variadic.append(len(data))
        return
    if isinstance(ty, (t.ListView, t.LargeListView)):
        w = 8 if isinstance(ty, t.LargeListView) else 4
        for buf in col.buffers[1:3]:
            body.add(buf[off * w:(off + n) * w] if buf is not None else b"")
        _emit(ty.field.type, col.children[0], body)  # offsets stay valid: the child is written whole
        return
    if isinstance(ty, (t.List, t.LargeList, t.Map)):
        offsets, first, last = _rebased_offsets(col, isinstance(ty, t.LargeList))
        body.add(offsets)
        _emit(ty.children[0].type, col.children[0].slice(first, last - first), body)
        return
    if isinstance(ty, t.FixedSizeList):
        _emit(ty.field.type, col.children[0].slice(off * ty.size, n * ty.size), body)
        return
    if isinstance(ty, t.Struct):
        for f, c in zip(ty.fields, col.children):
            _emit(f.type, c.slice(off, n), body)
        return
    raise TypeError(f"cannot write type {ty}")  # pragma: no cover


def write_stream(schema: t.Schema, batches: Iterable[RecordBatch], legacy: bool = False) -> bytes:
    """The complete stream (schema, batches, end of stream) as bytes."""
    out = io.BytesIO()
    with StreamWriter(out, schema, legacy=legacy) as w:
        w.write_batches(batches)
    return out.getvalue()
