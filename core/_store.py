"""Where submissions live: a JSON file beside the notebook, an SQL database, or memory.

* FileStore  – one JSON file per task beside the notebook. nbgrader's collect/autograde copies the
               whole assignment folder, so the grade cell finds the file when it re-runs the notebook.
* SqlStore   – the classroom store: SQLite by default, any SQLAlchemy URL (PostgreSQL for many
               classes). Every save is a new row; nothing already accepted is ever overwritten.
* MemoryStore – for tests.

A store never grades and never decides who the learner is; it only keeps what it is given. The
classroom's store (`classroom_store()`) refuses a save without a learner of its class: an answer that no
dashboard would ever show is an error the learner sees, never a quiet "saved".
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ._env import is_grading
from ._errors import NotSignedIn, StoreError, SubmissionCorrupt, SubmissionNotFound
from ._submission import Learner, Submission, check_task_id
from .config import Settings
from .database import open_database, shown_url

FILE_SUFFIX = ".hocvuso.json"


@runtime_checkable
class SubmissionStore(Protocol):
    """What every store does."""

    def save(self, submission: Submission) -> None:
        """Keep `submission`."""

    def load(self, task_id: str, *, learner: Learner | None = None) -> Submission:
        """The latest submission for `task_id` of `learner` (None: anonymous); raise SubmissionNotFound if none."""


class MemoryStore:
    """Keeps submissions in a list; for tests and throw-away sessions."""

    def __init__(self) -> None:
        self.saved: list[Submission] = []

    def save(self, submission: Submission) -> None:
        self.saved.append(submission)

    def load(self, task_id: str, *, learner: Learner | None = None) -> Submission:
        for sub in reversed(self.saved):
            if sub.task_id == task_id and (learner is None or sub.learner == learner):
                return sub
        raise SubmissionNotFound(f"no submission for task {task_id!r} in memory")


class FileStore:
    """One JSON file per task in `directory` (the notebook's folder), written atomically."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else Path.cwd()

    def path_for(self, task_id: str) -> Path:
        """The file that holds `task_id`'s submission."""
        return self.directory / f"{check_task_id(task_id)}{FILE_SUFFIX}"

    def save(self, submission: Submission) -> None:
        path = self.path_for(submission.task_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write beside the target and rename: a crash never leaves half a file behind.
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=FILE_SUFFIX, dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(submission.to_json())
            os.replace(tmp, path)
        except OSError as exc:
            msg = f"could not write {path}: {exc.strerror or exc}; check the folder is writable and the disk not full"
            raise StoreError(msg) from exc

    def load(self, task_id: str, *, learner: Learner | None = None) -> Submission:
        path = self.path_for(task_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            msg = f"no submission file {path.name} in {path.parent}: the task {task_id!r} was not answered"
            raise SubmissionNotFound(msg) from None
        except OSError as exc:
            raise SubmissionCorrupt(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        sub = Submission.from_json(raw, source=str(path))
        if sub.task_id != task_id:
            msg = f"{path}: holds task {sub.task_id!r}, expected {task_id!r}; the file was renamed or edited"
            raise SubmissionCorrupt(msg)
        return sub


class SqlStore:
    """Submissions in an SQL database through SQLAlchemy (SQLite file by default).

    Every save appends a row; `load` returns the newest. SQLite is opened in WAL mode with a busy
    timeout so that a whole class saving at once waits briefly instead of failing.

    A row holds the answers, never a score: the dashboard and exports score the payload with the
    current key (`hocvuso.core.score`, the one scoring truth), so a corrected key corrects every
    result. Stores made before this had `points`/`max_points` columns, written and never read; they
    stay in those files (nullable, left empty by new saves) and nothing reads them.
    """

    metadata = sa.MetaData()
    submissions = sa.Table(
        "submissions", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("class_code", sa.String(64), nullable=False, default="", index=True),
        sa.Column("learner_id", sa.String(128), nullable=False, default="", index=True),
        sa.Column("learner_name", sa.Unicode(200), nullable=False, default=""),
        sa.Column("task_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("scenario_id", sa.String(128), nullable=False),
        sa.Column("saved_at", sa.String(40), nullable=False),
        sa.Column("payload", sa.UnicodeText, nullable=False),
    )

    def __init__(self, url: str, *, class_code: str = "") -> None:
        self.url = url
        self.class_code = class_code
        """When set (the classroom), a save must carry a learner of this class."""
        try:
            self.engine = open_database(url, self.metadata)
        except SQLAlchemyError as exc:
            msg = f"cannot open the submission database {shown_url(url)}: {exc}"
            raise StoreError(msg) from exc

    def save(self, submission: Submission) -> None:
        learner = submission.learner
        if self.class_code and (learner is None or learner.class_code != self.class_code
                                or not learner.learner_id):
            raise NotSignedIn(f"task {submission.task_id!r} not saved: no learner of class {self.class_code} "
                              "is signed in on this page")
        row = {
            "class_code": learner.class_code if learner else "",
            "learner_id": learner.learner_id if learner else "",
            "learner_name": learner.name if learner else "",
            "task_id": submission.task_id,
            "kind": submission.kind,
            "scenario_id": submission.scenario_id,
            "saved_at": submission.saved_at,
            "payload": submission.to_json(),
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(self.submissions.insert().values(**row))
        except SQLAlchemyError as exc:
            raise StoreError(f"could not save task {submission.task_id!r} to the database: {exc}") from exc

    def load(self, task_id: str, *, learner: Learner | None = None) -> Submission:
        t = self.submissions
        query = sa.select(t.c.id, t.c.payload).where(t.c.task_id == task_id)
        # Without a learner only anonymous rows match: one learner must never see another's answers.
        class_code, learner_id = (learner.class_code, learner.learner_id) if learner else ("", "")
        query = query.where(t.c.class_code == class_code, t.c.learner_id == learner_id)
        query = query.order_by(t.c.id.desc()).limit(1)
        try:
            with self.engine.connect() as conn:
                found = conn.execute(query).first()
        except SQLAlchemyError as exc:
            raise StoreError(f"could not read task {task_id!r} from the database: {exc}") from exc
        if found is None:
            raise SubmissionNotFound(f"no submission for task {task_id!r} in the database")
        return Submission.from_json(found.payload, source=f"database row {found.id}")

    def rows(self) -> list[dict]:
        """Every stored row, oldest first (for dashboards and exports)."""
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(self.submissions).order_by(self.submissions.c.id))]


def default_store() -> SubmissionStore:
    """The store a widget or grade cell uses when none is given.

    Under nbgrader the submission is the file beside the notebook. Otherwise HOCVUSO_DB (set by
    `hocvuso serve`) names the classroom database; without it, the file beside the notebook.
    """
    settings = Settings.from_env()
    if not is_grading() and settings.db:
        return SqlStore(settings.db, class_code=settings.class_code)
    return FileStore(Path.cwd())


__all__ = ["FILE_SUFFIX", "FileStore", "MemoryStore", "SqlStore", "SubmissionStore", "default_store"]
