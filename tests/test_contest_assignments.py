"""The three contest assignments, graded by `hocvuso grade` as a judge would, on synthetic submissions.

A course is made from the source notebooks in notebooks/thi-*/ (judge-only); students hand in the
*release* with their own code or answers. Expected scores are computed independently of the grader
(the cases are counted here, the inbox is scored with hocvuso.core's score on each student's variant).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from hocvuso.contest import make_dataset
from hocvuso.contest._inbox import load_bank, variant_exercise
from hocvuso.core import FileStore, load_competences
from hocvuso.grader.judge import grade_batch
from hocvuso.grader.judge._spec import load_spec

from graderkit import nbgrader, read_results

ROOT = Path(__file__).resolve().parents[1]
CONTESTS = ("thi-lap-trinh", "thi-ai", "thi-khong-code")
pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("thi") / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'thi'\nc.CourseDirectory.root = {str(root)!r}\n",
        encoding="utf-8")
    for name in CONTESTS:
        shutil.copytree(ROOT / "notebooks" / name, root / "source" / name)
        done = nbgrader(root, "generate_assignment", name, "--force")
        assert done.returncode == 0, done.stdout + done.stderr
    return root


def release(course: Path, name: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)


def set_cell(nb, grade_id: str, source: str):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
            return nb
    raise KeyError(grade_id)


def source_cell(name: str, grade_id: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / name / f"{name}.ipynb", as_version=4)
    text = next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return "\n".join(line for line in text.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def hand_in(subs: Path, course: Path, name: str, student: str, cells: dict[str, str]) -> Path:
    folder = subs / student / name
    shutil.copytree(course / "release" / name, folder)
    nb = release(course, name)
    for gid, text in cells.items():
        set_cell(nb, gid, text)
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def grade(course: Path, name: str, subs: Path, out: Path) -> dict[str, dict]:
    summary = grade_batch(course=course, assignment=name, submissions=subs, out=out, workers=2, timeout=120)
    assert summary.isolation in ("sandbox", "no code run")
    return read_results(out)


def items(out: Path, student: str) -> dict[str, dict]:
    import sqlite3

    db = sqlite3.connect(out / ".hocvuso-journal.sqlite")
    record = json.loads(db.execute("SELECT record FROM grades WHERE student_id=?", (student,)).fetchone()[0])
    db.close()
    return {i["grade_id"]: i for i in record["items"]}


# ------------------------------------------------------------------------------------------------ coding


def test_coding_contest_scores_perfect_partial_empty_wrong(course, tmp_path):
    name = "thi-lap-trinh"
    spec = load_spec(course, name)
    probes = {i.grade_id: i for i in spec.items if i.kind == "probe"}
    assert {g: len(i.cases) for g, i in probes.items()} == {"cau-1-kiem-tra": 20, "cau-2-kiem-tra": 21,
                                                          "cau-3-kiem-tra": 20}
    assert all(sum(not c.hidden for c in i.cases) == 3 for i in probes.values())
    solutions = {gid: source_cell(name, gid) for gid in ("cau-1", "cau-3", "cau-2")}
    subs = tmp_path / "submitted"
    hand_in(subs, course, name, "hoan-hao", solutions)
    hand_in(subs, course, name, "mot-phan", {**solutions, "cau-2": "def chuan_hoa_so_dien_thoai(chuoi):\n"
                                                                    "    return '+84' + chuoi[1:]"})
    hand_in(subs, course, name, "bo-trong", {})
    hand_in(subs, course, name, "sai-het", {
        "cau-1": "def so_dinh_danh_hop_le(so, nam_sinh, gioi_tinh):\n    return True",
        "cau-2": "def chuan_hoa_so_dien_thoai(chuoi):\n    return None",
        "cau-3": "def phan_loai_ten_mien(dia_chi, chinh_thuc):\n    return 'gia_mao'"})
    results = grade(course, name, subs, tmp_path / "out")

    def by_constant(gid, value):  # what a function returning `value` always earns, counted here
        cases = probes[gid].cases
        return round(probes[gid].points * sum(c.expected == value and type(c.expected) is type(value)
                                               for c in cases) / len(cases), 2)

    assert results["hoan-hao"]["score"] == "20.0" and results["hoan-hao"]["status"] == "ok"
    assert results["bo-trong"]["score"] == "0.0"
    wrong = (by_constant("cau-1-kiem-tra", True) + by_constant("cau-2-kiem-tra", None)
             + by_constant("cau-3-kiem-tra", "gia_mao"))
    assert float(results["sai-het"]["score"]) == pytest.approx(wrong, abs=0.02) and 0 < wrong < 10
    partial = items(tmp_path / "out", "mot-phan")
    assert partial["cau-1-kiem-tra"]["points"] == 6 and partial["cau-3-kiem-tra"]["points"] == 8
    assert 0 < partial["cau-2-kiem-tra"]["points"] < 6
    assert 14 < float(results["mot-phan"]["score"]) < 20
    competences = (tmp_path / "out" / "competences.csv").read_text(encoding="utf-8-sig")
    assert "3.4," in competences and "4.2," in competences


# ------------------------------------------------------------------------------------------------ AI


BASELINE = """from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

mo_hinh = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
mo_hinh.fit(X_train, y_train)


def phan_loai(texts):
    return mo_hinh.predict(texts)
"""

MEMORISER = """nho = dict(zip(X_train, y_train))


def phan_loai(texts):
    return [nho.get(t, "scam") for t in texts]
"""


def test_ai_contest_scores_by_hidden_f1(course, tmp_path):
    name = "thi-ai"
    spec = load_spec(course, name)
    model = next(i for i in spec.items if i.kind == "model")
    assert model.model["data"]["seed"] == 90210 and len(model.cases[0].args[0]) == 600
    assert next(i for i in spec.items if i.kind == "manual").points == 5
    subs = tmp_path / "submitted"
    hand_in(subs, course, name, "giai-tot", {"mo-hinh": source_cell(name, "mo-hinh")})
    hand_in(subs, course, name, "co-ban", {"mo-hinh": BASELINE})
    hand_in(subs, course, name, "hoc-vet", {"mo-hinh": MEMORISER})
    hand_in(subs, course, name, "bo-trong", {})
    hand_in(subs, course, name, "sai-kieu", {"mo-hinh": "def phan_loai(texts):\n    return ['scam']"})
    results = grade(course, name, subs, tmp_path / "out")
    assert {r["max_score"] for r in results.values()} == {"15.0"}
    f1 = {s: items(tmp_path / "out", s)["mo-hinh-kiem-tra"]["lines"][0]["f1"] for s in results}
    print(f"\nhidden-set F1: {f1}")
    assert 0.75 < f1["co-ban"] < 0.93, "the plain TF-IDF + LR baseline must land between baseline and target"
    assert f1["giai-tot"] > f1["co-ban"]
    assert f1["hoc-vet"] < 0.75 and float(results["hoc-vet"]["score"]) == 0.0
    assert 3 < float(results["co-ban"]["score"]) < 10
    assert float(results["giai-tot"]["score"]) > float(results["co-ban"]["score"])
    assert results["bo-trong"]["score"] == "0.0" and results["sai-kieu"]["score"] == "0.0"
    assert "manual" in results["co-ban"]["reason"]
    competences = (tmp_path / "out" / "competences.csv").read_text(encoding="utf-8-sig")
    assert "6.2," in competences and "6.3," in competences


# ------------------------------------------------------------------------------------------------ no code


def answer(folder: Path, student: str, *, perfect_for: str | None = None, wrong: bool = False) -> None:
    """Answer the inbox through the widget, as `student` (perfectly for `perfect_for`'s variant)."""
    from hocvuso.contest._inbox import ContestInbox

    bank = load_bank(folder / "de-thi" / "hop-thu.json")
    key = source_key()
    inbox = ContestInbox(folder / "de-thi" / "hop-thu.json", task_id="hop-thu", student=student,
                         store=FileStore(folder))
    _scenario, variant_key = variant_exercise(bank, perfect_for or student, key)
    own, _own_key = variant_exercise(bank, student, key)
    for message_id, message_key in variant_key.messages.items():
        verdict = message_key.verdict
        if wrong:
            verdict = "safe" if verdict == "scam" else "scam"
        flags = list(message_key.red_flags) if verdict == "scam" and not wrong else []
        # The student's own message offers its short flag list: a classmate's flag it does not offer cannot
        # be ticked on this phone.
        inbox.answer(message_id, verdict, [f for f in flags if f in own.message(message_id).offered])


def source_key() -> dict:
    import ast

    nb = nbformat.read(ROOT / "notebooks" / "thi-khong-code" / "thi-khong-code.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "hop-thu-diem")
    call = ast.parse(cell.source).body[-1].value
    return ast.literal_eval(next(k.value for k in call.keywords if k.arg == "key"))


def test_variants_differ_are_equivalent_and_copying_does_not_pay(course, tmp_path):
    name = "thi-khong-code"
    bank = load_bank(course / "release" / name / "de-thi" / "hop-thu.json")
    key = source_key()
    a, b = variant_exercise(bank, "hs-0001", key), variant_exercise(bank, "hs-0002", key)
    texts = lambda s: [m.body.vi for m in s[0].messages]  # noqa: E731
    assert texts(a) != texts(b), "two ids must get different items or order"
    assert sorted(m.form for m in a[0].messages) == sorted(m.form for m in b[0].messages)
    flags = [sorted(len(k.red_flags) for k in variant[1].messages.values()) for variant in (a, b)]
    assert flags[0] == flags[1]
    assert variant_exercise(bank, "hs-0001", key)[0] == a[0], "a variant is rebuilt identically"

    subs = tmp_path / "submitted"
    for student, kwargs in {"hs-0001": {}, "hs-0002": {}, "hs-0003": {"perfect_for": "hs-0001"},
                            "hs-0004": {"wrong": True}}.items():
        folder = hand_in(subs, course, name, student, {})
        answer(folder, student, **kwargs)
    copied = hand_in(subs, course, name, "hs-0005", {})
    shutil.copy(subs / "hs-0001" / name / "hop-thu.hocvuso.json", copied / "hop-thu.hocvuso.json")
    hand_in(subs, course, name, "hs-0006", {})  # handed in without answering
    results = grade(course, name, subs, tmp_path / "out")
    assert results["hs-0001"]["score"] == "16.0" and results["hs-0002"]["score"] == "16.0"
    assert float(results["hs-0003"]["score"]) < 16, "answering a classmate's variant loses points"
    assert float(results["hs-0005"]["score"]) < 16, "a copied answers file loses points"
    assert "hs-0001" in results["hs-0005"]["reason"], "the judge is told whose variant was answered"
    assert results["hs-0004"]["score"] == "0.0" and results["hs-0006"]["score"] == "0.0"
    assert all(r["status"] == "ok" for r in results.values())
    competences = (tmp_path / "out" / "competences.csv").read_text(encoding="utf-8-sig")
    assert "4.2," in competences and set(load_competences()) >= {"4.2", "2.3", "1.2"}


# ------------------------------------------------------------------------------------------------ secrets


def test_release_holds_no_hidden_test_no_key_no_hidden_data(course):
    hidden_texts = [s.text for s in make_dataset(split="hidden", seed=90210, n=600)[:50]]
    for name in CONTESTS:
        folder = course / "release" / name
        blob = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())
        assert "HIDDEN TESTS" not in blob and "BEGIN SOLUTION" not in blob
        assert "90210" not in blob, "the hidden set's seed is judge-only"
        assert not any(t in blob for t in hidden_texts)
        for item in load_spec(course, name).items:
            for case in item.cases:
                if case.hidden and item.kind == "probe":
                    assert repr(case.args) not in blob
    bank = json.loads((course / "release" / "thi-khong-code" / "de-thi" / "hop-thu.json").read_text(encoding="utf-8"))
    assert not re.search(r'"(key|verdict|red_flags)"', json.dumps(bank))
    nb = release(course, "thi-khong-code")
    grade_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "hop-thu-diem")
    assert re.search(r"key=\{\s*\}\)", grade_cell.source), grade_cell.source


def test_installed_package_holds_no_contest_key(tmp_path):
    """The wheel (what a student can import) has no contest notebook, no judge data, no key."""
    import zipfile

    out = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True)
    (wheel,) = out.glob("hocvuso-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert "hocvuso/contest/_sms.py" in names and "hocvuso/contest/_inbox.py" in names
    code = "hocvuso/grader/judge/"  # the judges' grading code (Python only), not judge-only data
    assert not [n for n in names if "/thi-" in n or ("/judge/" in n and not n.startswith(code))], \
        "judge-only files in the wheel"
    assert all(n.endswith(".py") for n in names if n.startswith(code)), "only code in the grader's judge package"
    key = source_key()
    hidden_phrase = json.loads((ROOT / "contest" / "judge" / "sms-hidden.json").read_text(encoding="utf-8"))
    sample = hidden_phrase["subtle-scam"]["phrasings"][0][:40]
    for member in names:
        text = archive.read(member).decode("utf-8", errors="replace")
        assert "90210" not in text or member.endswith((".png", ".whl")), member
        assert sample not in text, member
        assert "BEGIN HIDDEN TESTS" not in text or member.startswith("hocvuso/grader/"), member
        assert not any(f'"{item}": [' in text or f"'{item}': [" in text for item in key), member
