"""The hand-in versions and their times: the folder layout that keeps every upload, nbgrader's timestamps,
the judge's deadline, and which version a judge grades.

The layout is nbgrader's `submitted/STUDENT/ASSIGNMENT/`, extended so that nothing is ever replaced::

    submitted/STUDENT/ASSIGNMENT/
        bai-thi.ipynb, *.hocvuso.json, timestamp.txt   ← a copy of the latest version (stock nbgrader reads it)
        .versions/
            001-20250301T031500.123456Z/               ← every accepted upload, never changed again
                bai-thi.ipynb, …, timestamp.txt, hocvuso-receipt.json
            002-…/
    submitted/.hocvuso-receipts.jsonl                    ← one line per receipt (the ledger)

`timestamp.txt` uses nbgrader's own format ("2025-03-01 03:15:00.123456 UTC"), so `nbgrader collect`
output and uploads are read the same way. The judge grades, per student, the last version handed in
at or before the deadline; when every version is late, the last one, marked late. The upload page
writes versions (`_receipts`); intake reads them (`_intake`); neither imports the other.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dateutil.parser
from nbgrader.utils import parse_utc

from .._errors import GraderError, NotebookProblem
from ._reading import read_submitted

VERSIONS_DIR = ".versions"
"""Folder inside submitted/STUDENT/ASSIGNMENT/ that keeps every accepted upload."""
TIMESTAMP_FILE = "timestamp.txt"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
"""nbgrader's Exchange.timestamp_format (UTC)."""
VIETNAM = timezone(timedelta(hours=7), "ICT")
"""A deadline written without a time zone is Vietnam time (UTC+07:00)."""


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def format_timestamp(moment: datetime) -> str:
    """nbgrader's timestamp.txt text for `moment`."""
    return moment.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime | None:
    """A timestamp.txt (nbgrader's or ours) as an aware UTC datetime; None when empty or unreadable."""

    text = (text or "").strip()
    if not text:
        return None
    try:
        if re.search(r"\s[+-]\d{2}:?\d{2}$", text):  # "+0700": nbgrader's parse_utc would read 700 seconds

            return dateutil.parser.parse(text).astimezone(timezone.utc)
        return parse_utc(text).replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, TypeError):
        return None


def parse_deadline(text: str) -> datetime:
    """A judge's deadline: ISO 8601 or "YYYY-MM-DD HH:MM[:SS]"; without a zone it is Vietnam time (UTC+07)."""
    raw = (text or "").strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise GraderError(f"deadline {text!r} is not a date and time; write e.g. 2025-03-01T17:00+07:00 or "
                          "\"2025-03-01 17:00\" (Vietnam time)") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(timezone.utc)


def course_due_date(course: Path, assignment: str) -> datetime | None:
    """The assignment's due date in the course's nbgrader gradebook (`nbgrader db assignment add --duedate`)."""
    db = Path(course) / "gradebook.db"
    if not db.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT duedate FROM assignment WHERE name = ?", (assignment,)).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    if not row or not row[0]:
        return None
    try:  # nbgrader stores naive UTC
        return datetime.fromisoformat(str(row[0])).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def describe_delay(delay: timedelta) -> str:
    """"2 h 05 min" / "3 min" / "1 d 4 h": how late, for the judge."""
    minutes = int(delay.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{max(mins, 0)} min" if minutes else f"{int(delay.total_seconds())} s"


@dataclass(frozen=True)
class Version:
    """One handed-in version of one student's assignment."""

    folder: Path
    number: int
    """1, 2, … in order of arrival; 0 for a plain nbgrader folder without versions."""
    submitted_at: datetime | None
    """From timestamp.txt; None when the folder has none (a zip from an LMS, flat files)."""


@dataclass(frozen=True)
class Choice:
    """The version a judge grades, and why."""

    version: Version
    late: bool = False
    late_by: timedelta | None = None
    skipped_late: int = 0
    """Later versions handed in after the deadline, not graded."""
    count: int = 1

    def note(self, deadline: datetime | None) -> str:
        """A sentence for the results' reason column ("" when there is nothing to say)."""
        parts = []
        when = self.version.submitted_at
        if self.late and when is not None and deadline is not None:
            parts.append(f"handed in late: {format_timestamp(when)}, {describe_delay(self.late_by or timedelta())} "
                         f"after the deadline {format_timestamp(deadline)}")
        if self.skipped_late:
            parts.append(f"graded version {self.version.number} of {self.count}; {self.skipped_late} later "
                         "upload(s) came after the deadline and were not graded")
        return "; ".join(parts)


def read_timestamp(folder: Path) -> datetime | None:
    try:  # opened once, no link followed, regular files only: a FIFO here must not hang the batch
        return parse_timestamp(read_submitted(folder / TIMESTAMP_FILE, limit=4096)[:200].decode("utf-8", "replace"))
    except NotebookProblem:
        return None


def versions_of(folder: Path) -> list[Version]:
    """Every version in a submitted/STUDENT/ASSIGNMENT/ folder, oldest first (the folder itself if it has none)."""
    root = Path(folder) / VERSIONS_DIR
    found = []
    if root.is_dir() and not root.is_symlink():
        for child in root.iterdir():
            match = re.match(r"^(\d{1,6})-", child.name)
            if match and child.is_dir() and not child.is_symlink():
                found.append(Version(child, int(match.group(1)), read_timestamp(child)))
    if not found:
        return [Version(Path(folder), 0, read_timestamp(Path(folder)))]
    return sorted(found, key=lambda v: v.number)


def choose(versions: list[Version], deadline: datetime | None) -> Choice:
    """The last version at or before `deadline`; when all are late, the last one, marked late."""
    if not versions:
        raise ValueError("no versions to choose from")
    last = versions[-1]
    if deadline is None:
        return Choice(last, count=len(versions))
    on_time = [v for v in versions if v.submitted_at is None or v.submitted_at <= deadline]
    if on_time:
        chosen = on_time[-1]
        return Choice(chosen, skipped_late=len([v for v in versions if v.number > chosen.number]), count=len(versions))
    assert last.submitted_at is not None  # a version without a time is never late (on_time above)
    return Choice(last, late=True, late_by=last.submitted_at - deadline, count=len(versions))
