"""Exports and the journal against hostile text: every file is written, nothing in it is live or hidden.

Student ids and reasons carry control characters, bidi overrides, lone surrogates (names that were not
UTF-8), HTML and spreadsheet formulas. results.csv, results.xlsx, competences.csv, the feedback pages and
the leaderboard must all be written and well-formed; formula-like cells are text; scores stay numbers.
The journal keeps only real grades: a row the grader's machinery failed is regraded on the next run.
"""
from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hocvuso.grader._errors import GraderError
from hocvuso.grader.judge._export import write_all
from hocvuso.grader.judge._record import GradeRecord, Journal, visible
from hocvuso.grader.judge._spec import AssignmentSpec

HOSTILE_IDS = ['=HYPERLINK("http://evil.example","bấm")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tan", "\rbi",
               "hs\x1b[31m", "x\u202egnp.exe", "bad\udcff", "<script>alert(1)</script>", "Nguyễn Văn An"]
REASON = "ValueError: \x00\x07 bad\r\nline \u202eevil\u202c <b>bold</b> \udc80"


def record(student_id: str, **kw) -> GradeRecord:
    item = {"grade_id": "cau-1", "kind": "probe", "points": 1.0, "max_points": 3.0, "competences": [],
            "note": "1/3 cases passed \x1b[0m",
            "lines": [{"case": 1, "passed": False, "hidden": False, "call": "tong(1, 2)", "expected": "3",
                       "got": "'\x1b]0;pwned\x07<img src=x>'"}]}
    values = dict(student_id=student_id, assignment="bai-thi", score=1.0, max_score=10.0, status="error",
                  reason=REASON, sha256="0" * 64, items=[item])
    return GradeRecord(**{**values, **kw})


@pytest.fixture()
def spec(tmp_path):
    return AssignmentSpec(name="bai-thi", notebooks={}, release_dir=str(tmp_path))


def test_visible_shows_hidden_characters_and_keeps_vietnamese():
    assert visible("Nguyễn Văn An") == "Nguyễn Văn An"
    assert visible("a\x1bb\u202ec\u200bd\udcffe") == "a\\x1bb\\u202ec\\u200bd\\udcffe"
    assert visible("x\ny\tz") == "x\\ny\\tz"


def test_every_export_is_written_and_defused(tmp_path, spec):
    records = [record(i) for i in HOSTILE_IDS]
    write_all(tmp_path, spec, records)

    with (tmp_path / "results.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    ids = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"bấm\")" in ids and "'+cmd|' /C calc'!A0" in ids
    assert "'-2+3" in ids and "'@SUM(1)" in ids and "\\tan" in ids and "\\rbi" in ids
    assert "hs\\x1b[31m" in ids and "x\\u202egnp.exe" in ids and "bad\\udcff" in ids and "Nguyễn Văn An" in ids
    assert all(r[2] == "1.0" and r[3] == "10.0" for r in rows[1:]), "scores stay plain numbers"
    raw = (tmp_path / "results.csv").read_text(encoding="utf-8-sig")
    assert not any(ch in raw for ch in "\x00\x07\x1b\u202e\r"), "no hidden character reaches the CSV"

    book = load_workbook(tmp_path / "results.xlsx")
    sheet = book["results"]
    assert sheet.max_row == len(HOSTILE_IDS) + 1
    cells = {c.value: c for c in sheet["A"][1:]}
    for text in ('=HYPERLINK("http://evil.example","bấm")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row), "no formula anywhere"
    assert all(c.data_type == "n" for c in sheet["C"][1:]), "scores stay numbers"

    assert (tmp_path / "competences.csv").is_file()
    pages = sorted((tmp_path / "feedback").glob("*.html"))
    assert len(pages) == len(HOSTILE_IDS)
    for page in [*pages, tmp_path / "leaderboard.html"]:
        html = page.read_text(encoding="utf-8")
        assert not any(ch in html for ch in "\x00\x07\x1b\u202e"), page.name
        assert "<script>alert" not in html and "<img src=x>" not in html and "<b>bold" not in html
    board = (tmp_path / "leaderboard.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in board and "x\\u202egnp.exe" in board


def test_one_failing_export_does_not_stop_the_others(tmp_path, spec):
    (tmp_path / "results.xlsx").mkdir()  # the spreadsheet cannot be replaced: a folder is in its place
    with pytest.raises(GraderError, match="results.xlsx"):
        write_all(tmp_path, spec, [record("an")])
    for name in ("results.csv", "competences.csv", "leaderboard.html"):
        assert (tmp_path / name).is_file(), name
    assert len(list((tmp_path / "feedback").glob("*.html"))) == 1


def test_journal_replaces_grader_faults_but_never_a_final_grade(tmp_path):
    journal = Journal(tmp_path, assignment="bai-thi", fingerprint="f")
    journal.record(record("an", status="error", grader_fault=True))
    journal.record(record("bi", status="ok", score=7.0))
    assert journal.graded() == {"bi"}, "a grader fault is not a grade"
    journal.record(record("an", status="ok", score=9.0))
    journal.record(record("bi", status="ok", score=1.0))  # a second grade of a graded student is ignored
    got = {r.student_id: (r.status, r.score, r.grader_fault) for r in journal.records()}
    assert got == {"an": ("ok", 9.0, False), "bi": ("ok", 7.0, False)}
    assert journal.reopen(statuses={"ok"}, students=set()) == 2 and journal.graded() == set()
    journal.close()


def test_a_journal_from_before_grader_faults_still_opens(tmp_path):
    with sqlite3.connect(tmp_path / ".hocvuso-journal.sqlite") as db:
        db.execute("CREATE TABLE batch (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE grades (student_id TEXT PRIMARY KEY, record TEXT NOT NULL)")
        db.executemany("INSERT INTO batch VALUES (?, ?)", [("assignment", "bai-thi"), ("fingerprint", "f")])
        old = {k: v for k, v in record("an", status="ok").__dict__.items() if k != "grader_fault"}
        db.execute("INSERT INTO grades VALUES (?, ?)", ("an", json.dumps(old)))
    journal = Journal(Path(tmp_path), assignment="bai-thi", fingerprint="f")
    assert journal.graded() == {"an"} and journal.records()[0].status == "ok"
    journal.close()


def test_a_journal_that_cannot_be_written_is_one_clear_error(tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(GraderError, match="cannot write the journal .*run the same command again"):
        Journal(tmp_path / "a-file" / "out", assignment="bai-thi", fingerprint="f")
