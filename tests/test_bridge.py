"""The bridge: stock nbgrader test cells run judge-side against a real student process over real pipes.

Every test starts the student's side as its own Python process (IPython's InteractiveShell runs the
student's cells, so input transformers, custom exception handlers and patched builtins are the real
things), then serves its namespace with `serve_namespace`; the test cells run here with
`run_assert_cell`. No mocks.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from hocvuso.grader._bridge import BridgeLimit, StudentChannel, StudentObject
from hocvuso.grader.judge._assertcell import (
    CellVerdict,
    grade_test_cell,
    needs_student_process,
    run_assert_cell,
)

from graderkit import nbgrader

DRIVER = textwrap.dedent("""
    import json, sys
    from IPython.core.interactiveshell import InteractiveShell
    from hocvuso.grader._bridge import ipython_cell_runner, serve_namespace
    plan = json.loads(sys.stdin.readline())
    rfd, wfd, max_bytes = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    shell = InteractiveShell.instance()
    for kind, source in plan:
        if kind == "student":
            shell.run_cell(source, store_history=True)
        elif kind == "stock":  # control: the test cell run the stock way, in the student's own shell
            result = shell.run_cell(source, store_history=True)
            print("STOCK", "passed" if result.success else "failed", flush=True)
        else:
            serve_namespace(shell.user_ns, rfd, wfd, max_bytes=max_bytes, run_cell=ipython_cell_runner(shell))
""")

PS1 = Path(nbformat.__file__).parents[1] / "nbgrader" / "docs" / "source" / "user_guide"


class Student:
    """A student's process: runs `plan` (student cells, then "serve" points) and answers over two pipes."""

    def __init__(self, plan: list[tuple[str, str]], *, call_timeout: float = 20.0,
                 max_bytes: int = 4 * 1024 * 1024) -> None:
        to_student_r, to_student_w = os.pipe()
        to_judge_r, to_judge_w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(to_student_r), str(to_judge_w), str(max_bytes)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            pass_fds=(to_student_r, to_judge_w))
        os.close(to_student_r)
        os.close(to_judge_w)
        self.proc.stdin.write(json.dumps(plan) + "\n")
        self.proc.stdin.close()
        self.proc.stdin = None
        self.output: str | None = None
        self.channel = StudentChannel(to_judge_r, to_student_w, call_timeout=call_timeout, max_bytes=max_bytes,
                                      interrupt=lambda: os.kill(self.proc.pid, signal.SIGINT))

    def run(self, source: str, points: float = 1.0) -> CellVerdict:
        verdict = run_assert_cell(source, self.channel, points=points)
        if not self.channel.broken:
            self.channel.end()
        return verdict

    def close(self) -> str:
        """Close the pipes (the student's end returns from serving) and collect what it printed."""
        if self.output is None:
            for fd in (self.channel.rfd, self.channel.wfd):
                os.close(fd)
            try:
                self.output, _ = self.proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.output, _ = self.proc.communicate()
        return self.output


@pytest.fixture
def student():
    started: list[Student] = []

    def start(plan: list[tuple[str, str]], **kw) -> Student:
        started.append(Student(plan, **kw))
        return started[-1]

    yield start
    for s in started:
        s.close()


def grade_cells(nb_path: Path) -> dict[str, dict]:
    nb = nbformat.read(nb_path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade_id")}


def ps1_plan(student_name: str) -> tuple[list[tuple[str, str]], list[tuple[str, str, float]]]:
    """The submitted notebook's cells in order, every auto-graded test cell replaced by the source's (as
    nbgrader's autograde restores it from the gradebook) and served judge-side."""
    source = grade_cells(PS1 / "source" / "ps1" / "problem1.ipynb")
    submitted = nbformat.read(PS1 / "submitted" / student_name / "ps1" / "problem1.ipynb", as_version=4)
    plan, tests = [], []
    for cell in submitted.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            original = source[meta["grade_id"]]
            plan.append(("serve", ""))
            tests.append((meta["grade_id"], original.source, float(original.metadata["nbgrader"]["points"])))
        else:
            plan.append(("student", cell.source))
    return plan, tests


def ps1_by_bridge(student, name: str) -> dict[str, float]:
    """Points per auto-graded test cell of problem1, each test run judge-side over the bridge."""
    plan, tests = ps1_plan(name)
    s = student(plan)
    got = {}
    for gid, source, points in tests:
        verdict = s.run(source, points)
        assert verdict.needs_student_process is None and verdict.isolation == "judge"
        assert verdict.score in (0.0, points), verdict
        assert verdict.score == points or verdict.error, verdict
        got[gid] = verdict.score
    return got


def passed_cells(nb_path: Path) -> dict[str, bool]:
    """Per auto-graded test cell of an autograded notebook: passed (no error output), as nbgrader scores it."""
    return {gid: not any(o.output_type == "error" for o in cell.outputs)
            for gid, cell in grade_cells(nb_path).items() if not cell.metadata["nbgrader"].get("solution")}


# What stock nbgrader's autograde gave these submissions: the autograded notebooks shipped in nbgrader's
# own documentation (user_guide/autograded/…, written by `nbgrader autograde`), whose totals the docs print
# (bitdiddle 1.5, hacker 3.0 of problem1's auto points). The slow test below reruns stock autograde.
@pytest.mark.parametrize("name", ["bitdiddle", "hacker"])
def test_ps1_judge_side_matches_stock_autograde(student, name):
    got = ps1_by_bridge(student, name)
    stock = passed_cells(PS1 / "autograded" / name / "ps1" / "problem1.ipynb")
    assert {gid: score > 0 for gid, score in got.items()} == stock
    assert sum(got.values()) == {"bitdiddle": 1.5, "hacker": 3.0}[name]
    assert got["sum_of_squares_uses_squares"] == 0.5  # `del squares` reached the student's namespace


@pytest.mark.slow
def test_ps1_stock_autograde_agrees(tmp_path, student):
    """Real stock `nbgrader autograde` on a copy of the docs' course: the bridge's per-cell points and totals
    equal its gradebook's, and its notebooks agree with the ones nbgrader ships."""
    import shutil

    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(PS1 / "source" / "ps1", course / "source" / "ps1")
    for name in ("bitdiddle", "hacker"):
        shutil.copytree(PS1 / "submitted" / name / "ps1", course / "submitted" / name / "ps1")
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'docs'\n"
                                               "c.CourseDirectory.db_assignments = [dict(name='ps1')]\n"
                                               "c.CourseDirectory.db_students = "
                                               "[dict(id='bitdiddle'), dict(id='hacker')]\n")
    for args in (["generate_assignment", "ps1", "--force"], ["autograde", "ps1", "--force"]):
        run = nbgrader(course, *args)
        assert run.returncode == 0, run.stderr[-3000:]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name in ("bitdiddle", "hacker"):
            stock = {grade.name: grade.auto_score
                     for grade in gb.find_submission_notebook("problem1", "ps1", name).grades
                     if grade.auto_score is not None and grade.name in {
                         "correct_squares", "squares_invalid_input", "correct_sum_of_squares",
                         "sum_of_squares_uses_squares"}}
            assert ps1_by_bridge(student, name) == stock
            fresh = course / "autograded" / name / "ps1" / "problem1.ipynb"
            assert passed_cells(fresh) == passed_cells(PS1 / "autograded" / name / "ps1" / "problem1.ipynb")


# ------------------------------------------------------------------------------------------ cheats

HONEST = ("def squares(n):\n    if n < 1:\n        raise ValueError('n >= 1')\n"
          "    return [i * i for i in range(1, n + 1)]\n")
WRONG = "def squares(n):\n    return [0] * n\n"
TEST = "assert squares(3) == [1, 4, 9], 'squares(3) is wrong'\nprint('Success!')\n"
RAISES_TEST = ("try:\n    squares(0)\nexcept ValueError:\n    pass\nelse:\n"
               "    raise AssertionError('did not raise')\n")

CHEATS = {
    "always_equal": WRONG + textwrap.dedent("""
        class Anything(list):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = None
        def squares(n):
            return Anything()
        """),
    "lying_bool": WRONG + textwrap.dedent("""
        class Yes(int):
            def __bool__(self): return True
            def __eq__(self, other): return Yes(1)
        class Answer:
            def __eq__(self, other): return Yes(0)
        def squares(n):
            return Answer()
        """),
    "lying_int": WRONG + textwrap.dedent("""
        class Liar(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __len__(self): return 3
            def __iter__(self): return iter([1, 4, 9])
            def __index__(self): return 9
            __hash__ = int.__hash__
        def squares(n):
            return Liar(0)
        """),
    "patched_assertionerror": WRONG + textwrap.dedent("""
        import builtins
        class AssertionError(Exception):
            pass
        builtins.AssertionError = type("AssertionError", (Warning,), {})
        get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)
        """),
    "input_transformer": WRONG + textwrap.dedent("""
        get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
        """),
    "showtraceback_off": WRONG + textwrap.dedent("""
        ip = get_ipython()
        ip.showtraceback = lambda *a, **k: None
        ip._showtraceback = lambda *a, **k: None
        """),
    "settrace": WRONG + textwrap.dedent("""
        import linecache, sys
        def tracer(frame, event, arg):  # jumps over every `assert` / `raise` line of later cells
            if event == 'line':
                line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).lstrip()
                if line.startswith(('assert', 'raise', 'np.testing')):
                    try:
                        frame.f_lineno = frame.f_lineno + 1
                    except ValueError:
                        pass
            return tracer
        sys.settrace(tracer)
        """),
    "getattr_trap": WRONG + textwrap.dedent("""
        class Trap:
            def __getattr__(self, name):
                return True
            def __array__(self, *a, **k):
                import numpy as np
                return np.array([1, 4, 9])
        def squares(n):
            return Trap()
        """),
    "shadowed_builtins": WRONG + textwrap.dedent("""
        def all(*a): return True
        def len(*a): return 3
        def isinstance(*a): return True
        """),
}


@pytest.mark.parametrize("cheat", sorted(CHEATS))
def test_each_cheat_gains_nothing(student, cheat):
    s = student([("student", CHEATS[cheat])] + [("serve", "")] * 4)
    plain = s.run(TEST)
    assert plain.score == 0.0, plain
    assert "squares(3) is wrong" in plain.error or "AssertionError" in plain.error
    raises = s.run(RAISES_TEST)
    assert raises.score == 0.0 and "AssertionError: did not raise" in raises.error, raises
    with_all = s.run("assert all(a == b for a, b in zip(squares(3), [1, 4, 9])) and len(squares(3)) == 3\n"
                     "assert isinstance(squares(3), list)\n")
    assert with_all.score == 0.0, with_all
    np_check = s.run("import numpy as np\nnp.testing.assert_array_equal(np.asarray(squares(3)), [1, 4, 9])\n")
    assert np_check.score == 0.0, np_check


def test_honest_student_passes_the_same_tests(student):
    s = student([("student", HONEST)] + [("serve", "")] * 3)
    assert s.run(TEST).score == 1.0
    assert s.run(RAISES_TEST, 2.0).score == 2.0
    np_check = s.run("import numpy as np\nnp.testing.assert_array_equal(np.asarray(squares(3)), [1, 4, 9])\n")
    assert np_check.score == 1.0, np_check


def test_stock_way_is_beaten_by_the_same_cheat(student):
    """Control: the input transformer really passes a wrong answer when the test runs in the student's shell."""
    s = student([("student", WRONG), ("stock", TEST), ("student", CHEATS["input_transformer"]), ("stock", TEST),
                 ("stock", RAISES_TEST), ("serve", "")])
    assert s.run(TEST).score == 0.0
    stock = [line for line in s.close().splitlines() if line.startswith("STOCK ")]
    assert stock == ["STOCK failed", "STOCK passed", "STOCK passed"]


def test_huge_reply_hits_the_size_limit_and_the_channel_survives(student):
    s = student([("student", "def big():\n    return list(range(10**7))\ndef small():\n    return 7\n"),
                 ("serve", ""), ("serve", "")], max_bytes=1024 * 1024)
    started = time.monotonic()
    verdict = s.run("try:\n    big()\nexcept Exception:\n    pass\nassert small() == 7\n")
    assert verdict.score == 0.0
    assert "larger than" in verdict.error
    assert time.monotonic() - started < 30
    assert s.run("assert small() == 7\n").score == 1.0


def test_endless_loop_hits_the_time_limit(student):
    s = student([("student", "def spin(n):\n    while True:\n        pass\ndef ok():\n    return 1\n"),
                 ("serve", ""), ("serve", "")], call_timeout=2.0)
    started = time.monotonic()
    # the loop "raises" nothing the test can catch: `except Exception` does not swallow a time limit
    verdict = s.run("try:\n    spin(1)\nexcept Exception:\n    pass\nelse:\n    raise AssertionError('no error')\n")
    assert verdict.score == 0.0
    assert "longer than 2 s" in verdict.error
    assert time.monotonic() - started < 20
    assert s.run("assert ok() == 1\n").score == 1.0  # interrupted, the student's process answers again


def test_loop_ignoring_sigint_breaks_the_channel_with_a_reason(student):
    stubborn = ("import signal\ndef spin():\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "    while True:\n        pass\n")
    s = student([("student", stubborn), ("serve", "")], call_timeout=1.0)
    verdict = run_assert_cell("spin()\n", s.channel, points=1)
    assert verdict.score == 0.0 and "longer than 1 s" in verdict.error
    assert s.channel.broken is not None
    started = time.monotonic()
    again = run_assert_cell("assert True\nlen([])\n", s.channel, points=1)  # fails at once, with the first reason
    assert again.score == 0.0 and "longer than 1 s" in again.error
    assert time.monotonic() - started < 1
    s.proc.kill()


def test_student_exceptions_arrive_as_builtin_classes(student):
    s = student([("student", textwrap.dedent("""
        class MyError(KeyError):
            pass
        class Weird(Exception):
            pass
        def f(kind):
            if kind == 'key': raise MyError('no such key')
            if kind == 'weird': raise Weird('strange')
            if kind == 'exit': raise SystemExit(3)
            if kind == 'stop': raise StopIteration
            return kind
        """)), ("serve", "")])
    verdict = s.run(textwrap.dedent("""
        import pytest
        with pytest.raises(KeyError, match='no such key'):
            f('key')
        with pytest.raises(Exception) as info:
            f('weird')
        assert type(info.value).__name__ == 'StudentError' and 'Weird: strange' in str(info.value)
        for kind in ('exit', 'stop'):
            try:
                f(kind)
            except (SystemExit, StopIteration):
                raise AssertionError('a BaseException or StopIteration crossed the bridge')
            except Exception:
                pass
        print('printed by the test')
        """))
    assert verdict.score == 1.0, verdict
    assert "printed by the test" in verdict.output


def test_values_round_trip_exactly(student):
    s = student([("student", textwrap.dedent("""
        import numpy as np, pandas as pd
        values = [None, True, 3, 2**100, -7**20000, -0.0, float('inf'), 1+2j, 'chữ', b'\\x00\\xff', (1, 'a'), {1, 2},
                  frozenset({'x'}), {('k', 1): [1.5]}]
        arr = np.arange(12, dtype=np.int16).reshape(3, 4)
        farr = np.array([[1.5, np.nan], [-np.inf, 2.25]], dtype='>f4')
        dates = np.array(['2026-01-01', '2026-12-31'], dtype='datetime64[ns]')
        objarr = np.array([1, 'a', None], dtype=object)
        scalar = np.float32(2.5)
        df = pd.DataFrame({'tên': ['An', 'Bình', None], 'điểm': [9.5, 7.0, np.nan], 'n': [1, 2, 3],
                           'ngày': pd.to_datetime(['2026-01-01', '2026-02-01', None]),
                           'loại': pd.Categorical(['a', 'b', 'a'])}, index=pd.Index([10, 20, 30], name='id'))
        series = pd.Series([1.0, 2.0], index=pd.date_range('2026-01-01', periods=2, freq='D'), name='s')
        import enum
        class Level(enum.IntEnum):
            HIGH = 3
        class Name(str):
            def __eq__(self, other): return True
        level, name = Level.HIGH, Name('An')
        import datetime, decimal, fractions, zoneinfo
        when = [datetime.date(2026, 12, 6), datetime.datetime(2026, 12, 6, 22, 5, 1, 7),
                datetime.datetime(2026, 12, 6, 22, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
                datetime.time(7, 30), datetime.timedelta(days=-1, seconds=5, microseconds=3),
                decimal.Decimal('0.1'), fractions.Fraction(1, 3),
                pd.Timestamp('2026-12-06 07:00', tz='Asia/Ho_Chi_Minh'),
                pd.Timestamp('2026-12-06'), pd.Timedelta('1h'), pd.NaT]
        multi = pd.DataFrame({'v': [1, 2]}, index=pd.MultiIndex.from_tuples([('a', 1), ('b', 2)], names=['x', 'y']))
        """)), ("serve", "")])
    ch = s.channel
    ns = {name: ch.request("get", name=name) for name in
          ("values", "arr", "farr", "dates", "objarr", "scalar", "df", "series", "multi", "level", "name", "when")}
    ch.end()
    import datetime
    import decimal
    import fractions
    expected_when = [datetime.date(2026, 12, 6), datetime.datetime(2026, 12, 6, 22, 5, 1, 7),
                     datetime.datetime(2026, 12, 6, 22, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
                     datetime.time(7, 30), datetime.timedelta(days=-1, seconds=5, microseconds=3),
                     decimal.Decimal("0.1"), fractions.Fraction(1, 3),
                     pd.Timestamp("2026-12-06 07:00", tz="Asia/Ho_Chi_Minh"), pd.Timestamp("2026-12-06"),
                     pd.Timedelta("1h")]
    assert ns["when"][:-1] == expected_when and ns["when"][-1] is pd.NaT
    assert [type(v) for v in ns["when"][:-1]] == [type(v) for v in expected_when]
    assert str(ns["when"][7].tz) == "Asia/Ho_Chi_Minh"
    assert type(ns["level"]) is int and ns["level"] == 3 and type(ns["name"]) is str and ns["name"] == "An"
    assert ns["values"].pop(4) == -7**20000  # past 4300 digits: carried in hex
    assert repr(ns["values"]) == repr([None, True, 3, 2**100, -0.0, float("inf"), 1 + 2j, "chữ", b"\x00\xff",
                                       (1, "a"), {1, 2}, frozenset({"x"}), {("k", 1): [1.5]}])
    assert [type(v) for v in ns["values"]] == [type(None), bool, int, int, float, float, complex, str, bytes,
                                               tuple, set, frozenset, dict]
    np.testing.assert_array_equal(ns["arr"], np.arange(12, dtype=np.int16).reshape(3, 4))
    assert ns["arr"].dtype == np.int16 and type(ns["arr"]) is np.ndarray
    assert ns["farr"].dtype == np.dtype(">f4")
    np.testing.assert_array_equal(ns["farr"], np.array([[1.5, np.nan], [-np.inf, 2.25]], dtype=">f4"))
    assert ns["dates"].dtype == np.dtype("datetime64[ns]") and str(ns["dates"][1]).startswith("2026-12-31")
    assert ns["objarr"].tolist() == [1, "a", None]
    assert type(ns["scalar"]) is np.float32 and ns["scalar"] == 2.5
    expected = pd.DataFrame({"tên": ["An", "Bình", None], "điểm": [9.5, 7.0, np.nan], "n": [1, 2, 3],
                             "ngày": pd.to_datetime(["2026-01-01", "2026-02-01", None]),
                             "loại": pd.Categorical(["a", "b", "a"])}, index=pd.Index([10, 20, 30], name="id"))
    assert type(ns["df"]) is pd.DataFrame
    pd.testing.assert_frame_equal(ns["df"], expected, check_exact=True)
    pd.testing.assert_series_equal(ns["series"], pd.Series([1.0, 2.0], index=pd.date_range("2026-01-01", periods=2,
                                                                                            freq="D"), name="s"))
    pd.testing.assert_frame_equal(ns["multi"], pd.DataFrame({"v": [1, 2]}, index=pd.MultiIndex.from_tuples(
        [("a", 1), ("b", 2)], names=["x", "y"])))


def test_student_objects_stay_remote_and_methods_work(student):
    s = student([("student", textwrap.dedent("""
        import numpy as np
        from math import sqrt
        class Counter:
            def __init__(self): self.n = 0
            def bump(self, by=1):
                self.n += by
                print('bumped')
                return self.n
            def __iter__(self): return iter(range(self.n))
            def __len__(self): return self.n
        counter = Counter()
        np.allclose = lambda *a, **k: True   # the student's numpy lies; the test's np is the judge's
        def fit(X, y): return float(np.dot(X, y))
        """)), ("serve", "")])
    verdict = s.run(textwrap.dedent("""
        assert counter.bump(2) == 2 and counter.bump(by=3) == 5
        assert counter.n == 5 and len(counter) == 5 and list(counter) == [0, 1, 2, 3, 4] and 4 in counter
        assert not np.allclose([1.0], [2.0])
        assert sqrt(16) == 4.0
        assert fit(np.array([1.0, 2.0]), np.array([3.0, 4.0])) == 11.0
        assert counter == counter and counter != 5
        try:
            counter < 3
        except TypeError:
            pass
        else:
            raise AssertionError('ordering on a student object must be refused')
        try:
            counter.__array_interface__
        except AttributeError:
            pass
        else:
            raise AssertionError('private attributes must stay remote')
        """))
    assert verdict.score == 1.0, verdict
    assert "bumped" in verdict.output


def test_cells_the_bridge_cannot_carry_say_so(student):
    for source in ("%%timeit\nsquares(3)\n", "get_ipython().run_line_magic('who', '')\n",
                   "import matplotlib.pyplot as plt\nassert len(plt.gca().lines) == 1\n",
                   "display(squares(3))\n", "assert _ == [1, 4, 9]\n"):
        assert needs_student_process(source), source
    assert needs_student_process("for _ in range(3):\n    assert squares(1) == [1]\n") is None
    s = student([("student", "def apply(f, x):\n    return f(x)\n")] + [("serve", "")] * 5)
    verdict = s.run("assert apply(lambda v: v + 1, 1) == 2\n")
    assert verdict.score is None and "cannot carry" in verdict.needs_student_process
    skipped = s.run("get_ipython()\n")
    assert skipped.score is None and "IPython" in skipped.needs_student_process
    # the pipeline's call: such cells run beside the student's code, and the verdict says where
    beside = []
    for source in ("assert apply(lambda v: v + 1, 1) == 2\nprint('ran')\n", "%pwd\nassert apply(abs, -2) == 2\n",
                   "%pwd\nassert apply(abs, -2) == 3, 'wrong'\n"):
        beside.append(grade_test_cell(source, s.channel, points=2))
        s.channel.end()
    assert [(v.score, v.isolation) for v in beside] == [(2, "student-process")] * 2 + [(0, "student-process")]
    assert "cannot carry" in beside[0].needs_student_process and "ran" in beside[0].output
    assert "IPython syntax" in beside[1].needs_student_process and "AssertionError: wrong" in beside[2].error
    assert grade_test_cell("assert apply(abs, -2) == 2\n", s.channel, points=2).isolation == "judge"


def test_partial_credit_and_stderr_follow_nbgrader(student):
    s = student([("student", "import sys\ndef noisy():\n    print('warn', file=sys.stderr)\n    return 1\n"),
                 ("serve", ""), ("serve", "")])
    assert s.run("0.5\n", 2.0).score == 0.5
    noisy = s.run("assert noisy() == 1\n", 2.0)
    assert noisy.score == 0.0 and "stderr" in noisy.error


def test_module_names_from_the_student_import_nothing_that_runs(student):
    """A module reply names what to import judge-side: never a `__main__`, never an unloaded submodule."""
    s = student([("student", textwrap.dedent("""
        import types, numpy
        runner = types.ModuleType('pytest.__main__')
        deep = types.ModuleType('sklearn.utils._show_versions')
        mine = types.ModuleType('numpy')
        """)), ("serve", "")])
    ch = s.channel
    got = {name: ch.request("get", name=name) for name in ("runner", "deep", "mine", "numpy")}
    ch.end()
    assert "pytest.__main__" not in sys.modules and "sklearn.utils._show_versions" not in sys.modules
    assert type(got["runner"]) is StudentObject and type(got["deep"]) is StudentObject
    assert got["mine"] is np and got["numpy"] is np  # whatever the student calls numpy, the judge uses its own


def test_forged_reply_is_only_data(student):
    """A student who writes straight into the reply pipe can only hand the judge plain values."""
    s = student([("student", textwrap.dedent("""
        import os, json, struct
        def forge():
            fd = int(__import__('sys').argv[2])
            # requests so far: 1 "names", 2 "get forge", 3 this call: answer 3 with an object array
            msg = json.dumps({"id": 3, "ok": {"N": {"dtype": "|O", "shape": [1], "data": ""}}}).encode()
            os.write(fd, struct.pack('>I', len(msg)) + msg)
            return [1, 4, 9]
        """)), ("serve", "")])
    verdict = s.run("assert forge() == [1, 4, 9]\n")
    assert verdict.score == 0.0 and "BridgeBroken" in verdict.error


def test_oversized_frame_breaks_the_channel(student):
    s = student([("student", textwrap.dedent("""
        import os, struct
        def flood():
            os.write(int(__import__('sys').argv[2]), struct.pack('>I', 2**31))
            return 1
        """)), ("serve", "")], max_bytes=1024)
    verdict = run_assert_cell("assert flood() == 1\n", s.channel, points=1)
    assert verdict.score == 0.0 and "over the limit" in verdict.error
    with pytest.raises(BridgeLimit):
        s.channel.request("get", name="flood")
    s.proc.kill()
    assert StudentObject  # the proxy class is what a test sees for objects that stay remote


def _course_with_assert_tests(root: Path, students: dict[str, str]) -> Path:
    """A one-notebook nbgrader course (a solution cell, two assert test cells), released and handed in by
    `students` (name -> the code each wrote in the solution cell)."""
    meta = {"schema_version": 3, "locked": False, "solution": False, "grade": False}
    cells = [nbformat.v4.new_code_cell("def squares(n):\n    ### BEGIN SOLUTION\n    if n < 1:\n"
                                       "        raise ValueError\n"
                                       "    return [i * i for i in range(1, n + 1)]\n    ### END SOLUTION\n",
                                       metadata={"nbgrader": {**meta, "solution": True, "grade_id": "answer"}}),
             nbformat.v4.new_code_cell(TEST, metadata={"nbgrader": {**meta, "grade": True, "locked": True,
                                                                    "grade_id": "values", "points": 1}}),
             nbformat.v4.new_code_cell(RAISES_TEST, metadata={"nbgrader": {**meta, "grade": True, "locked": True,
                                                                           "grade_id": "raises", "points": 1}})]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (root / "source" / "cheat").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "cheat" / "p.ipynb")
    ids = ", ".join(f"dict(id={name!r})" for name in students)
    (root / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'cheats'\n"
                                             "c.CourseDirectory.db_assignments = [dict(name='cheat')]\n"
                                             f"c.CourseDirectory.db_students = [{ids}]\n")
    run = nbgrader(root, "generate_assignment", "cheat", "--force")
    assert run.returncode == 0, run.stderr[-3000:]
    for name, code in students.items():
        handed = nbformat.read(root / "release" / "cheat" / "p.ipynb", as_version=4)
        handed.cells[0].source = code
        (root / "submitted" / name / "cheat").mkdir(parents=True)
        nbformat.write(handed, root / "submitted" / name / "cheat" / "p.ipynb")
    return root


@pytest.mark.slow
def test_cheats_beat_stock_autograde_but_not_the_bridge(tmp_path, student):
    """The same notebooks: stock `nbgrader autograde` (test cells in the student's kernel) against the bridge."""
    from nbgrader.api import Gradebook

    students = {"honest": HONEST, "wrong": WRONG, **{name.replace("_", ""): code for name, code in CHEATS.items()}}
    course = _course_with_assert_tests(tmp_path / "course", students)
    nbgrader(course, "autograde", "cheat", "--force")  # exits 1 when a student breaks it; each row is read below
    from nbgrader.api import MissingEntry
    stock: dict[str, float | None] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name in students:  # a student stock nbgrader failed to grade has no submission (None)
            try:
                stock[name] = gb.find_submission("cheat", name).score
            except MissingEntry:
                stock[name] = None
    bridge = {}
    for name in students:
        submitted = nbformat.read(course / "submitted" / name / "cheat" / "p.ipynb", as_version=4)
        s = student([("student", submitted.cells[0].source), ("serve", ""), ("serve", "")])
        bridge[name] = s.run(TEST).score + s.run(RAISES_TEST).score
    assert stock["honest"] == bridge["honest"] == 2.0 and stock["wrong"] == bridge["wrong"] == 0.0
    assert all(bridge[name] == 0.0 for name in students if name != "honest"), bridge
    beaten = sorted(name for name in students if name not in ("honest", "wrong") and (stock[name] or 0) > 0)
    print("stock nbgrader gave marks to:", beaten, stock)
    # measured with nbgrader 0.9.6 / ipykernel 7: these four pass a wrong answer under stock autograde
    assert {"alwaysequal", "inputtransformer", "lyingbool", "lyingint"} <= set(beaten), stock


def test_endless_generator_hits_the_item_limit(student):
    s = student([("student", ("import itertools\ndef naturals():\n    return itertools.count()\n"
                             "def first(n):\n    return list(range(n))\n")), ("serve", "")])
    started = time.monotonic()
    verdict = s.run("try:\n    assert list(naturals()) == [0, 1]\nexcept Exception:\n    pass\n"
                    "assert first(3) == [0, 1, 2]\n")
    assert verdict.score == 0.0 and "more than 100000 items" in verdict.error
    assert time.monotonic() - started < 60


def test_a_test_polling_a_student_object_forever_ends_at_the_cell_limit(student):
    s = student([("student", "def done():\n    return False\ndef missing_answer():\n    return 1\n"),
                 ("serve", ""), ("serve", "")])
    started = time.monotonic()
    verdict = run_assert_cell("while not done():\n    pass\n", s.channel, points=1, timeout=2)
    s.channel.end()
    assert verdict.score == 0.0 and "ran longer than 2 s" in verdict.error
    assert time.monotonic() - started < 15
    undefined = s.run("assert squares(3) == [1, 4, 9]\n")
    assert undefined.score == 0.0 and "NameError: name 'squares' is not defined" in undefined.error
