"""The framed socket transport: data chunks as the worker writes them (docs/protocol.md, section 2.2)."""

from __future__ import annotations

import socket
import struct
import threading

from data_manager import _protocol as P
from data_manager._arrow import Column, RecordBatch, StreamReader, StreamWriter
from data_manager._arrow import types as t
from data_manager._transport import FrameReader, FrameWriter


def _read_all(sock: socket.socket, out: bytearray) -> None:
    while True:
        data = sock.recv(1 << 16)
        if not data:
            return
        out += data


def _chunks(raw: bytes) -> list:
    """(prefix, payload) of every data chunk in ``raw`` (control frames are not expected here)."""
    chunks, pos = [], 0
    while pos < len(raw):
        (n,) = struct.unpack_from("<i", raw, pos)
        assert n >= 0, f"unexpected control frame {n}"
        chunks.append(raw[pos + 4:pos + 4 + n])
        pos += 4 + n
    return chunks


def _written(write) -> list:
    a, b = socket.socketpair()
    received = bytearray()
    reader = threading.Thread(target=_read_all, args=(b, received))
    reader.start()
    try:
        writer = FrameWriter(a, buffer_size=64 * 1024)
        write(writer)
        writer.flush()
    finally:
        a.shutdown(socket.SHUT_WR)
        reader.join(timeout=10)
        a.close()
        b.close()
    assert not reader.is_alive()
    return _chunks(bytes(received))


def test_a_large_message_goes_out_as_one_data_chunk_of_all_its_parts():
    parts = [b"h" * 100, bytearray(b"\x01" * 40_000), memoryview(b"x" * 30_000)]
    chunks = _written(lambda w: w.write_data_parts(parts))
    assert chunks == [b"".join(bytes(p) for p in parts)]


def test_a_small_message_is_coalesced_after_earlier_pending_writes():
    def write(w: FrameWriter) -> None:
        w.write_data(b"abc")
        w.write_data_parts([b"de", bytearray(b"f")])

    assert _written(write) == [b"abcdef"]


def test_a_message_of_more_parts_than_one_sendmsg_takes_is_still_one_chunk_in_order():
    parts = [bytes([i % 251]) * 64 for i in range(2000)]  # over IOV_MAX (1024) buffers, 128,000 bytes
    chunks = _written(lambda w: w.write_data_parts(parts))
    assert chunks == [b"".join(parts)]


def test_batches_written_as_whole_messages_read_back_through_the_frame_reader():
    n = 20_000
    schema = t.Schema((t.Field("i", t.Int(64, True)), t.Field("f", t.FloatingPoint(t.Precision.DOUBLE))))
    batch = RecordBatch(schema, [Column.from_pylist(list(range(n)), t.Int(64, True)),
                                 Column.from_pylist([i * 0.5 if i % 3 else None for i in range(n)],
                                                    t.FloatingPoint(t.Precision.DOUBLE))], n)
    a, b = socket.socketpair()
    try:
        def produce() -> None:
            writer = FrameWriter(a)
            with StreamWriter(writer.data, schema) as sw:
                sw.write_batch(batch)
                sw.write_batch(batch.slice(5, 9_999))
            writer.write_control(P.END_OF_DATA)
            writer.flush()

        producer = threading.Thread(target=produce)
        producer.start()
        got = list(StreamReader(FrameReader(b).data))
        producer.join(timeout=10)
        assert not producer.is_alive()
    finally:
        a.close()
        b.close()
    assert [g.num_rows for g in got] == [n, 9_999]
    assert got[0].to_pydict() == batch.to_pydict()
    assert got[1].to_pydict() == batch.slice(5, 9_999).to_pydict()


class _RecordingSocket:
    """Records each send system call the writer makes (sendall / sendmsg), as bytes."""

    def __init__(self) -> None:
        self.sends: list = []

    def sendall(self, data) -> None:
        self.sends.append(bytes(data))

    def sendmsg(self, buffers) -> int:
        joined = b"".join(bytes(b) for b in buffers)
        self.sends.append(joined)
        return len(joined)


def test_frames_written_while_held_go_out_in_one_send_at_release():
    sock = _RecordingSocket()
    w = FrameWriter(sock)  # type: ignore[arg-type]
    w.hold()
    w.write_data(b"end of the arrow stream")
    w.write_control(P.TRAILER, (3, 1))
    w.write_control(P.TIMING, {"run_ms": 1.0})
    w.write_control(P.END_OF_DATA)
    w.write_control(P.END_OF_STREAM)
    assert sock.sends == [], "nothing goes out while held"
    w.release()
    assert len(sock.sends) == 1, "one send for all the closing frames"
    reader_side = sock.sends[0]
    assert reader_side.startswith(struct.pack("<i", 23) + b"end of the arrow stream")
    assert reader_side.endswith(struct.pack("<i", P.END_OF_DATA) + struct.pack("<i", P.END_OF_STREAM))
    w.write_control(P.PONG)
    assert len(sock.sends) == 2, "after release, frames go straight out again"


def test_a_large_write_while_held_sends_what_was_held_first_and_keeps_the_order():
    sock = _RecordingSocket()
    w = FrameWriter(sock, buffer_size=4096)  # type: ignore[arg-type]
    w.hold()
    w.write_control(P.TRAILER, (0, 0))
    big = b"x" * 10_000
    w.write_data(big)  # larger than the buffer: its own chunk
    w.write_control(P.END_OF_DATA)
    w.release()
    joined = b"".join(sock.sends)
    trailer = struct.pack("<i", P.TRAILER) + P.TRAILER_BODY.pack(0, 0)
    assert joined == trailer + struct.pack("<i", len(big)) + big + struct.pack("<i", P.END_OF_DATA)
    assert sock.sends[0] == trailer, "the held frame went out before the large chunk"


def test_release_without_sending_drops_what_was_held():
    sock = _RecordingSocket()
    w = FrameWriter(sock)  # type: ignore[arg-type]
    w.hold()
    w.write_data(b"partial")
    w.write_control(P.END_OF_DATA)
    w.release(send=False)
    assert sock.sends == []
    w.write_control(P.PONG)
    assert sock.sends == [struct.pack("<i", P.PONG)]
