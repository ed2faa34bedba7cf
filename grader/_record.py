"""Grade records and the batch journal that makes grading resumable.

The journal is an SQLite file in the output folder. Each student's grade is committed the moment it
is known, in its own transaction, by the one process that coordinates the batch; so after a crash or
`kill -9` every committed grade is still there, and a rerun grades only the students without one.
The primary key on the student makes a second grade of the same student impossible.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ._errors import GraderError

STATUSES = ("ok", "error", "timeout", "tampered", "invalid", "missing")


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


class Journal:
    """The batch's state on disk (OUT/.hocvuso-journal.sqlite)."""

    def __init__(self, out: Path, *, assignment: str, fingerprint: str) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.path = out / ".hocvuso-journal.sqlite"
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS batch (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS grades (student_id TEXT PRIMARY KEY, record TEXT NOT NULL)")
        known = dict(self.db.execute("SELECT key, value FROM batch").fetchall())
        if known and (known.get("assignment") != assignment or known.get("fingerprint") != fingerprint):
            raise GraderError(f"{out} already holds results of another batch (assignment "
                              f"{known.get('assignment')!r} or a changed course); choose another --out or empty it")
        self.db.execute("INSERT OR IGNORE INTO batch VALUES ('assignment', ?)", (assignment,))
        self.db.execute("INSERT OR IGNORE INTO batch VALUES ('fingerprint', ?)", (fingerprint,))

    def graded(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT student_id FROM grades")}

    def record(self, record: GradeRecord) -> None:
        """Commit one grade. A student graded already keeps the first grade (never graded twice)."""
        self.db.execute("INSERT OR IGNORE INTO grades VALUES (?, ?)",
                        (record.student_id, json.dumps(asdict(record), ensure_ascii=False)))

    def records(self) -> list[GradeRecord]:
        rows = self.db.execute("SELECT record FROM grades ORDER BY student_id").fetchall()
        return [GradeRecord(**json.loads(r[0])) for r in rows]

    def close(self) -> None:
        self.db.close()
