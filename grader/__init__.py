"""Grading: the grade-cell helper for notebooks (nbgrader), and the tools judges run.

Notebooks import only `grade`.
"""
from ._gradecell import grade

__all__ = ["grade"]
