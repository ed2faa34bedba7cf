"""Builders for grader tests: a small contest course and students' submissions, good and hostile.

The assignment "bai-thi" has two coding tasks judged by check_function (one public case each, the
rest hidden) and one contest-mode scam inbox judged from the saved answers:
  tong(a, b)       3 points, 3 cases  (1 public)
  la_so_chan(n)    2 points, 4 cases  (1 public)
  hop-thu          5 points, inbox "hop-thu-mau"
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from hocvuso._tools import tool_env
from hocvuso.core import FileStore, load_inbox
from hocvuso.widgets import ScamInbox

ASSIGNMENT = "bai-thi"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
MAX_SCORE = 10.0


def _meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Bài thi / Contest\nViết hai hàm và làm hộp thư.", metadata=_meta("de-bai", locked=True)),
        new_code_cell("def tong(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
                      metadata=_meta("cau-1", solution=True)),
        new_code_cell('from hocvuso.grader import check_function\n\ncheck_function("tong", [\n    ((1, 2), 3),\n'
                      "### BEGIN HIDDEN TESTS\n    ((10, -4), 6),\n    ((0, 0), 0),\n### END HIDDEN TESTS\n"
                      "], out_of=3)", metadata=_meta("cau-1-kiem-tra", grade=True, locked=True, points=3)),
        new_code_cell("def la_so_chan(n):\n    ### BEGIN SOLUTION\n    return n % 2 == 0\n    ### END SOLUTION",
                      metadata=_meta("cau-2", solution=True)),
        new_code_cell('from hocvuso.grader import check_function\n\ncheck_function("la_so_chan", [\n    ((2,), True),\n'
                      "### BEGIN HIDDEN TESTS\n    ((7,), False),\n    ((0,), True),\n    ((-3,), False),\n"
                      "### END HIDDEN TESTS\n], out_of=2)",
                      metadata=_meta("cau-2-kiem-tra", grade=True, locked=True, points=2)),
        new_code_cell('from hocvuso.widgets import ScamInbox\n\nhop_thu = ScamInbox("hop-thu-mau", task_id="hop-thu", '
                      'mode="contest")\nhop_thu', metadata=_meta("hop-thu-widget", locked=True)),
        new_code_cell('from hocvuso.grader import grade\n\ngrade("hop-thu", scenario="hop-thu-mau", out_of=5)',
                      metadata=_meta("hop-thu-diem", grade=True, locked=True, points=5)),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nbformat.validate(nb)
    return nb


def make_course(root: Path) -> Path:
    """An nbgrader course with the assignment generated (release/ exists)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'thi'\nc.CourseDirectory.root = {str(root)!r}\n",
        encoding="utf-8")
    folder = root / "source" / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(), folder / NOTEBOOK)
    done = nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def release_notebook(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)


def set_solution(nb: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
            return nb
    raise KeyError(grade_id)


def hand_in(submitted: Path, course: Path, student: str, *, tong: str | None = "return a + b",
            chan: str | None = "return n % 2 == 0", inbox: str | None = "perfect",
            edit=None, raw: bytes | None = None) -> Path:
    """Write submitted/STUDENT/bai-thi/ like a student would: code in the two cells, the inbox answered."""
    folder = submitted / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NOTEBOOK
    if raw is not None:
        path.write_bytes(raw)
        return folder
    nb = release_notebook(course)
    if tong is not None:
        set_solution(nb, "cau-1", "def tong(a, b):\n" + "\n".join("    " + line for line in tong.splitlines()))
    if chan is not None:
        set_solution(nb, "cau-2", "def la_so_chan(n):\n" + "\n".join("    " + line for line in chan.splitlines()))
    if edit is not None:
        nb = edit(nb) or nb
    nbformat.write(nb, path)
    if inbox is not None:
        widget = ScamInbox("hop-thu-mau", task_id="hop-thu", mode="contest", store=FileStore(folder))
        _scenario, key = load_inbox("hop-thu-mau")
        for message_id, message_key in key.messages.items():
            if inbox == "perfect":
                widget.answer(message_id, message_key.verdict, list(message_key.red_flags))
            else:
                widget.answer(message_id, "safe" if message_key.verdict == "scam" else "scam", [])
    return folder


def read_results(out: Path) -> dict[str, dict]:
    import csv

    with (out / "results.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh)}


GRADER_OUTPUTS = ("gradebook.db", "autograded")
"""What `hocvuso grade` itself writes in the course (nbgrader's gradebook and autograded/): skip these when
proving that student code changed nothing in the course."""


def tree_digest(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Path -> content hash of every file under root (to prove nothing outside the sandbox changed)."""
    import hashlib

    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_file() and not any(rel.startswith(s) for s in skip):
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


__all__ = ["ASSIGNMENT", "MAX_SCORE", "NOTEBOOK", "hand_in", "make_course", "read_results", "release_notebook",
           "set_solution", "tree_digest", "GRADER_OUTPUTS", "json", "shutil"]


# ---------------------------------------------------------------------- real nbgrader on a bundled lesson

def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real `nbgrader` command in `course` (output captured, 10 min at most).

    nbgrader's gradebook runs `alembic` by name: this interpreter's tools go first on PATH, as hocvuso does.
    """
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                          timeout=600, env=tool_env())


def lesson_course(root: Path, assignment: str) -> Path:
    """A judge's course for a bundled lesson, made the way a judge makes it: `hocvuso course init` +
    `hocvuso assign` (source and release ready for nbgrader)."""
    from hocvuso.grader.judge import assign, course_init

    course_init(directory=root, assignments=[assignment])
    assign(course=root, assignment=assignment)
    return root


def submitted_folder(course: Path, student: str, assignment: str) -> Path:
    """A copy of the release in submitted/STUDENT/ASSIGNMENT, where the student's answers go."""
    folder = course / "submitted" / student / assignment
    shutil.copytree(course / "release" / assignment, folder)
    return folder


# ---------------------------------------------------------------------- hostile archives

def zip_lying_about_size(entries: list[tuple[str, bytes]], lies: dict[str, int]) -> bytes:
    """A zip of `entries` (deflated) where each entry named in `lies` declares that many bytes, in its local
    header and in the central directory, whatever it really holds: a zip bomb that lies small, or a huge
    claim on a tiny file."""
    import io
    import struct
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    raw = bytearray(buf.getvalue())
    infos = {i.filename: i for i in zipfile.ZipFile(io.BytesIO(bytes(raw))).infolist()}
    central = raw.index(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", raw, central + 28)[0]
        name = bytes(raw[central + 46:central + 46 + length]).decode()
        if name in lies:
            struct.pack_into("<I", raw, central + 24, lies[name])  # central directory: uncompressed size
            struct.pack_into("<I", raw, infos[name].header_offset + 22, lies[name])  # local header: the same
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)
