"""Intake under attack: every student the judge handed in gets exactly one row, whatever the folder or zip holds.

Each attack is built for real on disk (symbolic links, FIFOs, dot folders, Unicode twins, names that are
not UTF-8, zip entries that are links, climb out with '..', repeat or unpack too big) and graded by the
real `hocvuso grade` or `grade_batch`. The widget-only lesson keeps these batches fast (no code to run);
the relative-path test uses the coding contest, whose code runs in the sandbox.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hocvuso.grader.judge import _intake, grade_batch

from graderkit import ASSIGNMENT, hand_in, lesson_course, make_course, read_results, zip_lying_about_size

pytestmark = [pytest.mark.slow]
LESSON = "lua-dao-tin-nhan"
NOTEBOOK = f"{LESSON}.ipynb"
EXPORTS = ("results.csv", "results.xlsx", "competences.csv", "leaderboard.html")


def hocvuso(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "hocvuso", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


BOOK_OF_RECORD = ("gradebook.db", "autograded")
"""What a batch writes into the course on purpose (nbgrader's gradebook and autograded/ notebooks)."""


def snapshot(*roots: Path) -> dict[str, str]:
    """Every entry under `roots`, links and FIFOs included, without following any link (the course's
    book of record, which grading fills on purpose, left out)."""
    found = {}
    for root in roots:
        for folder, dirs, files in os.walk(root, followlinks=False):
            if Path(folder) == root:
                dirs[:] = [d for d in dirs if d not in BOOK_OF_RECORD]
            for name in dirs + files:
                if Path(folder) == root and name.startswith(BOOK_OF_RECORD):
                    continue
                path = os.path.join(folder, name)
                info = os.lstat(path)
                if os.path.islink(path):
                    found[path] = "link:" + os.readlink(path)
                elif os.path.isfile(path):
                    with open(path, "rb") as fh:
                        found[path] = hashlib.sha256(fh.read()).hexdigest()
                else:
                    found[path] = f"mode:{info.st_mode:o}"
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return lesson_course(tmp_path_factory.mktemp("intake") / "course", LESSON)


def student(submitted: Path, name: str | bytes, course: Path) -> Path:
    """A student folder holding an untouched copy of the release (graded `ok`, 0 points: nothing answered)."""
    base = os.fsencode(submitted) + b"/" + (name if isinstance(name, bytes) else name.encode("utf-8"))
    folder = Path(os.fsdecode(base)) / LESSON
    shutil.copytree(course / "release" / LESSON, folder)
    return folder


def exports_ok(out: Path, rows: int) -> None:
    for name in EXPORTS:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert len(list((out / "feedback").glob("*.html"))) == rows
    book = load_workbook(out / "results.xlsx")
    assert book["results"].max_row == rows + 1


FORMULA_ID = '=HYPERLINK("evil.example","bam vao day")'
NFC_NAME = unicodedata.normalize("NFC", "Ngô Bảo")
NFD_NAME = unicodedata.normalize("NFD", "Ngô Bảo")


@pytest.fixture(scope="module")
def folder_batch(course):
    root = course.parent
    sub = root / "submitted"
    sub.mkdir()
    for name in ("an", ".an", ".hocvuso-journal", NFC_NAME, NFD_NAME, "an\u200b", "bi ", "x\u202egnp.exe",
                 "hs\x1b[31m", FORMULA_ID, "+cmd", "@SUM(1)", "-2+3"):
        student(sub, name, course)
    student(sub, b"hs-\xff", course)  # a name that is not UTF-8
    os.symlink(sub / "an", sub / "link-to-an")  # a student folder that is another's
    linked = sub / "nb-link" / LESSON
    linked.mkdir(parents=True)
    os.symlink(course / "source" / LESSON / NOTEBOOK, linked / NOTEBOOK)  # the judge's source notebook
    (sub / "folder-link").mkdir()
    os.symlink(course / "source" / LESSON, sub / "folder-link" / LESSON)
    fifo = sub / "fifo" / LESSON
    fifo.mkdir(parents=True)
    os.mkfifo(fifo / NOTEBOOK)  # opening it to read would block the batch forever
    os.symlink("/etc/hostname", student(sub, "answers-link", course) / "hop-thu.hocvuso.json")  # a link for answers
    os.mkfifo(student(sub, "answers-fifo", course) / "hop-thu.hocvuso.json")
    os.mkfifo(student(sub, "timestamp-fifo", course) / "timestamp.txt")  # nbgrader's hand-in time, as a pipe
    (sub / ".ipynb_checkpoints").mkdir()  # Jupyter's leftovers: nobody's submission
    (sub / "README.txt").write_text("danh sách lớp", encoding="utf-8")
    before = snapshot(course, sub)
    done = hocvuso("grade", "--course", course, "--assignment", LESSON, "--submissions", sub, "--out", root / "out")
    return sub, root / "out", done, before


def test_every_student_gets_exactly_one_row(folder_batch):
    _sub, out, done, _before = folder_batch
    assert done.returncode == 0, done.stderr
    rows = read_results(out)
    expected = {"an", ".an", ".hocvuso-journal", NFC_NAME, NFD_NAME, "an\\u200b", "bi ", "x\\u202egnp.exe",
                "hs\\x1b[31m", "'" + FORMULA_ID, "'+cmd", "'@SUM(1)", "'-2+3", "hs-\\xff", "link-to-an", "nb-link",
                "folder-link", "fifo", "answers-link", "answers-fifo", "timestamp-fifo"}
    assert set(rows) == expected
    with sqlite3.connect(out / ".hocvuso-journal.sqlite") as db:
        assert db.execute("SELECT count(*) FROM grades").fetchone()[0] == len(expected)
    exports_ok(out, len(expected))


def test_dot_folders_are_students(folder_batch):
    rows = read_results(folder_batch[1])
    assert rows[".an"]["status"] == "ok" and rows[".hocvuso-journal"]["status"] == "ok"


def test_a_fifo_for_the_hand_in_time_is_not_a_hang(folder_batch):
    row = read_results(folder_batch[1])["timestamp-fifo"]
    assert row["status"] == "ok" and row["submitted_at"] == ""


def test_links_are_invalid_and_never_quoted(folder_batch):
    sub, out, _done, _before = folder_batch
    rows = read_results(out)
    for name in ("link-to-an", "nb-link", "folder-link"):
        assert rows[name]["status"] == "invalid" and "symbolic link" in rows[name]["reason"], rows[name]
        assert str(sub.parent) not in rows[name]["reason"] and "source" not in rows[name]["reason"]
    assert rows["an"]["status"] == "ok", "the real folder is graded once, as itself"


def test_a_fifo_notebook_is_invalid_not_a_hang(folder_batch):
    row = read_results(folder_batch[1])["fifo"]
    assert row["status"] == "invalid" and "not a regular file" in row["reason"]


def test_answers_files_are_read_without_following_links_or_blocking(folder_batch):
    rows = read_results(folder_batch[1])
    assert rows["answers-link"]["status"] == "invalid" and "symbolic link" in rows["answers-link"]["reason"]
    assert "/etc" not in rows["answers-link"]["reason"]
    assert rows["answers-fifo"]["status"] == "invalid" and "not a regular file" in rows["answers-fifo"]["reason"]


def test_unicode_twins_are_both_invalid(folder_batch):
    rows = read_results(folder_batch[1])
    for name in (NFC_NAME, NFD_NAME):
        assert rows[name]["status"] == "invalid" and "normalised" in rows[name]["reason"], rows[name]


@pytest.mark.parametrize("shown", ["an\\u200b", "bi ", "x\\u202egnp.exe", "hs\\x1b[31m"])
def test_look_alike_ids_are_graded_and_flagged(folder_batch, shown):
    row = read_results(folder_batch[1])[shown]
    assert row["status"] == "ok"
    assert "invisible, direction or control characters" in row["reason"] and "check who this is" in row["reason"]


def test_a_name_that_is_not_utf8_is_graded_and_shown(folder_batch):
    assert read_results(folder_batch[1])["hs-\\xff"]["status"] == "ok"


def test_formula_ids_are_defused_in_csv_and_xlsx(folder_batch):
    out = folder_batch[1]
    rows = read_results(out)
    assert rows["'" + FORMULA_ID]["status"] == "ok"
    sheet = load_workbook(out / "results.xlsx")["results"]
    cells = {c.value: c for c in sheet["A"][1:]}
    for text in (FORMULA_ID, "+cmd", "@SUM(1)", "-2+3"):
        cell = cells[text]
        assert cell.data_type == "s" and cell.quotePrefix, text  # text shown as typed, never evaluated
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert all(isinstance(c.value, (int, float)) and c.data_type == "n" for c in sheet["C"][1:]), "scores stay numbers"
    board = (out / "leaderboard.html").read_text(encoding="utf-8")
    assert "\x1b" not in board and "\u202e" not in board and "hs\\x1b[31m" in board


def test_nothing_outside_the_out_folder_changed(folder_batch, course):
    sub, _out, _done, before = folder_batch
    assert snapshot(course, sub) == before


def test_a_stray_notebook_beside_student_folders_is_refused(course, tmp_path):
    sub = tmp_path / "submitted"
    student(sub, "an", course)
    shutil.copy(course / "release" / LESSON / NOTEBOOK, sub / "stray.ipynb")
    done = hocvuso("grade", "--course", course, "--assignment", LESSON, "--submissions", sub, "--out", tmp_path / "o")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "'stray.ipynb'" in done.stderr and "'an/'" in done.stderr and "run again" in done.stderr
    assert not (tmp_path / "o" / "results.csv").exists()


def zip_entry(zf: zipfile.ZipFile, name: str, data: bytes = b"", *, mode: int = 0o100644) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    zf.writestr(info, data)


def test_bad_zip_entries_make_only_their_students_invalid(course, tmp_path, monkeypatch):
    monkeypatch.setattr(_intake, "MAX_ZIP_FILE_BYTES", 1024 * 1024)
    release = course / "release" / LESSON
    archive = tmp_path / "nop-bai.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for who in ("an", "bi", "cu", "dung", "em", NFC_NAME, NFD_NAME):
            for path in sorted(release.rglob("*")):
                if path.is_file():
                    zf.write(path, f"submitted/{who}/{LESSON}/{path.relative_to(release)}")
        zip_entry(zf, f"submitted/bi/{LESSON}/../../../../escape.txt", b"x")  # zip-slip
        zip_entry(zf, f"submitted/cu/{LESSON}/data.csv", b"/etc/passwd", mode=0o120777)  # a link
        zip_entry(zf, f"submitted/dung/{LESSON}/zeros.bin", b"\0" * (5 * 1024 * 1024))  # bigger than the bound
        zip_entry(zf, f"submitted/em/{LESSON}/fifo", b"", mode=0o010644)  # a device / pipe
        zip_entry(zf, f"submitted/giang/{LESSON}/{NOTEBOOK}", b"{}", mode=0o120777)  # only a link: still a row
    before = snapshot(course, tmp_path)
    summary = grade_batch(course=course, assignment=LESSON, submissions=archive, out=tmp_path / "out")
    rows = read_results(tmp_path / "out")
    assert set(rows) == {"an", "bi", "cu", "dung", "em", "giang", NFC_NAME, NFD_NAME}
    assert rows["an"]["status"] == "ok"
    for who, words in {"bi": "outside its folder", "cu": "symbolic link", "dung": "more than 1 MB",
                       "em": "not a plain file", "giang": "symbolic link"}.items():
        assert rows[who]["status"] == "invalid" and words in rows[who]["reason"], rows[who]
    assert rows[NFC_NAME]["status"] == rows[NFD_NAME]["status"] == "invalid"
    assert summary.counts == {"ok": 1, "invalid": 7}
    assert not (tmp_path.parent / "escape.txt").exists() and not any(tmp_path.parent.parent.glob("escape.txt"))
    exports_ok(tmp_path / "out", 8)
    after = snapshot(course, tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith(str(tmp_path / "out"))} == before


def test_a_zip_lying_about_its_sizes_makes_only_its_students_invalid(course, tmp_path, monkeypatch):
    """The one unzip rule (shared with the upload page): an entry declaring less than it holds stops where
    its declaration ends and fails its checksum; one declaring more than the bound is refused unread."""
    monkeypatch.setattr(_intake, "MAX_ZIP_FILE_BYTES", 1024 * 1024)
    release = course / "release" / LESSON
    entries = [(f"submitted/{who}/{LESSON}/{path.relative_to(release)}", path.read_bytes())
               for who in ("an", "lo", "to") for path in sorted(release.rglob("*")) if path.is_file()]
    entries += [(f"submitted/lo/{LESSON}/zeros.bin", b"\0" * (20 * 1024 * 1024)),
                (f"submitted/to/{LESSON}/note.txt", b"tiny")]
    archive = tmp_path / "nop-bai.zip"
    archive.write_bytes(zip_lying_about_size(entries, {f"submitted/lo/{LESSON}/zeros.bin": 1000,
                                                       f"submitted/to/{LESSON}/note.txt": 3_000_000_000}))
    assert archive.stat().st_size < 200_000
    grade_batch(course=course, assignment=LESSON, submissions=archive, out=tmp_path / "out")
    rows = read_results(tmp_path / "out")
    assert rows["an"]["status"] == "ok", rows["an"]
    assert rows["lo"]["status"] == "invalid" and "cannot be unpacked" in rows["lo"]["reason"], rows["lo"]
    assert rows["to"]["status"] == "invalid" and "more than 1 MB" in rows["to"]["reason"], rows["to"]
    exports_ok(tmp_path / "out", 3)


def test_relative_paths_work_and_an_absolute_rerun_continues(tmp_path):
    course = make_course(tmp_path / "khoa-thi")
    sub = tmp_path / "nop"
    hand_in(sub, course, "an")
    hand_in(sub, course, "bi", tong="return a - b")
    shutil.make_archive(str(tmp_path / "bai"), "zip", sub)
    done = hocvuso("grade", "--course", "./khoa-thi", "--assignment", ASSIGNMENT, "--submissions", "./bai.zip",
                   "--out", "./ket-qua", "--workers", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = read_results(tmp_path / "ket-qua")
    assert rows["an"]["status"] == "ok" and rows["an"]["score"] == "10.0", rows["an"]
    assert rows["bi"]["status"] == "ok" and rows["bi"]["score"] == "8.0", rows["bi"]
    again = hocvuso("grade", "--course", tmp_path / "khoa-thi", "--assignment", ASSIGNMENT, "--submissions",
                    tmp_path / "bai.zip", "--out", tmp_path / "ket-qua")
    assert again.returncode == 0, again.stderr
    assert "0 graded now, 2 already graded" in again.stdout


def test_a_notebook_swapped_for_a_link_while_grading_is_never_graded_as_the_link(tmp_path):
    """TOCTOU: a notebook keeps changing between the student's own (wrong) file and a link to a perfect
    one; the grade is always of bytes read once without following a link, never of the perfect notebook."""
    import threading

    course = make_course(tmp_path / "course")
    sub = tmp_path / "submitted"
    perfect = hand_in(tmp_path / "elsewhere", course, "perfect") / f"{ASSIGNMENT}.ipynb"
    for who in ("control", "s1", "s2", "s3"):
        hand_in(sub, course, who, tong="return 0", chan="return True", inbox="wrong")
    own = (sub / "control" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()
    stop = threading.Event()

    def swap(path: Path) -> None:
        while not stop.is_set():
            os.symlink(perfect, path.with_name(".link"))
            os.replace(path.with_name(".link"), path)
            path.with_name(".own").write_bytes(own)
            os.replace(path.with_name(".own"), path)

    threads = [threading.Thread(target=swap, args=(sub / who / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",), daemon=True)
               for who in ("s1", "s2", "s3")]
    for thread in threads:
        thread.start()
    try:
        grade_batch(course=course, assignment=ASSIGNMENT, submissions=sub, out=tmp_path / "out", workers=2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    rows = read_results(tmp_path / "out")
    control = rows["control"]
    assert control["status"] == "ok" and float(control["score"]) < 10
    for who in ("s1", "s2", "s3"):
        row = rows[who]
        assert row["status"] in ("ok", "invalid"), row
        if row["status"] == "ok":
            assert row["score"] == control["score"] and row["sha256"] == control["sha256"], row
        else:
            assert "symbolic link" in row["reason"] and str(tmp_path) not in row["reason"], row


def test_students_inside_a_wrapping_folder_are_found(course, tmp_path):
    """`zip -r nop-bai.zip nop-bai/`: the students are one level down; none may become one 'missing' row."""
    holder = tmp_path / "holder"
    for who in ("an", "bi"):
        shutil.copytree(course / "release" / LESSON, holder / "nop-bai" / who / LESSON)
    archive = shutil.make_archive(str(tmp_path / "nop-bai"), "zip", holder, "nop-bai")
    for given in (archive, holder):  # the zip, and the folder that holds the wrapper
        out = tmp_path / f"out-{Path(given).name}"
        grade_batch(course=course, assignment=LESSON, submissions=given, out=out)
        assert {k: v["status"] for k, v in read_results(out).items()} == {"an": "ok", "bi": "ok"}


def test_flat_notebooks_links_pipes_and_dot_files_each_get_their_row(course, tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    release = course / "release" / LESSON / NOTEBOOK
    for who in ("an", ".an"):
        shutil.copy(release, flat / f"{who}.ipynb")
    os.symlink(course / "source" / LESSON / NOTEBOOK, flat / "link.ipynb")
    os.mkfifo(flat / "pipe.ipynb")
    (flat / ".ipynb_checkpoints").mkdir()
    shutil.copy(release, flat / ".ipynb_checkpoints" / "an-checkpoint.ipynb")
    grade_batch(course=course, assignment=LESSON, submissions=flat, out=tmp_path / "out")
    rows = read_results(tmp_path / "out")
    assert {k: v["status"] for k, v in rows.items()} == {"an": "ok", ".an": "ok", "link": "invalid", "pipe": "invalid"}
    assert "symbolic link" in rows["link"]["reason"] and "source" not in rows["link"]["reason"]
    assert "not a regular file" in rows["pipe"]["reason"]


def _without_utf8_flag(archive: Path) -> None:
    """Clear the 'names are UTF-8' flag in every header, as many zip tools write Vietnamese names."""
    import struct

    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        offsets, start = [i.header_offset for i in zf.infolist()], zf.start_dir
    for offset in offsets:
        flags = struct.unpack_from("<H", data, offset + 6)[0]
        struct.pack_into("<H", data, offset + 6, flags & ~0x800)
    while data[start:start + 4] == b"PK\x01\x02":
        flags = struct.unpack_from("<H", data, start + 8)[0]
        struct.pack_into("<H", data, start + 8, flags & ~0x800)
        start += 46 + sum(struct.unpack_from("<HHH", data, start + 28))
    archive.write_bytes(bytes(data))


def test_unflagged_utf8_names_in_a_zip_and_an_out_folder_among_the_submissions(course, tmp_path):
    release = course / "release" / LESSON
    archive = tmp_path / "nop.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(release.rglob("*")):
            if path.is_file():
                zf.write(path, f"Nguyễn Văn An/{LESSON}/{path.relative_to(release)}")
    _without_utf8_flag(archive)
    with zipfile.ZipFile(archive) as zf:
        assert not any("Nguyễn" in n for n in zf.namelist()), "the zip really reads as cp437 without help"
    grade_batch(course=course, assignment=LESSON, submissions=archive, out=tmp_path / "out")
    assert set(read_results(tmp_path / "out")) == {"Nguyễn Văn An"}

    sub = tmp_path / "submitted"
    student(sub, "an", course)
    for _ in range(2):  # the second run sees the results folder among the students: still not a student
        grade_batch(course=course, assignment=LESSON, submissions=sub, out=sub / "ket-qua")
        assert set(read_results(sub / "ket-qua")) == {"an"}
