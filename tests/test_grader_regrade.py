"""The grader's own failures are never a student's grade, and a judge can regrade chosen rows.

A failure of the grader's machinery while grading one student (GraderFault, or any unexpected exception:
a worker that cannot see a path, a lost worker) makes that student's row `error` with a reason that says
it was the grader's fault; the journal does not count it as graded, so the next run grades it again.
`hocvuso grade --regrade STATUS|STUDENT` regrades chosen rows. Real batches of the widget-only lesson.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from hocvuso.grader._errors import GraderFault
from hocvuso.grader.judge import _batch, grade_batch

from graderkit import lesson_course, read_results

pytestmark = [pytest.mark.slow]
LESSON = "lua-dao-tin-nhan"


def hocvuso(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "hocvuso", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = lesson_course(tmp_path_factory.mktemp("regrade") / "course", LESSON)
    sub = course.parent / "submitted"
    for who in ("an", "bi", "cu", "dung"):
        shutil.copytree(course / "release" / LESSON, sub / who / LESSON)
    (sub / "em").mkdir()  # handed in nothing: missing
    return course, sub


def final_rows(out):
    with sqlite3.connect(out / ".hocvuso-journal.sqlite") as db:
        return dict(db.execute("SELECT student_id, final FROM grades"))


def test_grader_failures_are_regraded_by_the_next_run(course, tmp_path, monkeypatch):
    course, sub = course
    out = tmp_path / "out"
    real = _batch.grade_one

    def machinery_fails(candidate, spec, **kw):
        if candidate.student_id == "bi":
            raise GraderFault("the worker could not see /srv/scratch/run-0 (mount lost)")
        if candidate.student_id == "cu":
            raise ConnectionResetError("lost the connection to the worker")
        return real(candidate, spec, **kw)

    monkeypatch.setattr(_batch, "grade_one", machinery_fails)
    summary = grade_batch(course=course, assignment=LESSON, submissions=sub, out=out, workers=2)
    assert summary.faults == 2 and summary.counts == {"ok": 2, "error": 2, "missing": 1}
    rows = read_results(out)
    for who, words in {"bi": "mount lost", "cu": "ConnectionResetError"}.items():
        assert rows[who]["status"] == "error" and rows[who]["score"] == "0.0"
        assert "the grader itself failed" in rows[who]["reason"] and "not the student's code" in rows[who]["reason"]
        assert words in rows[who]["reason"] and "run the same command again" in rows[who]["reason"]
    assert final_rows(out) == {"an": 1, "bi": 0, "cu": 0, "dung": 1, "em": 1}
    monkeypatch.undo()

    done = hocvuso("grade", "--course", course, "--assignment", LESSON, "--submissions", sub, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "2 graded now, 3 already graded" in done.stdout and "grader failures" not in done.stderr
    rows = read_results(out)
    assert rows["bi"]["status"] == rows["cu"]["status"] == "ok" and set(rows) == {"an", "bi", "cu", "dung", "em"}
    assert final_rows(out) == {"an": 1, "bi": 1, "cu": 1, "dung": 1, "em": 1}


def test_regrade_chosen_statuses_and_students(course, tmp_path):
    course, sub = course
    out = tmp_path / "out"
    done = hocvuso("grade", "--course", course, "--assignment", LESSON, "--submissions", sub, "--out", out)
    assert done.returncode == 0
    first = read_results(out)
    done = hocvuso("grade", "--course", course, "--assignment", LESSON, "--submissions", sub, "--out", out,
                   "--regrade", "missing", "--regrade", "an")
    assert done.returncode == 0, done.stderr
    assert "2 graded now, 3 already graded" in done.stdout
    again = read_results(out)
    assert again["an"]["graded_at"] >= first["an"]["graded_at"] and again["bi"]["graded_at"] == first["bi"]["graded_at"]
    assert {k: v["status"] for k, v in again.items()} == {k: v["status"] for k, v in first.items()}

    done = hocvuso("grade", "--course", course, "--assignment", LESSON, "--submissions", sub, "--out", out,
                   "--regrade", "khong-co-ai")
    assert done.returncode != 0 and "khong-co-ai" in done.stderr and "neither a status" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_per_submission_limits_refuses_unless_the_judge_allows_it(tmp_path, monkeypatch):
    from hocvuso.grader._errors import GraderError
    from hocvuso.grader.judge import _sandbox

    from graderkit import ASSIGNMENT, hand_in, make_course

    course = make_course(tmp_path / "course")
    hand_in(tmp_path / "submitted", course, "an")
    monkeypatch.setattr(_sandbox, "probe_limits", lambda: "no cgroup controller for memory and pids")
    with pytest.raises(GraderError, match="no cgroup controller.*--no-limits"):
        grade_batch(course=course, assignment=ASSIGNMENT, submissions=tmp_path / "submitted", out=tmp_path / "o")
    assert not (tmp_path / "o" / "results.csv").exists()
    summary = grade_batch(course=course, assignment=ASSIGNMENT, submissions=tmp_path / "submitted",
                          out=tmp_path / "o", allow_unlimited=True)
    assert summary.isolation == "sandbox (per-process limits only)"
    assert read_results(tmp_path / "o")["an"]["score"] == "10.0"


def test_a_lost_dask_worker_is_the_graders_fault_and_regraded(tmp_path):
    """A Dask worker killed while it grades a student: that row says the grader failed, and the next run grades it."""
    import os
    import signal
    import threading
    import time

    distributed = pytest.importorskip("distributed")
    import dask

    from graderkit import ASSIGNMENT, hand_in, make_course

    course = make_course(tmp_path / "course")
    sub = tmp_path / "submitted"
    hand_in(sub, course, "cham", tong="import time\ntime.sleep(4)\nreturn a + b")
    out = tmp_path / "out"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = {}
        batch = threading.Thread(target=lambda: result.update(summary=grade_batch(
            course=course, assignment=ASSIGNMENT, submissions=sub, out=out, scheduler=cluster.scheduler_address)))
        batch.start()
        deadline = time.monotonic() + 120
        while not any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.5)  # the student's code is running in the sandbox now
        for pid in client.run(os.getpid).values():
            os.kill(pid, signal.SIGKILL)
        batch.join(timeout=300)
    assert result["summary"].faults == 1
    row = read_results(out)["cham"]
    assert row["status"] == "error" and "the grader itself failed" in row["reason"] and "KilledWorker" in row["reason"]
    again = grade_batch(course=course, assignment=ASSIGNMENT, submissions=sub, out=out)
    assert again.graded_now == 1 and again.faults == 0
    assert read_results(out)["cham"]["status"] == "ok" and read_results(out)["cham"]["score"] == "10.0"
