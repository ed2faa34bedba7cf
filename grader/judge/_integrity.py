"""Tamper detection: a submitted notebook must keep every locked cell of the release exactly.

nbgrader marks instructor cells as locked and stores a checksum of each (source, type, grade flags,
points). A student who edits a test cell, deletes or duplicates a cell, empties its metadata, or
invents grade ids is reported as `tampered` with the cell named — never silently scored. (Stock
nbgrader quietly restores edited cells, and one emptied metadata block stops its whole batch.)
"""
from __future__ import annotations

from collections import Counter

import nbformat
from nbgrader.utils import compute_checksum

from ._spec import NotebookSpec


def tampering(notebook: nbformat.NotebookNode, spec: NotebookSpec) -> str | None:
    """A sentence naming what was tampered with, or None when the notebook keeps the release's structure."""
    ids: Counter[str] = Counter()
    cells = {}
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if not isinstance(meta, dict) or not meta.get("grade_id"):
            continue
        gid = meta["grade_id"]
        ids[gid] += 1
        cells[gid] = cell
    unknown = sorted(set(ids) - spec.cell_ids)
    if unknown:
        return f"{spec.name}: cell id(s) {', '.join(unknown)} are not in the assignment (cell metadata was edited)"
    duplicated = sorted(gid for gid, n in ids.items() if n > 1)
    if duplicated:
        return f"{spec.name}: cell(s) {', '.join(duplicated)} appear more than once (duplicated cells)"
    missing = sorted(spec.cell_ids - set(ids))
    if missing:
        return f"{spec.name}: cell(s) {', '.join(missing)} were deleted or had their metadata removed"
    for gid, checksum in spec.locked.items():
        try:
            if compute_checksum(cells[gid]) != checksum:
                return f"{spec.name}: locked cell {gid} was changed"
        except Exception:
            return f"{spec.name}: locked cell {gid} has damaged metadata"
    return None
