"""Benchmark: 100-notebook batches graded by stock `nbgrader autograde` and by `hocvuso grade`.

Two batches, each graded by both in the same run, on this machine:
* contest: hocvuso's own cells (two coding tasks with hidden cases, a contest-mode scam inbox);
* assert: stock nbgrader assert-style test cells (problem1 of nbgrader's documentation course ps1), which
  hocvuso grades in a judge-side test process per notebook, over the bridge, isolation on.
Stock nbgrader grades one notebook at a time with no isolation; hocvuso grade runs every notebook in its
sandbox with the default workers (= CPU cores). The script prints both wall times, the ratio, and whether
both agree on every score.

    python bench/grading.py [--students 100] [--batch contest|assert|both]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import nbformat  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402

from hocvuso._tools import tool_env  # noqa: E402
from hocvuso.grader.judge import grade_batch  # noqa: E402

from graderkit import ASSIGNMENT, hand_in, make_course, read_results  # noqa: E402

VARIANTS = [  # (tong body, la_so_chan body, inbox)
    ("return a + b", "return n % 2 == 0", "perfect"),
    ("return a - b", "return True", "wrong"),
    ("return a + b", "return n % 2 == 1", "perfect"),
    ("return abs(a) + abs(b)", "return n % 2 == 0", "wrong"),
]


ASSERT_ASSIGNMENT = "ps1"
PS1 = Path(nbformat.__file__).parents[1] / "nbgrader" / "docs" / "source" / "user_guide"


def contest_batch(work: Path, n: int) -> tuple[Path, str, Path]:
    """hocvuso's own cells (check_function with hidden cases, a contest-mode widget task)."""
    course = make_course(work / "course")
    submitted = work / "submitted"
    for i in range(n):
        tong, chan, inbox = VARIANTS[i % len(VARIANTS)]
        hand_in(submitted, course, f"hs-{i:04d}", tong=tong, chan=chan, inbox=inbox)
    return course, ASSIGNMENT, submitted


def assert_batch(work: Path, n: int) -> tuple[Path, str, Path]:
    """Stock nbgrader assert-style test cells: problem1 of nbgrader's documentation course (ps1), handed in as
    its two shipped submissions (bitdiddle's and hacker's) in turn."""
    course = work / "assert-course"
    (course / "source" / ASSERT_ASSIGNMENT).mkdir(parents=True)
    shutil.copy(PS1 / "source" / "ps1" / "problem1.ipynb", course / "source" / ASSERT_ASSIGNMENT)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.db_assignments = [dict(name='{ASSERT_ASSIGNMENT}')]\n")
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSERT_ASSIGNMENT, "--force"],
                          cwd=course, capture_output=True, text=True, env=tool_env())
    if done.returncode:
        raise SystemExit(f"nbgrader generate_assignment failed: {done.stderr[-2000:]}")
    submitted = work / "assert-submitted"
    for i in range(n):
        folder = submitted / f"hs-{i:04d}" / ASSERT_ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(PS1 / "submitted" / ("bitdiddle", "hacker")[i % 2] / "ps1" / "problem1.ipynb", folder)
    return course, ASSERT_ASSIGNMENT, submitted


def compare(label: str, course: Path, assignment: str, submitted: Path, out: Path, n: int, target: float) -> None:
    """Stock `nbgrader autograde` then `hocvuso grade` on the same notebooks; print times, ratio, agreement."""
    shutil.copytree(submitted, course / "submitted")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--create", "--force"],
                          cwd=course, capture_output=True, text=True, env=tool_env())
    stock = time.monotonic() - started
    stock_failed = sorted(set(re.findall(r"error processing assignment '[^']+' for student '([^']+)'",
                                         done.stdout + done.stderr)))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        stock_scores = {s.student.id: round(s.score, 2) for s in gb.assignment_submissions(assignment)
                        if s.student.id not in stock_failed}

    started = time.monotonic()
    summary = grade_batch(course=course, assignment=assignment, submissions=submitted, out=out)
    ours = time.monotonic() - started
    rows = read_results(out)
    ours_scores = {sid: round(float(row["score"]), 2) for sid, row in rows.items()}
    isolation = sorted({row["isolation"] for row in rows.values()})

    print(f"[{label}] {n} notebooks of '{assignment}'")
    print(f"  stock nbgrader autograde (sequential, no isolation): {stock:7.1f} s  {stock / n:.3f} s/notebook"
          + (f"  ({len(stock_failed)} notebooks failed in stock: {', '.join(stock_failed[:5])})"
             if stock_failed else ""))
    print(f"  hocvuso grade ({os.cpu_count()} workers, isolation={summary.isolation}; rows: {', '.join(isolation)}):"
          f"  {ours:7.1f} s  {ours / n:.3f} s/notebook")
    print(f"  throughput ratio: {stock / ours:.1f}x  (target >= {target:g}x)")
    disagree = {k: (stock_scores.get(k), v) for k, v in ours_scores.items()
                if k in stock_scores and stock_scores[k] != v}
    print(f"  scores agree with stock nbgrader on {len(stock_scores) - len(disagree)}/{len(stock_scores)} notebooks "
          "that stock graded" + (f"; differ: {dict(list(disagree.items())[:5])}" if disagree else ""), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--batch", choices=("contest", "assert", "both"), default="both",
                        help="contest: hocvuso's own cells (target 20x); assert: stock nbgrader assert test cells "
                             "graded by judge-side test processes (target 10x)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hocvuso-bench-"))
    n = args.students
    try:
        print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f} (other work on the machine "
              "slows both sides)", flush=True)
        if args.batch in ("contest", "both"):
            compare("contest", *contest_batch(work, n), work / "out", n, 20)
        if args.batch in ("assert", "both"):
            compare("assert", *assert_batch(work, n), work / "assert-out", n, 10)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
