"""The classroom's settings record and its database: every HOCVUSO_* name in one place, one engine per
database per process, and a class store made by the previous version still opening."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from hocvuso.classroom import _serve, results_from_rows
from hocvuso.core import Roster, SqlStore, Submission, load_inbox
from hocvuso.core.config import ENV_NAMES, Settings, SettingsError, env_name
from hocvuso.core.database import open_database

REPO = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = ("core", "content", "widgets", "grader", "classroom", "handin", "contest", "hocvuso")


def test_settings_round_trip_through_the_environment():
    s = Settings(db="sqlite:////tmp/lop.sqlite", class_code="LOP7A", locale="en", lessons=("a", "b"),
                 pools={"default": {"pool_size": 0}, "a/a.ipynb": {"pool_size": 40}}, zygote=False,
                 kernel_idle=25.5, max_kernels=12, hub_enrol=True)
    env = s.to_env()
    assert env["HOCVUSO_DB"] == "sqlite:////tmp/lop.sqlite" and env["HOCVUSO_LESSONS"] == "a,b"
    assert env["HOCVUSO_ZYGOTE"] == "0" and "HOCVUSO_MIN_FREE_MB" not in env  # defaults are not written
    assert Settings.from_env(env) == s
    assert Settings.from_env({}) == Settings()
    assert set(env) <= ENV_NAMES and env_name("kernel_key") == "HOCVUSO_KERNEL_KEY"


@pytest.mark.parametrize("name, value", [("HOCVUSO_KERNEL_IDLE", "ten"), ("HOCVUSO_MAX_KERNELS", "1.5"),
                                         ("HOCVUSO_MIN_FREE_MB", "-3"), ("HOCVUSO_ZYGOTE", "perhaps"),
                                         ("HOCVUSO_POOLS", "{not json"), ("HOCVUSO_POOLS", "[1]")])
def test_a_malformed_setting_is_refused_by_name(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_no_module_but_the_record_reads_a_hocvuso_variable():
    """The record owns the names: code reads `Settings.from_env()`, never os.environ["HOCVUSO_…"]."""
    reading = re.compile(r"""(environ(\.get)?\(?\[?|getenv\()\s*["']HOCVUSO_""")
    offenders = [f"{path.relative_to(REPO)}:{n}" for folder in PACKAGE_DIRS for path in (REPO / folder).rglob("*.py")
                 if path != REPO / "core" / "config.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if reading.search(line)]
    assert not offenders, offenders


def test_the_server_environment_carries_the_class_and_passes_other_settings_through(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCVUSO_LOCALE", "en")  # a teacher's shell left over from another class
    monkeypatch.setenv("HOCVUSO_KERNEL_IDLE", "25")  # tuning meant for this server
    monkeypatch.chdir(tmp_path)
    config = _serve.ServeConfig(class_code="LOP9", locale="vi", db_url=_serve.store_url("sqlite:///lop.sqlite"),
                                lessons=("lua-dao-tin-nhan",))
    env = _serve.voila_env(config, ["lua-dao-tin-nhan"])
    settings = Settings.from_env(env)
    assert settings.db == f"sqlite:///{tmp_path / 'lop.sqlite'}" and settings.class_code == "LOP9"
    assert settings.locale == "vi" and settings.kernel_idle == 25.0
    assert settings.pools["lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb"] == {"pool_size": 40}


def test_roster_and_store_share_one_engine_and_check_their_tables_once(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'lop.sqlite'}"
    statements: list[str] = []
    listen = (sa.Engine, "before_cursor_execute", lambda _c, _cur, stmt, *_a: statements.append(stmt))
    sa.event.listen(*listen)
    try:
        roster, store = Roster(url), SqlStore(url)
        assert roster.engine is store.engine
        first = len(statements)
        assert first > 0  # the tables were checked (and created) once
        monkeypatch.chdir(tmp_path)
        again = [Roster(url), SqlStore(url, class_code="LOP9"), SqlStore("sqlite:///lop.sqlite")]  # same file
        assert all(x.engine is roster.engine for x in again)
        assert len(statements) == first, statements[first:]  # no table checks for a second roster or store
    finally:
        sa.event.remove(*listen)
    assert (tmp_path / "lop.sqlite").stat().st_mode & 0o077 == 0  # private to this user, whoever opened it first


def test_a_class_store_of_the_previous_version_opens_and_keeps_its_answers(tmp_path):
    """Stores made before the score columns were dropped have them (nullable): old rows load, new saves
    leave them empty, the dashboard scores every row from its answers."""
    path = tmp_path / "old.sqlite"
    url = f"sqlite:///{path}"
    scenario, key = load_inbox("hop-thu-1")
    mid = scenario.messages[0].id
    answers = {"messages": {mid: {"verdict": key.messages[mid].verdict, "flags": []}}, "inspected": {}}
    with sqlite3.connect(path) as db:  # the previous version's table, as SQLAlchemy created it
        db.execute("CREATE TABLE submissions (id INTEGER NOT NULL, class_code VARCHAR(64) NOT NULL, "
                   "learner_id VARCHAR(128) NOT NULL, learner_name VARCHAR(200) NOT NULL, "
                   "task_id VARCHAR(64) NOT NULL, "
                   "kind VARCHAR(32) NOT NULL, scenario_id VARCHAR(128) NOT NULL, points FLOAT, max_points FLOAT, "
                   "saved_at VARCHAR(40) NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (id))")
        old = Submission(task_id="hop-thu", kind="inbox", scenario_id="hop-thu-1", answers=answers)
        db.execute("INSERT INTO submissions (class_code, learner_id, learner_name, task_id, kind, scenario_id, points, "
                   "max_points, saved_at, payload) VALUES ('LOP9', 'AAAA', 'Lan', 'hop-thu', 'inbox', 'hop-thu-1', 99, "
                   "100, ?, ?)", (old.saved_at, old.to_json()))
    roster = Roster(url)
    roster.ensure_class("LOP9", pin="112233")
    bich = roster.enrol("LOP9", "Bích", "BBBB")
    store = SqlStore(url, class_code="LOP9")
    lan = roster.enrol("LOP9", "Lan", "AAAA")
    assert store.load("hop-thu", learner=lan).answers == answers
    store.save(Submission(task_id="hop-thu", kind="inbox", scenario_id="hop-thu-1", answers=answers, learner=bich))
    assert store.load("hop-thu", learner=bich).answers == answers
    results = {r.learner_name: r for r in results_from_rows(store.rows(), class_code="LOP9")}
    assert results["Lan"].points == results["Bích"].points > 0  # scored from the answers, not the old 99
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT points FROM submissions WHERE learner_id='BBBB'").fetchone() == (None,)


def test_open_database_keeps_one_engine_per_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    metadata = sa.MetaData()
    sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True))
    assert open_database(url, metadata) is open_database(url, metadata)
    assert sa.inspect(open_database(url, metadata)).has_table("t")
