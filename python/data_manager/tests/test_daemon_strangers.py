"""A stranger at the daemon's port (docs/security.md): connections that do not present the token cost no
process, are bounded, time out, and learn nothing; the host's own runs go on meanwhile."""

from __future__ import annotations

import os
import socket
import stat
import tempfile
import time
from typing import List

import pytest

from data_manager import _protocol as P
from data_manager._arrow import RecordBatch

from _fake_host import FakeHost

# Every stranger test runs against both worker transports (docs/security.md).
TRANSPORTS = pytest.mark.parametrize("transport", ["unix", "tcp"])

IDENTITY = "data_manager.set_output(list(data_manager.fetch_once_as_batches()))"
# Generous bound on what should take milliseconds, for a loaded 2-core machine; never a synchronisation.
NO_HANG = 20.0


def _children(pid: int) -> List[int]:
    """The live (non-zombie) workers of daemon ``pid`` (Linux /proc): its children that lead a process group
    of their own. The daemon's janitor, a child in the daemon's own group, is not a worker."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid and int(fields[2]) == int(entry):
            found.append(int(entry))
    return found


def _stranger(host: FakeHost, payload: bytes = b"") -> socket.socket:
    s = host.dial(NO_HANG)
    if payload:
        s.sendall(payload)
    return s


def _bytes_until_closed(s: socket.socket, within: float = NO_HANG) -> int:
    """Bytes the daemon sent before closing ``s``; fails when it did not close it within ``within``."""
    s.settimeout(within)
    total = 0
    try:
        while True:
            part = s.recv(4096)
            if not part:
                return total
            total += len(part)
    except ConnectionResetError:
        return total
    except socket.timeout:
        pytest.fail(f"the daemon did not close a stranger's connection within {within} s")


def _is_open(s: socket.socket) -> bool:
    """Whether the daemon still holds ``s`` open (looked at without waiting)."""
    timeout = s.gettimeout()
    s.setblocking(False)
    try:
        return s.recv(1) != b""
    except BlockingIOError:
        return True
    except ConnectionResetError:
        return False
    finally:
        s.settimeout(timeout)


def _handshake(token: bytes, magic: bytes = P.MAGIC, version: int = P.PROTOCOL_VERSION, length: int = -1) -> bytes:
    return magic + P.INT32.pack(version) + P.INT32.pack(len(token) if length < 0 else length) + token


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="counts processes through /proc (Linux)")


@TRANSPORTS
def test_daemon_unauthenticated_connections_fork_no_process(transport):
    host = FakeHost(transport=transport)
    strangers = []
    try:
        daemon_pid = host.hello["pid"]
        for i in range(30):
            strangers.append(_stranger(host, b"" if i % 3 == 0 else _handshake(os.urandom(32).hex().encode())))
        # The daemon accepts in order: once this connection is answered, it has handled all 30 before it.
        conn = host.connect()
        assert sorted(_children(daemon_pid)) == [conn.pid], "the daemon forked for unauthenticated connections"
        assert not [e for e in host.events if e.get("event") == "exit"], "a stranger's connection had a process"
        conn.close()
    finally:
        for s in strangers:
            s.close()
        host.close()


@pytest.mark.parametrize("payload", [
    _handshake(b"0" * 64),                                  # wrong token
    _handshake(b""),                                        # missing token
    _handshake(b"0" * 64, magic=b"HTTP"),                   # wrong magic
    _handshake(b"0" * 64, version=99),                      # wrong version
    _handshake(b"", length=2 ** 31 - 1),                    # a 2 GiB token length
    _handshake(b"", length=-5),                             # a negative token length
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",                 # not the protocol at all
], ids=["wrong", "missing", "magic", "version", "huge", "negative", "http"])
@TRANSPORTS
def test_daemon_bad_handshake_closed_without_a_byte(payload, transport):
    host = FakeHost(transport=transport)
    try:
        s = _stranger(host, payload)
        assert _bytes_until_closed(s) == 0
        s.close()
        conn = host.connect()  # the daemon still serves its host
        assert conn.run(IDENTITY, [RecordBatch.from_pydict({"a": [1]})]).rows() == {"a": [1]}
        conn.close()
    finally:
        host.close()


@TRANSPORTS
def test_daemon_right_token_wrong_case_rejected(transport):
    host = FakeHost(transport=transport)
    try:
        s = _stranger(host, _handshake(host.token.upper().encode()))
        assert _bytes_until_closed(s) == 0
        s.close()
    finally:
        host.close()


@TRANSPORTS
def test_daemon_silent_and_trickling_connections_closed_at_the_handshake_deadline(transport):
    host = FakeHost(transport=transport, extra_env={P.ENV_HANDSHAKE_TIMEOUT_MS: "1000"})
    try:
        started = time.monotonic()
        silent = [_stranger(host) for _ in range(10)]
        # The right token, one byte every 50 ms (3.8 s in all): the deadline, fixed at accept, still cuts it.
        trickler = _stranger(host)
        sent = 0
        for b in _handshake(host.token.encode()):
            try:
                trickler.sendall(bytes([b]))
            except OSError:
                break
            if not _is_open(trickler):
                break
            sent += 1
            time.sleep(0.05)  # pacing the stranger, not synchronising
        closed = [_bytes_until_closed(s, within=8.0) for s in silent + [trickler]]
        elapsed = time.monotonic() - started
        assert closed == [0] * 11
        assert sent < len(_handshake(host.token.encode())), "the trickler completed its handshake"
        # Deadline 1 s, bound 8 s for a loaded machine (the old code kept each for 10 s, in a process of its own).
        assert elapsed >= 0.9, f"closed after {elapsed:.2f} s, before the deadline"
        for s in silent + [trickler]:
            s.close()
    finally:
        host.close()


@TRANSPORTS
def test_daemon_pending_connections_bounded_oldest_closed_first(transport):
    host = FakeHost(transport=transport, extra_env={P.ENV_MAX_PENDING_HANDSHAKES: "8"})
    strangers = []
    try:
        strangers = [_stranger(host) for _ in range(12)]
        conn = host.connect()  # once answered, the daemon has accepted all 12
        # The four oldest made room (the host's own connection may have waited too, evicting a fifth).
        for s in strangers[:4]:
            assert _bytes_until_closed(s) == 0
        still_open = [i for i, s in enumerate(strangers) if _is_open(s)]
        assert len(still_open) in (7, 8) and still_open == list(range(12 - len(still_open), 12)), still_open
        assert sorted(_children(host.hello["pid"])) == [conn.pid]
        conn.close()
    finally:
        for s in strangers:
            s.close()
        host.close()


@TRANSPORTS
def test_daemon_real_run_works_while_strangers_hold_every_pending_slot(transport):
    host = FakeHost(transport=transport)
    strangers = []
    try:
        strangers = [_stranger(host) for _ in range(P.MAX_PENDING_HANDSHAKES + 16)]
        conn = host.connect()
        out = conn.run(IDENTITY, [RecordBatch.from_pydict({"a": [1, 2, 3]})])
        assert out.error is None, out.error
        assert out.rows() == {"a": [1, 2, 3]}
        assert sum(_is_open(s) for s in strangers) <= P.MAX_PENDING_HANDSHAKES
        conn.close()
    finally:
        for s in strangers:
            s.close()
        host.close()


@TRANSPORTS
def test_daemon_worker_does_not_keep_pending_strangers_open(transport):
    # Strangers pending when a worker is forked must still be closed at their deadline (the worker, which
    # lives on, must not hold copies of their sockets).
    host = FakeHost(transport=transport, extra_env={P.ENV_HANDSHAKE_TIMEOUT_MS: "1000"})
    try:
        strangers = [_stranger(host) for _ in range(5)]
        conn = host.connect()
        assert [_bytes_until_closed(s, within=8.0) for s in strangers] == [0] * 5
        assert conn.ping()
        conn.close()
        for s in strangers:
            s.close()
    finally:
        host.close()


@TRANSPORTS
def test_daemon_token_neither_inherited_by_user_code_nor_on_a_command_line(transport):
    host = FakeHost(transport=transport)
    try:
        conn = host.connect()
        out = conn.run("import os\ndata_manager.set_output({'has': [%r in os.environ]})" % P.ENV_TOKEN, [])
        assert out.error is None, out.error
        assert out.rows() == {"has": [False]}
        for pid in (host.hello["pid"], conn.pid):
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                assert host.token.encode() not in f.read(), f"the token is on the command line of {pid}"
        conn.close()
    finally:
        host.close()


def test_daemon_listens_on_loopback_only():
    host = FakeHost(transport="tcp")
    try:
        listening = []
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, port = local.split(":")
                if state == "0A" and int(port, 16) == host.port:  # 0A: LISTEN
                    listening.append(address)
        assert listening == ["0100007F"], f"the daemon's port {host.port} is bound to {listening}"  # 127.0.0.1
    finally:
        host.close()


def test_daemon_unix_socket_is_0600_in_a_0700_directory_and_the_hello_says_so():
    host = FakeHost(transport="unix")
    try:
        assert host.unix and host.port == 0 and host.hello["transport_note"] is None
        assert stat.S_IMODE(os.stat(host.unix).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(os.path.dirname(host.unix)).st_mode) == 0o700
        assert stat.S_ISSOCK(os.stat(host.unix).st_mode)
    finally:
        host.close()


def test_daemon_auto_falls_back_to_tcp_and_says_why_when_no_unix_socket_can_be_made():
    # sun_path holds about 107 bytes: a temporary directory deeper than that cannot hold the socket
    deep = tempfile.mkdtemp(prefix="x" * 120)
    try:
        host = FakeHost(transport="auto", extra_env={"TMPDIR": deep})
        try:
            assert host.unix is None and host.port > 0
            assert "Unix-domain socket unavailable" in host.hello["transport_note"]
            conn = host.connect()
            assert conn.run(IDENTITY, [RecordBatch.from_pydict({"a": [1]})]).error is None
            conn.close()
        finally:
            host.close()
    finally:
        os.rmdir(deep)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to connect as another user")
def test_daemon_closes_a_unix_connection_from_another_user_even_when_the_file_modes_would_let_it_in():
    host = FakeHost(transport="unix")
    try:
        # Defeat the file modes on purpose: SO_PEERCRED must still keep the other user out.
        os.chmod(os.path.dirname(host.unix), 0o755)
        os.chmod(host.unix, 0o666)
        before = set(_children(host.proc.pid))
        pid = os.fork()
        if pid == 0:  # the other user: nobody
            code = 1
            try:
                os.setgid(65534)
                os.setuid(65534)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(NO_HANG)
                s.connect(host.unix)
                try:
                    s.sendall(_handshake(host.token.encode()))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # already closed by the daemon
                code = 0 if _bytes_until_closed(s) == 0 else 3
            except BaseException as e:
                os.write(2, f"other user: {e!r}\n".encode())
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, "the other user's connection was not closed without a byte"
        assert set(_children(host.proc.pid)) == before, "a worker was forked for another user"
    finally:
        host.close()


def test_worker_raises_its_unix_socket_buffers_for_bulk_output():
    host = FakeHost(transport="unix")
    try:
        conn = host.connect()
        probe = (
            "import gc, socket\n"
            "s = [o for o in gc.get_objects() if isinstance(o, socket.socket) and o.fileno() >= 0 and o.family == socket.AF_UNIX][0]\n"
            "data_manager.set_output({'snd': [s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)]})\n")
        out = conn.run(probe, [])
        assert out.error is None, out.error
        with open("/proc/sys/net/core/wmem_max") as f:
            cap = int(f.read())
        from data_manager._worker import UNIX_SOCKET_BUFFER_BYTES

        assert out.rows()["snd"][0] >= min(UNIX_SOCKET_BUFFER_BYTES, cap)
        conn.close()
    finally:
        host.close()
