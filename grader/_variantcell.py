"""`grade_variant`: the grade cell of a contest widget task whose items differ per student.

In the judge's source notebook the cell carries the key as a literal inside the hidden-test region::

    grade_variant("hop-thu", bank="de-thi/hop-thu.json", out_of=10, key={
    ### BEGIN HIDDEN TESTS
        "ITEM-ID": ["scam", ["FLAG", ...]],
    ### END HIDDEN TESTS
    })

For a dossier bank (``"kind": "dossier"``, hocvuso.contest._dossier) the key is the expected dossier
with placeholders (procedure, agencies, fields, documents) and the contest seed.

The student's release therefore has `key={}`: live, the cell only says that the judges score it.
`hocvuso grade` never runs the cell; it reads the key from the source and rebuilds each student's
variant from the submission folder's name. Under stock `nbgrader autograde` (key restored from the
gradebook) the student is the folder above the notebook (autograded/STUDENT/ASSIGNMENT).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from hocvuso.core import (GradingError, FileStore, SubmissionNotFound, escape, gettext, is_grading, score)
from hocvuso.core._i18n import N_

_JUDGES_SCORE = N_("Contest: your answers are saved; the judges score them after the contest.")


def grade_variant(task_id: str, *, bank: str, out_of: float, key: Mapping[str, Any] | None = None,
                  student: str | None = None, folder: str | Path | None = None) -> float | None:
    """Score `task_id`'s saved answers against this student's variant; None live (no key in a release)."""
    from hocvuso.contest._banks import load_bank, variant_exercise

    if out_of <= 0:
        raise ValueError("out_of must be the grade cell's points, a number above 0")
    folder = Path(folder) if folder is not None else Path.cwd()
    if not key:
        if is_grading():
            raise GradingError("this grade cell has no key: grade the contest with `hocvuso grade` or "
                               "nbgrader autograde from the judge's source notebook")
        from IPython.display import HTML, display

        display(HTML(f'<p class="hv-grade-note" role="status" style="color:#555;font-style:italic">'
                     f"{escape(gettext(_JUDGES_SCORE))}</p>"))
        return None
    who = student or folder.resolve().parent.name
    submission = FileStore(folder).load(task_id)  # SubmissionNotFound under nbgrader: the cell scores 0
    scenario, variant_key = variant_exercise(load_bank(folder / bank), who, key)
    if submission.scenario_id != scenario.id:
        raise GradingError(f"the saved answers for {task_id!r} are for {submission.scenario_id!r}, not {scenario.id!r}")
    return float(score(scenario, variant_key, submission.answers).scaled(out_of))


__all__ = ["SubmissionNotFound", "grade_variant"]
