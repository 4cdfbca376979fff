"""Arrow IPC stream reader: bytes, file objects and sockets; every length checked before use.

Framing (ARROW.md): ``<0xFFFFFFFF><int32 metadata_size><Message flatbuffer + padding><body>``; the
legacy pre-0.15 framing drops the continuation marker. End of stream: ``0xFFFFFFFF 00000000``, a
legacy ``00000000`` or plain end of input at a message boundary.
"""

from __future__ import annotations

import os
import struct
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..exceptions import ArrowFormatError, UnsupportedArrowFeature
from . import flatbuf as fb
from . import metadata as md
from . import types as t
from .column import Column, RecordBatch
from .compat import numpy_or_none
from .compression import MAX_UNCOMPRESSED_BODY, codec_module, decompress_buffer

__all__ = ["StreamReader", "read_stream"]

_I32 = struct.Struct("<i")
_CHUNK = 1 << 24
MAX_METADATA_SIZE = 1 << 26
"""Largest metadata flatbuffer accepted (64 MiB; real schemas are a few KiB)."""
MAX_LENGTH = (1 << 31) - 1
"""Largest array length accepted (the limit of the C# side and of 32-bit offsets)."""

# Schemas already read, by the bytes of their message's metadata: a reused worker reads the same input schema run
# after run. The same bytes always give the same schema (or the same error, which is never cached). Emptied when full.
_SCHEMAS: Dict[bytes, t.Schema] = {}
_SCHEMAS_MAX = 64
_SCHEMA_KEY_MAX = 1 << 16  # larger schema messages (thousands of fields) are read every time


# ------------------------------------------------------------------------------------------ sources


class _Source:
    """Sequential reads. ``remaining`` is the number of bytes left when known (bytes input)."""

    remaining: Optional[int] = None
    position = 0

    def read_exact(self, n: int, what: str) -> memoryview:
        raise NotImplementedError  # pragma: no cover - abstract

    def read_prefix(self, n: int, what: str) -> Optional[memoryview]:
        """``n`` bytes, or None at a clean end of input (no byte available)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def close(self) -> None:
        pass


class _BytesSource(_Source):
    """Zero-copy: every read is a slice of the caller's buffer."""

    def __init__(self, data: Any) -> None:
        mv = memoryview(data)
        self.mv = mv if mv.format == "B" and mv.ndim == 1 else mv.cast("B")
        self.remaining = len(self.mv)

    def read_exact(self, n: int, what: str) -> memoryview:
        if n > len(self.mv) - self.position:
            raise ArrowFormatError(f"truncated input: {what} needs {n} bytes at offset {self.position}, "
                                   f"{len(self.mv) - self.position} left")
        out = self.mv[self.position:self.position + n]
        self.position += n
        self.remaining = len(self.mv) - self.position
        return out

    def read_prefix(self, n: int, what: str) -> Optional[memoryview]:
        if self.position == len(self.mv):
            return None
        return self.read_exact(n, what)


class _StreamSource(_Source):
    """File objects (``readinto``/``read``) and sockets (``recv_into``) read into buffers we own.

    A declared size is never trusted for an allocation: large reads grow their buffer as data
    actually arrives, so memory stays within twice the input really received.
    """

    def __init__(self, obj: Any, owned: bool = False) -> None:
        self.obj = obj
        self.owned = owned
        if hasattr(obj, "recv_into"):
            self._into = lambda mv: obj.recv_into(mv, len(mv))
        elif hasattr(obj, "readinto"):
            self._into = obj.readinto
        elif hasattr(obj, "read"):
            def into(mv: memoryview) -> int:
                data = obj.read(len(mv))
                if not data:
                    return 0
                mv[:len(data)] = data
                return len(data)
            self._into = into
        else:
            raise TypeError(f"cannot read an Arrow stream from {type(obj).__name__}")
        # A source that can lend its bytes (the worker's shared-memory input) is read without a copy where it can.
        self._view = getattr(obj, "read_view", None)

    def _fill(self, mv: memoryview, what: str, total: int, done: int) -> int:
        got = 0
        while got < len(mv):
            k = self._into(mv[got:])
            if not k:
                raise ArrowFormatError(f"truncated input: {what} needs {total} bytes at offset "
                                       f"{self.position}, got {done + got}")
            got += k
        return got

    def read_exact(self, n: int, what: str) -> memoryview:
        if self._view is not None:
            lent = self._view(n)
            if lent is not None:
                self.position += n
                return lent
        if n <= _CHUNK:
            buf = bytearray(n)
            with memoryview(buf) as mv:
                self._fill(mv, what, n, 0)
        else:
            buf = bytearray(_CHUNK)
            filled = 0
            while True:
                with memoryview(buf) as mv:
                    filled += self._fill(mv[filled:], what, n, filled)
                if filled == n:
                    break
                buf.extend(bytes(min(len(buf), n - len(buf))))
        self.position += n
        return memoryview(buf)

    def read_prefix(self, n: int, what: str) -> Optional[memoryview]:
        if self._view is not None:
            lent = self._view(n)
            if lent is not None:
                self.position += n
                return lent
        buf = bytearray(n)
        with memoryview(buf) as mv:
            k = self._into(mv)
            if not k:
                return None
            if k < n:
                self._fill(mv[k:], what, n, k)
        self.position += n
        return memoryview(buf)

    def close(self) -> None:
        if self.owned:
            self.obj.close()


def _source(obj: Any) -> _Source:
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return _BytesSource(obj)
    if isinstance(obj, (str, os.PathLike)):
        with open(obj, "rb") as f:
            return _BytesSource(f.read())
    return _StreamSource(obj)


# ------------------------------------------------------------------------------------------ reader


class StreamReader:
    """Reads an Arrow IPC stream; iterate it for :class:`RecordBatch` objects.

    ``source``: bytes/bytearray/memoryview (batches are zero-copy views of it), a path, a binary file
    object, or a socket. The schema is read on construction (:attr:`schema`). Errors are
    :class:`ArrowFormatError` (or :class:`UnsupportedArrowFeature`) naming the message and field.
    """

    def __init__(self, source: Any) -> None:
        self._src = _source(source)
        self._index = 0
        self._done = False
        self._dicts: Dict[int, Column] = {}
        self._dict_fields: Dict[int, t.Field] = {}
        first = self._next_message()
        if first is None:
            raise ArrowFormatError("empty stream: no schema message")
        header_type, header, _body, _meta = first
        if header_type != md.HEADER_SCHEMA:
            raise ArrowFormatError(f"message 0: expected a schema, got message type {header_type}")
        key = bytes(self._metadata) if len(self._metadata) <= _SCHEMA_KEY_MAX else None
        schema = _SCHEMAS.get(key) if key is not None else None
        if schema is None:
            try:
                schema = md.read_schema(header)
            except UnsupportedArrowFeature as e:
                raise UnsupportedArrowFeature(e.feature, f"message 0 (schema): {e}") from None
            except ArrowFormatError as e:
                raise ArrowFormatError(f"message 0 (schema): {e}") from None
            if key is not None:
                if len(_SCHEMAS) >= _SCHEMAS_MAX:
                    _SCHEMAS.clear()
                _SCHEMAS[key] = schema
        self.schema: t.Schema = schema
        self._collect_dictionary_fields(self.schema.fields)

    def __enter__(self) -> "StreamReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._done = True
        self._src.close()

    def __iter__(self) -> Iterator[RecordBatch]:
        return self

    def __next__(self) -> RecordBatch:
        batch = self.read_next_batch()
        if batch is None:
            raise StopIteration
        return batch

    def read_all(self) -> List[RecordBatch]:
        """Every remaining batch."""
        return list(self)

    def read_next_batch(self) -> Optional[RecordBatch]:
        """The next batch, or None at the end of the stream (dictionary messages are absorbed)."""
        while not self._done:
            msg = self._next_message()
            if msg is None:
                self._done = True
                return None
            header_type, header, body, meta = msg
            where = f"message {self._index - 1}"
            if header_type == md.HEADER_RECORD_BATCH:
                return self._record_batch(header, body, meta, where)
            if header_type == md.HEADER_DICTIONARY_BATCH:
                self._dictionary_batch(header, body, where)
            elif header_type == md.HEADER_SCHEMA:
                raise ArrowFormatError(f"{where}: a second schema message")
            elif header_type in (4, 5):
                raise UnsupportedArrowFeature("tensors", f"{where}: tensor messages are not supported")
            else:
                raise ArrowFormatError(f"{where}: unknown message type {header_type}")
        return None

    # ------------------------------------------------------------------------------ framing
    def _next_message(self) -> Optional[Tuple[int, fb.Table, memoryview, t.Metadata]]:
        src = self._src
        where = f"message {self._index}"
        start = src.position
        prefix = src.read_prefix(4, f"{where} prefix")
        if prefix is None:
            return None
        size = _I32.unpack(prefix)[0]
        if size == -1:
            if src.remaining == 0:
                return None  # a lone continuation marker at the very end: treat as end of stream
            size = _I32.unpack(src.read_exact(4, f"{where} metadata length"))[0]
        if size == 0:
            return None
        if size < 0:
            raise ArrowFormatError(f"{where} at offset {start}: negative metadata length {size}")
        if size > MAX_METADATA_SIZE:
            raise ArrowFormatError(f"{where} at offset {start}: metadata length {size} exceeds {MAX_METADATA_SIZE}")
        meta_buf = src.read_exact(size, f"{where} metadata")
        self._metadata = meta_buf
        msg = fb.root(meta_buf, where)
        version = msg.i16(0, 0)
        if version < md.METADATA_V4:
            raise UnsupportedArrowFeature("metadata version", f"{where}: metadata version V{version + 1} (pre-1.0 format) is not supported")
        if version > md.METADATA_V5:
            raise ArrowFormatError(f"{where}: unknown metadata version {version}")
        self._version = version
        header_type = msg.u8(1, 0)
        header = msg.table(2, f"{where} header")
        if header is None:
            raise ArrowFormatError(f"{where}: message without a header")
        body_len = msg.i64(3, 0)
        if body_len < 0:
            raise ArrowFormatError(f"{where}: negative body length {body_len}")
        if src.remaining is not None and body_len > src.remaining:
            raise ArrowFormatError(f"truncated input: {where} body of {body_len} bytes, {src.remaining} left")
        meta = md.read_metadata(msg, 4, where)
        body = src.read_exact(body_len, f"{where} body") if body_len else memoryview(b"")
        self._index += 1
        return header_type, header, body, meta

    # ------------------------------------------------------------------------- dictionaries
    def _collect_dictionary_fields(self, fields: Tuple[t.Field, ...]) -> None:
        for f in fields:
            ty = f.type
            if isinstance(ty, t.Dictionary):
                assert ty.id is not None
                value_field = t.Field(f.name, ty.value_type, f.nullable)
                known = self._dict_fields.get(ty.id)
                if known is not None and known.type != ty.value_type:
                    raise ArrowFormatError(f"dictionary id {ty.id} is used with value types {known.type} and {ty.value_type}")
                self._dict_fields[ty.id] = value_field
            self._collect_dictionary_fields(ty.children)

    def _dictionary_batch(self, header: fb.Table, body: memoryview, where: str) -> None:
        dict_id = header.i64(0, 0)
        where = f"{where} (dictionary batch id {dict_id})"
        field = self._dict_fields.get(dict_id)
        if field is None:
            raise ArrowFormatError(f"{where}: no field uses this dictionary id")
        data = header.table(1, f"{where} data")
        if data is None:
            raise ArrowFormatError(f"{where}: no record batch")
        loader = _Loader(data, body, where, self._version, self._dicts)
        col = loader.load(field, field.name, 0)
        if col.length != loader.length:
            raise ArrowFormatError(f"{where}: column length {col.length} differs from batch length {loader.length}")
        if header.bool(2, False):
            old = self._dicts.get(dict_id)
            if old is None:
                raise ArrowFormatError(f"{where}: delta for a dictionary that was never sent")
            col = concat_columns(old, col)
        self._dicts[dict_id] = col

    def _record_batch(self, header: fb.Table, body: memoryview, meta: t.Metadata, where: str) -> RecordBatch:
        where = f"{where} (record batch)"
        loader = _Loader(header, body, where, self._version, self._dicts)
        cols = []
        for f in self.schema.fields:
            c = loader.load(f, f.name, 0)
            if c.length != loader.length:
                raise ArrowFormatError(f"{where}, field {f.name}: length {c.length} differs from batch length {loader.length}")
            cols.append(c)
        return RecordBatch(self.schema, cols, loader.length, meta)


def concat_columns(a: Column, b: Column) -> Column:
    """``a`` followed by ``b`` (same type), as a new column."""
    return Column.from_storage_pylist(a.to_storage_pylist() + b.to_storage_pylist(), a.type)


class _Loader:
    """Walks one RecordBatch's FieldNodes and Buffers in pre-order, checking each against the body."""

    def __init__(self, rb: fb.Table, body: memoryview, where: str, version: int, dicts: Dict[int, Column]) -> None:
        self.where = where
        self.body = body
        self.version = version
        self.dicts = dicts
        self.length = rb.i64(0, 0)
        if not 0 <= self.length <= MAX_LENGTH:
            raise ArrowFormatError(f"{where}: batch length {self.length} outside [0, {MAX_LENGTH}]")
        self.codec: Optional[str] = None
        self.budget = MAX_UNCOMPRESSED_BODY
        comp = rb.table(3, f"{where} compression")
        if comp is not None:
            code, method = comp.u8(0, 0), comp.u8(1, 0)
            codec = md.COMPRESSION_CODECS.get(code)
            if codec is None:
                raise UnsupportedArrowFeature("compression", f"{where}: unknown compression codec {code}")
            if method != 0:
                raise UnsupportedArrowFeature("compression", f"{where}: compression method {method} (only BUFFER)")
            codec_module(codec, where)  # refuse before reading anything when the module is missing
            self.codec = codec
        self.nodes = rb.structs(1, "qq")
        self.buffers = rb.structs(2, "qq")
        # one count per view-typed field, pre-order (absent iff there is none)
        self.variadic = rb.scalars(4, "q") if rb.has(4) else []
        self.ni = 0
        self.bi = 0
        self.vi = 0

    def _node(self, path: str) -> Tuple[int, int]:
        if self.ni >= len(self.nodes):
            raise ArrowFormatError(f"{self.where}, field {path}: missing field node ({len(self.nodes)} listed)")
        length, nulls = self.nodes[self.ni]
        self.ni += 1
        if not 0 <= length <= MAX_LENGTH:
            raise ArrowFormatError(f"{self.where}, field {path}: length {length} outside [0, {MAX_LENGTH}]")
        if not 0 <= nulls <= length:
            raise ArrowFormatError(f"{self.where}, field {path}: null count {nulls} outside [0, {length}]")
        return length, nulls

    def _buffer(self, path: str, what: str) -> memoryview:
        if self.bi >= len(self.buffers):
            raise ArrowFormatError(f"{self.where}, field {path}: missing {what} buffer ({len(self.buffers)} listed)")
        off, ln = self.buffers[self.bi]
        self.bi += 1
        if off < 0 or ln < 0 or off + ln > len(self.body):
            raise ArrowFormatError(f"{self.where}, field {path}: {what} buffer [{off}, {off}+{ln}) outside the "
                                   f"{len(self.body)}-byte body")
        raw = self.body[off:off + ln]
        if self.codec is None:
            return raw
        buf = decompress_buffer(self.codec, raw, f"{self.where}, field {path}: {what} buffer", self.budget)
        self.budget -= len(buf)
        return buf

    def _variadic_count(self, path: str) -> int:
        """The number of data buffers of the next view-typed field (checked against the buffers left)."""
        if self.vi >= len(self.variadic):
            raise ArrowFormatError(f"{self.where}, field {path}: no variadicBufferCounts entry for a view field "
                                   f"({len(self.variadic)} listed)")
        k = self.variadic[self.vi]
        self.vi += 1
        if not 0 <= k <= len(self.buffers) - self.bi:
            raise ArrowFormatError(f"{self.where}, field {path}: {k} variadic data buffers, "
                                   f"{len(self.buffers) - self.bi} buffers left")
        return k

    def _validity(self, path: str, length: int, nulls: int) -> Optional[memoryview]:
        buf = self._buffer(path, "validity")
        if nulls == 0:
            return None
        if len(buf) < (length + 7) >> 3:
            raise ArrowFormatError(f"{self.where}, field {path}: validity buffer of {len(buf)} bytes for {length} values")
        return buf

    def _sized(self, path: str, what: str, need: int) -> memoryview:
        buf = self._buffer(path, what)
        if len(buf) < need:
            raise ArrowFormatError(f"{self.where}, field {path}: {what} buffer of {len(buf)} bytes, needs {need}")
        return buf

    def _offsets(self, path: str, length: int, large: bool, limit: int, limit_what: str) -> memoryview:
        """Checks the offsets buffer: length+1 values, non-decreasing, first >= 0, last <= limit."""
        return self._checked_offsets(self._buffer(path, "offsets"), path, length, large, limit, limit_what)

    def _checked_offsets(self, buf: memoryview, path: str, length: int, large: bool, limit: int,
                         limit_what: str) -> memoryview:
        w = 8 if large else 4
        if length == 0 and len(buf) < w:
            return buf
        if len(buf) < (length + 1) * w:
            raise ArrowFormatError(f"{self.where}, field {path}: offsets buffer of {len(buf)} bytes for {length} values")
        first, last, ok = _check_offsets(buf, length + 1, large)
        if not ok:
            raise ArrowFormatError(f"{self.where}, field {path}: offsets are not non-decreasing")
        if first < 0 or last > limit:
            raise ArrowFormatError(f"{self.where}, field {path}: offsets [{first}, {last}] outside {limit_what} of {limit}")
        return buf

    def load(self, field: t.Field, path: str, depth: int) -> Column:
        if depth > md.MAX_DEPTH:
            raise ArrowFormatError(f"{self.where}, field {path}: nesting deeper than {md.MAX_DEPTH} levels")
        ty = field.type
        length, nulls = self._node(path)
        if isinstance(ty, t.Null):
            return Column(ty, length, [None])
        if isinstance(ty, t.Union):
            if self.version < md.METADATA_V5:
                self._buffer(path, "validity")  # V4 unions carry a (meaningless) validity buffer
            type_ids = self._sized(path, "type ids", length)
            bufs: List[Optional[memoryview]] = [None, type_ids]
            if ty.mode == t.UnionMode.DENSE:
                bufs.append(self._sized(path, "union offsets", 4 * length))
            children = [self.load(c, f"{path}.{c.name}", depth + 1) for c in ty.fields]
            self._check_union(ty, length, type_ids, bufs[2] if len(bufs) > 2 else None, children, path)
            return Column(ty, length, bufs, children)
        if isinstance(ty, t.RunEndEncoded):
            # no buffers of its own; the FieldNode's null count is meaningless (nulls live in the values)
            run_ends = self.load(ty.run_ends, f"{path}.{ty.run_ends.name}", depth + 1)
            values = self.load(ty.values, f"{path}.{ty.values.name}", depth + 1)
            _check_run_ends(run_ends, values, length, f"{self.where}, field {path}")
            return Column(ty, length, [None], [run_ends, values])
        validity = self._validity(path, length, nulls)
        nc = nulls if validity is not None else 0
        if isinstance(ty, t.Dictionary):
            w = ty.index_type.bit_width // 8
            indices = self._sized(path, "indices", length * w)
            assert ty.id is not None
            dictionary = self.dicts.get(ty.id)
            if dictionary is None:
                if nc != length:
                    raise ArrowFormatError(f"{self.where}, field {path}: dictionary id {ty.id} was not sent before use")
            else:
                _check_indices(indices, ty.index_type, length, validity, dictionary.length,
                               f"{self.where}, field {path}")
            return Column(ty, length, [validity, indices], (), dictionary, 0, nc)
        if isinstance(ty, t.Bool):
            return Column(ty, length, [validity, self._sized(path, "values", (length + 7) >> 3)], null_count=nc)
        width = t.fixed_width(ty)
        if width:
            return Column(ty, length, [validity, self._sized(path, "values", length * width)], null_count=nc)
        if isinstance(ty, t.FixedSizeBinary):  # width 0
            self._buffer(path, "values")
            return Column(ty, length, [validity, memoryview(b"")], null_count=nc)
        if isinstance(ty, (t.Utf8, t.Binary, t.LargeUtf8, t.LargeBinary)):
            large = isinstance(ty, (t.LargeUtf8, t.LargeBinary))
            # the offsets are bounded by the data buffer that follows them (its uncompressed size)
            raw_offsets = self._buffer(path, "offsets")
            data = self._buffer(path, "data")
            offsets = self._checked_offsets(raw_offsets, path, length, large, len(data), "a data buffer")
            return Column(ty, length, [validity, offsets, data], null_count=nc)
        if isinstance(ty, (t.BinaryView, t.Utf8View)):
            views = self._sized(path, "views", 16 * length)
            data_bufs = [self._buffer(path, f"variadic data {i}") for i in range(self._variadic_count(path))]
            _check_views(views, length, validity, [len(b) for b in data_bufs], f"{self.where}, field {path}")
            return Column(ty, length, [validity, views, *data_bufs], null_count=nc)
        if isinstance(ty, (t.ListView, t.LargeListView)):
            w = 8 if isinstance(ty, t.LargeListView) else 4
            offsets = self._sized(path, "offsets", length * w)
            sizes = self._sized(path, "sizes", length * w)
            child = self.load(ty.field, f"{path}.{ty.field.name}", depth + 1)
            _check_list_views(offsets, sizes, w == 8, length, validity, child.length, f"{self.where}, field {path}")
            return Column(ty, length, [validity, offsets, sizes], [child], null_count=nc)
        if isinstance(ty, (t.List, t.LargeList, t.Map)):
            large = isinstance(ty, t.LargeList)
            # the offsets are bounded by the child's length, which is only known once the child (whose
            # nodes and buffers follow) is loaded: skip the offsets buffer, load the child, come back
            offsets_index = self.bi
            self.bi += 1
            child_field = ty.children[0]
            child = self.load(child_field, f"{path}.{child_field.name}", depth + 1)
            after_child = self.bi
            self.bi = offsets_index
            offsets = self._offsets(path, length, large, child.length, "a child array")
            self.bi = after_child
            return Column(ty, length, [validity, offsets], [child], null_count=nc)
        if isinstance(ty, t.FixedSizeList):
            child = self.load(ty.field, f"{path}.{ty.field.name}", depth + 1)
            if child.length < length * ty.size:
                raise ArrowFormatError(f"{self.where}, field {path}: child length {child.length} < {length} x {ty.size}")
            return Column(ty, length, [validity], [child], null_count=nc)
        if isinstance(ty, t.Struct):
            children = []
            for c in ty.fields:
                col = self.load(c, f"{path}.{c.name}", depth + 1)
                if col.length < length:
                    raise ArrowFormatError(f"{self.where}, field {path}.{c.name}: length {col.length} < parent length {length}")
                children.append(col)
            return Column(ty, length, [validity], children, null_count=nc)
        raise UnsupportedArrowFeature(str(ty), f"{self.where}, field {path}: type {ty} is not supported")  # pragma: no cover

    def _check_union(self, ty: t.Union, length: int, type_ids: memoryview, offsets: Optional[memoryview],
                     children: List[Column], path: str) -> None:
        assert ty.type_ids is not None
        declared = set(ty.type_ids)
        tids = bytes(type_ids[:length])
        bad = set(tids) - declared
        if bad:
            raise ArrowFormatError(f"{self.where}, field {path}: union type id {min(bad)} is not declared")
        if ty.mode == t.UnionMode.SPARSE:
            for c, f in zip(children, ty.fields):
                if c.length < length:
                    raise ArrowFormatError(f"{self.where}, field {path}.{f.name}: sparse union child shorter than {length}")
            return
        assert offsets is not None
        index = {tid: i for i, tid in enumerate(ty.type_ids)}
        lens = [c.length for c in children]
        np = numpy_or_none()
        if np is not None and length > 64:
            lut = np.zeros(256, np.intp)
            for tid, i in index.items():
                lut[tid] = i
            child_of = lut[np.frombuffer(tids, np.uint8)]
            offs_arr = np.frombuffer(offsets, "<i4", length)
            limit = np.array(lens, np.int64)[child_of]
            bad = np.flatnonzero((offs_arr < 0) | (offs_arr >= limit))
            if bad.size == 0:
                return
            first = int(bad[0])
            tids, offsets = tids[first:first + 1], offsets[4 * first:4 * first + 4]
            length = 1
        else:
            first = 0
        offs = struct.unpack_from(f"<{length}i", offsets) if length else ()
        for i, (tid, o) in enumerate(zip(tids, offs), first):
            if not 0 <= o < lens[index[tid]]:
                raise ArrowFormatError(f"{self.where}, field {path}: dense union slot {i} offset {o} outside child "
                                       f"of length {lens[index[tid]]}")


def _check_offsets(buf: memoryview, count: int, large: bool) -> Tuple[int, int, bool]:
    """(first, last, non-decreasing) of ``count`` offsets."""
    np = numpy_or_none()
    if np is not None and count > 64:
        a = np.frombuffer(buf, "<i8" if large else "<i4", count)
        return int(a[0]), int(a[-1]), bool((a[1:] >= a[:-1]).all())
    vals = struct.unpack_from(f"<{count}{'q' if large else 'i'}", buf)
    ok = all(map(int.__le__, vals, vals[1:]))
    return vals[0], vals[-1], ok


def _check_views(views: memoryview, length: int, validity: Optional[memoryview], data_lengths: List[int],
                 where: str) -> None:
    """Every non-null 16-byte view: ``int32 size`` >= 0; sizes up to 12 are inline, longer ones name a
    data buffer (``int32 index`` after a 4-byte prefix) and an ``int32 offset`` with offset + size inside it."""
    if length == 0:
        return
    np = numpy_or_none()
    if np is not None and length > 64:
        v = np.frombuffer(views, "<i4", 4 * length).reshape(length, 4).astype(np.int64)
        if validity is not None:
            bits = np.unpackbits(np.frombuffer(validity, np.uint8, (length + 7) >> 3), bitorder="little")
            v = v[bits[:length].astype(bool)]
        if (v[:, 0] < 0).any():
            raise ArrowFormatError(f"{where}: view of negative size {int(v[:, 0].min())}")
        out = v[v[:, 0] > 12]
        if not len(out):
            return
        idx, off = out[:, 2], out[:, 3]
        if int(idx.min()) < 0 or int(idx.max()) >= len(data_lengths):
            bad = int(idx.min()) if int(idx.min()) < 0 else int(idx.max())
            raise ArrowFormatError(f"{where}: view names data buffer {bad} of {len(data_lengths)}")
        ends = off + out[:, 0]
        bad_rows = np.flatnonzero((off < 0) | (ends > np.array(data_lengths, np.int64)[idx]))
        if len(bad_rows):
            r = out[int(bad_rows[0])]
            raise ArrowFormatError(f"{where}: view [{int(r[3])}, +{int(r[0])}) outside data buffer {int(r[2])} of "
                                   f"{data_lengths[int(r[2])]} bytes")
        return
    from .column import bits_to_list

    valid = bits_to_list(validity, 0, length) if validity is not None else None
    for i, (size, _prefix, index, offset) in enumerate(struct.iter_unpack("<i4sii", views[:16 * length])):
        if valid is not None and not valid[i]:
            continue
        if size < 0:
            raise ArrowFormatError(f"{where}: view {i} of negative size {size}")
        if size <= 12:
            continue
        if not 0 <= index < len(data_lengths):
            raise ArrowFormatError(f"{where}: view {i} names data buffer {index} of {len(data_lengths)}")
        if offset < 0 or offset + size > data_lengths[index]:
            raise ArrowFormatError(f"{where}: view {i} [{offset}, +{size}) outside data buffer {index} of "
                                   f"{data_lengths[index]} bytes")


def _check_list_views(offsets: memoryview, sizes: memoryview, large: bool, length: int,
                      validity: Optional[memoryview], child_length: int, where: str) -> None:
    """Every non-null slot: offset >= 0, size >= 0 and offset + size <= the child's length."""
    if length == 0:
        return
    fmt = "q" if large else "i"
    np = numpy_or_none()
    if np is not None and length > 64:
        o = np.frombuffer(offsets, "<" + fmt, length).astype(np.int64)
        z = np.frombuffer(sizes, "<" + fmt, length).astype(np.int64)
        ok = (o >= 0) & (z >= 0) & (o + z <= child_length)
        if validity is not None:
            bits = np.unpackbits(np.frombuffer(validity, np.uint8, (length + 7) >> 3), bitorder="little")
            ok |= ~bits[:length].astype(bool)
        bad = np.flatnonzero(~ok)
        if not len(bad):
            return
        i = int(bad[0])
        raise ArrowFormatError(f"{where}: list view {i} [{int(o[i])}, +{int(z[i])}) outside a child array of "
                               f"length {child_length}")
    from .column import bits_to_list

    valid = bits_to_list(validity, 0, length) if validity is not None else None
    o_vals = struct.unpack_from(f"<{length}{fmt}", offsets)
    z_vals = struct.unpack_from(f"<{length}{fmt}", sizes)
    for i, (o1, z1) in enumerate(zip(o_vals, z_vals)):
        if valid is not None and not valid[i]:
            continue
        if o1 < 0 or z1 < 0 or o1 + z1 > child_length:
            raise ArrowFormatError(f"{where}: list view {i} [{o1}, +{z1}) outside a child array of length {child_length}")


def _check_run_ends(run_ends: Column, values: Column, length: int, where: str) -> None:
    """Run ends: no nulls, positive and strictly increasing, the last one covering ``length``; at least
    as many values as runs."""
    runs = run_ends.length
    if run_ends.null_count:
        raise ArrowFormatError(f"{where}: {run_ends.null_count} null run end(s)")
    if values.length < runs:
        raise ArrowFormatError(f"{where}: {runs} run ends but only {values.length} values")
    if runs == 0:
        if length:
            raise ArrowFormatError(f"{where}: no runs for {length} values")
        return
    assert isinstance(run_ends.type, t.Int)
    fmt = {16: "h", 32: "i", 64: "q"}[run_ends.type.bit_width]
    buf = run_ends.buffers[1]
    assert buf is not None
    np = numpy_or_none()
    if np is not None and runs > 64:
        a = np.frombuffer(buf, "<" + fmt, runs)
        first, last, ok = int(a[0]), int(a[-1]), bool((a[1:] > a[:-1]).all())
    else:
        vals = struct.unpack_from(f"<{runs}{fmt}", buf)
        first, last, ok = vals[0], vals[-1], all(map(int.__lt__, vals, vals[1:]))
    if first < 1 or not ok:
        raise ArrowFormatError(f"{where}: run ends are not positive and strictly increasing")
    if last < length:
        raise ArrowFormatError(f"{where}: the last run ends at {last}, before the array's length {length}")


def _check_indices(buf: memoryview, index_type: t.Int, length: int, validity: Optional[memoryview],
                   dict_len: int, where: str) -> None:
    if length == 0:
        return
    fmt = {(8, True): "b", (8, False): "B", (16, True): "h", (16, False): "H", (32, True): "i",
           (32, False): "I", (64, True): "q", (64, False): "Q"}[(index_type.bit_width, index_type.signed)]
    np = numpy_or_none()
    if np is not None and length > 64:
        a = np.frombuffer(buf, "<" + fmt, length)
        if validity is not None:
            bits = np.unpackbits(np.frombuffer(validity, np.uint8, (length + 7) >> 3), bitorder="little")
            a = a[bits[:length].astype(bool)]
        if a.size:
            lo, hi = int(a.min()), int(a.max())
            if lo < 0 or hi >= dict_len:
                raise ArrowFormatError(f"{where}: dictionary index {lo if lo < 0 else hi} outside a dictionary "
                                       f"of {dict_len} values")
        return
    vals = struct.unpack_from(f"<{length}{fmt}", buf)
    if validity is not None:
        from .column import bits_to_list

        vals = tuple(v for v, ok in zip(vals, bits_to_list(validity, 0, length)) if ok)
    if vals and (min(vals) < 0 or max(vals) >= dict_len):
        bad = min(vals) if min(vals) < 0 else max(vals)
        raise ArrowFormatError(f"{where}: dictionary index {bad} outside a dictionary of {dict_len} values")


def read_stream(source: Any) -> Tuple[t.Schema, List[RecordBatch]]:
    """The schema and every batch of a stream."""
    with StreamReader(source) as r:
        return r.schema, r.read_all()
