"""Run one submission's code where it can do no harm: bubblewrap namespaces, another uid, rlimits.

Inside the sandbox the student's code sees a read-only system and Python, its own private copy of
its submission folder, an empty /tmp, and nothing else: no network (own network namespace), no
course directory, no gradebook, no source notebooks or hidden tests, no other submissions, no judge
home, no hocvuso package (so no answer keys). It runs as a numeric uid of its own (one per worker
slot), so a process limit counts only its own processes; limits on address space, CPU time, file
size and wall time stop memory bombs, fork bombs, endless loops and output floods.

Where bubblewrap is missing or namespaces are not allowed, `probe()` says why; the batch then refuses
to grade unless the judge explicitly allows unisolated grading, and the results say so.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RUNNER = Path(__file__).with_name("_runner.py")
HOME = "/home/hocsinh"
WORK = f"{HOME}/bai"
UID_BASE = 61000
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1", "JOBLIB_MULTIPROCESSING": "0",
              "LOKY_MAX_CPU_COUNT": "1"}
"""numpy/scikit-learn use one thread each: a thread pool's per-thread buffers would otherwise eat the
address-space limit (and the CPU of the other workers); the memory limit itself stays as it is."""
"""Worker slot N runs as uid UID_BASE + N (numeric, no account needed)."""


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Resource limits for one submission."""

    wall_seconds: float = 60.0
    """Whole-notebook wall-clock limit; the sandbox is killed after it."""
    memory_mb: int = 1024
    """Address-space limit (RLIMIT_AS) for the student's process."""
    max_processes: int = 64
    """Processes the sandbox uid may have at once (RLIMIT_NPROC)."""
    max_file_mb: int = 64
    """Largest file the student's code may write (RLIMIT_FSIZE)."""
    probe_seconds: float = 5.0
    """Time for one call of a student's function."""


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    """What came back from one sandboxed run."""

    state: str
    """"finished", "timeout", "crashed" (process died: memory, signal, os._exit …)."""
    result: dict | None
    """The runner's JSON report (cells with errors, probe values), when it could write one."""
    seconds: float
    """Wall time."""
    detail: str = ""
    """Exit code / signal, for the judge's reason column."""


@lru_cache(maxsize=1)
def probe() -> str | None:
    """None when sandboxing works here; otherwise the reason it does not (in plain English)."""
    if os.geteuid() != 0:
        return ("the grader must run as root to switch each submission to its own uid; run `sudo hocvuso grade …` "
                "or pass --no-sandbox to grade without isolation")
    if not shutil.which("bwrap"):
        return "bubblewrap is not installed (Debian: apt-get install bubblewrap)"
    if not shutil.which("setpriv"):
        return "setpriv is not installed (Debian: apt-get install util-linux)"
    try:
        done = subprocess.run(["bwrap", *_namespace_args(), "--ro-bind", "/", "/", "true"], capture_output=True,
                              text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start: {exc}"
    if done.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {done.stderr.strip()[:200]}"
    return None


def _namespace_args() -> list[str]:
    # Not --unshare-all: that adds a user namespace in which only root is mapped, and the switch to the
    # sandbox uid (whose process count RLIMIT_NPROC limits) would be impossible.
    return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session"]


def _python_binds() -> list[str]:
    args: list[str] = []
    made: set[str] = set()
    for prefix in sorted({sys.base_prefix, sys.prefix}):
        if prefix.startswith("/usr"):
            continue
        # bwrap creates missing parent folders as 0700; give each one search permission for the sandbox uid.
        parts = Path(prefix).parts
        for i in range(2, len(parts)):
            folder = str(Path(*parts[:i]))
            if folder not in made:
                args += ["--perms", "0711", "--dir", folder]
                made.add(folder)
        args += ["--ro-bind", prefix, prefix]
        hocvuso_pkg = Path(prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages" / "hocvuso"
        if hocvuso_pkg.is_dir():
            args += ["--tmpfs", str(hocvuso_pkg)]  # the package holds answer keys: hide it
    return args


def command(work: Path, job_file: Path, uid: int, *, isolate: bool = True) -> list[str]:
    """The command line that runs the runner on `work` (sandboxed unless isolate=False)."""
    python = os.path.realpath(sys.executable)
    runner_args = [python, "-I", "-B", f"{HOME}/.runner.py" if isolate else str(RUNNER),
                   f"{HOME}/.job.json" if isolate else str(job_file),
                   f"{WORK}/.hocvuso-result.json" if isolate else str(work / ".hocvuso-result.json")]
    if not isolate:
        return runner_args
    system = []
    for path in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/etc"):
        if os.path.exists(path):
            system += ["--ro-bind", path, path]
    return [
        "bwrap", *_namespace_args(), *system, *_python_binds(),
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
        "--perms", "0755", "--dir", HOME,
        "--bind", str(work), WORK,
        "--ro-bind", str(RUNNER), f"{HOME}/.runner.py",
        "--ro-bind", str(job_file), f"{HOME}/.job.json",
        "--chdir", WORK,
        "--clearenv", "--setenv", "HOME", HOME, "--setenv", "PATH", "/usr/bin:/bin",
        "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONHASHSEED", "0", "--setenv", "MPLBACKEND", "Agg",
        *[arg for name, value in ONE_THREAD.items() for arg in ("--setenv", name, value)],
        "--",
        "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
        "--inh-caps=-all", "--bounding-set=-all",
        *runner_args,
    ]


def run(work: Path, job: dict, *, limits: Limits, slot: int = 0, isolate: bool = True) -> RunOutcome:
    """Run the student's notebook in `work` (a private copy the caller made) under `limits`."""
    uid = UID_BASE + slot
    job = {**job, "probe_seconds": limits.probe_seconds}
    job_file = work.parent / f"{work.name}.job.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    if isolate:
        for path in [work, *work.rglob("*")]:
            os.lchown(path, uid, uid)
    result_path = work / ".hocvuso-result.json"

    def limit_resources() -> None:  # runs in the child before exec; inherited by everything it starts
        mem = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))
        size = limits.max_file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        cpu = int(limits.wall_seconds) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    started = time.monotonic()
    env = None if isolate else {**os.environ, **ONE_THREAD}
    proc = subprocess.Popen(command(work, job_file, uid, isolate=isolate), stdin=subprocess.DEVNULL, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit_resources,
                            start_new_session=True, cwd=str(work))
    state, detail = "finished", ""
    try:
        _out, err = proc.communicate(timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        _kill(proc)
        _out, err = proc.communicate()
        state, detail = "timeout", f"stopped after {limits.wall_seconds:g} s"
    seconds = time.monotonic() - started
    result = _read_result(result_path)
    if state == "finished" and (proc.returncode != 0 or not result or not result.get("finished")):
        state = "crashed"
        code = proc.returncode
        detail = f"killed by signal {signal.Signals(-code).name}" if code and code < 0 else f"exit code {code}"
        tail = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
        if tail:
            detail += f" ({tail[0][:200]})"
    job_file.unlink(missing_ok=True)
    if isolate:
        _reap(uid)
    return RunOutcome(state=state, result=result, seconds=seconds, detail=detail)


def _reap(uid: int, *, seconds: float = 10.0) -> None:
    """Kill every process still running as the sandbox uid, and wait until there is none.

    A killed sandbox's processes die asynchronously; a fork bomb's leftovers would otherwise still
    count against the process limit of the next submission graded in the same worker slot.
    """
    deadline = time.monotonic() + seconds
    while True:
        alive = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if os.stat(entry.path).st_uid == uid:
                    alive.append(int(entry.name))
            except OSError:
                continue
        if not alive or time.monotonic() > deadline:
            return
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _read_result(path: Path) -> dict | None:
    try:
        with path.open("rb") as fh:
            raw = fh.read(8 * 1024 * 1024)
        data = json.loads(raw)
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None
