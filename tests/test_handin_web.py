"""The upload app over HTTP (`python -m hocvuso.handin`): hostile uploads refused, and the road to `hocvuso grade`.

End to end: two students upload, one twice, one after the deadline; `hocvuso grade` grades the right
versions, marks the late one, and results.csv carries the receipts' hashes.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest
import requests

from conftest import _wait_for_port, find_free_port
from graderkit import ASSIGNMENT, NOTEBOOK, hand_in, make_course, nbgrader, read_results, release_notebook, tree_digest

pytestmark = [pytest.mark.slow]
LIMIT_MB = 1


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("handin-web")
    course = make_course(root / "course")
    port = find_free_port()
    log = root / "handin.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "hocvuso.handin", "--course", str(course), "--host", "127.0.0.1",
                                 "--port", str(port), "--max-mb", str(LIMIT_MB), "--class-code", "LOP7A"],
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_port(port, proc, log, timeout=120)
        yield f"http://127.0.0.1:{port}/hv/nop-bai", course, root
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


class Student:
    """A browser-like session: reads the form's CSRF token, posts files."""

    def __init__(self, url: str) -> None:
        self.url, self.session = url, requests.Session()
        page = self.session.get(url, timeout=30)
        self.csrf = re.search(r'name="_hv_csrf" value="([^"]+)"', page.text).group(1)

    def upload(self, files: list[tuple[str, bytes]], *, name: str = "", contest_id: str = "", class_code: str = "LOP7A",
               lang: str = "vi") -> tuple[int, str, str]:
        """(status, receipt sha or "", error text or "")."""
        done = self.session.post(f"{self.url}?lang={lang}", timeout=60,
                                 data={"_hv_csrf": self.csrf, "name": name, "contest_id": contest_id,
                                       "class_code": class_code, "assignment": ASSIGNMENT},
                                 files=[("files", f) for f in files])
        sha = re.findall(r'hv-r-sha">([0-9a-f]{64})<', done.text)
        error = re.findall(r'class="hv-error" role="alert">([^<]+)<', done.text)
        return done.status_code, sha[0] if sha else "", error[0] if error else ""


def work_of(course: Path, tmp: Path, student: str, **kw) -> list[tuple[str, bytes]]:
    """A student's files (notebook + the inbox answers), made as in JupyterLab."""
    folder = hand_in(tmp, course, student, **kw)
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()]


def zip_of(entries) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------- hostile

def test_hostile_uploads_are_refused_with_a_reason_and_write_nothing(app, tmp_path):
    url, course, root = app
    nb = nbformat.writes(release_notebook(course)).encode()
    link = zipfile.ZipInfo("du-lieu.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
        "grade_id": "bai-khac", "grade": False, "solution": True, "locked": False, "schema_version": 3}})])
    cases = [
        ([("bai.zip", zip_of([(NOTEBOOK, nb), ("../../../tmp/evil.py", b"print(1)")]))], 400,
         "trỏ ra ngoài thư mục"),
        ([("bai.zip", zip_of([(zipfile.ZipInfo("/etc/cron.d/evil"), b"x"), (NOTEBOOK, nb)]))], 400,
         "trỏ ra ngoài thư mục"),
        ([("bai.zip", zip_of([(NOTEBOOK, nb), (link, b"/etc/passwd")]))], 400, "liên kết tượng trưng"),
        ([(NOTEBOOK, nb), ("video.mp4", os.urandom(LIMIT_MB * 1024 * 1024 + 200_000))], 413, "vượt giới hạn 1 MB"),
        ([(NOTEBOOK, b"MZ\x90\x00\x03 this is a program renamed")], 400, "đổi đuôi thành .ipynb"),
        ([(NOTEBOOK, nbformat.writes(other).encode())], 400, "sổ tay của một bài khác"),
    ]
    student = Student(url)
    before = tree_digest(root, skip=("handin.log",))
    for files, status, reason in cases:
        got, sha, error = student.upload(files, name="Mallory")
        assert (got, sha) == (status, ""), (files[0][0], got, error)
        assert reason in error, error
    assert tree_digest(root, skip=("handin.log",)) == before, "nothing written anywhere"
    assert not (course / "submitted").exists()
    assert not Path("/tmp/evil.py").exists()
    got, _sha, error = student.upload([(NOTEBOOK, b"{not json")], name="Mallory", lang="en")
    assert got == 400 and "is not a Jupyter notebook that can be read" in error
    got, _sha, error = student.upload([(NOTEBOOK, nb)], name="Mallory", class_code="NOPE")
    assert got == 400 and "Không có lớp nào với mã này" in error
    got, _sha, error = Student(url).upload([(NOTEBOOK, nb)], name="")  # no name, no contest id
    assert got == 400 and "họ tên hoặc số báo danh" in error
    forged = requests.post(url, data={"_hv_csrf": "x" * 24, "name": "A", "assignment": ASSIGNMENT},
                           files=[("files", (NOTEBOOK, nb))], timeout=30)
    assert forged.status_code == 403
    assert not (course / "submitted").exists()


# ---------------------------------------------------------------------------------------------- end to end

def hocvuso(*args):
    return subprocess.run([sys.executable, "-m", "hocvuso", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


def test_uploads_to_grades_right_versions_late_marks_and_receipt_hashes(app, tmp_path):
    url, course, root = app
    an, binh = Student(url), Student(url)
    status, an_v1, _ = an.upload(work_of(course, tmp_path / "a1", "x", tong="return a - b"), name="Nguyễn Văn An")
    assert status == 200 and an_v1
    due_v1 = datetime.now(timezone.utc)  # a deadline that only An's first version meets
    status, an_v2, _ = an.upload([("bai.zip", zip_of(work_of(course, tmp_path / "a2", "x")))], name="Nguyễn Văn An")
    assert status == 200 and an_v2 != an_v1
    deadline = datetime.now(timezone.utc)
    status, binh_sha, _ = binh.upload(work_of(course, tmp_path / "b", "x"), contest_id="TS-0042")  # after the deadline
    status2, an_v3, _ = an.upload(work_of(course, tmp_path / "a3", "x", chan="return True"), name="Nguyễn Văn An")
    assert status == status2 == 200

    out = root / "out"
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", course / "submitted",
                   "--out", out, "--workers", "2", "--deadline", deadline.isoformat())
    assert done.returncode == 0, done.stderr
    assert "late: 1" in done.stdout
    results = read_results(out)
    assert set(results) == {"Nguyễn Văn An", "TS-0042"}
    a, b = results["Nguyễn Văn An"], results["TS-0042"]
    assert (a["score"], a["status"], a["late"], a["version"], a["sha256"]) == ("10.0", "ok", "", "2", an_v2)
    assert "1 later upload(s) came after the deadline" in a["reason"]
    assert (b["score"], b["status"], b["late"], b["version"], b["sha256"]) == ("10.0", "ok", "late", "1", binh_sha)
    assert "handed in late" in b["reason"] and b["submitted_at"].endswith("UTC")
    header = (out / "results.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("student_id,assignment,score,max_score,status,reason,sha256")
    assert "Nộp muộn / Late" in next((out / "feedback").glob("TS-0042*")).read_text(encoding="utf-8")

    # The same hand-ins as a .zip (shared drive / LMS download), with the deadline now the course's due date.
    archive = tmp_path / "submitted.zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", course, "submitted")
    config = course / "nbgrader_config.py"
    stamp = due_v1.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    done = nbgrader(course, "db", "assignment", "add", ASSIGNMENT, f"--duedate={stamp}")
    assert done.returncode == 0 and config.exists(), done.stderr
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", archive,
                   "--out", root / "out-due", "--workers", "2")
    assert done.returncode == 0, done.stderr
    results = read_results(root / "out-due")
    a, b = results["Nguyễn Văn An"], results["TS-0042"]
    assert (a["score"], a["late"], a["version"], a["sha256"]) == ("8.0", "", "1", an_v1)  # tong = a - b: 1 of 3 cases
    assert "2 later upload(s)" in a["reason"]
    assert (b["late"], b["sha256"]) == ("late", binh_sha)
    # Without any deadline the latest version counts: An's third (intake alone; no need to grade again).
    from hocvuso.grader._intake import discover, fingerprint
    from hocvuso.grader._spec import load_spec

    found = {c.student_id: c for c in discover(archive, load_spec(course, ASSIGNMENT), tmp_path / "scratch")}
    latest = found["Nguyễn Văn An"]
    assert (latest.version, latest.late) == (3, False)
    assert fingerprint(list(latest.notebooks.values())) == an_v3
