"""The lesson catalogue: competences for every lesson, guided lessons before graded ones, finished lessons marked.

Built from the real bundled notebooks and content, and a real SQLite store.
"""
from __future__ import annotations

import re

import pytest

from hocvuso.classroom import lesson_catalogue
from hocvuso.classroom._catalogue import finished_lessons, guided_first
from hocvuso.classroom._pages import catalogue_page
from hocvuso.core import Learner, SqlStore, Submission, kind_of, load_exercise


@pytest.fixture(scope="module")
def lessons():
    return lesson_catalogue()


def test_every_lesson_shows_its_competences(lessons):
    """Phone lessons name their codes per step: the card gathers them through the kinds registry."""
    for lesson in lessons:
        assert lesson.competences, f"{lesson.name} shows an empty competence list"
        assert len(set(lesson.competences)) == len(lesson.competences)
        expected: set[str] = set()
        for _task, scenario_id in lesson.tasks:
            scenario, _key = load_exercise(scenario_id)
            for codes in kind_of(scenario).item_competences(scenario).values():
                expected.update(codes)
        assert set(lesson.competences) == expected, lesson.name
    by_name = {lesson.name: lesson for lesson in lessons}
    # A step-level code of the payment lesson (4.1: protect money) reaches its card.
    assert "4.1" in by_name["thanh-toan-an-toan"].competences
    assert by_name["thu-tuc-giay-to-tuy-than"].tasks == (
        ("lam-lai-can-cuoc", "cc-mat-the"), ("doi-can-cuoc", "cc-sap-nhap"), ("ly-lich-du-hoc", "lltp-du-hoc"))


def test_guided_lessons_come_before_the_graded_task(lessons):
    ordered = [lesson.name for lesson in guided_first(lessons)]
    graded = ordered.index("ho-so-khai-sinh")
    for guided in ("thu-tuc-truc-tuyen", "thu-tuc-giay-to-tuy-than", "thu-tuc-khai-sinh-cu-tru"):
        assert ordered.index(guided) < graded
    assert all(lesson.contest for lesson in guided_first(lessons)[graded:])
    # The page follows that order whatever order it is given, and marks the graded task as such.
    html = catalogue_page(lessons=sorted(lessons, key=lambda lesson: lesson.name), locale="vi", learner=None,
                          csrf="t")
    shown = re.findall(r'<article class="hv-card hv-lesson[^"]*" data-lesson="([^"]+)"', html)
    assert shown == ordered
    card = html.split('data-lesson="ho-so-khai-sinh"')[1].split("</article>")[0]
    assert "Bài kiểm tra: không có gợi ý khi làm bài" in card


def _save(store: SqlStore, learner: Learner, task: str, scenario: str) -> None:
    kind = kind_of(load_exercise(scenario)[0]).id
    store.save(Submission(task_id=task, kind=kind, scenario_id=scenario, answers={}, learner=learner))


def test_a_lesson_is_finished_when_each_of_its_tasks_is_saved(lessons, tmp_path):
    store = SqlStore(f"sqlite:///{tmp_path / 'c.sqlite'}")
    lan = Learner(class_code="LOP1", name="Bà Lan", learner_id="LAN1")
    other = Learner(class_code="LOP1", name="Ông Tư", learner_id="TU22")
    elsewhere = Learner(class_code="LOP2", name="Bà Lan", learner_id="LAN1")
    three = next(lesson for lesson in lessons if lesson.name == "thu-tuc-giay-to-tuy-than")
    assert finished_lessons(lessons, store, lan) == set()
    for task, scenario in three.tasks[:2]:
        _save(store, lan, task, scenario)
    _save(store, lan, "hop-thu", "hop-thu-1")
    _save(store, other, *three.tasks[2])       # someone else's third task does not finish Lan's lesson
    _save(store, elsewhere, *three.tasks[2])   # nor does the same id in another class
    assert finished_lessons(lessons, store, lan) == {"lua-dao-tin-nhan"}
    _save(store, lan, *three.tasks[2])
    assert finished_lessons(lessons, store, lan) == {"lua-dao-tin-nhan", "thu-tuc-giay-to-tuy-than"}
    assert finished_lessons(lessons, store, other) == set()
    assert finished_lessons(lessons, store, None) == set()


@pytest.mark.parametrize(("locale", "done", "again", "start"), [("vi", "Đã hoàn thành", "Làm lại", "Bắt đầu"),
                                                                ("en", "Finished", "Open again", "Start")])
def test_the_page_marks_finished_lessons_in_words(lessons, locale, done, again, start):
    lan = Learner(class_code="LOP1", name="Bà Lan", learner_id="LAN1")
    html = catalogue_page(lessons=lessons, locale=locale, learner=lan, csrf="t", finished={"lua-dao-tin-nhan"})
    cards = {m.group(1): m.group(0) for m in
             re.finditer(r'<article class="hv-card hv-lesson[^"]*" data-lesson="([^"]+)".*?</article>', html)}
    finished = cards.pop("lua-dao-tin-nhan")
    assert f"✓ {done}" in finished and f"{again} ›" in finished and "hv-finished" in finished
    for name, card in cards.items():
        assert done not in card and "hv-finished" not in card, name
        assert f"{start} ›" in card, name
    # Signed out, nothing is marked even if a set is passed.
    assert done not in catalogue_page(lessons=lessons, locale=locale, learner=None, csrf="t",
                                      finished={"lua-dao-tin-nhan"})
