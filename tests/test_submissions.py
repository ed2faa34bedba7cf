"""Submissions and stores: round trips, history kept, and clear errors for damaged files."""
from __future__ import annotations

import json

import pytest

from hocvuso.core import (
    FileStore,
    Learner,
    MemoryStore,
    SqlStore,
    Submission,
    SubmissionCorrupt,
    SubmissionNotFound,
    normalize_text,
)


def make(task="hop-thu", answers=None, learner=None):
    return Submission(task_id=task, kind="inbox", scenario_id="hop-thu-mau",
                      answers=answers if answers is not None else {"messages": {"m": {"verdict": "scam", "flags": []}}},
                      learner=learner)


LAN = Learner(class_code="LOP6A", name="Nguyễn Thị Lan", learner_id="lan-1")


@pytest.fixture(params=["memory", "file", "sql"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryStore()
    if request.param == "file":
        return FileStore(tmp_path)
    return SqlStore(f"sqlite:///{tmp_path}/class.sqlite")


def test_round_trip_and_latest_wins(store):
    store.save(make(answers={"messages": {}}))
    store.save(make(answers={"messages": {"m": {"verdict": "safe", "flags": []}}}))
    loaded = store.load("hop-thu")
    assert loaded.answers == {"messages": {"m": {"verdict": "safe", "flags": []}}}
    assert loaded.scenario_id == "hop-thu-mau" and loaded.kind == "inbox"


def test_missing_task_is_not_found(store):
    with pytest.raises(SubmissionNotFound):
        store.load("chua-lam")


def test_sql_store_keeps_every_save_and_the_learner(tmp_path):
    store = SqlStore(f"sqlite:///{tmp_path}/class.sqlite")
    store.save(make(learner=LAN))
    store.save(make(learner=LAN, answers={"messages": {}}))
    rows = store.rows()
    assert len(rows) == 2
    # answers only: scores come from the key
    assert rows[0]["learner_name"] == "Nguyễn Thị Lan" and "points" not in rows[0]
    assert store.load("hop-thu", learner=LAN).answers == {"messages": {}}
    other = Learner(class_code="LOP6A", name="Nguyễn Thị Lan", learner_id="lan-2")
    with pytest.raises(SubmissionNotFound):
        store.load("hop-thu", learner=other)
    # A second store on the same file sees the same rows: nothing lives only in memory.
    assert len(SqlStore(f"sqlite:///{tmp_path}/class.sqlite").rows()) == 2


def test_file_store_writes_json_beside_the_notebook(tmp_path):
    FileStore(tmp_path).save(make())
    path = tmp_path / "hop-thu.hocvuso.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["task_id"] == "hop-thu"
    assert not list(tmp_path.glob(".tmp-*")), "the atomic write must not leave temporary files"


@pytest.mark.parametrize("damage, fragment", [
    (lambda d: "{not json", "not valid JSON"),
    (lambda d: json.dumps(d)[: len(json.dumps(d)) // 2], "not valid JSON"),
    (lambda d: json.dumps({**d, "schema_version": 99}), "schema_version is 99"),
    (lambda d: json.dumps({**d, "score": 10}), "score"),
    (lambda d: json.dumps({k: v for k, v in d.items() if k != "answers"}), "answers"),
    (lambda d: json.dumps({**d, "answers": "all correct"}), "answers"),
    (lambda d: json.dumps({**d, "task_id": "../../etc"}), "not allowed"),
    (lambda d: json.dumps({**d, "task_id": "other-task"}), "expected 'hop-thu'"),
], ids=["garbage", "truncated", "unknown-version", "extra-field", "missing-answers", "answers-not-object",
        "path-in-task-id", "renamed-file"])
def test_damaged_or_hand_edited_file_names_the_file_and_problem(tmp_path, damage, fragment):
    store = FileStore(tmp_path)
    store.save(make())
    path = store.path_for("hop-thu")
    path.write_text(damage(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    with pytest.raises(SubmissionCorrupt) as info:
        store.load("hop-thu")
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_non_utf8_bytes_are_corrupt_not_a_crash(tmp_path):
    store = FileStore(tmp_path)
    store.path_for("hop-thu").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SubmissionCorrupt, match="hop-thu.hocvuso.json"):
        store.load("hop-thu")


def test_unsafe_task_ids_never_become_paths(tmp_path):
    with pytest.raises(ValueError, match="not allowed"):
        FileStore(tmp_path).path_for("../outside")


def test_typed_vietnamese_is_nfc_normalised():
    import unicodedata

    typed = unicodedata.normalize("NFD", "  Nguyễn   Thị  Lan ")
    assert typed != "Nguyễn Thị Lan"
    assert normalize_text(typed) == "Nguyễn Thị Lan"
