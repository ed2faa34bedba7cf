"""The one tamper rule, read by three: the judge's reason, the receipt's warning and the student's self-check.

Each case builds a release and a handed-in copy with real nbgrader checksums, breaks the copy one way,
and checks that the rule names that cell with that kind of problem, that the judge's sentence says it,
and that the student's self-check says it in the student's language.
"""
from __future__ import annotations

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.utils import compute_checksum

from hocvuso.core import translator
from hocvuso.grader._cells import cells_by_id, grade_id, is_locked
from hocvuso.grader._check import T, _structure_problems
from hocvuso.grader.judge._integrity import judge_reason, tamper_problems


def _cell(make, source: str, gid: str, *, locked: bool, grade: bool = False, solution: bool = False):
    cell = make(source)
    cell.metadata["nbgrader"] = {"grade_id": gid, "locked": locked, "grade": grade, "solution": solution,
                                 "schema_version": 3, **({"points": 2} if grade else {})}
    cell.metadata["nbgrader"]["checksum"] = compute_checksum(cell)
    return cell


def release() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        _cell(new_markdown_cell, "Đề bài / the task", "de-bai", locked=True),
        _cell(new_code_cell, "def tong(a, b):\n    raise NotImplementedError", "cau-1", locked=False, solution=True),
        _cell(new_code_cell, 'check_function("tong", [((1, 2), 3)], out_of=2)', "cau-1-kiem-tra", locked=True,
              grade=True),
    ])


def _edit(nb):
    nb.cells[2].source = 'check_function("tong", [], out_of=2)'


def _delete(nb):
    del nb.cells[0]


def _duplicate(nb):
    nb.cells.append(copy.deepcopy(nb.cells[2]))


def _invent(nb):
    nb.cells[1].metadata["nbgrader"]["grade_id"] = "cau-bia"


def _damage(nb):
    nb.cells[2].metadata["nbgrader"]["points"] = "hai"  # compute_checksum cannot read it


CASES = [  # (how the copy is broken, kind, cell, words in the judge's sentence, the student's message key)
    (_edit, "changed", "cau-1-kiem-tra", "locked cell cau-1-kiem-tra was changed", "changed"),
    (_delete, "deleted", "de-bai", "cell(s) de-bai were deleted", "deleted"),
    (_duplicate, "duplicated", "cau-1-kiem-tra", "appear more than once", "duplicated"),
    (_invent, "unknown", "cau-bia", "cell id(s) cau-bia are not in the assignment", "unknown"),
    (_damage, "damaged", "cau-1-kiem-tra", "locked cell cau-1-kiem-tra has damaged metadata", "damaged"),
]


@pytest.mark.parametrize("breaks, kind, cell, judge_words, key", CASES, ids=[c[1] for c in CASES])
def test_one_rule_names_the_cell_for_the_judge_and_the_student(breaks, kind, cell, judge_words, key):
    reference = release()
    released = cells_by_id(reference.cells)
    locked = {gid: compute_checksum(c) for gid, c in released.items() if is_locked(c)}
    handed = copy.deepcopy(reference)
    assert tamper_problems(handed.cells, cell_ids=released, locked=locked) == []
    breaks(handed)
    problems = tamper_problems(handed.cells, cell_ids=released, locked=locked)
    assert (kind, cell) in {(p.kind, p.cell) for p in problems}, problems
    reason = judge_reason("bai-thi", problems)
    assert reason is not None and reason.startswith("bai-thi: ") and judge_words in reason, reason
    for locale in ("vi", "en"):
        tr = translator(locale)
        student = _structure_problems(handed, reference, tr)
        assert tr(T[key]).format(cell=cell) in student, (locale, student)


def test_without_the_release_the_notebooks_own_checksums_find_edits():
    """A self-check without the course: edits and damage are found from the notebook's own checksums."""
    handed = release()
    assert tamper_problems(handed.cells) == []
    _edit(handed)
    assert [(p.kind, p.cell) for p in tamper_problems(handed.cells)] == [("changed", "cau-1-kiem-tra")]
    assert grade_id(handed.cells[2]) == "cau-1-kiem-tra"


def test_metadata_that_is_not_a_mapping_reads_as_no_grade_id():
    """A student may write anything into a cell's metadata: the helper never trusts its shape."""
    cell = new_code_cell("x = 1")
    for broken in ({"nbgrader": "cau-1"}, {"nbgrader": {"grade_id": 7}}, {"nbgrader": {"grade_id": ""}}, {}):
        cell.metadata = broken
        assert grade_id(cell) is None
