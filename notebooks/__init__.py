"""The bundled lesson and contest notebooks (nbgrader source form), shipped as package data, and where
they are.

Lessons are nbgrader *source* notebooks in `notebooks/ASSIGNMENT/*.ipynb`, shipped inside the
package so that `hocvuso serve` works from a plain `pip install`; the classroom and the judges'
course set-up find them here.
"""
from __future__ import annotations

from pathlib import Path

from hocvuso.core import LessonNotFound

CONTEST_PREFIX = "thi-"
"""Contest assignments (notebooks/thi-*/) hold hidden tests and keys: judge-only, never a lesson, never
in the wheel (pyproject excludes them); present only in a source checkout."""


def notebooks_root() -> Path:
    """Folder holding the bundled assignments."""
    return Path(__file__).resolve().parent


def lesson_notebooks() -> list[Path]:
    """Every bundled lesson notebook, sorted by assignment name (contest assignments excluded)."""
    root = notebooks_root()
    return sorted(p for p in root.glob("*/*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and not p.parent.name.startswith(CONTEST_PREFIX))


def contest_notebooks() -> list[Path]:
    """The contest source notebooks of a source checkout (none in an installed wheel)."""
    root = notebooks_root()
    return sorted(p for p in root.glob(f"{CONTEST_PREFIX}*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def find_lesson(name: str) -> Path:
    """The notebook of assignment `name`; raise LessonNotFound (a LookupError) listing the lessons that exist."""
    for path in lesson_notebooks():
        if path.parent.name == name or path.stem == name:
            return path
    known = ", ".join(p.parent.name for p in lesson_notebooks()) or "none"
    raise LessonNotFound(f"no lesson {name!r}; bundled lessons: {known}")


__all__ = ["CONTEST_PREFIX", "contest_notebooks", "find_lesson", "lesson_notebooks", "notebooks_root"]
