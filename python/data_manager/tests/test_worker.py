"""The worker and daemon (docs/protocol.md) against a host written in Python: no .NET needed."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time

import pytest

from data_manager import _protocol as P
from data_manager._arrow import RecordBatch

from _fake_host import FakeHost, InProcessWorker, RunOutcome

IDENTITY = "data_manager.set_output(list(data_manager.fetch_once_as_batches()))"


@pytest.fixture()
def host():
    h = FakeHost()
    yield h
    h.close()


def batch(**columns):
    return RecordBatch.from_pydict(columns)


def test_identity_run_returns_input_and_trailer(host):
    conn = host.connect()
    out = conn.run(IDENTITY, [batch(a=[1, 2, None], s=["x", None, "z"])])
    assert out.error is None, out.error
    assert out.rows() == {"a": [1, 2, None], "s": ["x", None, "z"]}
    assert out.trailer == (3, 1)
    assert out.reusable
    assert set(out.timing) == {"boot_ms", "init_ms", "run_ms", "finish_ms", "output_set"}
    assert out.timing["output_set"] is True
    conn.close()


def test_run_context_is_never_stale_on_a_reused_worker(host):
    conn = host.connect()
    code = (
        "data_manager.log('group ' + data_manager.conf['GROUP_ID'])\n"
        "data_manager.noops_fetch()\n"
        "data_manager.set_output({'group': [data_manager.conf['GROUP_ID']]})\n"
    )
    first = conn.run(code, [], conf={"GROUP_ID": "g-1", "OWNER": "a"})
    second = conn.run(code, [], conf={"GROUP_ID": "g-2", "OWNER": "b"})
    assert first.rows() == {"group": ["g-1"]}
    assert second.rows() == {"group": ["g-2"]}
    assert [l["message"] for l in first.logs] == ["group g-1"]
    assert [l["message"] for l in second.logs] == ["group g-2"]
    conn.close()


def test_code_is_sent_once_and_cached_by_hash(host):
    conn = host.connect()
    one = conn.run(IDENTITY, [batch(a=[1])])
    two = conn.run(IDENTITY, [batch(a=[2])])  # the header carries only the hash now
    assert one.rows() == {"a": [1]} and two.rows() == {"a": [2]}
    conn.close()


def test_code_that_never_reads_its_input_leaves_the_worker_reusable(host):
    conn = host.connect()
    big = [batch(a=list(range(50_000))) for _ in range(8)]
    out = conn.run("data_manager.set_output({'n': [1]})", big)
    assert out.reusable and out.rows() == {"n": [1]}
    again = conn.run(IDENTITY, [batch(a=[7])])
    assert again.rows() == {"a": [7]}
    conn.close()


def test_python_exception_comes_back_structured_and_worker_stays_usable(host):
    conn = host.connect()
    out = conn.run("def f():\n    raise ValueError('bad value 42')\nf()", [batch(a=[1])])
    assert out.error["type"] == "ValueError"
    assert out.error["message"] == "bad value 42"
    assert "line 2, in f" in out.error["traceback"]
    assert out.reusable
    assert conn.run(IDENTITY, [batch(a=[3])]).rows() == {"a": [3]}
    conn.close()


def test_print_and_stderr_become_log_frames_of_the_run(host):
    conn = host.connect()
    out = conn.run("import sys\nprint('hello', 1)\nsys.stderr.write('warn\\n')\ndata_manager.noops_fetch()", [])
    assert [(l["stream"], l["message"]) for l in out.logs] == [("stdout", "hello 1"), ("stderr", "warn")]
    conn.close()


def test_sys_exit_reports_and_ends_the_worker_with_its_code(host):
    conn = host.connect()
    out = conn.run("import sys\nsys.exit(3)", [])
    assert out.error["type"] == "SystemExit" and not out.reusable
    event = host.wait_exit_event(conn.pid)
    assert event["exit_code"] == 3


def test_segfault_is_reported_with_signal_and_python_stack(host):
    conn = host.connect()
    out = conn.run("import ctypes\nctypes.string_at(0)", [])
    assert not out.reusable and out.error is None
    event = host.wait_exit_event(conn.pid)
    assert event["signal"] == signal.SIGSEGV
    assert "Fatal Python error" in event["stderr_tail"]


def test_kill_command_ends_a_looping_worker(host):
    conn = host.connect()
    conn.writer.write_control(P.RUN_HEADER, {"code_hash": __import__("hashlib").sha256(b"while True: pass").hexdigest(),
                                             "code": "while True: pass", "conf": {}})
    conn.writer.flush()
    time.sleep(0.2)
    host.kill(conn.pid)
    event = host.wait_exit_event(conn.pid)
    assert event["signal"] == signal.SIGKILL


def test_wrong_token_is_closed_without_a_reply(host):
    sock = host.dial(10)
    bad = b"0" * 64
    sock.sendall(P.MAGIC + P.INT32.pack(P.PROTOCOL_VERSION) + P.INT32.pack(len(bad)) + bad)
    assert sock.recv(16) == b""
    sock.close()


def test_ping_is_answered_between_runs(host):
    conn = host.connect()
    assert conn.ping()
    conn.run(IDENTITY, [batch(a=[1])])
    assert conn.ping()
    conn.close()


def test_memory_limit_surfaces_as_memory_error_and_next_run_works():
    host = FakeHost(memory_limit_mb=1024)
    try:
        conn = host.connect()
        out = conn.run("x = bytearray(2 * 1024 * 1024 * 1024)", [])
        assert out.error is not None and out.error["type"] == "MemoryError"
        assert conn.run(IDENTITY, [batch(a=[5])]).rows() == {"a": [5]}
        conn.close()
    finally:
        host.close()


def test_daemon_stdin_eof_kills_every_worker():
    host = FakeHost()
    conn = host.connect()
    pid = conn.pid
    host.close()  # closes stdin: the host "died"
    deadline = time.monotonic() + 30  # a worker alive after 30 s is a leak, not a slow machine
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"worker {pid} outlived its daemon")
    assert host.proc.returncode is not None


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for a reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def test_imported_module_api_acts_on_the_current_run(host):
    conn = host.connect()
    code = ("import data_manager as dm\n"
            "rows = [b.num_rows for b in dm.fetch_once_as_batches()]\n"
            "dm.set_output({'rows': [sum(rows)], 'owner': [dm.conf['OWNER']]})\n")
    out = conn.run(code, [batch(a=[1, 2]), batch(a=[3])], conf={"OWNER": "me"})
    assert out.rows() == {"rows": [3], "owner": ["me"]}
    conn.close()


def test_module_api_outside_a_run_raises_a_clear_error():
    import data_manager
    from data_manager import DataManagerError

    with pytest.raises(DataManagerError, match="no DataBridge run is in progress"):
        data_manager.fetch_once()
    with pytest.raises(DataManagerError):
        data_manager.conf


def test_run_header_servers_reach_data_servers_in_user_code(host):
    conn = host.connect()
    code = ("eps = data_manager.data_servers()\n"
            "data_manager.set_output({'port': [e.port for e in eps], 'partition': [e.partition for e in eps]})\n")
    out = conn.run(code, [], extra_header={"data_server": {"host": "127.0.0.1", "port": 4242, "partitions": 2, "token": "ab"}})
    assert out.error is None, out.error
    assert out.rows() == {"port": [4242, 4242], "partition": [0, 1]}
    conn.close()


def test_boot_time_counts_from_the_fork_not_the_daemons_start(host):
    time.sleep(1.0)  # the daemon is now over a second old
    before_fork = time.monotonic()
    conn = host.connect()
    first = conn.run(IDENTITY, [batch(a=[1])])
    since_fork_ms = (time.monotonic() - before_fork) * 1000.0
    second = conn.run(IDENTITY, [batch(a=[1])])
    # Bounded by what this test saw since it asked for the fork, not by a fixed figure: on a loaded machine the
    # fork itself may take long, but a boot time counted from the daemon's start would exceed this bound.
    assert 0 < first.timing["boot_ms"] <= since_fork_ms
    assert second.timing["boot_ms"] == 0
    conn.close()


# -- user errors are never the worker's protocol failure (issue 13, item 2) -------------------------------

REFUSED_BY_A_SERVER = """
import socket, threading
import data_manager_client
from data_manager_client import DataServerEndpoint
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
def refuse():
    conn, _ = listener.accept()
    got = b""
    while len(got) < 76:  # the whole handshake (magic, version, length, 64-character token): no reset on close
        part = conn.recv(76 - len(got))
        if not part:
            break
        got += part
    conn.close()  # a wrong token is answered by closing the connection without a byte
threading.Thread(target=refuse, daemon=True).start()
endpoint = DataServerEndpoint("127.0.0.1", listener.getsockname()[1], 0, "00" * 32)
list(data_manager_client.fetch_batches(endpoint, timeout=10))
"""


def test_protocol_error_of_a_refused_client_connection_is_the_runs_error_and_worker_stays(host):
    conn = host.connect()
    out = conn.run(REFUSED_BY_A_SERVER, [batch(a=[1])])
    assert out.error is not None and out.error["type"] == "ProtocolError", out.error
    assert out.reusable
    assert conn.run(IDENTITY, [batch(a=[4])]).rows() == {"a": [4]}
    conn.close()


def test_protocol_error_raised_by_user_code_is_the_runs_error_and_worker_stays(host):
    conn = host.connect()
    out = conn.run("from data_manager import ProtocolError\nraise ProtocolError('wrong token')", [])
    assert out.error["type"] == "ProtocolError" and out.error["message"] == "wrong token"
    assert out.reusable
    assert conn.run(IDENTITY, [batch(a=[5])]).rows() == {"a": [5]}
    conn.close()


def _send_run_with_bad_trailer(conn, code):
    import hashlib

    from data_manager._arrow import StreamWriter

    conn.writer.write_control(P.RUN_HEADER, {"code_hash": hashlib.sha256(code.encode()).hexdigest(), "code": code, "conf": {}})
    w = StreamWriter(conn.writer.data, batch(a=[1, 2]).schema)
    w.write_batch(batch(a=[1, 2]))
    w.close()
    conn.writer.write_control(P.TRAILER, (99, 1))  # the stream held 2 rows
    conn.writer.write_control(P.END_OF_DATA)
    conn.writer.flush()


@pytest.mark.parametrize("code", [
    "data_manager.noops_fetch()",
    "try:\n    data_manager.noops_fetch()\nexcept Exception:\n    pass  # swallowing the failure does not hide it",
], ids=["reported", "swallowed_by_user_code"])
def test_host_breaking_the_input_protocol_ends_the_worker(host, code):
    conn = host.connect()
    _send_run_with_bad_trailer(conn, code)
    outcome = RunOutcome()
    conn._receive(outcome)
    assert not outcome.reusable
    event = host.wait_exit_event(conn.pid)
    assert event["exit_code"] == 1
    assert "input truncated or altered" in event["stderr_tail"]


# -- every frame the Python side sends is bounded (issue 13, item 6) ---------------------------------------

def test_truncate_text_keeps_short_text_and_marks_what_it_cut():
    assert P.truncate_text("abc", 3) == "abc"
    assert P.truncate_text("abcdef", 3) == "abc… [truncated 3 characters]"
    assert P.truncate_text("x" * 80_000_000, 1000).endswith("… [truncated 79,999,000 characters]")
    cut = P.truncate_text("head" + "-" * 100 + "tail", 10, keep_tail=True)
    assert cut.startswith("head-") and cut.endswith("tail") and "[truncated 98 characters]" in cut


def test_frame_writer_refuses_an_oversized_control_frame_before_writing_a_byte():
    from data_manager._transport import FrameWriter
    from data_manager.exceptions import ProtocolError

    a, b = socket.socketpair()
    with a, b:
        with pytest.raises(ProtocolError, match="exceeds"):
            FrameWriter(a).write_control(P.LOG, {"message": "x" * (P.MAX_CONTROL_FRAME_BYTES + 1)})
        b.setblocking(False)
        with pytest.raises(BlockingIOError):
            b.recv(1)


@pytest.fixture()
def inproc():
    w = InProcessWorker()
    yield w
    w.close()


def test_an_80_mb_print_becomes_one_truncated_log_record_and_the_run_succeeds(inproc):
    out = inproc.conn.run("print('x' * 80_000_000)\ndata_manager.set_output({'ok': [1]})", [])
    assert out.error is None, out.error
    assert out.rows() == {"ok": [1]}
    [record] = out.logs
    dropped = 80_000_000 - P.MAX_TEXT_CHARS
    assert record["message"] == "x" * P.MAX_TEXT_CHARS + f"… [truncated {dropped:,} characters]"
    assert out.reusable


def test_a_huge_log_message_and_non_ascii_worst_case_stay_within_the_frame_limit(inproc):
    # 12 bytes of JSON per character (a surrogate pair escaped): the worst case for the frame size.
    code = "data_manager.log('\\U0001F600' * 3_000_000)\nprint('\\udc80' * 3_000_000)\ndata_manager.noops_fetch()"
    out = inproc.conn.run(code, [])
    assert out.error is None, out.error
    assert [len(r["message"]) > P.MAX_TEXT_CHARS for r in out.logs] == [True, True]
    assert all("characters]" in r["message"][-40:] for r in out.logs)
    assert out.reusable


def test_a_160_mb_exception_message_is_truncated_and_the_worker_stays(inproc):
    out = inproc.conn.run("def fail():\n    raise ValueError('y' * 160_000_000)\nfail()", [])
    assert out.error["type"] == "ValueError"
    assert out.error["message"].endswith(f"… [truncated {160_000_000 - P.MAX_TEXT_CHARS:,} characters]")
    assert len(out.error["message"]) < P.MAX_TEXT_CHARS + 100
    assert len(out.error["traceback"]) < 2 * P.MAX_TEXT_CHARS
    assert "in fail" in out.error["traceback"] and "characters]" in out.error["traceback"]
    assert out.reusable
    assert inproc.conn.run(IDENTITY, [batch(a=[6])]).rows() == {"a": [6]}


def test_an_exception_whose_str_raises_is_still_reported_and_the_worker_stays(inproc):
    code = "class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError('no str')\nraise Odd()"
    out = inproc.conn.run(code, [])
    assert out.error["type"] == "Odd"
    assert "Odd" in out.error["message"]
    assert out.reusable
    assert inproc.conn.run(IDENTITY, [batch(a=[8])]).rows() == {"a": [8]}


def test_daemon_drops_an_endless_command_line_and_keeps_serving(host):
    assert host.proc.stdin is not None
    host.proc.stdin.write(b"k" * 100_000)  # no newline
    host.proc.stdin.write(b"\n")
    host.proc.stdin.flush()
    with host._events_lock:
        assert host._events_lock.wait_for(
            lambda: any("longer than" in str(e.get("message")) for e in host.events), 10), host.events
    conn = host.connect()
    assert conn.run(IDENTITY, [batch(a=[9])]).rows() == {"a": [9]}
    conn.close()


def test_timing_says_output_was_not_set_when_the_code_never_calls_set_output(host):
    conn = host.connect()
    out = conn.run("data_manager.noops_fetch()", [batch(a=[1])])
    assert out.error is None and out.reusable
    assert out.timing["output_set"] is False
    assert out.rows() == {}
    conn.close()


def test_traceback_names_the_code_by_its_code_name_with_source_lines(host):
    conn = host.connect()
    code = "def f():\n    raise ValueError('bad')\nf()\n"
    out = conn.run(code, [], extra_header={"code_name": "jobs/enrich.py"})
    tb = out.error["traceback"]
    assert 'File "jobs/enrich.py", line 2, in f' in tb, tb
    assert "raise ValueError('bad')" in tb, tb
    assert "<databridge-" not in tb
    # The same code (sent by hash only now) under another name is named by that name.
    again = conn.run(code, [], extra_header={"code_name": "other.py"})
    assert 'File "other.py", line 2, in f' in again.error["traceback"], again.error["traceback"]
    # And without a name, by its hash.
    unnamed = conn.run(code, [])
    assert 'File "<databridge-' in unnamed.error["traceback"]
    conn.close()


def test_a_code_name_with_a_newline_is_ignored(host):
    conn = host.connect()
    out = conn.run("raise KeyError('k')", [], extra_header={"code_name": "a\nb.py"})
    assert 'File "<databridge-' in out.error["traceback"], out.error["traceback"]
    conn.close()
