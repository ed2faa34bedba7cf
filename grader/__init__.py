"""Grading: the grade-cell helpers notebooks use, and the batch grader judges run.

Notebooks import only `grade` (widget tasks), `check_function` (coding tasks), `check_model` (model
tasks) and `grade_variant` (contest widget tasks with per-student variants).

The names are imported on first use (PEP 562): a lesson's grade cell runs in every classroom
kernel, right after the learner's page was asked for, and `from hocvuso.grader import grade` must
not drag in the batch grader (nbgrader, nbconvert, Jupyter server: ~1.5 s and ~55 MB per kernel).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "BatchSummary": "._batch", "grade_batch": "._batch",
    "self_check": "._check",
    "check_function": "._checks", "check_model": "._checks",
    "assign": "._course", "course_init": "._course",
    "GraderError": "._errors",
    "grade": "._gradecell",
    "grade_variant": "._variantcell",
}

__all__ = ["BatchSummary", "GraderError", "assign", "check_function", "check_model", "course_init", "grade",
           "grade_batch", "grade_variant", "self_check"]

if TYPE_CHECKING:  # pragma: no cover
    from ._batch import BatchSummary, grade_batch
    from ._check import self_check
    from ._checks import check_function, check_model
    from ._course import assign, course_init
    from ._errors import GraderError
    from ._gradecell import grade
    from ._variantcell import grade_variant


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
