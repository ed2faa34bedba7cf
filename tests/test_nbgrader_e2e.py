"""Real nbgrader end to end: generate the assignment, students answer through the widget, autograde.

The score in nbgrader's gradebook must equal hocvuso's own score of the persisted answers; a student
who never submitted must get 0, not the full marks nbgrader gives a silent grade cell.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from hocvuso.core import FileStore, load_inbox, score
from hocvuso.widgets import ScamInbox

from graderkit import lesson_course, nbgrader, submitted_folder

ASSIGNMENT = "lua-dao-tin-nhan"
TASK, INBOX, POINTS = "hop-thu", "hop-thu-1", 10.0

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A judge's course made the way a judge makes it: `hocvuso course init` + `hocvuso assign`."""
    return lesson_course(tmp_path_factory.mktemp("course"), ASSIGNMENT)


def hand_in(course: Path, student: str, answer) -> Path:
    """Copy the release to submitted/STUDENT/ASSIGNMENT and let `answer(inbox)` work the widget there."""
    folder = submitted_folder(course, student, ASSIGNMENT)
    if answer is not None:
        inbox = ScamInbox(INBOX, task_id=TASK, store=FileStore(folder))
        answer(inbox)
    return folder


def perfect(inbox):
    _scenario, key = load_inbox(INBOX)
    for message_id, message_key in key.messages.items():
        inbox.answer(message_id, message_key.verdict, list(message_key.red_flags))


def partly_wrong(inbox):
    _scenario, key = load_inbox(INBOX)
    items = list(key.messages.items())
    for i, (message_id, message_key) in enumerate(items):
        if i % 3 == 0:       # wrong verdict
            inbox.answer(message_id, "safe" if message_key.verdict == "scam" else "scam", [])
        elif i % 3 == 1:     # right verdict, only the first flag
            inbox.answer(message_id, message_key.verdict, list(message_key.red_flags[:1]))
        # every third message left unanswered


@pytest.fixture(scope="module")
def graded(course):
    folders = {
        "hs-hoan-hao": hand_in(course, "hs-hoan-hao", perfect),
        "hs-sai-mot-phan": hand_in(course, "hs-sai-mot-phan", partly_wrong),
        "hs-khong-nop": hand_in(course, "hs-khong-nop", None),
    }
    done = nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    return folders


def gradebook_score(course: Path, student: str) -> float:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission(ASSIGNMENT, student).score


def test_release_keeps_the_grade_cell_and_the_widget(course):
    text = (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")
    assert "ScamInbox(" in text and "grade(" in text


def test_perfect_submission_gets_full_marks(course, graded):
    assert gradebook_score(course, "hs-hoan-hao") == POINTS


def test_partly_wrong_submission_gets_hocvuso_partial_score(course, graded):
    scenario, key = load_inbox(INBOX)
    persisted = FileStore(graded["hs-sai-mot-phan"]).load(TASK)
    expected = score(scenario, key, persisted.answers).scaled(POINTS)
    assert 0 < expected < POINTS
    assert gradebook_score(course, "hs-sai-mot-phan") == pytest.approx(expected)


def test_missing_submission_scores_zero_not_full_marks(course, graded):
    assert gradebook_score(course, "hs-khong-nop") == 0.0
