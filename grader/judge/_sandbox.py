"""Run one submission's code where it can do no harm, and bring back what it did through a channel it cannot
forge beyond its own worth.

Inside the sandbox (bubblewrap namespaces) the student's code sees a read-only system and the judge's
Python environment (venv, system or user site — with the hocvuso package itself hidden: it holds
answer keys), an empty /tmp, its own home with a copy of its files at the fixed path
/home/hocsinh/bai, and nothing else: no network, no course, no gradebook, no other submission, no
judge folder, and no host path at all in /proc/1/cmdline (bubblewrap reads its arguments from a
memfd) or /proc/self/mountinfo (nothing of the judge's is mounted: the files arrive as data).

Limits hold for the whole submission, all its processes together: a cgroup per run (cgroup v2's
memory.max/pids.max, or cgroup v1's memory and pids controllers) bounds memory (tmpfs pages
included) and processes, and its CPU share where a cpu controller exists (one core by default); a
size-limited tmpfs bounds what it writes; the wall clock bounds time.
Per-process rlimits stay as a second layer (a runaway allocation becomes a MemoryError the student
sees). Each run has a uid that no other running sandbox on the machine has (leased under a lock in
/run/hocvuso-uids), and clean-up kills only that run's cgroup (or, without cgroups, that run's uid).

The result channel: the runner writes JSON lines to an inherited pipe; this side reads it with a
size and a time bound, so a student cannot point it at another file, block it, or make it big. The
student's code runs in the runner's process and can write lines too; it cannot know what the
expected values are, so a forged report earns at most what correct functions earn — and the hidden
cases' inputs enter the sandbox only after every public case was reported. A report that is not
well formed is the student's doing ("report_damaged"), never the grader's. Whatever happens before
the runner's first line is the grader's own failure (GraderFault), never the student's grade.

Stock nbgrader test cells (asserts) never run in that process: a second process, the judge-side test
process, sandboxed too (its own bubblewrap namespaces: no network, no course, no submission files; the same
cgroup and wall clock as the run), gets the test cells' sources and grades each one over the bridge's pipe
(`hocvuso.grader._bridge`), which the runner serves at each test cell's place in the notebook. It cannot see
the student's process (another pid namespace): when a request runs over its time it asks this side, which
interrupts the runner by its pid on the host. See docs/assert-cells.md.

Where bubblewrap or per-submission limits are missing, `probe()` / `probe_limits()` say why, and the
batch refuses unless the judge explicitly allows it.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import importlib.util
import json
import os
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from hocvuso.core.config import Settings

from .._errors import GraderFault
from .._limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

RUNNER = Path(__file__).with_name("_runner.py")
HOME = "/home/hocsinh"
WORK = f"{HOME}/bai"
RUNNER_IN_SANDBOX = "/run/hocvuso/runner.py"
BRIDGE = Path(__file__).parents[1] / "_bridge.py"
ASSERTCELL = Path(__file__).with_name("_assertcell.py")
BRIDGE_IN_SANDBOX = "/run/hocvuso/bridge.py"
ASSERTCELL_IN_SANDBOX = "/run/hocvuso/assertcell.py"
JUDGE_SIDE_PROCESSES = 3
"""Processes the judge-side test process adds to the run's cgroup (bubblewrap's two, Python)."""
JUDGE_BOOT = """
import importlib.util, json, site, sys, types
config = json.loads(sys.argv[1])
for folder in config["site_dirs"]:
    if folder not in sys.path:
        site.addsitedir(folder)
for name in ("hvjudge", "hvjudge.judge"):
    package = types.ModuleType(name)
    package.__path__ = []
    sys.modules[name] = package
def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
load("hvjudge._bridge", config["bridge"])
load("hvjudge.judge._assertcell", config["assertcell"]).serve_tests(config)
"""
"""The judge-side test process's program: the bridge and the test-cell grader, loaded from files passed in as
data (the hocvuso package is hidden in the sandbox) under a package of their own, then `serve_tests`."""
UIDS = range(61000, 62000)
"""Sandbox uids (numeric, no account needed); each running sandbox on the machine leases one."""
UID_LOCKS = Path("/run/hocvuso-uids")
MAX_REPORT_BYTES = 8 * 1024 * 1024
MAX_FILES = 2000
"""Files of one submission folder copied into the sandbox; more are left out (with a note)."""
CPU_PERIOD_US = 100_000
SLACK_PROCESSES = 3
"""The sandbox's own processes counted by the pids cgroup (bubblewrap's monitor and init, the runner)."""
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1", "JOBLIB_MULTIPROCESSING": "0",
              "LOKY_MAX_CPU_COUNT": "1"}
"""numpy/scikit-learn use one thread each: a thread pool's per-thread buffers would otherwise eat the
address-space limit (and the CPU of the other workers); the memory limit itself stays as it is."""


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Resource limits for one submission (all its processes together, unless said otherwise)."""

    wall_seconds: float = DEFAULT_TIMEOUT
    """Whole-notebook wall-clock limit; the sandbox is killed after it."""
    memory_mb: int = DEFAULT_MEMORY_MB
    """Memory of the whole submission (cgroup), files it writes in its tmpfs included; also each process's
    address space (RLIMIT_AS)."""
    max_processes: int = 64
    """Processes the submission may have at once (pids cgroup; RLIMIT_NPROC of its uid)."""
    max_file_mb: int = 64
    """Largest file the student's code may write (RLIMIT_FSIZE)."""
    disk_mb: int = 256
    """Size of the writable home (with the work folder) and, separately, of /tmp (tmpfs)."""
    probe_seconds: float = 5.0
    """Time for one call of a student's function."""
    test_cell_seconds: float = 30.0
    """Time for one stock test cell's requests to the student's process together (nbgrader's per-cell
    timeout), and for each one of them."""
    cpus: float = 1.0
    """CPU cores the whole submission may use at once (cpu cgroup, where the machine has one): a notebook
    that starts busy processes slows only itself, not the other workers' students."""


LIMIT_WORDS = {
    "memory": "memory limit ({limits.memory_mb} MB for all its processes together)",
    "processes": "process limit ({limits.max_processes} processes at once)",
    "disk": "disk limit ({limits.disk_mb} MB in its folders)",
    "file size": "file size limit ({limits.max_file_mb} MB per file)",
    "cpu": "CPU time limit",
}
"""What each limit a run can reach is called in a judge's reason column."""


def describe_limit(name: str, limits: Limits) -> str:
    return LIMIT_WORDS.get(name, name).format(limits=limits)


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    """What came back from one sandboxed run."""

    state: str
    """"finished"; "timeout" (wall clock); "crashed" (the process died: signal, exit code, a limit);
    "report_damaged" (the student's code broke, forged badly or cut short the runner's report)."""
    result: dict | None
    """The report: {"cells": [...], "probes": {id: {...}}, "finished": bool}; None when damaged."""
    seconds: float
    """Wall time."""
    detail: str = ""
    """What happened, in words for the judge's reason column."""
    limits_hit: tuple[str, ...] = ()
    """Keys of LIMIT_WORDS the submission ran into."""
    notes: tuple[str, ...] = ()
    """Other remarks (files left out of the copy …)."""

    def timed_out_cases(self) -> list[str]:
        """Probe ids whose call ran past the per-call limit."""
        probes = (self.result or {}).get("probes", {})
        return [pid for pid, got in probes.items() if isinstance(got, dict) and got.get("timeout")]


# ---------------------------------------------------------------------------------------------- probes

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
        done = subprocess.run(["bwrap", *_namespace_args(), "--ro-bind", "/", "/", "--size", "1048576",
                               "--tmpfs", "/tmp", "true"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start: {exc}"
    if done.returncode != 0:
        return f"bubblewrap cannot create namespaces here (version 0.5 or later is needed): {done.stderr.strip()[:200]}"
    return None


@lru_cache(maxsize=1)
def probe_limits() -> str | None:
    """None when each submission can get its own memory and process limits here; otherwise why not.

    The batch refuses to grade without them unless the judge allows it (`grade_batch(allow_unlimited=True)`,
    `hocvuso grade --no-limits`); then only per-process rlimits apply.
    """
    if os.geteuid() != 0:
        return "the grader is not root, so it cannot create a cgroup per submission"
    try:
        places = _cgroup_places()
    except OSError as exc:
        return f"the cgroup file system cannot be read ({exc})"
    missing = [c for c in ("memory", "pids") if c not in places]
    if missing:
        return (f"no cgroup controller for {' and '.join(missing)} (cgroup v2 with memory and pids enabled, or "
                "cgroup v1's memory and pids hierarchies, are needed)")
    try:
        group = _Cgroup.create(f"probe-{os.getpid()}", Limits())
        group.remove()
    except GraderFault as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------------------------- cgroups

@lru_cache(maxsize=1)
def _cgroup_places() -> dict[str, tuple[str, Path]]:
    """Controller -> (version, the folder under which this process may make child cgroups)."""
    mounts_v1: dict[str, tuple[str, Path]] = {}
    v2_mount = None
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        for line in fh:
            left, _sep, right = line.partition(" - ")
            fstype, _source, options = (right.split() + ["", "", ""])[:3]
            root, point = left.split()[3], Path(left.split()[4])
            if fstype == "cgroup":
                for option in options.split(","):
                    mounts_v1.setdefault(option, (root, point))
            elif fstype == "cgroup2" and v2_mount is None:
                v2_mount = point
    own: dict[str, str] = {}
    with open("/proc/self/cgroup", encoding="utf-8") as fh:
        for line in fh:
            _num, controllers, path = line.rstrip("\n").split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                own[controller] = path
    places: dict[str, tuple[str, Path]] = {}
    for controller in ("memory", "pids", "cpu"):  # cpu is optional (see probe_limits)
        if controller in mounts_v1 and controller in own:
            root, point = mounts_v1[controller]
            path = own[controller]  # as the hierarchy names it; the mount may show only a part of it (containers)
            inside = path[len(root.rstrip("/")):] if path.startswith(root.rstrip("/") + "/") or path == root else path
            places[controller] = ("v1", point / inside.lstrip("/") / "hocvuso")
        elif v2_mount is not None:
            available = (v2_mount / "cgroup.controllers")
            if available.exists() and controller in available.read_text().split():
                # Under the cgroup2 root: only there may a parent both hold processes and share controllers.
                places[controller] = ("v2", v2_mount / "hocvuso")
    return places


class _Cgroup:
    """One run's cgroup(s): memory and process limits for all its processes together."""

    def __init__(self, folders: list[tuple[str, str, Path]]):
        self.folders = folders  # (controller, version, folder)

    @classmethod
    def create(cls, name: str, limits: Limits) -> _Cgroup:
        folders: list[tuple[str, str, Path]] = []
        try:
            places = _cgroup_places()
            for controller, (version, parent) in sorted(places.items()):
                if version == "v2":
                    _ensure_v2_parent(parent, {c for c, (v, _p) in places.items() if v == "v2"})
                folder = parent / name
                if any(f == folder for _c, _v, f in folders):
                    folders.append((controller, version, folder))
                    continue
                if folder.exists():  # left by a batch that died with this uid leased: ours now
                    _Cgroup([(controller, version, folder)]).remove()
                folder.mkdir(parents=True)
                folders.append((controller, version, folder))
            group = cls(folders)
            memory = limits.memory_mb * 1024 * 1024
            for controller, version, folder in folders:
                if controller == "memory" and version == "v1":
                    (folder / "memory.limit_in_bytes").write_text(str(memory))
                    _write_if_present(folder / "memory.memsw.limit_in_bytes", str(memory))  # no swapping out
                elif controller == "memory":
                    (folder / "memory.max").write_text(str(memory))
                    _write_if_present(folder / "memory.swap.max", "0")
                elif controller == "cpu" and version == "v1":
                    (folder / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
                    (folder / "cpu.cfs_quota_us").write_text(str(int(CPU_PERIOD_US * limits.cpus)))
                elif controller == "cpu":
                    (folder / "cpu.max").write_text(f"{int(CPU_PERIOD_US * limits.cpus)} {CPU_PERIOD_US}")
                elif controller == "pids":
                    (folder / "pids.max").write_text(str(limits.max_processes + SLACK_PROCESSES))
                    # (the per-uid RLIMIT_NPROC is set higher, so that this limit, which names itself, bites first)
        except OSError as exc:
            for _c, _v, folder in folders:
                _rmdir(folder)
            raise GraderFault(f"could not create the cgroup that limits one submission ({exc.filename}: "
                              f"{exc.strerror})") from exc
        return group

    def procs_files(self) -> list[str]:
        return sorted({str(folder / "cgroup.procs") for _c, _v, folder in self.folders})

    def limits_hit(self) -> list[str]:
        hit = []
        for controller, version, folder in self.folders:
            if controller == "memory":
                events = _read_counts(folder / ("memory.oom_control" if version == "v1" else "memory.events"))
                if events.get("oom_kill", 0) > 0:
                    hit.append("memory")
            elif controller == "pids" and _read_counts(folder / "pids.events").get("max", 0) > 0:
                hit.append("processes")
        return hit

    def kill(self) -> None:
        """SIGKILL every process in the cgroup(s) and wait until none is left."""
        _kill_until_gone(self._pids)

    def _pids(self) -> set[int]:
        pids: set[int] = set()
        for procs in self.procs_files():
            try:
                pids |= {int(p) for p in Path(procs).read_text().split()}
            except OSError:
                continue
        return pids

    def remove(self) -> None:
        self.kill()
        for _c, _v, folder in self.folders:
            _rmdir(folder)


def _ensure_v2_parent(parent: Path, controllers: set[str]) -> None:
    if not parent.is_dir():
        parent.mkdir(exist_ok=True)
    wanted = controllers - set((parent / "cgroup.subtree_control").read_text().split())
    if wanted:
        (parent.parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in sorted(wanted)))
        (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in sorted(wanted)))


def _write_if_present(path: Path, value: str) -> None:
    if path.exists():
        path.write_text(value)


def _read_counts(path: Path) -> dict[str, int]:
    try:
        pairs = [line.split() for line in path.read_text().splitlines()]
    except OSError:
        return {}
    return {p[0]: int(p[1]) for p in pairs if len(p) == 2 and p[1].isdigit()}


def _rmdir(folder: Path) -> None:
    for _ in range(50):  # a killed process leaves its cgroup a moment after it is reaped
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.01)


# ------------------------------------------------------------------------------------------------ uids

class _UidLease:
    """A sandbox uid no other running sandbox on this machine has; released when the run ends.

    A lock file per uid, held with flock(2): the kernel drops it when its holder dies, so a batch that
    was killed never keeps a uid.
    """

    def __init__(self) -> None:
        try:
            UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise GraderFault(f"cannot make {UID_LOCKS} for the sandbox uid locks ({exc.strerror})") from exc
        for uid in UIDS:
            fd = os.open(UID_LOCKS / str(uid), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise GraderFault(f"all {len(UIDS)} sandbox uids are in use by running batches on this machine")

    def release(self) -> None:
        os.close(self._fd)


def _reap(uid: int) -> None:
    """Without cgroups: kill every process still running as this run's own (leased) uid."""
    def alive() -> set[int]:
        found = set()
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if os.stat(entry.path).st_uid == uid:
                        found.add(int(entry.name))
                except OSError:
                    continue
        return found
    _kill_until_gone(alive)


def _kill_until_gone(find: Callable[[], set[int]], *, seconds: float = 10.0) -> None:
    """SIGKILL the processes `find()` names until it names none (killed processes vanish a moment later)."""
    deadline = time.monotonic() + seconds
    while True:
        pids = find()
        if not pids or time.monotonic() > deadline:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


# --------------------------------------------------------------------------------- python environment

@dataclass(frozen=True)
class _Environment:
    python: str
    """The judge's interpreter as invoked (a venv's bin/python, not its target: that would lose the venv)."""
    trees: tuple[str, ...]
    """Folders bound read-only at their own paths: prefixes of the venv and its base, the user site."""
    hidden: tuple[str, ...]
    """hocvuso's package folders inside those trees: an empty tmpfs goes over each."""
    site_dirs: tuple[str, ...]
    """Site folders the runner adds itself (the user site: `-I` leaves it out)."""
    path: str


SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc")


@lru_cache(maxsize=1)
def _environment() -> _Environment:
    python = sys.executable
    if not python:
        raise GraderFault("the grader's Python does not know its own executable (sys.executable is empty)")
    wanted = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    # Every site folder the judge's Python uses (its own, the user site, one a .pth added): `-I` in the
    # sandbox leaves the user site out, so the runner adds them all again (with their .pth files).
    site_dirs = [p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages") and os.path.isdir(p)]
    wanted.update(site_dirs)
    wanted.add(os.path.dirname(os.path.abspath(python)))
    trees: list[str] = []
    for tree in sorted(wanted, key=len):
        tree = os.path.abspath(tree)
        if os.path.isdir(tree) and not _inside(tree, (*SYSTEM, *trees)):
            trees.append(tree)
    hidden: list[str] = []
    for folder in sorted(_package_folders(), key=len):  # one tmpfs per top folder: none made inside another
        if os.path.isdir(folder) and _inside(folder, (*SYSTEM, *trees)) and not _inside(folder, hidden):
            hidden.append(folder)
    judge_data = Settings.from_env().judge_data
    if judge_data and os.path.isdir(judge_data) and _inside(os.path.realpath(judge_data), (*SYSTEM, *trees)):
        hidden.append(os.path.realpath(judge_data))
    scripts = sysconfig.get_path("scripts")
    path = ":".join(p for p in (scripts if scripts and _inside(scripts, (*SYSTEM, *trees)) else "", "/usr/bin", "/bin")
                    if p)
    return _Environment(python, tuple(trees), tuple(sorted(set(hidden))), tuple(site_dirs), path)


def _package_folders() -> set[str]:
    """Every folder hocvuso's packages live in: the package itself (a wheel or system install holds all of
    them below it), its loaded subpackages, and what an editable install maps them to."""
    names = {"hocvuso", *(n for n, m in list(sys.modules.items())
                          if n.startswith("hocvuso.") and getattr(m, "__path__", None))}
    folders: set[str] = set()
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        folders.update((spec.submodule_search_locations or []) if spec else [])
    for name, module in list(sys.modules.items()):  # setuptools' editable finder: {package: folder}
        if name.startswith("__editable___hocvuso"):
            folders.update(str(v) for v in getattr(module, "MAPPING", {}).values())
    return {os.path.realpath(f) for f in folders}


def _inside(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


# --------------------------------------------------------------------------------------------- command

def _namespace_args() -> list[str]:
    # Not --unshare-all: that adds a user namespace in which only root is mapped, and the switch to the
    # sandbox uid (whose process count RLIMIT_NPROC limits) would be impossible.
    return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session"]


def _dirs(path: str, made: set[str]) -> list[str]:
    """bubblewrap makes missing parent folders 0700; make each one 0755 first so the sandbox uid may pass."""
    args = []
    parts = Path(path).parts
    for i in range(2, len(parts)):
        folder = str(Path(*parts[:i]))
        if folder not in made and not _inside(folder, SYSTEM):
            args += ["--perms", "0755", "--dir", folder]
            made.add(folder)
    return args


def _bwrap_args(env: _Environment, limits: Limits, data: Mapping[str, int]) -> list[str]:
    """bubblewrap's options; `data` maps paths under /run/hocvuso to the memfds bound read-only there."""
    args = [*_namespace_args()]
    for path in SYSTEM:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            args += ["--ro-bind", path, path]
    disk = str(limits.disk_mb * 1024 * 1024)
    args += ["--perms", "1777", "--size", disk, "--tmpfs", "/tmp"]
    made: set[str] = set()
    for tree in env.trees:  # after /tmp: a venv that lives under /tmp stays visible
        args += [*_dirs(tree, made), "--ro-bind", tree, tree]
    for folder in env.hidden:
        args += ["--perms", "0755", "--tmpfs", folder]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "0755", "--dir", "/home", "--perms", "1777", "--size", disk, "--tmpfs", HOME,
             "--perms", "0755", "--dir", "/run", "--perms", "0755", "--dir", os.path.dirname(RUNNER_IN_SANDBOX)]
    for path, fd in data.items():
        args += ["--perms", "0644", "--ro-bind-data", str(fd), path]
    args += ["--chdir", HOME, "--clearenv"]
    environ = {"HOME": HOME, "PATH": env.path, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
               **ONE_THREAD}
    for name, value in environ.items():
        args += ["--setenv", name, value]
    return args


def _sandboxed_command(env: _Environment, uid: int, program: list[str]) -> list[str]:
    """What bubblewrap runs (on its own command line: `--args` takes options only)."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", "--inh-caps=-all",
            "--bounding-set=-all", env.python, "-I", "-B", *program]


JOIN_CGROUPS = 'while [ "$1" != -- ]; do echo 0 > "$1" || exit 125; shift; done; shift; exec "$@"'
"""Moves the shell into the run's cgroup(s) before it becomes bubblewrap: every process of the sandbox is
counted from its first instruction, and the judge's process never forks with a preexec hook."""


# ------------------------------------------------------------------------------------------------- run

def run(work: Path | None, job: dict, *, files: Mapping[str, bytes] | None = None, limits: Limits,
        isolate: bool = True, slot: int = 0) -> RunOutcome:
    """Run the notebook `job["notebook"]` under `limits`; `files` (relative path -> bytes) are its work folder.

    isolate=True: in the sandbox, at /home/hocsinh/bai (`work` must be None: nothing of the host is used).
    isolate=False: in `work` on this machine (a folder the caller made), as this user — for `hocvuso check`
    on a student's own computer and for judges who passed --no-sandbox.
    Raises GraderFault when the grader's machinery fails; everything the code does is in the outcome.
    """
    del slot  # uids are leased machine-wide, not derived from the worker slot
    files = dict(files or {})
    tests = [dict(t) for t in job.get("tests", ())]
    use_cgroups = probe_limits() is None
    lease = _UidLease() if isolate else None
    group = None
    opened: list[int] = []
    try:
        if use_cgroups:
            room = limits.max_processes + (JUDGE_SIDE_PROCESSES if tests else 0)
            group = _Cgroup.create(str(lease.uid) if lease else f"local-{os.getpid()}-{id(files)}",
                                   replace(limits, max_processes=room))
        probes = [dict(p) for p in job.get("probes", ())]
        public = [{k: v for k, v in p.items() if k != "hidden"} for p in probes if not p.get("hidden")]
        hidden = [{k: v for k, v in p.items() if k != "hidden"} for p in probes if p.get("hidden")]
        manifest = [[rel, len(data)] for rel, data in files.items()]
        head = {**{k: v for k, v in job.items() if k not in ("probes", "tests", "test_files")}, "probes": public,
                "files": manifest,
                "workdir": WORK if isolate else str(work), "probe_seconds": limits.probe_seconds,
                "limits": {"memory_mb": limits.memory_mb, "max_processes": limits.max_processes + 2 * SLACK_PROCESSES,
                           "max_file_mb": limits.max_file_mb, "cpu_seconds": int(limits.wall_seconds) + 5},
                "site_dirs": list(_environment().site_dirs) if isolate else []}
        files_fd = _memfd("hocvuso-files", b"".join(files.values()), opened)
        job_r, job_w = _pipe(opened)
        report_r, report_w = _pipe(opened)
        fds: tuple[int, ...] = (job_r, report_w, files_fd)
        judge = None
        if tests:
            to_student_r, to_student_w = _pipe(opened)
            to_judge_r, to_judge_w = _pipe(opened)
            fds += (to_student_r, to_judge_w)
            head.update(serve_ids=[t["id"] for t in tests], bridge=BRIDGE_IN_SANDBOX if isolate else str(BRIDGE))
            test_files = {rel: files[rel] for rel in job.get("test_files", ()) if rel in files}
            judge = _start_judge_side(tests, (to_judge_r, to_student_w), test_files, limits=limits, lease=lease,
                                      group=group, isolate=isolate, opened=opened)
        if isolate:
            env = _environment()
            data = {RUNNER_IN_SANDBOX: _memfd("hocvuso-runner", _source(RUNNER), opened)}
            if tests:
                data[BRIDGE_IN_SANDBOX] = _memfd("hocvuso-bridge", _source(BRIDGE), opened)
            assert lease is not None  # leased above whenever isolate is set
            args_fd = _memfd("hocvuso-args", b"\0".join(a.encode() for a in _bwrap_args(env, limits, data)) + b"\0",
                             opened)
            command = ["bwrap", "--args", str(args_fd), "--",
                       *_sandboxed_command(env, lease.uid, [RUNNER_IN_SANDBOX, *map(str, fds)])]
            pass_fds: tuple[int, ...] = (*fds, *data.values(), args_fd)
            environ: dict[str, str] | None = None
            cwd = "/"
        else:
            command = [sys.executable, "-I", "-B", str(RUNNER), *map(str, fds)]
            pass_fds, environ, cwd = fds, {**os.environ, **ONE_THREAD}, str(work)
        if group is not None:
            command = ["/bin/sh", "-c", JOIN_CGROUPS, "sh", *group.procs_files(), "--", *command]
        report = _Report(({p["id"] for p in public}, {p["id"] for p in hidden}))
        return _supervise(command, pass_fds, environ, cwd, job_w=job_w, report_r=report_r, report=report,
                          first=_line(head), later=_line({"probes": hidden}), limits=limits, group=group,
                          isolate=isolate, opened=opened, judge=judge)
    finally:
        if judge is not None:
            judge.stop()
        for fd in opened:
            try:
                os.close(fd)
            except OSError:
                pass
        if group is not None:
            group.remove()
        elif lease is not None:
            _reap(lease.uid)
        if lease is not None:
            lease.release()


@lru_cache(maxsize=4)
def _source(path: Path) -> bytes:
    return path.read_bytes()


class _JudgeSide:
    """The judge-side test process of one run: its verdicts, and its requests to interrupt the student."""

    def __init__(self, proc: subprocess.Popen, report_fd: int, ids: list[str], home: str | None) -> None:
        self.proc, self.fd, self.ids, self.home = proc, report_fd, ids, home
        self.buffer = b""
        self.verdicts: dict[str, dict] = {}
        self.open = True
        self.size = 0

    def feed(self, data: bytes, interrupt: Callable[[], None]) -> None:
        """Lines from the judge-side process (trusted: it never ran student code); bounded all the same."""
        self.size += len(data)
        if self.size > MAX_REPORT_BYTES:
            self.open = False
            return
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            try:
                frame = json.loads(line)
            except ValueError:
                continue
            if frame.get("interrupt"):
                interrupt()
            elif isinstance(frame.get("verdict"), dict) and frame["verdict"].get("id") in self.ids:
                self.verdicts[frame["verdict"]["id"]] = frame["verdict"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)


def _start_judge_side(tests: list[dict], bridge_fds: tuple[int, int], files: Mapping[str, bytes], *, limits: Limits,
                      lease: _UidLease | None, group: _Cgroup | None, isolate: bool, opened: list[int]) -> _JudgeSide:
    """Start the judge-side test process: the test cells (as data), the bridge's judge end, its own sandbox.

    `files` (the release's data files, never the student's) are its work folder, for tests that read them.
    """
    report_r, report_w = _pipe(opened)
    files_fd = _memfd("hocvuso-test-files", b"".join(files.values()), opened)
    fds = (*bridge_fds, report_w, files_fd)
    home = None if isolate else tempfile.mkdtemp(prefix="hocvuso-tests-")
    config = {"tests": tests, "rfd": bridge_fds[0], "wfd": bridge_fds[1], "report_fd": report_w,
              "wait_seconds": limits.wall_seconds, "cell_seconds": limits.test_cell_seconds,
              "files_fd": files_fd, "files": [[rel, len(data)] for rel, data in files.items()],
              "workdir": WORK if isolate else home}
    if isolate:
        assert lease is not None  # leased by run() whenever isolate is set
        env = _environment()
        data = {BRIDGE_IN_SANDBOX: _memfd("hocvuso-bridge", _source(BRIDGE), opened),
                ASSERTCELL_IN_SANDBOX: _memfd("hocvuso-assertcell", _source(ASSERTCELL), opened)}
        config.update(bridge=BRIDGE_IN_SANDBOX, assertcell=ASSERTCELL_IN_SANDBOX, site_dirs=list(env.site_dirs))
        args_fd = _memfd("hocvuso-judge-args", b"\0".join(a.encode() for a in _bwrap_args(env, limits, data))
                         + b"\0", opened)
        command = ["bwrap", "--args", str(args_fd), "--",
                   *_sandboxed_command(env, lease.uid, ["-c", JUDGE_BOOT, json.dumps(config)])]
        pass_fds: tuple[int, ...] = (*fds, *data.values(), args_fd)
        environ: dict[str, str] | None = None
        where = "/"
    else:
        config.update(bridge=str(BRIDGE), assertcell=str(ASSERTCELL), site_dirs=[])
        command = [sys.executable, "-I", "-B", "-c", JUDGE_BOOT, json.dumps(config)]
        pass_fds, environ, where = fds, {**os.environ, **ONE_THREAD}, str(home)
    if group is not None:
        command = ["/bin/sh", "-c", JOIN_CGROUPS, "sh", *group.procs_files(), "--", *command]
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, pass_fds=pass_fds, env=environ, cwd=where,
                                start_new_session=True)
    except OSError as exc:
        raise GraderFault(f"cannot start the judge-side test process ({command[0]}: {exc.strerror})") from exc
    for fd in pass_fds:  # its ends: EOF on its report means it is gone
        os.close(fd)
        opened.remove(fd)
    return _JudgeSide(proc, report_r, [t["id"] for t in tests], home)


def _host_pid(root: int, inner: int) -> int | None:
    """The host pid of the process `inner` (its pid in its own namespace) among `root`'s descendants."""
    parents: dict[int, int] = {}
    inner_of: dict[int, int] = {}
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return None
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        parents[pid] = int(fields.get("PPid", "0").strip() or 0)
        nspids = fields.get("NSpid", "").split()
        if nspids:
            inner_of[pid] = int(nspids[-1])
    for pid, ns_pid in inner_of.items():
        if ns_pid != inner or pid == root:
            continue
        up, hops = parents.get(pid, 0), 0
        while up and up != root and hops < 10:
            up, hops = parents.get(up, 0), hops + 1
        if up == root:
            return pid
    return None


def _memfd(name: str, data: bytes, opened: list[int]) -> int:
    try:
        if hasattr(os, "memfd_create"):
            fd = os.memfd_create(name)  # close-on-exec: only the sandbox it is passed to gets it
        else:  # `hocvuso check` on a student's Mac: an unlinked temporary file does the same
            fd, path = tempfile.mkstemp(prefix=name)
            os.unlink(path)
    except OSError as exc:
        raise GraderFault(f"cannot make an in-memory file for the sandbox ({exc.strerror})") from exc
    opened.append(fd)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _pipe(opened: list[int]) -> tuple[int, int]:
    r, w = os.pipe()
    opened += [r, w]
    return r, w


class _Report:
    """Assembles the runner's JSON lines; anything out of order or malformed marks it damaged."""

    def __init__(self, expected: tuple[set[str], set[str]]):
        self.public, self.hidden = expected
        self.buffer = b""
        self.size = 0
        self.started = self.ready = self.finished = self.public_done = False
        self.pid: int | None = None
        """The runner's pid in its namespace (from its first line, written before any student code)."""
        self.setup_error = ""
        self.damage = ""
        self.cells: list | None = None
        self.probes: dict[str, dict] = {}

    def feed(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > MAX_REPORT_BYTES:
            self.damaged(f"it grew past {MAX_REPORT_BYTES // (1024 * 1024)} MB")
            return
        self.buffer += data
        if b"\n" not in data:
            return
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            if not self.damage:
                self._frame(line)

    def damaged(self, why: str) -> None:
        self.damage = self.damage or why

    def _frame(self, line: bytes) -> None:
        try:
            frame = json.loads(line)
        except ValueError:
            return self.damaged("a line that is not JSON")
        if not isinstance(frame, dict):
            return self.damaged("a line that is not a JSON object")
        if self.finished:
            return self.damaged("lines after the end")
        if "hello" in frame and not self.started:
            self.started = True
            self.pid = frame["pid"] if type(frame.get("pid")) is int else None
        elif not self.started:
            self.damaged("lines before the start")
        elif not self.ready:  # the runner's own lines: no student code has run yet
            if "setup_error" in frame:
                self.setup_error = str(frame["setup_error"])[:300]
            elif frame.get("ready") == 1:
                self.ready = True
            else:
                self.damaged("an unexpected line before the notebook ran")
        elif "cells" in frame and self.cells is None and isinstance(frame["cells"], list):
            self.cells = [c for c in frame["cells"] if isinstance(c, dict)]
        elif "probe" in frame:
            pid = frame.get("probe")
            allowed = self.hidden if self.public_done else self.public
            if not isinstance(pid, str) or pid not in allowed or pid in self.probes:
                return self.damaged(f"an unexpected or repeated result for case {str(pid)[:40]!r}")
            self.probes[pid] = {k: frame[k] for k in ("value", "error", "timeout") if k in frame}
        elif frame.get("phase") == "public-done" and not self.public_done:
            self.public_done = True
        elif frame.get("finished") is True and self.public_done:
            self.finished = True
        else:
            self.damaged(f"an unexpected line ({', '.join(sorted(frame))[:60]})")

    def result(self) -> dict | None:
        if self.damage:
            return None
        return {"cells": self.cells or [], "probes": self.probes, "finished": self.finished}


def _line(obj) -> bytes:
    return (json.dumps(obj) + "\n").encode("utf-8")


def _supervise(command: list[str], pass_fds: tuple[int, ...], environ, cwd: str, *, job_w: int, report_r: int,
               report: _Report, first: bytes, later: bytes, limits: Limits, group: _Cgroup | None, isolate: bool,
               opened: list[int], judge: _JudgeSide | None = None) -> RunOutcome:
    """Start the sandbox, feed it the job, read its report (bounded in size and time), and say what happened."""
    started = time.monotonic()
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, pass_fds=pass_fds, env=environ, cwd=cwd,
                                start_new_session=True)
    except OSError as exc:
        raise GraderFault(f"cannot start the sandbox ({command[0]}: {exc.strerror})") from exc
    for fd in pass_fds:  # the child's ends: EOF on the report pipe must mean the sandbox is gone
        os.close(fd)
        opened.remove(fd)
    err = bytearray()
    try:
        timed_out = _pump(proc, job_w, report_r, report, first, later, err, started + limits.wall_seconds, judge)
    finally:
        if proc.poll() is None:
            _kill(proc, group)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _kill(proc, group)
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    seconds = time.monotonic() - started
    code = proc.returncode
    if not report.started:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        why = [line for line in lines if line.startswith(("bwrap:", "setpriv:"))] or lines[-1:] or [f"exit code {code}"]
        if timed_out:
            raise GraderFault(f"the sandbox did not start within {limits.wall_seconds:g} s")
        raise GraderFault(f"the sandbox could not start: {why[0][:300]}")
    if report.setup_error:  # before any student code: the files were bounded to fit, so this is ours
        raise GraderFault(f"the sandbox's work folder could not be prepared ({report.setup_error})")
    hit = group.limits_hit() if group is not None else []
    texts = [str(c.get("error", "")) for c in report.cells or []] + [report.setup_error]
    if any("[Errno 28]" in t for t in texts):
        hit.append("disk")
    if any("[Errno 27]" in t for t in texts):
        hit.append("file size")
    sig = -code if code < 0 else (code - 128 if isolate and code > 128 else 0)
    if sig == signal.SIGXCPU:
        hit.append("cpu")
    result = report.result()
    if result is not None and judge is not None:
        result["tests"] = judge.verdicts
    if timed_out:
        state, detail = "timeout", f"stopped after {limits.wall_seconds:g} s"
    elif report.damage:
        state, detail = "report_damaged", f"the notebook's code damaged the grader's report ({report.damage})"
    elif report.finished:
        state, detail = "finished", ""
    elif sig:
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        state, detail = "crashed", f"killed by signal {name}" + (" at the memory limit" if "memory" in hit else "")
    elif code == 0:
        state = "report_damaged"
        detail = "the notebook's code ended the run before the grader's report was complete (exit code 0)"
    else:
        state = "crashed"
        detail = (f"exit code {code} before the report was complete: the notebook's code ended the interpreter "
                  "or broke the grader's report")
    return RunOutcome(state=state, result=result, seconds=seconds, detail=detail, limits_hit=tuple(dict.fromkeys(hit)))


def _pump(proc: subprocess.Popen, job_w: int, report_r: int, report: _Report, first: bytes, later: bytes,
          err: bytearray, deadline: float, judge: _JudgeSide | None = None) -> bool:
    """Move bytes until the sandbox (and the judge-side test process) is done; True when the wall clock ran out."""
    runner: list[int] = []

    def interrupt() -> None:  # the judge-side test process asks: SIGINT to the runner, in its pid namespace
        if not runner and report.pid is not None:  # without a sandbox the runner is `proc` itself (exec'd)
            runner.extend(filter(None, [report.pid if report.pid == proc.pid else _host_pid(proc.pid, report.pid)]))
        for pid in runner:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGINT)

    os.set_blocking(job_w, False)
    outgoing = bytearray(first)
    assert proc.stderr is not None  # started with stderr=PIPE
    err_fd = proc.stderr.fileno()
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # an old kernel or not Linux: ask the process every 0.1 s instead
        pidfd = None
    exit_deadline = None
    with selectors.DefaultSelector() as sel:
        sel.register(report_r, selectors.EVENT_READ, "report")
        sel.register(err_fd, selectors.EVENT_READ, "err")
        if pidfd is not None:
            sel.register(pidfd, selectors.EVENT_READ, "exit")
        sel.register(job_w, selectors.EVENT_WRITE, "job")
        if judge is not None:
            sel.register(judge.fd, selectors.EVENT_READ, "judge")
        writing, sent_later, open_reads = True, False, 2
        try:
            while (open_reads or (judge is not None and judge.open)) and not report.damage:
                now = time.monotonic()
                if pidfd is None and exit_deadline is None and proc.poll() is not None:
                    exit_deadline = now + 1.0
                stop = min(deadline, exit_deadline or deadline)
                if now >= stop:
                    return exit_deadline is None  # a process that has exited did not run out of time
                for key, _mask in sel.select(min(stop - now, 0.1) if pidfd is None else stop - now):
                    if key.data == "exit" and pidfd is not None:
                        sel.unregister(pidfd)
                        # what is still in the pipes arrives at once; the judge side only writes its last lines
                        exit_deadline = time.monotonic() + (1.0 if judge is None or not judge.open else 10.0)
                    elif key.data == "judge" and judge is not None:
                        data = os.read(judge.fd, 65536)
                        judge.feed(data, interrupt)
                        if not data or not judge.open:
                            sel.unregister(judge.fd)
                            judge.open = False
                    elif key.data == "job":
                        try:
                            del outgoing[:os.write(job_w, outgoing)]
                        except BlockingIOError:
                            pass
                        except OSError:
                            outgoing.clear()  # the runner is gone or closed its end: nothing more to say
                        if not outgoing:
                            sel.unregister(job_w)
                            writing = False
                    else:
                        data = os.read(key.fd, 65536)
                        if not data:
                            sel.unregister(key.fd)
                            open_reads -= 1
                        elif key.data == "report":
                            report.feed(data)
                        elif len(err) < 4096:
                            err += data[:4096 - len(err)]
                if report.public_done and not sent_later:
                    sent_later = True
                    outgoing += later
                    if not writing:
                        sel.register(job_w, selectors.EVENT_WRITE, "job")
                        writing = True
        finally:
            if pidfd is not None:
                os.close(pidfd)
    return False


def _kill(proc: subprocess.Popen, group: _Cgroup | None) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if group is not None:
        group.kill()


# ------------------------------------------------------------------------------------- reading files

def read_file(path: Path, *, limit: int) -> bytes:
    """One regular file, opened once without following a link; OSError (ELOOP for a link) when it cannot be."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        return _read_regular(fd, limit, path.name)
    finally:
        os.close(fd)


def _read_regular(fd: int, limit: int, name: str) -> bytes:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file", name)
    if info.st_size > limit:
        raise OSError(errno.EFBIG, "too large", name)
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise OSError(errno.EFBIG, "too large", name)


def read_folder(folder: Path, *, skip: set[str], max_bytes: int, max_file: int, max_files: int = MAX_FILES
                ) -> tuple[dict[str, bytes], list[str]]:
    """The student's files under `folder` (relative path -> bytes) and notes on what was left out.

    Every folder and file is opened relative to its parent's descriptor with O_NOFOLLOW: a link, or a
    folder swapped for a link while this runs, is never followed. Only regular files are read; dot-folders
    (.ipynb_checkpoints, .versions …) and the names in `skip` (at the top) are left out; the total is bounded.
    Raises GraderFault when the folder itself cannot be opened (the grader cannot see it).
    """
    try:
        top = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise GraderFault(f"cannot open the submission folder {folder} ({exc.strerror})") from exc
    files: dict[str, bytes] = {}
    left_out: list[str] = []
    total = 0
    stack = [(top, "")]
    try:
        while stack:
            fd, prefix = stack.pop()
            try:
                with os.scandir(fd) as entries:
                    listing = sorted((e.name, e.is_dir(follow_symlinks=False), e.is_file(follow_symlinks=False))
                                     for e in entries)
            except OSError:
                listing = []
            for name, is_dir, is_file in listing:
                rel = prefix + name
                if (not prefix and name in skip) or (is_dir and name.startswith(".")):
                    continue
                if is_dir and rel.count("/") < 20:
                    try:
                        child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
                    except OSError:
                        continue
                    stack.append((child, rel + "/"))
                    continue
                if not is_file:
                    continue  # links, pipes, sockets, devices: never opened
                if len(files) >= max_files:
                    left_out.append(rel)
                    continue
                try:
                    child = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=fd)
                except OSError:
                    continue
                try:
                    data = _read_regular(child, min(max_file, max_bytes - total), rel)
                except OSError:
                    left_out.append(rel)
                    continue
                finally:
                    os.close(child)
                files[rel] = data
                total += len(data)
            if fd != top:
                os.close(fd)
    finally:
        for fd, _prefix in stack:
            os.close(fd)
        os.close(top)
    notes = []
    if left_out:
        notes.append(f"{len(left_out)} file(s) of the submission folder were not copied into the sandbox (more than "
                     f"{max_files} files, {max_bytes // (1024 * 1024)} MB in all or {max_file // (1024 * 1024)} MB "
                     f"in one), e.g. {left_out[0][:80]!r}")
    return files, notes


@lru_cache(maxsize=256)
def _release_file(path: str, size: int, mtime_ns: int) -> bytes:
    del size, mtime_ns  # part of the cache key: a changed release file is read again
    return Path(path).read_bytes()


def release_bytes(path: Path) -> bytes:
    """A release data file (the same for every student: read once per batch); GraderFault when unreadable."""
    try:
        info = path.stat()
        return _release_file(str(path), info.st_size, info.st_mtime_ns)
    except OSError as exc:
        raise GraderFault(f"cannot read the release file {path} ({exc.strerror})") from exc
