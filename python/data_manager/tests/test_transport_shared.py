"""The shared-memory data path of the worker protocol (docs/protocol.md, 2.6): descriptors passed with SCM_RIGHTS,
SHARED_DATA ranges read as views of the region (no copy) and checked against it, output written into the region."""

from __future__ import annotations

import mmap
import os
import socket
import struct
import threading

import pytest

from data_manager import _protocol as P
from data_manager._arrow import Column, RecordBatch, StreamReader, StreamWriter
from data_manager._arrow import types as t
from data_manager._transport import FrameReader, FrameWriter
from data_manager.exceptions import ProtocolError

pytestmark = pytest.mark.skipif(not (hasattr(os, "memfd_create") and hasattr(socket, "send_fds")),
                                reason="needs Linux memfd_create and socket.send_fds")


def _region(size: int) -> "tuple[int, mmap.mmap]":
    fd = os.memfd_create("databridge-test")
    os.ftruncate(fd, size)
    return fd, mmap.mmap(fd, size)


def _shared_data(offset: int, length: int) -> bytes:
    return P.INT32.pack(P.SHARED_DATA) + P.SHARED_DATA_BODY.pack(offset, length)


def _batch(n: int) -> RecordBatch:
    schema = t.Schema((t.Field("i", t.Int(64, True)), t.Field("s", t.Utf8())))
    return RecordBatch(schema, [Column.from_pylist(list(range(n)), t.Int(64, True)),
                                Column.from_pylist([f"v{i}" if i % 5 else None for i in range(n)], t.Utf8())], n)


def test_a_descriptor_sent_with_a_frame_is_taken_by_the_reader_and_only_once():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    fd, region = _region(4096)
    try:
        payload = b'{"role":"input","bytes":4096}'
        socket.send_fds(a, [P.INT32.pack(P.SHARED_REGION) + P.INT32.pack(len(payload)) + payload], [fd])
        reader = FrameReader(b)
        assert reader.next_control() == P.SHARED_REGION
        assert reader.read_payload(P.SHARED_REGION) == {"role": "input", "bytes": 4096}
        got = reader.take_fd()
        assert os.fstat(got).st_size == 4096
        os.close(got)
        with pytest.raises(ProtocolError, match="without a descriptor"):
            reader.take_fd()
    finally:
        region.close()
        os.close(fd)
        a.close()
        b.close()


def test_an_arrow_stream_in_the_region_is_read_as_views_of_it_without_a_copy():
    fd, region = _region(1 << 20)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        view = memoryview(region)
        writer = FrameWriter(a)
        writer.shared = view  # the writer's region is the reader's: as the host's input region is the worker's
        batch = _batch(10_000)
        with StreamWriter(writer.data, batch.schema) as sw:
            sw.write_batch(batch)
        writer.write_control(P.END_OF_DATA)
        writer.flush()
        reader = FrameReader(b)
        reader.shared = view
        got = list(StreamReader(reader.data))
        assert reader.next_control() == P.END_OF_DATA
        assert got[0].to_pydict() == batch.to_pydict()
        # With numpy the int64 values buffer is a view of the region, not a copy: writing the region shows through it.
        # Without numpy nothing could tell when a view dies, so the reader copies (docs/protocol.md 2.6).
        from data_manager._arrow.compat import numpy_or_none
        values = memoryview(got[0].columns[0].buffers[1]).cast("B")
        first = bytes(values[:8])
        start = bytes(region).find(first + bytes(values[8:64]))
        assert start >= 0
        region[start:start + 8] = b"\xff" * 8
        assert bytes(values[:8]) == (b"\xff" * 8 if numpy_or_none() is not None else first)
    finally:
        a.close()
        b.close()
        os.close(fd)


def test_a_message_that_does_not_fit_the_region_goes_through_the_socket_in_order():
    fd, region = _region(64 * 1024)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        view = memoryview(region)
        writer = FrameWriter(a)
        writer.shared = view
        small, large = _batch(1_000), _batch(50_000)  # ~16 KB fits, ~800 KB does not
        received = []

        def consume() -> None:
            reader = FrameReader(b)
            reader.shared = view
            received.extend(StreamReader(reader.data))

        consumer = threading.Thread(target=consume)
        consumer.start()
        with StreamWriter(writer.data, small.schema) as sw:
            sw.write_batch(small)
            sw.write_batch(large)
            sw.write_batch(small)
        writer.write_control(P.END_OF_DATA)
        writer.flush()
        consumer.join(timeout=30)
        assert not consumer.is_alive()
        assert [r.num_rows for r in received] == [1_000, 50_000, 1_000]
        assert received[1].to_pydict() == large.to_pydict()
    finally:
        a.close()
        b.close()
        os.close(fd)


@pytest.mark.parametrize("offset,length", [(60_000, 10_000), (-1, 10), (0, -5), (1 << 62, 1 << 62)])
def test_a_shared_data_range_outside_the_region_is_a_protocol_error_naming_it(offset: int, length: int):
    fd, region = _region(64 * 1024)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        a.sendall(_shared_data(offset, length))
        reader = FrameReader(b)
        reader.shared = memoryview(region)
        with pytest.raises(ProtocolError, match="outside the shared-memory region of 65536 bytes"):
            reader.read_data_into(memoryview(bytearray(16)))
    finally:
        a.close()
        b.close()
        os.close(fd)


def test_a_shared_data_frame_without_a_region_is_a_protocol_error():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        a.sendall(_shared_data(0, 8))
        with pytest.raises(ProtocolError, match="without a shared-memory region"):
            FrameReader(b).read_data_into(memoryview(bytearray(16)))
    finally:
        a.close()
        b.close()


def test_output_is_written_into_the_region_from_its_start_each_run():
    fd, region = _region(1 << 20)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        writer = FrameWriter(a)
        writer.shared = memoryview(region)
        part = bytes(range(256)) * 8  # 2 KiB: above the size kept in the socket buffer
        writer.write_data_parts([part])
        writer.reset_shared()
        writer.write_data_parts([part[::-1]])
        writer.flush()
        a.shutdown(socket.SHUT_WR)
        raw = b.recv(1 << 16)
        frames = [struct.unpack_from("<iqq", raw, i) for i in range(0, len(raw), 20)]
        assert frames == [(P.SHARED_DATA, 64, 2048), (P.SHARED_DATA, 64, 2048)]
        assert region[64:64 + 2048] == part[::-1]
    finally:
        a.close()
        b.close()
        os.close(fd)


def _worker_answers(fd: int, announced: int, role: str = "input") -> dict:
    from data_manager._worker import SHARED_REGIONS, Worker

    host, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    worker = Worker(FrameReader(worker_end), FrameWriter(worker_end))
    served: list = []
    thread = threading.Thread(target=lambda: served.append(worker.serve()), daemon=True)
    thread.start()
    try:
        payload = ('{"role":"%s","bytes":%d}' % (role, announced)).encode()
        socket.send_fds(host, [P.INT32.pack(P.SHARED_REGION) + P.INT32.pack(len(payload)) + payload], [fd])
        reader = FrameReader(host)
        assert reader.next_control() == P.SHARED_REGION
        answer = reader.read_payload(P.SHARED_REGION)
        host.sendall(P.INT32.pack(P.END_OF_STREAM))
        thread.join(timeout=30)
        assert served == [0]
        answer["mapped_here"] = role in SHARED_REGIONS and len(SHARED_REGIONS[role]) == announced
        return answer
    finally:
        host.close()
        worker_end.close()


def test_the_worker_maps_a_region_it_is_passed_and_says_so():
    fd, region = _region(1 << 20)
    try:
        assert _worker_answers(fd, 1 << 20) == {"mapped": True, "mapped_here": True}
    finally:
        region.close()
        os.close(fd)


def test_a_region_smaller_than_announced_is_refused_with_the_reason_and_the_worker_stays_on_the_socket():
    fd, region = _region(4096)
    try:
        answer = _worker_answers(fd, 1 << 20, role="output")
        assert answer["mapped"] is False
        assert "output" in answer["error"] and "4096 bytes" in answer["error"]
    finally:
        region.close()
        os.close(fd)


def test_output_wraps_to_the_regions_start_once_the_host_copied_every_range_out_and_else_uses_the_socket():
    fd, region = _region(64 + 3 * 2048)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        writer = FrameWriter(a)
        writer.shared = memoryview(region)
        part = bytes(range(256)) * 8
        writer.write_data_parts([part])
        writer.write_data_parts([part])
        writer.write_data_parts([part])
        writer.write_data_parts([part])  # the region is full and nothing was copied out: the socket
        region[0:8] = struct.pack("<q", 4)  # the host has copied out all (it counts every range it read)
        writer.write_data_parts([part])  # back at the start
        writer.flush()
        a.shutdown(socket.SHUT_WR)
        raw = bytearray()
        while True:
            got = b.recv(1 << 16)
            if not got:
                break
            raw += got
        frames, pos = [], 0
        while pos < len(raw):
            (code,) = struct.unpack_from("<i", raw, pos)
            if code == P.SHARED_DATA:
                frames.append(("shared", struct.unpack_from("<qq", raw, pos + 4)[0]))
                pos += 20
            else:
                frames.append(("socket", code))
                pos += 4 + code
        assert frames == [("shared", 64), ("shared", 64 + 2048), ("shared", 64 + 4096), ("socket", 2048), ("shared", 64)]
    finally:
        a.close()
        b.close()
        os.close(fd)


def test_input_ranges_are_released_to_the_host_oldest_first_once_nothing_reads_their_views():
    pytest.importorskip("numpy")
    from data_manager._arrow.compat import numpy_or_none
    if numpy_or_none() is None:
        pytest.skip("numpy is disabled (DATA_MANAGER_NO_NUMPY)")
    fd, region = _region(64 + 3 * 1024)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        region[64:64 + 3 * 1024] = bytes(range(256)) * 12
        reader = FrameReader(b)
        reader.shared = memoryview(region)

        def released() -> int:
            return struct.unpack_from("<q", region, 0)[0]

        a.sendall(_shared_data(64, 1024) + _shared_data(64 + 1024, 1024) + _shared_data(64 + 2048, 1024)
                  + P.INT32.pack(P.END_OF_DATA))
        first = reader.read_view(1024)
        assert first is not None and bytes(first[:4]) == bytes(range(4))
        kept = reader.read_view(1024)  # the second range's view stays referenced
        assert released() == 0
        del first
        assert reader.read_view(1024) is not None  # reading the third range's frame releases the first
        assert released() == 1, "the first range is no longer read; the second still is"
        del kept
        reader.read_data_into(memoryview(bytearray(8)))  # the next frame (END_OF_DATA) is met
        assert reader.next_control() == P.END_OF_DATA
    finally:
        a.close()
        b.close()
        os.close(fd)


def _needs_numpy() -> None:
    pytest.importorskip("numpy")
    from data_manager._arrow.compat import numpy_or_none
    if numpy_or_none() is None:
        pytest.skip("numpy is disabled (DATA_MANAGER_NO_NUMPY)")


def _frames(raw: bytes) -> list:
    """The frames of ``raw`` as (code, body): data chunks as (length >= 0, bytes), ranges as (code, (offset, length))."""
    out, pos = [], 0
    while pos < len(raw):
        code = struct.unpack_from("<i", raw, pos)[0]
        pos += 4
        if code >= 0:
            out.append((code, raw[pos:pos + code]))
            pos += code
        elif code in (P.SHARED_DATA, P.SHARED_ECHO):
            out.append((code, struct.unpack_from("<qq", raw, pos)))
            pos += 16
        else:
            out.append((code, None))
    return out


def _recv_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        got = sock.recv(1 << 20)
        if not got:
            return b"".join(chunks)
        chunks.append(got)


def test_an_output_column_that_is_a_view_of_the_input_region_is_echoed_not_copied():
    """A column passed through unchanged lies in the host's input region: the worker names it with SHARED_ECHO
    (offset, length in that region) and copies only the rest; the host's bytes then rebuild the same stream."""
    _needs_numpy()
    in_fd, in_region = _region(1 << 20)
    out_fd, out_region = _region(1 << 20)
    host_in, worker_in = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    worker_out, host_out = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        # The host's side: the input stream written into the input region.
        host_writer = FrameWriter(host_in)
        host_writer.shared = memoryview(in_region)
        schema = t.Schema((t.Field("x", t.FloatingPoint(t.Precision.DOUBLE)),))
        import numpy as np
        values = np.arange(8192, dtype=np.float64)
        batch = RecordBatch(schema, [Column.from_numpy(values, t.FloatingPoint(t.Precision.DOUBLE))], len(values))
        with StreamWriter(host_writer.data, schema) as sw:
            sw.write_batch(batch)
        host_writer.write_control(P.END_OF_DATA)
        host_writer.flush()

        # The worker's side: reads views of the region, writes the same batch back.
        reader = FrameReader(worker_in)
        reader.shared = memoryview(in_region)
        writer = FrameWriter(worker_out)
        writer.shared = memoryview(out_region)
        writer.echo_source = reader
        got = list(StreamReader(reader.data))
        assert reader.next_control() == P.END_OF_DATA
        with StreamWriter(writer.data, schema) as sw:
            sw.write_batches(got)
        writer.flush()
        worker_out.shutdown(socket.SHUT_WR)

        frames = _frames(_recv_all(host_out))
        echoes = [body for code, body in frames if code == P.SHARED_ECHO]
        assert echoes and echoes[0][1] == values.nbytes, "the 64 KiB values buffer is named, not copied"
        stream = bytearray()
        for code, body in frames:
            if code >= 0:
                stream += body
            elif code == P.SHARED_DATA:
                stream += out_region[body[0]:body[0] + body[1]]
            elif code == P.SHARED_ECHO:
                stream += in_region[body[0]:body[0] + body[1]]
        import io
        again = list(StreamReader(io.BytesIO(bytes(stream))))
        assert again[0].to_pydict() == batch.to_pydict()
    finally:
        for s in (host_in, worker_in, worker_out, host_out):
            s.close()
        os.close(in_fd)
        os.close(out_fd)


def _echoing_worker(region: mmap.mmap) -> tuple:
    """Sockets host -> worker (a, b) and worker -> host (out_a, out_b), a reader of ``region`` as the worker's input
    region on b and a writer on out_a that echoes from it."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    out_a, out_b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    reader = FrameReader(b)
    reader.shared = memoryview(region)
    writer = FrameWriter(out_a)
    writer.echo_source = reader
    return a, b, out_a, out_b, reader, writer


def test_an_echoed_range_is_released_only_once_the_host_copied_the_echo_out():
    """The host may write a released input range again, so a range an echo names stays held until the host's count of
    echoes copied out (the input region's header word at 8) reaches that echo, even when no view of it is left."""
    _needs_numpy()
    fd, region = _region(64 + 3 * 8192)
    a, b, out_a, out_b, reader, writer = _echoing_worker(region)
    try:

        def released() -> int:
            return struct.unpack_from("<q", region, P.SHARED_CONSUMED_OFFSET)[0]

        a.sendall(_shared_data(64, 8192) + _shared_data(64 + 8192, 8192) + _shared_data(64 + 16384, 8192)
                  + P.INT32.pack(P.END_OF_DATA))
        first = reader.read_view(8192)
        writer.write_data_parts([first])  # echoed: the first range is pinned by echo 1
        del first
        assert reader.read_view(8192) is not None  # the next range's frame: the first has no view left, but is pinned
        assert released() == 0
        struct.pack_into("<q", region, P.SHARED_ECHOES_CONSUMED_OFFSET, 1)  # the host copied echo 1 out
        assert reader.read_view(8192) is not None
        assert released() == 2, "the first range (echo copied) and the second (no view left) are released"
        writer.flush()
        out_a.shutdown(socket.SHUT_WR)
        assert _frames(_recv_all(out_b)) == [(P.SHARED_ECHO, (64, 8192))]
    finally:
        for s in (a, b, out_a, out_b):
            s.close()
        os.close(fd)


def test_parts_outside_the_input_region_or_small_are_copied_as_before():
    _needs_numpy()
    fd, region = _region(64 + 8192)
    a, b, out_a, out_b, reader, writer = _echoing_worker(region)
    try:
        a.sendall(_shared_data(64, 8192) + P.INT32.pack(P.END_OF_DATA))
        view = reader.read_view(8192)
        own = bytes(8192)
        writer.write_data_parts([own, view[:1024]])  # foreign bytes, and a part of the region below the echo size
        writer.flush()
        out_a.shutdown(socket.SHUT_WR)
        frames = _frames(_recv_all(out_b))
        assert [code for code, _ in frames] == [8192 + 1024]
    finally:
        for s in (a, b, out_a, out_b):
            s.close()
        os.close(fd)


def test_without_an_output_region_the_parts_around_an_echo_go_through_the_socket_in_order():
    _needs_numpy()
    fd, region = _region(64 + 8192)
    a, b, out_a, out_b, reader, writer = _echoing_worker(region)
    try:
        a.sendall(_shared_data(64, 8192) + P.INT32.pack(P.END_OF_DATA))
        view = reader.read_view(8192)
        writer.write_data_parts([b"head" * 4, view, b"tail"])
        writer.flush()
        out_a.shutdown(socket.SHUT_WR)
        assert _frames(_recv_all(out_b)) == [(16, b"head" * 4), (P.SHARED_ECHO, (64, 8192)), (4, b"tail")]
    finally:
        for s in (a, b, out_a, out_b):
            s.close()
        os.close(fd)
