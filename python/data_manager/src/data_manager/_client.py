"""Clients of the .NET data and model servers (docs/protocol.md, section 3).

Usable in any process that has this package and the token: a Dask or Ray task on another node fetches
its partition straight from the .NET data server and uploads its result there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import socket
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import _protocol as P
from ._arrow import RecordBatch, Schema, StreamReader, StreamWriter
from ._arrow.compat import numpy_disabled
from ._transport import FrameReader, FrameWriter
from .exceptions import ProtocolError

__all__ = ["DataServerEndpoint", "ModelServerEndpoint", "fetch", "fetch_batches", "send_result", "fetch_model"]

TOKEN_ENV = "DATABRIDGE_DATA_TOKEN"
DEFAULT_TIMEOUT = 60.0


@dataclasses.dataclass(frozen=True)
class DataServerEndpoint:
    """One partition of a .NET data server. Picklable: hand it to a Dask/Ray task. ``token`` may be
    None, in which case the task reads it from the ``DATABRIDGE_DATA_TOKEN`` environment variable."""

    host: str
    port: int
    partition: int
    token: Optional[str] = dataclasses.field(default=None, repr=False)

    def resolved_token(self) -> str:
        token = self.token or os.environ.get(TOKEN_ENV)
        if not token:
            raise ProtocolError(f"no token for the data server at {self.host}:{self.port}: the endpoint carries "
                                f"none and {TOKEN_ENV} is not set")
        return token


@dataclasses.dataclass(frozen=True)
class ModelServerEndpoint:
    """A .NET model server (files of a model). Picklable."""

    host: str
    port: int
    token: Optional[str] = dataclasses.field(default=None, repr=False)

    def resolved_token(self) -> str:
        token = self.token or os.environ.get(TOKEN_ENV)
        if not token:
            raise ProtocolError(f"no token for the model server at {self.host}:{self.port}")
        return token


def _endpoint_error(error: OSError, message: str) -> OSError:
    """``error`` again, of the same type and errno (callers catching ``TimeoutError`` or ``ConnectionError``
    still do), with ``message``."""
    try:
        named = type(error)(message)
    except Exception:  # an OSError subclass with another constructor: keep the message, lose the type
        named = OSError(message)
    named.errno = error.errno
    return named


@contextlib.contextmanager
def _naming(what: str, timeout: float) -> Iterator[None]:
    """Re-raises a socket error inside the block as one whose message starts with ``what`` (which names the
    server's address and the operation) and says what went wrong: a task on another node that cannot reach
    the .NET process then reports which endpoint, not a bare "timed out"."""
    try:
        yield
    except OSError as e:
        if getattr(e, "_databridge_named", False):
            raise
        if getattr(e, "_databridge_step", None):
            detail = str(e)
        elif isinstance(e, socket.timeout):
            detail = f"no progress within the client timeout of {timeout:g} s"
        else:
            detail = e.strerror or str(e) or type(e).__name__
        named = _endpoint_error(e, f"{what}: {detail}")
        named._databridge_named = True  # type: ignore[attr-defined]
        raise named from e


class _Session:
    """One authenticated connection to a server."""

    def __init__(self, host: str, port: int, token: str, timeout: float) -> None:
        try:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as e:
            # Said apart from a failure later on; the caller's _naming adds the address and the operation.
            reason = f"no answer within the client timeout of {timeout:g} s" if isinstance(e, socket.timeout) \
                else (e.strerror or str(e))
            step = _endpoint_error(e, f"cannot connect ({reason})")
            step._databridge_step = True  # type: ignore[attr-defined]
            raise step from e
        try:
            raw = token.encode("ascii")
            self.sock.sendall(P.MAGIC + P.INT32.pack(P.PROTOCOL_VERSION) + P.INT32.pack(len(raw)) + raw)
            reply = bytearray()
            while len(reply) < 12:
                part = self.sock.recv(12 - len(reply))
                if not part:
                    raise ProtocolError(f"the server at {host}:{port} closed the connection during the handshake "
                                        "(wrong token?)")
                reply += part
            if bytes(reply[:4]) != P.MAGIC:
                raise ProtocolError(f"{host}:{port} is not a DataBridge server")
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except BaseException:
            self.sock.close()
            raise
        self.reader = FrameReader(self.sock)
        self.writer = FrameWriter(self.sock)

    def request(self, payload: Dict[str, Any]) -> None:
        self.writer.write_control(P.REQUEST, payload)
        self.writer.flush()

    def response(self) -> Dict[str, Any]:
        code = self.reader.next_control()
        body = self.reader.read_payload(code)
        if code == P.ERROR:
            raise ProtocolError(f"the server refused the request: {body.get('message')}")
        if code != P.RESPONSE:
            raise ProtocolError(f"expected RESPONSE, got {P.frame_name(code)}")
        return body

    def pending_error(self) -> Optional[str]:
        """After sending failed: the message of the ERROR frame the server sent before it closed the
        connection (it refuses an upload over its limit without reading the rest), or None."""
        try:
            self.sock.settimeout(min(self.sock.gettimeout() or 5.0, 5.0))
            code = self.reader.next_control()
            if code == P.ERROR:
                return str(self.reader.read_payload(code).get("message"))
        except (OSError, EOFError, ProtocolError):
            pass
        return None

    def read_trailer(self, rows: int, batches: int) -> None:
        code = self.reader.next_control()
        if code == P.ERROR:
            raise ProtocolError(f"the server failed mid-transfer: {self.reader.read_payload(code).get('message')}")
        if code != P.TRAILER:
            raise ProtocolError(f"expected TRAILER after the Arrow stream, got {P.frame_name(code)}")
        got = self.reader.read_payload(code)
        if tuple(got) != (rows, batches):
            raise ProtocolError(f"truncated transfer: the trailer says {got[0]} rows in {got[1]} batches, "
                                f"the stream held {rows} rows in {batches} batches")
        code = self.reader.next_control()
        if code != P.END_OF_DATA:
            raise ProtocolError(f"expected END_OF_DATA, got {P.frame_name(code)}")

    def close(self) -> None:
        try:
            self.writer.write_control(P.END_OF_STREAM)
            self.writer.flush()
        except OSError:
            pass
        self.sock.close()


def fetch_batches(endpoint: DataServerEndpoint, timeout: float = DEFAULT_TIMEOUT) -> Iterator[RecordBatch]:
    """The endpoint's partition as Arrow record batches (the trailer is checked: truncation raises). A socket
    error (the server unreachable, no progress within ``timeout`` seconds, a reset) is raised with the same
    type, its message naming the server's address and the partition."""
    with _naming(f"fetching partition {endpoint.partition} from the data server at {endpoint.host}:{endpoint.port} "
                 "failed", timeout):
        session = _Session(endpoint.host, endpoint.port, endpoint.resolved_token(), timeout)
        try:
            session.request({"op": "fetch", "partition": endpoint.partition})
            session.response()
            rows = batches = 0
            for batch in StreamReader(session.reader.data):
                rows += batch.num_rows
                batches += 1
                yield batch
            session.read_trailer(rows, batches)
        finally:
            session.close()


def fetch(endpoint: DataServerEndpoint, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Any]:
    """The endpoint's partition, one pandas DataFrame per Arrow batch (record batches without pandas)."""
    pandas_ok = not numpy_disabled()
    if pandas_ok:
        try:
            from ._pandas import batch_to_pandas
        except ImportError:
            pandas_ok = False
    for batch in fetch_batches(endpoint, timeout):
        yield batch_to_pandas(batch) if pandas_ok else batch


def fetch_schema(endpoint: DataServerEndpoint, timeout: float = DEFAULT_TIMEOUT) -> Tuple[Schema, List[int]]:
    """The served data's schema and the row count of each partition."""
    with _naming(f"reading the schema from the data server at {endpoint.host}:{endpoint.port} failed", timeout):
        session = _Session(endpoint.host, endpoint.port, endpoint.resolved_token(), timeout)
        try:
            session.request({"op": "info"})
            info = session.response()
            reader = StreamReader(session.reader.data)
            schema = reader.schema
            n = sum(1 for _ in reader)
            session.read_trailer(0, n)
            return schema, list(info.get("rows", []))
        finally:
            session.close()


def send_result(endpoint: DataServerEndpoint, value: Any, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """Uploads the result of the endpoint's partition: a pandas DataFrame, an iterable of DataFrames, a
    dict of columns or record batches. Returns True when the server accepted it, False when it was a
    duplicate (a retried task's second upload is dropped by the server). A refused upload (for instance
    one larger than the server's ``MaxUploadBytes``) raises ``ProtocolError`` with the server's message."""
    from ._manager import DataManager, ListSink

    collected = DataManager(None, ListSink())
    collected.set_output(value)
    batches = collected.sink.batches
    schema = collected.output_schema or Schema([])
    with _naming(f"uploading the result of partition {endpoint.partition} to the data server at "
                 f"{endpoint.host}:{endpoint.port} failed", timeout):
        session = _Session(endpoint.host, endpoint.port, endpoint.resolved_token(), timeout)
        try:
            session.request({"op": "upload", "partition": endpoint.partition})
            try:
                writer = StreamWriter(session.writer.data, schema)
                rows = 0
                for batch in batches:
                    writer.write_batch(batch)
                    rows += batch.num_rows
                writer.close()
                session.writer.write_control(P.TRAILER, (rows, len(batches)))
                session.writer.write_control(P.END_OF_DATA)
                session.writer.flush()
            except OSError as e:
                # The server may refuse mid-upload (over its size limit): it sends ERROR and closes without
                # reading the rest, so our send breaks while its reason already waits in our receive buffer.
                if isinstance(e, socket.timeout):
                    raise
                message = session.pending_error()
                if message is None:
                    raise
                raise ProtocolError(f"the server refused the request: {message}") from e
            return bool(session.response().get("accepted"))
        finally:
            session.close()


def fetch_model(endpoint: ModelServerEndpoint, target_dir: str, timeout: float = DEFAULT_TIMEOUT) -> List[str]:
    """Downloads every file served by the model server into ``target_dir`` (created if needed), checking
    each file's SHA-256; a mismatch removes the file and raises ``ProtocolError`` naming it. Returns the
    local paths."""
    with _naming(f"downloading the model from the model server at {endpoint.host}:{endpoint.port} failed", timeout):
        return _fetch_model(endpoint, target_dir, timeout)


def _fetch_model(endpoint: ModelServerEndpoint, target_dir: str, timeout: float) -> List[str]:
    session = _Session(endpoint.host, endpoint.port, endpoint.resolved_token(), timeout)
    paths: List[str] = []
    try:
        session.request({"op": "manifest"})
        files = session.response().get("files", [])
        root = os.path.realpath(target_dir)
        for entry in files:
            rel = str(entry["path"])
            local = os.path.realpath(os.path.join(root, *rel.split("/")))
            if os.path.commonpath([root, local]) != root or rel.startswith("/"):
                raise ProtocolError(f"the model server sent a path outside the target directory: {rel!r}")
            os.makedirs(os.path.dirname(local), exist_ok=True)
            session.request({"op": "file", "path": rel})
            meta = session.response()
            digest = hashlib.sha256()
            size = 0
            buf = bytearray(1 << 20)
            view = memoryview(buf)
            with open(local, "wb") as out:
                while True:
                    n = session.reader.data.readinto(view)
                    if n == 0:
                        break
                    digest.update(view[:n])
                    out.write(view[:n])
                    size += n
            code = session.reader.next_control()
            if code == P.ERROR:
                raise ProtocolError(f"the server failed sending {rel}: {session.reader.read_payload(code).get('message')}")
            if code != P.END_OF_DATA:
                raise ProtocolError(f"expected END_OF_DATA after {rel}, got {P.frame_name(code)}")
            expected = str(meta.get("sha256", entry.get("sha256", "")))
            if size != int(meta.get("size", entry.get("size", -1))) or digest.hexdigest() != expected:
                os.unlink(local)
                raise ProtocolError(f"checksum mismatch for {rel}: got {size} bytes with sha256 {digest.hexdigest()}, "
                                    f"expected {meta.get('size')} bytes with sha256 {expected}")
            paths.append(local)
        return paths
    finally:
        session.close()
