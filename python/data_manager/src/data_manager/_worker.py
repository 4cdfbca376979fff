"""The worker side of a connection (docs/protocol.md, section 2): the handshake's answer, then runs until
the host sends END_OF_STREAM or closes the connection.

A worker is forked by the daemon with the connection already accepted and its token verified. Each run gets
its own ``DataManager``: the run context arrives with the run header, never from the process environment or a
previous run.
"""

from __future__ import annotations

import builtins
import collections
import hashlib
import io
import linecache
import os
import socket
import sys
import threading
import time
import traceback
from typing import Any, Dict, Iterator, Optional, Tuple

from . import _context
from . import _protocol as P
from ._arrow import RecordBatch, Schema, StreamReader, StreamWriter
from ._handshake import answer
from ._manager import DataManager
from ._transport import FrameReader, FrameWriter
from .exceptions import ProtocolError

_CODE_CACHE_SIZE = 64
_STARTED = time.monotonic()


def mark_started() -> None:
    """Called by the daemon right after fork: the worker's boot time counts from here."""
    global _STARTED
    _STARTED = time.monotonic()


def serve_connection(conn: socket.socket) -> int:
    """Serves one host connection, whose handshake the daemon has already verified (``_handshake``):
    sends the handshake's answer (our pid), then runs. Returns the process exit code."""
    try:
        conn.sendall(answer(os.getpid()))
    except OSError:
        conn.close()
        return 0
    try:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    worker = Worker(FrameReader(conn), FrameWriter(conn))
    try:
        return worker.serve()
    finally:
        conn.close()


class _LockedWriter:
    """Serialises frame writes from user threads (print from a thread) with the run's own writes."""

    def __init__(self, writer: FrameWriter) -> None:
        self._writer = writer
        self._lock = threading.Lock()
        self.data = self

    def write(self, b: Any) -> int:
        with self._lock:
            self._writer.write_data(b)
        return memoryview(b).nbytes

    def write_parts(self, parts: Any) -> None:
        """One Arrow message as one data chunk (see ``FrameWriter.write_data_parts``)."""
        with self._lock:
            self._writer.write_data_parts(parts)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        with self._lock:
            self._writer.flush()

    def close(self) -> None:
        """The Arrow writer closing its sink only ends the Arrow stream, not the connection."""

    def control(self, code: int, payload: Any = None) -> None:
        with self._lock:
            self._writer.write_control(code, payload)


class _LogStream(io.TextIOBase):
    """sys.stdout / sys.stderr of user code: each line becomes a LOG frame of the current run."""

    def __init__(self, out: _LockedWriter, stream: str, level: str) -> None:
        self._out = out
        self._stream = stream
        self._level = level
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        text = self._partial + s
        *lines, self._partial = text.split("\n")
        for line in lines:
            self._out.control(P.LOG, {"level": self._level, "stream": self._stream, "message": line})
        if len(self._partial) > 65536:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self._partial:
            line, self._partial = self._partial, ""
            self._out.control(P.LOG, {"level": self._level, "stream": self._stream, "message": line})


class _OutputSink:
    """Writes the run's output batches as one Arrow stream of data chunks."""

    def __init__(self, out: _LockedWriter) -> None:
        self._out = out
        self._writer: Optional[StreamWriter] = None
        self.rows = 0
        self.batches = 0

    def write_batch(self, batch: RecordBatch) -> None:
        if self._writer is None:
            self._writer = StreamWriter(self._out, batch.schema)
        self._writer.write_batch(batch)
        self.rows += batch.num_rows
        self.batches += 1

    def finish(self) -> None:
        if self._writer is None:
            self._writer = StreamWriter(self._out, Schema([]))
        self._writer.close()
        self._out.control(P.TRAILER, (self.rows, self.batches))


class _Input:
    """The run's input: the Arrow stream read lazily, then its trailer checked against what was read."""

    def __init__(self, reader: FrameReader) -> None:
        self._reader = reader
        self.done = False
        self.rows = 0
        self.batches = 0

    def __iter__(self) -> Iterator[RecordBatch]:
        for batch in StreamReader(self._reader.data):
            self.rows += batch.num_rows
            self.batches += 1
            yield batch
        self._finish()

    def _finish(self) -> None:
        code = self._reader.next_control()
        if code != P.TRAILER:
            raise ProtocolError(f"expected the input TRAILER after the Arrow stream, got {P.frame_name(code)}")
        rows, batches = self._reader.read_payload(code)
        if (rows, batches) != (self.rows, self.batches):
            raise ProtocolError(
                f"input truncated or altered: the trailer says {rows} rows in {batches} batches, "
                f"the stream held {self.rows} rows in {self.batches} batches")
        code = self._reader.next_control()
        if code != P.END_OF_DATA:
            raise ProtocolError(f"expected END_OF_DATA after the input trailer, got {P.frame_name(code)}")
        self.done = True

    def drain(self) -> None:
        if not self.done:
            self._reader.drain_until(P.END_OF_DATA)
            self.done = True


class Worker:
    def __init__(self, reader: FrameReader, writer: FrameWriter) -> None:
        self._reader = reader
        self._out = _LockedWriter(writer)
        self._code: "collections.OrderedDict[str, Any]" = collections.OrderedDict()
        self._runs = 0

    def serve(self) -> int:
        while True:
            try:
                code = self._reader.next_control()
            except EOFError:
                return 0
            if code == P.PING:
                self._out.control(P.PONG)
            elif code == P.END_OF_STREAM:
                return 0
            elif code == P.RUN_HEADER:
                header = self._reader.read_payload(code)
                keep_going, exit_code = self.run(header)
                if not keep_going:
                    return exit_code
            else:
                raise ProtocolError(f"unexpected {P.frame_name(code)} between runs")

    def _compile(self, header: Dict[str, Any]) -> Any:
        code_hash = header.get("code_hash")
        if not isinstance(code_hash, str):
            raise ProtocolError("the run header has no code_hash")
        text = header.get("code")
        if text is not None:
            if not isinstance(text, str):
                raise ProtocolError("the run header's code must be a string")
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != code_hash:
                raise ProtocolError("the run header's code does not match its code_hash")
            # A per-code file name registered in linecache: tracebacks then show the user's source lines.
            filename = f"<databridge-{code_hash[:12]}>"
            linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
            self._code[code_hash] = compile(text, filename, "exec")
            while len(self._code) > _CODE_CACHE_SIZE:
                self._code.popitem(last=False)
        compiled = self._code.get(code_hash)
        if compiled is None:
            raise ProtocolError(f"the run header names code {code_hash[:12]}… that this worker has not received")
        self._code.move_to_end(code_hash)
        return compiled

    def run(self, header: Dict[str, Any]) -> Tuple[bool, int]:
        """One run; returns (reusable, exit code)."""
        t_start = time.monotonic()
        boot_ms = (t_start - _STARTED) * 1000.0 if self._runs == 0 else 0.0
        self._runs += 1
        out = self._out
        source = _Input(self._reader)
        sink = _OutputSink(out)
        error: Optional[BaseException] = None
        exit_code: Optional[int] = None
        conf = header.get("conf") or {}
        if not isinstance(conf, dict):
            raise ProtocolError("the run header's conf must be an object")

        def log(level: str, message: str) -> None:
            out.control(P.LOG, {"level": level, "stream": "log", "message": message})

        manager = DataManager(
            source,
            sink,
            {str(k): str(v) for k, v in conf.items()},
            max_batch_rows=int(header.get("max_batch_rows") or 65536),
            max_batch_bytes=int(header.get("max_batch_bytes") or (64 << 20)),
            log=log,
            data_server=header.get("data_server"),
            model_server=header.get("model_server"),
        )
        stdout, stderr = sys.stdout, sys.stderr
        t_init = t_start
        try:
            compiled = self._compile(header)
            t_init = time.monotonic()
            sys.stdout = _LogStream(out, "stdout", "info")
            sys.stderr = _LogStream(out, "stderr", "warning")
            _context.set_current(manager)
            try:
                exec(compiled, {"__name__": "__databridge__", "__builtins__": builtins, "data_manager": manager})
            finally:
                _context.set_current(None)
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.flush()
                    except Exception:  # a user stream replacement that cannot flush must not hide the run's result
                        pass
                sys.stdout, sys.stderr = stdout, stderr
        except SystemExit as e:
            error = e
            exit_code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except ProtocolError:
            raise
        except BaseException as e:  # noqa: B902 - every user failure is reported, KeyboardInterrupt included
            error = e
        t_run = time.monotonic()
        try:
            source.drain()
        except (ProtocolError, EOFError, OSError):
            return False, 1
        if error is None:
            try:
                sink.finish()
            except Exception as e:  # e.g. an output value that cannot be converted at the end
                error = e
        if error is not None:
            out.control(P.PYTHON_EXCEPTION, {
                "type": type(error).__name__,
                "message": _message(error),
                "traceback": _user_traceback(error),
            })
        t_end = time.monotonic()
        out.control(P.TIMING, {
            "boot_ms": round(boot_ms, 3),
            "init_ms": round((t_init - t_start) * 1000.0, 3),
            "run_ms": round((t_run - t_init) * 1000.0, 3),
            "finish_ms": round((t_end - t_run) * 1000.0, 3),
        })
        out.control(P.END_OF_DATA)
        if exit_code is not None:
            out.flush()
            return False, exit_code
        out.control(P.END_OF_STREAM)
        out.flush()
        return True, 0


def _user_traceback(error: BaseException) -> str:
    """The traceback from the user's code down: the worker's own frames above it are noise to the user."""
    tb = error.__traceback__
    while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("<databridge"):
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb if tb is not None else error.__traceback__))


def _message(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return f"exit code {error.code}"
    return str(error)
