"""A reused worker keeps nothing of a finished run (docs/protocol.md, 2.5): its globals, frames and
tracebacks are unreachable and its memory is back with the OS before the next frame is read."""

from __future__ import annotations

import gc
import hashlib
import linecache
import sys
import types

import pytest

from _fake_host import FakeHost, InProcessWorker

PROBE = "databridge_release_probe"

# Each snippet leaves a Payload only reachable through what the run left behind: a function defined by the
# code (globals <-> function cycle), a caught exception kept in a global (traceback -> module frame ->
# globals), a local of the frame that raised (traceback of the reported error), sys.last_value.
DEFINES_A_FUNCTION = f"""
import sys, weakref
class Payload:
    pass
payload = Payload()
sys.modules["{PROBE}"].refs.append(weakref.ref(payload))
def helper():
    return payload
data_manager.noops_fetch()
"""

KEEPS_A_CAUGHT_ERROR = f"""
import sys, weakref
class Payload:
    pass
payload = Payload()
sys.modules["{PROBE}"].refs.append(weakref.ref(payload))
try:
    raise KeyError("caught")
except KeyError as e:
    saved = e
"""

RAISES = f"""
import sys, weakref
class Payload:
    pass
def fail():
    local = Payload()
    sys.modules["{PROBE}"].refs.append(weakref.ref(local))
    raise ValueError("raised with a payload in its frame")
module_level = Payload()
sys.modules["{PROBE}"].refs.append(weakref.ref(module_level))
fail()
"""

SETS_SYS_LAST = f"""
import sys, weakref
class Payload:
    pass
p = Payload()
sys.modules["{PROBE}"].refs.append(weakref.ref(p))
sys.last_value = p
"""


@pytest.fixture()
def probe():
    """A module the run's code reaches (sys.modules) holding weak references to its objects; automatic
    collection off, so only the worker's own collection can free a cycle."""
    module = types.ModuleType(PROBE)
    module.refs = []
    sys.modules[PROBE] = module
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield module
    finally:
        if was_enabled:
            gc.enable()
        del sys.modules[PROBE]


@pytest.fixture()
def worker():
    w = InProcessWorker()
    yield w
    w.close()


@pytest.mark.parametrize("code, raised", [
    (DEFINES_A_FUNCTION, None),
    (KEEPS_A_CAUGHT_ERROR, None),
    (RAISES, "ValueError"),
    (SETS_SYS_LAST, None),
], ids=["defines_a_function", "keeps_a_caught_error", "raises", "sets_sys_last_value"])
def test_reused_worker_keeps_nothing_of_the_previous_run(probe, worker, code, raised):
    out = worker.conn.run(code, [])
    assert (out.error or {}).get("type") == raised, out.error
    assert out.reusable
    # The worker reads the PING only after releasing the run: once PONG is back the release is done.
    assert worker.conn.ping()
    assert probe.refs, "the run's code recorded its objects"
    alive = [r for r in probe.refs if r() is not None]
    assert not alive, f"{len(alive)} of the run's objects are still reachable after the run"
    assert not hasattr(sys, "last_value")
    assert worker.conn.run(DEFINES_A_FUNCTION, []).reusable, "the worker still runs code afterwards"


def test_a_run_does_not_see_the_previous_runs_globals(worker):
    worker.conn.run("leftover = 1\ndata_manager.noops_fetch()", [])
    out = worker.conn.run("data_manager.set_output({'seen': ['leftover' in globals()]})", [])
    assert out.rows() == {"seen": [False]}


def test_linecache_forgets_code_evicted_from_the_code_cache(worker):
    codes = [f"data_manager.noops_fetch()  # variant {i}" for i in range(70)]
    for code in codes:
        assert worker.conn.run(code, []).reusable
    names = {f"<databridge-{hashlib.sha256(c.encode()).hexdigest()[:12]}>" for c in codes}
    held = names & set(linecache.cache)
    assert len(held) == 64, f"linecache holds {len(held)} of the 70 code texts; the code cache holds 64"


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise AssertionError(f"no VmRSS for {pid}")


# Each holds about 300 MB in a module-level name after the run, in a different kind of memory: one large
# buffer (its own mmap), many 1 KB bytes objects (the C heap), a pandas frame of small strings (pymalloc
# arenas and the heap); with a function defined or an error raised and caught, so that only clearing the
# namespace and collecting frees them.
HOLDERS = {
    "buffer_with_function": "big = bytearray(300 * 1024 * 1024)\ndef helper():\n    return big\n",
    "small_objects_with_caught_error": (
        "big = [bytes(1000) for _ in range(300_000)]\n"
        "try:\n    raise ValueError('x')\nexcept ValueError as e:\n    saved = e\n"),
    "buffer_then_raise": "big = bytearray(300 * 1024 * 1024)\ndef helper():\n    return big\nraise RuntimeError('after allocating')\n",
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/status")
@pytest.mark.parametrize("name", sorted(HOLDERS))
def test_reused_worker_rss_returns_to_its_baseline_after_each_run(name):
    host = FakeHost()
    try:
        conn = host.connect()
        conn.run("data_manager.noops_fetch()", [])
        assert conn.ping()
        baseline = _rss_mb(conn.pid)
        after = []
        for _ in range(3):
            conn.run(HOLDERS[name], [])
            assert conn.ping()  # answered after the release
            after.append(_rss_mb(conn.pid))
        print(f"{name}: baseline {baseline:.0f} MB, after runs 1-3: {', '.join(f'{a:.0f}' for a in after)} MB")
        assert max(after) - baseline < 50, f"baseline {baseline:.0f} MB, after each run {after}"
        conn.close()
    finally:
        host.close()


@pytest.mark.requires_pandas
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/status")
def test_reused_worker_rss_returns_to_its_baseline_after_a_pandas_run():
    host = FakeHost()
    try:
        conn = host.connect()
        conn.run("import pandas as pd\ndata_manager.noops_fetch()", [])
        assert conn.ping()
        baseline = _rss_mb(conn.pid)
        after = []
        code = "import pandas as pd\nbig = pd.DataFrame({'s': [str(i) for i in range(3_000_000)]})\ndef helper():\n    return big\n"
        for _ in range(3):
            assert conn.run(code, []).error is None
            assert conn.ping()
            after.append(_rss_mb(conn.pid))
        print(f"pandas: baseline {baseline:.0f} MB, after runs 1-3: {', '.join(f'{a:.0f}' for a in after)} MB")
        assert max(after) - baseline < 50, f"baseline {baseline:.0f} MB, after each run {after}"
        conn.close()
    finally:
        host.close()
