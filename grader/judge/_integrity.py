"""The tamper rule: a handed-in notebook must keep every locked cell of the release exactly.

nbgrader marks instructor cells as locked and stores a checksum of each (source, type, grade flags,
points). A student who edits a test cell, deletes or duplicates a cell, empties its metadata, or
invents grade ids is reported as `tampered` with the cell named — never silently scored. (Stock
nbgrader quietly restores edited cells, and one emptied metadata block stops its whole batch.)

One rule, three readers: the batch (`tampering`: one sentence for the judge's reason column), the
upload page (the same sentence as a warning on the receipt) and the student's self-check
(`tamper_problems`, each problem rendered in the student's language). Without the release (a
self-check with no course) the rule compares each locked or graded cell with the checksum nbgrader
stored in the notebook itself; that finds edits, not deletions.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from nbgrader.utils import compute_checksum

from .._cells import grade_id, is_graded, is_locked, nbgrader_meta

Kind = Literal["unknown", "duplicated", "deleted", "changed", "damaged"]


@dataclass(frozen=True)
class TamperProblem:
    """One way a handed-in notebook differs from its release."""

    kind: Kind
    """unknown (an id the release lacks), duplicated, deleted (or its metadata removed), changed (a locked
    cell's checksum differs), damaged (its metadata cannot even be checksummed)."""
    cell: str
    """The grade id concerned."""


JUDGE_WORDS: Mapping[Kind, str] = {
    "unknown": "cell id(s) {cells} are not in the assignment (cell metadata was edited)",
    "duplicated": "cell(s) {cells} appear more than once (duplicated cells)",
    "deleted": "cell(s) {cells} were deleted or had their metadata removed",
    "changed": "locked cell {cells} was changed",
    "damaged": "locked cell {cells} has damaged metadata",
}
"""The judge's words for each kind (English: the results' reason column)."""


def tamper_problems(cells: Iterable[Any], *, cell_ids: Iterable[str] | None = None,
                    locked: Mapping[str, str] | None = None) -> list[TamperProblem]:
    """Every problem of a notebook's `cells`: unknown ids, duplicates, deletions, then changed locked cells.

    `cell_ids` (every grade id of the release) and `locked` (grade id -> checksum of each locked cell)
    come from the release; without them each locked or graded cell is compared with the checksum stored
    in its own metadata.
    """
    counts: Counter[str] = Counter()
    found: dict[str, Any] = {}
    for cell in cells:
        gid = grade_id(cell)
        if gid is not None:
            counts[gid] += 1
            found[gid] = cell
    problems: list[TamperProblem] = []
    if cell_ids is not None:
        released = set(cell_ids)
        problems += [TamperProblem("unknown", gid) for gid in sorted(set(counts) - released)]
    problems += [TamperProblem("duplicated", gid) for gid in sorted(g for g, n in counts.items() if n > 1)]
    if cell_ids is not None:
        problems += [TamperProblem("deleted", gid) for gid in sorted(released - set(counts))]
    expected: dict[str, str | None]
    if locked is not None:
        expected = {gid: checksum for gid, checksum in locked.items() if gid in found}
    else:
        expected = {gid: nbgrader_meta(cell).get("checksum") for gid, cell in found.items()
                    if is_locked(cell) or is_graded(cell)}
    for gid, checksum in expected.items():
        try:
            same = bool(checksum) and compute_checksum(found[gid]) == checksum
        except Exception:  # noqa: BLE001 - any failure to checksum a student's metadata is damage
            problems.append(TamperProblem("damaged", gid))
            continue
        if not same:
            problems.append(TamperProblem("changed", gid))
    return problems


def judge_reason(notebook: str, problems: list[TamperProblem]) -> str | None:
    """The judge's sentence for the first kind of problem found (all its cells named), or None."""
    if not problems:
        return None
    kind = problems[0].kind
    cells = [p.cell for p in problems if p.kind == kind]
    if kind in ("changed", "damaged"):
        cells = cells[:1]  # one locked cell is enough to name; the row is tampered either way
    return f"{notebook}: " + JUDGE_WORDS[kind].format(cells=", ".join(cells))


def tampering(notebook: Any, spec: Any) -> str | None:
    """A sentence naming what was tampered with, or None when the notebook keeps the release's structure.

    `spec` is the notebook's `NotebookSpec` (its name, grade ids and locked checksums from the release).
    """
    return judge_reason(spec.name, tamper_problems(notebook.cells, cell_ids=spec.cell_ids, locked=spec.locked))
