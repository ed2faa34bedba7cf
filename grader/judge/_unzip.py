"""One safe unzip, for both zips a judge meets: a submissions zip (`hocvuso grade --submissions X.zip`)
and a student's upload on the hand-in page.

One rule for every entry (`entries`): its name is read as its author wrote it; an absolute path, a
'..', a symbolic link, a device or a NUL in a name, and a name that appears twice, are problems the
caller turns into its own answer (that student's row invalid, or the upload refused). One rule for
sizes (`copy_entry`): an entry whose declared size is over the limit is refused before a byte is read,
and the bytes really read are counted against the same limit, so an archive that lies about its sizes
(a zip bomb) stops at the limit too. Nothing here writes outside what the caller gives it.
"""
from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from hocvuso.core import HocvusoError

CHUNK = 1024**2
"""Bytes read at a time from an entry."""


class TooBig(HocvusoError):
    """An entry declares, or unpacks to, more bytes than the caller's limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"unpacks to more than {limit // 1024**2 or limit} {'MB' if limit >= 1024**2 else 'bytes'}")


@dataclass(frozen=True)
class Entry:
    """One entry of an archive, judged by the one rule."""

    info: zipfile.ZipInfo
    name: str
    """The entry's name as its author wrote it (see `entry_name`)."""
    parts: tuple[str, ...]
    """Its path, split on '/' (or '\\'), without empty and '.' parts."""
    outside: bool
    """Absolute, or on a drive letter: it belongs to no folder of the archive at all."""
    problem: str | None
    """Why it must not be unpacked (a phrase after the entry's name), or None."""
    code: str = ""
    """The problem in one word, for callers that answer each differently: "outside", "climbs", "link",
    "device", "nul", "twice" ("" when there is none)."""


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author wrote it: many zip tools store UTF-8 names without saying so (flag
    bit 11), which Python then reads as cp437 ("Nguy├ä├¬n"); such a name is read back as UTF-8."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def entries(archive: zipfile.ZipFile) -> list[Entry]:
    """Every entry of `archive` with the rule's verdict, in the archive's order."""
    found: list[Entry] = []
    seen: set[tuple[str, ...]] = set()
    for info in archive.infolist():
        name = entry_name(info)
        text = name.replace("\\", "/")
        parts = tuple(p for p in text.split("/") if p not in ("", "."))
        outside = text.startswith("/") or re.match(r"^[A-Za-z]:", text) is not None
        code, problem = _problem(info, parts, outside, seen)
        found.append(Entry(info, name, parts, outside, problem, code))
        seen.add(parts)
    return found


def _problem(info: zipfile.ZipInfo, parts: tuple[str, ...], outside: bool,
             seen: set[tuple[str, ...]]) -> tuple[str, str | None]:
    mode = info.external_attr >> 16
    if outside:
        return "outside", "points outside the archive"
    if ".." in parts:
        return "climbs", "points outside its folder ('..')"
    if stat.S_ISLNK(mode):
        return "link", "is a symbolic link"
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):  # a file type other than file or folder
        return "device", "is not a plain file or folder"
    if any("\0" in p for p in parts):
        return "nul", "has a NUL character in its name"
    if parts and parts in seen:
        return "twice", "appears twice in the zip"
    return "", None


def copy_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: BinaryIO, *, limit: int) -> int:
    """Copy one entry's bytes into `out`; return how many. Raises TooBig when the entry declares more than
    `limit` (nothing read) or turns out to hold more (at most `limit` bytes were written then)."""
    if info.file_size > limit:
        raise TooBig(limit)
    written = 0
    with archive.open(info) as src:
        while chunk := src.read(min(CHUNK, limit + 1 - written)):
            written += len(chunk)
            if written > limit:
                raise TooBig(limit)
            out.write(chunk)
    return written


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int) -> bytes:
    """One entry's bytes, by the same rule as `copy_entry`."""
    buffer = io.BytesIO()
    copy_entry(archive, info, buffer, limit=limit)
    return buffer.getvalue()
