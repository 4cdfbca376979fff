"""The forking daemon (docs/protocol.md, section 1): ``python -m data_manager._daemon``.

Started by the .NET bridge with its secret in the environment. It listens on 127.0.0.1, reports its port
over a callback connection (never on stdout), forks one worker per accepted connection, reports each
worker's end as a JSON line on stdout, kills a worker on ``kill <pid>`` from stdin, and kills every worker
and exits when stdin reaches EOF (the host died).
"""

from __future__ import annotations

import errno
import json
import os
import selectors
import signal
import socket
import sys
import tempfile
from typing import Dict, Optional

from . import _protocol as P

_STDERR_TAIL_BYTES = 8192
_MAX_COMMAND_BYTES = 4096


class Daemon:
    def __init__(self, token: str, callback_port: int, memory_limit_mb: int) -> None:
        self.token = token
        self.callback_port = callback_port
        self.memory_limit_mb = memory_limit_mb
        self.children: Dict[int, str] = {}
        self.tmpdir = tempfile.mkdtemp(prefix="databridge-daemon-")
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.listener.setblocking(False)
        self.selector = selectors.DefaultSelector()
        self._stdin_buffer = b""
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)

    # -- start-up -------------------------------------------------------------------------------
    def report_port(self) -> None:
        from ._transport import FrameWriter

        hello = {
            "token": self.token,
            "port": self.listener.getsockname()[1],
            "pid": os.getpid(),
            "python": "%d.%d.%d" % sys.version_info[:3],
            "protocol": P.PROTOCOL_VERSION,
            "numpy": "numpy" in sys.modules,
            "pandas": "pandas" in sys.modules,
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
            for key, _ in self.selector.select(timeout=1.0):
                if key.data == "accept":
                    self.accept()
                elif key.data == "stdin":
                    self.read_stdin()
                else:
                    try:
                        while os.read(self._wake_r, 512):
                            pass
                    except OSError:
                        pass
            self.reap()

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
            pid = os.fork()
            if pid == 0:
                self.become_worker(conn)  # never returns
            self.children[pid] = os.path.join(self.tmpdir, f"worker-{pid}.log")
            conn.close()

    def become_worker(self, conn: socket.socket) -> None:
        code = 1
        try:
            from . import _worker

            _worker.mark_started()  # boot_ms counts from the fork
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            self.selector.close()
            self.listener.close()
            os.close(self._wake_r)
            os.close(self._wake_w)
            _die_with_parent()
            log_path = os.path.join(self.tmpdir, f"worker-{os.getpid()}.log")
            fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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

            code = serve_connection(conn, self.token)
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
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            elif parts:
                self.event(event="log", level="warning", message=f"unknown daemon command: {line[:100]!r}")

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            path = self.children.pop(pid, None)
            tail = _read_tail(path)
            exit_code: Optional[int] = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
            sig: Optional[int] = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            self.event(event="exit", pid=pid, exit_code=exit_code, signal=sig, stderr_tail=tail)

    def shutdown(self) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            import shutil

            shutil.rmtree(self.tmpdir, ignore_errors=True)
        finally:
            try:
                # Anything user code spawned in our group goes too (the daemon included).
                os.killpg(os.getpgid(0), signal.SIGKILL)
            finally:
                os._exit(0)


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
    if not os.environ.get("DATA_MANAGER_NO_NUMPY"):
        for name in filter(None, (m.strip() for m in preload.split(","))):
            try:
                __import__(name)
            except ImportError:
                pass
    # Import the worker side now so that forked workers start without importing anything.
    from . import _worker  # noqa: F401

    # Everything imported so far (numpy, pandas, the worker) is shared copy-on-write with every forked worker;
    # freezing it keeps the workers' garbage collector from touching (and so copying) those pages.
    import gc

    gc.collect()
    gc.freeze()
    daemon = Daemon(token, int(port_text), int(limit_text) if limit_text.isdigit() else 0)
    daemon.report_port()
    daemon.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
