"""The same classroom code against a real PostgreSQL server (a throwaway cluster started here).

The classroom store and roster are SQLAlchemy; this proves the PostgreSQL path for real: a
cluster is made with `initdb` in a temporary folder and started with `pg_ctl` on a unix socket
(as the unprivileged `postgres` user when the tests run as root), then removed. Skipped, with the
reason, only where no PostgreSQL binaries or no driver exist.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hocvuso.classroom import results_from_rows
from hocvuso.core import Learner, Roster, SqlStore, Submission, SubmissionNotFound, load_inbox

pytestmark = pytest.mark.slow

PASSWORD = "mat-khau-Lop9A"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="module")
def postgres_url():
    pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg 3 not installed (pip install '.[postgres]')")
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (Debian package 'postgresql', see scripts/test.sh)")
    tmp = Path(tempfile.mkdtemp(prefix="hv-pg-"))
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as the 'postgres' user
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to own the cluster")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        os.chown(sock, pw.pw_uid, pw.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    user = "postgres" if run_as else pwd.getpwuid(os.geteuid()).pw_name
    (tmp / "pw").write_text(PASSWORD + "\n")
    os.chmod(tmp / "pw", 0o644)
    # A password, as a school's or a hub's server has: scram-sha-256 on the socket, nothing trusted.
    subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=scram-sha-256",
                    f"--pwfile={tmp / 'pw'}", "-E", "UTF8", "--locale=C"], check=True, capture_output=True)
    started = subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w",
                              "-o", f"-k {sock} -c listen_addresses='' -c fsync=off", "start"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.skip(f"PostgreSQL could not be started: {started.stderr or started.stdout}")
    try:
        # The bare scheme, as a teacher writes it: hocvuso picks the installed driver.
        yield f"postgresql://{user}:{PASSWORD}@/postgres?host={sock}"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def test_roster_and_store_on_postgresql(postgres_url):
    roster = Roster(postgres_url)
    roster.ensure_class("PG1", pin="424242")
    assert roster.check_pin("PG1", "424242") and not roster.check_pin("PG1", "000000")
    # The PIN lockout and teacher sessions on PostgreSQL too (issue 18): counted per class, then a wait.
    tries = [Roster(postgres_url).try_pin("PG1", "000000") for _ in range(6)]
    assert [t.checked for t in tries] == [True] * 5 + [False] and tries[-1].wait > 0
    with roster.engine.begin() as conn:
        conn.execute(Roster.pin_guard.update().values(next_try=0.0))
    assert roster.try_pin("PG1", "424242").ok
    assert roster.is_teacher("PG1", roster.start_teacher_session("PG1"))
    store = SqlStore(postgres_url)
    scenario, key = load_inbox("hop-thu-1")
    first = scenario.messages[0].id

    def one(i: int) -> Learner:
        learner, token = roster.sign_in("pg1", "Trần Thị Lan")  # same name, 30 times
        assert roster.resolve(token) == learner
        answers = {"messages": {first: {"verdict": key.messages[first].verdict, "flags": []}}, "inspected": {}}
        store.save(Submission(task_id="hop-thu", kind="inbox", scenario_id="hop-thu-1", answers=answers,
                              learner=learner))
        return learner

    with ThreadPoolExecutor(max_workers=10) as pool:  # concurrent writers, as in a class
        learners = list(pool.map(one, range(30)))
    assert len({lr.learner_id for lr in learners}) == 30
    rows = [r for r in store.rows() if r["class_code"] == "PG1"]
    assert len(rows) == 30
    # One learner's answers are never another's: load is per learner, anonymous sees nothing.
    assert store.load("hop-thu", learner=learners[0]).learner == learners[0]
    with pytest.raises(SubmissionNotFound):
        store.load("hop-thu")
    results = results_from_rows(store.rows(), class_code="PG1")
    assert len(results) == 30 and all(r.learner_name == "Trần Thị Lan" for r in results)


def test_a_wrong_password_is_one_clear_line_with_the_password_masked(postgres_url):
    from hocvuso.core import StoreError

    wrong = postgres_url.replace(PASSWORD, "sai-mat-khau")
    with pytest.raises(StoreError) as caught:
        SqlStore(wrong)
    assert "sai-mat-khau" not in str(caught.value) and "***" in str(caught.value)


def test_a_missing_driver_names_the_extra_to_install(postgres_url):
    from hocvuso.core import StoreError
    from hocvuso.core.database import database_url

    assert database_url(postgres_url).drivername == "postgresql+psycopg"
    with pytest.raises(StoreError, match=r"pip install 'hocvuso\[postgres\]'") as caught:
        database_url(postgres_url.replace("postgresql://", "postgresql+pg8000://"))
    assert PASSWORD not in str(caught.value)
    done = subprocess.run([sys.executable, "-m", "hocvuso", "serve", "--db",
                           postgres_url.replace("postgresql://", "postgresql+pg8000://")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr and PASSWORD not in done.stderr + done.stdout
    assert "hocvuso[postgres]" in done.stderr


def test_a_class_on_postgresql_survives_a_restart(postgres_url, tmp_path):
    """`hocvuso serve --db postgresql://…` twice without a class code: the same class, the answer restored."""
    from hocvuso.classroom._loadtest import SimLearner

    from test_classroom_restart import FIRST, SECOND, Serving, answer

    first = Serving(tmp_path, "--db", postgres_url)
    assert PASSWORD not in first.text() and "***" in first.text(), "the terminal masks the password"
    binh = SimLearner(first.base)
    binh.sign_in(first.class_code, "Lê Thị Bình")
    assert answer(binh, FIRST)["status"]["level"] == "ok"
    first.stop()

    second = Serving(tmp_path, "--db", postgres_url)
    assert second.class_code == first.class_code and second.how.startswith("tiếp tục")
    binh.base = second.base
    state = answer(binh, SECOND)
    assert state["status"]["level"] == "ok" and {FIRST, SECOND} <= set(state["answers"]["messages"])
    second.stop()
    rows = [r for r in SqlStore(postgres_url).rows() if r["class_code"] == first.class_code]
    assert [r["learner_name"] for r in rows] == ["Lê Thị Bình", "Lê Thị Bình"]
