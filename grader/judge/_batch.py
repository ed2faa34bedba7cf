"""A grading batch, top to bottom: spec → intake → (per student: read, integrity, widgets, sandbox, judge)
→ journal → exports.

`grade_one` is the whole story for one student and runs in any worker (a local thread or a Dask
worker); `grade_batch` feeds students to workers, records each grade the moment it arrives, skips
students a previous (interrupted) run already graded, and writes the exports at the end.
"""
from __future__ import annotations

import os
import queue
import shutil
import socket
import sys
import tempfile
import time
import unicodedata
import uuid
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import hocvuso.grader.judge._sandbox as _sandbox
from hocvuso import __version__

from .._cells import cells_by_id
from .._errors import GraderError, GraderFault, NotebookProblem, Tampered
from .._limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, MIN_MEMORY_MB, MIN_TIMEOUT
from ._export import write_all
from ._gradebook import record_batch
from ._intake import Candidate, discover
from ._integrity import tampering
from ._judge import ItemResult, judge_manual, judge_run, judge_variant, judge_widget, row_isolation
from ._reading import fingerprint, parse_notebook
from ._record import STATUSES, GradeRecord, Journal, visible
from ._spec import AssignmentSpec, NotebookSpec, load_spec, spec_fingerprint
from ._task import Bundle, Task, answers_folder, bundle, gather, materialise_release
from ._versions import course_due_date, parse_deadline

MODEL_PROBE_SECONDS = 30.0
"""Time for one call of a model task's function on the whole hidden set."""


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did."""

    out: Path
    counts: dict[str, int]
    graded_now: int
    already_graded: int
    isolation: str
    seconds: float
    deadline: datetime | None = None
    """The deadline that chose versions (given, or the course's due date)."""
    late: int = 0
    """Students whose graded version came after the deadline."""
    faults: int = 0
    """Rows the grader's own machinery failed: recorded as `error`, graded again by the next run."""


def grade_one(candidate: Candidate, spec: AssignmentSpec, *, limits: _sandbox.Limits, slot: int, isolate: bool,
              scratch: Path, shared: Bundle | None = None) -> GradeRecord:
    """Grade one student's submission on this machine: read it (`gather`), then grade from those bytes.

    `shared` is the batch's Bundle of `spec` (read here when not given). Never raises for anything the
    submission contains.
    """
    if shared is None:
        shared = bundle(spec, needed=True)
    return grade_task(gather(candidate, spec, limits), shared, release_dir=Path(spec.release_dir), limits=limits,
                      slot=slot, isolate=isolate, scratch=scratch)


def grade_task(task: Task, shared: Bundle, *, release_dir: Path, limits: _sandbox.Limits, slot: int,
               isolate: bool, scratch: Path) -> GradeRecord:
    """Grade one student from the task's bytes (the same on the judge's machine and on any Dask worker).

    Writes only below `scratch`; `release_dir` holds the release's files for scorers that read a path.
    """
    started = time.monotonic()
    candidate, spec = task.candidate, shared.spec

    def done(status: str, score: float = 0.0, reason: str = "", items: Iterable[ItemResult] = (),
             sha: str = "", isolation: str = "no code run") -> GradeRecord:
        reason = "; ".join(part for part in (candidate.note, reason) if part)
        return GradeRecord(student_id=candidate.student_id, assignment=spec.name, score=round(score, 2),
                           max_score=spec.max_score, status=status, reason=reason, sha256=sha,
                           items=[asdict(i) for i in items], seconds=round(time.monotonic() - started, 3),
                           isolation=isolation, late=candidate.late, submitted_at=candidate.submitted_at,
                           version=candidate.version)

    if candidate.status:
        return done(candidate.status, reason=candidate.reason)
    # Each file was opened once, never through a link, and read into memory (`gather`): the fingerprint, the
    # checks and the copy the sandbox runs all use these bytes, so swapping the file between two reads changes nothing.
    if task.problem:
        return done("invalid", reason=task.problem)
    raw = task.notebooks
    sha = fingerprint({candidate.notebooks[name].name: data for name, data in raw.items()})
    notebooks = {}
    notes: list[str] = []
    for name, nb_spec in spec.notebooks.items():
        handed = candidate.notebooks.get(name)
        if handed is None:
            notes.append(f"{name}.ipynb was not handed in")
            continue
        try:
            notebook = parse_notebook(raw[name], handed.name)
        except NotebookProblem as exc:
            return done("invalid", reason=str(exc), sha=sha)
        ids = set(cells_by_id(notebook.cells))
        if len(ids & nb_spec.cell_ids) * 2 < len(nb_spec.cell_ids):  # most of its cells must be this assignment's
            return done("invalid", reason=f"{visible(handed.name)} is not a notebook of assignment {spec.name} "
                                          "(none of its cells belong to it)", sha=sha)
        problem = tampering(notebook, nb_spec)
        if problem:
            return done("tampered", reason=problem, sha=sha)
        notebooks[name] = notebook

    results: dict[str, ItemResult] = {}
    status, isolation = "ok", "no code run"
    answers = None
    try:
        answers = answers_folder(task, scratch)
        for item in spec.items:
            if item.kind == "widget" and item.notebook in notebooks:
                results[item.grade_id] = judge_widget(item, answers)
            elif item.kind == "variant" and item.notebook in notebooks:
                # The variant comes from the submission folder's name, never from the student's files.
                results[item.grade_id] = judge_variant(item, answers, candidate.student_id, release_dir)
                if results[item.grade_id].note.startswith("answers were given"):
                    notes.append(f"{item.grade_id}: {results[item.grade_id].note}")
            elif item.kind == "manual":
                results[item.grade_id] = judge_manual(item)
    except NotebookProblem as exc:
        return done("invalid", reason=str(exc), sha=sha)
    except Tampered as exc:
        return done("tampered", reason=str(exc), sha=sha)
    finally:
        if answers is not None:
            shutil.rmtree(answers, ignore_errors=True)

    for name, nb_spec in spec.notebooks.items():
        if name not in notebooks or not nb_spec.needs_execution:
            continue
        isolation = "sandbox" if isolate else "none"
        outcome = _execute(task, name, nb_spec, shared, limits=limits, slot=slot, isolate=isolate, scratch=scratch)
        run_status, run_notes, run_results = judge_run(name, nb_spec, outcome, limits)
        status = run_status if status == "ok" else status
        notes += run_notes
        results.update(run_results)
        isolation = row_isolation(isolation, run_results)
    for item in spec.items:  # notebooks not handed in: their items score 0
        results.setdefault(item.grade_id, ItemResult(item.grade_id, item.kind, 0.0, item.points, item.competences,
                                                     note="not handed in"))
    ordered = [results[i.grade_id] for i in spec.items]
    manual = sum(i.max_points for i in ordered if i.kind == "manual")
    if manual:
        notes.append(f"{manual:g} point(s) await manual grading")
    return done(status, sum(i.points for i in ordered), "; ".join(notes), ordered, sha, isolation)


def _execute(task: Task, name: str, nb_spec: NotebookSpec, shared: Bundle, *, limits: _sandbox.Limits, slot: int,
             isolate: bool, scratch: Path) -> _sandbox.RunOutcome:
    """Run one notebook on a private copy of the student's files, with the release's data files restored.

    The notebook is the bytes the checks read; the files beside it were read once, through no link, bounded
    in number and size (`gather`), and reach the sandbox as data (no host folder is mounted).
    """
    if task.files_fault:
        raise GraderFault(task.files_fault)
    files = dict(task.files)
    notes = list(task.files_notes)
    files[f"{name}.ipynb"] = task.notebooks[name]
    for rel, data in shared.release.items():  # the release's copy wins over a student's file or folder of that name
        parents = {"/".join(rel.split("/")[:i]) for i in range(1, rel.count("/") + 1)}
        files = {k: v for k, v in files.items() if k not in parents and not k.startswith(rel + "/")}
        files[rel] = data
    job = {
        "notebook": f"{name}.ipynb",
        "skip_ids": sorted({item.grade_id for item in nb_spec.items} | nb_spec.chrome_ids),
        "probes": [{"id": f"{item.grade_id}#{i}", "function": item.function, "args": list(case.args),
                    "hidden": case.hidden, **({"seconds": MODEL_PROBE_SECONDS} if item.kind == "model" else {})}
                   for item in nb_spec.items if item.kind in ("probe", "model") for i, case in enumerate(item.cases)],
        "tests": [{"id": item.grade_id, "source": item.test, "points": item.points}  # judge-side only (_sandbox)
                  for item in nb_spec.items if item.kind == "assert"],
        "test_files": sorted(shared.release),  # the release's data files, for test cells that read them
    }
    if isolate:
        outcome = _sandbox.run(None, job, files=files, limits=limits)
    else:
        try:
            work = Path(tempfile.mkdtemp(prefix=f"run-{slot}-", dir=os.path.abspath(scratch)))
        except OSError as exc:
            raise GraderFault(f"cannot make a work folder in {scratch} ({exc.strerror})") from exc
        try:
            outcome = _sandbox.run(work, job, files=files, limits=limits, isolate=False)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return replace(outcome, notes=(*notes, *outcome.notes)) if notes else outcome


def grade_batch(*, course: Path, assignment: str, submissions: Path, out: Path | None = None,
                workers: int | None = None, timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY_MB,
                scheduler: str | None = None, allow_unsandboxed: bool = False,
                progress: Callable[[int, int, Counter], None] | None = None,
                deadline: datetime | None = None, use_due_date: bool = True,
                regrade: Iterable[str] = (), allow_unlimited: bool = False) -> BatchSummary:
    """Grade every submission of `assignment`; resumable; writes results into `out`.

    `deadline` (else, with `use_due_date`, the course's nbgrader due date) chooses each student's
    version: the last handed in by then; a student with only later versions is graded and marked late.
    `regrade` names statuses (ok, error, …) and/or student ids whose rows are graded again.
    Paths may be relative (to the current folder); a rerun with the absolute path continues the batch.
    Where this machine cannot limit each submission as a whole (cgroups), the batch refuses unless
    `allow_unlimited` (then only per-process limits apply, and the summary says so).

    Raises GraderError only when the batch cannot run at all (bad course, bad options, no sandbox).
    """
    started = time.monotonic()
    course, submissions = Path(course).expanduser().resolve(), Path(submissions).expanduser().resolve()
    out = Path(out).expanduser().resolve() if out is not None else Path.cwd().resolve() / f"ket-qua-{assignment}"
    if workers is not None and workers < 1:
        raise GraderError("--workers must be at least 1")
    if timeout < MIN_TIMEOUT or memory < MIN_MEMORY_MB:
        raise GraderError(f"--timeout must be at least {MIN_TIMEOUT:g} s and --memory at least {MIN_MEMORY_MB} MB")
    spec = load_spec(course, assignment)
    needs_code = any(nb.needs_execution for nb in spec.notebooks.values())
    isolate = True
    if needs_code:
        problem = _sandbox.probe()
        if problem:
            if not allow_unsandboxed:
                raise GraderError(f"cannot isolate student code: {problem}. Fix that, or pass --no-sandbox to "
                                  "grade without isolation (the results will say so)")
            isolate = False
    unlimited = bool(needs_code and isolate and _sandbox.probe_limits())
    if unlimited and not allow_unlimited:
        raise GraderError(f"cannot limit each submission as a whole: {_sandbox.probe_limits()}. Fix that, or pass "
                          "--no-limits to grade with per-process limits only (one submission could then use "
                          "several times --memory)")
    if deadline is None and use_due_date:
        deadline = course_due_date(course, assignment)
    batch_fingerprint = spec_fingerprint(spec) + (f"@{deadline.isoformat()}" if deadline else "")
    journal = Journal(out, assignment=assignment, fingerprint=batch_fingerprint)
    scratch = out / ".work"
    try:
        shutil.rmtree(scratch, ignore_errors=True)  # leftovers of an interrupted run
        scratch.mkdir(parents=True)
        candidates = discover(submissions, spec, scratch, deadline=deadline, exclude=out)
        ids = {c.student_id for c in candidates}
        _reopen(journal, regrade, ids)
        already = journal.graded() & ids
        pending = [c for c in candidates if c.student_id not in already]
        limits = _sandbox.Limits(wall_seconds=timeout, memory_mb=memory)
        status_of = {r.student_id: r.status for r in journal.records() if r.student_id in ids}
        counts: Counter = Counter(status_of.values())
        graded_now = 0

        def record(rec: GradeRecord) -> None:
            nonlocal graded_now
            journal.record(rec)
            if rec.student_id in status_of:  # a row graded again replaces the one shown before
                counts[status_of[rec.student_id]] -= 1
            status_of[rec.student_id] = rec.status
            counts[rec.status] += 1
            graded_now += 1
            if progress:
                progress(len(status_of), len(candidates), counts)

        shared = bundle(spec, needed=needs_code or any(item.kind == "variant" for item in spec.items))
        if scheduler:
            _run_dask(scheduler, pending, shared, limits, isolate, not unlimited, record)
        else:
            _run_local(workers or os.cpu_count() or 1, pending, shared, limits, isolate, scratch, record)
        records = [r for r in journal.records() if r.student_id in ids]
        write_all(out, spec, records)
        # nbgrader stays the book of record: gradebook, autograded/, judges' scores back
        record_batch(course, spec, records, candidates, out)
    finally:
        journal.close()
        shutil.rmtree(scratch, ignore_errors=True)
    isolation = "no code run" if not needs_code else ("sandbox" if isolate else "none")
    if unlimited:
        isolation += " (per-process limits only)"
    return BatchSummary(out=out, counts={k: v for k, v in counts.items() if v}, graded_now=graded_now,
                        already_graded=len(already), isolation=isolation, seconds=time.monotonic() - started,
                        deadline=deadline, late=sum(1 for c in candidates if c.late),
                        faults=sum(1 for r in records if r.grader_fault))


def grade_course(*, course: Path, assignment: str, submissions: Path, out: Path | None = None,
                 workers: int | None = None, timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY_MB,
                 scheduler: str | None = None, no_sandbox: bool = False, no_limits: bool = False,
                 deadline: str | None = None, regrade: Iterable[str] = (),
                 progress: Callable[[int, int, Counter], None] | None = None) -> BatchSummary:
    """`hocvuso grade`, as one call: the options as the judge typed them, the batch's summary back.

    `deadline` is the judge's text (ISO 8601, or "YYYY-MM-DD HH:MM" in Vietnam time; None: the course's
    due date); `no_sandbox` / `no_limits` are the judge's explicit consent to grade without isolation or
    without per-submission limits; `progress` gets (done, total, counts) after every row
    (`print_progress_line` writes one line per tenth). Raises GraderError when the batch cannot run.
    """
    return grade_batch(course=course, assignment=assignment, submissions=submissions, out=out, workers=workers,
                       timeout=timeout, memory=memory, scheduler=scheduler, allow_unsandboxed=no_sandbox,
                       allow_unlimited=no_limits, deadline=parse_deadline(deadline) if deadline else None,
                       regrade=regrade, progress=progress)


def _reopen(journal: Journal, regrade: Iterable[str], ids: set[str]) -> None:
    """Make the rows `regrade` names (statuses or student ids) non-final, so this run grades them again."""
    wanted = [unicodedata.normalize("NFC", w) for w in regrade]
    unknown = [w for w in wanted if w not in STATUSES and w not in ids]
    if unknown:
        raise GraderError(f"--regrade {', '.join(repr(visible(w)) for w in unknown)}: neither a status "
                          f"({', '.join(STATUSES)}) nor a student of this batch")
    if wanted:
        journal.reopen(statuses={w for w in wanted if w in STATUSES}, students={w for w in wanted if w in ids})


def _run_local(workers: int, pending: list[Candidate], shared: Bundle, limits: _sandbox.Limits,
               isolate: bool, scratch: Path, record: Callable[[GradeRecord], None]) -> None:
    slots: queue.SimpleQueue[int] = queue.SimpleQueue()
    for slot in range(workers):
        slots.put(slot)

    def task(candidate: Candidate) -> GradeRecord:
        slot = slots.get()
        try:
            return _safe(grade_one, candidate, shared.spec, limits=limits, slot=slot, isolate=isolate, scratch=scratch,
                         shared=shared)
        finally:
            slots.put(slot)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hocvuso-grade") as pool:
        todo = iter(pending)
        running: set[Future] = set()
        for candidate in todo:  # keep at most 2 × workers queued, so memory stays flat for 50 000 students
            running.add(pool.submit(task, candidate))
            if len(running) >= 2 * workers:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    record(future.result())
        for future in wait(running).done:
            record(future.result())


def _run_dask(address: str, pending: list[Candidate], shared: Bundle, limits: _sandbox.Limits,
              isolate: bool, limited: bool, record: Callable[[GradeRecord], None]) -> None:
    """Grade on a Dask cluster whose workers share no folder with this machine.

    This process reads each submission into a Task (a bounded number in flight: memory stays flat for
    50 000 students), the Bundle goes to every worker once, and only GradeRecords come back; this process
    alone writes the journal. A worker lost mid-task: Dask runs the task again elsewhere, or (after
    `distributed.scheduler.allowed-failures`) its future fails and the row is a grader fault, graded again
    by the next run. One future per student and one journal row per result: never graded twice.
    A worker that cannot isolate (or, when this machine can, limit) each submission as this machine does
    grades nobody: its rows are grader faults naming it (`_worker_problem`).
    """
    try:
        from distributed import Client, as_completed  # noqa: PLC0415 - Dask is optional ([cluster] extra)
    except ImportError as exc:
        raise GraderError("--scheduler needs Dask: pip install 'dask[distributed]'") from exc
    try:
        client = Client(address, timeout="20s")
    except Exception as exc:
        raise GraderError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values())
        window = max(8, 2 * threads)
        shared_future = client.scatter(shared, broadcast=True, hash=False)
        batch = uuid.uuid4().hex[:12]  # task keys of two batches sharing a scheduler (same student ids) never meet
        todo = iter(enumerate(pending))
        futures: dict = {}

        def submit_next(running) -> None:
            for i, candidate in todo:
                try:
                    task = gather(candidate, shared.spec, limits)
                except Exception as exc:  # noqa: BLE001 - this student's row says the grader failed; others go on
                    record(fault_record(candidate, shared.spec, exc))
                    continue
                future = client.submit(_grade_remote, task, shared_future, limits=limits, slot=1000 + i,
                                       isolate=isolate, limited=limited, version=__version__, pure=False,
                                       key=f"hocvuso-{batch}-{i}-{candidate.student_id}")
                futures[future] = candidate
                running.add(future)
                return

        running = as_completed([])
        for _ in range(window):
            submit_next(running)
        for future in running:
            candidate = futures.pop(future)
            try:
                rec = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker, a task the cluster could not run
                rec = fault_record(candidate, shared.spec, exc)
            future.release()
            record(rec)
            submit_next(running)
    finally:
        client.close()


def _grade_remote(task: Task, shared: Bundle, *, limits: _sandbox.Limits, slot: int, isolate: bool,
                  limited: bool = True, version: str = __version__) -> GradeRecord:
    """A Dask worker's part: grade one Task in a private temporary folder of this machine, return the row.

    `version` is the judge's hocvuso: a worker with another grades nobody (its rows could differ from the
    judge's own for the same notebook).
    """
    problem = _worker_problem(isolate, limited, version)
    if problem:
        return fault_record(task.candidate, shared.spec, GraderFault(problem))
    scratch = Path(tempfile.mkdtemp(prefix="hocvuso-task-"))
    try:
        needs_release = any(item.kind == "variant" for item in shared.spec.items)
        release_dir = materialise_release(shared, scratch) if needs_release else scratch
        return grade_task(task, shared, release_dir=release_dir, limits=limits, slot=slot, isolate=isolate,
                          scratch=scratch)
    except Exception as exc:  # noqa: BLE001 - one student's failure must not stop 5,000 others
        return fault_record(task.candidate, shared.spec, exc)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@lru_cache(maxsize=4)
def _worker_problem(isolate: bool, limited: bool, version: str = __version__) -> str:
    """Why this worker cannot grade the way the judge's machine promised ("" when it can); asked once per process.

    The judge checked its own machine (bubblewrap, root, cgroups); a worker must offer the same, or the rows
    would claim an isolation that did not happen.
    """
    problem = (_sandbox.probe() or (_sandbox.probe_limits() if limited else None)) if isolate else None
    if version != __version__:
        problem = f"it has hocvuso {__version__}, the judge's machine {version}; install the same version on both"
    return f"the Dask worker on {socket.gethostname()} cannot grade: {problem}" if problem else ""


def _safe(grade: Callable[..., GradeRecord], candidate: Candidate, spec: AssignmentSpec, **kwargs) -> GradeRecord:
    """`grade`, but a failure of ours becomes a grader-fault row (graded again next run), never a stop."""
    try:
        return grade(candidate, spec, **kwargs)
    except Exception as exc:  # noqa: BLE001 - one student's failure must not stop 5,000 others
        return fault_record(candidate, spec, exc)


def fault_record(candidate: Candidate, spec: AssignmentSpec, exc: BaseException) -> GradeRecord:
    """The row of a student the grader's own machinery failed on: `error`, not final, saying whose fault it was."""
    what = str(exc) if isinstance(exc, GraderFault) else f"{type(exc).__name__}: {exc}"
    return GradeRecord(student_id=candidate.student_id, assignment=spec.name, score=0.0, max_score=spec.max_score,
                       status="error", isolation="not graded", grader_fault=True, late=candidate.late,
                       submitted_at=candidate.submitted_at, version=candidate.version,
                       reason=f"the grader itself failed on this submission, not the student's code "
                              f"({visible(what)[:300]}); it is not graded yet: run the same command again "
                              "to grade it")


def print_progress_line(done: int, total: int, counts: Counter) -> None:
    """Quiet, parseable progress for logs and CI (one line per 10%)."""
    step = max(1, total // 10)
    if done == total or done % step == 0:
        parts = " ".join(f"{k}={counts.get(k, 0)}" for k in STATUSES)
        print(f"hocvuso grade: {done}/{total} {parts}", file=sys.stderr, flush=True)
