"""The worker side of a connection (docs/protocol.md, section 2): the handshake's answer, then runs until
the host sends END_OF_STREAM or closes the connection.

A worker is forked by the daemon with the connection already accepted and its token verified. Each run gets
its own ``DataManager``: the run context arrives with the run header, never from the process environment or a
previous run.
"""

from __future__ import annotations

import builtins
import collections
import gc
import hashlib
import io
import linecache
import mmap
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
from .exceptions import DataManagerError, ProtocolError

_CODE_CACHE_SIZE = 64
_STARTED = time.monotonic()

# The shared-memory regions this worker mapped, by role ("input", "output"): kept mapped for the connection's life
# (views handed to pandas may outlive a run). Tests read them to check that a run never sees an earlier run's bytes.
SHARED_REGIONS: Dict[str, mmap.mmap] = {}


def mark_started() -> None:
    """Called by the daemon right after fork: the worker's boot time counts from here."""
    global _STARTED
    _STARTED = time.monotonic()


UNIX_SOCKET_BUFFER_BYTES = 4 << 20


def serve_connection(conn: socket.socket) -> int:
    """Serves one host connection, whose handshake the daemon has already verified (``_handshake``):
    sends the handshake's answer (our pid), then runs. Returns the process exit code."""
    try:
        conn.sendall(answer(os.getpid()))
    except OSError:
        conn.close()
        return 0
    try:
        if conn.family == getattr(socket, "AF_UNIX", None):
            # No auto-tuning on a Unix-domain socket: a larger send buffer (capped by net.core.wmem_max) lets bulk
            # output run ahead of the host's reads, as TCP's tuned buffers do.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, UNIX_SOCKET_BUFFER_BYTES)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, UNIX_SOCKET_BUFFER_BYTES)
        else:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    worker = Worker(FrameReader(conn), FrameWriter(conn))
    try:
        return worker.serve()
    finally:
        conn.close()


class _HostLink:
    """Remembers the first failure of the worker's own connection with its host.

    Code run by the worker can raise anything, ``ProtocolError`` included (``data_manager_client`` raises it for
    a refused upload), so what is raised says nothing about *where* it failed. Every read and write of the host
    connection goes through ``_Input`` or ``_LockedWriter``, which record here what broke them; the worker
    ends itself only when this holds a failure, and reports every other exception as the run's Python error."""

    def __init__(self) -> None:
        self.failure: Optional[BaseException] = None

    def broke(self, error: BaseException) -> None:
        if self.failure is None:
            self.failure = error


class _LockedWriter:
    """Serialises frame writes from user threads (print from a thread) with the run's own writes.

    One per run. Once the run's user part is over (``end_user_writes``), what user code may still do through it
    from threads it left running is kept off the connection: output is refused with ``DataManagerError`` and
    log lines go to the worker's stderr log, so nothing reaches the host between runs or under a later run's
    context. The worker's own closing frames (``control``) are not affected."""

    def __init__(self, writer: FrameWriter, link: _HostLink) -> None:
        self._writer = writer
        self._link = link
        self._lock = threading.Lock()
        self.data = self
        self.ended = False

    def end_user_writes(self) -> None:
        """From now on user code's writes stay off the connection; waits for one in progress to finish."""
        with self._lock:
            self.ended = True

    def _refuse_if_ended(self) -> None:
        if self.ended:
            raise DataManagerError(
                "this run has ended: its data_manager cannot send output any more "
                "(a thread started by the run outlived it)")

    def write(self, b: Any) -> int:
        with self._lock:
            self._refuse_if_ended()
            try:
                self._writer.write_data(b)
            except BaseException as e:
                self._link.broke(e)
                raise
        return memoryview(b).nbytes

    def write_parts(self, parts: Any) -> None:
        """One Arrow message as one data chunk (see ``FrameWriter.write_data_parts``)."""
        with self._lock:
            self._refuse_if_ended()
            try:
                self._writer.write_data_parts(parts)
            except BaseException as e:
                self._link.broke(e)
                raise

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        with self._lock:
            try:
                self._writer.flush()
            except BaseException as e:
                self._link.broke(e)
                raise

    def close(self) -> None:
        """The Arrow writer closing its sink only ends the Arrow stream, not the connection."""

    def control(self, code: int, payload: Any = None) -> None:
        with self._lock:
            try:
                self._writer.write_control(code, payload)
            except BaseException as e:
                self._link.broke(e)
                raise

    def log(self, level: str, stream: str, message: str) -> bool:
        """One LOG frame; the message is cut to ``MAX_TEXT_CHARS`` with a marker (docs/protocol.md, 2.2).
        False (nothing sent) once the run's user part has ended."""
        payload = {"level": level, "stream": stream, "message": P.truncate_text(message)}
        with self._lock:
            if self.ended:
                return False
            try:
                self._writer.write_control(P.LOG, payload)
            except BaseException as e:
                self._link.broke(e)
                raise
        return True


def _to_worker_stderr(what: str, message: str) -> None:
    """A line from a run that has ended goes to the worker's own stderr log (the crash report's tail), cut to a
    few KiB so that a thread left spinning cannot fill the disk quickly."""
    try:
        sys.__stderr__.write(f"databridge: {what} after its run ended: {P.truncate_text(message, 4096)}\n")
        sys.__stderr__.flush()
    except (OSError, ValueError, AttributeError):
        pass


class _LogStream(io.TextIOBase):
    """sys.stdout / sys.stderr of user code: each line becomes a LOG frame of the current run.

    Text without a newline is sent once 64 KiB of it accumulate (or on flush); the newline that later ends
    that line then adds no empty record. Each record is cut to ``MAX_TEXT_CHARS`` by ``_LockedWriter.log``."""

    def __init__(self, out: _LockedWriter, stream: str, level: str) -> None:
        self._out = out
        self._stream = stream
        self._level = level
        self._partial = ""
        self._continued = False  # the current line's start was already sent

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        if self._out.ended:
            return self._write_after_run(s)
        text = self._partial + s
        *lines, self._partial = text.split("\n")
        for line in lines:
            if (line or not self._continued) and not self._out.log(self._level, self._stream, line):
                _to_worker_stderr(self._stream, line)
            self._continued = False
        if len(self._partial) > 65536:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self._partial:
            line, self._partial = self._partial, ""
            if not self._out.log(self._level, self._stream, line):
                _to_worker_stderr(self._stream, line)
            self._continued = True

    def _write_after_run(self, s: str) -> int:
        """Kept by someone past its run (a logging handler made during the run holds sys.stderr): plain output,
        so it goes where the process's stream goes now — the current run's, or the worker's stderr log."""
        current = sys.stdout if self._stream == "stdout" else sys.stderr
        if isinstance(current, _LogStream) and current is not self and not current._out.ended:
            return current.write(s)
        _to_worker_stderr(self._stream, s.rstrip("\n"))
        return len(s)


class _OutputSink:
    """Writes the run's output batches as one Arrow stream of data chunks."""

    def __init__(self, out: _LockedWriter) -> None:
        self._out = out
        self._writer: Optional[StreamWriter] = None
        self._finished = False
        self.rows = 0
        self.batches = 0

    def write_batch(self, batch: RecordBatch) -> None:
        if self._finished:
            raise DataManagerError(
                "this run has ended: its data_manager cannot send output any more "
                "(a thread started by the run outlived it)")
        if self._writer is None:
            self._writer = StreamWriter(self._out, batch.schema)
        self._writer.write_batch(batch)
        self.rows += batch.num_rows
        self.batches += 1

    def finish(self) -> None:
        self._finished = True
        if self._writer is None:
            self._writer = StreamWriter(self._out, Schema([]))
        self._writer.close()
        self._out.control(P.TRAILER, (self.rows, self.batches))


class _Input:
    """The run's input: the Arrow stream read lazily, then its trailer checked against what was read."""

    def __init__(self, reader: FrameReader, link: _HostLink) -> None:
        self._reader = reader
        self._link = link
        self.done = False
        self.rows = 0
        self.batches = 0

    def __iter__(self) -> Iterator[RecordBatch]:
        # The Arrow reader's own errors (malformed input) are reported to the run like any other; a failure of
        # the connection itself is recorded by _RecordingStream on its way up.
        for batch in StreamReader(_RecordingStream(self._reader.data, self._link)):
            self.rows += batch.num_rows
            self.batches += 1
            yield batch
        try:
            self._finish()
        except BaseException as e:
            self._link.broke(e)
            raise

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


class _RecordingStream:
    """The input's data chunks for the Arrow reader; a failure of the connection is recorded on the link."""

    def __init__(self, data: Any, link: _HostLink) -> None:
        self._data = data
        self._link = link

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            return self._data.readinto(b)
        except BaseException as e:
            self._link.broke(e)
            raise

    def read_view(self, n: int) -> Any:
        try:
            return self._data.read_view(n)
        except BaseException as e:
            self._link.broke(e)
            raise

    def read(self, n: int = -1) -> bytes:
        try:
            return self._data.read(n)
        except BaseException as e:
            self._link.broke(e)
            raise


class Worker:
    def __init__(self, reader: FrameReader, writer: FrameWriter) -> None:
        self._reader = reader
        self._writer = writer
        # code hash -> (file name, code object, text), least recently used first
        self._code: "collections.OrderedDict[str, Tuple[str, Any, str]]" = collections.OrderedDict()
        self._runs = 0
        # What the last run left behind, dropped by release_run() before the next frame is read.
        self._namespace: Optional[Dict[str, Any]] = None
        self._error: Optional[BaseException] = None
        self.last_release_ms = 0.0

    def serve(self) -> int:
        while True:
            try:
                code = self._reader.next_control()
            except EOFError:
                return 0
            if code == P.PING:
                self._writer.write_control(P.PONG)
            elif code == P.END_OF_STREAM:
                return 0
            elif code == P.SHARED_REGION:
                self._map_region(self._reader.read_payload(code))
            elif code == P.RUN_HEADER:
                header = self._reader.read_payload(code)
                self._writer.reset_shared()
                self._reader.reset_shared()
                keep_going, exit_code = self.run(header)
                if not keep_going:
                    return exit_code
                # The run's result is already with the host; the next PING or RUN_HEADER is read only once the
                # run's memory is freed, so no run ever starts on top of the previous one's leftovers.
                self.release_run()
            else:
                raise ProtocolError(f"unexpected {P.frame_name(code)} between runs")

    def _map_region(self, payload: Dict[str, Any]) -> None:
        """Maps a region the host passed (docs/protocol.md 2.6) and answers whether that worked; a region that cannot be
        mapped (an address-space limit, say) leaves this connection on the socket, which the host then uses."""
        fd = self._reader.take_fd()
        role, size = payload.get("role"), payload.get("bytes")
        try:
            if role not in ("input", "output") or not isinstance(size, int) or isinstance(size, bool) or size <= 0:
                raise ProtocolError(f"a SHARED_REGION frame must hold role input|output and a positive size: {payload!r}")
            try:
                actual = os.fstat(fd).st_size
                if actual < size:
                    raise OSError(f"the region holds {actual} bytes, not the {size} announced")
                region = mmap.mmap(fd, size, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ | mmap.PROT_WRITE)
            except (OSError, ValueError, OverflowError) as e:
                self._writer.write_control(P.SHARED_REGION, {"mapped": False, "error": f"{role}: {e}"})
                return
        finally:
            os.close(fd)
        view = memoryview(region)
        if role == "input":
            self._reader.shared = view
            self._writer.echo_source = self._reader
        else:
            self._writer.shared = view
        SHARED_REGIONS[role] = region
        self._writer.write_control(P.SHARED_REGION, {"mapped": True})

    def _code_for(self, header: Dict[str, Any]) -> Tuple[str, Optional[str]]:
        """Checks the header's code fields (the host's part of the protocol): (hash, text to compile or None).
        The host sends the text only the first time a connection runs a hash."""
        code_hash = header.get("code_hash")
        if not isinstance(code_hash, str):
            raise ProtocolError("the run header has no code_hash")
        text = header.get("code")
        if text is None:
            if code_hash not in self._code:
                raise ProtocolError(f"the run header names code {code_hash[:12]}… that this worker has not received")
            return code_hash, None
        if not isinstance(text, str):
            raise ProtocolError("the run header's code must be a string")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != code_hash:
            raise ProtocolError("the run header's code does not match its code_hash")
        return code_hash, text

    def _compile(self, code_hash: str, text: Optional[str], name: Optional[str]) -> Any:
        """The compiled code (user errors such as SyntaxError propagate); cached by hash only when it compiled.

        The file name is the host's name for the code (``code_name``: the CLI's script path) or
        ``<databridge-HASH>``; the same code run under another name is compiled again from the kept text."""
        filename = _code_filename(code_hash, name)
        cached = self._code.get(code_hash)
        if text is None and cached is not None and cached[0] != filename:
            text = cached[2]
        if text is not None:
            compiled = compile(text, filename, "exec")
            self._code[code_hash] = cached = (filename, compiled, text)
            while len(self._code) > _CODE_CACHE_SIZE:
                _, (evicted_name, _, evicted_text) = self._code.popitem(last=False)
                entry = linecache.cache.get(evicted_name)
                if entry is not None and entry[2] == evicted_text.splitlines(True):
                    linecache.cache.pop(evicted_name, None)
                    _USER_FILENAMES.discard(evicted_name)
        assert cached is not None
        self._code.move_to_end(code_hash)
        filename, compiled, text = cached
        # Registered in linecache (again each run: two codes may share a name) so tracebacks show the user's
        # source lines; mtime None keeps linecache.checkcache from dropping an entry with no file behind it.
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        _USER_FILENAMES.add(filename)
        return compiled

    def run(self, header: Dict[str, Any]) -> Tuple[bool, int]:
        """One run; returns (reusable, exit code). Raises when the host broke the protocol or the connection."""
        t_start = time.monotonic()
        boot_ms = (t_start - _STARTED) * 1000.0 if self._runs == 0 else 0.0
        self._runs += 1
        link = _HostLink()
        out = _LockedWriter(self._writer, link)
        source = _Input(self._reader, link)
        sink = _OutputSink(out)
        error: Optional[BaseException] = None
        exit_code: Optional[int] = None
        conf = header.get("conf") or {}
        if not isinstance(conf, dict):
            raise ProtocolError("the run header's conf must be an object")
        code_hash, text = self._code_for(header)

        def log(level: str, message: str) -> None:
            # This run's data_manager: after the run, its lines never go out under a later run's context.
            if not out.log(level, "log", message):
                _to_worker_stderr("data_manager.log", message)

        manager = DataManager(
            source,
            sink,
            {str(k): str(v) for k, v in conf.items()},
            max_batch_rows=int(header.get("max_batch_rows") or 65536),
            max_batch_bytes=int(header.get("max_batch_bytes") or (64 << 20)),
            log=log,
            data_server=header.get("data_server"),
            model_server=header.get("model_server"),
            pandas_options=_pandas_options(header),
        )
        namespace: Dict[str, Any] = {"__name__": "__databridge__", "__builtins__": builtins, "data_manager": manager}
        self._namespace = namespace
        stdout, stderr = sys.stdout, sys.stderr
        t_init = t_start
        try:
            compiled = self._compile(code_hash, text, _code_name(header))
            t_init = time.monotonic()
            sys.stdout = _LogStream(out, "stdout", "info")
            sys.stderr = _LogStream(out, "stderr", "warning")
            _context.set_current(manager)
            try:
                exec(compiled, namespace)
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
        except BaseException as e:  # noqa: B902 - every user failure is reported, KeyboardInterrupt included
            # ProtocolError included: raised by user code (data_manager_client) it is the run's error. Only a
            # failure of this worker's own connection, recorded on the link, ends the worker (below).
            error = e
        self._error = error
        output_set = manager.output_was_set
        del manager, namespace
        t_run = time.monotonic()
        if link.failure is None:
            try:
                source.drain()
            except BaseException as e:
                link.broke(e)
        # The closing frames (the rest of the output stream, TRAILER, any error, TIMING, END_OF_DATA,
        # END_OF_STREAM) go out together: the host wakes once for them.
        self._writer.hold()
        try:
            result = self._close_run(link, out, sink, error, exit_code, boot_ms, t_start, t_init, t_run, output_set)
        except BaseException:
            self._writer.release(send=False)  # the connection is failing: nothing more goes out on it
            raise
        self._writer.release()
        return result

    def _close_run(self, link: _HostLink, out: "_LockedWriter", sink: "_OutputSink", error: Optional[BaseException],
                   exit_code: Optional[int], boot_ms: float, t_start: float, t_init: float, t_run: float,
                   output_set: bool) -> Tuple[bool, int]:
        if link.failure is None and error is None:
            try:
                sink.finish()
            except Exception as e:  # e.g. an output value that cannot be converted at the end
                error = self._error = e
        # The user part of the run is over: threads it left running write nothing more on this connection.
        out.end_user_writes()
        if link.failure is not None:
            # The host connection broke or the host broke the protocol: nothing more can be said on it.
            raise _HostConnectionFailed(f"the connection with the host failed: {link.failure!r}") from link.failure
        if error is not None:
            out.control(P.PYTHON_EXCEPTION, {
                "type": _type_name(error),
                "message": P.truncate_text(_message(error)),
                "traceback": P.truncate_text(_user_traceback(error), keep_tail=True),
            })
        t_end = time.monotonic()
        out.control(P.TIMING, {
            "boot_ms": round(boot_ms, 3),
            "init_ms": round((t_init - t_start) * 1000.0, 3),
            "run_ms": round((t_run - t_init) * 1000.0, 3),
            "finish_ms": round((t_end - t_run) * 1000.0, 3),
            # False when the code never called set_output (the host warns: the output is an empty frame).
            "output_set": output_set,
        })
        out.control(P.END_OF_DATA)
        if exit_code is not None:
            out.flush()
            return False, exit_code
        out.control(P.END_OF_STREAM)
        out.flush()
        return True, 0

    def release_run(self) -> None:
        """Drops everything the last run left reachable and gives its freed memory back to the OS.

        A run's globals are usually part of a reference cycle (a function defined by the code points back at
        them), and its exception's traceback holds the run's frames and so its globals: plain reference
        counting frees neither, and the worker would carry every run's data into the next. So: clear the
        namespace, cut the tracebacks of the error (and its causes), forget ``sys.last_*``, collect, and trim
        the C heap (``malloc_trim``), where pandas and small objects leave freed pages otherwise kept."""
        t0 = time.monotonic()
        namespace, error = self._namespace, self._error
        self._namespace = self._error = None
        if error is not None:
            _forget_tracebacks(error)
            del error
        if namespace is not None:
            namespace.clear()
            del namespace
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):
            try:
                delattr(sys, name)
            except AttributeError:
                pass
        gc.collect()
        if _MALLOC_TRIM is not None and _PRIVATE_MEMORY.should_trim():
            _MALLOC_TRIM(0)
            _PRIVATE_MEMORY.after_trim = _PRIVATE_MEMORY.read()
        trim_stderr_log()
        self.last_release_ms = (time.monotonic() - t0) * 1000.0


# The worker's stderr (fd 2, and fd 1) is its crash log, a file the daemon reads the tail of when the worker
# ends. C-level output of user code goes there for as long as a reused worker lives, so between runs a log
# past STDERR_LOG_MAX_BYTES is cut to its last STDERR_LOG_KEEP_BYTES (what a crash report shows anyway).
STDERR_LOG_MAX_BYTES = 1 << 20
STDERR_LOG_KEEP_BYTES = 8192


def trim_stderr_log(fd: int = 2) -> None:
    """Cuts the worker's stderr log to its tail when it grew past ``STDERR_LOG_MAX_BYTES``. The daemon opens
    it appending, so writes after the cut still land at its end. Anything else on fd 2 (a terminal, a pipe:
    the worker runs outside the daemon) is left alone."""
    try:
        info = os.fstat(fd)
        import stat

        if not stat.S_ISREG(info.st_mode) or info.st_size <= STDERR_LOG_MAX_BYTES:
            return
        tail = os.pread(fd, STDERR_LOG_KEEP_BYTES, info.st_size - STDERR_LOG_KEEP_BYTES)
        os.ftruncate(fd, 0)
        os.write(fd, b"[databridge: earlier stderr output of this worker was cut]\n" + tail)
    except OSError:
        pass


class _HostConnectionFailed(ProtocolError):
    """The worker's own connection with its host failed: the worker exits (never raised into user code)."""


# The file names of the user code compiled by this worker (tracebacks start at their first frame).
_USER_FILENAMES: set = set()


_PANDAS_OPTION_KEYS = ("decimals", "strings", "dates", "floats", "out_of_range_timestamps")


def _pandas_options(header: Dict[str, Any]) -> Dict[str, str]:
    """The header's optional ``pandas_options`` (keyword options of fetch_once's Arrow → pandas conversion)."""
    options = header.get("pandas_options") or {}
    if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
        raise ProtocolError("the run header's pandas_options must be an object of strings")
    unknown = sorted(set(options) - set(_PANDAS_OPTION_KEYS))
    if unknown:
        raise ProtocolError(f"the run header's pandas_options has unknown keys {unknown}")
    return {str(k): v for k, v in options.items()}


def _code_name(header: Dict[str, Any]) -> Optional[str]:
    """The header's optional ``code_name``: one line of at most 256 characters, else ignored."""
    name = header.get("code_name")
    if not isinstance(name, str):
        return None
    name = name.strip()
    if not name or len(name) > 256 or any(c in name for c in "\r\n\0"):
        return None
    return name


def _code_filename(code_hash: str, name: Optional[str] = None) -> str:
    # Tracebacks name the code by this file name and, through linecache, show its source lines.
    return name if name else f"<databridge-{code_hash[:12]}>"


def _forget_tracebacks(error: BaseException) -> None:
    """Clears the frames of ``error``'s traceback and of its causes and contexts, and detaches them."""
    seen = set()
    pending = [error]
    while pending and len(seen) < 10_000:  # chains are short; the bound only guards against pathological ones
        e = pending.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if e.__traceback__ is not None:
            traceback.clear_frames(e.__traceback__)
            e.__traceback__ = None
        pending.extend(x for x in (e.__cause__, e.__context__) if x is not None)
        pending.extend(x for x in getattr(e, "exceptions", ()) if isinstance(x, BaseException))


def _load_malloc_trim() -> Any:
    """glibc's ``malloc_trim`` (returns freed heap pages to the OS), or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, ImportError):  # musl and other C libraries have no malloc_trim
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


# After a run the C heap is trimmed only when the worker's private memory (resident minus shared pages) grew by at
# least this much since the last trim: a small run leaves little behind, and trimming then would cost more than the
# run (the trim walks the heap's free chunks, and the next run faults the returned pages back in).
TRIM_GROWTH_BYTES = 8 << 20


class _PrivateMemory:
    """The worker's private resident bytes, from ``/proc/self/statm`` (opened in the worker itself, after the fork);
    None where that file cannot be read, and then every run trims."""

    def __init__(self) -> None:
        self._fd: Optional[int] = None
        self._pid = 0
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self.after_trim: Optional[int] = None

    def read(self) -> Optional[int]:
        try:
            if self._pid != os.getpid():
                self._fd, self._pid = os.open("/proc/self/statm", os.O_RDONLY), os.getpid()
            assert self._fd is not None
            fields = os.pread(self._fd, 128, 0).split()
            return (int(fields[1]) - int(fields[2])) * self._page
        except (OSError, ValueError, IndexError, AttributeError):
            return None

    def should_trim(self) -> bool:
        now = self.read()
        return now is None or self.after_trim is None or now - self.after_trim >= TRIM_GROWTH_BYTES


_PRIVATE_MEMORY = _PrivateMemory()


# Resolved when the daemon imports this module, before it forks: workers share them.
_MALLOC_TRIM = _load_malloc_trim()


def _user_traceback(error: BaseException) -> str:
    """The traceback from the user's code down (the worker's own frames above it are noise to the user), each
    piece cut to ``MAX_TEXT_CHARS`` as it is formatted, so a huge message is never copied whole again."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename not in _USER_FILENAMES:
        tb = tb.tb_next
    try:
        formatted = traceback.TracebackException(type(error), error, tb if tb is not None else error.__traceback__)
        return "".join(P.truncate_text(part, keep_tail=True) for part in formatted.format())
    except Exception as e:  # a broken __str__ or __repr__ of user objects must not break the report
        return f"{_type_name(error)}: <the traceback could not be formatted: {_type_name(e)}>\n"


def _type_name(error: BaseException) -> str:
    return P.truncate_text(type(error).__name__, 1000)


def _message(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return P.truncate_text(f"exit code {error.code}")
    try:
        return str(error)
    except Exception as e:  # an exception whose __str__ raises is still reported, by its type
        return f"<{_type_name(error)}.__str__ raised {_type_name(e)}>"
