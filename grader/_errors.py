"""Errors of the grader, all under hocvuso.core.HocvusoError (the project's one tree).

* GraderError      – the grader itself cannot run: bad course, bad arguments, no sandbox.
                     `hocvuso grade` exits non-zero with this message; nothing is graded.
  * GraderFault    – the grader's own machinery failed on one submission; that row is regraded
                     on the next run, never kept as the student's grade.
* NotebookProblem  – a handed-in notebook (or file beside it) cannot be read: that student's row is
                     `invalid`, with this message as the judge's reason.
* Tampered         – a submission's data were edited or forged: that student's row is `tampered`.
* UploadRefused    – the upload page does not accept a hand-in; carries a translated reason for the
                     student (not the widgets' `Refused`, which refuses an action inside a lesson).

Only GraderError stops a batch; the others become one student's row and never leave the grader.
"""
from __future__ import annotations

from hocvuso.core import HocvusoError, translator


class GraderError(HocvusoError):
    """The batch cannot run at all (course, assignment or options are wrong). Says how to fix it."""


class GraderFault(GraderError):
    """The grader's own machinery failed on one submission (a worker lost, a path it cannot see, a full disk).

    Never the student's doing: the batch records that student's row as `error` with a reason that says
    it was the grader's fault, and does not count it as graded, so the next run grades it again.
    """


class NotebookProblem(HocvusoError):
    """A submitted notebook that cannot be read; the message is the judge-facing reason."""


class Tampered(HocvusoError):
    """The submission's data were edited or forged; the message names what."""


class UploadRefused(HocvusoError):
    """An upload that is not accepted. `message` is an English msgid (translated by `reason(locale)`)."""

    def __init__(self, code: str, message: str, **values: object) -> None:
        self.code, self.message, self.values = code, message, values
        super().__init__(self.reason("en"))

    def reason(self, locale: str = "vi") -> str:
        return translator(locale)(self.message).format(**self.values)
