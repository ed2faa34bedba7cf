"""Where student code cannot be isolated, `hocvuso grade` refuses — unless the judge says --no-sandbox,
and then every result says isolation=none."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from graderkit import ASSIGNMENT, hand_in, make_course, read_results

pytestmark = [pytest.mark.slow]


def test_refuses_without_a_sandbox_unless_told(tmp_path):
    course = make_course(tmp_path / "course")
    sub = tmp_path / "submitted"
    hand_in(sub, course, "an")
    # No bubblewrap on PATH: exactly what a judge's laptop without it looks like.
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}
    base = [sys.executable, "-m", "hocvuso", "grade", "--course", str(course), "--assignment", ASSIGNMENT,
            "--submissions", str(sub)]
    done = subprocess.run([*base, "--out", str(tmp_path / "o1")], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode != 0
    assert "cannot isolate student code" in done.stderr and "--no-sandbox" in done.stderr
    assert not (tmp_path / "o1" / "results.csv").exists()

    done = subprocess.run([*base, "--out", str(tmp_path / "o2"), "--no-sandbox"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "isolation: none" in done.stdout
    row = read_results(tmp_path / "o2")["an"]
    assert row["isolation"] == "none" and row["score"] == "10.0"
