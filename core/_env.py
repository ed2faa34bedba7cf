"""Where the code is running: under nbgrader, or live in JupyterLab / Voilà.

nbgrader re-executes a notebook in a fresh kernel and sets NBGRADER_EXECUTION ('autograde' or
'validate'); in that context grading must fail closed, because nbgrader gives full marks to a grade
cell that prints nothing.
"""
from __future__ import annotations

import os


def is_grading() -> bool:
    """True when nbgrader is executing the notebook (autograde or validate)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))
