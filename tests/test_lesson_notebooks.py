"""Every bundled lesson is valid nbgrader source and runs top to bottom in a fresh kernel.

Run live (not under nbgrader), a grade cell with nothing submitted shows a quiet note instead of
failing; run under nbgrader's grading flag, the same cell raises so the task scores 0.
"""
from __future__ import annotations

import os
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from hocvuso.notebooks import lesson_notebooks

LESSONS = lesson_notebooks()
EXECUTED = [p for p in LESSONS if not p.parent.name.startswith("tuan-")] + \
    [p for p in LESSONS if p.parent.name.startswith("tuan-")][:1]
"""Lessons run in a kernel here. The weekly series (tuan-NN-*) is built from one template by
scripts/build_series.py, so its first week stands for the rest (the others are checked as nbgrader
source below, and their inbox, task and freshness in test_content_coverage.py): ~7 s a lesson saved."""


def test_lessons_are_bundled():
    assert LESSONS, "no lesson notebooks found under notebooks/ASSIGNMENT/*.ipynb"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.parent.name)
def test_lesson_is_nbgrader_source_with_a_grade_cell(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    ids = [m.get("grade_id") for m in meta if m]
    assert len(ids) == len(set(ids)), "grade_id must be unique"
    assert any(m.get("grade") and m.get("points") for m in meta), "a lesson needs a grade cell with points"


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: p.parent.name)
def test_lesson_runs_live_and_says_not_submitted(path, tmp_path, monkeypatch):
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("HOCVUSO_DB", raising=False)
    nb = nbformat.read(work / path.name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    outputs = "".join(str(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Chưa nộp bài" in outputs
    assert "Traceback" not in outputs


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: p.parent.name)
def test_grade_cell_fails_closed_under_nbgrader(path, tmp_path, monkeypatch):
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.delenv("HOCVUSO_DB", raising=False)
    nb = nbformat.read(work / path.name, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}})
    with pytest.raises(CellExecutionError, match="SubmissionNotFound"):
        client.execute()
    assert os.environ["NBGRADER_EXECUTION"] == "autograde"
