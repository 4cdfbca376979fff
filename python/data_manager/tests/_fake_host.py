"""A minimal host written in Python, speaking docs/protocol.md to a real daemon: lets the worker side be
tested without .NET."""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

from data_manager import _protocol as P
from data_manager._arrow import RecordBatch, Schema, StreamReader, StreamWriter
from data_manager._transport import FrameReader, FrameWriter

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


class RunOutcome:
    def __init__(self) -> None:
        self.schema: Optional[Schema] = None
        self.batches: List[RecordBatch] = []
        self.logs: List[Dict[str, Any]] = []
        self.error: Optional[Dict[str, Any]] = None
        self.timing: Optional[Dict[str, Any]] = None
        self.trailer: Optional[Tuple[int, int]] = None
        self.reusable = False

    def record(self, code: int, payload: Any) -> None:
        if code == P.LOG:
            self.logs.append(payload)
        elif code == P.PYTHON_EXCEPTION:
            self.error = payload
        elif code == P.TIMING:
            self.timing = payload
        elif code == P.TRAILER:
            self.trailer = payload

    def rows(self) -> Dict[str, List[Any]]:
        merged: Dict[str, List[Any]] = {}
        for b in self.batches:
            for k, v in b.to_pydict().items():
                merged.setdefault(k, []).extend(v)
        return merged


class FakeHost:
    def __init__(self, extra_env: Optional[Dict[str, str]] = None, memory_limit_mb: int = 0, python: str = sys.executable,
                 transport: Optional[str] = None) -> None:
        """``transport``: the daemon's worker transport (auto, unix, tcp); default ``DATABRIDGE_TRANSPORT`` or auto."""
        self.token = secrets.token_hex(32)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(30)
        env = dict(os.environ)
        env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
        env[P.ENV_TOKEN] = self.token
        env[P.ENV_CALLBACK_PORT] = str(listener.getsockname()[1])
        env[P.ENV_MEMORY_LIMIT_MB] = str(memory_limit_mb)
        env[P.ENV_WORKER_TRANSPORT] = transport or os.environ.get("DATABRIDGE_TRANSPORT", "auto")
        env.update(extra_env or {})
        self.proc = subprocess.Popen([python, "-u", "-m", "data_manager._daemon"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.events: List[Dict[str, Any]] = []
        self._events_lock = threading.Condition()
        threading.Thread(target=self._read_events, daemon=True).start()
        try:
            cb, _ = listener.accept()
        finally:
            listener.close()
        with cb:
            cb.settimeout(30)
            reader = FrameReader(cb)
            code = reader.next_control()
            assert code == P.HELLO, P.frame_name(code)
            self.hello = reader.read_payload(code)
        assert self.hello["token"] == self.token
        self.port = self.hello["port"]
        self.unix = self.hello.get("unix")

    def dial(self, timeout: float = 30.0) -> socket.socket:
        """A new connection to where the daemon listens for workers (its Unix-domain socket, else its TCP port)."""
        if self.unix:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(timeout)
            try:
                s.connect(self.unix)
            except BaseException:
                s.close()
                raise
            return s
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def _read_events(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self._events_lock:
                self.events.append(event)
                self._events_lock.notify_all()

    def wait_exit_event(self, pid: int, timeout: float = 10.0) -> Dict[str, Any]:
        with self._events_lock:
            ok = self._events_lock.wait_for(
                lambda: any(e.get("event") == "exit" and e.get("pid") == pid for e in self.events), timeout)
            assert ok, f"no exit event for {pid}: {self.events}"
            return next(e for e in self.events if e.get("event") == "exit" and e.get("pid") == pid)

    def connect(self, token: Optional[str] = None) -> "Connection":
        return Connection(self, token or self.token)

    def kill(self, pid: int) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"kill {pid}\n".encode())
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Connection:
    def __init__(self, host: Optional[FakeHost], token: str, sock: Optional[socket.socket] = None) -> None:
        if sock is not None:  # an in-process worker (InProcessWorker): no handshake
            self.sock = sock
            self.pid = os.getpid()
        else:
            assert host is not None
            self.sock = host.dial(30)
            raw = token.encode()
            self.sock.sendall(P.MAGIC + P.INT32.pack(P.PROTOCOL_VERSION) + P.INT32.pack(len(raw)) + raw)
            reply = b""
            while len(reply) < 12:
                part = self.sock.recv(12 - len(reply))
                if not part:
                    raise EOFError("handshake refused")
                reply += part
            assert reply[:4] == P.MAGIC
            self.pid = P.INT32.unpack_from(reply, 8)[0]
        self.reader = FrameReader(self.sock)
        self.writer = FrameWriter(self.sock)
        self.sent_code: set = set()

    def run(self, code: str, batches: List[RecordBatch], schema: Optional[Schema] = None,
            conf: Optional[Dict[str, str]] = None, partition: int = 0, **options: Any) -> RunOutcome:
        code_hash = hashlib.sha256(code.encode()).hexdigest()
        header: Dict[str, Any] = {"run_id": os.urandom(8).hex(), "partition": partition, "code_hash": code_hash,
                                  "conf": conf or {}, "max_batch_rows": options.get("max_batch_rows", 65536),
                                  "max_batch_bytes": options.get("max_batch_bytes", 64 << 20)}
        header.update(options.get("extra_header", {}))
        if code_hash not in self.sent_code:
            header["code"] = code
            self.sent_code.add(code_hash)
        schema = schema or (batches[0].schema if batches else Schema([]))
        outcome = RunOutcome()

        def send() -> None:
            self.writer.write_control(P.RUN_HEADER, header)
            w = StreamWriter(self.writer.data, schema)
            rows = 0
            for b in batches:
                w.write_batch(b)
                rows += b.num_rows
            w.close()
            self.writer.write_control(P.TRAILER, (rows, len(batches)))
            self.writer.write_control(P.END_OF_DATA)
            self.writer.flush()

        sender = threading.Thread(target=self._guard(send), daemon=True)
        sender.start()
        self._receive(outcome)
        sender.join(30)
        return outcome

    @staticmethod
    def _guard(fn: Any) -> Any:
        def run() -> None:
            try:
                fn()
            except OSError:
                pass
        return run

    def _receive(self, outcome: RunOutcome) -> None:
        reader = self.reader
        try:
            sr = StreamReader(_CollectingStream(reader, outcome))
            outcome.schema = sr.schema
            outcome.batches = list(sr)
        except _StreamInterrupted as stop:
            if stop.code in (P.END_OF_STREAM, None):
                return
        while True:
            try:
                code = reader.next_control()
            except (EOFError, OSError):
                return
            payload = reader.read_payload(code)
            if code == P.END_OF_STREAM:
                outcome.reusable = True
                return
            outcome.record(code, payload)

    def ping(self) -> bool:
        self.writer.write_control(P.PING)
        return self.reader.next_control() == P.PONG

    def close(self) -> None:
        try:
            self.writer.write_control(P.END_OF_STREAM)
        except OSError:
            pass
        self.sock.close()


class _StreamInterrupted(Exception):
    """A control frame (other than LOG) or the end of the connection came instead of Arrow data."""

    def __init__(self, code: Optional[int]) -> None:
        super().__init__(P.frame_name(code) if code is not None else "end of connection")
        self.code = code


class _CollectingStream(io.RawIOBase):
    """The output Arrow stream; LOG/exception frames met before or inside it are collected."""

    def __init__(self, reader: FrameReader, outcome: RunOutcome) -> None:
        self._reader = reader
        self._outcome = outcome

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while True:
            try:
                n = self._reader.data.readinto(b)
                if n:
                    return n
                code = self._reader.next_control()
            except (EOFError, OSError):  # closed or reset: the worker is gone
                raise _StreamInterrupted(None) from None
            payload = self._reader.read_payload(code)
            if code == P.END_OF_STREAM:
                self._outcome.reusable = True
            else:
                self._outcome.record(code, payload)
            if code != P.LOG:
                raise _StreamInterrupted(code)


class InProcessWorker:
    """A ``Worker`` serving one end of a socket pair on a thread of this process, the other end wrapped in a
    ``Connection``: what the worker keeps alive between runs can then be inspected directly (weak references,
    ``gc``). ``close()`` ends the worker; ``exit_code`` / ``failure`` say how ``serve`` ended."""

    def __init__(self) -> None:
        from data_manager._worker import Worker

        host_end, worker_end = socket.socketpair()
        host_end.settimeout(60)
        self._worker_end = worker_end
        self.worker = Worker(FrameReader(worker_end), FrameWriter(worker_end))
        self.conn = Connection(None, "", sock=host_end)
        self.exit_code: Optional[int] = None
        self.failure: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            self.exit_code = self.worker.serve()
        except BaseException as e:  # noqa: B902 - recorded for the test to assert on
            self.failure = e
        finally:
            self._worker_end.close()

    def join(self, timeout: float = 30.0) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        self.conn.close()
        assert self.join(), "the in-process worker did not end after END_OF_STREAM"
