"""The forking daemon (docs/protocol.md, section 1): ``python -m data_manager._daemon``.

Started by the .NET bridge with its secret in the environment. It listens on a Unix-domain socket (mode
0600, in a 0700 directory of its own; only processes of its own user may connect, checked with SO_PEERCRED)
or, where that is unavailable or TCP was asked for, on 127.0.0.1; it reports where over a callback
connection (never on stdout), verifies each connection's handshake in its own event loop
and forks one worker per authenticated connection (a stranger costs one small buffer until its deadline,
never a process), reports each
worker's end as a JSON line on stdout, kills a worker on ``kill <pid>`` from stdin, and kills every worker
and exits when stdin reaches EOF (the host died).

Processes (docs/protocol.md, "Processes that user code starts"): every worker leads its own process group,
which the processes its user code starts inherit; whenever a worker ends (killed on cancel, crashed, exited
because its connection closed) the daemon kills that whole group. A small janitor process, forked before
anything else, kills the groups of the workers still alive if the daemon itself dies without its shutdown
(SIGKILL, the OOM killer).
"""

from __future__ import annotations

import errno
import json
import os
import selectors
import signal
import socket
import struct
import sys
import tempfile
import time
from typing import Dict, Optional

from . import _protocol as P
from ._handshake import PendingHandshake

_STDERR_TAIL_BYTES = 8192
_MAX_COMMAND_BYTES = 4096


class Daemon:
    # The write end of the janitor's pipe (see _start_janitor); -1 without a janitor.
    janitor_fd = -1
    # Why each preloaded module (numpy, pandas) is absent, for the host's diagnostics: name -> reason.
    preload_errors: Dict[str, str] = {}

    def __init__(self, token: str, callback_port: int, memory_limit_mb: int,
                 handshake_timeout: float = P.HANDSHAKE_TIMEOUT_SECONDS,
                 max_pending: int = P.MAX_PENDING_HANDSHAKES, transport: str = "auto") -> None:
        self.token = token
        self._token_bytes = token.encode("ascii")
        self.handshake_timeout = handshake_timeout
        self.max_pending = max(1, max_pending)
        # Accepted connections that have not authenticated yet, oldest first (so also by deadline).
        self.pending: Dict[int, PendingHandshake] = {}
        self.callback_port = callback_port
        self.memory_limit_mb = memory_limit_mb
        self.children: Dict[int, str] = {}
        self.tmpdir = tempfile.mkdtemp(prefix="databridge-daemon-")  # mode 0700
        # Where the host connects: a Unix-domain socket path, else a TCP port on 127.0.0.1 (with why, under auto).
        self.unix_path: Optional[str] = None
        self.transport_note: Optional[str] = None
        self.listener = self._listen(transport)
        self.listener.listen(128)
        self.listener.setblocking(False)
        self.selector = selectors.DefaultSelector()
        self._stdin_buffer = b""
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)

    def _listen(self, transport: str) -> socket.socket:
        if transport not in P.WORKER_TRANSPORTS:
            raise ValueError(f"{P.ENV_WORKER_TRANSPORT} must be one of {', '.join(P.WORKER_TRANSPORTS)}, not {transport!r}")
        if transport != "tcp":
            try:
                return self._listen_unix()
            except (OSError, AttributeError) as e:  # no AF_UNIX, or a path too long for sun_path
                if transport == "unix":
                    raise OSError(f"a Unix-domain socket for the workers could not be created: {e}") from e
                self.transport_note = f"Unix-domain socket unavailable ({e}); using TCP on 127.0.0.1"
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        return listener

    def _listen_unix(self) -> socket.socket:
        path = os.path.join(self.tmpdir, "workers.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            old = os.umask(0o177)  # the socket file is created 0600: never connectable by another user
            try:
                listener.bind(path)
            finally:
                os.umask(old)
            os.chmod(path, 0o600)
        except BaseException:
            listener.close()
            raise
        self.unix_path = path
        return listener

    def _peer_is_own_user(self, conn: socket.socket) -> bool:
        """A Unix-domain peer must run as our own user (SO_PEERCRED); a TCP peer is judged by its token alone."""
        if self.unix_path is None or not hasattr(socket, "SO_PEERCRED"):
            return True
        try:
            _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        except OSError:
            return False
        return uid == os.geteuid()

    # -- start-up -------------------------------------------------------------------------------
    def report_port(self) -> None:
        from ._transport import FrameWriter

        hello = {
            "token": self.token,
            "port": 0 if self.unix_path else self.listener.getsockname()[1],
            "unix": self.unix_path,
            "transport_note": self.transport_note,
            "pid": os.getpid(),
            "python": "%d.%d.%d" % sys.version_info[:3],
            "protocol": P.PROTOCOL_VERSION,
            "numpy": "numpy" in sys.modules,
            "pandas": "pandas" in sys.modules,
            # What the host logs and names in its errors: the interpreter and what it has.
            "executable": P.truncate_text(sys.executable or "", 4096),
            "numpy_version": _module_version("numpy"),
            "pandas_version": _module_version("pandas"),
            "numpy_error": self.preload_errors.get("numpy"),
            "pandas_error": self.preload_errors.get("pandas"),
        }
        with socket.create_connection(("127.0.0.1", self.callback_port), timeout=P.HANDSHAKE_TIMEOUT_SECONDS) as cb:
            FrameWriter(cb).write_control(P.HELLO, hello)

    # -- events to the host -----------------------------------------------------------------------
    @staticmethod
    def event(**fields: object) -> None:
        # One line per event, each text field bounded (docs/protocol.md, 1): the host reads these lines whole.
        bounded = {k: P.truncate_text(v) if isinstance(v, str) else v for k, v in fields.items()}
        line = json.dumps(bounded, separators=(",", ":")) + "\n"
        try:
            os.write(1, line.encode("utf-8"))
        except OSError:
            pass

    # -- main loop --------------------------------------------------------------------------------
    def run(self) -> None:
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self._wake_w)
        signal.signal(signal.SIGTERM, lambda *_: self.shutdown())
        signal.signal(signal.SIGHUP, lambda *_: self.shutdown())
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(0, selectors.EVENT_READ, "stdin")
        self.selector.register(self._wake_r, selectors.EVENT_READ, "wake")
        while True:
            for key, _ in self.selector.select(timeout=self._select_timeout()):
                if isinstance(key.data, PendingHandshake):
                    self.continue_handshake(key.data)
                elif key.data == "accept":
                    self.accept()
                elif key.data == "stdin":
                    self.read_stdin()
                else:
                    try:
                        while os.read(self._wake_r, 512):
                            pass
                    except OSError:
                        pass
            self.expire_handshakes()
            self.reap()

    def _select_timeout(self) -> float:
        if not self.pending:
            return 1.0
        oldest = next(iter(self.pending.values()))
        return min(1.0, max(0.0, oldest.deadline - time.monotonic()))

    # -- accepting: nothing but a fixed buffer is spent on a connection until its token is verified ---------
    def accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                if e.errno in (errno.EMFILE, errno.ENFILE, errno.ECONNABORTED):
                    self.event(event="log", level="error", message=f"accept failed: {e}")
                    return
                raise
            if not self._peer_is_own_user(conn):
                self.event(event="log", level="warning", message="closed a connection from another user's process")
                conn.close()
                continue
            conn.setblocking(False)
            pending = PendingHandshake(conn, time.monotonic() + self.handshake_timeout)
            # The host sends its handshake right after connecting, so it is usually complete already and the
            # connection never waits among strangers.
            verdict = pending.feed(self._token_bytes)
            if verdict is not None:
                self._conclude(pending, verdict)
                continue
            if len(self.pending) >= self.max_pending:
                # Bounded: the oldest pending connection (the likeliest stalled stranger) makes room.
                self._drop(next(iter(self.pending.values())))
            self.pending[conn.fileno()] = pending
            self.selector.register(conn, selectors.EVENT_READ, pending)

    def continue_handshake(self, pending: PendingHandshake) -> None:
        fd = pending.sock.fileno()
        if self.pending.get(fd) is not pending:
            return  # dropped earlier in this round of events
        verdict = pending.feed(self._token_bytes)
        if verdict is None:
            return
        self.selector.unregister(pending.sock)
        del self.pending[fd]
        self._conclude(pending, verdict)

    def _conclude(self, pending: PendingHandshake, verdict: bool) -> None:
        """A decided handshake: fork a worker for it, or close it without a byte (nothing is disclosed)."""
        if verdict:
            self.spawn(pending.sock)
        else:
            pending.close()

    def _drop(self, pending: PendingHandshake) -> None:
        self.selector.unregister(pending.sock)
        del self.pending[pending.sock.fileno()]
        pending.close()

    def expire_handshakes(self) -> None:
        now = time.monotonic()
        while self.pending:
            oldest = next(iter(self.pending.values()))
            if oldest.deadline > now:
                return
            self._drop(oldest)

    def spawn(self, conn: socket.socket) -> None:
        """Forks the worker of an authenticated connection; the worker sends the handshake's answer."""
        conn.setblocking(True)
        try:
            pid = os.fork()
        except OSError as e:
            self.event(event="log", level="error", message=f"fork failed: {e}")
            conn.close()
            return
        if pid == 0:
            # The strangers still pending belong to the daemon: a worker must not keep them open.
            for other in self.pending.values():
                other.sock.close()
            self.pending.clear()
            self.become_worker(conn)  # never returns
        self.children[pid] = os.path.join(self.tmpdir, f"worker-{pid}.log")
        conn.close()

    def become_worker(self, conn: socket.socket) -> None:
        code = 1
        try:
            from . import _worker

            _worker.mark_started()  # boot_ms counts from the fork
            # Our own process group, inherited by whatever user code starts: the daemon kills the group when
            # this worker ends. Done before any user code runs, so no child of ours is ever outside it.
            _own_group()
            if self.janitor_fd >= 0:
                _tell_janitor(self.janitor_fd, f"+{os.getpid()}\n")
                # The janitor sees EOF only when the daemon is gone: no worker may hold this end.
                os.close(self.janitor_fd)
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            self.selector.close()
            self.listener.close()
            os.close(self._wake_r)
            os.close(self._wake_w)
            _die_with_parent()
            log_path = os.path.join(self.tmpdir, f"worker-{os.getpid()}.log")
            # Appending (and readable): the worker trims it between runs to its tail (_worker.trim_stderr_log),
            # and every write then still lands at the end.
            fd = os.open(log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.close(fd)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
            import faulthandler

            faulthandler.enable(file=sys.__stderr__, all_threads=True)
            if self.memory_limit_mb > 0:
                import resource

                limit = self.memory_limit_mb * 1024 * 1024
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            from ._worker import serve_connection

            code = serve_connection(conn)
        except BaseException:  # the worker must never return into the daemon's loop
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)

    def read_stdin(self) -> None:
        try:
            chunk = os.read(0, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            self.shutdown()
            return
        self._stdin_buffer += chunk
        if b"\n" not in self._stdin_buffer and len(self._stdin_buffer) > _MAX_COMMAND_BYTES:
            # Commands are a few bytes: a longer line is garbage, dropped rather than buffered without bound.
            self.event(event="log", level="warning",
                       message=f"dropped a daemon command line longer than {_MAX_COMMAND_BYTES} bytes")
            self._stdin_buffer = b""
        while b"\n" in self._stdin_buffer:
            line, self._stdin_buffer = self._stdin_buffer.split(b"\n", 1)
            parts = line.decode("ascii", "replace").split()
            if len(parts) == 2 and parts[0] == "kill" and parts[1].isdigit():
                pid = int(parts[1])
                if pid in self.children:
                    _kill_worker(pid)  # and everything its user code started
            elif parts:
                self.event(event="log", level="warning", message=f"unknown daemon command: {line[:100]!r}")

    def reap(self) -> None:
        # Not only while self.children: as a subreaper the daemon also adopts (and must reap) processes
        # that user code started and whose worker ended, and the janitor is a child too.
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid not in self.children:
                continue  # an adopted orphan, or the janitor: no worker, no event
            # What the worker's user code started may outlive it: the group goes too. Its id stays valid (and
            # cannot be reused) while any member lives, which is exactly when this kill matters.
            _kill_group(pid)
            if self.janitor_fd >= 0:
                _tell_janitor(self.janitor_fd, f"-{pid}\n")
            path = self.children.pop(pid, None)
            tail = _read_tail(path)
            exit_code: Optional[int] = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
            sig: Optional[int] = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            self.event(event="exit", pid=pid, exit_code=exit_code, signal=sig, stderr_tail=tail)

    def shutdown(self) -> None:
        # Each worker leads its own group (its user code's processes): killing our own group below would
        # miss them.
        for pid in list(self.children):
            _kill_worker(pid)
        try:
            import shutil

            shutil.rmtree(self.tmpdir, ignore_errors=True)
        finally:
            try:
                # Anything user code spawned in our group goes too (the daemon included).
                os.killpg(os.getpgid(0), signal.SIGKILL)
            finally:
                os._exit(0)


def _module_version(name: str) -> Optional[str]:
    module = sys.modules.get(name)
    version = getattr(module, "__version__", None) if module is not None else None
    return P.truncate_text(str(version), 100) if version is not None else None


def _preload(names: str) -> Dict[str, str]:
    """Imports the modules the workers share (numpy, pandas); returns why each one that failed is absent."""
    errors: Dict[str, str] = {}
    for name in filter(None, (m.strip() for m in names.split(","))):
        if os.environ.get("DATA_MANAGER_NO_NUMPY") and name in ("numpy", "pandas"):
            errors[name] = "disabled by DATA_MANAGER_NO_NUMPY"
            continue
        try:
            __import__(name)
        except Exception as e:  # ImportError, or a broken installation raising anything at import
            errors[name] = P.truncate_text(f"{type(e).__name__}: {e}", 500)
    return errors


def _read_tail(path: Optional[str]) -> str:
    if not path:
        return ""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - _STDERR_TAIL_BYTES))
            data = f.read()
        os.unlink(path)
    except OSError:
        return ""
    return data.decode("utf-8", "replace")


def _kill_group(pgid: int) -> bool:
    """SIGKILL to every process of group ``pgid``; False when the group has no member left."""
    try:
        os.killpg(pgid, signal.SIGKILL)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def _kill_worker(pid: int) -> None:
    """Kills a worker and its process group (the worker alone if it died before making its group)."""
    if not _kill_group(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _own_group() -> None:
    try:
        os.setpgid(0, 0)
    except OSError:
        pass  # cannot happen for a freshly forked child; the daemon then kills the worker alone


def _tell_janitor(fd: int, line: str) -> None:
    # One short write is atomic on a pipe (under PIPE_BUF), so workers and the daemon never interleave.
    try:
        os.write(fd, line.encode("ascii"))
    except OSError:
        pass  # the janitor is gone: the daemon's own kills still work


def _start_janitor() -> int:
    """Forks the janitor; returns the write end of its pipe (-1 when it could not start).

    The janitor learns each worker's group from ``+pid`` / ``-pid`` lines and reads until EOF, which comes
    only when the daemon has died (the daemon holds the only write end; workers close theirs at once).
    Then it kills every group still listed and exits. On an orderly shutdown the daemon kills the groups
    itself and the janitor dies with the daemon's own group. PR_SET_PDEATHSIG would not do: it is not
    inherited across fork, so it cannot reach the processes user code starts.
    """
    try:
        r, w = os.pipe()
        pid = os.fork()
    except OSError:
        return -1
    if pid != 0:
        os.close(r)
        return w
    try:
        os.close(w)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # never hold the host's pipes open
            os.dup2(null, fd)
        os.close(null)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        groups = set()
        pending = b""
        while True:
            chunk = os.read(r, 4096)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line[:1] == b"+" and line[1:].isdigit():
                    groups.add(int(line[1:]))
                elif line[:1] == b"-" and line[1:].isdigit():
                    groups.discard(int(line[1:]))
        for pgid in groups:
            _kill_group(pgid)
    finally:
        os._exit(0)


def _become_subreaper() -> None:
    """Processes orphaned below the daemon (user code's children whose worker ended) are re-parented to the
    daemon instead of init, so the daemon reaps them after killing their group (no zombies left to an init
    that may not reap, as in some containers)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_CHILD_SUBREAPER = 36
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _die_with_parent() -> None:
    """Asks Linux to SIGKILL this worker when the daemon dies (no orphans even if the daemon is killed)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main() -> int:
    token = os.environ.pop(P.ENV_TOKEN, "")
    port_text = os.environ.pop(P.ENV_CALLBACK_PORT, "")
    if not token or not port_text.isdigit():
        sys.stderr.write("error: data_manager._daemon is started by the DataBridge .NET host "
                         f"({P.ENV_TOKEN} and {P.ENV_CALLBACK_PORT} must be set)\n")
        return 2
    limit_text = os.environ.pop(P.ENV_MEMORY_LIMIT_MB, "0")
    preload = os.environ.pop(P.ENV_PRELOAD, "numpy,pandas")
    try:
        os.setpgid(0, 0)
    except OSError:
        pass  # already a group leader
    # Before numpy/pandas are imported: the janitor stays a small process.
    janitor_fd = _start_janitor()
    _become_subreaper()
    preload_errors = _preload(preload)
    # Import the worker side now so that forked workers start without importing anything.
    from . import _worker  # noqa: F401

    # Everything imported so far (numpy, pandas, the worker) is shared copy-on-write with every forked worker;
    # freezing it keeps the workers' garbage collector from touching (and so copying) those pages.
    import gc

    gc.collect()
    gc.freeze()
    timeout_text = os.environ.pop(P.ENV_HANDSHAKE_TIMEOUT_MS, "")
    pending_text = os.environ.pop(P.ENV_MAX_PENDING_HANDSHAKES, "")
    transport = os.environ.pop(P.ENV_WORKER_TRANSPORT, "auto") or "auto"
    try:
        daemon = Daemon(token, int(port_text), int(limit_text) if limit_text.isdigit() else 0,
                        int(timeout_text) / 1000.0 if timeout_text.isdigit() else P.HANDSHAKE_TIMEOUT_SECONDS,
                        int(pending_text) if pending_text.isdigit() else P.MAX_PENDING_HANDSHAKES, transport)
    except (OSError, ValueError) as e:
        sys.stderr.write(f"error: {e}\n")
        return 2
    daemon.janitor_fd = janitor_fd
    daemon.preload_errors = preload_errors
    daemon.report_port()
    daemon.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
