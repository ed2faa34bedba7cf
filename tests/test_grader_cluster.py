"""A Dask cluster whose machines share no folder with the judge: the same grades as a local batch.

The test builds four "machines" on this one: network namespaces for the judge, a `dask scheduler` and
two `dask worker`s, joined by a bridge in a fifth namespace, with addresses from the benchmarking range
198.18.0.0/15 that exist only inside those namespaces (nothing is added to this machine's own network).
Each worker has a private, empty /tmp (a tmpfs in a mount namespace of its own), and the course,
submissions and results all live under this machine's /tmp: no worker can see them, so every task must
carry its bytes. Then a worker is killed with SIGKILL while it grades: its students become grader-fault
rows (allowed-failures 0 on the scheduler), never lost and never graded twice, and the rerun finishes them.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from hocvuso.grader.judge import _batch, _task, grade_batch
from hocvuso.grader.judge._intake import discover
from hocvuso.grader.judge._sandbox import Limits
from hocvuso.grader.judge._sandbox import probe as sandbox_probe
from hocvuso.grader.judge._spec import load_spec

from graderkit import ASSIGNMENT, hand_in, make_course, nbgrader, read_results
from test_contest_assignments import ROOT, answer
from test_contest_assignments import hand_in as contest_hand_in
from test_grade_assert import ps1_course

pytestmark = [pytest.mark.slow]
STABLE = ("student_id", "assignment", "score", "max_score", "status", "reason", "sha256", "isolation")
IP, NSENTER, UNSHARE, SH = "/usr/sbin/ip", "/usr/bin/nsenter", "/usr/bin/unshare", "/bin/sh"
NET = "198.18.0"
HOSTS = {"judge": 1, "sched": 2, "w1": 3, "w2": 4}
SCHEDULER = f"tcp://{NET}.2:8786"
STUDENTS = 8


def _ip(*args: str) -> None:
    subprocess.run([IP, *args], check=True, capture_output=True, timeout=30)


def _inside(ns: str, *command: str, private_tmp: bool = False) -> list[str]:
    """`command` in network namespace `ns` (nsenter: /sys and its cgroups stay as they are), optionally with
    an empty private /tmp."""
    wrapped = [NSENTER, f"--net=/run/netns/{ns}"]
    if private_tmp:
        wrapped += [UNSHARE, "--mount", "--propagation", "private", SH, "-c",
                    'mount -t tmpfs -o size=512m hocvuso-worker-tmp /tmp && exec "$0" "$@"']
    return [*wrapped, *command]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Namespaces, a scheduler and two workers; everything torn down (by its own ids) even on failure."""
    if os.geteuid() != 0 or not all(os.path.exists(tool) for tool in (IP, NSENTER, UNSHARE)):
        pytest.skip("needs root, ip, nsenter and unshare")
    tag = f"hv{os.getpid() % 100000}"
    names = {role: f"{tag}-{role}" for role in (*HOSTS, "sw")}
    made: list[str] = []
    procs: dict[str, subprocess.Popen] = {}
    logs = tmp_path_factory.mktemp("cluster-logs")
    scripts = Path(sysconfig.get_path("scripts"))
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    files = []

    def log(role: str):
        files.append(open(logs / f"{role}.log", "wb"))  # closed in the teardown below
        return files[-1]

    try:
        for ns in names.values():
            _ip("netns", "add", ns)
            made.append(ns)
        _ip("-n", names["sw"], "link", "add", "br0", "type", "bridge")
        _ip("-n", names["sw"], "link", "set", "br0", "up")
        for role, host in HOSTS.items():
            port = f"{tag}p{host}"
            _ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", names[role])
            _ip("link", "set", port, "netns", names["sw"])
            _ip("-n", names["sw"], "link", "set", port, "master", "br0", "up")
            _ip("-n", names[role], "addr", "add", f"{NET}.{host}/24", "dev", "eth0")
            _ip("-n", names[role], "link", "set", "eth0", "up")
            _ip("-n", names[role], "link", "set", "lo", "up")
        procs["sched"] = subprocess.Popen(
            _inside(names["sched"], str(scripts / "dask"), "scheduler", "--host", f"{NET}.2", "--port", "8786",
                    "--no-dashboard", private_tmp=True),
            stdout=subprocess.DEVNULL, stderr=log("sched"), env=env)
        for role in ("w1", "w2"):
            procs[role] = subprocess.Popen(
                _inside(names[role], sys.executable, "-m", "distributed.cli.dask_worker", SCHEDULER,
                        "--host", f"{NET}.{HOSTS[role]}", "--nthreads", "1", "--no-nanny", "--no-dashboard",
                        "--death-timeout", "120", private_tmp=True),
                stdout=subprocess.DEVNULL, stderr=log(role), env=env)
        _wait_for_workers(names["judge"], 2)
        yield names, procs
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
        for ns in made:
            # what still runs in a namespace this test made was started by this test: end it by its id
            pids = subprocess.run([IP, "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            subprocess.run([IP, "netns", "del", ns], capture_output=True)
        for file in files:
            file.close()


def _client_script(body: str) -> str:
    return ("import sys, os\nfrom distributed import Client\n"
            f"c = Client({SCHEDULER!r}, timeout='30s')\n{body}\nc.close()\n")


def _run_in(ns: str, code: str) -> str:
    done = subprocess.run(_inside(ns, sys.executable, "-c", code), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _wait_for_workers(ns: str, n: int) -> None:
    _run_in(ns, _client_script(f"c.wait_for_workers({n}, timeout=90)"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    assert str(root).startswith("/tmp/"), "the batch must live where the workers' private /tmp hides it"
    course = make_course(root / "course")
    sub = root / "submitted"
    for i in range(STUDENTS):
        kind = i % 3
        hand_in(sub, course, f"hs-{i:02d}",
                tong=["return a + b", "return a - b", "import time\ntime.sleep(2)\nreturn a + b"][kind],
                chan=["return n % 2 == 0", "return True", "return n % 2 == 0"][kind],
                inbox=["perfect", "wrong", "perfect"][kind])
    (sub / "hs-00" / ASSIGNMENT / "ghi-chu.txt").write_text("a file beside the notebook travels with the task")
    local = grade_batch(course=course, assignment=ASSIGNMENT, submissions=sub, out=root / "local", workers=2,
                        timeout=120)
    assert local.graded_now == STUDENTS
    return course, sub, root, _stable(read_results(root / "local"))


def _stable(results):
    return {sid: {k: row[k] for k in STABLE} for sid, row in results.items()}


def _journal(out: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(out / ".hocvuso-journal.sqlite") as db:
        return db.execute("SELECT student_id, final FROM grades").fetchall()


def _grade(ns: str, course: Path, sub: Path, out: Path) -> list[str]:
    return _inside(ns, sys.executable, "-m", "hocvuso", "grade", "--course", str(course), "--assignment", ASSIGNMENT,
                   "--submissions", str(sub), "--out", str(out), "--scheduler", SCHEDULER, "--timeout", "120")


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def test_workers_without_the_judges_folders_grade_like_a_local_batch(cluster, corpus):
    names, _procs = cluster
    course, sub, root, local = corpus
    seen = _run_in(names["judge"], _client_script(
        f"print(sorted(set(c.run(os.path.exists, {str(course)!r}).values())), "
        f"sorted(set(c.run(os.path.exists, {str(sub)!r}).values())))"))
    assert seen.split() == ["[False]", "[False]"], "the workers must not see the judge's folders"
    done = subprocess.run(_grade(names["judge"], course, sub, root / "cluster"), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{STUDENTS} graded now" in done.stdout
    assert _stable(read_results(root / "cluster")) == local


def test_stock_assert_tests_on_the_cluster_like_locally(cluster, tmp_path):
    """nbgrader's docs course (assert cells graded by judge-side test processes, which run on the worker):
    the same rows on the cluster as on this machine."""
    names, _procs = cluster
    assert str(tmp_path).startswith("/tmp/")
    local, remote = ps1_course(tmp_path / "local"), ps1_course(tmp_path / "remote")
    grade_batch(course=local, assignment="ps1", submissions=local / "submitted", out=tmp_path / "local-out")
    done = subprocess.run(_inside(names["judge"], sys.executable, "-m", "hocvuso", "grade", "--course", str(remote),
                                  "--assignment", "ps1", "--submissions", str(remote / "submitted"),
                                  "--out", str(tmp_path / "remote-out"), "--scheduler", SCHEDULER),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = _stable(read_results(tmp_path / "remote-out"))
    assert rows == _stable(read_results(tmp_path / "local-out"))
    assert {sid: (row["score"], row["isolation"]) for sid, row in rows.items()} == {
        "bitdiddle": ("1.5", "sandbox + judge-side tests"), "hacker": ("3.0", "sandbox + judge-side tests")}


def test_a_worker_killed_mid_batch_loses_nobody_and_grades_nobody_twice(cluster, corpus):
    names, procs = cluster
    course, sub, root, local = corpus
    out = root / "killed"
    batch = subprocess.Popen(_grade(names["judge"], course, sub, out), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    victim = procs["w1"]
    orphans: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and batch.poll() is None:
            orphans = _children(victim.pid)
            if orphans and (out / ".hocvuso-journal.sqlite").exists() and len(_journal(out)) >= 2:
                break  # w1 is running a student's notebook in its sandbox right now
            time.sleep(0.05)
        assert batch.poll() is None and orphans, "w1 never graded while the batch ran"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        stdout, stderr = batch.communicate(timeout=300)
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.wait()
        for pid in orphans:  # the sandbox of the killed worker (started by this test's worker)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert batch.returncode == 0, stdout + stderr
    first = dict(_journal(out))
    assert sorted(first) == sorted(local), "every student has a row after the kill"
    lost = [sid for sid, final in first.items() if not final]
    assert lost, "the killed worker's student must be a grader-fault row, not a grade"
    for sid in lost:
        row = read_results(out)[sid]
        assert row["status"] == "error" and "the grader itself failed" in row["reason"]

    again = subprocess.run(_grade(names["judge"], course, sub, out), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{len(lost)} graded now, {STUDENTS - len(lost)} already graded" in again.stdout
    rows = _journal(out)
    assert len(rows) == STUDENTS and all(final for _sid, final in rows), "each student exactly once, all final"
    assert _stable(read_results(out)) == local


def test_a_worker_scores_variant_tasks_from_the_bundle_alone(tmp_path):
    """The no-code contest's per-student variants are rebuilt from the item bank the Bundle carries: the
    worker's road (`_grade_remote`) gives the local row with the judge's course and submissions gone."""
    name = "thi-khong-code"
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'thi'\nc.CourseDirectory.root = {str(course)!r}\n")
    shutil.copytree(ROOT / "notebooks" / name, course / "source" / name)
    assert nbgrader(course, "generate_assignment", name, "--force").returncode == 0
    subs = tmp_path / "submitted"
    for student, kwargs in {"hs-0001": {}, "hs-0003": {"perfect_for": "hs-0001"}}.items():
        answer(contest_hand_in(subs, course, name, student, {}), student, **kwargs)
    spec = load_spec(course, name)
    assert any(item.kind == "variant" for item in spec.items)
    limits = Limits(wall_seconds=60, memory_mb=1024)
    (tmp_path / "scratch").mkdir()
    candidates = discover(subs, spec, tmp_path / "scratch")
    shared = _task.bundle(spec, needed=True)
    local = {c.student_id: _batch.grade_one(c, spec, limits=limits, slot=0, isolate=True, scratch=tmp_path / "scratch",
                                            shared=shared) for c in candidates}
    tasks = [_task.gather(c, spec, limits) for c in candidates]
    shutil.rmtree(course)
    shutil.rmtree(subs)  # what a worker on another machine sees of them: nothing
    remote = {t.candidate.student_id: _batch._grade_remote(t, shared, limits=limits, slot=0, isolate=True)
              for t in tasks}
    fields = ("status", "score", "reason", "sha256", "items", "isolation")
    assert {s: [getattr(r, f) for f in fields] for s, r in remote.items()} == \
        {s: [getattr(r, f) for f in fields] for s, r in local.items()}
    assert remote["hs-0001"].score == 16.0 and remote["hs-0003"].score < 16


def test_a_worker_that_cannot_isolate_grades_nobody(corpus, monkeypatch):
    """A worker without bubblewrap (here: none on its PATH) must not grade as if it were sandboxed, nor one with
    another hocvuso than the judge's: the row is a grader fault that names the worker and what is wrong,
    graded again by the next run."""
    course, sub, root, _local = corpus
    spec = load_spec(course, ASSIGNMENT)
    (root / "scratch-nobwrap").mkdir()
    candidate = next(c for c in discover(sub, spec, root / "scratch-nobwrap") if c.student_id == "hs-00")
    limits = Limits(wall_seconds=60, memory_mb=1024)
    task = _task.gather(candidate, spec, limits)
    monkeypatch.setenv("PATH", "/nonexistent")
    caches = (_batch._worker_problem, sandbox_probe)  # asked once per process: a fresh worker asks again
    for cache in caches:
        cache.cache_clear()
    try:
        row = _batch._grade_remote(task, _task.bundle(spec, needed=True), limits=limits, slot=0, isolate=True)
    finally:
        monkeypatch.undo()
        for cache in caches:
            cache.cache_clear()
    assert row.grader_fault and row.status == "error" and row.score == 0
    assert "Dask worker on" in row.reason and "bubblewrap is not installed" in row.reason
    other = _batch._grade_remote(task, _task.bundle(spec, needed=True), limits=limits, slot=0, isolate=True,
                                 version="0.0.0-another")
    assert other.grader_fault and "install the same version on both" in other.reason


def test_two_batches_on_one_scheduler_keep_their_own_students(tmp_path):
    """Two judges grade on one cluster at once, with the same student ids: each gets its own students' rows."""
    import threading

    import distributed

    code = {"right": "import time\ntime.sleep(2)\nreturn a + b", "wrong": "import time\ntime.sleep(2)\nreturn a - b"}
    courses = {which: make_course(tmp_path / f"course-{which}") for which in code}
    for which, tong in code.items():
        for student in ("an", "bi"):
            hand_in(tmp_path / which, courses[which], student, tong=tong)
    summaries: dict = {}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local_cluster:
        def batch(which: str) -> None:
            summaries[which] = grade_batch(course=courses[which], assignment=ASSIGNMENT, submissions=tmp_path / which,
                                           out=tmp_path / f"out-{which}", scheduler=local_cluster.scheduler_address,
                                           timeout=120)
        threads = [threading.Thread(target=batch, args=(which,)) for which in code]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert {which: s.graded_now for which, s in summaries.items()} == {"right": 2, "wrong": 2}
    right, wrong = read_results(tmp_path / "out-right"), read_results(tmp_path / "out-wrong")
    assert {r["score"] for r in right.values()} == {"10.0"}
    assert all(float(r["score"]) < 10 for r in wrong.values()), wrong
