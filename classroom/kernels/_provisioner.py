"""Lesson kernels forked from a preloaded zygote: a jupyter_client kernel provisioner.

`ForkProvisioner` is a `LocalProvisioner` whose `launch_kernel` asks the zygote (`_zygote`)
to fork the kernel instead of starting a new interpreter: ~30 MB instead of ~70 MB of private memory
per learner, and a kernel that is ready at once. Everything else (ports, connection file,
interrupt, restart, shutdown, culling) is jupyter_client's, through a Popen-like handle.

The classroom's kernel specs name it (`ClassroomKernelSpecManager`); it is found through the
`jupyter_client.kernel_provisioners` entry point `hocvuso-fork-provisioner`.

It never refuses a kernel: when the zygote cannot be started or stops answering (or Linux lacks
pidfds), it logs one warning and starts kernels the ordinary way for the rest of the server's life.
A command that is not `python -m hocvuso.classroom.kernels._kernel` with this interpreter also starts
the ordinary way. `HOCVUSO_ZYGOTE=0` in the server's environment (`Settings.zygote`) turns the zygote
off (to compare, or if in doubt).

Every kernel it starts (forked or not) gets its own secret (`Settings.kernel_key`, HOCVUSO_KERNEL_KEY): an HMAC of its
kernel id under a key only this server process holds (`kernel_key`). The classroom hands a visitor's
request to a preheated kernel only when it shows that secret, so a kernel id seen in a page lets no
one else ask for, or divert, a visitor.

One zygote per server process, started on the first kernel; requests go through one thread (forks
are quick and serial; the server's event loop never waits on the socket).
"""
from __future__ import annotations

import asyncio
import errno
import hashlib
import hmac
import json
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import EntryPoint
from typing import Any, cast

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.provisioning.factory import KernelProvisionerFactory

from hocvuso.core.config import Settings, env_name

PROVISIONER_NAME = "hocvuso-fork-provisioner"
"""The entry-point name kernel specs use (`metadata.kernel_provisioner.provisioner_name`)."""

KERNEL_MODULE = "hocvuso.classroom.kernels._kernel"
ZYGOTE_MODULE = "hocvuso.classroom.kernels._zygote"
READY_TIMEOUT = 120.0
"""Seconds the zygote may take to preload (a busy laptop at the start of a class)."""
ZYGOTE_OFF = f"{env_name('zygote')}=0"
"""Why kernels start afresh when the server's settings turn the zygote off (no warning for that)."""
REPLY_TIMEOUT = 30.0
"""Seconds one fork may take before the zygote is considered stuck."""


_SERVER_KEY = secrets.token_bytes(32)
"""Made when the server starts; never leaves this process (kernels get only their own HMAC)."""


def kernel_key(kernel_id: str) -> str:
    """The secret of kernel `kernel_id` (what it was given as `Settings.kernel_key`)."""
    return hmac.new(_SERVER_KEY, str(kernel_id).encode(), hashlib.sha256).hexdigest()


def kernel_key_matches(kernel_id: str, presented: str | None) -> bool:
    """Whether `presented` is kernel `kernel_id`'s secret (constant-time)."""
    return bool(presented) and hmac.compare_digest(kernel_key(kernel_id), str(presented))


class ZygoteError(RuntimeError):
    """The zygote could not give us a kernel. `fatal`: it cannot be used any more."""

    def __init__(self, message: str, *, fatal: bool = True) -> None:
        super().__init__(message)
        self.fatal = fatal


class ForkedKernel:
    """What `LocalProvisioner` expects of a `subprocess.Popen`, for a kernel that is not our child.

    The kernel is the zygote's child, so there is no waitpid here: a pidfd (from the zygote) tells
    when it has exited and signals exactly that process, never a later one with the same pid. Its
    exit status is the zygote's to collect: `returncode` is 0 once it has exited.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd: int | None = pidfd

    def poll(self) -> int | None:
        if self.returncode is None and self._exited(0):
            self._gone()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not self._exited(timeout):
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self._gone()
        return 0  # once exited (see the class docstring)

    def send_signal(self, signum: int) -> None:
        if self._pidfd is None:
            raise ProcessLookupError(errno.ESRCH, f"kernel {self.pid} has exited")
        signal.pidfd_send_signal(self._pidfd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def _exited(self, timeout: float | None) -> bool:
        if self._pidfd is None:
            return True
        poller = select.poll()  # not select.select: a busy server has fds above 1024
        poller.register(self._pidfd, select.POLLIN)
        return bool(poller.poll(None if timeout is None else timeout * 1000))

    def _gone(self) -> None:
        self.returncode = 0
        self._close()

    def _close(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def __del__(self) -> None:
        self._close()


class Zygote:
    """The server's side of one zygote process: start it, ask it for kernels, stop it."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        args = [sys.executable, "-m", ZYGOTE_MODULE, str(theirs.fileno())]
        if threading.current_thread() is threading.main_thread():
            # Linux sends the parent-death signal when the *thread* that forked exits: only the
            # main thread lives as long as the server.
            args.append(str(os.getpid()))
        try:
            self.process = subprocess.Popen(args, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                            start_new_session=True)  # Ctrl+C in the terminal is for the server
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.pid = self.process.pid
        self._sock = ours
        self._buffer = b""
        self._ready = False
        self._lock = threading.Lock()

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str) -> tuple[int, int]:
        """Fork a kernel (blocking): its pid and a pidfd for it."""
        with self._lock:
            if not self._ready:
                reply, fds = self._receive(READY_TIMEOUT)
                self._close_fds(fds)
                if not reply.get("ready"):
                    raise ZygoteError(reply.get("error") or f"unexpected first message {reply!r}")
                self._ready = True
            try:
                self._sock.sendall(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n")
            except OSError as exc:
                raise ZygoteError(f"it stopped listening ({exc})") from exc
            reply, fds = self._receive(REPLY_TIMEOUT)
            if "pid" in reply and len(fds) == 1:
                return int(reply["pid"]), fds[0]
            self._close_fds(fds)
            raise ZygoteError(reply.get("error") or f"unexpected reply {reply!r}", fatal=reply.get("fatal", True))

    def _receive(self, timeout: float) -> tuple[dict, list[int]]:
        fds: list[int] = []
        self._sock.settimeout(timeout)
        try:
            while b"\n" not in self._buffer:
                data, more, _, _ = socket.recv_fds(self._sock, 1 << 16, 4, socket.MSG_CMSG_CLOEXEC)
                fds += more
                if not data:
                    self._close_fds(fds)
                    raise ZygoteError(f"it exited (status {self._exit_status()})")
                self._buffer += data
        except (TimeoutError, socket.timeout) as exc:
            self._close_fds(fds)
            raise ZygoteError(f"no answer in {timeout:.0f} s") from exc
        except OSError as exc:
            self._close_fds(fds)
            raise ZygoteError(f"its socket failed ({exc})") from exc
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line), fds
        except ValueError as exc:
            self._close_fds(fds)
            raise ZygoteError(f"unreadable reply {line[:200]!r}") from exc

    def _exit_status(self) -> int | None:
        try:
            return self.process.wait(timeout=2)  # also reaps it: it is our child
        except subprocess.TimeoutExpired:
            return None

    @staticmethod
    def _close_fds(fds: list[int]) -> None:
        for fd in fds:
            os.close(fd)

    def close(self, timeout: float = 10.0) -> None:
        """Close our end: the zygote exits (and the kernels it forked with it)."""
        self._sock.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_lock = threading.Lock()
_zygote: Zygote | None = None
_off_reason: str | None = None
_executor: ThreadPoolExecutor | None = None


def _get_zygote(log: Any) -> Zygote | None:
    """This server's zygote, started on first use; None once it is off (logged once, when it goes off)."""
    global _zygote, _executor
    with _lock:
        if _off_reason is not None:
            return None
        if _zygote is None:
            problem = _unsupported()
            if problem is None:
                try:
                    _zygote = Zygote()
                except OSError as exc:
                    problem = f"it could not be started ({exc})"
            if problem is not None:
                _turn_off(problem, log)
                return None
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hocvuso-zygote")
        return _zygote


def _unsupported() -> str | None:
    if not Settings.from_env().zygote:
        return ZYGOTE_OFF
    if not (sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal")):
        return "this system has no pidfds (Linux 5.3 or newer is needed)"
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError as exc:
        return f"this system has no pidfds ({exc})"
    return None


def _turn_off(reason: str, log: Any) -> None:
    global _off_reason
    _off_reason = reason
    if reason != ZYGOTE_OFF:
        log.warning("Lesson kernels now start as separate Python processes (slower, ~40 MB more memory per "
                    "learner): the preloaded kernel parent (%s) cannot be used: %s", ZYGOTE_MODULE, reason)


def _give_up(zygote: Zygote, reason: str, log: Any) -> None:
    """Stop using a zygote that failed: kernels start the ordinary way from now on."""
    global _zygote
    with _lock:
        if _zygote is zygote:
            _zygote = None
            _turn_off(reason, log)
    # Closing our end makes it exit, so a fork it might still do cannot race an ordinary kernel on the
    # same connection file; then collect its exit status (it is our child).
    zygote._sock.close()
    threading.Thread(target=zygote.close, name="hocvuso-zygote-stop", daemon=True).start()


def stop_zygote() -> None:
    """Stop this process's zygote (its kernels exit with it) and forget any failure: the next kernel
    starts a new one. For tests, and for a server that wants to start afresh."""
    global _zygote, _off_reason, _executor
    with _lock:
        zygote, _zygote, _off_reason = _zygote, None, None
        executor, _executor = _executor, None
    if zygote is not None:
        zygote.close()
    if executor is not None:
        executor.shutdown(wait=False)


def zygote_pid() -> int | None:
    """The pid of this process's zygote, if one is running."""
    zygote = _zygote
    return zygote.pid if zygote is not None and zygote.process.poll() is None else None


def forkable(cmd: list[str]) -> bool:
    """Is `cmd` a lesson kernel this interpreter's zygote can stand in for?"""
    return (len(cmd) >= 3 and cmd[1:3] == ["-m", KERNEL_MODULE]
            and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable))


class ForkProvisioner(LocalProvisioner):
    """`LocalProvisioner` with kernels forked from the zygote (see the module docstring)."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        kwargs["env"] = {**(kwargs.get("env") or os.environ), env_name("kernel_key"): kernel_key(self.kernel_id)}
        zygote = _get_zygote(self.log) if forkable(cmd) else None
        if zygote is not None:
            env = {str(k): str(v) for k, v in kwargs["env"].items()}
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                pid, pidfd = await asyncio.get_running_loop().run_in_executor(_executor, zygote.spawn, cmd, env, cwd)
            except ZygoteError as exc:
                if exc.fatal:
                    _give_up(zygote, str(exc), self.log)
                else:
                    self.log.warning("Kernel %s starts as a separate process: %s", self.kernel_id, exc)
            else:
                self.process = cast("subprocess.Popen", ForkedKernel(pid, pidfd))  # Popen's duck, not its child
                self.pid = self.pgid = pid  # the kernel called setsid(): it leads its own group
                self.cwd = cwd
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)


def provisioner_stanza() -> dict[str, Any]:
    """The kernel spec's `metadata.kernel_provisioner` that selects `ForkProvisioner`.

    Also registers the provisioner with jupyter_client in this process, should the installed
    package metadata lack the entry point (an editable install made before it existed).
    """

    KernelProvisionerFactory.provisioners.setdefault(PROVISIONER_NAME, EntryPoint(
        name=PROVISIONER_NAME, value=f"{__name__}:ForkProvisioner", group=KernelProvisionerFactory.GROUP_NAME))
    return {"provisioner_name": PROVISIONER_NAME, "config": {}}


__all__ = ["PROVISIONER_NAME", "ForkProvisioner", "ForkedKernel", "Zygote", "ZygoteError", "kernel_key",
           "kernel_key_matches", "provisioner_stanza",
           "stop_zygote", "zygote_pid"]
