"""The trusted side: turn what a submission produced into points, outside any student process.

Widget items are scored from the saved answers file with the same `score()` the lessons use. Probe
items compare the values the sandbox reported with expected values that never left this process,
by type and content (a value claiming to equal everything cannot exist in plain JSON). Public cases
are explained; hidden cases say only passed or failed.

What feedback shows of a student's return value ("got"): only for public cases, and only a short
escaped preview (`preview`: repr, control and bidi characters escaped, at most PREVIEW_CHARS). That
is safe because the sandbox receives hidden cases' inputs only after it has reported every public
case (see _sandbox), so no public case's value can carry a hidden input; values and errors of hidden
cases are never shown at all. A case whose call timed out is named in the reason by its number only.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hocvuso.core import AnswersInvalid, FileStore, GradingError, SubmissionCorrupt, SubmissionNotFound

from .._checks import f1_score, same_value, scale_between
from .._errors import Tampered
from .._scoring import exercise, score_saved, variant
from ._sandbox import Limits, RunOutcome, describe_limit
from ._spec import GradeItem, NotebookSpec

PREVIEW_CHARS = 60
"""Longest preview of a returned value or an error that feedback shows (public cases only)."""


@dataclass(frozen=True)
class ItemResult:
    """Points for one grade item, with what the feedback shows."""

    grade_id: str
    kind: str
    points: float
    max_points: float
    competences: tuple[str, ...]
    lines: tuple[dict[str, Any], ...] = field(default=())
    """Feedback entries (kind-specific: a case, a message …)."""
    note: str = ""
    """One sentence, e.g. "not answered" or "needs manual grading"."""
    isolation: str = ""
    """assert items: "judge" (graded in a process that never ran student code) or "student-process" (a cell
    the bridge cannot carry, run beside the student's code as stock nbgrader does); empty for other kinds."""


def judge_widget(item: GradeItem, folder: Path | None) -> ItemResult:
    """Score a widget task from the answers file saved beside the notebook."""
    return _judge_saved(item, folder, lambda: exercise(item.scenario))


def _judge_saved(item: GradeItem, folder: Path | None, find: Callable[[], tuple[Any, Any]], *,
                 student: str = "") -> ItemResult:
    """Score a widget or variant item by the lessons' own road (`score_saved`); what the student's file
    cannot answer for is `Tampered`, what is not there scores 0 with a note."""
    if folder is None:
        return ItemResult(item.grade_id, item.kind, 0.0, item.points, item.competences, note="no answers file")
    try:
        submission, result = score_saved(FileStore(folder), item.task_id, find)
    except SubmissionNotFound:
        return ItemResult(item.grade_id, item.kind, 0.0, item.points, item.competences, note="not answered")
    except (SubmissionCorrupt, AnswersInvalid, GradingError) as exc:
        raise Tampered(f"answers of task {item.task_id}: {_short(exc, folder)}") from exc
    lines = tuple({"item": i.item_id, "outcome": i.outcome, "points": i.points, "max_points": i.max_points}
                  for i in result.items)
    note = ""
    claimed = submission.learner.learner_id if submission.learner else ""
    if student and claimed and claimed != student:
        note = (f"answers were given to the variant of contest id {claimed!r}, not {student!r}; "
                "graded against this student's own variant")
    return ItemResult(item.grade_id, item.kind, result.scaled(item.points), item.points, item.competences, lines,
                      note=note)


def judge_probe(item: GradeItem, report: dict | None) -> ItemResult:
    """Score a check_function item from the sandbox's report (None when the notebook never ran)."""
    probes = (report or {}).get("probes", {}) if isinstance(report, dict) else {}
    lines, passed = [], 0
    for index, case in enumerate(item.cases):
        got = probes.get(f"{item.grade_id}#{index}") if isinstance(probes, dict) else None
        if isinstance(got, dict) and "value" in got:
            ok = same_value(_decode(got["value"]), case.expected, tolerance=item.tolerance)
            shown = preview(_decode(got["value"]))
        else:
            ok = False
            shown = preview(str(got.get("error", "no result")), raw=True) if isinstance(got, dict) else "not run"
        passed += ok
        line: dict[str, Any] = {"case": index + 1, "passed": ok, "hidden": case.hidden}
        if not case.hidden:
            line.update(call=f"{item.function}({', '.join(repr(a) for a in case.args)})"[:200],
                        expected=repr(case.expected)[:200], got=shown)
        lines.append(line)
    points = round(item.points * passed / len(item.cases), 2)
    return ItemResult(item.grade_id, "probe", points, item.points, item.competences, tuple(lines),
                      note=f"{passed}/{len(item.cases)} cases passed")


def judge_assert(item: GradeItem, report: dict | None) -> ItemResult:
    """Score a stock test cell from the judge-side test process's verdict (None: the cell was never reached)."""
    tests = (report or {}).get("tests", {}) if isinstance(report, dict) else {}
    got = tests.get(item.grade_id) if isinstance(tests, dict) else None
    if not isinstance(got, dict) or not isinstance(got.get("score"), (int, float)):
        return ItemResult(item.grade_id, "assert", 0.0, item.points, item.competences,
                          note="the test cell was not reached (the run ended first)")
    score = min(max(float(got["score"]), 0.0), item.points)
    error, reason = _unquote_hidden(str(got.get("error", "")), item.test), str(got.get("reason", ""))
    isolation = "student-process" if got.get("isolation") == "student-process" else "judge"
    output = str(got.get("output", ""))[-2000:]
    line = {"passed": score > 0, **({"output": output} if output else {}),
            **({"error": error[-2000:]} if error else {})}
    note = error.strip().splitlines()[-1][:200] if error.strip() else ("passed" if score else "")
    if isolation == "student-process":
        note = f"graded beside the student's code, as stock nbgrader does ({reason}); " + note
    return ItemResult(item.grade_id, "assert", score, item.points, item.competences, (line,), note=note,
                      isolation=isolation)


def _unquote_hidden(error: str, source: str) -> str:
    """The error with the test cell's lines inside `### BEGIN/END HIDDEN TESTS` not quoted (students read it)."""
    hidden, inside = set(), False
    for number, text in enumerate(source.splitlines(), 1):
        if "BEGIN HIDDEN TESTS" in text:
            inside = True
        elif "END HIDDEN TESTS" in text:
            inside = False
        elif inside:
            hidden.add(number)
    if not hidden:
        return error
    return "\n".join(f"  line {n}: (hidden test)" if (n := _quoted_line(text)) in hidden else text
                     for text in error.splitlines())


def _quoted_line(text: str) -> int:
    head = text.strip().split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


def row_isolation(isolation: str, results: dict[str, ItemResult]) -> str:
    """The row's `isolation` word: the sandbox's, plus where stock test cells were graded when any were."""
    where = {r.isolation for r in results.values() if r.kind == "assert" and r.isolation}
    if "student-process" in where:
        beside = sorted(g for g, r in results.items() if r.isolation == "student-process")
        return f"{isolation}; test cell(s) {', '.join(beside)} graded beside the student's code"
    return f"{isolation} + judge-side tests" if where else isolation


def judge_manual(item: GradeItem) -> ItemResult:
    """A cell for a human grader: counted in the maximum, 0 until graded by hand."""
    return ItemResult(item.grade_id, "manual", 0.0, item.points, item.competences, note="needs manual grading")


def preview(value: Any, *, raw: bool = False) -> str:
    """A short, escaped view of a value (repr) or of a message (raw=True): nothing invisible, nothing long."""
    text = str(value) if raw else repr(value)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1] + "…"


def judge_run(name: str, nb_spec: NotebookSpec, outcome: RunOutcome, limits: Limits
              ) -> tuple[str, list[str], dict[str, ItemResult]]:
    """Status, reasons and item results of one notebook's sandboxed run.

    The words tell the judge whose doing it was: a limit the submission reached (named), the notebook's
    code ending the run or damaging the grader's report, or cases that ran out of time (named by number).
    The grader's own failures never get here: they are GraderFault, raised before.
    """
    status, notes = "ok", list(outcome.notes)
    probes = (outcome.result or {}).get("probes", {})
    if outcome.state == "timeout":
        status = "timeout"
        missing = [f"{item.function} case {i + 1}" for item in nb_spec.items if item.kind in ("probe", "model")
                   for i in range(len(item.cases)) if f"{item.grade_id}#{i}" not in probes]
        notes.append(f"{name}: {outcome.detail}; cases not reached score 0"
                     + (f" ({', '.join(missing[:8])}{' …' if len(missing) > 8 else ''})" if missing else ""))
    elif outcome.state == "crashed":
        status = "error"
        notes.append(f"{name}: the notebook's process died ({outcome.detail})")
    elif outcome.state == "report_damaged":
        status = "error"
        notes.append(f"{name}: {outcome.detail}; its coding tasks score 0")
    for limit in outcome.limits_hit:
        status = "error" if status == "ok" else status
        notes.append(f"{name}: went over the {describe_limit(limit, limits)}")
    cells = (outcome.result or {}).get("cells", [])
    errors = [str(c.get("error")) for c in cells if isinstance(c, dict)]
    if any(e.startswith("MemoryError") for e in errors) and "memory" not in outcome.limits_hit:
        status = "error" if status == "ok" else status
        notes.append(f"{name}: ran out of memory (limit {limits.memory_mb} MB per process)")
    if errors:
        notes.append(f"{name}: {len(errors)} cell(s) raised errors, first: {preview(errors[0], raw=True)}")
    results: dict[str, ItemResult] = {}
    slow = []
    for item in nb_spec.items:
        if item.kind == "probe":
            results[item.grade_id] = judge_probe(item, outcome.result)
        elif item.kind == "model":
            results[item.grade_id] = judge_model(item, outcome.result)
        elif item.kind == "assert":
            results[item.grade_id] = judge_assert(item, outcome.result)
            if results[item.grade_id].isolation == "student-process":
                notes.append(f"{name}: test cell {item.grade_id} {results[item.grade_id].note.split(';')[0]}")
            continue
        else:
            continue
        slow += [f"{item.function} case {i + 1}{' (hidden)' if case.hidden else ''}"
                 for i, case in enumerate(item.cases)
                 if isinstance(probe := probes.get(f"{item.grade_id}#{i}"), dict) and probe.get("timeout")]
    if slow:
        status = "timeout" if status == "ok" else status
        notes.append(f"{name}: {', '.join(slow[:8])}{' …' if len(slow) > 8 else ''} took longer than the time for "
                     f"one call ({limits.probe_seconds:g} s; longer for model tasks) and stopped; "
                     f"{'that case scores' if len(slow) == 1 else 'those cases score'} 0")
    return status, notes, results


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"__float__"}:
        return float(value["__float__"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value


def _short(exc: Exception, folder: Path) -> str:
    return str(exc).replace(str(folder) + "/", "")


def judge_model(item: GradeItem, report: dict | None) -> ItemResult:
    """Score a check_model item: F1 of the labels the sandbox returned against labels it never saw."""
    probes = (report or {}).get("probes", {}) if isinstance(report, dict) else {}
    got = probes.get(f"{item.grade_id}#0") if isinstance(probes, dict) else None
    truth = item.cases[0].expected
    spec = item.model or {}
    base = {"baseline": spec.get("baseline"), "target": spec.get("target"), "n": len(truth)}
    if not (isinstance(got, dict) and "value" in got):
        why = str(got.get("error", "no result"))[:200] if isinstance(got, dict) else "not run"
        return ItemResult(item.grade_id, "model", 0.0, item.points, item.competences, ({**base, "f1": None},),
                          note=f"{item.function} gave no predictions: {why}")
    predicted = _decode(got["value"])
    if not isinstance(predicted, list) or len(predicted) != len(truth):
        size = len(predicted) if isinstance(predicted, list) else type(predicted).__name__
        return ItemResult(item.grade_id, "model", 0.0, item.points, item.competences, ({**base, "f1": None},),
                          note=f"{item.function} must return one label per message ({len(truth)}), got {size}")
    value = f1_score(truth, [p if isinstance(p, str) else repr(p) for p in predicted], spec["positive"])
    points = scale_between(value, spec["baseline"], spec["target"], item.points)
    return ItemResult(item.grade_id, "model", points, item.points, item.competences, ({**base, "f1": round(value, 4)},),
                      note=f"F1 {value:.3f} on {len(truth)} hidden messages (0 points at {spec['baseline']:g}, "
                           f"full at {spec['target']:g})")


def judge_variant(item: GradeItem, folder: Path | None, student_id: str, notebook_dir: Path) -> ItemResult:
    """Score a per-student contest task against the variant rebuilt from the student's id (folder name)."""
    return _judge_saved(item, folder, lambda: variant(notebook_dir / item.bank, student_id, item.key or {}),
                        student=student_id)
