"""Benchmark: one 100-notebook batch graded by stock `nbgrader autograde` and by `hocvuso grade`.

Both grade the same submissions of the same assignment (two coding tasks with hidden cases and a
contest-mode scam inbox), in the same run, on this machine. Stock nbgrader grades one notebook at a
time with no isolation; hocvuso grade runs every notebook in its sandbox with the default workers
(= CPU cores). The script prints both wall times, the ratio, and whether both agree on every score.

    python bench/grading.py [--students 100]
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

from graderkit import ASSIGNMENT, hand_in, make_course, read_results  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402

from hocvuso._tools import tool_env  # noqa: E402
from hocvuso.grader.judge import grade_batch  # noqa: E402

VARIANTS = [  # (tong body, la_so_chan body, inbox)
    ("return a + b", "return n % 2 == 0", "perfect"),
    ("return a - b", "return True", "wrong"),
    ("return a + b", "return n % 2 == 1", "perfect"),
    ("return abs(a) + abs(b)", "return n % 2 == 0", "wrong"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hocvuso-bench-"))
    try:
        course = make_course(work / "course")
        submitted = work / "submitted"
        for i in range(args.students):
            tong, chan, inbox = VARIANTS[i % len(VARIANTS)]
            hand_in(submitted, course, f"hs-{i:04d}", tong=tong, chan=chan, inbox=inbox)
        print(f"batch: {args.students} notebooks of '{ASSIGNMENT}' on {os.cpu_count()} cores; load average before: "
              f"{os.getloadavg()[0]:.1f} (other work on the machine slows both sides)", flush=True)

        shutil.copytree(submitted, course / "submitted")
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--create", "--force"],
                              cwd=course, capture_output=True, text=True, env=tool_env())
        stock = time.monotonic() - started
        stock_failed = sorted(set(re.findall(r"error processing assignment '[^']+' for student '([^']+)'",
                                             done.stdout + done.stderr)))
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            stock_scores = {s.student.id: round(s.score, 2) for s in gb.assignment_submissions(ASSIGNMENT)
                            if s.student.id not in stock_failed}

        started = time.monotonic()
        summary = grade_batch(course=course, assignment=ASSIGNMENT, submissions=submitted, out=work / "out")
        ours = time.monotonic() - started
        ours_scores = {sid: round(float(row["score"]), 2) for sid, row in read_results(work / "out").items()}

        n = args.students
        print(f"stock nbgrader autograde (sequential, no isolation): {stock:7.1f} s  {stock / n:.3f} s/notebook"
              + (f"  ({len(stock_failed)} notebooks failed in stock: {', '.join(stock_failed[:5])})"
                 if stock_failed else ""))
        print(f"hocvuso grade ({os.cpu_count()} workers, isolation={summary.isolation}):  {ours:7.1f} s  "
              f"{ours / n:.3f} s/notebook")
        print(f"throughput ratio: {stock / ours:.1f}x  (target >= 20x)")
        disagree = {k: (stock_scores.get(k), v) for k, v in ours_scores.items()
                    if k in stock_scores and stock_scores[k] != v}
        print(f"scores agree with stock nbgrader on {len(stock_scores) - len(disagree)}/{len(stock_scores)} notebooks "
              "that stock graded"
              + (f"; differ: {dict(list(disagree.items())[:5])}" if disagree else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
