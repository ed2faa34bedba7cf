"""Intake: find every student's submission, whatever shape the judge received.

Accepted: nbgrader's `submitted/` layout (STUDENT/ASSIGNMENT/*.ipynb and files beside them), a .zip of
it (also with a `submitted/` folder inside), or a folder of flat STUDENT.ipynb files for a
one-notebook assignment. Names may be Vietnamese or contain spaces.

Every student the judge handed in gets exactly one Candidate, and so exactly one row: nothing here
drops, merges or hides a student. What cannot be graded becomes that student's `invalid`/`missing`
Candidate with a reason (a symbolic link, a bad zip entry, two ids equal after Unicode normalisation);
look-alike ids are graded and flagged. Only a layout that cannot be read one way (notebooks at the top
beside student folders) or an archive that belongs to nobody stops the batch, before anything is graded.

Nothing here reads a student's file: that is `_reading` (once, no link followed), later, in the batch.
A zip is unpacked by the one rule of `_unzip`; the version graded is chosen by `_versions`.
"""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .._errors import GraderError
from ._record import visible
from ._spec import AssignmentSpec
from ._unzip import TooBig, copy_entry, entries
from ._versions import choose, format_timestamp, versions_of

MAX_ZIP_BYTES = 4 * 1024**3
"""Unpacked size limit of a submissions zip, counted as bytes really written (a zip bomb stops here)."""
MAX_ZIP_FILE_BYTES = 256 * 1024**2
"""Largest single file unpacked from a submissions zip; a bigger one makes that student's row invalid."""
MAX_ZIP_ENTRIES = 200_000
"""Most entries a submissions zip may have."""
JUNK_FOLDERS = frozenset({".ipynb_checkpoints", "__MACOSX", ".git"})
"""Folders tools leave beside student folders; skipped only while they hold nothing of the assignment."""
_LOOK_ALIKE = re.compile(r"^\s|\s$|[^\S ]|[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                         r"\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\x00-\x1f\x7f-\x9f]")
"""Leading/trailing spaces, whitespace other than a plain space, invisible, bidi and control characters."""


@dataclass(frozen=True)
class Candidate:
    """One student's submission as found, before grading."""

    student_id: str
    """Folder or file name of the student, NFC (undecodable bytes shown as \\xNN)."""
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
    """True when the graded version came after the deadline (see `_versions.choose`)."""
    version: int = 0
    """Which handed-in version is graded (1, 2, …; 0 for a plain folder without versions)."""
    note: str = ""
    """What the judge should know about a gradable submission (late, later uploads not graded, look-alike id)."""
    root: Path | None = None
    """The submissions folder the judge gave (trusted); below it no symbolic link is ever followed."""
    entry: str = ""
    """The student's folder or file name exactly as found under `root`."""


def discover(path: Path, spec: AssignmentSpec, scratch: Path, *, deadline: datetime | None = None,
             exclude: Path | None = None) -> list[Candidate]:
    """Every student's submission under `path` (folder or zip), one Candidate each, sorted by student id.

    `exclude` is the batch's own output folder: when the judge put it among the submissions it is not a student.

    Where a student handed in several versions (the `_versions` layout), the one graded is the last at or
    before `deadline` (or the last one, marked late, when all are late; the last one without a deadline).
    Raises GraderError only when the layout is ambiguous or the archive cannot be unpacked at all.
    """
    path = Path(path)
    if not path.exists():
        raise GraderError(f"submissions {path} do not exist")
    bad_entries: dict[str, str] = {}
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise GraderError(f"{path} is neither a folder nor a .zip of submissions")
        unpacked = scratch / "unzipped"
        problems = _unzip(path, unpacked)
        path = _layout_root(unpacked, spec)
        bad_entries = _by_student(problems, path.relative_to(unpacked).parts)
    else:
        path = _layout_root(path, spec, exclude=exclude)
    notebooks, folders = _top_entries(path, spec, exclude)
    if notebooks and folders:
        raise GraderError(
            f"{path} holds both notebooks at the top ({_some(p.name for p in notebooks)}) and student folders "
            f"({_some(p.name + '/' for p in folders)}): it is unclear whether the notebooks are students' "
            "(flat STUDENT.ipynb layout) or stray files, so nothing was graded. Move stray notebooks out of "
            f"that folder, or put each student's notebook in its own folder STUDENT/{spec.name}/, and run again")
    if notebooks:
        if len(spec.notebooks) != 1:
            raise GraderError(f"{path} holds flat STUDENT.ipynb files, but assignment {spec.name!r} has "
                              f"{len(spec.notebooks)} notebooks; use the submitted/STUDENT/{spec.name}/ layout")
        found = [_from_flat(p, spec, path) for p in notebooks]
    else:
        found = [_from_folder(p, spec, deadline, root=path) for p in folders]
    for entry in bad_entries:  # a student whose every zip entry was bad still gets a row
        if not any(c.entry == entry for c in found):
            found.append(Candidate(student_id=_nfc(entry.removesuffix(".ipynb")),
                                   folder=None, root=path, entry=entry))
    found = [replace(c, status="invalid", reason=bad_entries[c.entry], notebooks={}) if c.entry in bad_entries else c
             for c in found]
    return sorted(_settle_ids(found), key=lambda c: c.student_id)


def _layout_root(path: Path, spec: AssignmentSpec, depth: int = 0, *, exclude: Path | None = None) -> Path:
    """Where the students are: `path`, or the one folder it holds when that is a wrapper, not a student.

    A wrapper is a lone `submitted/` folder, or a lone folder that is not a submission itself but holds
    students' submissions (a zip of "nop-bai/", a folder copied into another): without this, every
    student inside would become one `missing` row named after the wrapper.
    """
    notebooks, folders = _top_entries(path, spec, exclude)
    if notebooks or len(folders) != 1 or folders[0].is_symlink() or depth >= 3:
        return path
    only = folders[0]
    if only.name == "submitted" or (not _holds_assignment(only, spec) and any(
            _holds_assignment(child, spec) for child in only.iterdir() if child.is_dir() and not child.is_symlink())):
        return _layout_root(only, spec, depth + 1, exclude=exclude)
    return path


def _top_entries(path: Path, spec: AssignmentSpec, exclude: Path | None = None) -> tuple[list[Path], list[Path]]:
    """(notebooks, student folders) at the top of `path`; links are listed (as students), never followed."""
    notebooks, folders = [], []
    for child in sorted(path.iterdir()):
        if child.name.lower().endswith(".ipynb") and not (child.is_dir() and not child.is_symlink()):
            notebooks.append(child)
        elif child.is_symlink():
            folders.append(child)
        elif child.is_dir():
            if child.name in JUNK_FOLDERS and not _holds_assignment(child, spec, strict=True):
                continue
            if exclude is not None and child.resolve() == exclude:
                continue  # this batch's own output folder (--out inside the submissions)
            folders.append(child)
        # other files (READMEs, the upload page's ledger, .DS_Store) are nobody's submission
    return notebooks, folders


def _holds_assignment(folder: Path, spec: AssignmentSpec, *, strict: bool = False) -> bool:
    """True when `folder` looks like a student's: the assignment's folder, or notebooks (`strict`: notebooks
    named as the assignment's, so Jupyter's "NAME-checkpoint.ipynb" copies do not count)."""
    try:
        if (folder / spec.name).exists():
            return True
        if strict:
            return any(os.path.lexists(folder / f"{name}.ipynb") for name in spec.notebooks)
        return any(folder.glob("*.ipynb"))
    except OSError:
        return True


def _some(names, most: int = 5) -> str:
    names = [repr(visible(n)) for n in names]
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def _from_flat(notebook: Path, spec: AssignmentSpec, root: Path) -> Candidate:
    entry = notebook.name
    student = _nfc(entry[:-len(".ipynb")])  # any case of the suffix
    if notebook.is_symlink():
        return Candidate(student_id=student, folder=None, status="invalid", root=root, entry=entry,
                         reason=f"{visible(entry)!r} is a symbolic link; links are not followed "
                                "(hand in the file itself)")
    (name,) = spec.notebooks
    return Candidate(student_id=student, folder=None, notebooks={name: notebook}, root=root, entry=entry)


def _from_folder(student_dir: Path, spec: AssignmentSpec, deadline: datetime | None, *, root: Path) -> Candidate:
    entry = student_dir.name
    student = _nfc(entry)

    def invalid(reason: str, folder: Path | None = None) -> Candidate:
        return Candidate(student_id=student, folder=folder, status="invalid", reason=reason, root=root, entry=entry)

    try:
        link = _first_link(root, student_dir / spec.name)
        if link is not None:
            return invalid(f"{visible(link)!r} is a symbolic link; links are not followed (hand in the folder itself)")
        folder = student_dir / spec.name
        if not folder.is_dir():
            # An LMS zip often drops the assignment level: accept notebooks directly in the student folder.
            folder = student_dir if any(student_dir.glob("*.ipynb")) else folder
        if not folder.is_dir():
            return Candidate(student_id=student, folder=None, status="missing", root=root, entry=entry,
                             reason=f"no folder {spec.name}/ and no notebook in {visible(entry)}/")
        choice = choose(versions_of(folder), deadline)
        folder = choice.version.folder
        when = choice.version.submitted_at
        handed: dict[str, Any] = dict(submitted_at=format_timestamp(when) if when else "", late=choice.late,
                      version=choice.version.number, note=choice.note(deadline), root=root, entry=entry)
        named = {name: folder / f"{name}.ipynb" for name in spec.notebooks}
        notebooks = {name: p for name, p in named.items() if os.path.lexists(p)}
        present = sorted(p for p in folder.iterdir() if p.name.lower().endswith(".ipynb"))
        if not notebooks and len(spec.notebooks) == 1 and len(present) == 1:
            # Renamed by the student ("bai lam (1).ipynb"): still theirs; the content check decides.
            notebooks = {next(iter(spec.notebooks)): present[0]}
        links = [p.name for p in notebooks.values() if p.is_symlink()]
        if links:
            return invalid(f"{_some(links)} is a symbolic link; links are not followed (hand in the file itself)",
                           folder)
        if not notebooks:
            expected = ", ".join(f"{n}.ipynb" for n in spec.notebooks)
            reason = (f"no notebook of assignment {spec.name} (expected {expected}; found "
                      f"{', '.join(visible(p.name) for p in present) or 'none'})")
            return Candidate(student_id=student, folder=folder, status="missing", reason=reason, **handed)
        return Candidate(student_id=student, folder=folder, notebooks=notebooks, **handed)
    except OSError as exc:  # unreadable folder, a name the file system refuses …: that student's row says so
        return invalid(f"the folder {visible(entry)!r} cannot be read ({exc.strerror or exc})")


def _first_link(root: Path, path: Path) -> str | None:
    """The first part of `path` below `root` that is a symbolic link (as a relative path), or None."""
    here = root
    for part in path.relative_to(root).parts:
        here = here / part
        if here.is_symlink():
            return str(here.relative_to(root))
        if not here.exists():
            return None
    return None


def _settle_ids(found: list[Candidate]) -> list[Candidate]:
    """Make every id unique and honest: twins after NFC become invalid, look-alikes are flagged."""
    groups: dict[str, list[Candidate]] = {}
    for c in found:
        groups.setdefault(c.student_id, []).append(c)
    settled = []
    for same in groups.values():
        if len(same) == 1:
            settled.append(same[0])
            continue
        names = " and ".join(ascii(c.entry) for c in same)
        for c in same:
            # Distinct rows need distinct ids: the names exactly as found (they differ, or the folder would be one).
            settled.append(replace(c, student_id=_decoded(c.entry), status="invalid", notebooks={},
                                   reason=f"{names} are the same student id once Unicode is normalised (NFC) but "
                                          "are written differently; rename one of them and grade again"))
    skeletons: dict[str, list[str]] = {}
    for c in settled:
        skeletons.setdefault(_skeleton(c.student_id), []).append(c.student_id)
    flagged = []
    for c in settled:
        if c.status or not (_LOOK_ALIKE.search(c.student_id) or len(skeletons[_skeleton(c.student_id)]) > 1):
            flagged.append(c)
            continue
        others = [o for o in skeletons[_skeleton(c.student_id)] if o != c.student_id]
        flag = (f"student id {c.student_id!a} has spaces at its ends or invisible, direction or control characters"
                if _LOOK_ALIKE.search(c.student_id) else f"student id {c.student_id!a}")
        flag += (f"; it looks like {', '.join(ascii(o) for o in others)}" if others else "") + "; check who this is"
        flagged.append(replace(c, note="; ".join(p for p in (flag, c.note) if p)))
    return flagged


def _skeleton(student_id: str) -> str:
    return _LOOK_ALIKE.sub("", student_id.strip()).casefold()


def _nfc(name: str) -> str:
    """A name as a student id: NFC, with bytes that are not UTF-8 shown as \\xNN (they cannot be stored)."""
    return unicodedata.normalize("NFC", _decoded(name))


def _decoded(name: str) -> str:
    if not any("\udc80" <= ch <= "\udcff" for ch in name):
        return name
    return "".join(f"\\x{ord(ch) - 0xdc00:02x}" if "\udc80" <= ch <= "\udcff" else ch for ch in name)


def _unzip(archive: Path, target: Path) -> dict[tuple[str, ...], str]:
    """Unpack a submissions zip into `target`; return {entry path parts: why it was not unpacked}.

    The one rule of `_unzip` for every entry, with at most MAX_ZIP_FILE_BYTES per file and MAX_ZIP_BYTES
    in all (declared sizes and the bytes really written both count). A bad entry is left out and
    reported (its student's row becomes invalid); an entry that belongs to no student, too many
    entries or too many bytes in all refuse the batch.
    """
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    problems: dict[tuple[str, ...], str] = {}
    try:
        zf = zipfile.ZipFile(archive)
        found = entries(zf)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise GraderError(f"{archive.name} cannot be read as a zip ({exc}); check the file is complete") from exc
    if len(found) > MAX_ZIP_ENTRIES:
        raise GraderError(f"{archive.name} has {len(found)} entries, more than {MAX_ZIP_ENTRIES}; split the batch")
    budget = MAX_ZIP_BYTES
    with zf:
        for entry in found:
            parts = entry.parts
            if not parts:
                continue
            if entry.outside or parts[0] == "..":
                raise GraderError(f"{archive.name}: entry {entry.name!a} points outside the archive and "
                                  "belongs to no student; refusing to unpack it. Remove it from the zip and run again")
            problem = entry.problem
            if problem is None:
                limit = min(MAX_ZIP_FILE_BYTES, budget)
                try:
                    budget -= _extract(zf, entry.info, target.joinpath(*parts), limit)
                except TooBig:
                    if limit < MAX_ZIP_FILE_BYTES:
                        raise GraderError(f"{archive.name} unpacks to more than {MAX_ZIP_BYTES // 1024**3} GiB; "
                                          "split the batch or leave out the largest files") from None
                    problem = f"unpacks to more than {MAX_ZIP_FILE_BYTES // 1024**2} MB"
                except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error,
                        ValueError) as exc:
                    problem = f"cannot be unpacked ({type(exc).__name__}: {str(exc)[:120]})"
            if problem is not None:
                problems[parts] = f"zip entry {entry.name!a} {problem}; it was not unpacked"
                safe = parts[:parts.index("..")] if ".." in parts else parts[:-1]
                if safe:  # keep the student's folder, so the student is found and gets a row
                    target.joinpath(*safe).mkdir(parents=True, exist_ok=True)
    return problems


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, limit: int) -> int:
    """Write one entry by `_unzip.copy_entry`'s rule; return the bytes written (nothing is left of a refused one)."""
    if info.is_dir():
        destination.mkdir(parents=True, exist_ok=True)
        return 0
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(destination, "xb") as dst:
            return copy_entry(zf, info, dst, limit=limit)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise


def _by_student(problems: dict[tuple[str, ...], str], root: tuple[str, ...]) -> dict[str, str]:
    """{student's folder or file name under the layout root: the first bad entry's reason}."""
    found: dict[str, str] = {}
    for parts, reason in problems.items():
        if parts[:len(root)] == root and len(parts) > len(root):
            found.setdefault(parts[len(root)], reason)
    return found
