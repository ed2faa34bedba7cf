"""Reading what a student handed in, safely: one open per file, no symbolic link followed, bounded size.

Submitted files are opened once, without following symbolic links at any level below the submissions
folder, and read into memory (`read_submitted`): a student cannot swap a file between two reads, point
a link at another student's work, or hang the batch with a FIFO. `parse_notebook` turns the bytes into
a notebook or a sentence a judge understands; `fingerprint` is the hash a receipt and results.csv share.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import nbformat

from .._errors import NotebookProblem
from ._record import visible

MAX_NOTEBOOK_BYTES = 64 * 1024**2
"""Largest notebook read from a submission."""
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


def read_submitted(path: Path, *, root: Path | None = None, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """The bytes of one submitted file, opened once and never through a symbolic link (at any level below
    `root`), only if it is a regular file of at most `limit` bytes. Raises NotebookProblem (judge-facing)."""
    path = Path(path)
    name = visible(path.name)
    dir_fd = None
    try:
        if root is not None and path.is_relative_to(root):
            dir_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
            for part in path.relative_to(root).parts[:-1]:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                                dir_fd=dir_fd)
                os.close(dir_fd)
                dir_fd = inner
            fd = os.open(path.name, _OPEN_FLAGS, dir_fd=dir_fd)
        else:
            fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise NotebookProblem(f"{name} (or a folder above it) is a symbolic link or not what it was; "
                                  "links are not followed") from None
        raise NotebookProblem(f"{name} cannot be read ({exc.strerror or exc})") from None
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotebookProblem(f"{name} is not a regular file (a pipe, device or folder); it was not read")
        if info.st_size > limit:
            raise NotebookProblem(f"{name} is larger than {limit // 1024**2} MB")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1024**2, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotebookProblem(f"{name} is larger than {limit // 1024**2} MB")
        return b"".join(chunks)
    except OSError as exc:
        raise NotebookProblem(f"{name} cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook the caller trusts the path of (`hocvuso check`, the upload page's own copy)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise NotebookProblem(f"{Path(path).name} cannot be read ({exc.strerror})") from exc
    return parse_notebook(raw, Path(path).name)


def parse_notebook(raw: bytes, name: str) -> nbformat.NotebookNode:
    """Parse and validate a notebook's bytes; raise NotebookProblem with a sentence a judge understands."""
    name = visible(name)
    if not raw.strip():
        raise NotebookProblem(f"{name} is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookProblem(f"{name} is not UTF-8 text (bad byte at position {exc.start}); "
                              "it was damaged or saved by another program") from exc
    try:
        version = nbformat.reader.get_version(nbformat.reader.reads(text))
    except Exception as exc:
        raise NotebookProblem(f"{name} is not a Jupyter notebook: {str(exc)[:160]} "
                              "(truncated or not JSON)") from exc
    if version[0] < 4:
        raise NotebookProblem(f"{name} is in notebook format v{version[0]}; save it with Jupyter 4 or later")
    if version[0] > 4:
        raise NotebookProblem(f"{name} is in notebook format v{version[0]}, newer than this grader reads (v4)")
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise NotebookProblem(f"{name} is not a valid notebook: {first}") from exc
    return notebook


def fingerprint(files: list[Path] | dict[str, bytes]) -> str:
    """SHA-256 of what was received: of the file itself for one notebook, else of names and contents.

    `files` are paths (the upload page's stored copies) or {file name: bytes already read} (the grader).
    """
    named = files if isinstance(files, dict) else {p.name: Path(p).read_bytes() for p in files}
    if len(named) == 1:
        return hashlib.sha256(next(iter(named.values()))).hexdigest()
    digest = hashlib.sha256()
    for name in sorted(named):
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + named[name] + b"\0")
    return digest.hexdigest()
