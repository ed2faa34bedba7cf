"""Runs INSIDE the sandbox: execute a student's notebook, then call their functions on given inputs.

This file is copied into the sandbox and run there by a plain interpreter; it imports nothing from
hocvuso (the package is not visible inside the sandbox). It is untrusted territory: the student's
code runs in this same process and may change anything here. That is harmless by design — this
side only ever sees *inputs*; what it reports are the student's own return values, serialised as
plain JSON, and the trusted grader compares them with expected values it never sends in.

Usage: python -I _runner.py JOB.json RESULT.json
Job: {"notebook": "x.ipynb", "skip_ids": [...], "probes": [{"id": .., "function": .., "args": [...]}],
      "probe_seconds": 5, "max_output": 65536}
"""
import builtins
import io
import json
import os
import signal
import sys
import traceback

# Everything used after student code has run is bound here, before: replacing builtins.isinstance
# or json.dumps from a notebook cell then changes nothing in this file.
_dumps, _loads, _type = json.dumps, json.loads, type
_isinstance, _str, _len, _float, _int, _callable, _set = isinstance, str, len, float, int, callable, set
_open, _BaseException, _exit, _setitimer = open, BaseException, os._exit, signal.setitimer
_BUILTINS = dict(builtins.__dict__)


def _restore_builtins():
    """Undo any change student code made to builtins (json and this file rely on them)."""
    current = builtins.__dict__
    for name in [n for n in current if n not in _BUILTINS]:
        del current[name]
    current.update(_BUILTINS)
_PLAIN = (str, int, float, bool, type(None))


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


def main(job_path, result_path):
    with open(job_path, encoding="utf-8") as fh:
        job = _loads(fh.read())
    result = {"cells": [], "probes": {}, "finished": False}
    result_fh = open(result_path, "w", encoding="utf-8")  # opened before any student code runs

    def write_result():
        _restore_builtins()
        result_fh.seek(0)
        result_fh.truncate()
        result_fh.write(_dumps(result))
        result_fh.flush()

    write_result()
    with open(job["notebook"], encoding="utf-8") as fh:
        notebook = _loads(fh.read())
    sink = _Bounded(_int(job.get("max_output", 65536)))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = sink
    sys.path.insert(0, os.getcwd())

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="NoColor")
    shell.showtraceback = lambda *a, **k: None  # errors are recorded below, not printed
    skip = set(job.get("skip_ids", ()))
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in skip:
            continue
        source = cell.get("source", "")
        source = "".join(source) if _isinstance(source, list) else _str(source)
        try:
            outcome = shell.run_cell(source, store_history=False, silent=False)
            error = outcome.error_in_exec or outcome.error_before_exec
        except _BaseException as exc:  # SystemExit and friends from student code
            error = exc
        if error is not None:
            result["cells"].append({"index": index, "grade_id": grade_id,
                                    "error": f"{_type(error).__name__}: {_str(error)[:300]}"})
    write_result()

    namespace = shell.user_ns
    seconds = _float(job.get("probe_seconds", 5))
    signal.signal(signal.SIGALRM, _on_alarm)
    for probe in job.get("probes", ()):
        function = namespace.get(probe["function"])
        if not _callable(function):
            result["probes"][probe["id"]] = {"error": f"function {probe['function']} is not defined"}
            continue
        try:
            _setitimer(signal.ITIMER_REAL, _float(probe.get("seconds", seconds)))
            try:
                value = function(*probe["args"])
            finally:
                _setitimer(signal.ITIMER_REAL, 0)
            _restore_builtins()
            result["probes"][probe["id"]] = {"value": _plain(value)}
        except _ProbeTimeout:
            result["probes"][probe["id"]] = {"error": f"took longer than {_float(probe.get('seconds', seconds)):g} s"}
        except _BaseException as exc:
            _restore_builtins()
            detail = "".join(traceback.format_exception_only(_type(exc), exc)).strip()
            result["probes"][probe["id"]] = {"error": detail[:300]}
        write_result()
    result["stdout"] = sink.value()[-2000:]
    result["finished"] = True
    write_result()
    result_fh.close()
    _exit(0)  # do not run the student's atexit handlers or __del__ methods


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
