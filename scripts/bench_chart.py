#!/usr/bin/env python3
"""Draws docs/performance.svg from BenchmarkDotNet's CSV exports (standard library only).

    python3 scripts/bench_chart.py BenchmarkDotNet.Artifacts/results/*Transfer*-report.csv -o docs/performance.svg
    python3 scripts/bench_chart.py BenchmarkDotNet.Artifacts/results/*PeerBenchmarks*-report.csv \
        --baseline Pythonnet --log --title "Against the peers: time relative to pythonnet 3.2.1" -o docs/peers.svg

For every (category, Rows) group it plots each benchmark's throughput relative to the group's baseline
(baseline time / benchmark time): the socket limit for one-way groups, the CSV pipe for round trips,
parallelism 1 for scaling. Re-run it after a benchmark run to refresh the chart.
"""

from __future__ import annotations

import argparse
import csv
import html
import re
import sys
from typing import Dict, List, Tuple

UNITS = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text: str) -> float:
    m = re.match(r"\s*([\d,.]+)\s*(ns|μs|us|ms|s)\s*$", text)
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    return float(m.group(1).replace(",", "")) * UNITS[m.group(2)]


# The suite's baselines by name: BenchmarkDotNet's CSV export has no baseline column, and a baseline's Ratio is
# not always 1.00 (it is a mean of per-iteration ratios).
BASELINE = re.compile(r"^(SocketLimit|CsvPipe|Parallel1$)")


def load(paths: List[str], baseline_pattern: "re.Pattern[str]" = BASELINE) -> List[Tuple[str, str, float, bool]]:
    """(group, method, median seconds — the mean when no Median column was exported —, is baseline) rows."""
    rows = []
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            sample = f.readline()
            f.seek(0)
            reader = csv.DictReader(f, delimiter=";" if sample.count(";") > sample.count(",") else ",")
            for rec in reader:
                stat = rec.get("Median") or rec.get("Mean")
                if not stat or stat in ("NA", "?"):
                    continue
                category = (rec.get("Categories") or "").split(",")[-1] or rec.get("Type", "")
                parts = [category, f"{int(rec['Rows']):,} rows" if rec.get("Rows") else "", rec.get("Workload") or ""]
                group = " · ".join(p for p in parts if p)
                baseline = bool(baseline_pattern.match(rec["Method"]))
                rows.append((group, rec["Method"], seconds(stat), baseline))
    return rows


def _against_baselines(rows: List[Tuple[str, str, float, bool]]) -> List[Tuple[str, str, float, float, bool]]:
    """(group, method, statistic, the group's baseline statistic, is the baseline) for every row of a group that has a
    baseline, in order; groups without one are left out."""
    groups: Dict[str, List[Tuple[str, float, bool]]] = {}
    for group, method, stat, baseline in rows:
        groups.setdefault(group, []).append((method, stat, baseline))
    out = []
    for group, items in groups.items():
        base = next((m for _, m, b in items if b), None)
        if base is not None:
            out.extend((group, method, stat, base, b) for method, stat, b in items)
    return out


def draw(rows: List[Tuple[str, str, float, bool]], title: str = "", log: bool = False) -> str:
    """Throughput relative to each group's baseline as bars (higher is better); with ``log`` the bars are the time
    relative to the baseline on a log scale (lower is better), for groups whose ratios span orders of magnitude."""
    if log:
        return _draw_log(rows, title)
    bars = [(group, method, base / stat, b) for group, method, stat, base, b in _against_baselines(rows)]
    width, left, bar_h, gap = 900, 330, 18, 6
    peak = max([r for *_, r, _ in bars] + [1.0])
    height = 40 + len(bars) * (bar_h + gap) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14" font-weight="bold">{html.escape(title or "DataBridge transfer: throughput relative to the baseline of each group (higher is better)")}</text>']
    y = 40
    scale = (width - left - 80) / peak
    for group, method, ratio, baseline in bars:
        color = "#999999" if baseline else "#2b7bb9"
        out.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{html.escape(group)} — {html.escape(method)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{max(1.0, ratio * scale):.1f}" height="{bar_h}" fill="{color}"/>')
        out.append(f'<text x="{left + ratio * scale + 6:.1f}" y="{y + 13}">{ratio:.2f}×</text>')
        y += bar_h + gap
    x1 = left + scale
    out.append(f'<line x1="{x1:.1f}" y1="35" x2="{x1:.1f}" y2="{y}" stroke="#cc3333" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{x1 + 4:.1f}" y="{y + 14}" fill="#cc3333">baseline = 1×</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _draw_log(rows: List[Tuple[str, str, float, bool]], title: str) -> str:
    import math

    bars = [(group, method, stat / base, b, stat) for group, method, stat, base, b in _against_baselines(rows)]
    width, left, bar_h, gap = 980, 330, 18, 6
    lo = min([r for _, _, r, _, _ in bars] + [1.0])
    hi = max([r for _, _, r, _, _ in bars] + [1.0])
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    scale = (width - left - 170) / max(1, len(decades) - 1)
    x_of = lambda r: left + (math.log10(r) - decades[0]) * scale  # noqa: E731
    height = 40 + len(bars) * (bar_h + gap) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14" font-weight="bold">{html.escape(title or "time relative to the baseline (log scale, lower is better)")}</text>']
    y = 40
    for group, method, ratio, baseline, stat in bars:
        color = "#999999" if baseline else ("#2b7bb9" if method.startswith("DataBridge") else "#e69f00")
        out.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{html.escape(group)} — {html.escape(method)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{max(1.0, x_of(ratio) - left):.1f}" height="{bar_h}" fill="{color}"/>')
        label = f"{ratio:.3g}× ({stat * 1e3:.3g} ms)" if stat >= 1e-4 else f"{ratio:.3g}× ({stat * 1e6:.3g} µs)"
        out.append(f'<text x="{max(left + 1.0, x_of(ratio)) + 6:.1f}" y="{y + 13}">{html.escape(label)}</text>')
        y += bar_h + gap
    for d in decades:
        x = left + (d - decades[0]) * scale
        stroke = 'stroke="#cc3333" stroke-dasharray="4 3"' if d == 0 else 'stroke="#dddddd"'
        out.append(f'<line x1="{x:.1f}" y1="35" x2="{x:.1f}" y2="{y}" {stroke}/>')
        out.append(f'<text x="{x:.1f}" y="{y + 14}" text-anchor="middle" fill="#666666">{10.0 ** d:g}×</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+", help="BenchmarkDotNet *-report.csv files")
    parser.add_argument("-o", "--output", default="docs/performance.svg")
    parser.add_argument("--baseline", help="regular expression naming each group's baseline method (default: the transfer suite's)")
    parser.add_argument("--title", default="", help="the chart's title")
    parser.add_argument("--log", action="store_true", help="time relative to the baseline on a log scale")
    args = parser.parse_args()
    rows = load(args.csv, re.compile(args.baseline) if args.baseline else BASELINE)
    if not rows:
        print("error: no benchmark rows in the given CSV files", file=sys.stderr)
        return 1
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(draw(rows, args.title, args.log))
    print(f"wrote {args.output} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
