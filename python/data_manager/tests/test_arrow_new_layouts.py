"""The layouts Apache.Arrow 23 can send (issue 12): binary/utf8 views, list views, run-end encoded
arrays, decimal32/64 and LZ4_FRAME/ZSTD compressed bodies — read, checked against their buffers,
written by the lower layer, and handed to pandas as the classic types' values."""

from __future__ import annotations

import decimal
import struct
import sys
from typing import Any, Callable, List, Optional

import pytest

from data_manager._arrow import flatbuf as fb
from data_manager._arrow import metadata as md
from data_manager._arrow import types as t
from data_manager._arrow.column import Column, RecordBatch, classic_batch, views_to_classic
from data_manager._arrow.compression import decompress_buffer
from data_manager._arrow.reader import read_stream
from data_manager._arrow.writer import write_stream
from data_manager.exceptions import ArrowFormatError, UnsupportedArrowFeature


def one_column(col: Column, name: str = "c") -> RecordBatch:
    return RecordBatch(t.Schema((t.Field(name, col.type),)), [col], col.length)


def roundtrip(col: Column) -> Column:
    schema, batches = read_stream(write_stream(one_column(col).schema, [one_column(col)]))
    assert len(batches) == 1
    return batches[0].columns[0]


def view(size: int, data: bytes = b"", index: int = 0, offset: int = 0) -> bytes:
    """One 16-byte view: inline when ``size`` <= 12, else prefix + buffer index + offset."""
    if size <= 12:
        return struct.pack("<i12s", size, data)
    return struct.pack("<i4sii", size, data[:4], index, offset)


def validity(*valid: bool) -> bytes:
    out = bytearray((len(valid) + 7) // 8)
    for i, ok in enumerate(valid):
        if ok:
            out[i // 8] |= 1 << (i % 8)
    return bytes(out)


# ------------------------------------------------------------------------------------------ views


def test_string_view_with_inline_and_out_of_line_values_reads_as_utf8() -> None:
    long_a, long_b = "a string longer than twelve", "ünïcode beyond twelve bytes"
    data = long_a.encode() + long_b.encode()
    views = view(2, b"hi") + view(len(long_a), long_a.encode(), 0, 0) + view(0) + \
        view(len(long_b.encode()), long_b.encode(), 0, len(long_a)) + view(12, b"twelve bytes")
    col = Column(t.Utf8View(), 5, [None, views, data])
    got = roundtrip(col)
    assert got.type == t.Utf8View()
    assert got.to_pylist() == ["hi", long_a, "", long_b, "twelve bytes"]


def test_binary_view_across_two_data_buffers_reads_each_value() -> None:
    first, second = b"\x00" * 20, bytes(range(30))
    views = view(20, first, 0, 0) + view(13, second, 1, 17) + view(3, b"abc")
    col = roundtrip(Column(t.BinaryView(), 3, [None, views, first, second]))
    assert col.to_pylist() == [first, second[17:30], b"abc"]
    assert len(col.buffers) == 4  # validity, views, two variadic data buffers


def test_null_view_with_garbage_is_never_dereferenced() -> None:
    views = view(5, b"hello") + struct.pack("<i4sii", 1 << 30, b"xxxx", 99, -5)
    col = roundtrip(Column(t.Utf8View(), 2, [validity(True, False), views], null_count=1))
    assert col.to_pylist() == ["hello", None]


def test_view_pointing_past_its_data_buffer_is_refused() -> None:
    col = Column(t.BinaryView(), 1, [None, view(20, b"long", 0, 8), bytes(24)])
    with pytest.raises(ArrowFormatError, match="outside data buffer 0"):
        roundtrip(col)


def test_view_naming_a_missing_data_buffer_is_refused() -> None:
    col = Column(t.Utf8View(), 1, [None, view(20, b"long", 1, 0), bytes(24)])
    with pytest.raises(ArrowFormatError, match="names data buffer 1 of 1"):
        roundtrip(col)


def test_view_of_negative_size_is_refused() -> None:
    col = Column(t.Utf8View(), 1, [None, struct.pack("<i12s", -3, b"")])
    with pytest.raises(ArrowFormatError, match="negative size"):
        roundtrip(col)


def test_many_views_are_checked_and_decoded_alike_with_and_without_numpy() -> None:
    values = [None if i % 7 == 0 else ("x" * (i % 30)) + str(i) for i in range(500)]
    col = roundtrip(Column.from_pylist(values, t.Utf8View()))
    assert col.to_pylist() == values
    assert views_to_classic(col).to_pylist() == values
    bad = bytearray(col.buffers[1])
    row = next(i for i, v in enumerate(values) if v is not None and len(v.encode()) > 12)
    struct.pack_into("<i", bad, 16 * row + 12, 1 << 20)  # its offset, far past the data
    with pytest.raises(ArrowFormatError, match="outside data buffer"):
        roundtrip(Column(t.Utf8View(), 500, [col.buffers[0], bytes(bad), *col.buffers[2:]], null_count=col.null_count))


def _batch_message(length: int, nodes: List[Any], buffers: List[Any], body: bytes,
                   variadic: Optional[List[int]] = None) -> bytes:
    rb = fb.TableB().i64(0, length).structs(1, "qq", nodes).structs(2, "qq", buffers)
    if variadic is not None:
        rb.scalars(4, "q", variadic)
    meta = md.message(md.HEADER_RECORD_BATCH, rb, len(body))
    pad = (-len(meta)) % 8
    return b"\xff\xff\xff\xff" + struct.pack("<i", len(meta) + pad) + meta + bytes(pad) + body


def _schema_message(schema: t.Schema) -> bytes:
    meta = md.schema_message(schema)
    pad = (-len(meta)) % 8
    return b"\xff\xff\xff\xff" + struct.pack("<i", len(meta) + pad) + meta + bytes(pad)


def test_view_field_without_variadic_counts_is_refused() -> None:
    schema = t.Schema((t.Field("v", t.Utf8View()),))
    body = view(2, b"hi")
    data = _schema_message(schema) + _batch_message(1, [(1, 0)], [(0, 0), (0, 16)], body)
    with pytest.raises(ArrowFormatError, match="no variadicBufferCounts entry"):
        read_stream(data)


def test_variadic_count_beyond_the_buffers_is_refused() -> None:
    schema = t.Schema((t.Field("v", t.Utf8View()),))
    body = view(2, b"hi")
    data = _schema_message(schema) + _batch_message(1, [(1, 0)], [(0, 0), (0, 16)], body, [1 << 40])
    with pytest.raises(ArrowFormatError, match="variadic data buffers"):
        read_stream(data)


def test_sliced_view_column_writes_and_reads_back() -> None:
    values = ["short", "a value of more than twelve bytes", None, "x", "another long one, past 12"]
    col = Column.from_pylist(values, t.Utf8View()).slice(1, 3)
    assert roundtrip(col).to_pylist() == values[1:4]


# ------------------------------------------------------------------------------------- list views


def test_list_view_with_out_of_order_and_shared_ranges_reads_as_lists() -> None:
    child = Column.from_pylist([1, 2, 3, 4, 5], t.int32)
    offsets = struct.pack("<4i", 3, 0, 1, 0)
    sizes = struct.pack("<4i", 2, 3, 2, 0)
    ty = t.ListView(t.Field("item", t.int32))
    col = roundtrip(Column(ty, 4, [None, offsets, sizes], [child]))
    assert col.to_pylist() == [[4, 5], [1, 2, 3], [2, 3], []]


@pytest.mark.parametrize("large", [False, True], ids=["list_view", "large_list_view"])
def test_list_view_with_nulls_reads_like_a_list(large: bool) -> None:
    item = t.Field("item", t.utf8)
    ty: t.DataType = t.LargeListView(item) if large else t.ListView(item)
    values = [["a", None], None, [], ["b", "c", "d"]] * 40
    col = roundtrip(Column.from_pylist(values, ty))
    assert col.type == ty and col.to_pylist() == values
    assert col.slice(3, 5).to_pylist() == values[3:8]


def test_list_view_slot_past_the_child_is_refused() -> None:
    child = Column.from_pylist([1, 2, 3], t.int32)
    ty = t.ListView(t.Field("item", t.int32))
    col = Column(ty, 1, [None, struct.pack("<i", 2), struct.pack("<i", 2)], [child])
    with pytest.raises(ArrowFormatError, match="outside a child array of length 3"):
        roundtrip(col)


def test_list_view_of_negative_size_is_refused() -> None:
    child = Column.from_pylist([1, 2, 3], t.int32)
    ty = t.LargeListView(t.Field("item", t.int32))
    col = Column(ty, 1, [None, struct.pack("<q", 1), struct.pack("<q", -1)], [child])
    with pytest.raises(ArrowFormatError, match="list view 0"):
        roundtrip(col)


def test_null_list_view_slot_with_garbage_is_not_dereferenced() -> None:
    child = Column.from_pylist([1, 2], t.int32)
    ty = t.ListView(t.Field("item", t.int32))
    col = Column(ty, 2, [validity(True, False), struct.pack("<2i", 0, 1 << 30), struct.pack("<2i", 2, 7)], [child],
                 null_count=1)
    assert roundtrip(col).to_pylist() == [[1, 2], None]


# ------------------------------------------------------------------------------- run-end encoded


def ree(run_ends: List[int], values: Column, length: int, run_end_type: t.Int = t.int32) -> Column:
    ty = t.RunEndEncoded(t.Field("run_ends", run_end_type, False), t.Field("values", values.type))
    return Column(ty, length, [None], [Column.from_storage_pylist(run_ends, run_end_type), values])


def raw_roundtrip(col: Column) -> Column:
    """Like :func:`roundtrip` for a hand-made (possibly invalid) run-end encoded column: its children are
    written as they are, without the writer's rebasing (which would refuse them first)."""
    from data_manager._arrow.writer import _Body, _emit

    body = _Body(8)
    body.nodes.append((col.length, 0))
    for f, c in zip(col.type.children, col.children):
        _emit(f.type, c, body)
    rb = md.record_batch_table(col.length, body.nodes, body.buffers)
    payload = b"".join(bytes(c) for c in body.chunks)
    meta = md.message(md.HEADER_RECORD_BATCH, rb, len(payload))
    pad = (-len(meta)) % 8
    data = _schema_message(one_column(col).schema) + b"\xff\xff\xff\xff" + struct.pack("<i", len(meta) + pad) + \
        meta + bytes(pad) + payload
    return read_stream(data)[1][0].columns[0]


def test_run_end_encoded_decodes_each_run_to_its_value() -> None:
    col = roundtrip(ree([2, 3, 6], Column.from_pylist(["a", None, "b"], t.utf8), 6, t.int16))
    assert col.to_pylist() == ["a", "a", None, "b", "b", "b"]
    assert col.slice(1, 4).to_pylist() == ["a", None, "b", "b"]


def test_run_end_encoded_builder_makes_one_run_per_repeat() -> None:
    values = [1, 1, None, None, 2, 1, 1, 1]
    col = Column.from_pylist(values, t.RunEndEncoded.of(t.int64, t.int64))
    assert col.children[0].to_pylist() == [2, 4, 5, 8] and col.children[1].to_pylist() == [1, None, 2, 1]
    assert roundtrip(col).to_pylist() == values


def test_run_end_encoded_slice_is_written_with_rebased_runs() -> None:
    values = ["x"] * 5 + ["y"] * 5 + ["z"] * 5
    col = Column.from_pylist(values, t.RunEndEncoded.of(t.utf8)).slice(3, 9)
    back = roundtrip(col)
    assert back.to_pylist() == values[3:12]
    assert back.children[0].to_pylist() == [2, 7, 9]


def test_run_end_encoded_last_run_past_the_length_reads_up_to_the_length() -> None:
    # the spec asks the last run end to cover offset + length, not to equal it
    assert raw_roundtrip(ree([2, 10], Column.from_pylist([7, 8], t.int32), 4)).to_pylist() == [7, 7, 8, 8]


def test_run_end_encoded_with_run_ends_short_of_its_length_is_refused() -> None:
    with pytest.raises(ArrowFormatError, match="before the array's length 6"):
        raw_roundtrip(ree([2, 5], Column.from_pylist([1, 2], t.int32), 6))


def test_run_end_encoded_with_more_run_ends_than_values_is_refused() -> None:
    with pytest.raises(ArrowFormatError, match="3 run ends but only 2 values"):
        raw_roundtrip(ree([1, 2, 3], Column.from_pylist([1, 2], t.int32), 3))


@pytest.mark.parametrize("ends", [[2, 2, 4], [3, 1, 4], [0, 4]], ids=["repeated", "decreasing", "zero"])
def test_run_end_encoded_with_run_ends_not_strictly_increasing_is_refused(ends: List[int]) -> None:
    values = Column.from_pylist(list(range(len(ends))), t.int32)
    with pytest.raises(ArrowFormatError, match="strictly increasing"):
        raw_roundtrip(ree(ends, values, 4))


def test_run_end_encoded_with_a_null_run_end_is_refused() -> None:
    run_ends = Column.from_pylist([2, None], t.int32)
    ty = t.RunEndEncoded.of(t.int32)
    col = Column(ty, 2, [None], [run_ends, Column.from_pylist([1, 2], t.int32)])
    with pytest.raises(ArrowFormatError, match="null run end"):
        raw_roundtrip(col)


def test_run_end_encoded_run_ends_of_int8_are_refused_in_the_schema() -> None:
    with pytest.raises(TypeError):
        t.RunEndEncoded.of(t.int32, t.int8)


# --------------------------------------------------------------------------------- decimal32/64


@pytest.mark.parametrize("bits", [32, 64])
def test_decimal32_and_decimal64_read_as_decimal_objects(bits: int) -> None:
    ty = t.Decimal(9 if bits == 32 else 18, 2, bits)
    values = [decimal.Decimal("1.25"), None, decimal.Decimal("-99.01")]
    col = roundtrip(Column.from_pylist(values, ty))
    assert col.type == ty and col.to_pylist() == values


# ------------------------------------------------------------------------------------ compression


def compressed(data: bytes, codec: int, compress: Callable[[bytes], bytes], stored: bool = False) -> bytes:
    """``data`` (a stream of our writer) with every record batch body compressed buffer by buffer."""
    out = bytearray()
    pos = 0
    while pos < len(data):
        marker, size = struct.unpack_from("<ii", data, pos)
        if size == 0:
            out += data[pos:pos + 8]
            break
        meta = memoryview(data)[pos + 8:pos + 8 + size]
        msg = fb.root(meta, "test")
        body_len = msg.i64(3)
        body = data[pos + 8 + size:pos + 8 + size + body_len]
        if msg.u8(1) != md.HEADER_RECORD_BATCH:
            out += data[pos:pos + 8 + size + body_len]
        else:
            header = msg.table(2, "rb")
            new_body = bytearray()
            buffers = []
            for off, ln in header.structs(2, "qq"):
                raw = body[off:off + ln]
                if ln == 0:
                    piece = b""
                elif stored:
                    piece = struct.pack("<q", -1) + raw
                else:
                    piece = struct.pack("<q", ln) + compress(raw)
                buffers.append((len(new_body), len(piece)))
                new_body += piece + bytes((-len(piece)) % 8)
            rb = md.record_batch_table(header.i64(0), header.structs(1, "qq"), buffers,
                                       header.scalars(4, "q") if header.has(4) else ())
            rb.table(3, fb.TableB().u8(0, codec))
            m = md.message(md.HEADER_RECORD_BATCH, rb, len(new_body))
            pad = (-len(m)) % 8
            out += b"\xff\xff\xff\xff" + struct.pack("<i", len(m) + pad) + m + bytes(pad) + new_body
        pos += 8 + size + body_len
    return bytes(out)


def sample() -> RecordBatch:
    return RecordBatch.from_pydict({"i": [None if k % 5 == 0 else k for k in range(300)],
                                    "s": [f"value {k}" * (k % 4) for k in range(300)],
                                    "l": [[k, k] for k in range(300)]})


def _lz4() -> Any:
    return pytest.importorskip("lz4.frame", reason="python3-lz4 is not installed")


def _zstd() -> Any:
    return pytest.importorskip("zstandard", reason="python3-zstandard is not installed")


def test_lz4_frame_compressed_body_reads_the_values() -> None:
    lz4 = _lz4()
    data = compressed(write_stream(sample().schema, [sample()]), 0, lz4.compress)
    _, batches = read_stream(data)
    assert batches[0].equals(sample())


def test_zstd_compressed_body_reads_the_values() -> None:
    zstd = _zstd()
    data = compressed(write_stream(sample().schema, [sample()]), 1, zstd.ZstdCompressor().compress)
    _, batches = read_stream(data)
    assert batches[0].equals(sample())


def test_compressed_body_with_buffers_stored_uncompressed_reads_zero_copy() -> None:
    _lz4()
    data = compressed(write_stream(sample().schema, [sample()]), 0, lambda b: b, stored=True)
    _, batches = read_stream(data)
    assert batches[0].equals(sample())
    assert batches[0].columns[0].buffers[1].obj is data  # -1: a view of the input, not a copy


def test_compressed_buffer_decompressing_to_another_length_than_declared_is_rejected() -> None:
    lz4 = _lz4()
    raw = struct.pack("<q", 10) + lz4.compress(b"0123456789abc")
    with pytest.raises(ArrowFormatError, match="decompresses to more than 11 bytes, the prefix says 10"):
        decompress_buffer("LZ4_FRAME", memoryview(raw), "here", 1 << 30)
    raw = struct.pack("<q", 100) + lz4.compress(b"short")
    with pytest.raises(ArrowFormatError, match="only 5 bytes"):
        decompress_buffer("LZ4_FRAME", memoryview(raw), "here", 1 << 30)


@pytest.mark.parametrize("codec", ["LZ4_FRAME", "ZSTD"])
def test_corrupt_compressed_buffer_is_rejected_cleanly(codec: str) -> None:
    module = _lz4() if codec == "LZ4_FRAME" else _zstd()
    good = module.compress(b"x" * 1000) if codec == "LZ4_FRAME" else module.ZstdCompressor().compress(b"x" * 1000)
    for bad in (good[:len(good) // 2], bytes(len(good)), good[:6] + bytes(20)):
        with pytest.raises(ArrowFormatError, match=f"{codec}"):
            decompress_buffer(codec, memoryview(struct.pack("<q", 1000) + bad), "here", 1 << 30)


def test_declared_uncompressed_length_past_the_body_limit_is_refused_before_decompressing() -> None:
    _zstd()
    raw = struct.pack("<q", 1 << 40) + bytes(16)
    with pytest.raises(ArrowFormatError, match="exceeds"):
        decompress_buffer("ZSTD", memoryview(raw), "here", 1 << 34)


def test_negative_uncompressed_length_other_than_minus_one_is_rejected() -> None:
    with pytest.raises(ArrowFormatError, match="uncompressed length -2"):
        decompress_buffer("LZ4_FRAME", memoryview(struct.pack("<q", -2) + b"abc"), "here", 1 << 30)


def test_lz4_body_without_the_lz4_module_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lz4.frame", None)
    data = compressed(write_stream(sample().schema, [sample()]), 0, lambda b: b, stored=True)
    with pytest.raises(UnsupportedArrowFeature) as info:
        read_stream(data)
    assert info.value.feature == "compression" and "LZ4_FRAME" in str(info.value) and "'lz4.frame'" in str(info.value)


def test_unknown_compression_codec_is_refused_by_name() -> None:
    data = compressed(write_stream(sample().schema, [sample()]), 7, lambda b: b, stored=True)
    with pytest.raises(UnsupportedArrowFeature, match="unknown compression codec 7"):
        read_stream(data)


# ----------------------------------------------------------------------------- output and pandas


def new_layout_batch() -> RecordBatch:
    cols = {
        "sv": Column.from_pylist(["a", None, "a much longer string value"], t.Utf8View()),
        "bv": Column.from_pylist([b"\x00", b"0123456789abcdef", None], t.BinaryView()),
        "lv": Column.from_pylist([[1], None, [2, 3]], t.ListView(t.Field("item", t.int64))),
        "re": Column.from_pylist([5, 5, None], t.RunEndEncoded.of(t.int64)),
    }
    return RecordBatch(t.Schema(tuple(t.Field(k, c.type) for k, c in cols.items())), list(cols.values()), 3)


def test_classic_batch_gives_the_types_python_writes_with_the_same_values() -> None:
    batch = new_layout_batch()
    out = classic_batch(batch)
    assert [f.type for f in out.schema.fields] == [t.utf8, t.binary, t.List(t.Field("item", t.int64)), t.int64]
    assert out.to_pydict() == batch.to_pydict()


def test_set_output_of_a_passed_through_view_batch_writes_classic_types() -> None:
    from data_manager._output import SchemaUnifier

    sent: List[RecordBatch] = []
    unifier = SchemaUnifier(sent.append, 1 << 20)
    unifier.add(new_layout_batch())
    unifier.finish()
    assert [f.type for f in sent[0].schema.fields] == [t.utf8, t.binary, t.List(t.Field("item", t.int64)), t.int64]
    assert sent[0].to_pydict() == new_layout_batch().to_pydict()


@pytest.mark.requires_pandas
def test_string_and_binary_views_become_the_same_pandas_columns_as_utf8_and_binary() -> None:
    from data_manager._pandas import batch_to_pandas

    values = [None if i % 9 == 0 else "ß" * (i % 17) for i in range(200)]
    view_batch = one_column(Column.from_pylist(values, t.Utf8View()))
    utf8_batch = one_column(Column.from_pylist(values, t.utf8))
    for strings in ("object", "string"):
        a = batch_to_pandas(view_batch, strings=strings)
        b = batch_to_pandas(utf8_batch, strings=strings)
        assert a.dtypes.tolist() == b.dtypes.tolist() and a.equals(b)
    raw = [None, b"\x00\x01", b"x" * 40]
    df = batch_to_pandas(one_column(Column.from_pylist(raw, t.BinaryView())))
    assert df["c"].dtype == object and df["c"].tolist() == raw


@pytest.mark.requires_pandas
def test_list_views_become_python_lists_like_lists() -> None:
    from data_manager._pandas import batch_to_pandas

    values = [[1.5, None], None, []]
    df = batch_to_pandas(one_column(Column.from_pylist(values, t.LargeListView(t.Field("item", t.float32)))))
    assert df["c"].dtype == object and df["c"].tolist() == values


@pytest.mark.requires_pandas
def test_run_end_encoded_becomes_its_values_pandas_dtype() -> None:
    import pandas as pd

    from data_manager._pandas import batch_to_pandas

    ints = batch_to_pandas(one_column(Column.from_pylist([3, 3, 3, 4], t.RunEndEncoded.of(t.int16))))
    assert ints["c"].dtype == "int16" and ints["c"].tolist() == [3, 3, 3, 4]
    with_nulls = batch_to_pandas(one_column(Column.from_pylist([1, None, None, 2], t.RunEndEncoded.of(t.int64))))
    assert str(with_nulls["c"].dtype) == "Int64" and with_nulls["c"].isna().tolist() == [False, True, True, False]
    ts = t.Timestamp(t.TimeUnit.MICROSECOND, "UTC")
    stamps = batch_to_pandas(one_column(Column.from_storage_pylist([0, 0, 86_400_000_000], t.RunEndEncoded.of(ts))))
    assert str(stamps["c"].dtype) == "datetime64[ns, UTC]"
    assert stamps["c"].tolist() == [pd.Timestamp(0, tz="UTC")] * 2 + [pd.Timestamp("1970-01-02", tz="UTC")]
    words = Column.from_pylist(["b", "a", "a", None], t.RunEndEncoded.of(t.utf8)).slice(1, 3)
    df = batch_to_pandas(one_column(words), strings="string")
    assert str(df["c"].dtype) == "string" and df["c"].tolist()[:2] == ["a", "a"] and df["c"].isna().tolist()[2]


@pytest.mark.requires_pandas
def test_decimal32_and_decimal64_become_decimal_objects_in_pandas() -> None:
    from data_manager._pandas import batch_to_pandas

    for bits in (32, 64):
        values = [decimal.Decimal("12.34"), None]
        df = batch_to_pandas(one_column(Column.from_pylist(values, t.Decimal(8, 2, bits))))
        assert df["c"].dtype == object and df["c"].tolist() == values


def _missing(v: Any) -> bool:
    import pandas as pd

    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


@pytest.mark.requires_shared
@pytest.mark.requires_pandas
@pytest.mark.parametrize("family", ["generated_binary_view", "generated_list_view", "generated_run_end_encoded",
                                    "generated_decimal32", "generated_decimal64"])
def test_gold_new_layouts_reach_pandas_with_the_readers_values(interop: Any, family: str) -> None:
    from data_manager._pandas import batch_to_pandas

    _, batches = read_stream((interop / "gold" / f"{family}.stream").read_bytes())
    for batch in batches:
        df = batch_to_pandas(batch)
        for i, col in enumerate(batch.columns):
            got = [None if _missing(v) else v for v in df.iloc[:, i].astype(object).tolist()]
            want = [None if _missing(v) else v for v in col.to_pylist()]
            assert got == want, batch.schema.fields[i]



@pytest.mark.requires_pandas
def test_pandas_round_trip_gives_classic_types_without_a_schema_and_the_new_layouts_with_it() -> None:
    from data_manager._pandas import batch_to_pandas, pandas_to_batches

    batch = new_layout_batch()
    df = batch_to_pandas(batch)
    inferred = next(iter(pandas_to_batches(df)))
    assert [f.type for f in inferred.schema.fields] == [t.utf8, t.binary, t.List(t.Field("item", t.int64)), t.int64]
    exact = next(iter(pandas_to_batches(df, schema=batch.schema)))
    assert exact.schema == batch.schema and exact.equals(batch)
