"""Keeping an accepted upload: a new version folder, written whole or not at all, and its receipt.

A version is written into a private staging folder and renamed into place, so it is complete or
absent; earlier versions are never touched, and the assignment folder itself is made to hold the
latest (hard links), which is what stock nbgrader reads. The receipt's hash is `_reading.fingerprint`
of the stored notebooks: the same value `hocvuso grade` writes in results.csv. Every receipt is also a
line of the ledger (`submitted/.hocvuso-receipts.jsonl`), where `find_receipt` looks it up.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from hocvuso.core import translator

from .._errors import GraderError, UploadRefused
from ._reading import fingerprint
from ._upload import HANDIN_MESSAGES, clean_student, relative_parts
from ._versions import TIMESTAMP_FILE, VERSIONS_DIR, format_timestamp, now_utc, read_timestamp, versions_of

RECEIPT_FILE = "hocvuso-receipt.json"
LEDGER_FILE = ".hocvuso-receipts.jsonl"
_OWN_FILES = {TIMESTAMP_FILE, RECEIPT_FILE}


@dataclass(frozen=True)
class Receipt:
    """What a student gets for an accepted upload, and what the judge can check it against."""

    receipt_id: str
    student_id: str
    assignment: str
    received_at: str
    """nbgrader timestamp text (UTC)."""
    sha256: str
    """`_reading.fingerprint` of the stored notebook(s): the same value `hocvuso grade` writes in results.csv."""
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
        raise UploadRefused("unknown_assignment", HANDIN_MESSAGES["unknown_assignment"], assignment=assignment)
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
            parts = relative_parts(rel)
            if not parts or parts[-1] in _OWN_FILES:
                continue
            target = staging.joinpath(*parts)
            if not target.resolve().is_relative_to(staging.resolve()):
                raise UploadRefused("unsafe_path", HANDIN_MESSAGES["unsafe_path"], entry=repr(rel))
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
