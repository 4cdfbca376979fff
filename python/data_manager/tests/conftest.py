"""Shared test setup: where the interop harness lives, and markers for optional dependencies.

Markers (skip with the reason printed when the dependency is absent):
``requires_numpy`` (numpy importable and not disabled by ``DATA_MANAGER_NO_NUMPY=1``),
``requires_pandas``, ``requires_node`` (node + the oracle in ``../shared/arrow-interop/tools``),
``requires_shared`` (the gold/fuzz files in ``../shared/arrow-interop``).
``DATABRIDGE_ORACLE_TOOLS`` may name another copy of ``arrow-interop/tools`` (one with its
``node_modules`` installed) when the shared one has none.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import List, Optional

import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from data_manager._arrow.compat import numpy_or_none  # noqa: E402


def _repo_root() -> Optional[Path]:
    for p in [HERE, *HERE.parents]:
        if (p / "DataBridge.sln").is_file():
            return p
    return None


REPO_ROOT = _repo_root()
INTEROP = (REPO_ROOT / ".." / "shared" / "arrow-interop").resolve() if REPO_ROOT else None
TOOLS = (Path(os.environ["DATABRIDGE_ORACLE_TOOLS"]) if os.environ.get("DATABRIDGE_ORACLE_TOOLS") else INTEROP / "tools") if INTEROP else None
NODE = shutil.which("node")


def shared_missing() -> Optional[str]:
    if INTEROP is None:
        return "repository root (DataBridge.sln) not found"
    if not (INTEROP / "gold").is_dir():
        return f"{INTEROP} is absent (the shared interop harness)"
    return None


def node_missing() -> Optional[str]:
    why = shared_missing()
    if why:
        return why
    if NODE is None:
        return "node is not installed"
    assert TOOLS is not None
    if not (TOOLS / "node_modules").is_dir():
        return f"the oracle's node_modules are missing (run npm ci in {TOOLS})"
    return None


def pandas_missing() -> Optional[str]:
    if numpy_or_none() is None:
        return "numpy is unavailable (not installed or DATA_MANAGER_NO_NUMPY=1)"
    try:
        import pandas  # noqa: F401
    except ImportError:
        return "pandas is not installed"
    return None


def numpy_missing() -> Optional[str]:
    if numpy_or_none() is None:
        return "numpy is unavailable (not installed or DATA_MANAGER_NO_NUMPY=1)"
    return None


def gold_files(pattern: str) -> List[Path]:
    """Gold files matching ``pattern`` under gold/ and gold/versions/*/ (empty when absent)."""
    if shared_missing():
        return []
    assert INTEROP is not None
    gold = INTEROP / "gold"
    return sorted(gold.glob(pattern)) + sorted(gold.glob("versions/*/" + pattern))


def gold_id(p: Path) -> str:
    assert INTEROP is not None
    return str(p.relative_to(INTEROP / "gold"))


_CHECKS = {
    "requires_numpy": numpy_missing,
    "requires_pandas": pandas_missing,
    "requires_node": node_missing,
    "requires_shared": shared_missing,
}


def pytest_configure(config: pytest.Config) -> None:
    for name, check in _CHECKS.items():
        config.addinivalue_line("markers", f"{name}: skip unless available ({check.__name__})")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name, check in _CHECKS.items():
        if item.get_closest_marker(name) is not None:
            why = check()
            if why:
                pytest.skip(why)


@pytest.fixture
def interop() -> Path:
    why = shared_missing()
    if why:
        pytest.skip(why)
    assert INTEROP is not None
    return INTEROP


def child_env() -> dict:
    """Environment for ``python -m data_manager.arrow`` subprocesses (package on the path)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env
