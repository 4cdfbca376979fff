"""``python -m data_manager.bench``: the codec and pandas conversion against baselines of the same run.

Measures (median of ``--repeat`` runs each, after one warm-up; targets are judged on CPU time so that
other processes on a shared machine do not decide them, wall time is printed alongside):

* decoding an int64 + float64 stream held in memory into numpy arrays, 1K rows vs ``--rows`` rows:
  zero-copy means the time does not grow with the rows (target: ratio ≤ 2) and the arrays share
  memory with the input bytes;
* decoding the same stream into a pandas DataFrame vs one numpy copy of the same bytes
  (target: ≤ 1.5 × the copy, i.e. at most one copy);
* utf8 → Python ``str`` (ASCII and non-ASCII data; target ≥ 5 M strings/s) and ``str`` → utf8;
* pandas → Arrow for the int64/float64 frame (buffers shared, no copy) vs the same numpy copy;
* decimal128(18, 2) → pandas in each ``decimals`` mode (``exact`` Decimal objects, ``float64``,
  ``scaled_int64``; target: the bulk modes ≥ 10 × faster than exact) and the way back (a Decimal
  object column, a float64 column, an int64 column → Arrow).

Prints a table with PASS/FAIL per target; exits with status 1 when a target fails, 2 when numpy or
pandas is missing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any, Callable, List, Optional, Sequence, Tuple

__all__ = ["main"]


class _Timing:
    """Medians of one measurement: CPU time (``time.process_time``, what the targets are judged on:
    other processes of a shared machine do not count) and wall time (printed alongside)."""

    def __init__(self, fn: Callable[[], Any], repeat: int) -> None:
        fn()  # warm-up (imports, caches)
        cpu, wall = [], []
        for _ in range(repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        self.cpu = max(statistics.median(cpu), 1e-7)
        self.wall = statistics.median(wall)

    def __str__(self) -> str:
        return f"{_fmt_time(self.cpu).strip()} [{_fmt_time(self.wall).strip()}]"


def _fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.3f} s "


class _Table:
    def __init__(self) -> None:
        self.rows: List[Tuple[str, str, str, str, str, Optional[bool]]] = []

    def add(self, what: str, measured: str, baseline: str, figure: str, target: str, ok: Optional[bool]) -> None:
        self.rows.append((what, measured, baseline, figure, target, ok))

    def print(self) -> bool:
        head = ("measurement", "cpu [wall]", "baseline cpu [wall]", "figure (cpu)", "target", "result")
        cells = [head] + [(w, m, b, f, tg, "-" if ok is None else ("PASS" if ok else "FAIL")) for w, m, b, f, tg, ok in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
        for i, r in enumerate(cells):
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
            if i == 0:
                print("  ".join("-" * w for w in widths))
        return all(ok is not False for *_, ok in self.rows)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_manager.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the large stream (default 1M)")
    parser.add_argument("--strings", type=int, default=1_000_000, help="strings in the utf8 tests (default 1M)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per measurement (median; default 7)")
    parser.add_argument("--decimals", type=int, default=1_000_000, help="values in the decimal tests (default 1M)")
    args = parser.parse_args(argv)
    try:
        import numpy as np
        import pandas as pd

        from ._arrow import Column, RecordBatch, read_stream, write_stream
        from ._arrow import types as t
        from ._pandas import batch_to_pandas, pandas_to_batches
        from ._pandas_read import decode_strings
    except ImportError as e:
        print(f"error: the benchmark needs numpy and pandas: {e}", file=sys.stderr)
        return 2

    repeat = max(1, args.repeat)
    table = _Table()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"data_manager benchmark: python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}; "
          f"median CPU time of {repeat} runs (wall time in brackets); load average {load:.1f} "
          f"on {os.cpu_count()} CPUs\n")

    schema = t.Schema((t.Field("i", t.int64), t.Field("f", t.float64)))

    def stream(rows: int) -> bytes:
        i = np.arange(rows, dtype=np.int64)
        f = np.arange(rows, dtype=np.float64) * 0.5
        return write_stream(schema, [RecordBatch(schema, [Column.from_numpy(i), Column.from_numpy(f)], rows)])

    small, large = stream(1000), stream(args.rows)
    nbytes = args.rows * 16

    def to_numpy(data: bytes) -> Callable[[], Any]:
        def run() -> Any:
            _, batches = read_stream(data)
            return [c.to_numpy() for b in batches for c in b.columns]
        return run

    t_small = _Timing(to_numpy(small), repeat)
    t_large = _Timing(to_numpy(large), repeat)
    arrays = to_numpy(large)()
    source = np.frombuffer(large, np.uint8)
    shared = all(np.shares_memory(a, source) for a in arrays)
    ratio = t_large.cpu / t_small.cpu
    table.add(f"stream -> numpy, {args.rows:,} rows", str(t_large), f"1K rows: {t_small}",
              f"{ratio:.2f}x, {'views' if shared else 'COPIES'}", "<= 2x, views", ratio <= 2.0 and shared)

    i_src = np.arange(args.rows, dtype=np.int64)
    f_src = np.arange(args.rows, dtype=np.float64)
    t_copy = _Timing(lambda: (i_src.copy(), f_src.copy()), repeat)

    def to_frame() -> Any:
        _, batches = read_stream(large)
        return batch_to_pandas(batches[0])

    t_frame = _Timing(to_frame, repeat)
    frame = to_frame()
    frame_shared = all(np.shares_memory(frame[c].to_numpy(), source) for c in frame.columns)
    ratio = t_frame.cpu / t_copy.cpu
    table.add(f"stream -> DataFrame, {args.rows:,} rows", str(t_frame), f"numpy copy of {nbytes / 1e6:.0f} MB: {t_copy}",
              f"{ratio:.2f}x{', zero-copy' if frame_shared else ''}", "<= 1.5x", ratio <= 1.5)

    df = pd.DataFrame({"i": i_src, "f": f_src})
    t_back = _Timing(lambda: list(pandas_to_batches(df, max_rows=args.rows)), repeat)
    ratio = t_back.cpu / t_copy.cpu
    table.add(f"DataFrame -> batch, {args.rows:,} rows", str(t_back), "the same numpy copy", f"{ratio:.2f}x",
              "<= 1.5x", ratio <= 1.5)

    n = args.strings
    for label, values in (("ascii", [f"value-{k}" for k in range(n)]), ("non-ascii", [f"välue-{k}-€" for k in range(n)])):
        col = Column.from_pylist(values, t.utf8)
        t_dec = _Timing(lambda: decode_strings(col), repeat)
        rate = n / t_dec.cpu / 1e6
        table.add(f"utf8 -> str ({label}), {n:,}", str(t_dec), "", f"{rate:.1f} M/s", ">= 5 M/s", rate >= 5.0)
        series_frame = pd.DataFrame({"s": values})
        t_enc = _Timing(lambda: list(pandas_to_batches(series_frame, max_rows=n, max_bytes=1 << 40)), repeat)
        rate = n / t_enc.cpu / 1e6
        table.add(f"str -> utf8 ({label}), {n:,}", str(t_enc), "", f"{rate:.1f} M/s", ">= 5 M/s", rate >= 5.0)

    strings_batch = RecordBatch(t.Schema((t.Field("s", t.utf8),)), [Column.from_pylist([f"v{k}" for k in range(n)], t.utf8)])
    t_sframe = _Timing(lambda: batch_to_pandas(strings_batch), repeat)
    rate = n / t_sframe.cpu / 1e6
    table.add(f"utf8 batch -> DataFrame, {n:,}", str(t_sframe), "", f"{rate:.1f} M/s", ">= 5 M/s", rate >= 5.0)

    _decimal_rows(table, args.decimals, repeat, np, pd, Column, RecordBatch, t, batch_to_pandas, pandas_to_batches)

    ok = table.print()
    print("\nall targets met" if ok else "\nsome targets were missed (see FAIL)")
    return 0 if ok else 1


def _decimal_rows(table: "_Table", n: int, repeat: int, np: Any, pd: Any, Column: Any, RecordBatch: Any, t: Any,
                  batch_to_pandas: Any, pandas_to_batches: Any) -> None:
    """Decimals each way per ``decimals`` mode; the figures quoted in docs/pandas-mapping.md."""
    import decimal

    ty = t.Decimal(18, 2, 128)
    unscaled = (np.arange(n, dtype=np.int64) * 7919 - n * 3000) % 10 ** 12 - 5 * 10 ** 11
    values = [decimal.Decimal(int(v)).scaleb(-2) for v in unscaled]
    values[::100] = [None] * len(values[::100])  # 1% nulls
    batch = RecordBatch(t.Schema((t.Field("d", ty),)), [Column.from_pylist(values, ty)])
    per_million = 1e6 / n
    exact = None
    for mode in ("exact", "float64", "scaled_int64"):
        timing = _Timing(lambda: batch_to_pandas(batch, decimals=mode), repeat)
        cost = f"{timing.cpu * per_million * 1000:.0f} ms per 1M"
        if exact is None:
            exact = timing
            table.add(f"decimal128 -> pandas, {mode}, {n:,}", str(timing), "", cost, "(baseline)", True)
        else:
            speedup = exact.cpu / timing.cpu
            table.add(f"decimal128 -> pandas, {mode}, {n:,}", str(timing), f"exact: {exact}",
                      f"{cost}, {speedup:.0f}x", ">= 10x exact", speedup >= 10.0)
    back = {
        "Decimal objects": pd.DataFrame({"d": batch_to_pandas(batch)["d"]}),
        "float64": batch_to_pandas(batch, decimals="float64"),
        "scaled int64": batch_to_pandas(batch, decimals="scaled_int64"),
    }
    for label, frame in back.items():
        timing = _Timing(lambda: list(pandas_to_batches(frame, max_rows=n, max_bytes=1 << 40)), repeat)
        table.add(f"pandas {label} -> Arrow, {n:,}", str(timing), "", f"{timing.cpu * per_million * 1000:.0f} ms per 1M",
                  "(for the record)", True)


if __name__ == "__main__":
    sys.exit(main())
