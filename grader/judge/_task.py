"""One student's grading task as values: what a worker needs, read once on the judge's machine.

A worker on another machine sees none of the judge's folders (submissions, course, `--out`), so the
judge reads everything grading needs into a `Task` (the notebooks' bytes, the widget answers files, the
files beside the notebooks for the sandbox) and the assignment into a `Bundle` (the spec, as a value, and
the release's data files as bytes). The worker writes only into a private temporary folder of its own
and returns the GradeRecord; the judge's process alone writes the journal and the exports.

Local workers take the same road (`gather` in the worker thread, then grading from the bytes), so a
batch on a cluster and a local batch grade from the very same inputs. A file that cannot be read
(a link, a pipe, too large) is kept as the reason, raised at the point where the grader would have
read it, so the row says what it would have said on one machine.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import hocvuso.grader.judge._sandbox as _sandbox
from hocvuso.core import FileStore

from .._errors import GraderError, GraderFault, NotebookProblem
from ._intake import Candidate
from ._reading import read_submitted
from ._spec import AssignmentSpec

MAX_ANSWERS_BYTES = 8 * 1024**2
"""Largest widget answers file read from a submission."""
MAX_RELEASE_BYTES = 1024**3
"""Largest total of a release's data files a batch ships to its workers."""
RESULT_FILE = ".hocvuso-result.json"
"""A file of the old pipeline a submission folder may hold; never copied into the sandbox."""


@dataclass(frozen=True)
class Task:
    """Everything grading one student reads from the submission, as bytes or as the reason it could not be read."""

    candidate: Candidate
    """Who, and how they handed in (its paths are the judge's: for names in messages only, never opened)."""
    notebooks: dict[str, bytes] = field(default_factory=dict)
    """Assignment notebook name -> the submitted bytes."""
    problem: str = ""
    """Why a notebook could not be read (the row is `invalid`); "" when all were read."""
    answers: dict[str, bytes] | None = None
    """Widget answers file name -> bytes; None when the submission has no folder or no widget task."""
    answers_problem: str = ""
    """Why an answers file could not be read (raised as NotebookProblem where the answers are scored)."""
    files: dict[str, bytes] = field(default_factory=dict)
    """The files beside the notebooks (relative path -> bytes) that the sandbox gets; bounded by `read_folder`."""
    files_notes: tuple[str, ...] = ()
    """What `read_folder` left out, for the row's reason."""
    files_fault: str = ""
    """The submission folder could not be opened: the grader's fault (GraderFault where the notebook runs)."""


@dataclass(frozen=True)
class Bundle:
    """What every task of a batch shares: the spec (hidden cases included, as values) and the release's files."""

    spec: AssignmentSpec
    release: dict[str, bytes] = field(default_factory=dict)
    """The release's data files (relative path -> bytes); they overwrite a student's file of the same name."""


def answer_names(spec: AssignmentSpec) -> list[str]:
    """The answers files the widget and variant tasks of `spec` are scored from."""
    store = FileStore(Path("."))
    return sorted({store.path_for(item.task_id).name for item in spec.items if item.kind in ("widget", "variant")})


def gather(candidate: Candidate, spec: AssignmentSpec, limits: _sandbox.Limits) -> Task:
    """Read one submission into a Task. Never raises for anything the submission contains."""
    if candidate.status:
        return Task(candidate)
    notebooks: dict[str, bytes] = {}
    for name, path in candidate.notebooks.items():
        try:
            notebooks[name] = read_submitted(path, root=candidate.root)
        except NotebookProblem as exc:
            return Task(candidate, problem=str(exc))
    answers, answers_problem = None, ""
    names = answer_names(spec)
    if candidate.folder is not None and names:
        answers = {}
        for name in names:
            if os.path.lexists(candidate.folder / name):
                try:
                    answers[name] = read_submitted(candidate.folder / name, root=candidate.root,
                                                   limit=MAX_ANSWERS_BYTES)
                except NotebookProblem as exc:
                    answers_problem = str(exc)
                    break
    files: dict[str, bytes] = {}
    notes: list[str] = []
    fault = ""
    runs = any(nb.needs_execution and name in notebooks for name, nb in spec.notebooks.items())
    if runs and candidate.folder is not None:
        skip = {RESULT_FILE, *(path.name for path in candidate.notebooks.values())}
        try:
            files, notes = _sandbox.read_folder(candidate.folder, skip=skip,
                                                max_bytes=limits.disk_mb * 1024 * 1024 // 2,
                                                max_file=limits.max_file_mb * 1024 * 1024)
        except GraderFault as exc:
            fault = str(exc)
    return Task(candidate, notebooks, answers=answers, answers_problem=answers_problem, files=files,
                files_notes=tuple(notes), files_fault=fault)


def answers_folder(task: Task, scratch: Path) -> Path | None:
    """A private folder holding the task's answers files (the scorer reads a folder); None when it has none.

    Raises NotebookProblem when one of them could not be read from the submission.
    """
    if task.answers is None:
        return None
    copy = Path(tempfile.mkdtemp(prefix="answers-", dir=scratch))
    for name, data in task.answers.items():
        (copy / name).write_bytes(data)
    if task.answers_problem:
        shutil.rmtree(copy, ignore_errors=True)
        raise NotebookProblem(task.answers_problem)
    return copy


def bundle(spec: AssignmentSpec, *, needed: bool) -> Bundle:
    """The batch's Bundle; the release's files are read (once) only when a task uses them (`needed`)."""
    if not needed:
        return Bundle(spec)
    release = Path(spec.release_dir)
    files: dict[str, bytes] = {}
    for rel in spec.release_files:
        try:
            files[rel] = _sandbox.release_bytes(release / rel)
        except GraderFault as exc:
            raise GraderError(str(exc)) from exc
        if sum(map(len, files.values())) > MAX_RELEASE_BYTES:
            raise GraderError(f"the release's data files are larger than {MAX_RELEASE_BYTES // 1024**2} MB in all; "
                              "every worker receives them with each batch")
    return Bundle(spec, files)


def materialise_release(shared: Bundle, scratch: Path) -> Path:
    """The release's files written into a private folder under `scratch` (for scorers that read a path)."""
    folder = Path(tempfile.mkdtemp(prefix="release-", dir=scratch))
    for rel, data in shared.release.items():
        target = folder / rel
        if not target.resolve().is_relative_to(folder.resolve()):
            raise GraderFault(f"release file {rel!r} points outside the release")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder
