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
