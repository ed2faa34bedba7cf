"""Handing in, without a server: validation, hostile zips, versions, receipts, deadlines, late choice."""
from __future__ import annotations

import io
import json
import stat
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from hocvuso.grader._errors import GraderError
from hocvuso.grader._errors import UploadRefused as Refused
from hocvuso.grader.judge import clean_student, course_due_date, find_receipt, hand_in, parse_deadline, parse_timestamp
from hocvuso.grader.judge._reading import fingerprint
from hocvuso.grader.judge._versions import Version, choose, format_timestamp, versions_of

from graderkit import (
    ASSIGNMENT,
    NOTEBOOK,
    make_course,
    nbgrader,
    release_notebook,
    set_solution,
    tree_digest,
    zip_lying_about_size,
)

UTC = timezone.utc


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("handin") / "course")


def notebook_bytes(course: Path, body: str = "return a + b") -> bytes:
    nb = release_notebook(course)
    set_solution(nb, "cau-1", "def tong(a, b):\n    " + body)
    return nbformat.writes(nb).encode("utf-8")


def zip_of(entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


# ---------------------------------------------------------------------------------------------- time

def test_deadline_without_zone_is_vietnam_time_and_timestamps_round_trip():
    assert parse_deadline("2025-03-01 17:00") == datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    assert parse_deadline("2025-03-01T17:00+00:00") == datetime(2025, 3, 1, 17, 0, tzinfo=UTC)
    assert parse_deadline("2025-03-01T10:00Z") == datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    with pytest.raises(GraderError, match="not a date"):
        parse_deadline("next friday")
    moment = datetime(2025, 3, 1, 9, 59, 59, 123456, tzinfo=UTC)
    assert format_timestamp(moment) == "2025-03-01 09:59:59.123456 UTC"  # nbgrader's own format
    assert parse_timestamp(format_timestamp(moment)) == moment
    assert parse_timestamp("2025-03-01 16:59:59.123456 +0700") == moment.replace(microsecond=123456)
    assert parse_timestamp("") is None and parse_timestamp("garbage") is None


def test_choose_last_on_time_else_last_marked_late():
    deadline = datetime(2025, 3, 1, 10, tzinfo=UTC)
    v = [Version(Path(f"v{i}"), i, deadline + timedelta(minutes=m)) for i, m in ((1, -30), (2, -5), (3, 20))]
    assert choose(v, None).version.number == 3 and not choose(v, None).late
    picked = choose(v, deadline)
    assert picked.version.number == 2 and not picked.late and picked.skipped_late == 1
    assert "1 later upload(s) came after the deadline" in picked.note(deadline)
    late = choose(v[2:], deadline)
    assert late.late and late.late_by == timedelta(minutes=20)
    assert "handed in late: 2025-03-01 10:20:00.000000 UTC, 20 min after the deadline" in late.note(deadline)
    plain = choose([Version(Path("x"), 0, None)], deadline)  # a zip from an LMS: time unknown, never late
    assert not plain.late


def test_course_due_date_comes_from_the_nbgrader_gradebook(course, tmp_path):
    import shutil

    copy = tmp_path / "c"
    shutil.copytree(course, copy)
    config = copy / "nbgrader_config.py"  # the course's config names its own root: point it at the copy
    config.write_text(config.read_text().replace(str(course), str(copy)))
    assert course_due_date(copy, ASSIGNMENT) is None
    done = nbgrader(copy, "db", "assignment", "add", ASSIGNMENT, "--duedate=2025-03-01 17:00:00 Asia/Ho_Chi_Minh")
    assert done.returncode == 0, done.stderr
    assert course_due_date(copy, ASSIGNMENT) == datetime(2025, 3, 1, 10, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------- identity

def test_student_folder_names_are_safe():
    assert clean_student("  Nguyễn   Văn An ") == "Nguyễn Văn An"
    assert clean_student("Ngu\u0301yen") == "Ngúyen"  # NFC
    assert clean_student("../../etc", "") == "-..-etc"
    assert clean_student("x", "TS-0042") == "TS-0042"
    for bad in ("../x", "a/b", ".hidden", "x" * 41):
        with pytest.raises(Refused):
            clean_student("", bad)
    with pytest.raises(Refused) as info:
        clean_student("  ", "")
    assert info.value.reason("vi") == "Hãy nhập họ tên hoặc số báo danh của bạn."


# ---------------------------------------------------------------------------------------------- hostile uploads

def _refused(course: Path, tmp_path: Path, uploads, code: str, **kw) -> Refused:
    submitted = tmp_path / "sub"
    before = tree_digest(tmp_path)
    with pytest.raises(Refused) as info:
        hand_in(course, ASSIGNMENT, uploads, name="Mallory", submitted=submitted, **kw)
    assert info.value.code == code, info.value
    assert tree_digest(tmp_path) == before, "a refused upload writes nothing"
    assert not submitted.exists()
    assert info.value.reason("vi") != info.value.reason("en"), "the reason is given in Vietnamese too"
    return info.value


def test_zip_with_parent_paths_is_refused(course, tmp_path):
    nb = notebook_bytes(course)
    err = _refused(course, tmp_path, [("bai.zip", zip_of([(NOTEBOOK, nb), ("../../evil.py", b"x")]))], "unsafe_path")
    assert "../../evil.py" in err.reason("en")
    _refused(course, tmp_path, [("bai.zip", zip_of([("a/../../b.ipynb", nb)]))], "unsafe_path")
    _refused(course, tmp_path, [("bai.zip", zip_of([("..\\..\\w.ipynb", nb)]))], "unsafe_path")


def test_zip_with_absolute_paths_is_refused(course, tmp_path):
    nb = notebook_bytes(course)
    _refused(course, tmp_path, [("bai.zip", zip_of([(zipfile.ZipInfo("/etc/cron.d/x"), b"x"), (NOTEBOOK, nb)]))],
             "unsafe_path")
    _refused(course, tmp_path, [("bai.zip", zip_of([("C:/Windows/x.ipynb", nb)]))], "unsafe_path")


def test_zip_with_a_symlink_is_refused(course, tmp_path):
    nb = notebook_bytes(course)
    _refused(course, tmp_path, [("bai.zip", zip_of([(NOTEBOOK, nb), symlink_entry("data.csv", "/etc/passwd")]))],
             "symlink")


def test_over_the_size_limit_is_refused(course, tmp_path):
    nb = notebook_bytes(course)
    _refused(course, tmp_path, [(NOTEBOOK, nb), ("big.bin", b"\0" * 3000)], "too_big", max_bytes=len(nb) + 100)
    # A zip bomb: small archive, large declared content.
    bomb = zip_of([(NOTEBOOK, nb), ("zeros.bin", b"\0" * 5_000_000)])
    assert len(bomb) < 50_000
    _refused(course, tmp_path, [("bai.zip", bomb)], "too_big", max_bytes=1_000_000)


def test_a_zip_lying_about_its_sizes_is_refused_before_anything_is_kept(course, tmp_path):
    """The one unzip rule (shared with the batch's intake): a bomb declaring a small size stops where its
    declaration ends (its data then fail their checksum), and a size declared over the limit is refused
    before a byte is read."""
    nb = notebook_bytes(course)
    small_lie = zip_lying_about_size([(NOTEBOOK, nb), ("zeros.bin", b"\0" * 5_000_000)], {"zeros.bin": 1000})
    assert len(small_lie) < 50_000
    _refused(course, tmp_path, [("bai.zip", small_lie)], "bad_zip", max_bytes=1_000_000)
    big_claim = zip_lying_about_size([(NOTEBOOK, nb), ("note.txt", b"x")], {"note.txt": 3_000_000_000})
    err = _refused(course, tmp_path, [("bai.zip", big_claim)], "too_big", max_bytes=1_000_000)
    assert "limit of 1 MB" in err.reason("en"), err.reason("en")


def test_a_renamed_non_notebook_is_refused(course, tmp_path):
    _refused(course, tmp_path, [(NOTEBOOK, b"\x89PNG\r\n\x1a\n not a notebook")], "not_notebook")
    _refused(course, tmp_path, [(NOTEBOOK, b"")], "not_notebook")
    _refused(course, tmp_path, [], "no_file")
    _refused(course, tmp_path, [(NOTEBOOK, b'{"cells": [}')], "not_notebook")
    _refused(course, tmp_path, [("bai.zip", b"PK\x03\x04 broken")], "bad_zip")


def test_a_notebook_of_another_assignment_is_refused(course, tmp_path):
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x = 1", metadata={"nbgrader": {"grade_id": "khac-1", "grade": False, "solution": True, "locked": False,
                                        "schema_version": 3, "task": False}})])
    err = _refused(course, tmp_path, [(NOTEBOOK, nbformat.writes(other).encode())], "other_assignment")
    assert "bai-thi" in err.reason("vi")
    _refused(course, tmp_path, [("ghi-chu.txt", b"hello")], "no_notebook")


# ---------------------------------------------------------------------------------------------- storing

def test_every_upload_is_a_new_version_with_its_receipt(course, tmp_path):
    submitted = tmp_path / "submitted"
    first = hand_in(course, ASSIGNMENT, [("bai-thi (1).ipynb", notebook_bytes(course, "return a - b"))],
                    name="Lan", submitted=submitted)
    second = hand_in(course, ASSIGNMENT, [("bai.zip", zip_of([(f"{ASSIGNMENT}/{NOTEBOOK}", notebook_bytes(course)),
                                                              (f"{ASSIGNMENT}/du-lieu.csv", b"a,b\n")]))],
                     name="Lan", submitted=submitted)
    folder = submitted / "Lan" / ASSIGNMENT
    versions = versions_of(folder)
    assert [v.number for v in versions] == [1, 2] and (first.version, second.version) == (1, 2)
    assert first.sha256 != second.sha256
    # Receipt hash == the grader's fingerprint of the stored notebook == SHA-256 of the bytes received.
    assert first.sha256 == fingerprint([versions[0].folder / NOTEBOOK])
    assert second.sha256 == fingerprint([versions[1].folder / NOTEBOOK])
    assert (versions[1].folder / "du-lieu.csv").read_bytes() == b"a,b\n"
    assert (folder / NOTEBOOK).read_bytes() == (versions[1].folder / NOTEBOOK).read_bytes(), "top level = latest"
    assert parse_timestamp((folder / "timestamp.txt").read_text()) == versions[1].submitted_at
    assert json.loads((versions[0].folder / "hocvuso-receipt.json").read_text())["sha256"] == first.sha256
    assert find_receipt(submitted, second.receipt_id) == second
    assert find_receipt(submitted, "0" * 32) is None and find_receipt(submitted, "../x") is None
    text = second.to_text("vi")
    assert "Biên nhận nộp bài" in text and second.sha256 in text and "du-lieu.csv" in text


def test_late_upload_against_the_due_date_and_tamper_warning(course, tmp_path):
    due = datetime(2025, 3, 1, 10, tzinfo=UTC)
    nb = release_notebook(course)
    nb.cells[2].source += "\n# changed"
    receipt = hand_in(course, ASSIGNMENT, [(NOTEBOOK, nbformat.writes(nb).encode())], contest_id="TS-7",
                      submitted=tmp_path / "s", deadline=due, received_at=due + timedelta(hours=2))
    assert receipt.late and receipt.deadline == "2025-03-01 10:00:00.000000 UTC"
    assert any("locked cell cau-1-kiem-tra was changed" in w for w in receipt.warnings)


def test_a_folder_from_nbgrader_collect_becomes_version_one_before_an_upload(course, tmp_path):
    submitted = tmp_path / "submitted"
    folder = submitted / "hs1" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_bytes(notebook_bytes(course, "return 0"))
    (folder / "timestamp.txt").write_text("2025-03-01 09:00:00.000000 UTC")
    hand_in(course, ASSIGNMENT, [(NOTEBOOK, notebook_bytes(course))], name="hs1", submitted=submitted)
    versions = versions_of(folder)
    assert [v.number for v in versions] == [1, 2]
    assert b"return 0" in (versions[0].folder / NOTEBOOK).read_bytes(), "the collected hand-in is kept"
    assert versions[0].submitted_at == datetime(2025, 3, 1, 9, tzinfo=UTC)


def test_the_classroom_mounts_the_upload_page_only_for_a_course(monkeypatch, course):
    from hocvuso.handin import routes_from_env

    monkeypatch.delenv("HOCVUSO_COURSE", raising=False)
    assert routes_from_env("/") == []
    monkeypatch.setenv("HOCVUSO_COURSE", str(course))
    monkeypatch.setenv("HOCVUSO_HANDIN_MAX_MB", "2")
    rules = routes_from_env("/base/")
    assert [r.regex.pattern for r in rules] == ["/base/hv/nop-bai$",
                                                r"/base/hv/nop-bai/bien-nhan/([0-9a-f]{32})\.(txt|json)$"]
    assert rules[0].kwargs["site"].max_bytes == 2 * 1024 * 1024 and rules[0].kwargs["site"].course == course.resolve()
