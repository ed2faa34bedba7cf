"""Grade records and the batch journal that makes grading resumable.

The journal is an SQLite file in the output folder. Each student's grade is committed the moment it
is known, in its own transaction, by the one process that coordinates the batch; so after a crash or
`kill -9` every committed grade is still there, and a rerun grades only the students without one.
The primary key on the student makes a second grade of the same student impossible.

Only real grades are final. A row the grader's own machinery failed (`GradeRecord.grader_fault`) is
kept, so the exports show it, but not counted as graded: the next run grades that student again and
replaces it. `--regrade` makes chosen rows non-final the same way.
"""
from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Set
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._errors import GraderError

STATUSES = ("ok", "error", "timeout", "tampered", "invalid", "missing")
JOURNAL_FILE = ".hocvuso-journal.sqlite"
"""The journal's file name in the output folder."""
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories shown as escapes: control, format (invisible, bidi), lone surrogates, line/paragraph."""


def visible(text: object) -> str:
    """`text` with control, invisible, direction and unencodable characters shown as escapes (\\x1b, \\u202e).

    Every string that came from a student (ids, exception messages, file names) goes through this on its
    way into an export: such characters break spreadsheets (openpyxl refuses them), reorder what a judge
    reads (bidi overrides), or cannot be written as UTF-8 at all (lone surrogates).
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                   if unicodedata.category(ch) in _HIDDEN else ch for ch in text)


@dataclass(frozen=True, kw_only=True)
class GradeRecord:
    """The outcome of grading one student."""

    student_id: str
    """Student folder or file name."""
    assignment: str
    """Assignment name."""
    score: float
    """Points earned (0 for invalid, missing or tampered submissions)."""
    max_score: float
    """Points possible."""
    status: str
    """One of ok, error, timeout, tampered, invalid, missing."""
    reason: str = ""
    """A sentence a judge understands; empty when all went well."""
    sha256: str = ""
    """SHA-256 of what was received, to settle disputes."""
    items: list[dict[str, Any]] = field(default_factory=list)
    """Per grade item: id, kind, points, max, competences, feedback lines, note."""
    seconds: float = 0.0
    """Time spent grading."""
    isolation: str = "sandbox"
    """"sandbox", "none" (judge allowed unisolated grading) or "no code run"."""
    graded_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    late: bool = False
    """The graded version was handed in after the deadline (accepted, marked late)."""
    submitted_at: str = ""
    """When the graded version was handed in (nbgrader timestamp, UTC); "" when unknown."""
    version: int = 0
    """Which handed-in version was graded (0: a plain folder without versions)."""
    grader_fault: bool = False
    """The grader's own machinery failed (not the student): shown as `error`, graded again on the next run."""


class Journal:
    """The batch's state on disk (OUT/.hocvuso-journal.sqlite)."""

    def __init__(self, out: Path, *, assignment: str, fingerprint: str) -> None:
        self.path = out / JOURNAL_FILE
        try:
            out.mkdir(parents=True, exist_ok=True)
            self._open(assignment, fingerprint)
        except (OSError, sqlite3.Error) as exc:
            raise self._trouble(exc) from exc

    def _trouble(self, exc: BaseException) -> GraderError:
        """The judge's one-line reason when the journal cannot be written (full disk, read-only folder …)."""
        return GraderError(f"cannot write the journal {self.path} ({exc}); is the disk full or the folder "
                           "read-only? Grades committed so far are kept: run the same command again once fixed")

    def _open(self, assignment: str, fingerprint: str) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS batch (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS grades (student_id TEXT PRIMARY KEY, record TEXT NOT NULL, "
                        "final INTEGER NOT NULL DEFAULT 1)")
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(grades)")}
        if "final" not in columns:  # a journal written before rows could be non-final
            self.db.execute("ALTER TABLE grades ADD COLUMN final INTEGER NOT NULL DEFAULT 1")
        known = dict(self.db.execute("SELECT key, value FROM batch").fetchall())
        if known and (known.get("assignment") != assignment or known.get("fingerprint") != fingerprint):
            raise GraderError(f"{self.path.parent} already holds results of another batch (assignment "
                              f"{known.get('assignment')!r} or a changed course); choose another --out or empty it")
        self.db.execute("INSERT OR IGNORE INTO batch VALUES ('assignment', ?)", (assignment,))
        self.db.execute("INSERT OR IGNORE INTO batch VALUES ('fingerprint', ?)", (fingerprint,))

    def graded(self) -> set[str]:
        """Students with a final grade (rows failed by the grader's machinery are not final)."""
        return {row[0] for row in self.db.execute("SELECT student_id FROM grades WHERE final")}

    def record(self, record: GradeRecord) -> None:
        """Commit one grade. A final grade is never replaced (no student is graded twice); a non-final row is."""
        try:
            self.db.execute("INSERT INTO grades VALUES (?, ?, ?) ON CONFLICT(student_id) DO UPDATE SET "
                            "record = excluded.record, final = excluded.final WHERE NOT grades.final",
                            # ASCII JSON: a lone surrogate from a name that was not UTF-8 cannot break the commit
                            (record.student_id.encode("utf-8", "backslashreplace").decode("utf-8"),
                             json.dumps(asdict(record)), 0 if record.grader_fault else 1))
        except sqlite3.Error as exc:
            raise self._trouble(exc) from exc

    def reopen(self, *, statuses: Set[str] = frozenset(), students: Set[str] = frozenset()) -> int:
        """Make the rows with these statuses or of these students non-final (graded again); return how many."""
        count = 0
        for student_id, text in self.db.execute("SELECT student_id, record FROM grades WHERE final").fetchall():
            if student_id in students or json.loads(text).get("status") in statuses:
                self.db.execute("UPDATE grades SET final = 0 WHERE student_id = ?", (student_id,))
                count += 1
        return count

    def records(self) -> list[GradeRecord]:
        rows = self.db.execute("SELECT record FROM grades ORDER BY student_id").fetchall()
        known = set(GradeRecord.__dataclass_fields__)
        return [GradeRecord(**{k: v for k, v in json.loads(r[0]).items() if k in known}) for r in rows]

    def close(self) -> None:
        self.db.close()
