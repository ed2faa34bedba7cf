"""Other roads in: nbgrader's own exchange (release → fetch → submit → collect) and an LMS / shared-drive zip."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from graderkit import ASSIGNMENT, NOTEBOOK, hand_in, make_course, read_results, set_solution

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


def run(*args, cwd: Path):
    done = subprocess.run([sys.executable, "-m", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_nbgrader_exchange_collect_then_hocvuso_grade_marks_late(tmp_path):
    course = make_course(tmp_path / "course")
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + f"c.Exchange.root = {str(exchange)!r}\n")
    run("nbgrader", "release_assignment", ASSIGNMENT, cwd=course)

    def student_submits(student: str, body: str) -> None:
        home = tmp_path / student
        home.mkdir()
        (home / "nbgrader_config.py").write_text(config.read_text())
        run("nbgrader", "fetch_assignment", ASSIGNMENT, "--course", "thi", cwd=home)
        import nbformat

        path = home / ASSIGNMENT / NOTEBOOK
        nb = nbformat.read(path, as_version=4)
        set_solution(nb, "cau-1", "def tong(a, b):\n    " + body)
        set_solution(nb, "cau-2", "def la_so_chan(n):\n    return n % 2 == 0")
        nbformat.write(nb, path)
        run("nbgrader", "submit", ASSIGNMENT, "--course", "thi", "--student", student, cwd=home)

    student_submits("hs1", "return a + b")
    deadline = datetime.now(timezone.utc)
    student_submits("hs2", "return a + b")
    run("nbgrader", "collect", ASSIGNMENT, cwd=course)
    assert (course / "submitted" / "hs2" / ASSIGNMENT / "timestamp.txt").is_file()

    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "hocvuso", "grade", "--course", course, "--assignment", ASSIGNMENT,
                           "--submissions", course / "submitted", "--out", out, "--deadline", deadline.isoformat()],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = read_results(out)
    assert (results["hs1"]["score"], results["hs1"]["late"]) == ("5.0", "")  # code right, inbox not done
    assert (results["hs2"]["score"], results["hs2"]["late"]) == ("5.0", "late")
    assert "handed in late" in results["hs2"]["reason"]
    collected = course / "submitted" / "hs2" / ASSIGNMENT / NOTEBOOK
    assert results["hs2"]["sha256"] == hashlib.sha256(collected.read_bytes()).hexdigest()
    assert results["hs2"]["submitted_at"] == (collected.parent / "timestamp.txt").read_text().strip()


def test_a_zip_from_an_lms_feeds_hocvuso_grade_directly(tmp_path):
    course = make_course(tmp_path / "course")
    staging = tmp_path / "lms"
    hand_in(staging, course, "Lê Văn Cường")
    hand_in(staging, course, "Phạm Thu", tong="return a * b", inbox=None)
    archive = tmp_path / "tai-ve-tu-lms.zip"
    with zipfile.ZipFile(archive, "w") as zf:  # the LMS flattens: one STUDENT.ipynb per student
        for student in ("Lê Văn Cường", "Phạm Thu"):
            zf.write(staging / student / ASSIGNMENT / NOTEBOOK, f"{student}.ipynb")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "hocvuso", "grade", "--course", course, "--assignment", ASSIGNMENT,
                           "--submissions", archive, "--out", out], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = read_results(out)
    assert set(results) == {"Lê Văn Cường", "Phạm Thu"}
    for student in results:
        expected = hashlib.sha256((staging / student / ASSIGNMENT / NOTEBOOK).read_bytes()).hexdigest()
        assert results[student]["sha256"] == expected and results[student]["late"] == ""
    assert results["Lê Văn Cường"]["score"] == "5.0", "flat files carry no inbox answers: code only"
