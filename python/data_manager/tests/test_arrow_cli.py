"""``python -m data_manager.arrow``: the to-json / from-json contract and its error line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import child_env

from data_manager.arrow import RecordBatch, read_stream, write_stream


def cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data_manager.arrow", *args], input=stdin, capture_output=True,
                          timeout=60, env=child_env())


def one_error_line(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 1
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
    assert b"Traceback" not in r.stderr
    return lines[0]


def sample() -> RecordBatch:
    return RecordBatch.from_pydict({"i": [1, None, 2 ** 40], "s": ["a", None, "é"], "f": [float("nan"), -0.0, 1.5],
                                    "b": [b"\x01", None, b""]})


def test_to_json_reads_stdin_and_prints_canonical_json() -> None:
    batch = sample()
    r = cli("to-json", "-", stdin=write_stream(batch.schema, [batch]))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["schema"]["fields"][0] == {"name": "i", "nullable": True, "type": {"name": "int", "bitWidth": 64,
                                          "isSigned": True}, "children": [], "metadata": []}
    assert doc["batches"] == [{"length": 3, "columns": [["1", None, str(2 ** 40)], ["a", None, "é"],
                                                         ["NaN", "-0", 1.5], ["01", None, ""]]}]


def test_from_json_then_to_json_is_identity(tmp_path: Path) -> None:
    batch = sample()
    src = tmp_path / "in.arrows"
    src.write_bytes(write_stream(batch.schema, [batch]))
    first = cli("to-json", str(src))
    doc = tmp_path / "doc.json"
    doc.write_bytes(first.stdout)
    out = tmp_path / "out.arrows"
    r = cli("from-json", str(doc), str(out))
    assert r.returncode == 0, r.stderr
    assert read_stream(out.read_bytes())[1][0].equals(batch)
    assert json.loads(cli("to-json", str(out)).stdout) == json.loads(first.stdout)
    legacy = tmp_path / "legacy.arrows"
    assert cli("from-json", str(doc), str(legacy), "--legacy").returncode == 0
    assert not legacy.read_bytes().startswith(b"\xff\xff\xff\xff")


@pytest.mark.parametrize("args,stdin,needle", [
    (("to-json", "-"), b"\x01\x02\x03", "truncated"),
    (("to-json", "-"), b"", "empty stream"),
    (("to-json", "/nonexistent/file.arrows"), b"", "No such file"),
])
def test_bad_input_gives_one_error_line(args, stdin: bytes, needle: str) -> None:
    assert needle in one_error_line(cli(*args, stdin=stdin))


def test_from_json_rejects_bad_documents(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    one_error_line(cli("from-json", str(bad), str(tmp_path / "o")))
    bad.write_text(json.dumps({"schema": {"fields": [{"name": "x", "type": {"name": "nope"}}]}, "batches": []}))
    assert "nope" in one_error_line(cli("from-json", str(bad), str(tmp_path / "o")))
    bad.write_text(json.dumps({"schema": {"fields": [{"name": "x", "nullable": True, "type": {"name": "int",
                   "bitWidth": 8, "isSigned": True}, "children": []}]}, "batches": [{"length": 1, "columns": [[999]]}]}))
    assert "int8" in one_error_line(cli("from-json", str(bad), str(tmp_path / "o")))


def test_bad_usage_exits_2_with_the_usage_on_one_line() -> None:
    r = cli("frobnicate")
    assert r.returncode == 2
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: bad arguments; usage:")
