"""`hocvuso check` (self-check) on a correct, a wrong and a damaged notebook; never a hidden case shown."""
from __future__ import annotations

import subprocess
import sys

import pytest
from nbformat.v4 import new_code_cell

from hocvuso.grader import self_check

from graderkit import NOTEBOOK, hand_in, make_course

pytestmark = [pytest.mark.slow]
HIDDEN_INPUTS = ("10, -4", "(7,)", "-3")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("check")
    course = make_course(root / "course")
    return root, course


def check(*args):
    return subprocess.run([sys.executable, "-m", "hocvuso", "check", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def test_correct_notebook_is_ready_to_hand_in(setup):
    root, course = setup
    folder = hand_in(root / "ok", course, "an")
    done = check(folder / NOTEBOOK)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đúng cấu trúc" in done.stdout and "Đạt 2/2 trường hợp công khai" in done.stdout
    assert "✓ tong(1, 2) trả về 3" in done.stdout and "Nhiệm vụ hop-thu: đã lưu câu trả lời" in done.stdout
    assert "Sẵn sàng nộp" in done.stdout
    done = check(folder / NOTEBOOK, "--course", course, "--lang", "en")
    assert done.returncode == 0 and "Ready to hand in" in done.stdout
    assert not any(h in done.stdout for h in HIDDEN_INPUTS), "hidden cases are never shown"


def test_wrong_notebook_shows_failing_public_cases_and_unsaved_answers(setup):
    root, course = setup
    folder = hand_in(root / "wrong", course, "binh", tong="return a - b", chan=None, inbox=None)
    done = check(folder / NOTEBOOK, "--lang", "en")
    assert done.returncode == 1
    out = done.stdout
    assert "Well-formed" in out and "0 of 2 public cases pass" in out
    assert "✗ tong(1, 2) gave -1, expected 3" in out
    assert "✗ la_so_chan(2) gave NotImplementedError, expected True" in out  # the release stub, untouched
    assert "Not answered yet: cau-2" in out
    assert "Task hop-thu: no saved answers yet" in out and "hop-thu.hocvuso.json" in out
    assert "hidden cases that are not shown" in out and "Not ready yet" in out
    assert not any(h in out for h in HIDDEN_INPUTS)


def test_damaged_notebooks_are_reported(setup):
    root, course = setup

    def retype_and_delete(nb):
        nb.cells[2].source = nb.cells[2].source.replace("((1, 2), 3)", "((1, 2), -1)")
        del nb.cells[0]  # the locked statement cell

    folder = hand_in(root / "tampered", course, "chi", tong="return a - b", edit=retype_and_delete)
    done = check(folder / NOTEBOOK, "--lang", "en")
    assert done.returncode == 1
    assert "Not well-formed" in done.stdout and "Locked cell cau-1-kiem-tra was changed" in done.stdout
    assert "tong(1, 2)" not in done.stdout, "a retyped test cell is not trusted, its cases are not run"
    done = check(folder / NOTEBOOK, "--course", course, "--lang", "en")
    assert done.returncode == 1
    assert "Cell de-bai was deleted" in done.stdout and "Locked cell cau-1-kiem-tra was changed" in done.stdout
    assert "✗ tong(1, 2) gave -1, expected 3" in done.stdout, "with the course, the release's cases are run"

    broken = root / "broken" / NOTEBOOK
    broken.parent.mkdir()
    broken.write_bytes((folder / NOTEBOOK).read_bytes()[:500])
    done = check(broken)
    assert done.returncode == 1 and "Không đọc được sổ tay" in done.stdout and "Chưa sẵn sàng" in done.stdout


def test_endless_code_is_stopped_and_self_check_inside_the_notebook_does_not_recurse(setup):
    root, course = setup

    def loop_and_self_check(nb):
        nb.cells.append(new_code_cell("from hocvuso.grader import self_check\nself_check()"))
        nb.cells.insert(2, new_code_cell("while True:\n    pass"))

    folder = hand_in(root / "loop", course, "dung", edit=loop_and_self_check)
    report = self_check(folder / NOTEBOOK, locale="en", timeout=4)
    assert not report.ok and any("did not finish within 4 seconds" in n for n in report.notes)
    assert report.passed == 0 and report.total == 2

    def only_self_check(nb):
        nb.cells.append(new_code_cell("from hocvuso.grader import self_check\nr = self_check()"))

    folder = hand_in(root / "nested", course, "em", edit=only_self_check)
    report = self_check(folder / NOTEBOOK, locale="vi", timeout=60)
    assert report.ok and report.passed == 2, report.to_text()
    html = report._repr_html_()
    assert "Sẵn sàng nộp" in html and "<script" not in html


def test_self_check_finds_its_notebook_from_inside_jupyter(setup, monkeypatch):
    root, course = setup
    folder = hand_in(root / "inside", course, "giang")
    monkeypatch.chdir(folder)  # the kernel's folder holds this one notebook
    report = self_check(locale="en")
    assert report.notebook == NOTEBOOK and report.ok
    monkeypatch.setenv("JPY_SESSION_NAME", str(folder / NOTEBOOK))  # what Jupyter Server tells the kernel
    monkeypatch.chdir(root)
    assert self_check(locale="en").ok
