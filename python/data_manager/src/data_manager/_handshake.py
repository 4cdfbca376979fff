"""The daemon's side of the connection handshake (docs/protocol.md, 2.1), read without blocking.

The daemon verifies every new connection in its own event loop, before it spends anything on it: a pending
connection holds one fixed buffer of ``HEAD_BYTES + MAX_TOKEN_BYTES`` bytes and a deadline, and nothing is
forked until its token has been compared. ``feed`` never reads past the handshake, so bytes a client sends
after it stay in the socket for the worker.
"""

from __future__ import annotations

import hmac
import socket
from typing import Optional

from . import _protocol as P

# magic (4) | int32 version | int32 token length
HEAD_BYTES = 12


class PendingHandshake:
    """One accepted, not yet authenticated connection (non-blocking socket) and its deadline (monotonic)."""

    __slots__ = ("sock", "deadline", "_buffer", "_view", "_filled", "_need")

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self._buffer = bytearray(HEAD_BYTES + P.MAX_TOKEN_BYTES)
        self._view = memoryview(self._buffer)
        self._filled = 0
        self._need = HEAD_BYTES

    def feed(self, token: bytes) -> Optional[bool]:
        """Reads what has arrived. None: the handshake is incomplete (wait for more); True: magic, version
        and token are right; False: something is wrong, or the peer closed (close it without a byte)."""
        while True:
            try:
                got = self.sock.recv_into(self._view[self._filled:self._need])
            except (BlockingIOError, InterruptedError):
                return None
            except OSError:
                return False
            if got == 0:
                return False
            self._filled += got
            if self._filled < self._need:
                continue
            if self._need == HEAD_BYTES:
                version = P.INT32.unpack_from(self._buffer, 4)[0]
                length = P.INT32.unpack_from(self._buffer, 8)[0]
                if self._buffer[:4] != P.MAGIC or version != P.PROTOCOL_VERSION or not 0 < length <= P.MAX_TOKEN_BYTES:
                    return False
                self._need = HEAD_BYTES + length
                continue
            # Constant time: how much of a wrong token matched is not observable.
            return hmac.compare_digest(bytes(self._view[HEAD_BYTES:self._need]), token)

    def close(self) -> None:
        self._view.release()
        self.sock.close()


def answer(pid: int) -> bytes:
    """The worker's half of the handshake: magic, version, pid."""
    return P.MAGIC + P.INT32.pack(P.PROTOCOL_VERSION) + P.INT32.pack(pid)
