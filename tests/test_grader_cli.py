"""`hocvuso grade`, `course init` and `assign` as a judge runs them: contract, layouts, exports, errors."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graderkit import ASSIGNMENT, NOTEBOOK, hand_in, make_course, read_results

pytestmark = [pytest.mark.slow]


def hocvuso(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "hocvuso", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    course = make_course(root / "course")
    sub = root / "submitted"
    hand_in(sub, course, "an")
    hand_in(sub, course, "Trần Thị Bé", tong="return a - b", inbox="wrong")
    hand_in(sub, course, "<img src=x onerror=alert(1)>")
    return root, course, sub


def test_grade_writes_the_contract_files(setup):
    root, course, sub = setup
    out = root / "out"
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", sub, "--out", out,
                   "--workers", "2")
    assert done.returncode == 0, done.stderr
    raw = (out / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("student_id,assignment,score,max_score,status,reason")
    results = read_results(out)
    assert set(results) == {"an", "Trần Thị Bé", "<img src=x onerror=alert(1)>"}
    assert results["an"]["score"] == "10.0" and results["an"]["max_score"] == "10.0"
    assert len(results["an"]["sha256"]) == 64
    sheet = load_workbook(out / "results.xlsx")["results"]
    assert [c.value for c in sheet[1]][:6] == ["student_id", "assignment", "score", "max_score", "status", "reason"]
    assert sheet.max_row == 4
    assert (out / "competences.csv").read_text(encoding="utf-8-sig").startswith("code,vi,en,students,mean_percent")
    board = (out / "leaderboard.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in board and "<img src=x" not in board
    pages = list((out / "feedback").glob("*.html"))
    assert len(pages) == 3
    page = next(p for p in pages if p.name.startswith("Tr")).read_text(encoding="utf-8")
    assert "Trường hợp ẩn / hidden case" in page and "tong(1, 2)" in page
    assert "(10, -4)" not in page and "10, -4" not in page, "hidden cases must not be revealed"


def test_zip_and_flat_layouts(setup, tmp_path):
    root, course, sub = setup
    archive = tmp_path / "nop-bai.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sub.rglob("*"):
            if path.is_file():
                zf.write(path, Path("submitted") / path.relative_to(sub))
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", archive,
                   "--out", tmp_path / "zip-out")
    assert done.returncode == 0, done.stderr
    assert read_results(tmp_path / "zip-out")["an"]["score"] == "10.0"

    flat = tmp_path / "flat"
    flat.mkdir()
    shutil.copy(sub / "an" / ASSIGNMENT / NOTEBOOK, flat / "hs an.ipynb")
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", flat,
                   "--out", tmp_path / "flat-out")
    assert done.returncode == 0, done.stderr
    row = read_results(tmp_path / "flat-out")["hs an"]
    assert row["status"] == "ok" and row["score"] == "5.0"  # code right; no answers file beside a flat notebook


@pytest.mark.parametrize("entry", ["../escape.ipynb", "/abs/escape.ipynb"])
def test_zip_with_escaping_paths_is_refused(setup, tmp_path, entry):
    _root, course, _sub = setup
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(entry, "{}")
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", archive,
                   "--out", tmp_path / "o")
    assert done.returncode != 0
    assert "outside the archive" in done.stderr
    assert not (tmp_path / "escape.ipynb").exists()


def test_bad_course_or_assignment_exits_non_zero_with_a_clear_message(setup, tmp_path):
    _root, course, sub = setup
    done = hocvuso("grade", "--course", tmp_path / "khong-co", "--assignment", ASSIGNMENT, "--submissions", sub)
    assert done.returncode != 0 and "course init" in done.stderr
    done = hocvuso("grade", "--course", course, "--assignment", "bai-khac", "--submissions", sub)
    assert done.returncode != 0 and "no assignment 'bai-khac'" in done.stderr and ASSIGNMENT in done.stderr
    assert "Traceback" not in done.stderr


def test_out_of_another_batch_is_refused(setup, tmp_path):
    _root, course, sub = setup
    out = tmp_path / "o"
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", sub, "--out", out)
    assert done.returncode == 0
    journal = out / ".hocvuso-journal.sqlite"
    import sqlite3

    with sqlite3.connect(journal) as db:
        db.execute("UPDATE batch SET value = 'x' WHERE key = 'fingerprint'")
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", sub, "--out", out)
    assert done.returncode != 0 and "another batch" in done.stderr


def test_course_init_then_assign_then_grade_a_bundled_lesson(tmp_path):
    course = tmp_path / "khoa-hoc"
    done = hocvuso("course", "init", course, "--assignment", "lua-dao-tin-nhan")
    assert done.returncode == 0, done.stderr
    assert (course / "source" / "lua-dao-tin-nhan" / "lua-dao-tin-nhan.ipynb").is_file()
    done = hocvuso("assign", "--course", course, "lua-dao-tin-nhan")
    assert done.returncode == 0, done.stderr
    release = course / "release" / "lua-dao-tin-nhan"
    sub = tmp_path / "submitted" / "hs-1" / "lua-dao-tin-nhan"
    shutil.copytree(release, sub)
    done = hocvuso("grade", "--course", course, "--assignment", "lua-dao-tin-nhan", "--submissions",
                   tmp_path / "submitted", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    row = read_results(tmp_path / "out")["hs-1"]
    assert row["status"] == "ok" and row["score"] == "0.0" and row["isolation"] == "no code run"
