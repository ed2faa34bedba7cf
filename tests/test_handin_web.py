"""The upload app over HTTP (`python -m hocvuso.handin`): hostile uploads refused, and the road to `hocvuso grade`.

A contest without the classroom: every student hands in with their contest id and the hand-in code the
judge printed (`python -m hocvuso.handin codes`). End to end: two students upload, one twice, one after
the deadline; `hocvuso grade` grades the right versions, marks the late one, and results.csv carries
the receipts' hashes.
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

from graderkit import ASSIGNMENT, NOTEBOOK, hand_in, make_course, nbgrader, read_results, release_notebook, tree_digest
from kit import find_free_port, wait_for_port

pytestmark = [pytest.mark.slow]
LIMIT_MB = 1
QUOTA_MB = 0.3
STUDENTS = ("MALLORY", "AN-01", "TS-0042", "QUOTA-1")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("handin-web")
    course = make_course(root / "course")
    port = find_free_port()
    log = root / "handin.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "hocvuso.handin", "--course", str(course), "--host", "127.0.0.1",
                                 "--port", str(port), "--max-mb", str(LIMIT_MB), "--student-quota-mb", str(QUOTA_MB)],
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, proc, log, timeout=120)
        yield f"http://127.0.0.1:{port}/hv/nop-bai", course, root
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


class Student:
    """A browser-like session: reads the form's CSRF token, posts files."""

    def __init__(self, url: str) -> None:
        self.url, self.session = url, requests.Session()
        page = self.session.get(url, timeout=30)
        self.csrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)

    def upload(self, files: list[tuple[str, bytes]], *, contest_id: str, code: str | None = None,
               lang: str = "vi") -> tuple[int, str, str]:
        """(status, receipt sha or "", error text or ""); `code` defaults to the student's own hand-in code."""
        done = self.session.post(f"{self.url}?lang={lang}", timeout=60,
                                 data={"_xsrf": self.csrf, "contest_id": contest_id,
                                       "handin_code": CODES.get(contest_id, "") if code is None else code,
                                       "assignment": ASSIGNMENT},
                                 files=[("files", f) for f in files])
        sha = re.findall(r'hv-r-sha">([0-9a-f]{64})<', done.text)
        error = re.findall(r'class="hv-error" role="alert">([^<]+)<', done.text)
        return done.status_code, sha[0] if sha else "", error[0] if error else ""


CODES: dict[str, str] = {}
"""Contest id → hand-in code, as printed by `python -m hocvuso.handin codes` (filled by the first test)."""


def make_codes(course: Path) -> None:
    """The judge prints the hand-in codes (CSV on stdout; only hashes stay in the course folder)."""
    done = subprocess.run([sys.executable, "-m", "hocvuso.handin", "codes", "--course", str(course), *STUDENTS],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "contest_id,handin_code" and len(lines) == len(STUDENTS) + 1
    CODES.update(line.split(",") for line in lines[1:])
    kept = (course / "handin-codes.json").read_text()
    assert stat.S_IMODE((course / "handin-codes.json").stat().st_mode) == 0o600
    assert not any(code.replace("-", "") in kept for code in CODES.values())


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
    got, _sha, error = student.upload([(NOTEBOOK, nb)], contest_id="MALLORY", code="ANYTHING")
    assert got == 403 and "ban giám khảo chưa tạo mã" in error  # no codes made yet: nobody hands in
    make_codes(course)
    before = tree_digest(root, skip=("handin.log", "handin-codes.json"))
    for files, status, reason in cases:
        got, sha, error = student.upload(files, contest_id="MALLORY")
        assert (got, sha) == (status, ""), (files[0][0], got, error)
        assert reason in error, error
    assert tree_digest(root, skip=("handin.log", "handin-codes.json")) == before, "nothing written anywhere"
    assert not (course / "submitted").exists()
    assert not Path("/tmp/evil.py").exists()
    got, _sha, error = student.upload([(NOTEBOOK, b"{not json")], contest_id="MALLORY", lang="en")
    assert got == 400 and "is not a Jupyter notebook that can be read" in error
    # Handing in as someone else: their contest id with my code, a typed name, nothing at all.
    for contest_id, code in (("AN-01", CODES["MALLORY"]), ("an-01", CODES["AN-01"].lower()), ("", "")):
        got, _sha, error = Student(url).upload([(NOTEBOOK, nb)], contest_id=contest_id, code=code)
        assert got == 403 and "không khớp" in error, (contest_id, got, error)
    forged = requests.post(url, data={"_xsrf": "x" * 24, "contest_id": "AN-01", "assignment": ASSIGNMENT},
                           files=[("files", (NOTEBOOK, nb))], timeout=30)
    assert forged.status_code == 403
    # Malformed requests are the sender's mistake (400), never a server error.
    assert requests.post(url, data="garbage", headers={"Content-Type": "text/plain"}, timeout=30).status_code == 400
    assert requests.post(url, data=b"--x\r\nbroken", timeout=30,
                         headers={"Content-Type": "multipart/form-data; boundary=x"}).status_code == 400
    assert requests.post(url, timeout=30, headers={"Content-Type": "multipart/form-data"}).status_code == 400
    assert not (course / "submitted").exists()


# ---------------------------------------------------------------------------------------------- end to end

def hocvuso(*args):
    return subprocess.run([sys.executable, "-m", "hocvuso", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


def test_uploads_to_grades_right_versions_late_marks_and_receipt_hashes(app, tmp_path):
    url, course, root = app
    an, binh = Student(url), Student(url)
    status, an_v1, _ = an.upload(work_of(course, tmp_path / "a1", "x", tong="return a - b"), contest_id="AN-01")
    assert status == 200 and an_v1
    due_v1 = datetime.now(timezone.utc)  # a deadline that only An's first version meets
    status, an_v2, _ = an.upload([("bai.zip", zip_of(work_of(course, tmp_path / "a2", "x")))], contest_id="AN-01")
    assert status == 200 and an_v2 != an_v1
    deadline = datetime.now(timezone.utc)
    status, binh_sha, _ = binh.upload(work_of(course, tmp_path / "b", "x"), contest_id="TS-0042")  # after the deadline
    status2, an_v3, _ = an.upload(work_of(course, tmp_path / "a3", "x", chan="return True"), contest_id="AN-01")
    assert status == status2 == 200

    out = root / "out"
    done = hocvuso("grade", "--course", course, "--assignment", ASSIGNMENT, "--submissions", course / "submitted",
                   "--out", out, "--workers", "2", "--deadline", deadline.isoformat())
    assert done.returncode == 0, done.stderr
    assert "late: 1" in done.stdout
    results = read_results(out)
    assert set(results) == {"AN-01", "TS-0042"}
    a, b = results["AN-01"], results["TS-0042"]
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
    a, b = results["AN-01"], results["TS-0042"]
    assert (a["score"], a["late"], a["version"], a["sha256"]) == ("8.0", "", "1", an_v1)  # tong = a - b: 1 of 3 cases
    assert "2 later upload(s)" in a["reason"]
    assert (b["late"], b["sha256"]) == ("late", binh_sha)
    # Without any deadline the latest version counts: An's third (intake alone; no need to grade again).
    from hocvuso.grader.judge._intake import discover
    from hocvuso.grader.judge._reading import fingerprint
    from hocvuso.grader.judge._spec import load_spec

    found = {c.student_id: c for c in discover(archive, load_spec(course, ASSIGNMENT), tmp_path / "scratch")}
    latest = found["AN-01"]
    assert (latest.version, latest.late) == (3, False)
    assert fingerprint(list(latest.notebooks.values())) == an_v3


def test_a_student_has_a_quota_and_files_are_stored_once(app, tmp_path):
    """Defect 6: uploads past a student's quota are refused; the latest version shares its files with
    the version it is (hard links), so a file is stored once."""
    url, course, _root = app
    if not CODES:
        make_codes(course)
    work = work_of(course, tmp_path / "q", "x")
    padded = [(n, data if not n.endswith(".ipynb") else _pad(data, 90_000)) for n, data in work]
    student, statuses = Student(url), []
    for _ in range(5):
        got, _sha, error = student.upload(padded, contest_id="QUOTA-1")
        statuses.append(got)
    assert statuses[:3] == [200] * 3 and statuses[-1] == 413 and "Dung lượng" in error, statuses
    folder = course / "submitted" / "QUOTA-1" / ASSIGNMENT
    latest = folder / NOTEBOOK
    assert latest.stat().st_nlink == 2, "the latest version is a link to its version folder's file, not a copy"
    from hocvuso.handin._web import stored_bytes

    assert stored_bytes(course / "submitted" / "QUOTA-1") <= QUOTA_MB * 1024 * 1024


def _pad(data: bytes, size: int) -> bytes:
    nb = nbformat.reads(data.decode(), as_version=4)
    nb.metadata["padding"] = "x" * size
    return nbformat.writes(nb).encode()
