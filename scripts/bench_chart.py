#!/usr/bin/env python3
"""Draws docs/performance.svg from BenchmarkDotNet's CSV exports (standard library only).

    python3 scripts/bench_chart.py BenchmarkDotNet.Artifacts/results/*Transfer*-report.csv -o docs/performance.svg

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


def load(paths: List[str]) -> List[Tuple[str, str, float, bool]]:
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
                group = category + (f" · {int(rec['Rows']):,} rows" if rec.get("Rows") else "")
                baseline = bool(BASELINE.match(rec["Method"]))
                rows.append((group, rec["Method"], seconds(stat), baseline))
    return rows


def draw(rows: List[Tuple[str, str, float, bool]]) -> str:
    groups: Dict[str, List[Tuple[str, float, bool]]] = {}
    for group, method, mean, baseline in rows:
        groups.setdefault(group, []).append((method, mean, baseline))
    bars = []
    for group, items in groups.items():
        base = next((m for _, m, b in items if b), None)
        if base is None:
            continue
        for method, mean, b in items:
            bars.append((group, method, base / mean, b))
    width, left, bar_h, gap = 900, 330, 18, 6
    peak = max([r for *_, r, _ in bars] + [1.0])
    height = 40 + len(bars) * (bar_h + gap) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           '<text x="10" y="20" font-size="14" font-weight="bold">DataBridge transfer: throughput relative to the baseline of each group (higher is better)</text>']
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+", help="BenchmarkDotNet *-report.csv files")
    parser.add_argument("-o", "--output", default="docs/performance.svg")
    args = parser.parse_args()
    rows = load(args.csv)
    if not rows:
        print("error: no benchmark rows in the given CSV files", file=sys.stderr)
        return 1
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(draw(rows))
    print(f"wrote {args.output} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
