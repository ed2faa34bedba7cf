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

from hocvuso.core import N_, FileStore, GradingError, SubmissionNotFound, is_grading

from ._gradecell import show_note
from ._scoring import score_saved, variant

_JUDGES_SCORE = N_("Contest: your answers are saved; the judges score them after the contest.")


def grade_variant(task_id: str, *, bank: str, out_of: float, key: Mapping[str, Any] | None = None,
                  student: str | None = None, folder: str | Path | None = None) -> float | None:
    """Score `task_id`'s saved answers against this student's variant; None live (no key in a release)."""
    if out_of <= 0:
        raise ValueError("out_of must be the grade cell's points, a number above 0")
    folder = Path(folder) if folder is not None else Path.cwd()
    if not key:
        if is_grading():
            raise GradingError("this grade cell has no key: grade the contest with `hocvuso grade` or "
                               "nbgrader autograde from the judge's source notebook")
        show_note(_JUDGES_SCORE)
        return None
    who = student or folder.resolve().parent.name
    # SubmissionNotFound under nbgrader: the cell scores 0
    _submission, result = score_saved(FileStore(folder), task_id, lambda: variant(folder / bank, who, key))
    return float(result.scaled(out_of))


__all__ = ["SubmissionNotFound", "grade_variant"]
