"""Grading: the grade-cell helpers notebooks use, and the batch grader judges run.

Notebooks import only `grade` (widget tasks), `check_function` (coding tasks), `check_model` (model
tasks) and `grade_variant` (contest widget tasks with per-student variants).
"""
from ._batch import BatchSummary, grade_batch
from ._check import self_check
from ._checks import check_function, check_model
from ._course import assign, course_init
from ._errors import GraderError
from ._gradecell import grade
from ._variantcell import grade_variant

__all__ = ["BatchSummary", "GraderError", "assign", "check_function", "check_model", "course_init", "grade", "grade_batch", "grade_variant", "self_check"]
