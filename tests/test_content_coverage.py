"""Coverage and reachability of the scam-inbox content.

* Every one of the Authority of Information Security's 24 forms of online fraud has at least two scam
  messages and at least one genuine look-alike tagged with it, in Vietnamese and English.
* Every message and inbox file is reachable: each message sits in an inbox that a lesson of the
  classroom catalogue serves, and each inbox is served (or listed below with the reason it is kept).
* The series "Mỗi tuần một kỹ năng số" is short inboxes (at most 8 messages, scams mixed with genuine
  ones) that together use every message, each served by its own lesson notebook, built from the
  inbox by scripts/build_series.py and up to date with it.

Pure and offline: reads content/ and the lesson notebooks (no kernel is started).
"""
from __future__ import annotations

import json
import re
import runpy
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import nbformat
import pytest

from hocvuso.classroom import lesson_catalogue
from hocvuso.core import load_fraud_forms, load_inbox
from hocvuso.core._content import content_root
from hocvuso.core.dossier import task_paths
from hocvuso.core.inbox import inbox_paths, load_message, message_paths
from hocvuso.core.phone import scenario_paths

ROOT = Path(__file__).resolve().parents[1]
MAX_MESSAGES = 8
SERIES = re.compile(r"^tuan-\d\d-[a-z0-9-]+$")
WIDGET = re.compile(r"\bScamInbox\(\s*[\"']([a-z0-9-]+)[\"']\s*,\s*task_id\s*=\s*[\"']([a-z0-9-]+)[\"']")
GRADE = re.compile(r"\bgrade\(\s*[\"']([a-z0-9-]+)[\"']\s*,\s*scenario\s*=\s*[\"']([a-z0-9-]+)[\"']")

UNSERVED_INBOXES = {
    "hop-thu-mau": "two-message sample the grader and package tests build their own notebooks with",
    "hop-thu-day-du": "every message in one list, for practice and for tests/test_content.py's key checks",
    "hop-thu-2": "the old week-two inbox, superseded by the series (all its messages are in it); kept only "
                 "while tests/test_content.py still checks its shape",
}
"""Inbox files no lesson serves, each with the reason it is kept. Any other unserved inbox is an orphan."""

LONG_INBOXES = {
    "hop-thu-1": "lua-dao-tin-nhan's 10 messages: saved answers, classroom tests and the nbgrader "
                 "end-to-end test refer to it by id, so it keeps its length",
    "hop-thu-2": "see UNSERVED_INBOXES",
    "hop-thu-day-du": "see UNSERVED_INBOXES",
}
"""Inboxes allowed more than MAX_MESSAGES messages, each with the reason."""


def _served(notebooks: list[Path]) -> dict[str, list[tuple[str, str, str]]]:
    """inbox id -> [(lesson, widget task id, grade cell's task id or "")] for every ScamInbox cell."""
    served: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for path in notebooks:
        cells = nbformat.read(path, as_version=4).cells
        code = "\n".join(c.source for c in cells if c.cell_type == "code")
        grades = {scenario: task for task, scenario in GRADE.findall(code)}
        for inbox_id, task in WIDGET.findall(code):
            served[inbox_id].append((path.parent.name, task, grades.get(inbox_id, "")))
    return served


def orphans(root: Path, notebooks: list[Path]) -> tuple[list[str], list[str]]:
    """(message files in no served inbox, inbox files neither served nor listed in UNSERVED_INBOXES)."""
    served = _served(notebooks)
    reached: set[str] = set()
    for inbox_id in served:
        scenario, _key = load_inbox(inbox_id, root=root)
        reached.update(m.id for m in scenario.messages)
    lonely_messages = [p.stem for p in message_paths(root) if p.stem not in reached]
    lonely_inboxes = [p.stem for p in inbox_paths(root) if p.stem not in served and p.stem not in UNSERVED_INBOXES]
    return lonely_messages, lonely_inboxes


@pytest.fixture(scope="module")
def messages():
    return {p.stem: load_message(p) for p in message_paths()}


@pytest.fixture(scope="module")
def catalogue():
    """The lesson notebooks the classroom catalogue lists: what a learner can actually open."""
    return [lesson.notebook for lesson in lesson_catalogue()]


# ---------------------------------------------------------------------------------------------
# The 24 forms


def test_every_ais_form_has_two_scams_and_a_genuine_lookalike(messages) -> None:
    ais = {form.id: form.ais for form in load_fraud_forms().values() if form.ais is not None}
    assert sorted(ais.values()) == list(range(1, 25)), "fraud_forms.yaml must number the AIS's 24 forms 1..24"
    counts: dict[str, Counter] = defaultdict(Counter)
    for msg, key in messages.values():
        counts[msg.form][key.verdict] += 1
    short = {f"{number} {form}": dict(counts[form]) for form, number in sorted(ais.items(), key=lambda i: i[1])
             if counts[form]["scam"] < 2 or counts[form]["safe"] < 1}
    assert not short, f"forms with fewer than 2 scams or no genuine look-alike: {short}"


def test_every_message_speaks_vietnamese_and_english(messages) -> None:
    """Schema aside (it refuses a missing locale), the two texts must really be two languages."""
    for message_id, (msg, key) in messages.items():
        parts = [key.explanation, key.action] + ([msg.body] if msg.body else [])
        parts += [msg.subject] if msg.subject else []
        for part in parts:
            assert part.vi.strip() and part.en.strip(), message_id
        for line in msg.transcript:
            assert line.vi.strip() and line.en.strip(), message_id
        assert key.explanation.vi != key.explanation.en and key.action.vi != key.action.en, \
            f"{message_id}: the English explanation is a copy of the Vietnamese"


# ---------------------------------------------------------------------------------------------
# Reachability


def test_every_message_and_inbox_is_reachable_from_the_catalogue(catalogue) -> None:
    lonely_messages, lonely_inboxes = orphans(content_root(), catalogue)
    assert not lonely_messages, f"messages no catalogue lesson shows (add them to an inbox a lesson serves): " \
                                f"{lonely_messages}"
    assert not lonely_inboxes, f"inboxes no lesson serves (serve them, delete them, or say why in " \
                               f"UNSERVED_INBOXES): {lonely_inboxes}"
    on_disk = {p.stem for p in inbox_paths()}
    assert set(UNSERVED_INBOXES) <= on_disk and set(LONG_INBOXES) <= on_disk, "stale exemption"


def test_an_orphan_message_or_inbox_is_caught(tmp_path: Path, catalogue) -> None:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root, ignore=shutil.ignore_patterns("__pycache__"))
    stray = (root / "messages" / "sms-tien-dien-that.yaml").read_text(encoding="utf-8")
    (root / "messages" / "sms-moi-chua-dung.yaml").write_text(
        stray.replace("id: sms-tien-dien-that", "id: sms-moi-chua-dung"), encoding="utf-8")
    (root / "inboxes" / "hop-thu-bo-quen.yaml").write_text(
        'id: hop-thu-bo-quen\ntitle: {vi: "A", en: "A"}\nintro: {vi: "B", en: "B"}\nmessages: [sms-moi-chua-dung]\n',
        encoding="utf-8")
    assert orphans(root, catalogue) == (["sms-moi-chua-dung"], ["hop-thu-bo-quen"])


def test_inboxes_are_short(catalogue) -> None:
    for path in inbox_paths():
        if path.stem not in LONG_INBOXES:
            scenario, _ = load_inbox(path.stem)
            assert len(scenario.messages) <= MAX_MESSAGES, f"{path.name}: {len(scenario.messages)} messages"


def test_each_lesson_grades_the_inbox_it_shows_under_its_own_task(catalogue) -> None:
    served = _served(catalogue)
    tasks = Counter()
    for inbox_id, uses in served.items():
        for lesson, task, graded_task in uses:
            assert graded_task == task, f"{lesson}: the grade cell does not grade inbox {inbox_id} as task {task}"
            tasks[task] += 1
    assert all(n == 1 for n in tasks.values()), f"two lessons save answers under one task id: {tasks}"


# ---------------------------------------------------------------------------------------------
# The series "Mỗi tuần một kỹ năng số"


def _series() -> list[str]:
    return sorted(p.stem for p in inbox_paths() if SERIES.match(p.stem))


def test_series_uses_every_message_once_in_short_mixed_weeks(messages) -> None:
    weeks = _series()
    assert len(weeks) >= 6
    seen: Counter = Counter()
    for inbox_id in weeks:
        scenario, key = load_inbox(inbox_id)
        verdicts = Counter(k.verdict for k in key.messages.values())
        assert len(scenario.messages) <= MAX_MESSAGES and verdicts["scam"] >= 2 and verdicts["safe"] >= 2, \
            f"{inbox_id}: {dict(verdicts)}"
        assert scenario.messages[0].level == 1, f"{inbox_id} should open with an easy message"
        seen.update(m.id for m in scenario.messages)
    assert set(seen) == set(messages), f"not in any week: {sorted(set(messages) - set(seen))}"
    assert max(seen.values()) == 1, f"in two weeks: {[m for m, n in seen.items() if n > 1]}"


def test_series_weeks_are_catalogue_lessons_in_order(catalogue) -> None:
    weeks = _series()
    names = [path.parent.name for path in catalogue]
    assert [n for n in names if SERIES.match(n)] == weeks, "each week is a lesson, listed in week order"
    served = _served(catalogue)
    for inbox_id in weeks:
        assert [lesson for lesson, _task, _graded in served[inbox_id]] == [inbox_id]


def test_series_notebooks_are_up_to_date_with_their_builder() -> None:
    builder = runpy.run_path(str(ROOT / "scripts" / "build_series.py"))
    for inbox_id in builder["series_inboxes"]():
        expected = nbformat.writes(builder["build"](inbox_id))
        on_disk = (ROOT / "notebooks" / inbox_id / f"{inbox_id}.ipynb").read_text(encoding="utf-8")
        assert json.loads(on_disk) == json.loads(expected), \
            f"notebooks/{inbox_id} is stale: run python scripts/build_series.py"


# ---------------------------------------------------------------------------------------------
# Dossier tasks and phone scenarios: every file a lesson the catalogue serves


DOSSIER_OR_PHONE = re.compile(r"\b(DossierPortal|PhoneSimulator)\(\s*[\"']([a-z0-9-]+)[\"']")


def kind_orphans(root: Path, notebooks: list[Path]) -> tuple[list[str], list[str]]:
    """(dossier task files, phone scenario files) that no catalogue lesson's widget opens."""
    used: dict[str, set[str]] = defaultdict(set)
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for widget, scenario_id in DOSSIER_OR_PHONE.findall(cell.source):
                    used[widget].add(scenario_id)
    return ([p.stem for p in task_paths(root) if p.stem not in used["DossierPortal"]],
            [p.stem for p in scenario_paths(root) if p.stem not in used["PhoneSimulator"]])


def test_every_dossier_task_and_phone_scenario_is_reachable_from_the_catalogue(catalogue) -> None:
    tasks, scenarios = kind_orphans(content_root(), catalogue)
    assert not tasks, f"dossier tasks no catalogue lesson opens (add a DossierPortal to a lesson): {tasks}"
    assert not scenarios, f"phone scenarios no catalogue lesson opens: {scenarios}"
    assert not any(p.parent.name.startswith("thi-") for p in catalogue), "a contest notebook is no lesson"


def test_an_orphan_dossier_task_or_phone_scenario_is_caught(tmp_path: Path, catalogue) -> None:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root, ignore=shutil.ignore_patterns("__pycache__"))
    for folder, source, stray in (("dossier_tasks", "ct-thue-tro", "ct-bo-quen"),
                                  ("scenarios", "thanh-toan-an-toan", "thanh-toan-bo-quen")):
        text = (root / folder / f"{source}.yaml").read_text(encoding="utf-8")
        (root / folder / f"{stray}.yaml").write_text(text.replace(f"id: {source}", f"id: {stray}"), encoding="utf-8")
    assert kind_orphans(root, catalogue) == (["ct-bo-quen"], ["thanh-toan-bo-quen"])
