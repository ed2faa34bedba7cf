"""The classroom database: one engine per URL per process, its tables created once, its URL as shown.

The roster (`identity.Roster`) and the submissions (`SqlStore`) live in one database (SQLite by
default, any SQLAlchemy URL). Both open it through `open_database`, so a kernel holds one engine and
one connection pool for it, and checks its tables once, not at every `Roster(...)` or widget:

* one engine per URL and process (never shared across a fork: the key holds the pid);
* one table-creation guard: many kernels starting at once may race to create a table, which is fine;
* a SQLite file and its -wal/-shm readable by this user only (0600), whoever opens it first;
* SQLite in WAL mode with a busy timeout, so a class saving at once waits briefly instead of failing.

The URL a server gives its kernels (`store_url`) is resolved once, by that server: a relative SQLite
path made absolute, a PostgreSQL URL given the installed driver.
"""
from __future__ import annotations

import importlib.util
import os
import sqlite3
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from ._errors import StoreError


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
_tables_ready: set[tuple[int, str, int]] = set()
_lock = threading.Lock()


def open_database(url: str, metadata: sa.MetaData) -> sa.Engine:
    """The engine of `url` in this process, with `metadata`'s tables created.

    One engine per database per process (a kernel's roster and store share it; never across a fork);
    the tables of one `metadata` are checked once per process. Raises SQLAlchemyError (the caller
    says which store could not be opened) or StoreError for a URL that cannot be a database.
    """
    target = store_url(url)
    key = (os.getpid(), target)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            restrict_sqlite_files(target)
            engine = _engines[key] = _new_engine(target)
        if (*key, id(metadata)) not in _tables_ready:
            _create_tables(engine, metadata)
            _tables_ready.add((*key, id(metadata)))
    return engine


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
    engine_url = database_url(url)
    if engine_url.get_backend_name() != "sqlite" or not engine_url.database or engine_url.database == ":memory:":
        return True
    target = engine_url.render_as_string(hide_password=False)
    with _lock:
        for key in [k for k in _engines if k[1] == target]:
            _engines.pop(key).dispose()  # this process's own pooled connection would keep WAL mode on
            _tables_ready.difference_update({r for r in _tables_ready if r[:2] == key})
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


def restrict_sqlite_files(url: str) -> None:
    """Make a SQLite database and its -wal/-shm files readable by this user only (0600).

    SQLite creates -wal and -shm with the database file's mode, so a 0600 database keeps them private;
    files made earlier with a laxer mode are tightened here. Other databases are left alone.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    db = Path(parsed.database).expanduser()
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(db, os.O_CREAT | os.O_WRONLY, 0o600))
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except FileNotFoundError:
            pass
        except PermissionError:
            pass  # not ours (a kernel of a server run by another user): nothing to tighten from here


__all__ = ["checkpoint", "database_url", "open_database", "restrict_sqlite_files", "shown_url", "store_url"]
