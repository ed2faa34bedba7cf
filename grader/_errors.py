"""Errors of the judges' grader (all under hocvuso.core.HocvusoError).

* GraderError      – the grader itself cannot run: bad course, bad arguments, no sandbox.
                     `hocvuso grade` exits non-zero with this message; nothing is graded.
  * GraderFault    – the grader's own machinery failed on one submission; that row is regraded
                     on the next run, never kept as the student's grade.
"""
from __future__ import annotations

from hocvuso.core import HocvusoError


class GraderError(HocvusoError):
    """The batch cannot run at all (course, assignment or options are wrong). Says how to fix it."""


class GraderFault(GraderError):
    """The grader's own machinery failed on one submission (a worker lost, a path it cannot see, a full disk).

    Never the student's doing: the batch records that student's row as `error` with a reason that says
    it was the grader's fault, and does not count it as graded, so the next run grades it again.
    """
