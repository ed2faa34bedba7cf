"""Runs INSIDE the sandbox: execute a student's notebook, then call their functions on given inputs.

This file is handed to the sandbox as data and run there by the judge's own interpreter; it imports
nothing from hocvuso (the package is not visible inside the sandbox). It is untrusted territory: the
student's code runs in this same process and may change anything here. That is harmless by design —
this side only ever sees *inputs*; what it reports are the student's own return values, serialised
as plain JSON, and the trusted grader compares them with expected values it never sends in.

Usage: python -I -B _runner.py JOB_FD REPORT_FD FILES_FD [BRIDGE_R BRIDGE_W]
  JOB_FD     a pipe from the judge: one JSON line (the job), later one more (the hidden cases);
  REPORT_FD  a pipe to the judge: one JSON object per line ("frames", below);
  FILES_FD   the student's files and the release's data files, back to back (sizes in the job);
  BRIDGE_R/W the bridge's pipe to and from the judge-side test process (only when the job has "serve_ids").
Job: {"workdir": "/home/hocsinh/bai", "notebook": "x.ipynb", "files": [[path, size], ...],
      "skip_ids": [...], "probes": [{"id", "function", "args", "seconds"?}], "probe_seconds": 5,
      "max_output": 65536, "limits": {"memory_mb", "max_processes", "max_file_mb", "cpu_seconds"},
      "site_dirs": [...], "serve_ids": [...], "bridge": "/run/hocvuso/bridge.py"}
Stock test cells ("serve_ids", in notebook order): at each one's place this process serves its namespace over
the bridge (`serve_namespace`) until the judge-side test process says the cell is over; the test's source never
comes here. Ids whose cell the notebook lacks or moved are served at the next test cell reached (or at the end),
so both sides always count the same cells.
Frames: {"hello": 1, "pid": N} before anything else (the judge's sign that the sandbox itself started; N is this
        process's pid in its namespace, which the judge signals to interrupt a bridge request);
        {"setup_error": ...} or {"ready": 1} (files in place; student code runs next); {"cells": [...]};
        {"probe": id, "value"|"error": ..., "timeout"?: true};
        {"phase": "public-done"} then the judge sends {"probes": [...hidden cases...]};
        {"finished": true, "stdout": ...} last.
Hidden cases reach this process only after every public case has been reported, so no public
case's value can carry a hidden input.
"""
import builtins
import io
import json
import os
import resource
import signal
import site
import sys
import traceback
import types

# Everything used after student code has run is bound here, before: replacing builtins.isinstance
# or json.dumps from a notebook cell then changes nothing in this file.
_dumps, _loads, _type = json.dumps, json.loads, type
_isinstance, _str, _len, _float, _int, _callable = isinstance, str, len, float, int, callable
_BaseException, _exit, _setitimer, _oswrite = BaseException, os._exit, signal.setitimer, os.write
_BUILTINS = dict(builtins.__dict__)
_PLAIN = (str, int, float, bool, type(None))


def _restore_builtins():
    """Undo any change student code made to builtins (json and this file rely on them)."""
    current = builtins.__dict__
    for name in [n for n in current if n not in _BUILTINS]:
        del current[name]
    current.update(_BUILTINS)


class _Bounded(io.TextIOBase):
    """Keeps the first `limit` characters of what the student prints; drops the rest (no disk, no memory blow-up)."""

    def __init__(self, limit):
        self.limit, self.parts, self.size, self.dropped = limit, [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def value(self):
        return "".join(self.parts)


def _plain(value, depth=0):
    """Copy a return value into plain JSON types; refuse anything else (no user __eq__ ever reaches the judge)."""
    kind = _type(value)
    if depth > 20:
        raise TypeError("value nested too deeply")
    if kind in _PLAIN:
        if kind is float and value != value:
            return {"__float__": "nan"}
        if kind is float and value in (float("inf"), float("-inf")):
            return {"__float__": "inf" if value > 0 else "-inf"}
        return value
    if kind in (list, tuple):
        return [_plain(v, depth + 1) for v in value]
    if kind is dict:
        out = {}
        for k, v in value.items():
            if _type(k) is not str:
                raise TypeError("dictionary keys must be str")
            out[k] = _plain(v, depth + 1)
        return out
    if kind.__module__ == "numpy" and depth == 0 and hasattr(value, "tolist"):
        return _plain(value.tolist(), depth + 1)  # a model's predict() gives an array; its items become plain
    if kind.__module__ == "numpy" and hasattr(value, "item"):
        return _plain(value.item(), depth + 1)
    raise TypeError(f"returned a {kind.__module__}.{kind.__qualname__}, not a plain value (str, int, float, bool, "
                    "None, list, dict)")


class _ProbeTimeout(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _ProbeTimeout()


def _limit_resources(limits):
    """Per-process limits, set before any student code (which, not being root, can only lower them).

    The whole submission's memory, processes and disk are bounded outside, by the judge's cgroup and
    the sandbox's size-limited tmpfs; these catch one process's runaway allocation as a MemoryError.
    """
    mem = _int(limits["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    nproc = _int(limits["max_processes"])
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    size = _int(limits["max_file_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    cpu = _int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _unpack(files_fd, workdir, manifest):
    """Write the student's files and the release's data files into the (empty) work folder."""
    os.makedirs(workdir, exist_ok=True)
    with os.fdopen(files_fd, "rb") as source:
        for rel, size in manifest:
            target = os.path.join(workdir, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                left = size
                while left:
                    chunk = source.read(min(left, 1 << 20))
                    if not chunk:
                        raise OSError(f"{rel}: the grader sent fewer bytes than announced")
                    out.write(chunk)
                    left -= len(chunk)


IPYTHON_NAMES = frozenset({"get_ipython", "display", "In", "Out", "exit", "quit", "__IPYTHON__"})
"""Names only IPython defines: a cell that uses one runs through IPython."""


class _Cells:
    """Runs code cells in one namespace: as plain Python while they are plain Python, through IPython after.

    Importing and starting IPython costs more CPU than most contest notebooks need in all (~100-250 ms);
    a cell that plain Python cannot compile (magics, `!commands`, top-level await) or that uses an
    IPython-only name switches this notebook to a real InteractiveShell over the same namespace.
    """

    def __init__(self, skip):

        self.skip = skip
        self.module = types.ModuleType("__main__")
        self.module.__dict__["__builtins__"] = builtins
        sys.modules["__main__"] = self.module
        self.namespace = self.module.__dict__
        self.shell = None

    @staticmethod
    def needs_shell(source):
        try:
            return bool(_names(compile(source, "<cell>", "exec")) & IPYTHON_NAMES)
        except (SyntaxError, ValueError):
            return True

    def run(self, source):
        if self.shell is None:
            try:
                code = compile(source, "<cell>", "exec")
            except (SyntaxError, ValueError):
                code = None
            if code is not None and not (_names(code) & IPYTHON_NAMES):
                try:
                    exec(code, self.namespace)
                except _BaseException as exc:  # SystemExit and friends from student code
                    return exc
                return None
            self._start_ipython()
        try:
            outcome = self.shell.run_cell(source, store_history=False, silent=False)
            return outcome.error_in_exec or outcome.error_before_exec
        except _BaseException as exc:
            return exc

    def _start_ipython(self):
        from IPython.core.interactiveshell import InteractiveShell  # noqa: PLC0415 - IPython only for a notebook that needs it
        from traitlets.config import Config  # noqa: PLC0415 - with IPython, only when needed

        config = Config()
        config.HistoryManager.enabled = False  # no SQLite history: nothing on disk, ~100 ms less
        self.shell = InteractiveShell.instance(colors="NoColor", config=config, user_module=self.module)
        self.shell.showtraceback = lambda *a, **k: None  # errors are recorded by the caller, not printed


class _Serving:
    """Serves the namespace to the judge-side test process once per stock test cell, in the job's order."""

    def __init__(self, runner, ids, bridge, rfd, wfd):
        self.runner, self.queue, self.bridge, self.rfd, self.wfd = runner, list(ids), bridge, rfd, wfd

    def reached(self, grade_id):
        if grade_id in self.queue:
            upto = self.queue.index(grade_id) + 1
            for _ in range(upto):
                self._serve_one()

    def rest(self):
        while self.queue:
            self._serve_one()

    def _serve_one(self):
        self.queue.pop(0)
        try:
            self.bridge.serve_namespace(self.runner.namespace, self.rfd, self.wfd, run_cell=self._run_test)
        except _BaseException:  # noqa: BLE001 - a broken pipe: the judge side scores what it could not reach 0
            pass

    def _run_test(self, namespace, source):
        """A test cell the bridge cannot carry, run here on the judge's request (the row says so)."""
        if self.runner.shell is None and self.runner.needs_shell(source):
            self.runner._start_ipython()
        if self.runner.shell is not None:
            return self.bridge.ipython_cell_runner(self.runner.shell)(namespace, source)
        return self.bridge.exec_cell(namespace, source)


def _names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if _isinstance(const, _type(code)):
            names |= _names(const)
    return names


def _load_bridge(path):
    """The bridge's student end, loaded from the file the judge passed in before any student code runs."""
    import importlib.util  # noqa: PLC0415 - only notebooks with stock test cells need it

    spec = importlib.util.spec_from_file_location("_hocvuso_bridge", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["_hocvuso_bridge"] = module
    spec.loader.exec_module(module)
    return module


def main(job_fd, report_fd, files_fd, bridge_r=None, bridge_w=None):
    def send(frame):
        _restore_builtins()
        data = (_dumps(frame) + "\n").encode("utf-8")
        while data:
            data = data[_oswrite(report_fd, data):]

    send({"hello": 1, "pid": os.getpid()})
    jobs = os.fdopen(job_fd, "rb")
    job = _loads(jobs.readline())
    try:
        _limit_resources(job["limits"])
        _unpack(files_fd, job["workdir"], job.get("files", ()))
        os.chdir(job["workdir"])
    except (OSError, ValueError) as exc:
        send({"setup_error": f"{_type(exc).__name__}: {_str(exc)[:300]}"})
        _exit(3)
    bridge = _load_bridge(job["bridge"]) if job.get("serve_ids") else None
    send({"ready": 1})  # from here on student code runs: a setup_error would be a forgery

    for folder in job.get("site_dirs", ()):
        if folder not in sys.path:
            site.addsitedir(folder)
    with open(job["notebook"], encoding="utf-8") as fh:
        notebook = _loads(fh.read())
    sink = _Bounded(_int(job.get("max_output", 65536)))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = sink
    sys.path.insert(0, os.getcwd())

    cells = []
    runner = _Cells(set(job.get("skip_ids", ())))
    serve = _Serving(runner, job.get("serve_ids", ()), bridge, bridge_r, bridge_w)
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        # not hocvuso.grader._cells.grade_id: this file imports nothing of hocvuso (it runs in the sandbox)
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in runner.skip:
            serve.reached(grade_id)
            continue
        source = cell.get("source", "")
        source = "".join(source) if _isinstance(source, list) else _str(source)
        error = runner.run(source)
        if error is not None:
            cells.append({"index": index, "grade_id": grade_id,
                          "error": f"{_type(error).__name__}: {_str(error)[:300]}"})
    serve.rest()
    send({"cells": cells})

    namespace = runner.namespace
    seconds = _float(job.get("probe_seconds", 5))
    _run_probes(job.get("probes", ()), namespace, seconds, send)
    send({"phase": "public-done"})
    hidden = _loads(jobs.readline() or b"{}")
    _run_probes(hidden.get("probes", ()), namespace, seconds, send)
    send({"finished": True, "stdout": sink.value()[-2000:]})
    _exit(0)  # do not run the student's atexit handlers or __del__ methods


def _run_probes(probes, namespace, seconds, send):
    for probe in probes:
        signal.signal(signal.SIGALRM, _on_alarm)
        function = namespace.get(probe["function"])
        frame = {"probe": probe["id"]}
        if not _callable(function):
            send({**frame, "error": f"function {probe['function']} is not defined"})
            continue
        limit = _float(probe.get("seconds", seconds))
        try:
            _setitimer(signal.ITIMER_REAL, limit)
            try:
                value = function(*probe["args"])
            finally:
                _setitimer(signal.ITIMER_REAL, 0)
            _restore_builtins()
            frame["value"] = _plain(value)
        except _ProbeTimeout:
            frame.update(error=f"took longer than {limit:g} s", timeout=True)
        except _BaseException as exc:
            _restore_builtins()
            detail = "".join(traceback.format_exception_only(_type(exc), exc)).strip()
            frame["error"] = detail[:300]
        send(frame)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:6]))
