"""A data + model server written in Python, speaking docs/protocol.md section 3: tests the client side
without .NET."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import socket
import threading
from typing import Dict, List, Optional

from data_manager import _protocol as P
from data_manager._arrow import RecordBatch, Schema, StreamReader, StreamWriter
from data_manager._transport import FrameReader, FrameWriter


class FakeServer:
    def __init__(self, partitions: List[List[RecordBatch]], schema: Schema, model_dir: Optional[str] = None,
                 corrupt: Optional[str] = None, max_upload: Optional[int] = None, stall: bool = False) -> None:
        self.token = secrets.token_hex(32)
        self.partitions = partitions
        self.schema = schema
        self.model_dir = model_dir
        self.corrupt = corrupt  # a model file whose bytes are altered in transit
        self.max_upload = max_upload  # like the .NET server's MaxUploadBytes: refuse, stop reading, close
        self.stall = stall  # accept the token, then never answer (a server whose host went away mid-session)
        self._released = threading.Event()
        self.uploads: Dict[int, List[RecordBatch]] = {}
        self.duplicates = 0
        self.fetches = 0
        self._lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def info(self) -> Dict[str, object]:
        return {"host": "127.0.0.1", "port": self.port, "partitions": len(self.partitions), "token": self.token}

    def close(self) -> None:
        self._closed = True
        self._released.set()
        self.sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            head = b""
            while len(head) < 12:
                part = conn.recv(12 - len(head))
                if not part:
                    return
                head += part
            n = P.INT32.unpack_from(head, 8)[0]
            if head[:4] != P.MAGIC or not 0 <= n <= 1024:
                return
            token = conn.recv(n)
            if not hmac.compare_digest(token, self.token.encode()):
                return
            conn.sendall(P.MAGIC + P.INT32.pack(1) + P.INT32.pack(0))
            if self.stall:
                self._released.wait(30)
                return
            reader, writer = FrameReader(conn), FrameWriter(conn)
            try:
                while True:
                    code = reader.next_control()
                    if code == P.END_OF_STREAM:
                        return
                    req = reader.read_payload(code)
                    self._handle(req, reader, writer)
                    writer.flush()
            except (EOFError, OSError):
                return

    def _handle(self, req: dict, reader: FrameReader, writer: FrameWriter) -> None:
        op = req.get("op")
        if op == "fetch":
            i = req.get("partition")
            if not isinstance(i, int) or not 0 <= i < len(self.partitions):
                writer.write_control(P.ERROR, {"message": f"partition {i} is out of range"})
                raise EOFError
            with self._lock:
                self.fetches += 1
            batches = self.partitions[i]
            writer.write_control(P.RESPONSE, {"partition": i, "rows": sum(b.num_rows for b in batches)})
            w = StreamWriter(writer.data, self.schema)
            for b in batches:
                w.write_batch(b)
            w.close()
            writer.write_control(P.TRAILER, (sum(b.num_rows for b in batches), len(batches)))
            writer.write_control(P.END_OF_DATA)
        elif op == "upload":
            i = req["partition"]
            source: object = reader.data
            if self.max_upload is not None:
                received = bytearray()
                chunk = bytearray(64 * 1024)
                while True:
                    n = reader.data.readinto(chunk)
                    if n == 0:
                        break
                    received += chunk[:n]
                    if len(received) > self.max_upload:
                        writer.write_control(P.ERROR, {"message": f"Upload refused: the upload of partition {i} passed "
                                                                  f"the limit of {self.max_upload} bytes per upload"})
                        raise EOFError  # closes with the rest unread, as the .NET server does
                source = bytes(received)
            got = list(StreamReader(source))
            code = reader.next_control()
            rows, count = reader.read_payload(code)
            assert (rows, count) == (sum(b.num_rows for b in got), len(got))
            assert reader.next_control() == P.END_OF_DATA
            with self._lock:
                if i in self.uploads:
                    self.duplicates += 1
                    accepted = False
                else:
                    self.uploads[i] = got
                    accepted = True
            writer.write_control(P.RESPONSE, {"partition": i, "accepted": accepted, "duplicate": not accepted})
        elif op == "manifest":
            writer.write_control(P.RESPONSE, {"files": [self._meta(p) for p in self._files()]})
        elif op == "file":
            rel = req["path"]
            meta = self._meta(rel)
            writer.write_control(P.RESPONSE, meta)
            with open(os.path.join(self.model_dir, rel), "rb") as f:
                data = bytearray(f.read())
            if rel == self.corrupt and data:
                data[0] ^= 0xFF
            writer.write_data(data)
            writer.write_control(P.END_OF_DATA)
        else:
            writer.write_control(P.ERROR, {"message": f"unknown op {op!r}"})
            raise EOFError

    def _files(self) -> List[str]:
        out = []
        for root, _, names in os.walk(self.model_dir):
            for name in names:
                out.append(os.path.relpath(os.path.join(root, name), self.model_dir).replace(os.sep, "/"))
        return sorted(out)

    def _meta(self, rel: str) -> dict:
        path = os.path.join(self.model_dir, rel)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        return {"path": rel, "size": os.path.getsize(path), "sha256": digest}
