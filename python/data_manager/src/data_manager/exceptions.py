"""The exceptions raised by data_manager: one tree rooted at :class:`DataManagerError`.

``DataManagerError``
    ├── ``ArrowFormatError``            bad Arrow IPC input; the message says what and where
    │     └── ``UnsupportedArrowFeature`` valid Arrow this codec refuses (compression, big-endian, ...)
    └── ``ProtocolError``               the DataBridge wire protocol was violated

Caller mistakes (a wrong argument type, a value that does not fit a column type) raise the
built-in ``TypeError`` / ``ValueError`` / ``OverflowError``.
"""

from __future__ import annotations

__all__ = ["DataManagerError", "ArrowFormatError", "UnsupportedArrowFeature", "ProtocolError"]


class DataManagerError(Exception):
    """Base class of every error raised by data_manager."""


class ArrowFormatError(DataManagerError):
    """Arrow IPC input is malformed: truncated, inconsistent or out of bounds."""


class UnsupportedArrowFeature(ArrowFormatError):
    """The input uses an Arrow feature this codec does not implement.

    ``feature`` names it (for example ``"big-endian"``, or ``"compression"`` for an unknown codec or
    when the codec's module, ``lz4`` / ``zstandard``, is not installed).
    """

    def __init__(self, feature: str, message: str) -> None:
        super().__init__(message)
        self.feature = feature


class ProtocolError(DataManagerError):
    """A peer broke the DataBridge wire protocol (framing, handshake, ordering)."""
