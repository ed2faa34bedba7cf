"""Handing in, the whole road for one upload: unpack, check against the release, keep a new version, receipt.

The steps are their own modules, and the batch grader reads what they write without importing them:
`_upload` (what an upload must be), `_receipts` (keeping a version and its receipt), `_versions` (the
layout, timestamps, deadlines, and which version a judge grades). The upload page (`hocvuso.handin`)
calls `hand_in`.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .._errors import UploadRefused
from ._receipts import Receipt, store
from ._upload import (
    HANDIN_MESSAGES,
    MAX_UPLOAD_BYTES,
    assignments_of,
    check_upload,
    clean_student,
    expected_from_release,
    unpack,
)
from ._versions import course_due_date


def hand_in(course: Path, assignment: str, uploads: list[tuple[str, bytes]], *, name: str = "",
            contest_id: str = "", received_at: datetime | None = None, max_bytes: int = MAX_UPLOAD_BYTES,
            submitted: Path | None = None, deadline: datetime | None = None) -> Receipt:
    """The whole road for one upload: unpack, validate against the release, store a new version, receipt.

    `deadline` defaults to the course's due date. Raises UploadRefused with a reason; nothing is written then.
    """
    course = Path(course)
    student = clean_student(name, contest_id)
    if assignment not in assignments_of(course):
        raise UploadRefused("unknown_assignment", HANDIN_MESSAGES["unknown_assignment"], assignment=assignment)
    expected = expected_from_release(course, assignment)
    files, warnings = check_upload(unpack(uploads, max_bytes=max_bytes), expected)
    due = deadline if deadline is not None else course_due_date(course, assignment)
    return store(submitted or course / "submitted", student, assignment, files, received_at=received_at,
                 deadline=due, warnings=warnings)
