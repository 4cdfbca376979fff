#!/usr/bin/env python3
"""Profiles a reused worker's warm runs in one process: what a small call costs on the Python side.

    DATABRIDGE_PYTHON=/usr/bin/python3
    $DATABRIDGE_PYTHON scripts/profile_worker_loop.py              # one-row pandas identity, timing only
    $DATABRIDGE_PYTHON scripts/profile_worker_loop.py --nothing    # a script that does nothing
    $DATABRIDGE_PYTHON scripts/profile_worker_loop.py --profile    # cProfile, the top functions by own time

A ``Worker`` serves one end of a socket pair on the main thread; a feeder thread sends N identical runs (the
frames the bridge sends for a warm one-row call: RUN_HEADER, the input stream, TRAILER, END_OF_DATA) and a
drain thread reads and drops the answers. Pandas is imported and the heap frozen first, as the daemon does
before it forks. It prints the time per run over the fastest and the median block of 200 runs (the machine's
noise moves single runs by 30%). This is the loop docs/performance.md ("Where a warm small call's time goes")
measured; it leaves out what only a real host adds (process wake-ups, the .NET side).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import os
import pstats
import socket
import sys
import threading
import time
from typing import List

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python", "data_manager", "src"))

from data_manager import _protocol as P  # noqa: E402
from data_manager import _worker  # noqa: E402
from data_manager._arrow import RecordBatch, Schema, StreamWriter  # noqa: E402
from data_manager._transport import FrameReader, FrameWriter  # noqa: E402

IDENTITY = "def transform(df):\n    return df\ndata_manager.set_output(transform(df) for df in data_manager.fetch_once())\n"
BLOCK = 200


def _request(code: str, with_code: bool) -> bytes:
    """The bytes of one run as the bridge sends them (the code text only the first time)."""
    host, worker = socket.socketpair()
    out = FrameWriter(worker)
    header = {"run_id": "0" * 32, "partition": 0, "code_hash": hashlib.sha256(code.encode()).hexdigest(),
              "conf": {}, "max_batch_rows": 65536, "max_batch_bytes": 64 << 20}
    if with_code:
        header["code"] = code
    out.write_control(P.RUN_HEADER, header)
    batch = RecordBatch.from_pydict({"x": [42]})
    writer = StreamWriter(out.data, batch.schema if code == IDENTITY else Schema([]))
    if code == IDENTITY:
        writer.write_batch(batch)
    writer.close()
    out.write_control(P.TRAILER, (1, 1) if code == IDENTITY else (0, 0))
    out.write_control(P.END_OF_DATA)
    out.flush()
    worker.close()
    data = bytearray()
    while True:
        part = host.recv(1 << 20)
        if not part:
            return bytes(data)
        data += part


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--nothing", action="store_true", help="a script that does nothing (no input, no output)")
    parser.add_argument("--profile", action="store_true", help="run under cProfile and print the top functions")
    args = parser.parse_args()
    code = "pass" if args.nothing else IDENTITY
    first, later = _request(code, True), _request(code, False)

    import pandas  # noqa: F401  (preloaded, as in the daemon)

    host, end = socket.socketpair()
    stamps: List[float] = []
    original = _worker.Worker.run

    def stamped(self: _worker.Worker, header: dict) -> object:
        result = original(self, header)
        stamps.append(time.perf_counter())
        return result

    _worker.Worker.run = stamped  # type: ignore[method-assign]

    def feed() -> None:
        host.sendall(first)
        for _ in range(args.runs):
            host.sendall(later)
        host.sendall(P.INT32.pack(P.END_OF_STREAM))

    def drain() -> None:
        while host.recv(1 << 20):
            pass

    threading.Thread(target=feed, daemon=True).start()
    threading.Thread(target=drain, daemon=True).start()
    worker = _worker.Worker(FrameReader(end), FrameWriter(end))
    gc.collect()
    gc.freeze()
    profile = cProfile.Profile() if args.profile else None
    if profile is not None:
        profile.enable()
    worker.serve()
    if profile is not None:
        profile.disable()
    blocks = sorted((stamps[i + BLOCK] - stamps[i]) / BLOCK * 1e6 for i in range(0, len(stamps) - BLOCK, BLOCK))
    what = "empty script" if args.nothing else "one-row pandas identity"
    print(f"{what}: {len(stamps)} runs; per run, blocks of {BLOCK}: fastest {blocks[0]:.0f} us, "
          f"median {blocks[len(blocks) // 2]:.0f} us{' (under cProfile)' if profile else ''}")
    if profile is not None:
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
