"""Run one stock nbgrader test cell (asserts) on the judge's side, against the student's objects over the bridge.

nbgrader's semantics, kept: a test cell that runs without error earns its points, one that raises earns 0,
one that writes to stderr earns 0, and a cell whose last expression is a number earns that many points
(partial credit, `nbgrader.utils.get_partial_grade`). Printed output and the assertion's message go to the
feedback.

What changes: the cell runs here, in a process that never executed student code, with the judge's own
builtins and imports. The names the cell reads that the student defined resolve, on every read, through
the bridge (`_bridge`): only plain values or `StudentObject` proxies come back. Names the cell assigns or
deletes that the student defined are written through to the student's namespace (nbgrader's own
`ps1` test does ``del squares`` to check that ``sum_of_squares`` uses it). A builtin name always means
the judge's builtin, even if the student redefined ``abs`` or ``AssertionError``.

A cell the bridge cannot carry (IPython magics, ``get_ipython()``, ``display``, output history, figures)
is not run: the verdict says it needs the student's process, and the pipeline runs it there and says so
in the row. Never silently.
"""
from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import traceback
from dataclasses import dataclass
from typing import Any

from .._bridge import (
    DEFAULT_CELL_TIMEOUT,
    BridgeError,
    NeedsStudentProcess,
    StudentChannel,
    StudentObject,
    builtin_names,
    compile_cell,
)

CELL_FILENAME = "<test cell>"

_IPYTHON_NAMES = frozenset({"get_ipython", "display", "In", "Out", "_oh", "_ih", "_dh", "_i", "_ii", "_iii",
                            "exit", "quit"})
_HISTORY_NAMES = frozenset({"_", "__", "___"})
_FIGURE_MODULES = frozenset({"matplotlib", "pylab", "seaborn", "plotly", "IPython", "ipywidgets", "bokeh"})
_FIGURE_NAMES = frozenset({"plt", "pyplot", "fig", "ax"})


@dataclass(frozen=True)
class CellVerdict:
    """The outcome of one test cell run judge-side."""

    score: float | None
    """Points earned; None when the cell was not run here (see `needs_student_process`)."""
    max_score: float
    """The cell's points in the course."""
    output: str
    """What the cell printed (its own prints and the student's, stdout), then its last value's repr."""
    error: str
    """Why it earned 0: the traceback lines inside the test cell and the exception, or the limit hit."""
    needs_student_process: str | None = None
    """Why the bridge cannot carry this cell (it must run beside the student's code), or None."""
    isolation: str = "judge"
    """Where the verdict was computed: "judge" (a process that never ran student code) or
    "student-process" (beside the student's code, as stock nbgrader does; only as trustworthy as that)."""


def needs_student_process(source: str) -> str | None:
    """The reason a test cell needs the student's own process (IPython state, figures), or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        if any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
            return "the test uses IPython syntax (a %magic or !shell line)"
        return None
    loaded: set[str] = set()
    stored: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in modules:
                if module.split(".")[0] in _FIGURE_MODULES:
                    return f"the test imports {module}, which inspects figures or widgets in the student's process"
    for name in sorted(loaded):
        if name in _IPYTHON_NAMES or (name in _HISTORY_NAMES and name not in stored):
            return f"the test uses {name}, which lives in the student's IPython session"
        if name in _FIGURE_NAMES and name not in stored:
            return f"the test uses {name}, a figure drawn in the student's process"
    return None


def _names(tree: ast.AST) -> set[str]:
    """Every name the cell mentions (read, assigned, deleted, declared global), builtins excepted."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(node.names)
    return found - builtin_names


class _CellGlobals(dict):
    """The test cell's globals: its own names here, the student's names read and written through the bridge.

    CPython looks names up through `__getitem__` / `__setitem__` / `__delitem__` when the globals are a dict
    subclass (LOAD_NAME, STORE_NAME, DELETE_NAME, and LOAD_GLOBAL in functions the cell defines), so every
    read of a student name asks the student's namespace afresh, as the cell would in the student's kernel.
    """

    def __init__(self, channel: StudentChannel, student_names: set[str]) -> None:
        super().__init__(__builtins__=__import__("builtins"), __name__="__main__")
        self.channel = channel
        self.student_names = student_names

    def __getitem__(self, name: str) -> Any:
        try:
            return dict.__getitem__(self, name)
        except KeyError:
            if name not in self.student_names:
                raise
        try:
            return self.channel.request("get", name=name)
        except NameError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        if name in self.student_names:
            try:
                encoded = self.channel.encode(value)
            except NeedsStudentProcess:
                pass  # a judge-side object (module, function): kept here, shadowing the student's
            else:
                self.channel.request("set", name=name, value=encoded)
                dict.pop(self, name, None)
                return
        dict.__setitem__(self, name, value)

    def __delitem__(self, name: str) -> None:
        if name not in self.student_names:
            dict.__delitem__(self, name)
            return
        had_local = dict.pop(self, name, self) is not self
        try:
            self.channel.request("del", name=name)
        except NameError:
            if not had_local:
                raise KeyError(name) from None


def _error_text(exc: BaseException, source: str) -> str:
    """The traceback lines that fall inside the test cell, then the exception (never the bridge's internals)."""
    lines = source.splitlines()
    out = ["Traceback (most recent call last):"]
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == CELL_FILENAME and frame.lineno and 0 < frame.lineno <= len(lines):
            out.append(f"  line {frame.lineno}: {lines[frame.lineno - 1].strip()}")
    out.extend(line.rstrip("\n") for line in traceback.format_exception_only(type(exc), exc))
    return "\n".join(out)


def _partial(value: Any, points: float) -> tuple[float, str]:
    """nbgrader's partial credit from the cell's last value (judge-side values only), and its repr."""
    if value is None:
        return points, ""
    if type(value) is StudentObject:
        return points, "<a student object>"
    return _partial_text(repr(value), points)


def _partial_text(text: str, points: float) -> tuple[float, str]:
    """`nbgrader.utils.get_partial_grade` on the text of the cell's last value."""
    try:
        grade = float(text)
    except ValueError:
        return points, text
    if grade > points:
        raise ValueError(f"partial credit {grade:g} is greater than the cell's {points:g} points")
    return (grade if grade >= 0 else points), text


def run_assert_cell(cell_source: str, channel: StudentChannel, *, points: float,
                    timeout: float = DEFAULT_CELL_TIMEOUT) -> CellVerdict:
    """Run one nbgrader test cell judge-side against the student's namespace behind `channel`.

    The caller ends the cell on the student's side afterwards (`channel.end()`), so the student's cells
    that follow see what the test cell changed, as in nbgrader.
    """
    reason = needs_student_process(cell_source)
    if reason is not None:
        return CellVerdict(None, points, "", "", needs_student_process=reason)
    out, err = io.StringIO(), io.StringIO()
    error, value = "", None
    channel.take_limits()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), channel.cell(timeout):
        try:
            body, last = compile_cell(cell_source, CELL_FILENAME)
            student_names = set(channel.request("names", names=sorted(_names(ast.parse(cell_source)))))
            g = _CellGlobals(channel, student_names)
            exec(body, g)  # noqa: S102 - the judge's own test code
            if last is not None:
                value = eval(last, g)
            score, shown = _partial(value, points)
        except NeedsStudentProcess as exc:
            return CellVerdict(None, points, out.getvalue(), "", needs_student_process=str(exc))
        except (Exception, BridgeError, SystemExit) as exc:  # noqa: BLE001 - any failure of a test cell scores 0
            score, shown, error = 0.0, "", _error_text(exc, cell_source)
    limits = channel.take_limits()
    if limits and not error:
        score = 0.0
        error = "The test caught an error the bridge raised, but the student's code hit a limit: " + limits[0]
    if err.getvalue() and score:
        score, error = 0.0, "The test cell wrote to stderr (nbgrader scores that 0):\n" + err.getvalue()
    elif err.getvalue():
        error = err.getvalue() + error
    output = out.getvalue() + (shown + "\n" if shown else "")
    return CellVerdict(score, points, output, error)


def run_beside_student(cell_source: str, channel: StudentChannel, *, points: float, reason: str,
                       timeout: float = DEFAULT_CELL_TIMEOUT) -> CellVerdict:
    """Run a test cell the bridge cannot carry in the student's own process (stock nbgrader's way), and say so.

    The verdict comes from the student's process, so it carries `isolation="student-process"` and the
    reason; the pipeline puts both in the row. Never used for a cell the bridge can carry.
    """
    out, err = io.StringIO(), io.StringIO()
    channel.take_limits()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), channel.cell(timeout):
        try:
            report = channel.request("run_cell", source=cell_source)
        except (Exception, BridgeError) as exc:  # noqa: BLE001 - a failure to run is the cell's 0
            report = {"failed": True, "error": f"{type(exc).__name__}: {exc}", "value": None}
    if type(report) is not dict or type(report.get("failed")) is not bool:
        report = {"failed": True, "error": "the student's process sent no verdict for this cell", "value": None}
    error = str(report.get("error") or "")
    value = report.get("value")
    if report["failed"]:
        score, shown = 0.0, ""
    else:
        try:
            score, shown = _partial_text(value, points) if type(value) is str else (points, "")
        except ValueError as exc:
            score, shown, error = 0.0, "", str(exc)
    if err.getvalue() and score:
        score, error = 0.0, "The test cell wrote to stderr (nbgrader scores that 0):\n" + err.getvalue()
    output = out.getvalue() + (shown + "\n" if shown else "")
    return CellVerdict(score, points, output, error, needs_student_process=reason, isolation="student-process")


def grade_test_cell(cell_source: str, channel: StudentChannel, *, points: float,
                    timeout: float = DEFAULT_CELL_TIMEOUT) -> CellVerdict:
    """Grade one nbgrader test cell: judge-side through the bridge, or beside the student's code (and say so)
    when the bridge cannot carry it. The one call the batch pipeline makes per test cell."""
    verdict = run_assert_cell(cell_source, channel, points=points, timeout=timeout)
    if verdict.score is None and verdict.needs_student_process:
        return run_beside_student(cell_source, channel, points=points, reason=verdict.needs_student_process,
                                  timeout=timeout)
    return verdict


def serve_tests(config: dict) -> None:
    """The judge-side test process of one notebook (run by `_sandbox`, in a sandbox of its own).

    `config`: {"tests": [{"id", "source", "points"}] in notebook order, "rfd"/"wfd" (the bridge's pipe to and
    from the student's process), "report_fd", "cell_seconds", "wait_seconds", and "files_fd" with "files"
    ([path, size] …, the release's data files back to back) to unpack into "workdir", where the tests run}.

    For each test cell it waits for the student's process to reach the cell (at most `wait_seconds`: the
    student's cells before it may take that long), grades it (`grade_test_cell`), ends the cell on the student's
    side and writes one JSON line {"verdict": {...}}. A bridge request over its time asks the supervisor to
    interrupt the student's process with the line {"interrupt": 1} (this process cannot see it: another pid
    namespace).
    """
    report_fd = int(config["report_fd"])
    _unpack(int(config["files_fd"]), str(config["workdir"]), config.get("files", ()))
    os.chdir(config["workdir"])

    def send(frame: dict) -> None:
        data = (json.dumps(frame) + "\n").encode("utf-8")
        while data:
            data = data[os.write(report_fd, data):]

    cell_seconds = float(config.get("cell_seconds", DEFAULT_CELL_TIMEOUT))
    channel = StudentChannel(int(config["rfd"]), int(config["wfd"]), call_timeout=cell_seconds,
                             interrupt=lambda: send({"interrupt": 1}))
    for test in config["tests"]:
        points = float(test["points"])
        reached = _wait_for_student(channel, float(config.get("wait_seconds", DEFAULT_CELL_TIMEOUT)))
        if reached:
            verdict = CellVerdict(0.0, points, "", reached)
        else:
            verdict = grade_test_cell(test["source"], channel, points=points, timeout=cell_seconds)
            with contextlib.suppress(BridgeError):
                channel.end()
        send({"verdict": {"id": test["id"], "score": verdict.score, "max_score": verdict.max_score,
                          "output": verdict.output[-4000:], "error": verdict.error[-4000:],
                          "reason": verdict.needs_student_process or "", "isolation": verdict.isolation}})
    send({"done": 1})


def _unpack(files_fd: int, workdir: str, manifest: list) -> None:
    """Write the release's data files (sizes in `manifest`, bytes back to back in `files_fd`) under `workdir`."""
    with os.fdopen(files_fd, "rb") as source:
        for rel, size in manifest:
            target = os.path.join(workdir, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(source.read(size))
    os.makedirs(workdir, exist_ok=True)


def _wait_for_student(channel: StudentChannel, seconds: float) -> str:
    """Wait until the student's process serves the next test cell; "" when it does, else why it cannot."""
    if channel.broken is not None:
        return f"not graded: {channel.broken}"
    saved, channel.call_timeout = channel.call_timeout, seconds
    try:
        channel.request("names", names=[])
    except BridgeError as exc:
        return f"the student's process did not reach this test cell ({exc})"
    finally:
        channel.call_timeout = saved
        channel.take_limits()
    return ""
