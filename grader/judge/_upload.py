"""What an upload must be: a student, a known assignment, safe files, notebooks of that assignment.

Pure checks over bytes in memory (nothing touches the disk here); each refusal is an `UploadRefused`
with a code and a reason the student reads in their language. The release, never the source, says
what an assignment's hand-in holds (`expected_from_release`), and the tamper rule of `_integrity`
warns the student on the receipt where the judge would mark the hand-in as tampered.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Mapping

import nbformat
from nbgrader.utils import compute_checksum

from hocvuso.core import N_

from .._cells import cells_by_id, is_locked
from .._errors import NotebookProblem, UploadRefused
from ._integrity import judge_reason, tamper_problems
from ._reading import parse_notebook
from ._unzip import TooBig, entries, read_entry
from ._versions import VERSIONS_DIR

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FILES = 50
_CONTEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_SKIP_PARTS = {".ipynb_checkpoints", "__MACOSX", VERSIONS_DIR}


HANDIN_MESSAGES = {
    "no_file": N_("No file was received. Choose your notebook (.ipynb) or a .zip and try again."),
    "too_big": N_("The upload is {size} MB, more than the limit of {limit} MB. Remove large files and try again."),
    "too_many": N_("The upload holds {count} files, more than the limit of {limit}."),
    "bad_zip": N_("{name} is not a readable .zip file."),
    "unsafe_path": N_("The zip contains {entry}, a path that points outside its folder. Nothing was saved."),
    "symlink": N_("The zip contains {entry}, a symbolic link. Nothing was saved."),
    "bad_name": N_("The file name {entry} is not allowed."),
    "not_notebook": N_("{name} is not a Jupyter notebook that can be read (it is damaged, empty or another kind "
                       "of file renamed .ipynb)."),
    "other_assignment": N_("{name} is a notebook of another assignment, not of {assignment}."),
    "no_notebook": N_("The upload has no notebook of assignment {assignment} (expected {expected})."),
    "unknown_assignment": N_("There is no assignment {assignment} to hand in."),
    "no_student": N_("Type your name or your contest id."),
    "bad_contest_id": N_("A contest id has 1 to 40 letters, digits, dots, dashes or underscores."),
    "bad_class": N_("There is no class with this code. Check it with your teacher."),
}


@dataclass(frozen=True)
class Expected:
    """What the release says a hand-in of one assignment holds (read from release/, never the source)."""

    assignment: str
    cell_ids: Mapping[str, frozenset[str]]
    """Notebook name (stem) -> every grade_id of its release."""
    locked: Mapping[str, Mapping[str, str]]
    """Notebook name -> grade_id -> checksum of each locked cell."""

    @property
    def notebooks(self) -> list[str]:
        return sorted(self.cell_ids)


def expected_from_release(course: Path, assignment: str) -> Expected:
    release = Path(course) / "release" / assignment
    paths = sorted(release.glob("*.ipynb")) if release.is_dir() else []
    if not paths:
        raise UploadRefused("unknown_assignment", HANDIN_MESSAGES["unknown_assignment"], assignment=assignment)
    ids, locked = {}, {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        cells = cells_by_id(nb.cells)
        ids[path.stem] = frozenset(cells)
        locked[path.stem] = {g: compute_checksum(c) for g, c in cells.items() if is_locked(c)}
    return Expected(assignment=assignment, cell_ids=ids, locked=locked)


def assignments_of(course: Path) -> list[str]:
    """Assignments that can be handed in: those with a release."""
    release = Path(course) / "release"
    if not release.is_dir():
        return []
    return sorted(p.name for p in release.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def clean_student(name: str = "", contest_id: str = "") -> str:
    """The student folder name: the contest id when given, else the name (NFC, single spaces)."""
    contest_id = unicodedata.normalize("NFC", (contest_id or "").strip())
    if contest_id:
        if not _CONTEST_ID.match(contest_id):
            raise UploadRefused("bad_contest_id", HANDIN_MESSAGES["bad_contest_id"])
        return contest_id
    clean = " ".join(unicodedata.normalize("NFC", name or "").split())
    clean = "".join(ch for ch in clean if unicodedata.category(ch)[0] != "C")
    clean = clean.replace("/", "-").replace("\\", "-").strip(". ")
    if not clean:
        raise UploadRefused("no_student", HANDIN_MESSAGES["no_student"])
    return clean[:60]


def relative_parts(entry: str) -> tuple[str, ...] | None:
    """The path parts of an archive entry, or None when it is absolute or climbs out ('..')."""
    text = entry.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return None
    parts = tuple(p for p in PurePosixPath(text).parts if p not in ("", "."))
    if any(p == ".." for p in parts):
        return None
    return parts


def unpack(files: list[tuple[str, bytes]], *, max_bytes: int = MAX_UPLOAD_BYTES,
           max_files: int = MAX_FILES) -> dict[str, bytes]:
    """The received files as {relative path: content}; a .zip is unpacked in memory, safely.

    Refuses (raises UploadRefused) a zip entry that is absolute, climbs out with '..', or is a link, and an
    upload over the size or file-count limit. Nothing touches the disk here.
    """
    files = [(n, d) for n, d in files if n or d]
    if not files:
        raise UploadRefused("no_file", HANDIN_MESSAGES["no_file"])
    total = sum(len(d) for _n, d in files)
    if total > max_bytes:
        raise UploadRefused("too_big", HANDIN_MESSAGES["too_big"], size=_mb(total), limit=_mb(max_bytes))
    out: dict[str, bytes] = {}
    for name, data in files:
        base = _base_name(name)
        if base.lower().endswith(".zip"):
            for rel, content in _unzip(base, data, max_bytes=max_bytes, max_files=max_files).items():
                out[rel] = content
        else:
            out[base] = data
    if len(out) > max_files:
        raise UploadRefused("too_many", HANDIN_MESSAGES["too_many"], count=len(out), limit=max_files)
    total = sum(len(d) for d in out.values())
    if total > max_bytes:
        raise UploadRefused("too_big", HANDIN_MESSAGES["too_big"], size=_mb(total), limit=_mb(max_bytes))
    return out


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _base_name(name: str) -> str:
    """A browser sends a bare name; keep only the last part of anything else, and refuse odd names."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1]).strip()
    if not base or base in (".", "..") or any(unicodedata.category(ch) == "Cc" for ch in base) or len(base) > 120:
        raise UploadRefused("bad_name", HANDIN_MESSAGES["bad_name"], entry=repr(name[:80]))
    return base


def _unzip(name: str, data: bytes, *, max_bytes: int, max_files: int) -> dict[str, bytes]:
    """A zip's files in memory by the one rule of `_unzip`: every entry is checked before any is read, and
    sizes count both as declared and as really read (a zip bomb that lies about its size stops at the limit)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        found = entries(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused("bad_zip", HANDIN_MESSAGES["bad_zip"], name=name) from exc
    chosen: dict[tuple[str, ...], zipfile.ZipInfo] = {}
    declared = 0
    for entry in found:  # check every entry before reading any
        shown = repr(entry.name[:120])
        if entry.code in ("outside", "climbs"):
            raise UploadRefused("unsafe_path", HANDIN_MESSAGES["unsafe_path"], entry=shown)
        if entry.code == "link":
            raise UploadRefused("symlink", HANDIN_MESSAGES["symlink"], entry=shown)
        if entry.code in ("device", "nul"):
            raise UploadRefused("bad_name", HANDIN_MESSAGES["bad_name"], entry=repr(entry.name[:80]))
        if entry.code == "twice":
            raise UploadRefused("bad_zip", HANDIN_MESSAGES["bad_zip"], name=name)
        parts = entry.parts
        if entry.info.is_dir() or not parts or any(p in _SKIP_PARTS or p.startswith("._") for p in parts):
            continue
        if any(any(unicodedata.category(ch) == "Cc" for ch in p) for p in parts):
            raise UploadRefused("bad_name", HANDIN_MESSAGES["bad_name"], entry=repr(entry.name[:80]))
        declared += entry.info.file_size
        if declared > max_bytes:
            raise UploadRefused("too_big", HANDIN_MESSAGES["too_big"], size=_mb(declared), limit=_mb(max_bytes))
        if len(chosen) >= max_files:
            raise UploadRefused("too_many", HANDIN_MESSAGES["too_many"], count=len(found), limit=max_files)
        chosen[tuple(unicodedata.normalize("NFC", p) for p in parts)] = entry.info
    # A zip of the assignment folder ("bai-thi/…"): drop the one common top folder.
    if chosen and all(len(p) > 1 for p in chosen) and len({p[0] for p in chosen}) == 1:
        chosen = {p[1:]: i for p, i in chosen.items()}
    out: dict[str, bytes] = {}
    read = 0
    for parts, info in chosen.items():
        try:
            content = read_entry(archive, info, limit=max_bytes - read)
        except TooBig:
            raise UploadRefused("too_big", HANDIN_MESSAGES["too_big"], size=_mb(max_bytes + 1),
                                limit=_mb(max_bytes)) from None
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error,
                ValueError) as exc:
            raise UploadRefused("bad_zip", HANDIN_MESSAGES["bad_zip"], name=name) from exc
        read += len(content)
        out["/".join(parts)] = content
    return out


def check_upload(received: dict[str, bytes], expected: Expected) -> tuple[dict[str, bytes], list[str]]:
    """Validate unpacked files against the assignment; return (files to store, warnings for the receipt).

    Notebooks must be readable and belong to the assignment (most of its cell ids present); a single
    notebook with another name is stored under the assignment's name (browsers add " (1)").
    """
    notebooks = {rel: data for rel, data in received.items() if rel.lower().endswith(".ipynb")}
    names = expected.notebooks
    parsed: dict[str, nbformat.NotebookNode] = {}
    for rel, data in notebooks.items():
        parsed[rel] = _read_bytes(rel, data)
    stored: dict[str, bytes] = {rel: data for rel, data in received.items() if rel not in notebooks}
    matched: dict[str, str] = {}
    for rel, nb in parsed.items():
        ids = set(cells_by_id(nb.cells))
        owner = next((n for n in names if len(ids & expected.cell_ids[n]) * 2 >= len(expected.cell_ids[n]) > 0), None)
        if owner is None:
            raise UploadRefused("other_assignment", HANDIN_MESSAGES["other_assignment"], name=rel,
                                assignment=expected.assignment)
        stem = PurePosixPath(rel).stem
        if owner in matched and stem != owner:
            continue  # a second copy under another name: keep the one named like the assignment
        matched[owner] = rel
    if not matched:
        raise UploadRefused("no_notebook", HANDIN_MESSAGES["no_notebook"], assignment=expected.assignment,
                      expected=", ".join(f"{n}.ipynb" for n in names))
    warnings = []
    for owner, rel in matched.items():
        stored[f"{owner}.ipynb"] = notebooks[rel]
        problem = _tamper_warning(parsed[rel], owner, expected)
        if problem:
            warnings.append(problem)
    for name in names:
        if name not in matched:
            warnings.append(f"{name}.ipynb was not in this upload")
    return stored, warnings


def _read_bytes(rel: str, data: bytes) -> nbformat.NotebookNode:
    try:
        return parse_notebook(data, rel)
    except NotebookProblem as exc:
        raise UploadRefused("not_notebook", HANDIN_MESSAGES["not_notebook"], name=rel) from exc


def _tamper_warning(nb: nbformat.NotebookNode, name: str, expected: Expected) -> str:
    problem = judge_reason(name, tamper_problems(nb.cells, cell_ids=expected.cell_ids[name],
                                                 locked=expected.locked[name]))
    return f"{problem} — the judge will mark this hand-in as tampered" if problem else ""
