"""Intake: find every student's submission, whatever shape the judge received, and read notebooks safely.

Accepted: nbgrader's `submitted/` layout (STUDENT/ASSIGNMENT/*.ipynb and files beside them), a .zip of
it (also with a `submitted/` folder inside), or a folder of flat STUDENT.ipynb files for a
one-notebook assignment. Names may be Vietnamese or contain spaces. Nothing here stops the batch: a
bad submission becomes a Candidate with a reason.
"""
from __future__ import annotations

import hashlib
import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import nbformat

from ._errors import GraderError
from ._spec import AssignmentSpec

MAX_ZIP_BYTES = 4 * 1024**3
"""Unpacked size limit of a submissions zip (a zip bomb stops here)."""


@dataclass(frozen=True)
class Candidate:
    """One student's submission as found, before grading."""

    student_id: str
    """Folder or file name of the student, NFC."""
    folder: Path | None
    """Folder holding the student's files (None for flat files)."""
    notebooks: dict[str, Path] = field(default_factory=dict)
    """Assignment notebook name -> the student's file for it."""
    status: str = ""
    """"" when gradable, else "missing" or "invalid"."""
    reason: str = ""
    """Why it is not gradable."""
    submitted_at: str = ""
    """When the graded version was handed in (nbgrader timestamp text), "" when unknown."""
    late: bool = False
    """True when the graded version came after the deadline (see `_handin.choose`)."""
    version: int = 0
    """Which handed-in version is graded (1, 2, …; 0 for a plain folder without versions)."""
    note: str = ""
    """What the choice of version means for the judge (late by how much, later uploads not graded)."""


class NotebookProblem(Exception):
    """A submitted notebook that cannot be read; the message is the judge-facing reason."""


def discover(path: Path, spec: AssignmentSpec, scratch: Path, *, deadline: datetime | None = None) -> list[Candidate]:
    """Every student's submission under `path` (folder or zip), sorted by student id.

    Where a student handed in several versions (`_handin` layout), the one graded is the last at or
    before `deadline` (or the last one, marked late, when all are late; the last one without a deadline).
    """
    path = Path(path)
    if not path.exists():
        raise GraderError(f"submissions {path} do not exist")
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise GraderError(f"{path} is neither a folder nor a .zip of submissions")
        path = _unzip(path, scratch / "unzipped")
    children = [p for p in path.iterdir() if not p.name.startswith(".")]
    if len(children) == 1 and children[0].is_dir() and children[0].name == "submitted":
        path = children[0]
    flat = sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".ipynb")
    if flat:
        if len(spec.notebooks) != 1:
            raise GraderError(f"{path} holds flat STUDENT.ipynb files, but assignment {spec.name!r} has "
                              f"{len(spec.notebooks)} notebooks; use the submitted/STUDENT/{spec.name}/ layout")
        (name,) = spec.notebooks
        found = [Candidate(student_id=_nfc(p.stem), folder=None, notebooks={name: p}) for p in flat]
    else:
        found = [_from_folder(p, spec, deadline) for p in sorted(path.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    ids = [c.student_id for c in found]
    duplicated = {i for i in ids if ids.count(i) > 1}
    if duplicated:
        raise GraderError(f"student ids appear twice (after Unicode normalisation): {sorted(duplicated)}")
    return sorted(found, key=lambda c: c.student_id)


def _from_folder(student_dir: Path, spec: AssignmentSpec, deadline: datetime | None = None) -> Candidate:
    student = _nfc(student_dir.name)
    folder = student_dir / spec.name
    if not folder.is_dir():
        # An LMS zip often drops the assignment level: accept notebooks directly in the student folder.
        folder = student_dir if any(student_dir.glob("*.ipynb")) else folder
    if not folder.is_dir():
        return Candidate(student_id=student, folder=None, status="missing",
                         reason=f"no folder {spec.name}/ and no notebook in {student_dir.name}/")
    from ._handin import choose, format_timestamp, versions_of

    choice = choose(versions_of(folder), deadline)
    folder = choice.version.folder
    when = choice.version.submitted_at
    handed = dict(submitted_at=format_timestamp(when) if when else "", late=choice.late,
                  version=choice.version.number, note=choice.note(deadline))
    notebooks = {name: folder / f"{name}.ipynb" for name in spec.notebooks if (folder / f"{name}.ipynb").is_file()}
    if not notebooks:
        present = sorted(p.name for p in folder.glob("*.ipynb"))
        if len(spec.notebooks) == 1 and len(present) == 1:
            # Renamed by the student ("bai lam (1).ipynb"): still theirs; the content check decides.
            notebooks = {next(iter(spec.notebooks)): folder / present[0]}
        else:
            expected = ", ".join(f"{n}.ipynb" for n in spec.notebooks)
            reason = (f"no notebook of assignment {spec.name} (expected {expected}; found "
                      f"{', '.join(present) or 'none'})")
            return Candidate(student_id=student, folder=folder, status="missing", reason=reason, **handed)
    return Candidate(student_id=student, folder=folder, notebooks=notebooks, **handed)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate one submitted notebook; raise NotebookProblem with a sentence a judge understands."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise NotebookProblem(f"{path.name} cannot be read ({exc.strerror})") from exc
    if not raw.strip():
        raise NotebookProblem(f"{path.name} is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookProblem(f"{path.name} is not UTF-8 text (bad byte at position {exc.start}); "
                              "it was damaged or saved by another program") from exc
    try:
        version = nbformat.reader.get_version(nbformat.reader.reads(text))
    except Exception as exc:
        raise NotebookProblem(f"{path.name} is not a Jupyter notebook: {str(exc)[:160]} "
                              "(truncated or not JSON)") from exc
    if version[0] < 4:
        raise NotebookProblem(f"{path.name} is in notebook format v{version[0]}; save it with Jupyter 4 or later")
    if version[0] > 4:
        raise NotebookProblem(f"{path.name} is in notebook format v{version[0]}, newer than this grader reads (v4)")
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise NotebookProblem(f"{path.name} is not a valid notebook: {first}") from exc
    return notebook


def fingerprint(files: list[Path]) -> str:
    """SHA-256 of what was received: of the file itself for one notebook, else of names and contents."""
    if len(files) == 1:
        return hashlib.sha256(files[0].read_bytes()).hexdigest()
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _unzip(archive: Path, target: Path) -> Path:
    """Extract a submissions zip, refusing absolute paths, '..', links and zip bombs."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    total = 0
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts:
                raise GraderError(f"{archive.name}: entry {info.filename!r} points outside the archive; "
                                  "refusing to unpack it")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise GraderError(f"{archive.name}: entry {info.filename!r} is a symbolic link; refusing to unpack it")
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise GraderError(f"{archive.name} unpacks to more than {MAX_ZIP_BYTES // 1024**3} GiB")
            destination = target.joinpath(*name.parts)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, destination.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    return target
