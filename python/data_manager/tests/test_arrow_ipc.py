"""Stream reader and writer: sources, framing variants, writer rules, dictionaries, hostile input."""

from __future__ import annotations

import io
import socket
import struct
import sys
import threading
from typing import List, Tuple

import pytest

from data_manager._arrow import flatbuf as fb
from data_manager._arrow import metadata as md
from data_manager.arrow import (Column, Dictionary, Field, FixedSizeBinary, Int, List as ListType, RecordBatch, Schema,
                                StreamReader, StreamWriter, Struct, Union, UnionMode, Utf8, read_stream, write_stream)
from data_manager.exceptions import ArrowFormatError, DataManagerError, UnsupportedArrowFeature


def sample_batch(n: int = 10) -> RecordBatch:
    return RecordBatch.from_pydict({
        "i": [None if k % 4 == 0 else k for k in range(n)],
        "s": [f"v{k}" if k % 3 else None for k in range(n)],
        "l": [[k, k + 1] if k % 2 else [] for k in range(n)],
    })


def messages(data: bytes) -> List[Tuple[int, fb.Table, int, int]]:
    """(header type, header table, body offset, body length) of every message of our own stream."""
    out = []
    pos = 0
    while pos < len(data):
        marker, size = struct.unpack_from("<ii", data, pos)
        assert marker == -1
        if size == 0:
            break
        msg = fb.root(memoryview(data)[pos + 8:pos + 8 + size], "test")
        body_len = msg.i64(3)
        out.append((msg.u8(1), msg.table(2, "header"), pos + 8 + size, body_len))
        pos += 8 + size + body_len
    return out


def frame(meta: bytes, body: bytes = b"") -> bytes:
    pad = (-len(meta)) % 8
    return b"\xff\xff\xff\xff" + struct.pack("<i", len(meta) + pad) + meta + bytes(pad) + body


def schema_bytes(schema: Schema) -> bytes:
    return frame(md.schema_message(schema))


def batch_message(length: int, nodes, buffers, body: bytes) -> bytes:
    rb = md.record_batch_table(length, nodes, buffers)
    return frame(md.message(md.HEADER_RECORD_BATCH, rb, len(body)), body)


# ------------------------------------------------------------------------------------------- sources


def test_reading_bytes_is_zero_copy() -> None:
    data = write_stream(sample_batch().schema, [sample_batch()])
    batch = next(iter(StreamReader(data)))
    assert batch.column("i").buffers[1].obj is data
    assert batch.equals(sample_batch())


@pytest.mark.parametrize("wrap", [bytearray, memoryview, io.BytesIO])
def test_reader_accepts_bytes_like_and_file_objects(wrap) -> None:
    data = write_stream(sample_batch().schema, [sample_batch(), sample_batch(3)])
    reader = StreamReader(wrap(data))
    assert reader.schema == sample_batch().schema
    batches = reader.read_all()
    assert [b.num_rows for b in batches] == [10, 3]
    assert batches[1].equals(sample_batch(3))


def test_reader_accepts_a_path_and_an_object_with_only_read(tmp_path) -> None:
    data = write_stream(sample_batch().schema, [sample_batch()])
    p = tmp_path / "x.arrows"
    p.write_bytes(data)
    assert read_stream(str(p))[1][0].equals(sample_batch())

    class OnlyRead:
        def __init__(self) -> None:
            self.f = io.BytesIO(data)

        def read(self, n: int) -> bytes:
            return self.f.read(min(n, 7))  # short reads on purpose

    assert read_stream(OnlyRead())[1][0].equals(sample_batch())


def test_reader_reads_from_a_socket_into_its_own_buffers() -> None:
    batches = [sample_batch(5), sample_batch(5).slice(0, 0), sample_batch(1000)]
    data = write_stream(batches[0].schema, batches)
    a, b = socket.socketpair()

    def send() -> None:
        with a:
            for k in range(0, len(data), 1000):  # arrive in pieces
                a.sendall(data[k:k + 1000])

    th = threading.Thread(target=send)
    th.start()
    with b:
        got = StreamReader(b).read_all()
    th.join()
    assert [g.num_rows for g in got] == [5, 0, 1000]
    assert all(x.equals(y) for x, y in zip(got, batches))


def test_writer_sends_to_a_socket() -> None:
    a, b = socket.socketpair()
    batch = sample_batch(500)

    def send() -> None:
        with a, StreamWriter(a, batch.schema) as w:
            w.write_batch(batch)

    th = threading.Thread(target=send)
    th.start()
    with b:
        got = StreamReader(b).read_all()
    th.join()
    assert got[0].equals(batch)


# ------------------------------------------------------------------------------------------- framing


def test_stream_without_end_marker_reads_to_end_of_input() -> None:
    data = write_stream(sample_batch().schema, [sample_batch()])
    assert data.endswith(b"\xff\xff\xff\xff\x00\x00\x00\x00")
    assert len(read_stream(data[:-8])[1]) == 1
    assert len(read_stream(data[:-4])[1]) == 1  # a lone continuation marker at the very end


def test_data_after_end_of_stream_is_ignored() -> None:
    data = write_stream(sample_batch().schema, [sample_batch()]) + b"garbage"
    assert len(read_stream(data)[1]) == 1


def test_legacy_framing_round_trips() -> None:
    data = write_stream(sample_batch().schema, [sample_batch()], legacy=True)
    assert not data.startswith(b"\xff\xff\xff\xff") and data.endswith(b"\x00\x00\x00\x00")
    assert read_stream(data)[1][0].equals(sample_batch())
    assert read_stream(io.BytesIO(data))[1][0].equals(sample_batch())


def test_writer_uses_v5_aligned_exact_buffers_and_omits_validity_without_nulls() -> None:
    batch = RecordBatch.from_pydict({"a": [1, 2, 3], "b": [1, None, 3]})
    data = write_stream(batch.schema, [batch])
    msgs = messages(data)
    assert len(data) % 8 == 0
    header_type, rb, body_at, body_len = msgs[1]
    assert header_type == md.HEADER_RECORD_BATCH and body_len % 8 == 0
    buffers = rb.structs(2, "qq")
    assert buffers[0][1] == 0           # a: no validity
    assert buffers[1] == (0, 24)        # a: values, exact length
    assert buffers[2] == (64, 1)        # b: validity, 64-byte aligned, exact length
    assert all(off % 64 == 0 for off, _ in buffers)
    assert rb.structs(1, "qq") == [(3, 0), (3, 1)]


def test_writer_rebases_sliced_columns() -> None:
    batch = sample_batch(40).slice(13, 17)
    data = write_stream(batch.schema, [batch])
    got = read_stream(data)[1][0]
    assert got.equals(batch)
    s = got.column("s")
    assert struct.unpack_from("<i", s.buffers[1])[0] == 0
    assert got.to_pydict() == batch.to_pydict()


def test_custom_metadata_is_kept_on_schema_fields_and_messages() -> None:
    schema = Schema((Field("e", FixedSizeBinary(2), True, (("ARROW:extension:name", "pair"), ("z", "1"))),),
                    (("b", "2"), ("a", "1"), ("a", "0")))
    batch = RecordBatch(schema, [Column.from_pylist([b"ab"], FixedSizeBinary(2))], metadata=(("m", "x"),))
    got_schema, got = read_stream(write_stream(schema, [batch]))
    assert got_schema == schema
    assert got_schema.fields[0].extension_name == "pair"
    assert got[0].metadata == (("m", "x"),)


# --------------------------------------------------------------------------------------- dictionaries


def test_dictionaries_are_sent_once_then_as_deltas_or_replacements() -> None:
    ty = Dictionary(Int(16), Utf8())
    schema = Schema((Field("d", ty),))
    first = Column.from_pylist(["a", "b", "a"], ty)
    same = Column(ty, 1, first.buffers, (), first.dictionary)  # same dictionary object
    extended = Column.from_storage_pylist(["a", "b", "c"], ty)
    replaced = Column.from_storage_pylist(["z"], ty)
    batches = [RecordBatch(schema, [c]) for c in (first, same, extended, replaced)]
    data = write_stream(schema, batches)
    kinds = [(m[0], m[1].bool(2) if m[0] == md.HEADER_DICTIONARY_BATCH else None) for m in messages(data)]
    assert kinds == [(1, None), (2, False), (3, None), (3, None), (2, True), (3, None), (2, False), (3, None)]
    got = read_stream(data)[1]
    assert [b.column(0).to_pylist() for b in got] == [["a", "b", "a"], ["a"], ["a", "b", "c"], ["z"]]
    assert got[2].column(0).dictionary.to_pylist() == ["a", "b", "c"]


def test_writer_assigns_missing_dictionary_ids_and_nested_dictionaries_round_trip() -> None:
    inner = Dictionary(Int(8), Utf8())
    outer = Dictionary(Int(32), ListType(Field("item", inner)))
    schema = Schema((Field("x", outer), Field("y", inner)))
    batch = RecordBatch.from_pydict({"x": [["a", "b"], None, ["a", "b"]], "y": ["q", None, "q"]}, schema)
    got_schema, got = read_stream(write_stream(schema, [batch]))
    ids = [got_schema.fields[0].type.id, got_schema.fields[0].type.value_type.field.type.id, got_schema.fields[1].type.id]
    assert None not in ids and len(set(ids)) == 3
    assert got[0].to_pydict() == batch.to_pydict()


def test_delta_dictionary_from_another_writer_is_appended() -> None:
    ty = Dictionary(Int(8), Utf8(), id=3)
    schema = Schema((Field("d", ty),))

    def dict_batch(values: list, delta: bool) -> bytes:
        col = Column.from_pylist(values, Utf8())
        body = bytes(col.buffers[1]) + bytes((-len(col.buffers[1])) % 8)
        data = bytes(col.buffers[2])
        nodes = [(len(values), 0)]
        bufs = [(0, 0), (0, len(col.buffers[1])), (len(body), len(data))]
        body += data + bytes((-len(data)) % 8)
        header = fb.TableB().i64(0, 3).table(1, md.record_batch_table(len(values), nodes, bufs)).bool(2, delta)
        return frame(md.message(md.HEADER_DICTIONARY_BATCH, header, len(body)), body)

    def index_batch(indices: list) -> bytes:
        body = bytes(indices) + bytes((-len(indices)) % 8)
        return batch_message(len(indices), [(len(indices), 0)], [(0, 0), (0, len(indices))], body)

    data = schema_bytes(schema) + dict_batch(["a"], False) + index_batch([0]) + dict_batch(["b"], True) + index_batch([1, 0])
    got = read_stream(data)[1]
    assert [b.column(0).to_pylist() for b in got] == [["a"], ["b", "a"]]


# ------------------------------------------------------------------------------------------ hostile


def test_every_truncation_is_a_clean_error_or_a_shorter_stream() -> None:
    data = write_stream(sample_batch().schema, [sample_batch(), sample_batch(2)])
    for cut in range(len(data)):
        try:
            for b in StreamReader(data[:cut]):
                for c in b.columns:
                    c.to_storage_pylist()
        except ArrowFormatError as e:
            assert "message" in str(e) or "empty stream" in str(e) or "truncated" in str(e)
    with pytest.raises(ArrowFormatError, match="truncated"):
        read_stream(io.BytesIO(data[:100]))


@pytest.mark.parametrize("data,match", [
    (b"", "empty stream"),
    (b"\xff\xff\xff\xff\xf0\xff\xff\xff", "negative metadata length"),
    (b"\xfe\xff\xff\xff", "negative metadata length"),
    (b"\xff\xff\xff\xff\x00\x00\x00\x10" + bytes(16), "exceeds"),
    (b"\xff\xff\xff\xff\x10\x00\x00\x00" + bytes(8), "truncated"),
    (b"\xff\xff\xff\xff\x08\x00\x00\x00" + b"\xff" * 8, "outside"),
])
def test_malformed_framing_raises_arrow_format_error(data: bytes, match: str) -> None:
    with pytest.raises(ArrowFormatError, match=match):
        read_stream(data)


def test_errors_are_data_manager_errors() -> None:
    assert issubclass(UnsupportedArrowFeature, ArrowFormatError) and issubclass(ArrowFormatError, DataManagerError)


def test_first_message_must_be_a_schema() -> None:
    data = batch_message(0, [], [], b"")
    with pytest.raises(ArrowFormatError, match="expected a schema"):
        read_stream(data)


def test_buffer_outside_the_body_names_message_and_field() -> None:
    schema = Schema((Field("s", Struct((Field("inner", Int(32)),))),))
    data = schema_bytes(schema) + batch_message(1, [(1, 0), (1, 0)], [(0, 0), (0, 0), (8, 64)], bytes(8))
    with pytest.raises(ArrowFormatError, match=r"message 1 \(record batch\), field s\.inner: values buffer"):
        read_stream(data)


def test_short_values_buffer_is_rejected() -> None:
    schema = Schema((Field("i", Int(64)),))
    data = schema_bytes(schema) + batch_message(2, [(2, 0)], [(0, 0), (0, 8)], bytes(8))
    with pytest.raises(ArrowFormatError, match="values buffer of 8 bytes, needs 16"):
        read_stream(data)


def test_decreasing_offsets_are_rejected() -> None:
    schema = Schema((Field("s", Utf8()),))
    offsets = struct.pack("<3i", 0, 5, 2) + bytes(4)
    data = schema_bytes(schema) + batch_message(2, [(2, 0)], [(0, 0), (0, 12), (16, 8)], offsets + b"abcdefgh")
    with pytest.raises(ArrowFormatError, match="non-decreasing"):
        read_stream(data)


def test_offsets_beyond_the_data_are_rejected() -> None:
    schema = Schema((Field("s", Utf8()),))
    offsets = struct.pack("<3i", 0, 5, 9) + bytes(4)
    data = schema_bytes(schema) + batch_message(2, [(2, 0)], [(0, 0), (0, 12), (16, 8)], offsets + b"abcdefgh")
    with pytest.raises(ArrowFormatError, match="outside a data buffer of 8"):
        read_stream(data)


def test_null_count_larger_than_length_is_rejected() -> None:
    schema = Schema((Field("i", Int(8)),))
    data = schema_bytes(schema) + batch_message(1, [(1, 5)], [(0, 8), (0, 8)], bytes(8))
    with pytest.raises(ArrowFormatError, match="null count 5"):
        read_stream(data)


@pytest.mark.parametrize("n", [1, 100])
def test_dictionary_index_out_of_range_is_rejected(n: int) -> None:
    ty = Dictionary(Int(8), Utf8(), id=0)
    schema = Schema((Field("d", ty),))
    body = bytes([0, 0, 0, 0, 1, 0, 0, 0]) + b"a" + bytes(7)
    header = fb.TableB().i64(0, 0).table(1, md.record_batch_table(1, [(1, 0)], [(0, 0), (0, 8), (8, 1)])).bool(2, False)
    dict_msg = frame(md.message(md.HEADER_DICTIONARY_BATCH, header, len(body)), body)
    indices = bytes(n - 1) + bytes([7])
    indices += bytes((-n) % 8)
    data = schema_bytes(schema) + dict_msg + batch_message(n, [(n, 0)], [(0, 0), (0, n)], indices)
    with pytest.raises(ArrowFormatError, match="dictionary index 7 outside a dictionary of 1"):
        read_stream(data)


def test_dictionary_used_before_it_is_sent_is_rejected() -> None:
    schema = Schema((Field("d", Dictionary(Int(8), Utf8(), id=0)),))
    data = schema_bytes(schema) + batch_message(1, [(1, 0)], [(0, 0), (0, 1)], bytes(8))
    with pytest.raises(ArrowFormatError, match="was not sent"):
        read_stream(data)


def test_undeclared_union_type_id_is_rejected() -> None:
    schema = Schema((Field("u", Union((Field("a", Int(8)),), UnionMode.SPARSE, (3,))),))
    data = schema_bytes(schema) + batch_message(1, [(1, 0), (1, 0)], [(0, 1), (0, 0), (8, 1)], bytes([9]) + bytes(15))
    with pytest.raises(ArrowFormatError, match="type id 9 is not declared"):
        read_stream(data)


def test_nesting_deeper_than_64_is_rejected() -> None:
    ty = Int(8)
    for _ in range(70):
        ty = ListType(Field("x", ty))
    with pytest.raises(ArrowFormatError, match="deeper than 64"):
        read_stream(schema_bytes(Schema((Field("deep", ty),))))


def test_compressed_buffer_shorter_than_its_length_prefix_is_rejected() -> None:
    pytest.importorskip("lz4.frame", reason="python3-lz4 is not installed")
    schema = Schema((Field("i", Int(8)),))
    rb = md.record_batch_table(1, [(1, 0)], [(0, 0), (0, 1)]).table(3, fb.TableB().u8(0, 0))
    data = schema_bytes(schema) + frame(md.message(md.HEADER_RECORD_BATCH, rb, 8), bytes(8))
    with pytest.raises(ArrowFormatError, match="no 8-byte length prefix"):
        read_stream(data)


def test_compressed_body_without_its_module_is_refused_naming_codec_and_module(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)  # import zstandard now raises ImportError
    schema = Schema((Field("i", Int(8)),))
    rb = md.record_batch_table(1, [(1, 0)], [(0, 0), (0, 1)]).table(3, fb.TableB().u8(0, 1))
    data = schema_bytes(schema) + frame(md.message(md.HEADER_RECORD_BATCH, rb, 8), bytes(8))
    with pytest.raises(UnsupportedArrowFeature) as info:
        read_stream(data)
    assert info.value.feature == "compression"
    assert "ZSTD" in str(info.value) and "'zstandard'" in str(info.value)


def test_second_schema_message_is_rejected() -> None:
    schema = Schema((Field("i", Int(8)),))
    with pytest.raises(ArrowFormatError, match="second schema"):
        read_stream(schema_bytes(schema) + schema_bytes(schema))


def test_batch_length_must_match_column_length() -> None:
    schema = Schema((Field("i", Int(8)),))
    data = schema_bytes(schema) + batch_message(2, [(1, 0)], [(0, 0), (0, 1)], bytes(8))
    with pytest.raises(ArrowFormatError, match="differs from batch length"):
        read_stream(data)


def test_writer_rejects_mismatched_batches() -> None:
    batch = sample_batch()
    other = RecordBatch.from_pydict({"x": [1]})
    with StreamWriter(io.BytesIO(), batch.schema) as w:
        with pytest.raises(ValueError):
            w.write_batch(other)
    w.close()
    with pytest.raises(ValueError, match="closed"):
        w.write_batch(batch)


def test_offsets_not_starting_at_zero_padded_lengths_and_unneeded_validity_are_accepted() -> None:
    schema = Schema((Field("s", Utf8()), Field("i", Int(32))))
    offsets = struct.pack("<3i", 3, 5, 8) + bytes(4)          # first offset 3, as another writer may send
    data_buf = b"xxxabcdefgh" + bytes(5)
    validity = bytes([0b11]) + bytes(7)                       # present although null_count is 0
    values = struct.pack("<2i", 7, -7) + bytes(8)             # padded length 16 for 2 values
    body = validity + offsets + data_buf + values
    bufs = [(0, 8), (8, 16), (24, 16), (0, 0), (40, 16)]
    data = schema_bytes(schema) + batch_message(2, [(2, 0), (2, 0)], bufs, body)
    batch = read_stream(data)[1][0]
    assert batch.to_pydict() == {"s": ["ab", "cde"], "i": [7, -7]}
    assert batch.column("s").validity is None
    again = read_stream(write_stream(schema, [batch]))[1][0]
    assert again.to_pydict() == batch.to_pydict()
    assert struct.unpack_from("<i", again.column("s").buffers[1])[0] == 0


def test_zero_length_offsets_buffer_may_be_empty() -> None:
    schema = Schema((Field("s", Utf8()),))
    data = schema_bytes(schema) + batch_message(0, [(0, 0)], [(0, 0), (0, 0), (0, 0)], b"")
    assert read_stream(data)[1][0].column(0).to_pylist() == []


def test_nullable_flag_and_omitted_flatbuffer_defaults() -> None:
    # a Field table with only name and type: nullable defaults to false, Int.is_signed to false
    field = fb.TableB().string(0, "u").u8(2, md.TYPE_INT).table(3, fb.TableB().i32(0, 16))
    schema_tbl = fb.TableB().tables(1, [field])
    meta = fb.build(fb.TableB().i16(0, md.METADATA_V5).u8(1, md.HEADER_SCHEMA).table(2, schema_tbl))
    schema = read_stream(frame(meta))[0]
    assert schema.fields[0] == Field("u", Int(16, False), nullable=False)


def test_socket_reader_stops_at_end_of_stream_without_reading_further() -> None:
    # the DataBridge protocol sends more frames after an Arrow stream on the same connection
    batch = sample_batch(50)
    data = write_stream(batch.schema, [batch]) + b"TRAILER"
    a, b = socket.socketpair()
    with a, b:
        a.sendall(data)  # the sender keeps the connection open
        b.settimeout(10)
        got = StreamReader(b).read_all()
        assert got[0].equals(batch)
        assert b.recv(7, socket.MSG_WAITALL) == b"TRAILER"


def test_file_reader_grows_large_bodies_as_data_arrives() -> None:
    n = 5_000_000  # a 40 MB body: read in growing chunks, not allocated from the declared size
    batch = RecordBatch(Schema((Field("i", Int(64)),)),
                        [Column(Int(64), n, [None, struct.pack("<q", 7) * n])])
    data = write_stream(batch.schema, [batch])
    got = read_stream(io.BytesIO(data))[1][0]
    col = got.column(0)
    assert col.length == n and bytes(col.buffers[1][-8:]) == struct.pack("<q", 7)
    with pytest.raises(ArrowFormatError, match="truncated"):
        read_stream(io.BytesIO(data[:30_000_000]))


# -- schema caches (a reused worker reads and writes the same schema run after run) ----------------------------------

def _one_column_stream(name: str) -> bytes:
    return write_stream(RecordBatch.from_pydict({name: [1]}).schema, [RecordBatch.from_pydict({name: [1]})])


def test_the_same_schema_bytes_read_twice_give_the_cached_schema_and_the_same_values():
    data = _one_column_stream("cached")
    first_schema, first = read_stream(data)
    second_schema, second = read_stream(data)
    assert first_schema is second_schema, "the second read took the schema from the cache"
    assert [b.to_pydict() for b in first] == [b.to_pydict() for b in second] == [{"cached": [1]}]


def test_a_schema_that_fails_to_read_is_read_again_next_time(monkeypatch):
    calls = []

    def failing(header):
        calls.append(header)
        raise ArrowFormatError("a malformed field")

    monkeypatch.setattr(md, "read_schema", failing)
    data = _one_column_stream("failing")
    for _ in range(2):
        with pytest.raises(ArrowFormatError, match="message 0 \\(schema\\): a malformed field"):
            read_stream(data)
    assert len(calls) == 2, "a failure is never cached"


def test_the_schema_caches_stay_bounded():
    from data_manager._arrow import reader as rd
    from data_manager._arrow import writer as wr

    for i in range(3 * rd._SCHEMAS_MAX):
        name = f"column_{i}"
        schema, batches = read_stream(_one_column_stream(name))
        assert schema.names == (name,) and batches[0].to_pydict() == {name: [1]}
    assert len(rd._SCHEMAS) <= rd._SCHEMAS_MAX
    assert len(wr._SCHEMA_MESSAGES) <= wr._SCHEMA_MESSAGES_MAX
