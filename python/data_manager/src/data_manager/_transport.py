"""Framed socket transport of the worker protocol (docs/protocol.md, section 2.2).

One ``FrameReader`` and one ``FrameWriter`` per socket, each owning its buffers. Data chunks (prefix >= 0)
of one direction form one continuous Arrow IPC stream: ``FrameReader.data`` exposes them as a binary
file object whose ``readinto`` receives straight into the caller's buffer, so the Arrow reader's buffers
are filled by ``recv_into`` without an intermediate copy.
"""

from __future__ import annotations

import array
import collections
import json
import socket
import sys
from typing import Any, List, Optional, Union

from . import _protocol as P
from ._arrow.compat import numpy_or_none
from .exceptions import ProtocolError

BytesLike = Union[bytes, bytearray, memoryview]

_MAX_IOV = 512

# Room for the descriptors of one SHARED_REGION frame (one; a few spare so that extra ones are seen and closed).
_ANCILLARY_BYTES = socket.CMSG_SPACE(4 * 4) if hasattr(socket, "CMSG_SPACE") else 0

# Messages smaller than this stay in the socket's coalescing buffer even when an output region exists.
_SHARED_MIN_BYTES = 1024

# Parts of an output message at least this large are looked up in the input region: one that lies there (a column the
# code passed through unchanged) is named with SHARED_ECHO instead of being copied (docs/protocol.md 2.6).
_ECHO_MIN_BYTES = 4096


def _byte_view(b: BytesLike) -> memoryview:
    """``b`` as a flat memoryview of bytes (no copy)."""
    view = b if isinstance(b, memoryview) else memoryview(b)
    return view if view.format == "B" and view.ndim == 1 else view.cast("B")


class FrameReader:
    """Reads frames from a socket, with a small read-ahead buffer for prefixes and control payloads."""

    def __init__(self, sock: socket.socket, buffer_size: int = 64 * 1024) -> None:
        self._sock = sock
        self._buf = bytearray(max(buffer_size, 4096))
        self._view = memoryview(self._buf)
        self._start = 0
        self._end = 0
        self._data_remaining = 0  # bytes left in the current data chunk
        self._pending: Optional[int] = None  # a control code met while reading data
        # Descriptors arrive only over a Unix-domain socket (SCM_RIGHTS); every read there uses recvmsg, since a
        # plain recv of the bytes they came with would drop them.
        self._unix = (_ANCILLARY_BYTES > 0 and getattr(sock, "family", None) == getattr(socket, "AF_UNIX", None)
                      and hasattr(sock, "recvmsg_into"))
        self._fds: List[int] = []
        # The host's input region (docs/protocol.md 2.6) and the SHARED_DATA range being read from it.
        self.shared: Optional[memoryview] = None
        self._shared_pos = 0
        self._shared_left = 0
        # The run's ranges not yet released to the host, oldest first: [holder, lending view, start, length, echo]. The
        # holder is a numpy array over the range; everything lent from it keeps it referenced, so a range whose holder
        # only this list references is no longer read by anyone and the host may write there again, once it has also
        # copied out the last SHARED_ECHO frame (numbered ``echo``, 0 for none) that named bytes of the range.
        self._ranges: "collections.deque[List[Any]]" = collections.deque()
        self._current: Optional[List[Any]] = None
        self._released = 0
        self._echoes = 0  # SHARED_ECHO frames of the run so far
        self._shared_address = 0  # where the region is mapped (numpy's view of it), once a range was lent
        self.data = _DataStream(self)

    def reset_shared(self) -> None:
        """A new run: its ranges are counted from zero (the host cleared the region and its header)."""
        self._ranges.clear()
        self._current = None
        self._released = 0
        self._echoes = 0

    def _recv_into(self, target: memoryview) -> int:
        if not self._unix:
            return self._sock.recv_into(target)
        n, ancillary, flags, _ = self._sock.recvmsg_into([target], _ANCILLARY_BYTES, socket.MSG_CMSG_CLOEXEC)
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
                self._fds.extend(fds)
        return n

    def take_fd(self) -> int:
        """The descriptor that came with the frame just read (SHARED_REGION); any others are closed."""
        if not self._fds:
            raise ProtocolError("a SHARED_REGION frame arrived without a descriptor")
        fd = self._fds.pop(0)
        self.close_fds()
        return fd

    def close_fds(self) -> None:
        import os
        while self._fds:
            try:
                os.close(self._fds.pop())
            except OSError:
                pass

    # -- raw byte access ----------------------------------------------------------------------
    def _fill(self, need: int) -> None:
        """Ensures at least ``need`` (<= buffer size) buffered bytes; EOF raises ``EOFError``."""
        if self._end - self._start >= need:
            return
        if self._start > 0:
            n = self._end - self._start
            self._buf[0:n] = self._buf[self._start:self._end]
            self._start, self._end = 0, n
        while self._end < need:
            got = self._recv_into(self._view[self._end:])
            if got == 0:
                raise EOFError("the connection was closed")
            self._end += got

    def _read_exact_into(self, target: memoryview) -> None:
        n = len(target)
        pos = 0
        avail = self._end - self._start
        if avail:
            take = min(avail, n)
            target[:take] = self._view[self._start:self._start + take]
            self._start += take
            pos = take
        while pos < n:
            got = self._recv_into(target[pos:])
            if got == 0:
                raise EOFError("the connection was closed")
            pos += got

    def _read_int32(self) -> int:
        self._fill(4)
        value = P.INT32.unpack_from(self._buf, self._start)[0]
        self._start += 4
        return value

    def _read_bytes(self, n: int) -> bytes:
        out = bytearray(n)
        self._read_exact_into(memoryview(out))
        return bytes(out)

    # -- frames ---------------------------------------------------------------------------------
    def next_control(self) -> int:
        """Skips any unread data and returns the next control code (raises ``EOFError`` at EOF)."""
        if self._pending is not None:
            code, self._pending = self._pending, None
            return code
        while True:
            self.skip_data()
            code = self._read_int32()
            if code >= 0:
                self._data_remaining = code
                continue
            if code == P.SHARED_DATA:
                self._read_shared_data()
                continue
            if code not in P.NAMES:
                raise ProtocolError(f"unknown frame code {code}")
            return code

    def skip_data(self) -> int:
        """Discards the rest of the current data chunk; returns how many bytes were skipped."""
        skipped = self._shared_left
        self._shared_left = 0
        self._finish_range()
        while self._data_remaining:
            avail = self._end - self._start
            if avail == 0:
                self._fill(1)
                avail = self._end - self._start
            take = min(avail, self._data_remaining)
            self._start += take
            self._data_remaining -= take
            skipped += take
        return skipped

    def drain_until(self, stop_code: int) -> None:
        """Skips data chunks and control frames until ``stop_code`` has been read."""
        while True:
            code = self.next_control()
            self.read_payload(code)
            if code == stop_code:
                return

    def read_payload(self, code: int) -> Any:
        """Reads the payload of control frame ``code``: a dict for JSON frames, (rows, batches) for
        a trailer, None for frames without payload."""
        if code in P.JSON_FRAMES:
            length = self._read_int32()
            if length < 0 or length > P.MAX_CONTROL_FRAME_BYTES:
                raise ProtocolError(f"{P.frame_name(code)} frame declares {length} bytes (limit {P.MAX_CONTROL_FRAME_BYTES})")
            raw = self._read_bytes(length)
            try:
                value = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise ProtocolError(f"{P.frame_name(code)} frame is not valid UTF-8 JSON: {e}") from None
            if not isinstance(value, dict):
                raise ProtocolError(f"{P.frame_name(code)} frame must hold a JSON object")
            return value
        if code == P.TRAILER:
            self._fill(16)
            rows, batches = P.TRAILER_BODY.unpack_from(self._buf, self._start)
            self._start += 16
            return rows, batches
        return None

    def _read_shared_data(self) -> None:
        self._fill(16)
        offset, length = P.SHARED_DATA_BODY.unpack_from(self._buf, self._start)
        self._start += 16
        size = len(self.shared) if self.shared is not None else 0
        if size == 0:
            raise ProtocolError("a SHARED_DATA frame on a connection without a shared-memory region")
        if offset < 0 or length < 0 or offset > size - length:
            raise ProtocolError(f"a SHARED_DATA frame names bytes [{offset}, {offset} + {length}) outside the "
                                f"shared-memory region of {size} bytes")
        self._finish_range()
        self._release_ranges()
        np = numpy_or_none()
        holder = np.frombuffer(self.shared, dtype=np.uint8, count=length, offset=offset) if np is not None else None
        if holder is not None and not self._shared_address:
            self._shared_address = holder.__array_interface__["data"][0] - offset
        entry = [holder, memoryview(holder) if holder is not None else None, offset, length, 0]
        self._ranges.append(entry)
        self._current = entry
        self._shared_pos, self._shared_left = offset, length

    def _finish_range(self) -> None:
        """The current range is read to its end: stop lending from it (what was lent keeps its holder alive)."""
        if self._current is not None and self._shared_left == 0:
            self._current[1] = None
            self._current = None

    def _release_ranges(self) -> None:
        """Tells the host (the input region's header) how many of the run's ranges, oldest first, nobody reads any
        more, so that it may write there again."""
        ranges, released = self._ranges, self._released
        echoes_copied = -1
        while ranges and ranges[0] is not self._current:
            holder = ranges[0][0]
            if holder is not None and sys.getrefcount(holder) > 3:  # the entry, the local and the argument
                break
            echo = ranges[0][4]
            if echo:
                if echoes_copied < 0:
                    echoes_copied = P.INT64.unpack_from(self.shared, P.SHARED_ECHOES_CONSUMED_OFFSET)[0]  # type: ignore[arg-type]
                if echoes_copied < echo:
                    break
            ranges.popleft()
            released += 1
        if released != self._released:
            self._released = released
            P.INT64.pack_into(self.shared, P.SHARED_CONSUMED_OFFSET, released)  # type: ignore[arg-type]

    def echo_offsets(self, views: "List[memoryview]") -> Optional[List[int]]:
        """For each of ``views`` (the parts of one output message), its offset in the input region when it lies wholly
        in one of the run's unreleased ranges and is large enough to be worth naming, else -1; None when none does.
        Each part found pins its range until the host has copied out the echo (numbered in call order)."""
        base = self._shared_address
        np = numpy_or_none()
        if not base or np is None or not self._ranges:
            return None
        size = len(self.shared)  # type: ignore[arg-type]
        offsets: Optional[List[int]] = None
        for i, v in enumerate(views):
            n = len(v)
            if n < _ECHO_MIN_BYTES:
                continue
            offset = np.frombuffer(v, dtype=np.uint8).__array_interface__["data"][0] - base
            if offset < P.SHARED_DATA_START or offset > size - n:
                continue
            for entry in reversed(self._ranges):
                if entry[2] <= offset and offset + n <= entry[2] + entry[3]:
                    if offsets is None:
                        offsets = [-1] * len(views)
                    offsets[i] = offset
                    self._echoes += 1
                    entry[4] = self._echoes
                    break
        return offsets

    def _next_chunk(self) -> bool:
        """Reads prefixes until a data chunk (socket or shared) with bytes left is open: True; False when a control
        frame (kept for ``next_control``) ends the data."""
        while self._data_remaining == 0 and self._shared_left == 0:
            if self._pending is not None:
                return False
            code = self._read_int32()
            if code >= 0:
                self._data_remaining = code
            elif code == P.SHARED_DATA:
                self._read_shared_data()
            elif code in P.NAMES:
                self._pending = code
                return False
            else:
                raise ProtocolError(f"unknown frame code {code}")
        return True

    def read_view(self, n: int) -> Optional[memoryview]:
        """The next ``n`` bytes of the Arrow stream as a view of the shared region (no copy) when they all lie in the
        current SHARED_DATA range; None (nothing consumed) otherwise."""
        if n <= 0 or self.shared is None or not self._next_chunk() or self._shared_left < n:
            return None
        lender = self._current[1] if self._current is not None else None
        if lender is None:
            return None  # without numpy nothing could tell when the view dies: the caller copies
        pos = self._shared_pos - self._current[2]  # type: ignore[index]
        self._shared_pos += n
        self._shared_left -= n
        view = lender[pos:pos + n]
        self._finish_range()
        return view

    def read_data_into(self, target: memoryview) -> int:
        """Reads up to ``len(target)`` bytes of the current Arrow stream; 0 when a control frame
        (kept for ``next_control``) ends the data."""
        if not target or not self._next_chunk():
            return 0
        if self._shared_left:
            n = min(len(target), self._shared_left)
            target[:n] = self.shared[self._shared_pos:self._shared_pos + n]  # type: ignore[index]
            self._shared_pos += n
            self._shared_left -= n
            self._finish_range()
            return n
        n = min(len(target), self._data_remaining)
        avail = self._end - self._start
        if avail:
            n = min(n, avail)
            target[:n] = self._view[self._start:self._start + n]
            self._start += n
        else:
            n = self._recv_into(target[:n])
            if n == 0:
                raise EOFError("the connection was closed inside a data chunk")
        self._data_remaining -= n
        return n


class _DataStream:
    """The Arrow stream of the current direction as a read-only binary file object."""

    def __init__(self, reader: FrameReader) -> None:
        self._reader = reader

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        return self._reader.read_data_into(_byte_view(b))

    def read_view(self, n: int) -> Optional[memoryview]:
        return self._reader.read_view(n)

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            chunks = []
            while True:
                part = self.read(1 << 20)
                if not part:
                    return b"".join(chunks)
                chunks.append(part)
        out = bytearray(n)
        view = memoryview(out)
        pos = 0
        while pos < n:
            got = self._reader.read_data_into(view[pos:])
            if got == 0:
                break
            pos += got
        return bytes(out[:pos])


class FrameWriter:
    """Writes frames to a socket. Small data writes are coalesced into one chunk of at most
    ``buffer_size`` bytes; large ones are sent as their own chunk without copying."""

    def __init__(self, sock: socket.socket, buffer_size: int = 64 * 1024) -> None:
        self._sock = sock
        self._limit = max(buffer_size, 4096)
        self._pending = bytearray()
        # The host's output region (docs/protocol.md 2.6): each run writes it from the start.
        self.shared: Optional[memoryview] = None
        self._shared_cursor = P.SHARED_DATA_START
        self._shared_sent = 0
        # The reader of the host's input region, when there is one: output parts that lie in it are echoed, not copied.
        self.echo_source: Optional[FrameReader] = None
        # While held (hold() .. release()), small frames gather here and go out in one system call.
        self._held: Optional[bytearray] = None
        self.data = _DataSink(self)

    def hold(self) -> None:
        """Gathers the frames written from now on until :meth:`release` (a run's closing frames: one send, so
        the host wakes once). Only for writes that never wait on the host in between."""
        self._held = bytearray()

    def release(self, send: bool = True) -> None:
        """Sends what :meth:`hold` gathered (and pending data; with ``send=False`` drops it, the connection being
        given up), and writes go straight out again."""
        if not send:
            self._held = None
            self._pending = bytearray()
            return
        self._flush_data()
        held, self._held = self._held, None
        if held:
            self._sock.sendall(held)

    def reset_shared(self) -> None:
        """A new run: its output starts at the region's beginning again (the host cleared what the last one used)."""
        self._shared_cursor = P.SHARED_DATA_START
        self._shared_sent = 0

    def _shared_start(self, region: memoryview, total: int) -> Optional[int]:
        """Where a message of ``total`` bytes goes in the output region, or None (the socket takes it): after the last
        one, or at the start again once the host has copied out every range of the run (a ring that never waits)."""
        if total <= len(region) - self._shared_cursor:
            return self._shared_cursor
        if (total <= len(region) - P.SHARED_DATA_START and self._shared_sent
                and P.INT64.unpack_from(region, P.SHARED_CONSUMED_OFFSET)[0] >= self._shared_sent):
            return P.SHARED_DATA_START
        return None

    def write_data(self, data: BytesLike) -> None:
        view = _byte_view(data)
        n = len(view)
        if n == 0:
            return
        if n + len(self._pending) <= self._limit:
            self._pending += view
            if len(self._pending) >= self._limit:
                self._flush_data()
            return
        self._flush_data()
        if n < self._limit // 2:
            self._pending += view
            return
        pos = 0
        while pos < n:
            # A data chunk's length is an int32: split writes larger than 1 GiB.
            part = view[pos:pos + (1 << 30)]
            self._send(P.INT32.pack(len(part)), part)
            pos += len(part)

    def write_data_parts(self, parts: "list[BytesLike]") -> None:
        """Writes ``parts`` (one Arrow message) as data: small totals are coalesced like :meth:`write_data`;
        larger ones go out as one data chunk in one gathered ``sendmsg``, without copying."""
        views = [_byte_view(p) for p in parts]
        source = self.echo_source
        if source is not None and source.shared is not None:
            offsets = source.echo_offsets(views)
            if offsets is not None:
                self._write_echoed(views, offsets)
                return
        total = sum(len(v) for v in views)
        start = self._into_region(views, total)
        if start is not None:
            self._flush_data()
            self._send(P.INT32.pack(P.SHARED_DATA) + P.SHARED_DATA_BODY.pack(start, total))
            return
        if total < self._limit // 2 or total >= (1 << 30):
            for v in views:
                self.write_data(v)
            return
        self._flush_data()
        self._send(P.INT32.pack(total), *views)

    def _into_region(self, views: "List[memoryview]", total: int) -> Optional[int]:
        """Copies ``views`` (``total`` bytes) into the output region as one range and returns its offset, for a
        SHARED_DATA frame naming it (one copy, no system call per byte); None when there is no region, the bytes are
        too few to be worth it or there is no room (the socket takes them)."""
        region = self.shared
        start = self._shared_start(region, total) if region is not None and total >= _SHARED_MIN_BYTES else None
        if start is None:
            return None
        pos = start
        for v in views:
            region[pos:pos + len(v)] = v  # type: ignore[index]
            pos += len(v)
        self._shared_cursor = pos
        self._shared_sent += 1
        return start

    def _write_echoed(self, views: "List[memoryview]", offsets: List[int]) -> None:
        """Writes one message whose parts at ``offsets`` >= 0 lie in the host's input region: each is named by a
        SHARED_ECHO frame; the parts between them go into the output region (or the socket) as usual. All the frames
        of the message go out in one send."""
        frames = bytearray()
        between: "List[memoryview]" = []

        def put_between() -> None:
            total = sum(len(v) for v in between)
            if total == 0:
                return
            start = self._into_region(between, total)
            if start is not None:
                frames.extend(P.INT32.pack(P.SHARED_DATA) + P.SHARED_DATA_BODY.pack(start, total))
            else:
                for v in between:
                    for pos in range(0, len(v), 1 << 30):  # a data chunk's length is an int32
                        part = v[pos:pos + (1 << 30)]
                        frames.extend(P.INT32.pack(len(part)))
                        frames.extend(part)
            between.clear()

        for v, offset in zip(views, offsets):
            if offset < 0:
                between.append(v)
                continue
            put_between()
            frames.extend(P.INT32.pack(P.SHARED_ECHO) + P.SHARED_DATA_BODY.pack(offset, len(v)))
        put_between()
        self._flush_data()
        self._send(frames)

    def _flush_data(self) -> None:
        if self._pending:
            payload = self._pending
            self._pending = bytearray()
            self._send(P.INT32.pack(len(payload)), payload)

    def write_control(self, code: int, payload: Any = None) -> None:
        """Writes control frame ``code``; ``payload`` is a dict (JSON frames) or (rows, batches) (trailer)."""
        self._flush_data()
        if code in P.JSON_FRAMES:
            raw = json.dumps(payload, separators=(",", ":"), default=str).encode("utf-8")
            if len(raw) > P.MAX_CONTROL_FRAME_BYTES:
                # Refused before a byte is written, so the connection stays in a clean state. Text the worker
                # sends is cut to MAX_TEXT_CHARS first; this guards every other caller.
                raise ProtocolError(f"a {P.frame_name(code)} frame of {len(raw):,} bytes exceeds the maximum of "
                                    f"{P.MAX_CONTROL_FRAME_BYTES:,} bytes")
            self._send(P.INT32.pack(code) + P.INT32.pack(len(raw)), raw)
        elif code == P.TRAILER:
            rows, batches = payload
            self._send(P.INT32.pack(code) + P.TRAILER_BODY.pack(rows, batches))
        else:
            self._send(P.INT32.pack(code))

    def flush(self) -> None:
        self._flush_data()

    def _send(self, *parts: BytesLike) -> None:
        held = self._held
        if held is not None:
            if len(held) + sum(len(_byte_view(p)) for p in parts) <= self._limit:
                for part in parts:
                    held += part
                return
            if held:
                self._held = bytearray()
                self._sock.sendall(held)
        if len(parts) == 1 or not hasattr(self._sock, "sendmsg"):
            for part in parts:
                self._sock.sendall(part)
            return
        # One system call for prefix + payload; sendmsg may send part of it, so advance and retry.
        views = [_byte_view(p) for p in parts]
        while views:
            sent = self._sock.sendmsg(views[:_MAX_IOV])  # at most IOV_MAX (1024 on Linux) buffers a call
            while sent and views:
                if sent >= len(views[0]):
                    sent -= len(views[0])
                    views.pop(0)
                else:
                    views[0] = views[0][sent:]
                    sent = 0


class _DataSink:
    """The outgoing Arrow stream as a write-only binary file object."""

    def __init__(self, writer: FrameWriter) -> None:
        self._writer = writer

    def writable(self) -> bool:
        return True

    def write(self, b: BytesLike) -> int:
        self._writer.write_data(b)
        return len(b) if not isinstance(b, memoryview) else b.nbytes

    def write_parts(self, parts: "list[BytesLike]") -> None:
        self._writer.write_data_parts(parts)

    def flush(self) -> None:
        self._writer.flush()
