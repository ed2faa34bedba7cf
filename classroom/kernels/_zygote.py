"""The zygote: one process that has imported what a lesson kernel needs, and forks the kernels.

A lesson kernel started fresh (`python -m hocvuso.classroom.kernels._kernel`) imports ipykernel, IPython, ipywidgets,
anywidget, pydantic, SQLAlchemy and hocvuso itself: ~70 MB of private memory, 40 times over for a
class, and a few seconds of CPU each on a laptop that is also serving 40 phones. Forked from this
process, a kernel shares those pages copy-on-write with the zygote and its siblings (~30 MB private
instead) and starts at once.

`hocvuso serve` starts it (through `_provisioner.ForkProvisioner`) as
`python -m hocvuso.classroom.kernels._zygote FD [PARENT_PID]`, FD being its end of a socket pair. The protocol is one
JSON line each way:

* at start, the zygote says ``{"ready": true, "pid": ...}`` once it has preloaded (or ``{"error": ...}``
  and exits);
* the server sends ``{"argv": [...], "env": {...}, "cwd": "..."}``, the kernel command line it would
  have run; the zygote forks and replies ``{"pid": N}`` with a pidfd of the kernel attached
  (SCM_RIGHTS: the server can then wait for and signal exactly that process, which is not its
  child), or ``{"error": ..., "fatal": false}`` when this one kernel must be started the ordinary way.

What it must never do:

* import what a lesson kernel does not (voila, the batch grader, tldextract, debugpy: see
  `PRELOAD`), or anything of the server: kernels would carry it;
* start a thread, a zmq context or an event loop before forking (a forked child gets a copy of
  their state without the threads that own it);
* outlive the server: it exits when the socket reaches EOF and, given PARENT_PID, when its parent dies
  (PR_SET_PDEATHSIG); its kernels die with it the same way;
* leave zombies: it reaps its children (they are its children, not the server's).

What a forked kernel shares with its zygote and a fresh one would not: the hash seed (set
iteration order is the same in every kernel), and whatever the interpreter read from the
environment at start-up (PYTHON*, locale variables; a request whose values differ is refused, so
that kernel starts the ordinary way).
"""
from __future__ import annotations

import atexit
import ctypes
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import tempfile
import threading
import traceback

import zmq

from hocvuso.core import DEFAULT_LOCALE, LOCALES, set_locale
from hocvuso.core import warm_caches as warm_core
from hocvuso.core.config import Settings

from . import _kernel
from ._kernel import prepare_interpreter

PRELOAD: tuple[str, ...] = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.comm",
    "ipykernel.debugger",  # imported all the same; debugpy itself stays out
    "IPython.core.completer",
    "IPython.core.completerlib",
    "tornado.platform.asyncio",
    "tornado.queues",
    "ipywidgets",
    "anywidget",
    "hocvuso.core",
    "hocvuso.widgets",
    "hocvuso.grader._gradecell",
    "sqlalchemy",
    "sqlalchemy.dialects.sqlite",
    "phonenumbers.data.region_VN",  # phone numbers in the forms are Vietnamese
)
"""Modules imported once here instead of in every kernel.

Only what a lesson kernel imports anyway (ipykernel and IPython to run at all; the widgets, the store
and the grade cell for the lessons). Anything more would be carried by every kernel; a test checks
that voila, nbgrader, the batch grader, tldextract and debugpy stay out."""

STARTUP_ENV_PREFIXES: tuple[str, ...] = ("PYTHON", "LC_", "LANG")
"""Environment variables the interpreter reads when it starts (sys.path, flags, hash seed, locale).
A forked kernel keeps the zygote's start-up, so a request must agree with the zygote on these."""

REAP_INTERVAL = 1.0
"""Seconds between looks for exited kernels to reap, while no request comes."""

PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15


def main(argv: list[str] | None = None) -> None:
    """`python -m hocvuso.classroom.kernels._zygote FD [PARENT_PID]`: preload, say ready, serve until EOF."""
    args = sys.argv[1:] if argv is None else argv
    sock = socket.socket(fileno=int(args[0]))
    if len(args) > 1:  # given only when the server started us from its main thread (see _provisioner)
        set_parent_death_signal(signal.SIGTERM)
        if os.getppid() != int(args[1]):
            return  # the server died before we could ask to die with it
    set_process_name("hocvuso-zygote")

    prepare_interpreter()
    startup_env = _startup_env(os.environ)
    try:
        preload()
        gc.collect()
        gc.freeze()  # the preloaded objects move out of the collector's reach: no copy-on-write from GC
        _check_fork_safe()
    except Exception as exc:  # noqa: BLE001 - the server falls back to ordinary kernels and says why
        _send(sock, {"error": f"preloading failed: {exc!r}"})
        return
    _send(sock, {"ready": True, "pid": os.getpid()})
    serve(sock, startup_env)


def preload() -> None:
    """Import `PRELOAD` and fill the content caches every lesson kernel reads."""
    for name in PRELOAD:
        importlib.import_module(name)
    try:
        warm_caches()
    except Exception as exc:  # noqa: BLE001 - cold caches only cost memory; kernels fill their own
        print(f"hocvuso zygote: content caches not preloaded: {exc!r}", file=sys.stderr, flush=True)


def warm_caches() -> None:
    """Compiled translations and the content catalogues the bundled lessons read (cached per process:
    filled here, one copy is shared by all kernels)."""
    warm_core()


def _check_fork_safe() -> None:
    """Refuse to serve if a preloaded module started a thread or a zmq context: a child would inherit
    their locks and sockets without the threads that own them."""
    if threading.active_count() != 1:
        raise RuntimeError(f"a preloaded module started threads: {threading.enumerate()}")

    if getattr(zmq.Context, "_instance", None) is not None:
        raise RuntimeError("a preloaded module created the global zmq context")


def serve(sock: socket.socket, startup_env: dict[str, str]) -> None:
    """Answer fork requests until the server closes its end; reap exited kernels meanwhile."""
    buffer = b""
    while True:
        readable, _, _ = select.select([sock], [], [], REAP_INTERVAL)
        reap()
        if not readable:
            continue
        try:
            data = sock.recv(1 << 16)
        except ConnectionError:
            data = b""
        if not data:
            return  # the server is gone: exiting makes our kernels exit too (their parent-death signal)
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            handle(sock, line, startup_env)


def reap() -> None:
    """Collect the exit status of every kernel that has exited (no zombies)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def handle(sock: socket.socket, line: bytes, startup_env: dict[str, str]) -> None:
    """Fork one kernel for one request line and tell the server its pid (with a pidfd)."""
    try:
        request = json.loads(line)
        argv, env, cwd = list(request["argv"]), dict(request["env"]), str(request["cwd"])
    except (ValueError, KeyError, TypeError) as exc:
        _send(sock, {"error": f"bad request: {exc!r}", "fatal": False})
        return
    if _startup_env(env) != startup_env:
        _send(sock, {"error": "the kernel's PYTHON*/locale environment differs from the zygote's", "fatal": False})
        return
    if not os.path.isdir(cwd):
        _send(sock, {"error": f"no such folder: {cwd}", "fatal": False})
        return
    zygote_pid = os.getpid()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or the child writes our buffered output a second time
    pid = os.fork()
    if pid == 0:
        run_child(sock, argv, env, cwd, zygote_pid)  # never returns
    try:
        pidfd = os.pidfd_open(pid)
    except OSError as exc:
        os.kill(pid, signal.SIGKILL)
        _send(sock, {"error": f"pidfd_open failed: {exc!r}", "fatal": True})
        return
    try:
        socket.send_fds(sock, [_line({"pid": pid})], [pidfd])
    except OSError:
        os.kill(pid, signal.SIGKILL)  # the server never learnt of this kernel: it must not live on
    finally:
        os.close(pidfd)


def run_child(sock: socket.socket, argv: list[str], env: dict[str, str], cwd: str, zygote_pid: int) -> None:
    """In the forked child: become the kernel `argv` describes, as if it had been started fresh."""
    code = 1
    try:
        os.setsid()  # its own process group: an interrupt reaches it and its subprocesses, not us
        set_parent_death_signal(signal.SIGTERM)
        if os.getppid() != zygote_pid:
            os._exit(1)
        set_process_name("hocvuso-kernel")
        signal.signal(signal.SIGINT, signal.default_int_handler)  # interrupt: KeyboardInterrupt in the cell
        for signum in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        sock.close()  # else the server would not see EOF when we are the last holder
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(cwd)
        env["JPY_PARENT_PID"] = str(zygote_pid)  # what the kernel watches; see parent_handle below
        _replace_environ(env)
        _reread_import_time_env()
        code = _run_kernel(argv, zygote_pid)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - a child must never return into the zygote's loop
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()  # what interpreter shutdown would run: ipykernel's own cleanup
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001
                    pass
            os._exit(code)


def _run_kernel(argv: list[str], zygote_pid: int) -> int:
    from ipykernel.kernelapp import IPKernelApp  # noqa: PLC0415 - loaded by preload(), after prepare_interpreter


    # argv is `PYTHON -m ..._kernel ARGS...`: the kernel sees what `python -m` would give it.
    sys.argv = [_kernel.__file__, *argv[3:]]
    # parent_handle: its default was read from JPY_PARENT_PID when the zygote imported ipykernel. The
    # kernel's parent is the zygote; it exits if that changes (as a fresh kernel does when the server dies).
    IPKernelApp.launch_instance(parent_handle=zygote_pid)
    return 0


def _replace_environ(env: dict[str, str]) -> None:
    """The kernel's environment is the one the server asked for, not the zygote's (both views)."""
    os.environ.clear()
    os.environ.update(env)
    if hasattr(os, "environb"):
        os.environb.clear()
        os.environb.update((os.fsencode(k), os.fsencode(v)) for k, v in env.items())


def _reread_import_time_env() -> None:
    """Values preloaded modules read from the environment when imported: read them again."""

    tempfile.tempdir = None  # TMPDIR, cached on first use
    locale = Settings.from_env().locale  # HOCVUSO_LOCALE, read when hocvuso.core._i18n was imported
    set_locale(locale if locale in LOCALES else DEFAULT_LOCALE)


def set_parent_death_signal(signum: int) -> None:
    """Ask Linux to send `signum` when our parent (the thread that forked us) exits."""
    _prctl(PR_SET_PDEATHSIG, int(signum))


def set_process_name(name: str) -> None:
    """The name `top` and `ps -o comm` show (15 bytes at most): kernels and zygote share a command line."""
    buffer = ctypes.create_string_buffer(name.encode()[:15])  # kept alive until prctl has copied it
    try:
        _prctl(PR_SET_NAME, ctypes.addressof(buffer))
    except OSError:
        pass  # cosmetic


def _prctl(option: int, arg: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl({option}) failed: {os.strerror(errno)}")


def _startup_env(env: dict[str, str] | os._Environ) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(STARTUP_ENV_PREFIXES)}


def _line(message: dict) -> bytes:
    return json.dumps(message).encode() + b"\n"


def _send(sock: socket.socket, message: dict) -> None:
    try:
        sock.sendall(_line(message))
    except OSError:
        pass  # the server is gone; serve() sees EOF next


if __name__ == "__main__":
    main()
