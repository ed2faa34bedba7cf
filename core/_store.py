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

FILE_SUFFIX = ".hocvuso.json"


@runtime_checkable
class SubmissionStore(Protocol):
    """What every store does."""

    def save(self, submission: Submission, *, points: float | None = None,
             max_points: float | None = None) -> None:
        """Keep `submission` (and its score, where the caller computed one)."""

    def load(self, task_id: str, *, learner: Learner | None = None) -> Submission:
        """The latest submission for `task_id` of `learner` (None: anonymous); raise SubmissionNotFound if none."""


class MemoryStore:
    """Keeps submissions in a list; for tests and throw-away sessions."""

    def __init__(self) -> None:
        self.saved: list[Submission] = []

    def save(self, submission: Submission, *, points: float | None = None,
             max_points: float | None = None) -> None:
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

    def save(self, submission: Submission, *, points: float | None = None,
             max_points: float | None = None) -> None:
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
        sa.Column("points", sa.Float, nullable=True),
        sa.Column("max_points", sa.Float, nullable=True),
        sa.Column("saved_at", sa.String(40), nullable=False),
        sa.Column("payload", sa.UnicodeText, nullable=False),
    )

    def __init__(self, url: str, *, class_code: str = "") -> None:
        self.url = url
        self.class_code = class_code
        """When set (the classroom), a save must carry a learner of this class."""
        try:
            self.engine = _make_engine(url)
            _create_tables(self.engine, self.metadata)
        except SQLAlchemyError as exc:
            msg = f"cannot open the submission database {sa.engine.make_url(url).render_as_string(hide_password=True)}: {exc}"
            raise StoreError(msg) from exc

    def save(self, submission: Submission, *, points: float | None = None,
             max_points: float | None = None) -> None:
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
            "points": points,
            "max_points": max_points,
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


def _create_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """Create missing tables; many kernels starting at once may race to do it, and that is fine."""
    for attempt in range(5):
        try:
            metadata.create_all(engine)
            return
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as exc:
            # Another process created the table between our check and our CREATE: check again.
            if "already exists" not in str(exc).lower() and "duplicate" not in str(exc).lower() or attempt == 4:
                raise


_DRIVERS = {"postgresql": ("psycopg", "psycopg2")}
"""The DBAPI drivers hocvuso knows for a backend, preferred first (`hocvuso[postgres]` installs psycopg 3)."""


def database_url(url: str) -> sa.URL:
    """`url` as SQLAlchemy will open it: a relative SQLite path made absolute (kernels run in the lesson's
    folder), and a PostgreSQL URL given the driver that is installed (SQLAlchemy 2.1 maps a bare
    `postgresql://` to psycopg 3, 2.0 to psycopg2; either may be the one present).

    Raises StoreError with one line naming the fix when the URL is malformed or its driver is missing.
    """
    import importlib.util

    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError("the database setting is not a database URL; write it like sqlite:///lop.sqlite or "
                         "postgresql://user:password@host/db") from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        parsed = parsed.set(database=str(Path(parsed.database).expanduser().resolve()))
    known = _DRIVERS.get(backend)
    if known:
        explicit = "+" in parsed.drivername
        wanted = [driver] if explicit else list(known)
        found = next((d for d in wanted if importlib.util.find_spec(d) is not None), None)
        if found is None:
            raise StoreError(f"cannot open {shown_url(parsed)}: the {backend} driver "
                             f"({' or '.join(wanted)}) is not installed; install it with "
                             f"pip install 'hocvuso[postgres]'")
        parsed = parsed.set(drivername=f"{backend}+{found}")
    return parsed


def shown_url(url: str | sa.URL) -> str:
    """A database URL to print: the password masked."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(not a database URL)"


def store_url(url: str) -> str:
    """`database_url(url)` as a string with its password, for the environment of kernels."""
    return database_url(url).render_as_string(hide_password=False)


_engines: dict[tuple[int, str], sa.Engine] = {}


def _make_engine(url: str) -> sa.Engine:
    """One engine per database per process (a kernel's roster and store share it); never across a fork."""
    key = (os.getpid(), url)
    if key not in _engines:
        _engines[key] = _new_engine(url)
    return _engines[key]


def _new_engine(url: str) -> sa.Engine:
    engine_url = database_url(url)
    if engine_url.get_backend_name() != "sqlite":
        return sa.create_engine(engine_url, pool_pre_ping=True)
    if engine_url.database and engine_url.database != ":memory:":
        Path(engine_url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(engine_url, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised through every SQLite use
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


def checkpoint(url: str, *, seconds: float = 10.0) -> bool:
    """Fold an SQLite store's write-ahead log into its one file and leave WAL mode, so that copying the
    `.sqlite` file alone (to a USB stick) takes the whole class. Other databases: nothing to do.

    Called at a clean stop; a kernel that is still closing may hold the file for a moment, so this
    retries for `seconds`. Returns False if the log could not be folded in (the data is safe in the
    -wal file beside it, and the next start folds it in).
    """
    import sqlite3
    import time

    engine_url = database_url(url)
    if engine_url.get_backend_name() != "sqlite" or not engine_url.database or engine_url.database == ":memory:":
        return True
    target = engine_url.render_as_string(hide_password=False)
    for key in [k for k in _engines if database_url(k[1]).render_as_string(hide_password=False) == target]:
        _engines.pop(key).dispose()  # this process's own pooled connection would keep WAL mode on
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn = sqlite3.connect(engine_url.database, timeout=2)
            try:
                busy, _log, _moved = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy and conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete":
                    return True
            finally:
                conn.close()
        except sqlite3.Error:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def default_store() -> SubmissionStore:
    """The store a widget or grade cell uses when none is given.

    Under nbgrader the submission is the file beside the notebook. Otherwise HOCVUSO_DB (set by
    `hocvuso serve`) names the classroom database; without it, the file beside the notebook.
    """
    if not is_grading() and os.environ.get("HOCVUSO_DB"):
        return SqlStore(os.environ["HOCVUSO_DB"], class_code=os.environ.get("HOCVUSO_CLASS", ""))
    return FileStore(Path.cwd())


__all__ = ["FILE_SUFFIX", "FileStore", "MemoryStore", "SqlStore", "SubmissionStore", "checkpoint", "database_url",
           "default_store", "shown_url", "store_url"]
