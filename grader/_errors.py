"""Errors of the judges' grader (all under hocvuso.core.HocvusoError).

* GraderError      – the grader itself cannot run: bad course, bad arguments, no sandbox.
                     `hocvuso grade` exits non-zero with this message; nothing is graded.
"""
from __future__ import annotations

from hocvuso.core import HocvusoError


class GraderError(HocvusoError):
    """The batch cannot run at all (course, assignment or options are wrong). Says how to fix it."""
