"""The package builds a wheel offline (pip wheel --no-build-isolation) holding both import packages."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def _have(module: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def test_wheel_builds_offline_with_both_packages_and_py_typed(tmp_path):
    for module in ("pip", "setuptools", "wheel"):
        if not _have(module):
            pytest.skip(f"{module} is not installed for {sys.executable}: cannot build a wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index", "-w", str(tmp_path), str(PROJECT)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(tmp_path.glob("data_manager-*.whl"))
    assert len(wheels) == 1, list(tmp_path.iterdir())
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    for expected in ("data_manager/__init__.py", "data_manager/_worker.py", "data_manager/_daemon.py",
                     "data_manager/_arrow/reader.py", "data_manager/py.typed", "data_manager_client/__init__.py"):
        assert expected in names, sorted(names)
