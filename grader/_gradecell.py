"""The grade cell's helper: read the persisted submission, score it, return nbgrader's partial credit.

nbgrader re-executes the notebook in a fresh kernel, so the grade comes from the submission the
widget saved beside the notebook — never from live widget state. nbgrader's rule for a grade cell
is: an error gives 0, a numeric result is partial credit, and *no output gives full marks*. So
under nbgrader this helper fails closed: a missing, unreadable or mismatched submission raises.
Live in JupyterLab or Voilà, a missing submission shows a quiet "not submitted yet" instead, and a score
is said in words ("Điểm của bạn: 5,9 trên 10 …"): the same number, for a person rather than for nbgrader.
"""
from __future__ import annotations

from hocvuso.core import (
    N_,
    SubmissionCorrupt,
    SubmissionNotFound,
    SubmissionStore,
    current_learner,
    default_store,
    escape,
    get_locale,
    gettext,
    is_grading,
)

from ._scoring import exercise, score_saved

_NOT_SUBMITTED = N_("Not submitted yet: do the exercise above and your score will appear here.")
_UNREADABLE = N_("Your saved answers could not be read. Please do the exercise again.")
_SCORE = N_("Your score: {points} of {out_of}. Your work is saved.")


class SpokenGrade(float):
    """A live grade cell's result: the float nbgrader would read, shown to a person in words.

    Only outside nbgrader: under nbgrader the cell returns a plain float, whose text nbgrader parses as the
    partial credit; here Jupyter and Voilà show `_repr_html_` (a sentence) instead of a bare `0.59`.
    """

    text: str

    def __new__(cls, value: float, text: str) -> SpokenGrade:
        grade = super().__new__(cls, value)
        grade.text = text
        return grade

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f'<p class="hv-grade-score" role="status" style="font-weight:bold">{escape(self.text)}</p>'


def grade(task_id: str, *, scenario: str, out_of: float, store: SubmissionStore | None = None) -> float | None:
    """Score `task_id`'s saved submission to `scenario`, rescaled to `out_of` points.

    Returns a plain float (nbgrader reads it as partial credit). Under nbgrader, raises
    SubmissionNotFound / SubmissionCorrupt / GradingError so that the cell scores 0; elsewhere a
    missing or unreadable submission displays a short note and returns None.
    """
    if out_of <= 0:
        raise ValueError("out_of must be the grade cell's points, a number above 0")
    store = store or default_store()
    try:
        # In a classroom (`hocvuso serve`) the signed-in learner's own submission; None elsewhere.
        _submission, result = score_saved(store, task_id, lambda: exercise(scenario), learner=current_learner())
    except SubmissionNotFound:
        if is_grading():
            raise
        show_note(_NOT_SUBMITTED)
        return None
    except SubmissionCorrupt:
        if is_grading():
            raise
        show_note(_UNREADABLE)
        return None
    points = float(result.scaled(out_of))
    if is_grading():
        return points
    locale = get_locale()
    return SpokenGrade(points, gettext(_SCORE, locale).format(points=_number(points, locale),
                                                               out_of=_number(out_of, locale)))


def _number(value: float, locale: str) -> str:
    """A score as people write it: 6, 5.9 — and 5,9 in Vietnamese."""
    text = f"{value:g}"
    return text.replace(".", ",") if locale == "vi" else text


def show_note(message: str) -> None:
    """A quiet, translated line under the grade cell (live only: under nbgrader a cell raises instead)."""
    from IPython.display import HTML, display  # noqa: PLC0415 - only a live kernel shows notes

    text = escape(gettext(message))
    display(HTML(f'<p class="hv-grade-note" role="status" style="color:#555;font-style:italic">{text}</p>'))
