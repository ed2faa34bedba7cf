"""Self-check before handing in: the PUBLIC checks of an assignment, run on the student's own notebook.

`hocvuso check NOTEBOOK [--course DIR]` and, from inside the notebook, `hocvuso.grader.self_check()`.
It answers the questions a student has before handing in:

* is the notebook well-formed — readable, no locked cell deleted, duplicated or retyped (the release's
  checksums travel in the notebook's own nbgrader metadata, so this works without the course; with
  `--course` the comparison is the grader's own, against the release);
* which public test cases pass — the student's code runs the way the grader runs it (the same runner:
  every cell but the test and widget cells, then the functions called on the inputs), in a separate
  process with a time limit; no sandbox, since it is the student's own code on their own machine;
* are the answers of widget tasks saved beside the notebook, and which answer cells are still untouched.

Only the release is ever read, so hidden test cases cannot be shown: they are not there. Contest
widget tasks say "saved" or "not saved", never right or wrong.
"""
from __future__ import annotations

import ast
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.utils import compute_checksum

from hocvuso.contest import VALIDATION_SEED, make_dataset
from hocvuso.core import N_, FileStore, SubmissionCorrupt, SubmissionNotFound, get_locale, translator
from hocvuso.core.config import Settings, env_name

from ._cells import call_name, cells_by_id, grade_id, is_graded, is_locked, last_call, nbgrader_meta
from ._errors import GraderError, NotebookProblem
from ._limits import DEFAULT_TIMEOUT
from .judge import _sandbox
from .judge._integrity import tamper_problems
from .judge._judge import judge_model, judge_probe
from .judge._reading import read_notebook
from .judge._spec import GradeItem, ProbeCase, _public_cases, _uses_hocvuso

_RUNNING = env_name("self_check_running")

T = {
    "title": N_("Self-check of {name}"),
    "saved_at": N_("This checks the copy saved on disk at {time}. Save the notebook (Ctrl+S) before checking."),
    "unreadable": N_("The notebook cannot be read: {problem}"),
    "well_formed": N_("Well-formed: every locked cell is in place and unchanged."),
    "not_well_formed": N_("Not well-formed: the judge would mark this notebook as tampered. Download a fresh copy "
                          "of the assignment and copy your answers into it."),
    "no_course": N_("Checked against the checksums saved in the notebook; a deleted cell is found only with "
                    "--course (the release)."),
    "changed": N_("Locked cell {cell} was changed."),
    "damaged": N_("Locked cell {cell} has damaged metadata."),
    "duplicated": N_("Cell {cell} appears more than once."),
    "unknown": N_("Cell id {cell} is not part of the assignment."),
    "deleted": N_("Cell {cell} was deleted or its metadata removed."),
    "unanswered": N_("Not answered yet: {cells}."),
    "tests": N_("Public tests"),
    "passed": N_("{passed} of {total} public cases pass."),
    "hidden_note": N_("The judge also uses hidden cases that are not shown here: make your code right for every "
                      "input, not only these."),
    "case_ok": N_("✓ {call} gave {got}"),
    "case_bad": N_("✗ {call} gave {got}, expected {expected}"),
    "model": N_("F1 on the public validation set ({n} messages): {f1} (0 points at {baseline}, full points at "
                "{target}). The judge uses hidden messages."),
    "model_bad": N_("The model task gave no usable predictions: {why}"),
    "widget_saved": N_("Task {task}: answers saved."),
    "widget_missing": N_("Task {task}: no saved answers yet. Do the exercise; the answers file {file} must be next "
                         "to the notebook."),
    "widget_bad": N_("Task {task}: the saved answers cannot be read ({why}). Do the exercise again."),
    "manual": N_("Cell {cell} is graded by a person."),
    "timeout": N_("Your code did not finish within {seconds} seconds; cases not reached count as failed."),
    "crashed": N_("Your code stopped the Python process ({detail})."),
    "cell_errors": N_("{count} cell(s) raised an error when run from the top, first: {error}"),
    "all_good": N_("Ready to hand in: well-formed and every public case passes."),
    "not_yet": N_("Not ready yet: see the points above."),
    "not_checked": N_("Test cell {cell} cannot be run by the self-check; run it in Jupyter."),
}


@dataclass
class TaskCheck:
    """What the self-check found for one grade cell."""

    grade_id: str
    kind: str
    lines: list[str] = field(default_factory=list)
    passed: int = 0
    total: int = 0
    ok: bool = True


@dataclass
class CheckReport:
    """The whole self-check of one notebook; print it, or let Jupyter show it (HTML)."""

    notebook: str
    locale: str
    saved_at: str = ""
    readable: bool = True
    problems: list[str] = field(default_factory=list)
    """Well-formedness problems (tampering), translated."""
    notes: list[str] = field(default_factory=list)
    """Informative lines (unanswered cells, errors while running)."""
    tasks: list[TaskCheck] = field(default_factory=list)
    with_course: bool = False

    @property
    def well_formed(self) -> bool:
        return self.readable and not self.problems

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tasks)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.tasks)

    @property
    def ok(self) -> bool:
        return self.well_formed and all(t.ok for t in self.tasks)

    def _sections(self) -> list[tuple[str, list[str]]]:
        tr = translator(self.locale)
        head = [tr(T["saved_at"]).format(time=self.saved_at)] if self.saved_at else []
        if not self.readable:
            return [("", head + self.problems + [tr(T["not_yet"])])]
        form = ([tr(T["well_formed"])] if not self.problems else [tr(T["not_well_formed"]), *self.problems])
        if not self.with_course:
            form.append(tr(T["no_course"]))
        out = [("", head), ("", form + self.notes)]
        tests = []
        if self.total:
            tests.append(tr(T["passed"]).format(passed=self.passed, total=self.total))
        for task in self.tasks:
            tests += [f"[{task.grade_id}] {line}" for line in task.lines]
        if any(t.kind == "probe" for t in self.tasks):
            tests.append(tr(T["hidden_note"]))
        out.append((tr(T["tests"]), tests))
        out.append(("", [tr(T["all_good"]) if self.ok else tr(T["not_yet"])]))
        return out

    def to_text(self) -> str:
        tr = translator(self.locale)
        lines = [tr(T["title"]).format(name=self.notebook), ""]
        for title, body in self._sections():
            if not body:
                continue
            if title:
                lines.append(f"{title}:")
            lines += [f"  {b}" if title else b for b in body]
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    __str__ = to_text

    def _repr_html_(self) -> str:
        tr = translator(self.locale)
        colour = "#2e7d32" if self.ok else "#b71c1c"
        parts = [f'<div class="hv-self-check" style="border-left:6px solid {colour};padding:.5rem .8rem">',
                 f"<h3>{escape(tr(T['title']).format(name=self.notebook))}</h3>"]
        for title, body in self._sections():
            if not body:
                continue
            if title:
                parts.append(f"<h4>{escape(title)}</h4>")
            parts.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in body) + "</ul>")
        parts.append("</div>")
        return "".join(parts)


# ---------------------------------------------------------------------------------------------- cells

def _structure_problems(nb: nbformat.NotebookNode, reference: nbformat.NotebookNode | None, tr) -> list[str]:
    """Tampering, described for a student: against the release when given, else against the notebook's own
    checksums (the judge's rule, `tamper_problems`, in the student's words)."""
    if reference is None:
        problems = tamper_problems(nb.cells)
    else:
        released = cells_by_id(reference.cells)
        problems = tamper_problems(nb.cells, cell_ids=released, locked={
            gid: compute_checksum(cell) for gid, cell in released.items() if is_locked(cell)})
    return [tr(T[p.kind]).format(cell=p.cell) for p in problems]


def _unanswered(nb: nbformat.NotebookNode) -> list[str]:
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta.get("checksum"):
            try:
                if compute_checksum(cell) == meta["checksum"]:
                    out.append(grade_id(cell) or "?")
            except Exception:  # noqa: BLE001 - damaged metadata is reported as tampering, not here
                continue
    return out


def _literal(node: ast.AST | None, default: Any = None) -> Any:
    try:
        return ast.literal_eval(node) if node is not None else default
    except (ValueError, SyntaxError, TypeError):
        return default


# ---------------------------------------------------------------------------------------------- the check

def self_check(notebook: str | os.PathLike | None = None, *, course: str | os.PathLike | None = None,
               assignment: str | None = None, locale: str | None = None,
               timeout: float = DEFAULT_TIMEOUT) -> CheckReport:
    """Run the public checks of the assignment on `notebook` (default: the notebook this runs in).

    With `course` (an nbgrader course folder) the notebook is compared with the release; without it,
    with the checksums nbgrader stored in the notebook itself. Never reads the source notebook.
    """
    if Settings.from_env().self_check_running:
        # The notebook calls self_check() and is itself being self-checked: do not start another run.
        print("self_check(): skipped while the self-check runs this notebook")
        return CheckReport(notebook=str(notebook or ""), locale=locale or get_locale())
    path = Path(notebook) if notebook is not None else _this_notebook()
    locale = locale or get_locale()
    tr = translator(locale)
    report = CheckReport(notebook=path.name, locale=locale, with_course=course is not None)
    try:
        report.saved_at = datetime.fromtimestamp(path.stat().st_mtime).strftime("%H:%M:%S %d/%m/%Y")
    except OSError:
        pass
    try:
        nb = read_notebook(path)
    except NotebookProblem as exc:
        report.readable = False
        report.problems.append(tr(T["unreadable"]).format(problem=str(exc)))
        return report
    reference = None
    release_dir = None
    if course is not None:
        name = assignment or path.parent.name
        release_dir = Path(course) / "release" / name
        ref_path = release_dir / f"{path.stem}.ipynb"
        if not ref_path.is_file():
            candidates = sorted(release_dir.glob("*.ipynb")) if release_dir.is_dir() else []
            if len(candidates) != 1:
                raise GraderError(f"no release notebook for {path.name} in {release_dir}; pass the assignment name "
                                  "(--assignment) or the right --course")
            ref_path = candidates[0]
        reference = nbformat.read(ref_path, as_version=4)
    report.problems = _structure_problems(nb, reference, tr)
    unanswered = _unanswered(nb)
    if unanswered:
        report.notes.append(tr(T["unanswered"]).format(cells=", ".join(unanswered)))

    # Grade cells come from the release when we have it, else from the notebook (only untampered ones).
    source_cells = reference.cells if reference is not None else nb.cells
    own = cells_by_id(nb.cells)
    items: list[GradeItem] = []
    checks: list[TaskCheck] = []
    skip: set[str] = set()
    for cell in source_cells:
        meta, gid = nbgrader_meta(cell), grade_id(cell)
        if not gid or not meta.get("locked") or cell.cell_type != "code":
            if gid and meta.get("grade") and meta.get("solution"):
                checks.append(TaskCheck(gid, "manual", [tr(T["manual"]).format(cell=gid)]))
            continue
        if reference is None and compute_checksum(cell) != meta.get("checksum"):
            continue  # a retyped test cell is reported above and not trusted
        if not meta.get("grade"):
            if _uses_hocvuso(cell.source):
                skip.add(gid)  # widget cells: lesson chrome, not run (as in the grader)
            continue
        skip.add(gid)
        call = last_call(cell.source)
        kind = call_name(call) if call is not None else ""
        kwargs = {k.arg: k.value for k in call.keywords} if call is not None else {}
        first = _literal(call.args[0]) if call is not None and call.args else None
        if kind == "check_function" and isinstance(first, str):
            cases = [ProbeCase(args=a, expected=e, hidden=False) for a, e in _public_cases(cell.source)]
            tolerance = float(_literal(kwargs.get("tolerance"), 1e-9))
            items.append(GradeItem(notebook=path.stem, grade_id=gid, points=float(meta.get("points", 0)),
                                   kind="probe", function=first, cases=tuple(cases), tolerance=tolerance))
        elif kind == "check_model" and isinstance(first, str):
            item = _model_item(gid, first, kwargs, float(meta.get("points", 0)), path.stem)
            if item is not None:
                items.append(item)
        elif kind in ("grade", "grade_variant") and isinstance(first, str):
            checks.append(_widget_check(gid, first, kwargs.get("scenario"), path.parent, kind, tr))
        else:
            checks.append(TaskCheck(gid, "other", [tr(T["not_checked"]).format(cell=gid)]))
    skip |= {g for g, c in own.items() if is_graded(c)}
    if items:
        checks = _run_probes(path, nb, items, skip, release_dir, timeout, report, tr) + checks
    report.tasks = checks
    return report


def _model_item(gid: str, function: str, kwargs: dict, points: float, notebook: str) -> GradeItem | None:
    try:

        data = _literal(kwargs.get("data"), {}) or {}
        public = make_dataset(generator=data.get("generator", "sms"), split="validation", seed=VALIDATION_SEED, n=400)
    except Exception:  # noqa: BLE001 - no contest data here: the model cell is run in Jupyter instead
        return None
    case = ProbeCase(args=([s.text for s in public],), expected=[s.label for s in public], hidden=False)
    spec = {"positive": _literal(kwargs.get("positive"), "scam"),
            "baseline": float(_literal(kwargs.get("baseline"), 0)),
            "target": float(_literal(kwargs.get("target"), 1))}
    if not spec["baseline"] < spec["target"]:
        return None
    return GradeItem(notebook=notebook, grade_id=gid, points=points, kind="model", function=function, cases=(case,),
                     model=spec)


def _widget_check(gid: str, task: str, scenario_node, folder: Path, kind: str, tr) -> TaskCheck:
    store = FileStore(folder)
    try:
        submission = store.load(task)
    except SubmissionNotFound:
        missing = tr(T["widget_missing"]).format(task=task, file=store.path_for(task).name)
        return TaskCheck(gid, kind, [missing], ok=False)
    except (SubmissionCorrupt, ValueError) as exc:
        return TaskCheck(gid, kind, [tr(T["widget_bad"]).format(task=task, why=str(exc)[:120])], ok=False)
    scenario = _literal(scenario_node)
    if kind == "grade" and isinstance(scenario, str) and submission.scenario_id != scenario:
        return TaskCheck(gid, kind, [tr(T["widget_bad"]).format(task=task, why=submission.scenario_id)], ok=False)
    return TaskCheck(gid, kind, [tr(T["widget_saved"]).format(task=task)])


def _run_probes(path: Path, nb: nbformat.NotebookNode, items: list[GradeItem], skip: set[str],
                release_dir: Path | None, timeout: float, report: CheckReport, tr) -> list[TaskCheck]:
    with tempfile.TemporaryDirectory(prefix="hocvuso-check-") as tmp:
        work = Path(tmp) / "bai"
        work.mkdir()
        # The student's folder, by links (their data files and modules), then the release's files over it.
        for child in path.parent.iterdir():
            if child.name.startswith(".") or child.name == path.name:
                continue
            os.symlink(child.resolve(), work / child.name)
        if release_dir is not None and release_dir.is_dir():
            for rel in release_dir.rglob("*"):
                if rel.is_file() and rel.suffix != ".ipynb" and ".ipynb_checkpoints" not in rel.parts:
                    target = work / rel.relative_to(release_dir)
                    if target.is_symlink() or target.exists():
                        continue  # the student's own copy wins here; the judge restores the release's
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(rel, target)
        nbformat.write(nb, work / path.name)
        job = {"notebook": path.name, "skip_ids": sorted(skip),
               "probes": [{"id": f"{item.grade_id}#{i}", "function": item.function, "args": list(case.args),
                           **({"seconds": 30.0} if item.kind == "model" else {})}
                          for item in items for i, case in enumerate(item.cases)]}
        limits = _sandbox.Limits(wall_seconds=timeout, memory_mb=2048, max_processes=4096)
        os.environ[_RUNNING] = "1"  # inherited by the runner: a self_check() cell in the notebook returns at once
        try:
            outcome = _sandbox.run(work, job, limits=limits, isolate=False)
        finally:
            os.environ.pop(_RUNNING, None)
    if outcome.state == "timeout":
        report.notes.append(tr(T["timeout"]).format(seconds=f"{timeout:g}"))
    elif outcome.state == "crashed":
        report.notes.append(tr(T["crashed"]).format(detail=outcome.detail))
    errors = (outcome.result or {}).get("cells", []) if isinstance(outcome.result, dict) else []
    if errors:
        report.notes.append(tr(T["cell_errors"]).format(count=len(errors), error=str(errors[0].get("error"))[:160]))
    checks = []
    for item in items:
        if item.kind == "model":
            result = judge_model(item, outcome.result)
            line = result.lines[0] if result.lines else {}
            if line.get("f1") is None:
                checks.append(TaskCheck(item.grade_id, "model", [tr(T["model_bad"]).format(why=result.note)], ok=False))
            else:
                model = item.model or {}
                checks.append(TaskCheck(item.grade_id, "model", [tr(T["model"]).format(
                    n=line.get("n"), f1=f"{line['f1']:.3f}", baseline=f"{model['baseline']:g}",
                    target=f"{model['target']:g}")]))
            continue
        result = judge_probe(item, outcome.result)
        task = TaskCheck(item.grade_id, "probe", total=len(item.cases))
        for line in result.lines:
            task.passed += bool(line["passed"])
            key = "case_ok" if line["passed"] else "case_bad"
            task.lines.append(tr(T[key]).format(call=line["call"], got=line["got"], expected=line["expected"]))
        task.ok = task.passed == task.total
        checks.append(task)
    return checks


def _this_notebook() -> Path:
    """The notebook this kernel runs (Jupyter tells the kernel its path), or the only one in the folder."""
    candidates = []
    try:
        from IPython import get_ipython  # noqa: PLC0415 - only inside a kernel

        shell = get_ipython()
        if shell is not None and shell.user_ns.get("__session__"):
            candidates.append(shell.user_ns["__session__"])
    except ImportError:
        pass
    candidates.append(os.environ.get("JPY_SESSION_NAME", ""))
    for name in candidates:
        if name and str(name).endswith(".ipynb") and Path(name).is_file():
            return Path(name)
    here = sorted(Path.cwd().glob("*.ipynb"))
    if len(here) == 1:
        return here[0]
    raise GraderError("cannot tell which notebook to check: write self_check(\"BAI.ipynb\") with its file name")


__all__ = ["CheckReport", "TaskCheck", "self_check"]
