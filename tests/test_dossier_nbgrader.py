"""Real nbgrader end to end on the graded dossier lesson (ho-so-khai-sinh).

generate_assignment → each student works the DossierPortal through its Python API in their submitted
folder (the widget persists the dossier beside the notebook) → autograde → the gradebook holds
hocvuso's own score; a student who never filed anything gets 0, not nbgrader's silent full marks.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from hocvuso.core import FileStore, load_exercise, score
from hocvuso.widgets import DossierPortal

from graderkit import lesson_course, nbgrader, submitted_folder

ASSIGNMENT = "ho-so-khai-sinh"
TASK, SCENARIO, POINTS = "ho-so-khai-sinh", "ks-be-an-nhien", 20.0

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A judge's course made the way a judge makes it: `hocvuso course init` + `hocvuso assign`."""
    return lesson_course(tmp_path_factory.mktemp("course"), ASSIGNMENT)


def file_dossier(portal: DossierPortal, *, mistakes: bool) -> None:
    """What a student does in the widget (the test reads the key to play a student who knows the answers)."""
    scenario, key = load_exercise(SCENARIO)
    portal.choose_portal("vneid-app")
    portal.sign_in(scenario.account.id_number, scenario.account.passcode)
    portal.choose_procedure(key.procedure, key.agencies[0])
    for field_id, value in key.fields.items():
        if mistakes and field_id == "birth_place":
            value = "Trạm y tế xã"                       # valid, but not what the card says
        portal.fill(field_id, value)
    portal.attach("giay-chung-sinh", "gcs-an-nhien-mo" if mistakes else "gcs-an-nhien")
    if not mistakes:
        portal.attach("giay-ket-hon", "ket-hon")
    portal.commit(True)
    if mistakes:
        portal.reply_to_staff(portal.phone_otp)         # reads the OTP out to the fake "staff"
    portal.enter_otp(portal.phone_otp)
    portal.pay()
    portal.submit()
    if not mistakes:
        for _ in range(3):
            portal.track()


def hand_in(course: Path, student: str, mistakes: bool | None) -> Path:
    folder = submitted_folder(course, student, ASSIGNMENT)
    if mistakes is not None:
        portal = DossierPortal(SCENARIO, task_id=TASK, mode="contest", store=FileStore(folder))
        file_dossier(portal, mistakes=mistakes)
    return folder


@pytest.fixture(scope="module")
def graded(course):
    folders = {
        "hs-hoan-hao": hand_in(course, "hs-hoan-hao", mistakes=False),
        "hs-co-loi": hand_in(course, "hs-co-loi", mistakes=True),
        "hs-khong-nop": hand_in(course, "hs-khong-nop", mistakes=None),
    }
    done = nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    return folders


def gradebook_score(course: Path, student: str) -> float:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission(ASSIGNMENT, student).score


def test_release_keeps_the_widget_and_the_grade_cell(course):
    text = (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")
    assert "DossierPortal(" in text and "grade(" in text and 'mode=\\"contest\\"' in text


def test_perfect_dossier_gets_full_marks(course, graded):
    assert gradebook_score(course, "hs-hoan-hao") == POINTS


def test_dossier_with_mistakes_gets_hocvuso_partial_score(course, graded):
    scenario, key = load_exercise(SCENARIO)
    persisted = FileStore(graded["hs-co-loi"]).load(TASK)
    result = score(scenario, key, persisted.answers)
    lost = {i.item_id for i in result.items if i.points < i.max_points}
    assert lost == {"field:birth_place", "document:giay-chung-sinh", "document:giay-ket-hon", "otp_safety", "tracked"}
    expected = result.scaled(POINTS)
    assert expected == round((23 - 6) / 23 * POINTS, 2)
    assert gradebook_score(course, "hs-co-loi") == pytest.approx(expected)


def test_missing_submission_scores_zero(course, graded):
    assert gradebook_score(course, "hs-khong-nop") == 0.0
