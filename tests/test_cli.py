"""The `hocvuso` command's contract: --help, --version, subcommands, errors without tracebacks."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hocvuso


def run(*args):
    return subprocess.run([sys.executable, "-m", "hocvuso", *args], capture_output=True, text=True, timeout=120)


def test_help_lists_the_commands():
    done = run("--help")
    assert done.returncode == 0
    for command in ("serve", "grade", "course", "assign"):
        assert command in done.stdout
    assert "Bình dân học vụ số" in done.stdout


def test_version():
    done = run("--version")
    assert done.returncode == 0 and hocvuso.__version__ in done.stdout


def test_console_script_is_installed():
    """pip puts the `hocvuso` command beside the interpreter (the venv's bin/, activated or not)."""
    from hocvuso._tools import scripts_dirs

    found = [Path(d) / "hocvuso" for d in scripts_dirs() if (Path(d) / "hocvuso").is_file()]
    assert found, f"no `hocvuso` command in {scripts_dirs()} after pip install"
    assert subprocess.run([str(found[0]), "--version"], capture_output=True, text=True).returncode == 0


def test_unknown_lesson_is_a_clear_error():
    done = run("serve", "--lesson", "khong-co-bai-nay")
    assert done.returncode != 0
    assert "no lesson 'khong-co-bai-nay'" in done.stderr and "lua-dao-tin-nhan" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_course_must_exist(tmp_path):
    done = run("serve", "--course", str(tmp_path / "khong-co"))
    assert done.returncode != 0 and "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_assign_works_from_a_venv_that_is_not_activated(tmp_path):
    """nbgrader's gradebook runs `alembic` by name: hocvuso finds it beside the interpreter, not on PATH."""
    import os

    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # no venv bin/ on PATH, as when calling venv/bin/hocvuso
    course = tmp_path / "khoa"
    for args in (("course", "init", str(course), "--assignment", "lua-dao-tin-nhan"),
                 ("assign", "--course", str(course), "lua-dao-tin-nhan")):
        done = subprocess.run([sys.executable, "-m", "hocvuso", *args], capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    assert (course / "release" / "lua-dao-tin-nhan" / "lua-dao-tin-nhan.ipynb").is_file()


def test_a_broken_source_notebook_is_one_line_naming_the_problem(tmp_path):
    (tmp_path / "source" / "bai").mkdir(parents=True)
    (tmp_path / "source" / "bai" / "bai.ipynb").write_text("{not json", encoding="utf-8")
    done = run("assign", "--course", str(tmp_path), "bai")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "NotJSONError" in done.stderr, done.stderr
