"""Acceptance 3: streams written by the C# codec are read equal by the Python codec, and the other way round.

Uses the already built ``databridge`` tool (``src/DataBridge.Cli/bin/<config>/<tfm>/``); build it with
``dotnet build src/DataBridge.Cli``. Skipped, saying why, when it is absent or does not implement
``arrow from-json`` / ``arrow to-json`` yet.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import List, Optional

import pytest

from conftest import NODE, REPO_ROOT, TOOLS, gold_files, gold_id, node_missing, shared_missing

from data_manager._arrow.canonical import batches_from_json, schema_from_json, to_json_document
from data_manager._arrow.reader import read_stream
from data_manager._arrow.writer import write_stream
from data_manager.exceptions import ArrowFormatError

# families either codec may refuse (the harness' allowed refusals)
_REFUSABLE = ("binary_view", "list_view", "run_end_encoded", "1.0.0-bigendian", "2.0.0-compression")


def _tool() -> Optional[List[str]]:
    if REPO_ROOT is None:
        return None
    candidates = sorted((REPO_ROOT / "src" / "DataBridge.Cli" / "bin").glob("*/*/DataBridge.Cli.dll"),
                        key=lambda p: p.stat().st_mtime, reverse=True)
    dotnet = shutil.which("dotnet")
    if not candidates or dotnet is None:
        return None
    return [dotnet, str(candidates[0])]


@lru_cache(maxsize=1)
def tool_missing() -> Optional[str]:
    why = shared_missing()
    if why:
        return why
    tool = _tool()
    if tool is None:
        return "the C# databridge tool is not built (dotnet build src/DataBridge.Cli) or dotnet is absent"
    assert REPO_ROOT is not None
    probe = Path(__file__).resolve().parent / "__probe_cs.arrows"
    try:
        gold = gold_files("generated_primitive.canonical.json")[0]
        r = subprocess.run(tool + ["arrow", "from-json", str(gold), str(probe)], capture_output=True, text=True,
                           timeout=120)
    finally:
        if probe.exists():
            probe.unlink()
    if r.returncode != 0:
        first = (r.stderr.strip().splitlines() or ["no output"])[0]
        return f"the built C# tool cannot run 'arrow from-json' ({first})"
    return None


def _refusable(path: Path) -> bool:
    return any(k in gold_id(path) for k in _REFUSABLE)


def _equal_to_gold(gold: Path, doc: dict, tmp_path: Path) -> None:
    if doc == json.loads(gold.read_text()):
        return
    why = node_missing()
    if why:
        pytest.skip(f"documents differ textually and the oracle is unavailable: {why}")
    out = tmp_path / "doc.json"
    out.write_text(json.dumps(doc))
    r = subprocess.run([NODE, str(TOOLS / "compare.mjs"), str(gold), str(out)], capture_output=True, text=True,
                       timeout=120)
    assert r.stdout.startswith("EQUAL"), r.stdout + r.stderr


def _params():
    why = tool_missing()
    if why:  # one skipped test per direction, not one per gold file
        return [pytest.param(None, id="csharp-tool-unavailable", marks=pytest.mark.skip(reason=why))]
    files = gold_files("*.canonical.json")
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason=shared_missing() or "no gold files"))]
    return [pytest.param(p, id=gold_id(p)) for p in files]


@pytest.mark.parametrize("canonical", _params())
def test_csharp_writes_python_reads_equal(canonical: Path, tmp_path: Path) -> None:
    why = tool_missing()
    if why:
        pytest.skip(why)
    tool = _tool()
    assert tool is not None
    out = tmp_path / "cs.arrows"
    r = subprocess.run(tool + ["arrow", "from-json", str(canonical), str(out)], capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        assert _refusable(canonical) and r.returncode == 1, r.stderr
        return
    try:
        schema, batches = read_stream(out.read_bytes())
    except ArrowFormatError:
        if _refusable(canonical):
            return
        raise
    _equal_to_gold(canonical, json.loads(json.dumps(to_json_document(schema, batches))), tmp_path)


@pytest.mark.parametrize("canonical", _params())
def test_python_writes_csharp_reads_equal(canonical: Path, tmp_path: Path) -> None:
    why = tool_missing()
    if why:
        pytest.skip(why)
    tool = _tool()
    assert tool is not None
    doc = json.loads(canonical.read_text())
    try:
        schema = schema_from_json(doc["schema"])
        batches = batches_from_json(schema, doc["batches"])
    except (ArrowFormatError, ValueError):
        assert _refusable(canonical)
        return
    ours = tmp_path / "py.arrows"
    ours.write_bytes(write_stream(schema, batches))
    r = subprocess.run(tool + ["arrow", "to-json", str(ours)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    _equal_to_gold(canonical, json.loads(r.stdout), tmp_path)
