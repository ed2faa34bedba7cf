"""The no-code contest's dossier task: one variant per student, graded by `hocvuso grade` from the folder name.

The story: a judge builds the course from the source notebook (the key, with the seed, sits in the
hidden-test region of the grade cell `ho-so-diem`); each student opens the release, the
ContestDossier widget shows *their* family (people, numbers, order of choices decided by the
contest seed and their id), and they file the dossier through the widget's Python API. The grader
rebuilds each student's variant from the submission folder's name and scores the saved answers with
the same `score_dossier` as the lessons. Copying a classmate's answers does not pay.
"""
from __future__ import annotations

import ast
import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from hocvuso.contest import ContestDossier
from hocvuso.contest._dossier import load_bank, variant_exercise, variant_scenario, variant_values
from hocvuso.core import FileStore, MemoryStore, score
from hocvuso.core import validators as v
from hocvuso.grader.judge import grade_batch
from hocvuso.grader.judge._spec import load_spec

from graderkit import nbgrader, read_results

ROOT = Path(__file__).resolve().parents[1]
NAME = "thi-khong-code"
SOURCE = ROOT / "notebooks" / NAME / f"{NAME}.ipynb"
BANK = ROOT / "notebooks" / NAME / "de-thi" / "ho-so.json"
JUDGE = ROOT / "contest" / "judge" / "ho-so-thi.json"
POINTS = 12.0


def source_key() -> dict:
    """The dossier key literal of the judge's source notebook (what the grader reads)."""
    nb = nbformat.read(SOURCE, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ho-so-diem")
    call = ast.parse(cell.source).body[-1].value
    return ast.literal_eval(next(k.value for k in call.keywords if k.arg == "key"))


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("thi-ho-so") / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'thi'\nc.CourseDirectory.root = {str(root)!r}\n",
        encoding="utf-8")
    shutil.copytree(ROOT / "notebooks" / NAME, root / "source" / NAME)
    done = nbgrader(root, "generate_assignment", NAME, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def file_dossier(folder: Path, student: str) -> ContestDossier:
    """Open the release's widget as `student` (what MA_THI says) and file that variant's dossier perfectly.

    The test plays a perfect candidate: it reads the expected dossier from the judge's key, which
    the widget itself never holds.
    """
    portal = ContestDossier(folder / "de-thi" / "ho-so.json", task_id="ho-so", student=student,
                            store=FileStore(folder), seed=11, locale="vi")
    assert portal.mode == "contest" and portal._key is None
    scenario, key = variant_exercise(load_bank(folder / "de-thi" / "ho-so.json"), student, source_key())
    assert portal.scenario == scenario
    assert portal.choose_portal("dvcqg")
    assert portal.sign_in(scenario.account.id_number, scenario.account.passcode)
    portal.choose_procedure(key.procedure, key.agencies[0])
    for field_id, value in key.fields.items():
        assert portal.fill(field_id, value) == [], (field_id, value)
    for slot, files in key.documents.items():
        portal.attach(slot, files[0])
    portal.next_step()
    portal.next_step()
    portal.commit(True)
    portal.reply_to_staff("Em không gửi mã cho ai đâu ạ.")
    assert portal.enter_otp(portal.phone_otp)
    portal.pay()
    assert portal.submit().startswith("KS-")
    for _ in scenario.procedure(key.procedure).statuses[1:]:
        portal.track()
    assert portal.feedback == {}, "contest mode shows no feedback"
    assert score(scenario, key, portal.answers).points == score(scenario, key, portal.answers).max_points
    return portal


def hand_in(subs: Path, course: Path, student: str) -> Path:
    folder = subs / student / NAME
    shutil.copytree(course / "release" / NAME, folder)
    return folder


def test_two_ids_get_different_people_numbers_and_order_with_the_same_structure():
    bank, key = load_bank(BANK), source_key()
    a, ka = variant_exercise(bank, "hs-0001", key)
    b, kb = variant_exercise(bank, "hs-0002", key)
    assert variant_exercise(bank, "hs-0001", key) == (a, ka), "a variant is rebuilt identically"
    assert variant_scenario(bank, " hs-0001 ") == a, "ids are normalised like folder names"
    # different people and numbers
    assert a.situation.vi != b.situation.vi and a.account != b.account
    assert a.population["personal_id"] != b.population["personal_id"]
    for field in ("child_name", "child_birth_date", "other_parent_name", "other_parent_id", "phone"):
        assert ka.fields[field] != kb.fields[field], field
    # the same procedure, fields, document slots and kinds of traps
    assert (ka.procedure, ka.agencies, sorted(ka.fields), sorted(ka.documents)) == \
        (kb.procedure, kb.agencies, sorted(kb.fields), sorted(kb.documents))
    assert ka.fee == kb.fee == 0
    traps = lambda s: sorted((f.type, f.readable) for f in s.files)  # noqa: E731
    assert traps(a) == traps(b) and len(a.files) == 5
    assert sorted(p.id for p in a.portals.choices) == sorted(p.id for p in b.portals.choices)
    # the order of choices changes across a handful of ids
    orders = {tuple(f.type for f in variant_scenario(bank, f"hs-{i:04d}").files) for i in range(8)}
    portal_orders = {tuple(p.id for p in variant_scenario(bank, f"hs-{i:04d}").portals.choices) for i in range(8)}
    assert len(orders) > 1 and len(portal_orders) > 1


def test_every_variant_is_consistent_with_the_validators():
    bank, key = load_bank(BANK), source_key()
    for i in range(40):
        values = variant_values(bank, f"hs-{i:04d}")
        scenario, dkey = variant_exercise(bank, f"hs-{i:04d}", key)  # dossier_from_task checks every rule
        birth = values["ngay_sinh"]
        assert not v.check_personal_id(values["so_dinh_danh"], birth_date=birth,
                                       gender="nữ" if values["gioi_tinh"] == "nu" else "nam")[0]
        assert not v.check_mobile(values["sdt"])[0]
        assert v.check_province(values["tinh"])[1].full_name == dkey.fields["residence_province"]
        assert values["tinh_cu"] in scenario.situation.vi, "the old-province trap is in every variant"
        wrong_person = [f for f in scenario.files if f.type == "giay-chung-sinh" and f.readable
                        and f.about != dkey.fields["child_name"]]
        assert len(wrong_person) == 1, "the elder child's birth notice is in every variant"


def test_widget_route_is_contest_only_and_holds_no_key():
    from hocvuso.widgets import DossierPortal

    scenario = variant_scenario(load_bank(BANK), "hs-0001")
    with pytest.raises(ValueError):
        DossierPortal(scenario.id, task_id="ho-so", mode="lesson", scenario=scenario, store=MemoryStore())
    with pytest.raises(ValueError):
        DossierPortal("ks-be-an-nhien", task_id="ho-so", mode="contest", scenario=scenario, store=MemoryStore())
    portal = ContestDossier(BANK, task_id="ho-so", student="hs-0001", store=MemoryStore())
    assert portal._key is None and portal.scenario == scenario
    synced = json.dumps(portal.get_state(), default=str, ensure_ascii=False)
    assert "73519" not in synced and "mau-a" not in synced, "no seed, no template id in the browser"
    with pytest.raises(ValueError):  # the judge's file (key, seed) is refused as a public bank
        load_bank(JUDGE)


def test_hocvuso_grade_scores_each_variant_and_copying_does_not_pay(course, tmp_path):
    spec = load_spec(course, NAME)
    item = next(i for i in spec.items if i.grade_id == "ho-so-diem")
    assert item.kind == "variant" and item.points == POINTS and item.key["seed"] == 73519
    subs = tmp_path / "submitted"
    started = time.monotonic()
    file_dossier(hand_in(subs, course, "hs-0001"), "hs-0001")
    file_dossier(hand_in(subs, course, "hs-0002"), "hs-0002")
    # hs-0003 typed hs-0001's id and filed that variant perfectly
    file_dossier(hand_in(subs, course, "hs-0003"), "hs-0001")
    # hs-0004 handed in hs-0002's answers file
    copied = hand_in(subs, course, "hs-0004")
    shutil.copy(subs / "hs-0002" / NAME / "ho-so.hocvuso.json", copied / "ho-so.hocvuso.json")
    hand_in(subs, course, "hs-0005")  # handed in without answering
    print(f"\nfive submissions filed through the widget in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    summary = grade_batch(course=course, assignment=NAME, submissions=subs, out=tmp_path / "out", workers=2,
                          timeout=120)
    print(f"hocvuso grade: {time.monotonic() - started:.1f} s")
    results = read_results(tmp_path / "out")
    dossier = {s: _item(tmp_path / "out", s, "ho-so-diem") for s in results}
    print({s: (d["points"], d["note"]) for s, d in dossier.items()})
    assert summary.counts.get("ok") == 5 and all(r["status"] == "ok" for r in results.values())
    assert dossier["hs-0001"]["points"] == POINTS and dossier["hs-0002"]["points"] == POINTS
    assert dossier["hs-0003"]["points"] < POINTS / 2, "filing a classmate's variant loses the points"
    assert dossier["hs-0004"]["points"] < POINTS / 2, "a copied answers file loses the points"
    assert "hs-0002" in dossier["hs-0004"]["note"] and "hs-0001" in dossier["hs-0003"]["note"]
    assert dossier["hs-0005"]["points"] == 0 and results["hs-0005"]["score"] == "0.0"
    # inbox unanswered: the dossier is the whole score
    assert results["hs-0001"]["score"] == "12.0"
    competences = (tmp_path / "out" / "competences.csv").read_text(encoding="utf-8-sig")
    assert "2.3," in competences


def _item(out: Path, student: str, grade_id: str) -> dict:
    import sqlite3

    db = sqlite3.connect(out / ".hocvuso-journal.sqlite")
    record = json.loads(db.execute("SELECT record FROM grades WHERE student_id=?", (student,)).fetchone()[0])
    db.close()
    return next(i for i in record["items"] if i["grade_id"] == grade_id)


def test_release_holds_no_dossier_key_and_no_seed(course):
    folder = course / "release" / NAME
    blob = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())
    key = source_key()
    assert "73519" not in blob, "the contest seed is judge-only"
    assert "HIDDEN TESTS" not in blob
    assert "khai-sinh-lien-thong" not in blob and "ubnd-xa" not in blob, "the expected procedure and agency"
    for slot, files in key["documents"].items():  # which file belongs where
        assert f"{slot!r}: {files!r}" not in blob and f'"{slot}": {json.dumps(files)}' not in blob
    bank = json.loads((folder / "de-thi" / "ho-so.json").read_text(encoding="utf-8"))
    assert repr(key["fields"])[1:-1] not in blob and json.dumps(key["fields"], ensure_ascii=False)[1:-1] not in blob
    shown = {**bank["account"], **bank["population"]}  # the account's phone is public: it is on the card
    for field, template in key["fields"].items():  # e.g. 'residence_province': '{{tinh}}'
        if shown.get(field) != template:
            assert f"{field!r}: {template!r}" not in blob and f'"{field}": "{template}"' not in blob
    assert "key" not in bank and "seed" not in bank and bank["salt"]
    nb = nbformat.read(folder / f"{NAME}.ipynb", as_version=4)
    grade_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ho-so-diem")
    assert re.search(r"key=\{\s*\}\)", grade_cell.source), grade_cell.source
    assert bank == json.loads(BANK.read_text(encoding="utf-8"))
    for path in (ROOT / "contest").glob("*.py"):  # what ships in the wheel's hocvuso.contest
        assert "73519" not in path.read_text(encoding="utf-8"), path


def test_build_is_deterministic_and_committed_files_are_up_to_date(tmp_path, monkeypatch):
    """scripts/build_contests.py, run into a scratch folder, writes exactly the committed no-code contest."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_contests", ROOT / "scripts" / "build_contests.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    monkeypatch.setattr(build, "NOTEBOOKS", tmp_path)
    build.build_no_code()
    assert (tmp_path / NAME / f"{NAME}.ipynb").read_bytes() == SOURCE.read_bytes(), \
        "run scripts/build_contests.py and commit the result"
    assert (tmp_path / NAME / "de-thi" / "ho-so.json").read_bytes() == BANK.read_bytes()
