"""Grading, for two audiences.

What a notebook's grade cell imports lives here and stays light, because a lesson's grade cell runs in
every classroom kernel right after the learner's page was asked for:

* `grade` (widget tasks), `check_function` (coding tasks), `check_model` (model tasks) and
  `grade_variant` (contest widget tasks with per-student variants);
* `self_check`, the student's check before handing in (it loads the judge's runner only when called);
* the grader's errors (`GraderError` …, all under `hocvuso.core.HocvusoError`) and the defaults the
  judges' command line shows (`DEFAULT_TIMEOUT` …).

Modules here that are not the kernel's face: `_bridge` (the wire between a judge-side test cell and the
student's process; one end runs in that process, so it lives on this light side), `_check` (the
self-check, loaded by `self_check`), and the pieces both audiences share: `_cells` (what a cell's
nbgrader metadata says), `_scoring` (saved answers to points), `_limits` (defaults written once).

Importing this package never imports nbgrader, nbconvert, Dask or the judge's pipeline (a test runs
it in a fresh interpreter and looks at `sys.modules`). The judge's pipeline — intake, sandbox,
runner, judging, journal, exports, gradebook, hand-ins — is `hocvuso.grader.judge`.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ._checks import check_function, check_model
from ._errors import GraderError, GraderFault, NotebookProblem, Tampered, UploadRefused
from ._gradecell import grade
from ._limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, MIN_MEMORY_MB, MIN_TIMEOUT
from ._variantcell import grade_variant

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from ._check import CheckReport


def self_check(notebook: str | os.PathLike | None = None, *, course: str | os.PathLike | None = None,
               assignment: str | None = None, locale: str | None = None,
               timeout: float = DEFAULT_TIMEOUT) -> CheckReport:
    """Run the public checks of the assignment on `notebook` (default: the notebook this runs in).

    See `hocvuso.grader._check.self_check`; nbgrader and the runner load on this call, not on import.
    """
    from ._check import self_check as run  # noqa: PLC0415 - nbgrader and the sandbox: only when a student checks

    return run(notebook, course=course, assignment=assignment, locale=locale, timeout=timeout)


__all__ = ["DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "MIN_MEMORY_MB", "MIN_TIMEOUT", "GraderError", "GraderFault",
           "NotebookProblem", "Tampered", "UploadRefused", "check_function", "check_model", "grade", "grade_variant",
           "self_check"]
