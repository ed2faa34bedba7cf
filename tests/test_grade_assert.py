"""`hocvuso grade` on stock nbgrader courses: assert-style test cells graded by a judge-side process.

Real nbgrader, real bubblewrap, real cgroups: the student's cells run in the sandbox, each test cell runs
in a second sandboxed process that never ran student code, talking to the student's over the bridge.
The course builders and the cheats are test_bridge.py's (there the bridge is tested on its own).
"""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from hocvuso.grader.judge import _sandbox as sandbox
from hocvuso.grader.judge import grade_batch

from graderkit import nbgrader, read_results
from test_bridge import CHEATS, HONEST, PS1, TEST, WRONG, _course_with_assert_tests, passed_cells

pytestmark = pytest.mark.skipif(sandbox.probe() is not None or sandbox.probe_limits() is not None,
                                reason="needs bubblewrap and cgroups (root)")

PS1_AUTO = ("correct_squares", "squares_invalid_input", "correct_sum_of_squares", "sum_of_squares_uses_squares")
"""problem1's auto-graded test cells (assert cells)."""


def ps1_course(root: Path) -> Path:
    """nbgrader's documentation course (ps1, shipped in the installed nbgrader) with its two submissions."""
    course = root / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(PS1 / "source" / "ps1", course / "source" / "ps1")
    for name in ("bitdiddle", "hacker"):
        shutil.copytree(PS1 / "submitted" / name / "ps1", course / "submitted" / name / "ps1")
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'docs'\n"
                                               "c.CourseDirectory.db_assignments = [dict(name='ps1')]\n"
                                               "c.CourseDirectory.db_students = "
                                               "[dict(id='bitdiddle'), dict(id='hacker')]\n")
    return course


def cell_scores(course: Path, assignment: str, notebook: str, student: str, cells=PS1_AUTO) -> dict[str, float]:
    """Auto scores per test cell from the course's nbgrader gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grades = gb.find_submission_notebook(notebook, assignment, student).grades
        return {g.name: g.auto_score for g in grades if g.name in cells}


def test_ps1_graded_like_stock_autograde(tmp_path):
    """`hocvuso grade` on ps1: per test cell, what stock `nbgrader autograde` gave (the autograded notebooks
    nbgrader ships, and the totals its docs print: bitdiddle 1.5, hacker 3.0 automatic points)."""
    course = ps1_course(tmp_path)
    summary = grade_batch(course=course, assignment="ps1", submissions=course / "submitted", out=tmp_path / "out")
    assert summary.counts == {"ok": 2}, summary
    rows = read_results(tmp_path / "out")
    for name, total in (("bitdiddle", 1.5), ("hacker", 3.0)):
        got = cell_scores(course, "ps1", "problem1", name)
        stock = passed_cells(PS1 / "autograded" / name / "ps1" / "problem1.ipynb")
        assert {gid: score > 0 for gid, score in got.items()} == stock, got
        assert sum(got.values()) == total == float(rows[name]["score"])
        assert got["sum_of_squares_uses_squares"] == 0.5  # the test's `del squares` reached the student's namespace
        assert rows[name]["isolation"] == "sandbox + judge-side tests", rows[name]


@pytest.mark.slow
def test_ps1_per_cell_scores_equal_a_stock_autograde_run(tmp_path):
    """Stock `nbgrader autograde` and `hocvuso grade`, each on its own copy of the course, same gradebook rows."""
    stock_course = ps1_course(tmp_path / "stock")
    for args in (["generate_assignment", "ps1", "--force"], ["autograde", "ps1", "--force"]):
        run = nbgrader(stock_course, *args)
        assert run.returncode == 0, run.stderr[-3000:]
    ours = ps1_course(tmp_path / "ours")
    grade_batch(course=ours, assignment="ps1", submissions=ours / "submitted", out=tmp_path / "out")
    for name in ("bitdiddle", "hacker"):
        assert cell_scores(ours, "ps1", "problem1", name) == cell_scores(stock_course, "ps1", "problem1", name)


def test_each_cheat_gains_nothing_through_hocvuso_grade(tmp_path):
    """Input transformer, patched AssertionError, showtraceback off, always-equal objects, settrace …: every
    cheat of the grader notes scores 0 through `hocvuso grade`; the honest student keeps full marks."""
    students = {"honest": HONEST, "wrong": WRONG, **{name.replace("_", ""): code for name, code in CHEATS.items()}}
    course = _course_with_assert_tests(tmp_path / "course", students)
    summary = grade_batch(course=course, assignment="cheat", submissions=course / "submitted", out=tmp_path / "out")
    assert summary.faults == 0, summary
    rows = read_results(tmp_path / "out")
    scores = {name: float(row["score"]) for name, row in rows.items()}
    assert scores == {name: 2.0 if name == "honest" else 0.0 for name in students}, scores
    for name in ("honest", "inputtransformer", "patchedassertionerror", "showtracebackoff", "settrace"):
        assert rows[name]["isolation"] == "sandbox + judge-side tests", rows[name]
    for name in students:  # the scores stand in nbgrader's gradebook too
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            try:
                assert gb.find_submission("cheat", name).score == scores[name]
            except MissingEntry:
                pytest.fail(f"{name} missing from the gradebook")


def test_a_cell_the_bridge_cannot_carry_runs_beside_the_student_and_says_so(tmp_path):
    """A test cell with a magic is graded in the student's process (stock nbgrader's way), never silently."""
    course = _course_with_assert_tests(tmp_path / "course", {"honest": HONEST, "wrong": WRONG})
    source = nbformat.read(course / "source" / "cheat" / "p.ipynb", as_version=4)
    source.cells[1].source = "%time assert squares(3) == [1, 4, 9]\n"
    nbformat.write(source, course / "source" / "cheat" / "p.ipynb")
    for name in ("honest", "wrong"):  # the cell is locked: the students' copies carry the new release's cell
        handed = nbformat.read(course / "submitted" / name / "cheat" / "p.ipynb", as_version=4)
        handed.cells[1].source = source.cells[1].source
        nbformat.write(handed, course / "submitted" / name / "cheat" / "p.ipynb")
    shutil.rmtree(course / "release")
    grade_batch(course=course, assignment="cheat", submissions=course / "submitted", out=tmp_path / "out")
    rows = read_results(tmp_path / "out")
    assert float(rows["honest"]["score"]) == 2.0 and float(rows["wrong"]["score"]) == 0.0, rows
    for row in rows.values():
        assert "test cell(s) values graded beside the student's code" in row["isolation"], row
        assert "values graded beside the student's code" in row["reason"] and "IPython syntax" in row["reason"], row


def _notebook_with_tests(student_code: str) -> bytes:
    meta = {"schema_version": 3, "locked": True, "solution": False, "grade": True, "points": 1}
    cells = [nbformat.v4.new_code_cell(student_code),
             nbformat.v4.new_code_cell("", metadata={"nbgrader": {**meta, "grade_id": "spins"}}),
             nbformat.v4.new_code_cell("", metadata={"nbgrader": {**meta, "grade_id": "values"}})]
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells)).encode()


TESTS = [{"id": "spins", "source": "spin()\n", "points": 1.0}, {"id": "values", "source": TEST, "points": 1.0}]


@pytest.mark.parametrize("isolate", [True, False], ids=["sandbox", "no-sandbox"])
def test_a_student_call_over_time_is_interrupted_inside_its_pid_namespace(tmp_path, isolate):
    """The judge-side process cannot see the student's (another pid namespace): the supervisor interrupts it
    by its host pid; the endless call scores 0 and the next test cell still runs. Without a sandbox too."""
    code = HONEST + "def spin():\n    while True:\n        pass\n"
    job = {"notebook": "p.ipynb", "skip_ids": ["spins", "values"], "probes": [], "tests": TESTS}
    outcome = sandbox.run(None if isolate else tmp_path, job, files={"p.ipynb": _notebook_with_tests(code)},
                          limits=sandbox.Limits(test_cell_seconds=2.0, wall_seconds=60), isolate=isolate)
    assert outcome.state == "finished", outcome
    verdicts = outcome.result["tests"]
    assert verdicts["spins"]["score"] == 0.0 and "longer than 2 s" in verdicts["spins"]["error"], verdicts
    assert verdicts["values"]["score"] == 1.0, verdicts
    assert outcome.seconds < 30, outcome


def test_a_student_ignoring_the_interrupt_ends_at_the_wall_clock_with_reasons():
    code = HONEST + textwrap.dedent("""
        def spin():
            while True:
                try:
                    while True:
                        pass
                except KeyboardInterrupt:
                    pass
        """)
    job = {"notebook": "p.ipynb", "skip_ids": ["spins", "values"], "probes": [], "tests": TESTS}
    outcome = sandbox.run(None, job, files={"p.ipynb": _notebook_with_tests(code)},
                          limits=sandbox.Limits(test_cell_seconds=2.0, wall_seconds=12))
    assert outcome.state == "timeout", outcome
    assert outcome.seconds < 25, outcome
    verdicts = outcome.result["tests"]  # the channel broke: both cells score 0, each with its reason
    assert verdicts["spins"]["score"] == 0.0 and "longer than 2 s" in verdicts["spins"]["error"], verdicts
    assert verdicts["values"]["score"] == 0.0 and "longer than 2 s" in verdicts["values"]["error"], verdicts


def test_test_sources_never_enter_the_students_sandbox():
    """The student's code looks for the test's text everywhere it can read: job pipe, files, /run, /proc."""
    secret = "assert squares(3) == [1, 4, 9]  # SECRET-7f3a\n"
    code = HONEST + textwrap.dedent("""
        import os
        found = []
        for top in ("/run", "/home", "/tmp", "/proc/self"):
            for folder, dirs, files in os.walk(top):
                if folder.startswith(("/proc/self/task", "/proc/self/fd", "/proc/self/fdinfo")):
                    continue
                for name in files:
                    try:
                        with open(os.path.join(folder, name), "rb") as fh:
                            if b"SECRET-" + b"7f3a" in fh.read(1 << 20):
                                found.append(os.path.join(folder, name))
                    except OSError:
                        pass
        def spin():
            return found
        """)
    tests = [{"id": "spins", "source": "assert spin() == [], spin()\n", "points": 1.0},
             {"id": "values", "source": secret, "points": 1.0}]
    job = {"notebook": "p.ipynb", "skip_ids": ["spins", "values"], "probes": [], "tests": tests}
    outcome = sandbox.run(None, job, files={"p.ipynb": _notebook_with_tests(code)}, limits=sandbox.Limits())
    verdicts = outcome.result["tests"]
    assert verdicts["spins"]["score"] == 1.0, verdicts["spins"]
    assert verdicts["values"]["score"] == 1.0, verdicts


def test_hidden_tests_run_judge_side_and_are_not_quoted_in_feedback(tmp_path):
    """A test cell's hidden part (source notebook only) is graded, and the error students read names its line
    without quoting it."""
    course = _course_with_assert_tests(tmp_path / "course", {"honest": HONEST, "offbyone": OFF_BY_ONE})
    path = course / "source" / "cheat" / "p.ipynb"
    source = nbformat.read(path, as_version=4)
    source.cells[1].source = TEST + "### BEGIN HIDDEN TESTS\nassert squares(5)[-1] == 25  # SECRET-a91\n" \
                                    "### END HIDDEN TESTS\n"
    nbformat.write(source, path)
    shutil.rmtree(course / "release")
    grade_batch(course=course, assignment="cheat", submissions=course / "submitted", out=tmp_path / "out")
    rows = read_results(tmp_path / "out")
    assert float(rows["honest"]["score"]) == 2.0 and float(rows["offbyone"]["score"]) == 1.0, rows
    feedback = "".join(p.read_text() for p in (tmp_path / "out" / "feedback").glob("offbyone-*.html"))
    assert "values: 0 / 1" in feedback and "SECRET-a91" not in feedback
    autograded = (course / "autograded" / "offbyone" / "cheat" / "p.ipynb").read_text()
    assert "(hidden test)" in autograded and "SECRET-a91" not in autograded


OFF_BY_ONE = ("def squares(n):\n    if n < 1:\n        raise ValueError\n"
              "    return [i * i for i in range(1, min(n, 3) + 1)]\n")


def test_a_test_cell_reads_a_data_file_of_the_release(tmp_path):
    """The judge-side process gets the release's data files (and only those): a test comparing with an
    expected-answers file works; the student's own copy of that file does not count."""
    course = _course_with_assert_tests(tmp_path / "course", {"honest": HONEST, "wrong": WRONG})
    (course / "source" / "cheat" / "expected.json").write_text("[1, 4, 9]")
    path = course / "source" / "cheat" / "p.ipynb"
    source = nbformat.read(path, as_version=4)
    source.cells[1].source = "import json\nwith open('expected.json') as fh:\n    assert squares(3) == json.load(fh)\n"
    nbformat.write(source, path)
    shutil.rmtree(course / "release")
    for name in ("honest", "wrong"):
        handed = course / "submitted" / name / "cheat"
        notebook = nbformat.read(handed / "p.ipynb", as_version=4)
        notebook.cells[1].source = source.cells[1].source
        nbformat.write(notebook, handed / "p.ipynb")
        (handed / "expected.json").write_text("[0, 0, 0]")  # the wrong student's "expected" answers
    grade_batch(course=course, assignment="cheat", submissions=course / "submitted", out=tmp_path / "out")
    rows = read_results(tmp_path / "out")
    assert float(rows["honest"]["score"]) == 2.0 and float(rows["wrong"]["score"]) == 0.0, rows


def test_test_cells_see_the_student_state_at_their_place_in_the_notebook():
    meta = {"schema_version": 3, "locked": True, "solution": False, "grade": True, "points": 1}
    cells = [nbformat.v4.new_code_cell("x = 1"),
             nbformat.v4.new_code_cell("", metadata={"nbgrader": {**meta, "grade_id": "first"}}),
             nbformat.v4.new_code_cell("x = x + 10"),  # sees what the first test wrote through (x = 5)
             nbformat.v4.new_code_cell("", metadata={"nbgrader": {**meta, "grade_id": "second"}})]
    tests = [{"id": "first", "source": "assert x == 1\nx = 5\n", "points": 1.0},
             {"id": "second", "source": "assert x == 15, x\n", "points": 1.0}]
    job = {"notebook": "p.ipynb", "skip_ids": ["first", "second"], "probes": [], "tests": tests}
    notebook = nbformat.writes(nbformat.v4.new_notebook(cells=cells)).encode()
    outcome = sandbox.run(None, job, files={"p.ipynb": notebook}, limits=sandbox.Limits())
    verdicts = outcome.result["tests"]
    assert verdicts["first"]["score"] == 1.0 and verdicts["second"]["score"] == 1.0, verdicts
