"""The notebook a judge reads in formgrader (and nbgrader's feedback shows the student):
`autograded/STUDENT/ASSIGNMENT/NOTEBOOK.ipynb`, built from what the student handed in and what the
judge's side computed, never by running anything.

* The student's answer cells keep their text and outputs (the student's own work, to read).
* Locked cells and grade cells are the release's, as `nbgrader autograde` restores them from the
  gradebook; but from the *release*, so hidden tests never reach a feedback page.
* Each grade cell's output is hocvuso's result for it as plain text: cases passed (hidden cases only as
  passed/failed), the model's F1, and for a widget task the learner's saved answers and their score per
  item, so a judge sees what a student answered where stock nbgrader shows an empty `Out[1]`.
* A row that could not be graded (invalid, missing, tampered) gets the release notebook or the student's
  notebook with a note cell on top saying why.

Every string that came from a student is shown as text (escaped, in a code block), never as markup.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_markdown_cell, new_output

from hocvuso.core import FileStore

from .._cells import cells_by_id, grade_id, nbgrader_meta
from .._errors import NotebookProblem
from ._reading import parse_notebook, read_submitted
from ._record import GradeRecord, visible
from ._spec import AssignmentSpec

MAX_ANSWERS_BYTES = 8 * 1024**2
"""Largest widget answers file read to show it (the judge read the same file within this limit)."""
MAX_SHOWN_CHARS = 6000
"""Longest text shown in one grade cell's output."""


def build(spec: AssignmentSpec, name: str, rec: GradeRecord, candidate: Any) -> tuple[nbformat.NotebookNode, bool]:
    """The autograded notebook `name` of `rec`'s student, and whether the student handed that notebook in."""
    release = nbformat.read(Path(spec.release_dir) / f"{name}.ipynb", as_version=4)
    student, problem = _student_notebook(candidate, name)
    handed_in = student is not None
    notebook = student if student is not None else copy.deepcopy(release)
    released = cells_by_id(release.cells)
    for index, cell in enumerate(notebook.cells):
        ours = released.get(grade_id(cell) or "")
        if ours is None:
            continue
        meta = nbgrader_meta(ours)
        if meta.get("locked") or (meta.get("grade") and not meta.get("solution")):
            cell = notebook.cells[index] = copy.deepcopy(ours)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        else:  # the student's answer, under the release's metadata (points, ids cannot be edited)
            cell.metadata["nbgrader"] = copy.deepcopy(meta)
    items = {item["grade_id"]: item for item in rec.items}
    answers = _saved_answers(spec, candidate)
    for cell in notebook.cells:
        item = items.get(grade_id(cell) or "")
        if item is not None and cell.cell_type == "code":
            cell.outputs = [new_output("display_data", data={"text/plain": describe(item, answers)})]
    note = problem if rec.status == "ok" or not handed_in else ""
    if rec.status != "ok" or note:
        text = f"hocvuso: {rec.status}" + (f" — {rec.reason}" if rec.reason else "") + (f" — {note}" if note else "")
        notebook.cells.insert(0, new_markdown_cell(_as_text(text)))
    notebook.metadata.setdefault("kernelspec", release.metadata.get("kernelspec", {}))
    return notebook, handed_in


def _student_notebook(candidate: Any, name: str) -> tuple[nbformat.NotebookNode | None, str]:
    """The student's notebook, read once without following links; (None, why) when there is none to read."""
    path = (getattr(candidate, "notebooks", None) or {}).get(name)
    if path is None:
        return None, f"{name}.ipynb was not handed in"
    try:
        return parse_notebook(read_submitted(path, root=getattr(candidate, "root", None)), Path(path).name), ""
    except NotebookProblem as exc:
        return None, str(exc)


def _saved_answers(spec: AssignmentSpec, candidate: Any) -> dict[str, Any]:
    """task id -> the learner's saved answers (canonical JSON), for widget tasks; unreadable ones left out."""
    folder = getattr(candidate, "folder", None)
    found: dict[str, Any] = {}
    if folder is None:
        return found
    for item in spec.items:
        if item.kind not in ("widget", "variant"):
            continue
        try:
            data = json.loads(read_submitted(FileStore(Path(folder)).path_for(item.task_id),
                                             root=getattr(candidate, "root", None), limit=MAX_ANSWERS_BYTES))
        except (NotebookProblem, ValueError, OSError):
            continue
        if isinstance(data, dict) and "answers" in data:
            found[item.grade_id] = data["answers"]
    return found


def describe(item: dict, answers: dict[str, Any]) -> str:
    """One grade item's result as plain text, Vietnamese first; hidden cases only as passed or failed."""
    out = [f"hocvuso: {item['points']:g} / {item['max_points']:g} điểm / points"]
    if item.get("note") and not (item["kind"] == "model" and item.get("lines")):  # the model's line says it all
        out.append(visible(item["note"]))
    for line in item.get("lines") or ():
        out.append(_line(item["kind"], line))
    if item["grade_id"] in answers:
        shown = json.dumps(answers[item["grade_id"]], ensure_ascii=False, indent=1, sort_keys=True)
        out += ["", "Câu trả lời đã lưu / saved answers:", visible(shown).replace("\\n", "\n")]
    text = "\n".join(out)
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS - 1] + "…"


def _line(kind: str, line: dict) -> str:
    if kind == "model":
        f1 = "—" if line.get("f1") is None else f"{line['f1']:.3f}"
        return (f"F1 trên {line.get('n', 0)} tin ẩn / on {line.get('n', 0)} hidden messages: {f1} "
                f"(0 điểm / points ≤ {line.get('baseline')}, tối đa / full ≥ {line.get('target')})")
    if "passed" in line:
        mark = "✓" if line["passed"] else "✗"
        if line.get("hidden"):
            return f"{mark} {line.get('case', '')} trường hợp ẩn / hidden case"
        shown = ", ".join(f"{k}: {visible(v)}" for k, v in line.items() if k not in ("case", "passed", "hidden"))
        return f"{mark} {line.get('case', '')} {shown}"
    if "item" in line:
        return (f"{visible(line['item'])}: {visible(line.get('outcome', ''))} "
                f"({line.get('points', 0):g} / {line.get('max_points', 0):g})")
    return ", ".join(f"{k}: {visible(v)}" for k, v in line.items() if k != "hidden")


def _as_text(text: str) -> str:
    """Student-made text shown literally in a markdown cell: escaped, in a fenced block it cannot close."""
    return "```text\n" + visible(text).replace("`", "ˋ") + "\n```"
