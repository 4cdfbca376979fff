"""Compressed record-batch bodies (``RecordBatch.compression``, ARROW.md "Body compression").

Each buffer of a compressed body is ``<int64 LE uncompressed length><compressed bytes>``: one LZ4 *frame*
or one Zstandard frame; a length of -1 means the bytes that follow are stored uncompressed, and an empty
buffer may be 0 bytes with no length at all. The codecs come from the optional modules ``lz4``
(Debian ``python3-lz4``) and ``zstandard`` (``python3-zstandard``); without them such a stream is refused
with :class:`UnsupportedArrowFeature` naming the codec and the module.

Hostile input: the declared length is never used to size an allocation. Output is produced in bounded
chunks and decoding stops one byte past the declared length, so memory follows the bytes the frame really
expands to, and a frame that expands to more or less than it declares is an :class:`ArrowFormatError`.
"""

from __future__ import annotations

import importlib
import struct
from typing import Any, List

from ..exceptions import ArrowFormatError, UnsupportedArrowFeature

__all__ = ["MAX_UNCOMPRESSED_BODY", "decompress_buffer", "codec_module"]

MAX_UNCOMPRESSED_BODY = 1 << 34
"""Most bytes one message body may declare once uncompressed (16 GiB; past it the input is refused)."""

_CHUNK = 1 << 22
_I64 = struct.Struct("<q")
_MODULES = {"LZ4_FRAME": ("lz4.frame", "lz4", "python3-lz4"), "ZSTD": ("zstandard", "zstandard", "python3-zstandard")}


def codec_module(codec: str, where: str) -> Any:
    """The module that decodes ``codec`` ("LZ4_FRAME" or "ZSTD"); UnsupportedArrowFeature when it is
    not importable."""
    name, pip, deb = _MODULES[codec]
    try:
        return importlib.import_module(name)
    except ImportError:
        raise UnsupportedArrowFeature(
            "compression", f"{where}: the body is {codec} compressed, which needs the Python module "
                           f"'{name}' (not installed; Debian: {deb}, pip: {pip})") from None


def decompress_buffer(codec: str, raw: memoryview, where: str, budget: int) -> memoryview:
    """The uncompressed bytes of one body buffer ``raw`` (prefix included); at most ``budget`` bytes."""
    if len(raw) == 0:
        return raw
    if len(raw) < 8:
        raise ArrowFormatError(f"{where}: compressed buffer of {len(raw)} bytes has no 8-byte length prefix")
    expected = _I64.unpack_from(raw, 0)[0]
    data = raw[8:]
    if expected == -1:
        return data  # stored uncompressed: a view, no copy
    if expected < 0:
        raise ArrowFormatError(f"{where}: uncompressed length {expected}")
    if expected > budget:
        raise ArrowFormatError(f"{where}: uncompressed length {expected} exceeds the {budget} bytes left of "
                               f"the {MAX_UNCOMPRESSED_BODY}-byte limit of a message body")
    module = codec_module(codec, where)
    try:
        parts = _lz4_frame(module, data, expected) if codec == "LZ4_FRAME" else _zstd(module, data, expected)
    except MemoryError:
        raise
    except Exception as e:  # the codecs raise RuntimeError / ZstdError / ValueError on corrupt frames
        raise ArrowFormatError(f"{where}: corrupt {codec} data: {' '.join(str(e).split()) or type(e).__name__}") from None
    got = sum(map(len, parts))
    if got != expected:
        more = "more than" if got > expected else "only"
        raise ArrowFormatError(f"{where}: {codec} data decompresses to {more} {got} bytes, the prefix says {expected}")
    return memoryview(parts[0] if len(parts) == 1 else b"".join(parts))


def _lz4_frame(lz4frame: Any, data: memoryview, expected: int) -> List[bytes]:
    d = lz4frame.LZ4FrameDecompressor()
    parts = [d.decompress(data, max_length=min(_CHUNK, expected + 1))]
    total = len(parts[0])
    while total <= expected and not d.eof:
        if d.needs_input:
            raise ValueError("the frame ends early (truncated)")
        part = d.decompress(b"", max_length=min(_CHUNK, expected + 1 - total))
        if not part and not d.eof:
            raise ValueError("the frame makes no progress")
        parts.append(part)
        total += len(part)
    return parts


def _zstd(zstandard: Any, data: memoryview, expected: int) -> List[bytes]:
    reader = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=False)
    parts: List[bytes] = []
    total = 0
    while total <= expected:
        part = reader.read(min(_CHUNK, expected + 1 - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
    return parts or [b""]
