"""The grade cell in a lesson says the score in words; under nbgrader it keeps its contract.

Live (JupyterLab, Voilà) a person reads the cell: "Điểm của bạn: 5,9 trên 10 …", not a bare 0.59.
Under nbgrader (NBGRADER_EXECUTION set) the cell returns a plain float, whose text nbgrader parses as
partial credit, and a missing submission raises (a silent grade cell would get full marks).
"""
from __future__ import annotations

import pytest

from hocvuso.core import FileStore, SubmissionNotFound
from hocvuso.grader import grade
from hocvuso.widgets import PhoneSimulator

PAY = "thanh-toan-an-toan"


@pytest.fixture()
def saved(tmp_path, monkeypatch):
    monkeypatch.delenv("HOCVUSO_DB", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    files = FileStore(tmp_path)
    w = PhoneSimulator(PAY, task_id="thanh-toan", store=files)
    w.answer("ten-nguoi-nhan", "xac-nhan")  # wrong: 0 of 2
    w.answer("qr-dan-de", "bao-chu-quan")   # right: 2 of 2 → 2 of 12 so far
    return files


def test_a_lesson_grade_cell_says_the_score_in_words(saved):
    value = grade("thanh-toan", scenario=PAY, out_of=10, store=saved)
    assert value == pytest.approx(1.67)  # the same number everywhere (one scoring truth)
    assert repr(value) == "Điểm của bạn: 1,67 trên 10. Bài làm đã được lưu."
    assert "1,67 trên 10" in value._repr_html_() and 'class="hv-grade-score"' in value._repr_html_()


def test_under_nbgrader_the_cell_returns_a_bare_number_and_raises_when_nothing_was_saved(saved, monkeypatch,
                                                                                         tmp_path):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    value = grade("thanh-toan", scenario=PAY, out_of=10, store=saved)
    assert type(value) is float and repr(value) == "1.67"
    with pytest.raises(SubmissionNotFound):
        grade("thanh-toan", scenario=PAY, out_of=10, store=FileStore(tmp_path / "empty"))
