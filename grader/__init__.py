"""Grading: the grade-cell helpers notebooks use, and the batch grader judges run.

Notebooks import only `grade` (widget tasks) and `check_function` (coding tasks).
"""
from ._batch import BatchSummary, grade_batch
from ._checks import check_function
from ._course import assign, course_init
from ._errors import GraderError
from ._gradecell import grade

__all__ = ["BatchSummary", "GraderError", "assign", "check_function", "course_init", "grade", "grade_batch"]
