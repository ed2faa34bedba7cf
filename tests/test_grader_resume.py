"""Resume after a crash: SIGKILL a running `hocvuso grade` half-way, rerun, and compare with a clean run.

Every student must be graded exactly once (one journal row each, committed grades never redone) and
the final results must equal those of an uninterrupted batch. The same batch on a Dask LocalCluster
must give the same results as local workers.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hocvuso.grader.judge import grade_batch

from graderkit import ASSIGNMENT, hand_in, make_course, read_results

pytestmark = [pytest.mark.slow]
STABLE = ("student_id", "assignment", "score", "max_score", "status", "reason", "sha256", "isolation")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    course = make_course(root / "course")
    sub = root / "submitted"
    for i in range(14):
        kind = i % 3
        hand_in(sub, course, f"hs-{i:02d}",
                tong=["return a + b", "return a - b", "import time\ntime.sleep(0.4)\nreturn a + b"][kind],
                chan=["return n % 2 == 0", "return True", "return n % 2 == 0"][kind],
                inbox=["perfect", "wrong", "perfect"][kind])
    return course, sub, root


def _stable(results):
    return {sid: {k: row[k] for k in STABLE} for sid, row in results.items()}


def _journal_rows(out: Path) -> list[str]:
    with sqlite3.connect(out / ".hocvuso-journal.sqlite") as db:
        return [r[0] for r in db.execute("SELECT student_id FROM grades")]


@pytest.fixture(scope="module")
def clean_run(corpus):
    course, sub, root = corpus
    grade_batch(course=course, assignment=ASSIGNMENT, submissions=sub, out=root / "clean", workers=2, timeout=120)
    return read_results(root / "clean")


def test_sigkill_half_way_then_rerun_grades_each_student_once(corpus, clean_run):
    course, sub, root = corpus
    out = root / "killed"
    cmd = [sys.executable, "-m", "hocvuso", "grade", "--course", str(course), "--assignment", ASSIGNMENT,
           "--submissions", str(sub), "--out", str(out), "--workers", "1", "--timeout", "120"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    graded = 0
    while time.monotonic() < deadline:
        if (out / ".hocvuso-journal.sqlite").exists():
            try:
                graded = len(_journal_rows(out))
            except sqlite3.Error:
                graded = 0
            if graded >= 4:
                break
        assert proc.poll() is None, "the batch ended before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = _journal_rows(out)
    assert 4 <= len(first) < 14, f"kill came at {len(first)} of 14"
    assert not (out / "results.csv").exists(), "the killed batch must not have finished"

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{14 - len(first)} graded now, {len(first)} already graded" in done.stdout
    rows = _journal_rows(out)
    assert sorted(rows) == sorted(set(rows)) and len(rows) == 14, "each student exactly once"
    assert _stable(read_results(out)) == _stable(clean_run)


def test_rerun_of_a_finished_batch_grades_nothing(corpus, clean_run):
    course, sub, root = corpus
    summary = grade_batch(course=course, assignment=ASSIGNMENT, submissions=sub, out=root / "clean", workers=2)
    assert summary.graded_now == 0 and summary.already_graded == 14
    assert _stable(read_results(root / "clean")) == _stable(clean_run)


def test_dask_local_cluster_gives_the_same_results(corpus, clean_run):
    distributed = pytest.importorskip("distributed")
    course, sub, root = corpus
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = grade_batch(course=course, assignment=ASSIGNMENT, submissions=sub, out=root / "dask",
                              scheduler=cluster.scheduler_address, timeout=120)
    assert summary.graded_now == 14
    assert _stable(read_results(root / "dask")) == _stable(clean_run)
