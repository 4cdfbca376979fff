"""Constants of the DataBridge worker protocol (docs/protocol.md).

Mirrors ``src/DataBridge/Protocol/FrameCode.cs`` one to one. All integers on the wire are little-endian.
"""

from __future__ import annotations

import struct

PROTOCOL_VERSION = 1
MAGIC = b"DBRG"

# Control frame codes: a frame whose int32 prefix is negative. A prefix n >= 0 is a chunk of n bytes of
# the current Arrow IPC stream.
END_OF_DATA = -1
PYTHON_EXCEPTION = -2
TIMING = -3
END_OF_STREAM = -4
LOG = -5
START_ARROW_STREAM = -6  # reserved (PySpark's code); never sent
TRAILER = -7
RUN_HEADER = -8
PING = -9
PONG = -10
HELLO = -11
REQUEST = -12
ERROR = -13
RESPONSE = -14
SHARED_DATA = -15  # int64 offset + int64 length: the next Arrow bytes are in the sender's region (2.6)
SHARED_REGION = -16  # host -> worker: JSON {"role", "bytes"} with the region's descriptor (SCM_RIGHTS)
SHARED_ECHO = -17  # worker -> host: int64 offset + int64 length: the next Arrow bytes are in the host's input region (2.6)

NAMES = {
    END_OF_DATA: "END_OF_DATA",
    PYTHON_EXCEPTION: "PYTHON_EXCEPTION",
    TIMING: "TIMING",
    END_OF_STREAM: "END_OF_STREAM",
    LOG: "LOG",
    START_ARROW_STREAM: "START_ARROW_STREAM",
    TRAILER: "TRAILER",
    RUN_HEADER: "RUN_HEADER",
    PING: "PING",
    PONG: "PONG",
    HELLO: "HELLO",
    REQUEST: "REQUEST",
    ERROR: "ERROR",
    RESPONSE: "RESPONSE",
    SHARED_DATA: "SHARED_DATA",
    SHARED_REGION: "SHARED_REGION",
    SHARED_ECHO: "SHARED_ECHO",
}

# Control frames whose code is followed by an int32 length and a UTF-8 JSON payload.
JSON_FRAMES = frozenset({PYTHON_EXCEPTION, TIMING, LOG, RUN_HEADER, HELLO, REQUEST, ERROR, RESPONSE, SHARED_REGION})

MAX_CONTROL_FRAME_BYTES = 64 * 1024 * 1024

# The most characters of text one field of a frame the Python side sends may carry: a LOG message, an
# exception's message, its traceback. Longer text is cut with a marker (``truncate_text``), so no print or
# exception can make a frame exceed MAX_CONTROL_FRAME_BYTES: even at 12 bytes of JSON per character (a
# surrogate pair as two \u escapes) the two text fields of PYTHON_EXCEPTION stay below 25 MiB.
MAX_TEXT_CHARS = 1024 * 1024
HANDSHAKE_TIMEOUT_SECONDS = 10.0
# The largest token a handshake may carry (the real one is 64 hex characters).
MAX_TOKEN_BYTES = 1024
# The most connections the daemon (and each data or model server) holds before they authenticate; a new one
# beyond it closes the oldest pending one.
MAX_PENDING_HANDSHAKES = 64

# Environment variables set by the host for the daemon (never command-line arguments).
ENV_TOKEN = "DATABRIDGE_TOKEN"
ENV_CALLBACK_PORT = "DATABRIDGE_CALLBACK_PORT"
ENV_MEMORY_LIMIT_MB = "DATABRIDGE_MEMORY_LIMIT_MB"
ENV_PRELOAD = "DATABRIDGE_PRELOAD"
# How the daemon listens for the host's worker connections: "auto" (a Unix-domain socket where the platform
# has one, else TCP on 127.0.0.1), "unix" or "tcp" (docs/protocol.md, section 1).
ENV_WORKER_TRANSPORT = "DATABRIDGE_WORKER_TRANSPORT"
WORKER_TRANSPORTS = ("auto", "unix", "tcp")
# For tests only (the host never sets them): override HANDSHAKE_TIMEOUT_SECONDS (in ms) and
# MAX_PENDING_HANDSHAKES for the daemon.
ENV_HANDSHAKE_TIMEOUT_MS = "DATABRIDGE_HANDSHAKE_TIMEOUT_MS"
ENV_MAX_PENDING_HANDSHAKES = "DATABRIDGE_MAX_PENDING_HANDSHAKES"

INT32 = struct.Struct("<i")
INT64 = struct.Struct("<q")
TRAILER_BODY = struct.Struct("<qq")
SHARED_DATA_BODY = struct.Struct("<qq")
# The output region's first 64 bytes are the host's: an int64 at 0 counts the SHARED_DATA ranges of the run it has
# copied out (docs/protocol.md 2.6); the worker's output starts at 64 and wraps there once all are copied out.
SHARED_CONSUMED_OFFSET = 0
# In the input region's header, an int64 at 8 is the host's: how many SHARED_ECHO frames of the run it has copied out.
# A range an echo names is not released before that count reaches the echo.
SHARED_ECHOES_CONSUMED_OFFSET = 8
SHARED_DATA_START = 64


def truncate_text(text: str, limit: int = MAX_TEXT_CHARS, keep_tail: bool = False) -> str:
    """``text`` when it has at most ``limit`` characters, else ``limit`` of them with a marker naming how many
    were dropped: ``"… [truncated 79,999,000 characters]"``. The head is kept; with ``keep_tail`` the first and
    last halves are kept around the marker (a traceback's last lines say what was raised)."""
    dropped = len(text) - limit
    if dropped <= 0:
        return text
    marker = f"… [truncated {dropped:,} characters]"
    if not keep_tail:
        return text[:limit] + marker
    head = limit - limit // 2
    return text[:head] + marker + "\n" + text[len(text) - limit // 2:]


def frame_name(code: int) -> str:
    """A readable name for a frame prefix, for error messages."""
    if code >= 0:
        return f"data chunk of {code} bytes"
    return NAMES.get(code, f"unknown frame code {code}")
