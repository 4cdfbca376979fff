"""Threads that user code leaves running after its run ended must not write into the connection: not between
runs (the host would read a frame it does not expect), and not into a later run under that run's context
(pyjava's stale-context defect). Each thread is driven by files the test creates, never by sleeps.

The worker clears a run's globals after the run, so the threads here take what they need as default
arguments (a thread that reads the run's globals after its run ended finds them gone; docs/protocol.md, 2.5)."""

from __future__ import annotations

import os
import time

import pytest

from _fake_host import FakeHost

# Run 1 starts a thread that waits for `go`, then logs through run 1's data_manager and through the sys.stderr
# that run 1 saw (as a logging handler made during the run would), then creates `done`.
_START_THREAD = """
import os, sys, threading, time
go, done = data_manager.conf['GO'], data_manager.conf['DONE']
mine = data_manager
stderr_of_run = sys.stderr
def later(os=os, time=time, go=go, done=done, mine=mine, stderr_of_run=stderr_of_run):
    for _ in range(3000):
        if os.path.exists(go):
            break
        time.sleep(0.01)
    mine.log('stale log from the first run')
    print('stale print to the first run stderr', file=stderr_of_run)
    stderr_of_run.flush()
    open(done, 'w').close()
threading.Thread(target=later, daemon=True).start()
data_manager.set_output({'n': [1]})
"""


def _wait_for(path: str) -> None:
    deadline = time.monotonic() + 30  # the thread's own wait is bounded at 30 s too
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            pytest.fail(f"the user thread never got as far as {path}")
        time.sleep(0.01)


@pytest.fixture()
def host():
    h = FakeHost()
    yield h
    h.close()


def test_a_thread_of_an_ended_run_writes_nothing_between_runs(host, tmp_path):
    go, done = str(tmp_path / "go"), str(tmp_path / "done")
    conn = host.connect()
    first = conn.run(_START_THREAD, [], conf={"GO": go, "DONE": done})
    assert first.error is None, first.error
    open(go, "w").close()
    _wait_for(done)
    # Had the thread written a LOG frame between runs, the host would read it instead of the PONG.
    assert conn.ping()
    second = conn.run("data_manager.set_output({'n': [2]})", [])
    assert second.error is None, second.error
    assert second.rows() == {"n": [2]}
    assert second.logs == []
    conn.close()


def test_a_thread_of_an_ended_run_never_logs_under_a_later_runs_context(host, tmp_path):
    go, done = str(tmp_path / "go"), str(tmp_path / "done")
    conn = host.connect()
    first = conn.run(_START_THREAD, [], conf={"GO": go, "DONE": done, "GROUP_ID": "g-1"})
    assert first.error is None, first.error
    # Run 2 releases the thread and waits for it: whatever it logs now happens during run 2.
    second = conn.run(
        "import os, time\n"
        f"open({go!r}, 'w').close()\n"
        "for _ in range(3000):\n"
        f"    if os.path.exists({done!r}):\n"
        "        break\n"
        "    time.sleep(0.01)\n"
        "print('run two prints')\n"
        "data_manager.set_output({'n': [2]})\n",
        [], conf={"GROUP_ID": "g-2"})
    assert second.error is None, second.error
    messages = [l["message"] for l in second.logs]
    # The first run's data_manager is not run 2's: its line is not sent as run 2's. What was printed to the
    # first run's stderr is plain stderr output now, so it goes to run 2's stderr (the current one).
    assert "stale log from the first run" not in messages
    assert "stale print to the first run stderr" in messages
    assert "run two prints" in messages
    assert conn.ping()
    conn.close()


def test_output_from_a_thread_of_an_ended_run_is_refused(host, tmp_path):
    go, result = str(tmp_path / "go"), str(tmp_path / "result")
    conn = host.connect()
    code = (
        "import os, threading, time\n"
        "mine = data_manager\n"
        "def later(os=os, time=time, mine=mine):\n"
        "    for _ in range(3000):\n"
        f"        if os.path.exists({go!r}):\n"
        "            break\n"
        "        time.sleep(0.01)\n"
        "    try:\n"
        "        mine.set_output({'late': [1]})\n"
        "        outcome = 'accepted'\n"
        "    except Exception as e:\n"
        "        outcome = type(e).__name__ + ': ' + str(e)\n"
        f"    with open({result!r} + '.tmp', 'w') as f:\n"
        "        f.write(outcome)\n"
        f"    os.rename({result!r} + '.tmp', {result!r})\n"
        "threading.Thread(target=later, daemon=True).start()\n"
        "data_manager.noops_fetch()\n"  # the run itself sends no output: the thread's set_output is its first
    )
    assert conn.run(code, []).error is None
    open(go, "w").close()
    _wait_for(result)
    with open(result) as f:
        outcome = f.read()
    assert outcome.startswith("DataManagerError") and "ended" in outcome, outcome
    assert conn.ping()
    assert conn.run("data_manager.set_output({'n': [3]})", []).rows() == {"n": [3]}
    conn.close()


def _stderr_log_of(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/fd/2")


def test_c_level_output_of_a_reused_worker_is_kept_to_its_tail_between_runs(host):
    conn = host.connect()
    path = _stderr_log_of(conn.pid)
    spew = "import os\nos.write(2, b'x' * 3_000_000 + b'\\nend of run %d\\n')\ndata_manager.noops_fetch()\n"
    for i in range(3):
        out = conn.run(spew.replace("%d", str(i)), [])
        assert out.error is None, out.error
    assert conn.ping()  # answered after the release, so the log has been trimmed by now
    size = os.path.getsize(path)
    assert size < 64 * 1024, f"the worker's stderr log holds {size} bytes after 9 MB of output"
    with open(path, "rb") as f:
        assert f.read().endswith(b"end of run 2\n")
    # A crash still reports the tail, with what was written after the trim.
    out = conn.run("import os\nos.write(2, b'last words\\n')\nos._exit(3)\n", [])
    event = host.wait_exit_event(conn.pid)
    assert event["exit_code"] == 3
    assert "last words" in event["stderr_tail"]
