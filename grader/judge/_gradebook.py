"""nbgrader stays the book of record: a graded batch goes into the course's gradebook, and what judges
enter there (formgrader) comes back into hocvuso's exports.

After a batch, `record_batch` writes what `nbgrader autograde` would have written, through nbgrader's
own `Gradebook` API (so any gradebook URL the course's nbgrader config names works, not only SQLite):

* the student (created if missing; first/last names a teacher entered are kept),
* the submission with its timestamp (the one in the course's `submitted/` folder when the student's
  hand-in is there, so formgrader lists it as autograded; else the time hocvuso graded it from),
* one grade per grade cell with hocvuso's automatic score (`auto_score`) and nbgrader's "No response."
  comments, and
* `autograded/STUDENT/ASSIGNMENT/NOTEBOOK.ipynb` (`_autograded.build`): the student's notebook with the
  judge's results as the grade cells' outputs.

It never touches `manual_score` or `extra_credit`: those belong to the judges, so grading again never
overwrites what a person entered. `merged_records` reads them back (manual points, overrides of an
automatic cell, extra credit) and gives the rows the exports show: the final total, and which rows
still wait for a person. `export_results` (the `hocvuso export` command) writes them again from the
batch's journal without grading anything.

Only rows whose grade changed since the last run are written (`.hocvuso-gradebook.json` in the
output folder remembers which rows the gradebook holds), so a rerun over 50 000 students is cheap.
"""
from __future__ import annotations

import json
import re
import sqlite3
import sys
import tempfile
import warnings
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

import nbformat
from nbgrader.api import Grade, Gradebook, GradeCell, MissingEntry, SubmittedAssignment, SubmittedNotebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import compute_checksum, determine_grade, is_grade, is_solution, is_task, parse_utc
from sqlalchemy import or_
from sqlalchemy.exc import SAWarning
from traitlets.config import Config
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from hocvuso._tools import use_own_tools

from .._cells import cells_by_id, nbgrader_meta
from .._errors import GraderError
from ._autograded import build
from ._course import generate_release
from ._export import write_all
from ._record import JOURNAL_FILE, GradeRecord, Journal, visible
from ._spec import AssignmentSpec, load_spec, spec_fingerprint

SYNC_FILE = ".hocvuso-gradebook.json"
"""In the output folder: which rows (student -> graded_at + sha256) the gradebook already holds."""
AWAITS_MANUAL = re.compile(r"(;\s*)?\d+(\.\d+)? point\(s\) await manual grading")
"""The note grade_one writes for manual cells; replaced by what the gradebook says."""


@dataclass(frozen=True)
class ExportSummary:
    """What `hocvuso export` wrote."""

    out: Path
    rows: int
    waiting: int
    """Rows with a manual cell no person has graded yet."""
    graded_by_hand: int
    """Rows with at least one score a person entered."""


def course_directory(course: Path):
    """nbgrader's CourseDirectory for `course`, read from the course's nbgrader_config.py (its db_url
    included), rooted at `course` (the folder hocvuso reads source/ and release/ from)."""

    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    except ConfigFileNotFound:
        config = Config()
    except Exception as exc:  # the judge's config is Python; any error in it is theirs to fix
        raise GraderError(f"cannot read {course / 'nbgrader_config.py'}: {type(exc).__name__}: {exc}") from exc
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(Path(course).resolve())
    return coursedir


def open_gradebook(coursedir):
    """The course's nbgrader Gradebook (alembic, which it runs by name, found beside this interpreter)."""


    use_own_tools()
    try:
        return Gradebook(coursedir.db_url, coursedir.course_id)
    except Exception as exc:
        raise GraderError(f"cannot open the course's gradebook {_safe_url(coursedir.db_url)}: "
                          f"{type(exc).__name__}: {exc}") from exc


def _failure(exc: Exception, coursedir, what: str) -> GraderError:
    """nbgrader's or the database's failure as one judge-facing line after `what` (which names the
    gradebook as {url}, without its password)."""
    return GraderError(f"{what.replace('{url}', _safe_url(coursedir.db_url))}: {type(exc).__name__}: {exc}")


def _safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def record_batch(course: Path, spec: AssignmentSpec, records: list[GradeRecord], candidates: Iterable,
                 out: Path, *, say: Callable[[str], None] | None = None) -> list[GradeRecord]:
    """Put the batch into the course's gradebook and autograded/; rewrite the exports if judges' scores
    change them. Return the rows as the exports show them (see `merged_records`).

    Called after the exports were written from hocvuso's own grades. The batch ran, so a gradebook that
    cannot be reached, or rows it did not take, are said on stderr (`say`) with what to do, not raised:
    the results stay on disk, and the next run writes whatever the gradebook is still missing.
    """

    try:
        with warnings.catch_warnings():  # nbgrader's add_submission trips SQLAlchemy 2's autoflush warning
            warnings.simplefilter("ignore", SAWarning)
            return _record_batch(course, spec, records, candidates, out)
    except GraderError as exc:
        (say or _stderr)(f"hocvuso grade: results are written in {out}, but {exc}")
        return records


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _record_batch(course: Path, spec: AssignmentSpec, records: list[GradeRecord], candidates: Iterable,
                  out: Path) -> list[GradeRecord]:
    course = Path(course).resolve()
    coursedir = course_directory(course)
    by_student = {getattr(c, "student_id", None): c for c in candidates}
    synced_path = out / SYNC_FILE
    synced = _read_synced(synced_path, coursedir.db_url)
    try:
        with open_gradebook(coursedir) as gb:
            _ensure_assignment(gb, course, spec)
            present = {s.student.id for s in gb.find_assignment(spec.name).submissions}
            failed = []
            for rec in records:
                mark = f"{rec.graded_at}|{rec.sha256}|{rec.status}"
                if rec.grader_fault or (synced.get(rec.student_id) == mark and rec.student_id in present
                                        and _autograded_folder(coursedir, spec, rec.student_id).is_dir()):
                    continue
                try:
                    _record_one(gb, coursedir, spec, rec, by_student.get(rec.student_id))
                except Exception as exc:  # noqa: BLE001 - one student's row must not keep the others out
                    gb.db.rollback()
                    failed.append(f"{visible(rec.student_id)} ({type(exc).__name__}: {visible(exc)[:120]})")
                    continue
                synced[rec.student_id] = mark
            merged = merged_records(gb, spec, records)
    except GraderError:
        raise
    except Exception as exc:
        raise _failure(exc, coursedir, "the course's gradebook {url} was not updated") from exc
    finally:
        _write_synced(synced_path, coursedir.db_url, synced)
    if merged != records:
        write_all(out, spec, merged)
    if failed:
        raise GraderError(f"the course's gradebook did not take {len(failed)} row(s); run the same command "
                          f"again to retry them: {'; '.join(failed[:5])}")
    return merged


def _read_synced(path: Path, db_url: str) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("rows", {}) if data.get("db_url") == db_url else {}


def _write_synced(path: Path, db_url: str, rows: dict[str, str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"db_url": db_url, "rows": rows}), encoding="utf-8")
    tmp.replace(path)


def _ensure_assignment(gb, course: Path, spec: AssignmentSpec) -> None:
    """The assignment and its notebooks (with their cells) in the gradebook, as `generate_assignment`
    records them; when missing (a course copied without its gradebook, a new db_url), nbgrader's own
    generate_assignment makes them."""


    try:
        for name in spec.notebooks:
            gb.find_notebook(name, spec.name)
    except MissingEntry:
        gb.db.rollback()
        generate_release(course, spec.name)
        gb.db.expire_all()
        for name in spec.notebooks:
            gb.find_notebook(name, spec.name)  # still missing: nbgrader wrote another gradebook; say so
    gb.db.commit()


def _autograded_folder(coursedir, spec: AssignmentSpec, student_id: str) -> Path:
    return Path(coursedir.format_path(coursedir.autograded_directory, student_id, spec.name))


def _timestamp(coursedir, spec: AssignmentSpec, rec: GradeRecord) -> datetime | None:
    """The submission's time: nbgrader's own (submitted/…/timestamp.txt) when the hand-in is in the course,
    which is what formgrader compares to call a submission autograded; else when it was handed in."""

    folder = coursedir.format_path(coursedir.submitted_directory, rec.student_id, spec.name)
    try:
        found = coursedir.get_existing_timestamp(folder)
    except Exception:  # noqa: BLE001 - an unreadable timestamp.txt: fall back to the one hocvuso read
        found = None
    if found is not None or Path(folder).is_dir():
        return found
    try:
        return parse_utc(rec.submitted_at) if rec.submitted_at else None
    except ValueError:
        return None


def _record_one(gb, coursedir, spec: AssignmentSpec, rec: GradeRecord, candidate) -> None:
    """One student's row into the gradebook and autograded/, committed together."""


    gb.update_or_create_student(rec.student_id)
    submission = gb.update_or_create_submission(spec.name, rec.student_id, timestamp=_timestamp(coursedir, spec, rec))
    submitted = {nb.name: nb for nb in submission.notebooks}  # one load, instead of a query per cell
    folder = _autograded_folder(coursedir, spec, rec.student_id)
    folder.mkdir(parents=True, exist_ok=True)
    items = {item["grade_id"]: item for item in rec.items}
    for name, nb_spec in spec.notebooks.items():
        notebook, handed_in = build(spec, name, rec, candidate)
        cells = cells_by_id(notebook.cells)
        grades = {grade.name: grade for grade in submitted[name].grades}
        comments = {comment.name: comment for comment in submitted[name].comments}
        for grade_item in nb_spec.items:
            grade = grades[grade_item.grade_id]
            item, cell = items.get(grade_item.grade_id), cells.get(grade_item.grade_id)
            if not handed_in or item is None:  # not handed in, or a row graded 0 as a whole (invalid, tampered)
                auto = 0.0
            elif item["kind"] == "manual":
                # nbgrader's own rule: an untouched answer cell scores 0, an answered one waits for a person
                auto = determine_grade(cell)[0] if cell is not None and is_grade(cell) else 0.0
            else:
                auto = float(item["points"])
            grade.auto_score = auto
            grade.needs_manual_grade = grade.manual_score is not None or auto is None
        for gid, cell in cells.items():
            comment = comments.get(gid)  # None: a cell the gradebook does not know (source edited since)
            if comment is not None and (is_solution(cell) or is_task(cell)):
                untouched = nbgrader_meta(cell).get("checksum") == compute_checksum(cell) and not is_task(cell)
                comment.auto_comment = "No response." if untouched and handed_in else None
        _write_notebook(folder / f"{name}.ipynb", notebook)
    gb.db.commit()


def _write_notebook(path: Path, notebook) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as fh:
        nbformat.write(notebook, fh)
    Path(fh.name).replace(path)


def judges_scores(gb, spec: AssignmentSpec) -> dict[tuple[str, str], tuple[float | None, float | None, float | None]]:
    """(student, grade_id) -> (auto, manual, extra credit) for every grade a person touched or must look at:
    a manual score, extra credit, or a manual cell (answered or not)."""

    manual_ids = sorted({item.grade_id for item in spec.items if item.kind == "manual"})
    query = (gb.db.query(Grade)
             .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
             .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
             .join(GradeCell, Grade.cell_id == GradeCell.id)
             .filter(SubmittedAssignment.name == spec.name)
             .filter(or_(Grade.manual_score.isnot(None), Grade.extra_credit.isnot(None),
                         GradeCell.name.in_(manual_ids))))
    return {(grade.student.id, grade.name): (grade.auto_score, grade.manual_score, grade.extra_credit)
            for grade in query}


def merged_records(gb, spec: AssignmentSpec, records: list[GradeRecord]) -> list[GradeRecord]:
    """The rows with what judges entered in the gradebook: a person's score replaces the automatic one
    (nbgrader's rule), extra credit is added, the total is recomputed, and the reason says which manual
    cells still wait for a person ("chờ chấm tay / waits for a person") or were graded by one."""
    found = judges_scores(gb, spec)
    return [_merge(rec, found) for rec in records]


def _merge(rec: GradeRecord, found: dict) -> GradeRecord:
    """One row with the gradebook's judges' scores; a manual cell the gradebook does not hold waits too."""
    if not rec.items:
        return rec
    items, waiting, by_hand, unanswered = [], [], [], []
    for item in rec.items:
        item = dict(item)
        key = (rec.student_id, item["grade_id"])
        auto, manual, extra = found.get(key, (None, None, None))
        if manual is not None or extra:
            item["points"] = round((manual if manual is not None else item["points"]) + (extra or 0.0), 2)
            item["note"] = f"chấm tay / graded by a person: {item['points']:g} / {item['max_points']:g}"
            by_hand.append(f"{item['grade_id']} {item['points']:g}/{item['max_points']:g}")
        elif item["kind"] == "manual" and item.get("note") != "not handed in":
            if key in found and auto is not None:  # nbgrader's own rule: an untouched answer cell scores 0
                item["note"] = "không trả lời, 0 điểm / no response, 0 points"
                unanswered.append(f"{item['grade_id']} (0/{item['max_points']:g})")
            else:
                item["note"] = "chờ chấm tay / waits for a person"
                waiting.append(f"{item['grade_id']} ({item['max_points']:g})")
        items.append(item)
    reason = AWAITS_MANUAL.sub("", rec.reason).strip("; ")
    parts = [reason] if reason else []
    if waiting:
        parts.append(f"chờ chấm tay / waits for a person: {', '.join(waiting)}")
    if by_hand:
        parts.append(f"chấm tay / graded by a person: {', '.join(by_hand)}")
    if unanswered:
        parts.append(f"bỏ trống phần chấm tay / no response to the manual part: {', '.join(unanswered)}")
    return replace(rec, items=items, score=round(sum(i["points"] for i in items), 2), reason="; ".join(parts))


def journal_records(out: Path, spec: AssignmentSpec) -> list[GradeRecord]:
    """The graded rows of the batch in `out` (its journal), refused when they are another assignment's
    or the course's grading changed since."""
    path = out / JOURNAL_FILE
    if not path.is_file():
        raise GraderError(f"{out} holds no graded batch (no .hocvuso-journal.sqlite); run `hocvuso grade` first, "
                          "or give the --out it wrote to")
    db = sqlite3.connect(path, timeout=60)
    try:
        known = dict(db.execute("SELECT key, value FROM batch").fetchall())
    except sqlite3.Error as exc:
        raise GraderError(f"cannot read {path}: {exc}") from exc
    finally:
        db.close()
    if known.get("assignment") != spec.name:
        raise GraderError(f"{out} holds results of assignment {visible(known.get('assignment'))!r}, "
                          f"not {spec.name!r}")
    fingerprint = known.get("fingerprint", "")
    if fingerprint.split("@")[0] != spec_fingerprint(spec):
        raise GraderError(f"the grading of {spec.name!r} in the course changed since {out} was graded; "
                          "run `hocvuso grade` again (with a new --out) before exporting")
    journal = Journal(out, assignment=spec.name, fingerprint=fingerprint)
    try:
        return journal.records()
    finally:
        journal.close()


def export_results(*, course: Path, assignment: str, out: Path | None = None) -> ExportSummary:
    """Rewrite results.csv/.xlsx, feedback and leaderboard of a graded batch with the scores judges entered
    in the course's gradebook (formgrader); grades nothing."""
    course = Path(course).expanduser().resolve()
    out = Path(out).expanduser().resolve() if out is not None else Path.cwd().resolve() / f"ket-qua-{assignment}"
    spec = load_spec(course, assignment)
    records = journal_records(out, spec)
    coursedir = course_directory(course)
    try:
        with open_gradebook(coursedir) as gb:
            merged = merged_records(gb, spec, records)
    except GraderError:
        raise
    except Exception as exc:
        raise _failure(exc, coursedir, "cannot read the course's gradebook {url}") from exc
    write_all(out, spec, merged)
    return ExportSummary(out=out, rows=len(merged),
                         waiting=sum(1 for r in merged if "waits for a person" in r.reason),
                         graded_by_hand=sum(1 for r in merged if "graded by a person" in r.reason))
