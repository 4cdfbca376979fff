"""Acceptance 1: the interop harness' gold, writer and fuzz checks for ``python -m data_manager.arrow``.

Reader: every gold stream → canonical JSON → ``compare.mjs`` against the gold canonical JSON.
Writer: every gold canonical JSON → our stream → ``compare.mjs`` EQUAL and ``read.mjs --frames`` exit 0.
Allowed refusals (a clean ``error:`` naming the feature): big-endian, and compression only when the
codec's module (``lz4`` / ``zstandard``) is not importable. Every other little-endian gold stream —
view, run-end encoded and compressed ones included — reads EQUAL. Fuzz: every corpus file ends quickly
with exit 0, or exit 1 and one ``error:`` line.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INTEROP, NODE, TOOLS, child_env, gold_files, gold_id, node_missing, shared_missing

from data_manager._arrow.canonical import batches_from_json, schema_from_json, to_json_document
from data_manager._arrow.reader import read_stream
from data_manager._arrow.writer import write_stream
from data_manager.exceptions import UnsupportedArrowFeature

def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
        return True
    except ImportError:
        return False


# the compression gold files and the module each one needs
_CODEC_MODULES = {"generated_lz4": "lz4.frame", "generated_uncompressible_lz4": "lz4.frame",
                  "generated_zstd": "zstandard", "generated_uncompressible_zstd": "zstandard"}


# families the oracle's apache-arrow JS 21 cannot decode ("Unrecognized type")
ORACLE_CANNOT_READ = {"generated_list_view", "generated_run_end_encoded"}


def expected_refusal(path: Path) -> "str | None":
    rel = gold_id(path)
    if rel.startswith("versions/1.0.0-bigendian/"):
        return "big-endian"
    module = _CODEC_MODULES.get(path.name.split(".")[0])
    if rel.startswith("versions/2.0.0-compression/") and module is not None and not _importable(module):
        return "compression"
    return None


def _param(paths):
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason=shared_missing() or "no gold files"))]
    return [pytest.param(p, id=gold_id(p)) for p in paths]


def _compare(expected: Path, actual: Path) -> str:
    r = subprocess.run([NODE, str(TOOLS / "compare.mjs"), str(expected), str(actual)],
                       capture_output=True, text=True, timeout=120)
    return (r.stdout + r.stderr).strip()


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data_manager.arrow", *args], capture_output=True, text=True,
                          timeout=timeout, env=child_env())


def _assert_refusal(r: subprocess.CompletedProcess, feature: str) -> None:
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and feature in lines[0], r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.requires_shared
@pytest.mark.parametrize("stream", _param(gold_files("*.stream")))
def test_reader_gold_stream_to_json_matches_canonical_json(stream: Path, tmp_path: Path) -> None:
    r = _cli("to-json", str(stream))
    refusal = expected_refusal(stream)
    if refusal is not None:
        _assert_refusal(r, refusal)
        assert r.stdout == ""
        return
    assert r.returncode == 0, r.stderr
    ours = json.loads(r.stdout)
    expected = stream.with_name(stream.name.replace(".stream", ".canonical.json"))
    if ours == json.loads(expected.read_text()):
        return  # identical documents: no need to ask the oracle
    out = tmp_path / "ours.json"
    out.write_text(r.stdout)
    why = node_missing()
    if why:
        pytest.skip(f"documents differ textually and the oracle is unavailable: {why}")
    result = _compare(expected, out)
    assert result.startswith("EQUAL"), result


@pytest.mark.requires_shared
@pytest.mark.parametrize("stream", _param(gold_files("*.stream")))
def test_reader_refuses_only_the_allowed_features_in_process(stream: Path) -> None:
    refusal = expected_refusal(stream)
    if refusal is None:
        schema, batches = read_stream(stream.read_bytes())
        to_json_document(schema, batches)
        return
    with pytest.raises(UnsupportedArrowFeature) as info:
        read_stream(stream.read_bytes())
    assert info.value.feature == refusal


@pytest.mark.requires_node
@pytest.mark.parametrize("canonical", _param(gold_files("*.canonical.json")))
def test_writer_gold_canonical_json_from_json_is_read_equal_by_oracle(canonical: Path, tmp_path: Path) -> None:
    out = tmp_path / "ours.arrows"
    r = _cli("from-json", str(canonical), str(out))
    refusal = expected_refusal(canonical)
    if r.returncode != 0:
        assert refusal is not None, f"unexpected refusal: {r.stderr}"
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 1 and len(lines) == 1 and lines[0].startswith("error:"), r.stderr
        assert refusal in lines[0], lines[0]
        return
    if canonical.name.split(".")[0] in ORACLE_CANNOT_READ:
        # apache-arrow JS 21 has no list views or run-end encoding: our reader checks the values instead
        schema, batches = read_stream(out.read_bytes())
        assert to_json_document(schema, batches) == json.loads(canonical.read_text())
    else:
        result = _compare(canonical, out)
        assert result.startswith("EQUAL"), result
    frames = subprocess.run([NODE, str(TOOLS / "read.mjs"), "--frames", str(out)], capture_output=True, text=True,
                            timeout=120)
    assert frames.returncode == 0, frames.stdout[-2000:] + frames.stderr[-2000:]


@pytest.mark.requires_node
@pytest.mark.parametrize("canonical", _param(gold_files("generated_nested_dictionary.canonical.json")[:1]))
def test_writer_legacy_framing_is_read_equal_by_oracle(canonical: Path, tmp_path: Path) -> None:
    doc = json.loads(canonical.read_text())
    schema = schema_from_json(doc["schema"])
    out = tmp_path / "legacy.arrows"
    out.write_bytes(write_stream(schema, batches_from_json(schema, doc["batches"]), legacy=True))
    result = _compare(canonical, out)
    assert result.startswith("EQUAL"), result


# --------------------------------------------------------------------------------------------- fuzz

def _fuzz_files():
    if shared_missing():
        return [pytest.param(None, marks=pytest.mark.skip(reason=shared_missing()))]
    assert INTEROP is not None
    files = sorted(p for p in (INTEROP / "fuzz").iterdir() if p.suffix != ".tsv")
    return [pytest.param(p, id=p.name) for p in files]


_LIMITED = (
    "import resource, runpy, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
    "sys.argv = ['data_manager.arrow'] + sys.argv[1:]\n"
    "runpy.run_module('data_manager.arrow', run_name='__main__', alter_sys=True)\n"
)


@pytest.mark.requires_shared
@pytest.mark.parametrize("path", _fuzz_files())
def test_fuzz_input_ends_cleanly_within_bounds(path: Path) -> None:
    # 1 GiB of address space, 30 s: a hang or unbounded allocation fails the test.
    r = subprocess.run([sys.executable, "-c", _LIMITED, "to-json", str(path)], capture_output=True, text=True,
                       timeout=30, env=child_env())
    if r.returncode == 0:
        json.loads(r.stdout)
        return
    assert r.returncode == 1, r.stderr[-3000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr[-3000:]
    assert "out of memory" not in lines[0] and "internal" not in lines[0], lines[0]
