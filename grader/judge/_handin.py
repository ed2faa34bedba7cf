"""Handing in: validate an upload, keep every version, issue a receipt, choose the version a judge grades.

Pure functions and the folder layout; the upload page (`hocvuso.handin`) and the batch grader both use
this module, so the receipt's hash and the hash in results.csv are computed by the same code
(`_intake.fingerprint` over the stored notebooks).

The layout is nbgrader's `submitted/STUDENT/ASSIGNMENT/`, extended so that nothing is ever replaced::

    submitted/STUDENT/ASSIGNMENT/
        bai-thi.ipynb, *.hocvuso.json, timestamp.txt   ← a copy of the latest version (stock nbgrader reads it)
        .versions/
            001-20250301T031500.123456Z/               ← every accepted upload, never changed again
                bai-thi.ipynb, …, timestamp.txt, hocvuso-receipt.json
            002-…/
    submitted/.hocvuso-receipts.jsonl                    ← one line per receipt (the ledger)

`timestamp.txt` uses nbgrader's own format ("2025-03-01 03:15:00.123456 UTC"), so `nbgrader collect`
output and uploads are read the same way. The judge grades, per student, the last version handed in
at or before the deadline; when every version is late, the last one, marked late.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import stat
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Mapping

import nbformat
from nbgrader.utils import compute_checksum

from hocvuso.core._i18n import N_, translator

from ._errors import GraderError
from ._intake import NotebookProblem, fingerprint, read_notebook, read_submitted

VERSIONS_DIR = ".versions"
"""Folder inside submitted/STUDENT/ASSIGNMENT/ that keeps every accepted upload."""
RECEIPT_FILE = "hocvuso-receipt.json"
LEDGER_FILE = ".hocvuso-receipts.jsonl"
TIMESTAMP_FILE = "timestamp.txt"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
"""nbgrader's Exchange.timestamp_format (UTC)."""
VIETNAM = timezone(timedelta(hours=7), "ICT")
"""A deadline written without a time zone is Vietnam time (UTC+07:00)."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FILES = 50
_CONTEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_SKIP_PARTS = {".ipynb_checkpoints", "__MACOSX", VERSIONS_DIR}
_OWN_FILES = {TIMESTAMP_FILE, RECEIPT_FILE}


# ---------------------------------------------------------------------------------------------- refusals

class Refused(Exception):
    """An upload that is not accepted. `message` is an English msgid (translated by `reason(locale)`)."""

    def __init__(self, code: str, message: str, **values: object) -> None:
        self.code, self.message, self.values = code, message, values
        super().__init__(self.reason("en"))

    def reason(self, locale: str = "vi") -> str:
        return translator(locale)(self.message).format(**self.values)


M = {
    "no_file": N_("No file was received. Choose your notebook (.ipynb) or a .zip and try again."),
    "too_big": N_("The upload is {size} MB, more than the limit of {limit} MB. Remove large files and try again."),
    "too_many": N_("The upload holds {count} files, more than the limit of {limit}."),
    "bad_zip": N_("{name} is not a readable .zip file."),
    "unsafe_path": N_("The zip contains {entry}, a path that points outside its folder. Nothing was saved."),
    "symlink": N_("The zip contains {entry}, a symbolic link. Nothing was saved."),
    "bad_name": N_("The file name {entry} is not allowed."),
    "not_notebook": N_("{name} is not a Jupyter notebook that can be read (it is damaged, empty or another kind of file renamed .ipynb)."),
    "other_assignment": N_("{name} is a notebook of another assignment, not of {assignment}."),
    "no_notebook": N_("The upload has no notebook of assignment {assignment} (expected {expected})."),
    "unknown_assignment": N_("There is no assignment {assignment} to hand in."),
    "no_student": N_("Type your name or your contest id."),
    "bad_contest_id": N_("A contest id has 1 to 40 letters, digits, dots, dashes or underscores."),
    "bad_class": N_("There is no class with this code. Check it with your teacher."),
}


# ---------------------------------------------------------------------------------------------- time

def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def format_timestamp(moment: datetime) -> str:
    """nbgrader's timestamp.txt text for `moment`."""
    return moment.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime | None:
    """A timestamp.txt (nbgrader's or ours) as an aware UTC datetime; None when empty or unreadable."""
    from nbgrader.utils import parse_utc

    text = (text or "").strip()
    if not text:
        return None
    try:
        if re.search(r"\s[+-]\d{2}:?\d{2}$", text):  # "+0700": nbgrader's parse_utc would read 700 seconds
            import dateutil.parser

            return dateutil.parser.parse(text).astimezone(timezone.utc)
        return parse_utc(text).replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, TypeError):
        return None


def parse_deadline(text: str) -> datetime:
    """A judge's deadline: ISO 8601 or "YYYY-MM-DD HH:MM[:SS]"; without a zone it is Vietnam time (UTC+07)."""
    raw = (text or "").strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise GraderError(f"deadline {text!r} is not a date and time; write e.g. 2025-03-01T17:00+07:00 or "
                          "\"2025-03-01 17:00\" (Vietnam time)") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(timezone.utc)


def course_due_date(course: Path, assignment: str) -> datetime | None:
    """The assignment's due date in the course's nbgrader gradebook (`nbgrader db assignment add --duedate`)."""
    db = Path(course) / "gradebook.db"
    if not db.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT duedate FROM assignment WHERE name = ?", (assignment,)).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    if not row or not row[0]:
        return None
    try:  # nbgrader stores naive UTC
        return datetime.fromisoformat(str(row[0])).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def describe_delay(delay: timedelta) -> str:
    """"2 h 05 min" / "3 min" / "1 d 4 h": how late, for the judge."""
    minutes = int(delay.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{max(mins, 0)} min" if minutes else f"{int(delay.total_seconds())} s"


# ---------------------------------------------------------------------------------------------- versions

@dataclass(frozen=True)
class Version:
    """One handed-in version of one student's assignment."""

    folder: Path
    number: int
    """1, 2, … in order of arrival; 0 for a plain nbgrader folder without versions."""
    submitted_at: datetime | None
    """From timestamp.txt; None when the folder has none (a zip from an LMS, flat files)."""


@dataclass(frozen=True)
class Choice:
    """The version a judge grades, and why."""

    version: Version
    late: bool = False
    late_by: timedelta | None = None
    skipped_late: int = 0
    """Later versions handed in after the deadline, not graded."""
    count: int = 1

    def note(self, deadline: datetime | None) -> str:
        """A sentence for the results' reason column ("" when there is nothing to say)."""
        parts = []
        when = self.version.submitted_at
        if self.late and when is not None and deadline is not None:
            parts.append(f"handed in late: {format_timestamp(when)}, {describe_delay(self.late_by or timedelta())} "
                         f"after the deadline {format_timestamp(deadline)}")
        if self.skipped_late:
            parts.append(f"graded version {self.version.number} of {self.count}; {self.skipped_late} later "
                         "upload(s) came after the deadline and were not graded")
        return "; ".join(parts)


def read_timestamp(folder: Path) -> datetime | None:
    try:  # opened once, no link followed, regular files only: a FIFO here must not hang the batch
        return parse_timestamp(read_submitted(folder / TIMESTAMP_FILE, limit=4096)[:200].decode("utf-8", "replace"))
    except NotebookProblem:
        return None


def versions_of(folder: Path) -> list[Version]:
    """Every version in a submitted/STUDENT/ASSIGNMENT/ folder, oldest first (the folder itself if it has none)."""
    root = Path(folder) / VERSIONS_DIR
    found = []
    if root.is_dir() and not root.is_symlink():
        for child in root.iterdir():
            match = re.match(r"^(\d{1,6})-", child.name)
            if match and child.is_dir() and not child.is_symlink():
                found.append(Version(child, int(match.group(1)), read_timestamp(child)))
    if not found:
        return [Version(Path(folder), 0, read_timestamp(Path(folder)))]
    return sorted(found, key=lambda v: v.number)


def choose(versions: list[Version], deadline: datetime | None) -> Choice:
    """The last version at or before `deadline`; when all are late, the last one, marked late."""
    if not versions:
        raise ValueError("no versions to choose from")
    last = versions[-1]
    if deadline is None:
        return Choice(last, count=len(versions))
    on_time = [v for v in versions if v.submitted_at is None or v.submitted_at <= deadline]
    if on_time:
        chosen = on_time[-1]
        return Choice(chosen, skipped_late=len([v for v in versions if v.number > chosen.number]), count=len(versions))
    return Choice(last, late=True, late_by=last.submitted_at - deadline, count=len(versions))


# ---------------------------------------------------------------------------------------------- what an assignment expects

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
        raise Refused("unknown_assignment", M["unknown_assignment"], assignment=assignment)
    ids, locked = {}, {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
        ids[path.stem] = frozenset(cells)
        locked[path.stem] = {g: compute_checksum(c) for g, c in cells.items() if c.metadata["nbgrader"].get("locked")}
    return Expected(assignment=assignment, cell_ids=ids, locked=locked)


def assignments_of(course: Path) -> list[str]:
    """Assignments that can be handed in: those with a release."""
    release = Path(course) / "release"
    return sorted(p.name for p in release.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) if release.is_dir() else []


# ---------------------------------------------------------------------------------------------- validation

def clean_student(name: str = "", contest_id: str = "") -> str:
    """The student folder name: the contest id when given, else the name (NFC, single spaces)."""
    contest_id = unicodedata.normalize("NFC", (contest_id or "").strip())
    if contest_id:
        if not _CONTEST_ID.match(contest_id):
            raise Refused("bad_contest_id", M["bad_contest_id"])
        return contest_id
    clean = " ".join(unicodedata.normalize("NFC", name or "").split())
    clean = "".join(ch for ch in clean if unicodedata.category(ch)[0] != "C")
    clean = clean.replace("/", "-").replace("\\", "-").strip(". ")
    if not clean:
        raise Refused("no_student", M["no_student"])
    return clean[:60]


def _safe_parts(entry: str) -> tuple[str, ...] | None:
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

    Refuses (raises Refused) a zip entry that is absolute, climbs out with '..', or is a link, and an
    upload over the size or file-count limit. Nothing touches the disk here.
    """
    files = [(n, d) for n, d in files if n or d]
    if not files:
        raise Refused("no_file", M["no_file"])
    total = sum(len(d) for _n, d in files)
    if total > max_bytes:
        raise Refused("too_big", M["too_big"], size=_mb(total), limit=_mb(max_bytes))
    out: dict[str, bytes] = {}
    for name, data in files:
        base = _base_name(name)
        if base.lower().endswith(".zip"):
            for rel, content in _unzip(base, data, max_bytes=max_bytes, max_files=max_files).items():
                out[rel] = content
        else:
            out[base] = data
    if len(out) > max_files:
        raise Refused("too_many", M["too_many"], count=len(out), limit=max_files)
    total = sum(len(d) for d in out.values())
    if total > max_bytes:
        raise Refused("too_big", M["too_big"], size=_mb(total), limit=_mb(max_bytes))
    return out


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _base_name(name: str) -> str:
    """A browser sends a bare name; keep only the last part of anything else, and refuse odd names."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1]).strip()
    if not base or base in (".", "..") or any(unicodedata.category(ch) == "Cc" for ch in base) or len(base) > 120:
        raise Refused("bad_name", M["bad_name"], entry=repr(name[:80]))
    return base


def _unzip(name: str, data: bytes, *, max_bytes: int, max_files: int) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused("bad_zip", M["bad_zip"], name=name) from exc
    entries: dict[tuple[str, ...], zipfile.ZipInfo] = {}
    declared = 0
    for info in infos:  # check every entry before reading any
        parts = _safe_parts(info.filename)
        if parts is None:
            raise Refused("unsafe_path", M["unsafe_path"], entry=repr(info.filename[:120]))
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise Refused("symlink", M["symlink"], entry=repr(info.filename[:120]))
        if info.is_dir() or not parts or any(p in _SKIP_PARTS or p.startswith("._") for p in parts):
            continue
        if any(any(unicodedata.category(ch) == "Cc" for ch in p) for p in parts):
            raise Refused("bad_name", M["bad_name"], entry=repr(info.filename[:80]))
        declared += info.file_size
        if declared > max_bytes:
            raise Refused("too_big", M["too_big"], size=_mb(declared), limit=_mb(max_bytes))
        if len(entries) >= max_files:
            raise Refused("too_many", M["too_many"], count=len(infos), limit=max_files)
        entries[tuple(unicodedata.normalize("NFC", p) for p in parts)] = info
    # A zip of the assignment folder ("bai-thi/…"): drop the one common top folder.
    if entries and all(len(p) > 1 for p in entries) and len({p[0] for p in entries}) == 1:
        entries = {p[1:]: i for p, i in entries.items()}
    out: dict[str, bytes] = {}
    read = 0
    for parts, info in entries.items():
        try:
            with archive.open(info) as fh:
                content = fh.read(max_bytes - read + 1)  # never trust the declared size (zip bombs)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            raise Refused("bad_zip", M["bad_zip"], name=name) from exc
        read += len(content)
        if read > max_bytes:
            raise Refused("too_big", M["too_big"], size=_mb(read), limit=_mb(max_bytes))
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
        ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells}
        owner = next((n for n in names if len(ids & expected.cell_ids[n]) * 2 >= len(expected.cell_ids[n]) > 0), None)
        if owner is None:
            raise Refused("other_assignment", M["other_assignment"], name=rel, assignment=expected.assignment)
        stem = PurePosixPath(rel).stem
        if owner in matched and stem != owner:
            continue  # a second copy under another name: keep the one named like the assignment
        matched[owner] = rel
    if not matched:
        raise Refused("no_notebook", M["no_notebook"], assignment=expected.assignment,
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
    import tempfile

    with tempfile.TemporaryDirectory(prefix="hocvuso-upload-") as tmp:
        path = Path(tmp) / "upload.ipynb"
        path.write_bytes(data)
        try:
            return read_notebook(path)
        except NotebookProblem as exc:
            raise Refused("not_notebook", M["not_notebook"], name=rel) from exc


def _tamper_warning(nb: nbformat.NotebookNode, name: str, expected: Expected) -> str:
    from ._integrity import tampering
    from ._spec import NotebookSpec

    spec = NotebookSpec(name=name, locked=expected.locked[name], cell_ids=expected.cell_ids[name], items=())
    problem = tampering(nb, spec)
    return f"{problem} — the judge will mark this hand-in as tampered" if problem else ""


# ---------------------------------------------------------------------------------------------- storing

@dataclass(frozen=True)
class Receipt:
    """What a student gets for an accepted upload, and what the judge can check it against."""

    receipt_id: str
    student_id: str
    assignment: str
    received_at: str
    """nbgrader timestamp text (UTC)."""
    sha256: str
    """`_intake.fingerprint` of the stored notebook(s): the same value `hocvuso grade` writes in results.csv."""
    version: int
    files: list[dict] = field(default_factory=list)
    """name, bytes, sha256 of every stored file."""
    late: bool = False
    deadline: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Receipt":
        return cls(**json.loads(text))

    def to_text(self, locale: str = "vi") -> str:
        _ = translator(locale)
        lines = [_("Hand-in receipt"), "",
                 f"{_('Student')}: {self.student_id}", f"{_('Assignment')}: {self.assignment}",
                 f"{_('Received at')}: {self.received_at}", f"{_('Version')}: {self.version}",
                 f"SHA-256: {self.sha256}"]
        if self.deadline:
            lines.append(f"{_('Deadline')}: {self.deadline}")
        if self.late:
            lines.append(_("Handed in after the deadline: accepted, marked late."))
        lines += ["", _("Files") + ":"]
        lines += [f"  {f['name']}  {f['bytes']} B  sha256 {f['sha256']}" for f in self.files]
        if self.warnings:
            lines += ["", _("Warnings") + ":", *[f"  {w}" for w in self.warnings]]
        lines += ["", f"{_('Receipt number')}: {self.receipt_id}"]
        return "\n".join(lines) + "\n"


def store(submitted: Path, student_id: str, assignment: str, files: dict[str, bytes], *,
          received_at: datetime | None = None, deadline: datetime | None = None,
          warnings: list[str] | None = None) -> Receipt:
    """Keep `files` as a new version of the student's hand-in and return its receipt.

    Written into a private staging folder first and renamed into place, so a version is complete or
    absent; earlier versions are never touched. Every path is checked to stay inside the version folder.
    """
    submitted = Path(submitted)
    student_id = clean_student(student_id)
    if "/" in assignment or assignment.startswith("."):
        raise Refused("unknown_assignment", M["unknown_assignment"], assignment=assignment)
    received_at = received_at or now_utc()
    stamp = format_timestamp(received_at)
    folder = submitted / student_id / assignment
    versions = folder / VERSIONS_DIR
    if folder.is_dir() and not versions.exists():
        _keep_unversioned(folder)
    versions.mkdir(parents=True, exist_ok=True)
    for path in (submitted / student_id, folder, versions):
        if path.is_symlink():
            raise GraderError(f"{path} is a symbolic link; refusing to write through it")
    staging = versions / f".incoming-{secrets.token_hex(8)}"
    staging.mkdir()
    try:
        stored = []
        for rel in sorted(files):
            parts = _safe_parts(rel)
            if not parts or parts[-1] in _OWN_FILES:
                continue
            target = staging.joinpath(*parts)
            if not target.resolve().is_relative_to(staging.resolve()):
                raise Refused("unsafe_path", M["unsafe_path"], entry=repr(rel))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
            stored.append(target)
        notebooks = sorted(p for p in staging.glob("*.ipynb"))
        late = deadline is not None and received_at > deadline
        (staging / TIMESTAMP_FILE).write_text(stamp + "\n", encoding="utf-8")
        number = 1 + max([v.number for v in versions_of(folder) if v.number > 0] or [0])
        receipt = Receipt(receipt_id=secrets.token_hex(16), student_id=student_id, assignment=assignment,
                          received_at=stamp, sha256=fingerprint(notebooks) if notebooks else "",
                          version=number, late=late, deadline=format_timestamp(deadline) if deadline else "",
                          files=[{"name": str(p.relative_to(staging)), "bytes": p.stat().st_size,
                                  "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in stored],
                          warnings=list(warnings or []))
        (staging / RECEIPT_FILE).write_text(receipt.to_json(), encoding="utf-8")
        while True:  # claim the next number atomically (two uploads at once get two numbers)
            final = versions / f"{number:03d}-{received_at.astimezone(timezone.utc):%Y%m%dT%H%M%S.%fZ}"
            try:
                final.mkdir()
            except FileExistsError:
                number += 1
                receipt = Receipt(**{**asdict(receipt), "version": number})
                (staging / RECEIPT_FILE).write_text(receipt.to_json(), encoding="utf-8")
                continue
            os.rename(staging, final)  # onto the empty folder just claimed: the version appears whole
            break
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _publish_latest(folder, final)
    with (submitted / LEDGER_FILE).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(receipt), ensure_ascii=False) + "\n")
    return receipt


def _keep_unversioned(folder: Path) -> None:
    """A hand-in that came another way (nbgrader collect, a copied folder) becomes version 1 before any upload."""
    children = [c for c in folder.iterdir() if c.name != VERSIONS_DIR]
    if not any(c.suffix == ".ipynb" for c in children):
        return
    when = read_timestamp(folder) or datetime.fromtimestamp(folder.stat().st_mtime, timezone.utc)
    target = folder / VERSIONS_DIR / f"001-{when:%Y%m%dT%H%M%S.%fZ}"
    target.mkdir(parents=True)
    for child in children:
        if child.is_dir() and not child.is_symlink():
            shutil.copytree(child, target / child.name, symlinks=True)
        elif not child.is_symlink():
            shutil.copyfile(child, target / child.name)
    if not (target / TIMESTAMP_FILE).exists():
        (target / TIMESTAMP_FILE).write_text(format_timestamp(when) + "\n", encoding="utf-8")


def _publish_latest(folder: Path, version: Path) -> None:
    """Make submitted/STUDENT/ASSIGNMENT/ itself hold `version` (what stock nbgrader reads), as hard links:
    each file is stored once on disk (a copy where links cannot be made)."""
    for child in folder.iterdir():
        if child.name == VERSIONS_DIR:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in version.iterdir():
        if child.is_dir():
            shutil.copytree(child, folder / child.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(child, folder / child.name)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def find_receipt(submitted: Path, receipt_id: str) -> Receipt | None:
    """A receipt from the ledger by its number."""
    if not re.fullmatch(r"[0-9a-f]{32}", receipt_id or ""):
        return None
    ledger = Path(submitted) / LEDGER_FILE
    try:
        with ledger.open(encoding="utf-8") as fh:
            for line in fh:
                if receipt_id in line:
                    data = json.loads(line)
                    if data.get("receipt_id") == receipt_id:
                        return Receipt(**data)
    except (OSError, ValueError):
        return None
    return None


def hand_in(course: Path, assignment: str, uploads: list[tuple[str, bytes]], *, name: str = "",
            contest_id: str = "", received_at: datetime | None = None, max_bytes: int = MAX_UPLOAD_BYTES,
            submitted: Path | None = None, deadline: datetime | None = None) -> Receipt:
    """The whole road for one upload: unpack, validate against the release, store a new version, receipt.

    `deadline` defaults to the course's due date. Raises Refused with a reason; nothing is written then.
    """
    course = Path(course)
    student = clean_student(name, contest_id)
    if assignment not in assignments_of(course):
        raise Refused("unknown_assignment", M["unknown_assignment"], assignment=assignment)
    expected = expected_from_release(course, assignment)
    files, warnings = check_upload(unpack(uploads, max_bytes=max_bytes), expected)
    due = deadline if deadline is not None else course_due_date(course, assignment)
    return store(submitted or course / "submitted", student, assignment, files, received_at=received_at,
                 deadline=due, warnings=warnings)


__all__ = ["Choice", "Expected", "Receipt", "Refused", "Version", "assignments_of", "check_upload", "choose",
           "clean_student", "course_due_date", "expected_from_release", "find_receipt", "format_timestamp",
           "hand_in", "parse_deadline", "parse_timestamp", "store", "unpack", "versions_of"]
