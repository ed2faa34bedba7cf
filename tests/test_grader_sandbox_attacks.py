"""Attacks on the sandbox itself, built for real against bubblewrap: the report channel, the limits for a
whole submission, what the sandbox shows of the judge's machine, and the words a judge reads.

The batch tests grade one class of attackers next to an honest control and a student who hard-codes the
public answers (the ceiling any forgery may reach), and prove that nothing outside the sandbox changed.
The direct tests run `_sandbox.run` on a one-cell notebook and look at what the code inside could see.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from hocvuso.grader._errors import GraderFault
from hocvuso.grader.judge import _sandbox, grade_batch

from graderkit import ASSIGNMENT, GRADER_OUTPUTS, hand_in, make_course, read_results, tree_digest

pytestmark = [pytest.mark.skipif(_sandbox.probe() is not None, reason=f"no sandbox here: {_sandbox.probe()}")]
REPO = Path(__file__).resolve().parents[1]


def _extra_cell(source):
    def edit(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell(textwrap.dedent(source)))
    return edit


REPORT_FD = "import os, sys\nREPORT = int(sys.argv[2])  # the runner's report pipe: the student can find it\n"
FORGED = REPORT_FD + """
import json
def line(frame):
    os.write(REPORT, (json.dumps(frame) + "\\n").encode())
for case, value in [("cau-1-kiem-tra#0", 3), ("cau-2-kiem-tra#0", True)]:
    line({"probe": case, "value": value})
line({"phase": "public-done"})
for case in range(1, 3):
    line({"probe": f"cau-1-kiem-tra#{case}", "value": 3})
for case in range(1, 4):
    line({"probe": f"cau-2-kiem-tra#{case}", "value": True})
line({"finished": True})
os._exit(0)
"""
PLAN = {
    # student: (hand_in kwargs, status, score or None, words the reason must hold)
    "an-dung": ({}, "ok", 10.0, []),
    "chep-dap-an": ({"tong": "return 3", "chan": "return True"}, "ok", 7.0, []),
    "bao-cao-rac": ({"edit": _extra_cell(REPORT_FD + "os.write(REPORT, b'not json at all\\n')")}, "error", 5.0,
                    ["damaged the grader's report", "not JSON"]),
    "tran-bao-cao": ({"edit": _extra_cell(REPORT_FD + "os.write(REPORT, b'x' * (9 * 1024 * 1024))")}, "error", 5.0,
                     ["damaged the grader's report", "8 MB"]),
    "dong-bao-cao": ({"edit": _extra_cell(REPORT_FD + "os.close(REPORT)")}, "error", 5.0,
                     ["before the report was complete"]),
    "gia-loi-chuan-bi": ({"edit": _extra_cell(REPORT_FD + "os.write(REPORT, b'{\"setup_error\": \"disk full\"}\\n')")},
                         "error", 5.0, ["damaged the grader's report"]),
    "thoat-0": ({"edit": _extra_cell("import os\nos._exit(0)")}, "error", 5.0, ["exit code 0"]),
    "gia-bao-cao": ({"tong": "return -1", "chan": "return False", "edit": _extra_cell(FORGED)}, None, None, []),
    "vong-lap-mot-ca": ({"tong": "while a == 10:\n    pass\nreturn a + b"}, "timeout", 9.0,
                        ["tong case 2 (hidden)", "took", "time for one call"]),
    "bo-nho-nhieu-tien-trinh": ({"edit": _extra_cell("""
        import os, time
        children = []
        for _ in range(3):
            pid = os.fork()
            if pid == 0:
                block = b"x" * (150 * 1024 * 1024)  # each under the per-process limit, together over it
                time.sleep(3)
                os._exit(0)
            children.append(pid)
        for pid in children:
            os.waitpid(pid, 0)
        """)}, "error", 10.0, ["memory limit (384 MB for all its processes together)"]),
    "ghi-dia": ({"edit": _extra_cell("""
        for i in range(8):
            with open(f"lon-{i}.bin", "wb") as fh:
                fh.write(b"x" * (50 * 1024 * 1024))
        """)}, "error", 10.0, ["disk limit (256 MB"]),
    "tram-tien-trinh": ({"edit": _extra_cell("""
        import subprocess
        children = []
        try:
            while len(children) < 300:
                children.append(subprocess.Popen(["sleep", "60"]))
        except OSError:
            pass
        for child in children:
            child.kill()
            child.wait()
        """)}, "error", 10.0, ["process limit (64 processes at once)"]),
    "lo-dau-vao-an": ({"tong": "SEEN.append([a, b])\nreturn a + b",
                       "chan": "return SEEN if n == 2 else n % 2 == 0",
                       "edit": _extra_cell("SEEN = []")}, "ok", 9.5, []),
}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    root = tmp_path_factory.mktemp("attacks")
    course = make_course(root / "course")
    sub = root / "submitted"
    for student, (kwargs, *_rest) in PLAN.items():
        hand_in(sub, course, student, **kwargs)
    before = tree_digest(course, skip=GRADER_OUTPUTS), tree_digest(sub)
    summary = grade_batch(course=course, assignment=ASSIGNMENT, submissions=sub, out=root / "out", workers=2,
                          timeout=20, memory=384)
    yield {"results": read_results(root / "out"), "summary": summary, "out": root / "out",
           "unchanged": (tree_digest(course, skip=GRADER_OUTPUTS), tree_digest(sub)) == before}


@pytest.mark.slow
def test_each_attack_gets_its_row(attacked):
    wrong = {}
    for student, (_kwargs, status, score, words) in PLAN.items():
        row = attacked["results"][student]
        if status is not None and (row["status"] != status or float(row["score"]) != score):
            wrong[student] = (row["status"], row["score"], row["reason"])
        missing = [w for w in words if w not in row["reason"]]
        if missing:
            wrong[student] = (row["status"], row["reason"], "missing words:", missing)
    assert not wrong, wrong
    assert attacked["unchanged"], "the course or the submissions changed"


@pytest.mark.slow
def test_reasons_blame_the_right_party(attacked):
    results = attacked["results"]
    for student in ("bao-cao-rac", "tran-bao-cao", "dong-bao-cao", "thoat-0", "gia-bao-cao"):
        reason = results[student]["reason"]
        assert "grader" not in reason.replace("the grader's report", ""), (student, reason)
        assert "memory" not in reason and "processes" not in reason, (student, reason)
    assert "memory" not in results["tram-tien-trinh"]["reason"]


@pytest.mark.slow
def test_a_forged_report_earns_no_more_than_hard_coded_public_answers(attacked):
    forged, ceiling = attacked["results"]["gia-bao-cao"], attacked["results"]["chep-dap-an"]
    assert float(forged["score"]) <= float(ceiling["score"]) < 10.0


@pytest.mark.slow
def test_no_public_case_can_carry_a_hidden_input(attacked):
    """la_so_chan's public case returns every input tong received: its hidden inputs come later."""
    page = next((attacked["out"] / "feedback").glob("lo-dau-vao-an*")).read_text(encoding="utf-8")
    assert "[[1, 2]]" in page
    assert "-4" not in page and "[10" not in page and "[0, 0]" not in page


def _notebook(source: str) -> bytes:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(textwrap.dedent(source))])
    return nbformat.writes(nb).encode("utf-8")


def _look(source: str, *, limits: _sandbox.Limits | None = None, files: dict[str, bytes] | None = None):
    """Run a notebook whose cell defines `look()`, and return what look() returned inside the sandbox."""
    job = {"notebook": "bai.ipynb", "skip_ids": [],
           "probes": [{"id": "look#0", "function": "look", "args": [], "hidden": False}]}
    outcome = _sandbox.run(None, job, files={**(files or {}), "bai.ipynb": _notebook(source)},
                           limits=limits or _sandbox.Limits(wall_seconds=30))
    assert outcome.state == "finished", outcome
    return outcome.result["probes"]["look#0"]["value"]


SEEN = """
import os, sys
def read(path):
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "replace")
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
def look():
    found = {"cmdline": read("/proc/1/cmdline").replace("\\0", " "), "mountinfo": read("/proc/self/mountinfo"),
             "cgroup": read("/proc/self/cgroup"), "uid": os.getuid(), "cwd": os.getcwd(),
             "files": sorted(os.listdir(".")), "environ": dict(os.environ)}
    try:
        import sklearn
        found["sklearn"] = sklearn.__version__
    except ImportError as exc:
        found["sklearn"] = repr(exc)
    try:
        import hocvuso
        found["hocvuso"] = hocvuso.__file__
    except ImportError:
        found["hocvuso"] = None
    found["repo"] = [read(p) for p in (%r, %r)]
    return found
""" % (str(REPO / "grader" / "_spec.py"), str(REPO / "pyproject.toml"))


def test_the_sandbox_shows_nothing_of_the_judge(tmp_path):
    judge_folder = tmp_path / "ban-giam-khao"
    judge_folder.mkdir()
    seen = _look(SEEN, files={"du-lieu/a.csv": b"1,2\n"})
    shown = json.dumps(seen)
    assert str(tmp_path) not in shown and "hocvuso-uids" not in shown
    assert seen["cwd"] == "/home/hocsinh/bai" and seen["files"] == ["bai.ipynb", "du-lieu"]
    assert seen["cmdline"].startswith("bwrap --args ")  # its real arguments came from a memfd
    assert all(line.split()[4] in {"/", "/usr", "/etc", "/tmp", "/proc", "/dev", "/home/hocsinh",
                                   "/run/hocvuso/runner.py"} or line.split()[4].startswith(("/proc/", "/dev/"))
               or line.split()[4] in _sandbox._environment().trees
               for line in seen["mountinfo"].splitlines()), seen["mountinfo"]
    assert ":/\n" in seen["cgroup"] and "hocvuso" not in seen["cgroup"]  # its own cgroup namespace
    assert seen["uid"] in _sandbox.UIDS
    assert not any(k.startswith("HOCVUSO") for k in seen["environ"])


def test_the_judges_environment_without_hocvuso():
    """In this repo's .venv: scikit-learn imports, hocvuso does not, and the checkout cannot be read."""
    seen = _look(SEEN)
    assert not seen["sklearn"].startswith("ModuleNotFoundError"), seen["sklearn"]
    assert seen["hocvuso"] is None
    assert all(text.startswith("unreadable") for text in seen["repo"]), seen["repo"]


def test_installed_package_folders_are_hidden(tmp_path, monkeypatch):
    """A wheel or system install puts hocvuso inside a folder the sandbox shows: an empty tmpfs covers it."""
    site_dir = tmp_path / "lib" / "site-packages"
    (site_dir / "hocvuso" / "grader").mkdir(parents=True)
    (site_dir / "hocvuso" / "__init__.py").write_text("KEY = 'answer'\n")
    (site_dir / "hocvuso" / "grader" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site_dir))
    for name in list(sys.modules):
        if name == "hocvuso" or name.startswith("hocvuso."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    _sandbox._environment.cache_clear()
    try:
        env = _sandbox._environment()
    finally:
        _sandbox._environment.cache_clear()
    assert str(tmp_path) in env.trees
    assert str(site_dir / "hocvuso") in env.hidden


def test_hidden_inputs_arrive_after_every_public_case():
    job = {"notebook": "bai.ipynb", "skip_ids": [], "probes": [
        {"id": "f#0", "function": "f", "args": [1], "hidden": False},
        {"id": "f#1", "function": "f", "args": [424242], "hidden": True},
        {"id": "g#0", "function": "g", "args": [], "hidden": False}]}
    source = """
        import gc
        SEEN = []
        def f(x):
            SEEN.append(x)
            return x
        def g():
            key = "".join(["4242", "42"])  # (not a constant of this code)
            return [SEEN, [repr(o)[:80] for o in gc.get_objects() if key in repr(o)]]
        """
    outcome = _sandbox.run(None, job, files={"bai.ipynb": _notebook(source)}, limits=_sandbox.Limits(wall_seconds=30))
    assert outcome.result["probes"]["g#0"]["value"] == [[1], []]
    assert outcome.result["probes"]["f#1"]["value"] == 424242


def test_the_graders_own_failure_is_a_fault_not_a_grade(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # bubblewrap vanished while the batch ran
    job = {"notebook": "bai.ipynb", "skip_ids": [], "probes": []}
    with pytest.raises(GraderFault, match="sandbox"):
        _sandbox.run(None, job, files={"bai.ipynb": _notebook("x = 1")}, limits=_sandbox.Limits(wall_seconds=30))


@pytest.mark.skipif("cpu" not in _sandbox._cgroup_places(), reason="no cpu cgroup controller here")
def test_busy_processes_share_the_submissions_cpu_quota():
    """Two processes spinning for 3 s get a tenth of one core between them, not two cores."""
    source = """
        import os, time
        def look():
            end = time.monotonic() + 3
            children = []
            for _ in range(2):
                pid = os.fork()
                if pid == 0:
                    while time.monotonic() < end:
                        pass
                    os._exit(0)
                children.append(pid)
            for pid in children:
                os.waitpid(pid, 0)
            times = os.times()
            return times.children_user + times.children_system
        """
    used = _look(source, limits=_sandbox.Limits(wall_seconds=60, probe_seconds=30, cpus=0.1))
    assert used < 0.6, f"{used:.2f} s of CPU in 3 s with a 0.1-core quota"


def test_files_that_do_not_fit_are_the_graders_fault():
    """The batch bounds a submission's files to fit its folder: if they still do not, the grader erred."""
    job = {"notebook": "bai.ipynb", "skip_ids": [], "probes": []}
    with pytest.raises(GraderFault, match="could not be prepared"):
        _sandbox.run(None, job, files={"bai.ipynb": _notebook("x = 1"), "lon.bin": b"x" * (3 * 1024 * 1024)},
                     limits=_sandbox.Limits(wall_seconds=30, disk_mb=2))


def test_uids_are_leased_one_per_running_sandbox():
    first, second = _sandbox._UidLease(), _sandbox._UidLease()
    try:
        assert first.uid != second.uid
        held = subprocess.run([sys.executable, "-c", "from hocvuso.grader.judge import _sandbox\n"
                               "print(_sandbox._UidLease().uid)"], capture_output=True, text=True, timeout=60)
        assert int(held.stdout) not in (first.uid, second.uid)  # another batch's process gets another uid
    finally:
        first.release()
        second.release()


SLOW_CELL = "import time\ntime.sleep({seconds})"


@pytest.mark.slow
def test_two_batches_at_once_leave_each_other_alone(tmp_path):
    """Each batch's slow honest student keeps running while the other batch finishes and cleans up."""
    course = make_course(tmp_path / "course")
    runs = []
    for name, seconds in (("lop-a", 2), ("lop-b", 7)):
        sub = tmp_path / name
        hand_in(sub, course, "cham", edit=_extra_cell(SLOW_CELL.format(seconds=seconds)))
        hand_in(sub, course, "nhanh")
        runs.append((name, sub))
    procs = [subprocess.Popen([sys.executable, "-m", "hocvuso", "grade", "--course", str(course), "--assignment",
                               ASSIGNMENT, "--submissions", str(sub), "--out", str(tmp_path / f"out-{name}"),
                               "--workers", "1", "--timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for name, sub in runs]
    started = time.monotonic()
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, out + err
    for name, _sub in runs:
        rows = read_results(tmp_path / f"out-{name}")
        assert {(r["status"], r["score"]) for r in rows.values()} == {("ok", "10.0")}, (name, rows)
    assert time.monotonic() - started < 280


@pytest.mark.slow
def test_a_venv_under_tmp_is_the_sandboxes_python():
    """The judge's interpreter lives in a venv under /tmp (hidden by the sandbox's own /tmp before)."""
    venv = Path("/tmp") / f"hocvuso-venv-{os.getpid()}"
    try:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
        site_dir = next(venv.glob("lib/python*/site-packages"))
        ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "sklearn").is_dir())
        (site_dir / "our-packages.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
        script = ("import json\nfrom hocvuso.grader.judge import _sandbox\nimport nbformat\n"
                  "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("
                  "'import sys, sklearn\\ndef look():\\n    return sys.prefix')])\n"
                  "job = {'notebook': 'b.ipynb', 'skip_ids': [], 'probes': [{'id': 'l#0', 'function': 'look', "
                  "'args': []}]}\n"
                  "out = _sandbox.run(None, job, files={'b.ipynb': nbformat.writes(nb).encode()}, "
                  "limits=_sandbox.Limits(wall_seconds=60))\nprint(json.dumps([out.state, out.result]))\n")
        done = subprocess.run([str(venv / "bin" / "python"), "-c", script], capture_output=True, text=True,
                              timeout=300, cwd="/")
        assert done.returncode == 0, done.stderr
        state, result = json.loads(done.stdout.splitlines()[-1])
        assert state == "finished" and not result["cells"], result
        assert result["probes"]["l#0"]["value"] == str(venv)
    finally:
        subprocess.run(["rm", "-rf", str(venv)], check=False)


@pytest.mark.slow
def test_hocvuso_installed_from_a_wheel_stays_hidden(tmp_path):
    """A judge who pip-installed the wheel: its site-packages is visible in the sandbox, hocvuso's folder is not."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
                    str(REPO)], check=True, timeout=600)
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    py = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
                    "--disable-pip-version-check", str(next(dist.glob("hocvuso-*.whl")))], check=True, timeout=300)
    site_dir = next(env_dir.glob("lib/python*/site-packages"))
    # The dependencies by plain path lines (no .pth run from there: this checkout's editable finder stays out).
    deps = sorted({p for p in sys.path if p.endswith("site-packages") and Path(p, "nbformat").is_dir()})
    (site_dir / "_deps.pth").write_text("\n".join(deps) + "\n")
    script = textwrap.dedent("""
        import json, hocvuso.grader.judge._sandbox as sandbox, nbformat
        assert hocvuso.grader.judge._sandbox.__file__.startswith(%r)
        cell = ("import os, importlib.util\\n"
                "def look():\\n"
                "    try:\\n"
                "        import hocvuso.grader\\n"
                "        return 'IMPORTED'\\n"
                "    except ImportError:\\n"
                "        pass\\n"
                "    return os.listdir(%r)\\n")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
        job = {"notebook": "b.ipynb", "skip_ids": [], "probes": [{"id": "l#0", "function": "look", "args": []}]}
        out = sandbox.run(None, job, files={"b.ipynb": nbformat.writes(nb).encode()},
                          limits=sandbox.Limits(wall_seconds=60))
        print(json.dumps([out.state, out.result]))
        """ % (str(site_dir), str(site_dir / "hocvuso")))
    done = subprocess.run([str(py), "-c", "import hocvuso.grader\n" + script], capture_output=True, text=True,
                          timeout=300, cwd="/")
    assert done.returncode == 0, done.stderr
    state, result = json.loads(done.stdout.splitlines()[-1])
    assert state == "finished", result
    assert result["probes"]["l#0"]["value"] == [], result  # an empty folder: no code, no keys, no notebooks
