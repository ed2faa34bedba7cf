"""Reading a notebook cell the way the grader does: its nbgrader metadata, and the grade call it ends in.

One helper per repeated question (as nbgrader's `utils.is_grade(cell)`): every module that asks a cell
for its grade id, its nbgrader flags or the name of the call it makes asks here. The metadata of a
handed-in cell is the student's to edit, so nothing here trusts its shape: a missing or non-dict
`nbgrader` block reads as empty. Pure functions, no imports beyond the standard library (a grade
cell's kernel and the judge both use them).
"""
from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

GRADE_CALLS = ("check_function", "check_model", "grade", "grade_variant")
"""The calls a grade cell may end in (the functions of `hocvuso.grader`)."""


def nbgrader_meta(cell: Mapping[str, Any]) -> Mapping[str, Any]:
    """The cell's nbgrader metadata block, or an empty one when it has none (or a damaged one)."""
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, Mapping) else None
    return meta if isinstance(meta, Mapping) else {}


def grade_id(cell: Mapping[str, Any]) -> str | None:
    """The cell's nbgrader grade id, or None (no id, an empty one, or one that is not text)."""
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def is_locked(cell: Mapping[str, Any]) -> bool:
    """nbgrader's "read-only" flag: an instructor's cell whose checksum the release records."""
    return bool(nbgrader_meta(cell).get("locked"))


def is_graded(cell: Mapping[str, Any]) -> bool:
    """A cell that carries points (a test cell, or an answer cell a person grades)."""
    return bool(nbgrader_meta(cell).get("grade"))


def cells_by_id(cells: Any) -> dict[str, Any]:
    """{grade id: cell} for every cell with a grade id (a duplicated id keeps its last cell)."""
    return {gid: cell for cell in cells if (gid := grade_id(cell)) is not None}


def call_name(call: ast.Call) -> str:
    """`check_function` for `check_function(…)` and `hocvuso.grader.check_function(…)`; "" otherwise."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def last_call(source: str) -> ast.Call | None:
    """The last top-level call expression of a cell's source, or None (no call, or not Python)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    calls = [n.value for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    return calls[-1] if calls else None
