"""Errors raised by hocvuso, one root and a small documented tree.

* HocvusoError                – root: catch this to catch everything hocvuso raises on purpose
  * ContentError             – a content file (scenario, message, flag list …) is missing or invalid;
                               the message names the file, the field and the fix
  * LessonNotFound           – no bundled lesson has that name (also a LookupError)
  * SubmissionError
    * SubmissionNotFound     – the learner has not submitted this task yet (0 points when grading)
    * SubmissionCorrupt      – a submission file or row cannot be read, or its shape is wrong
    * AnswersInvalid         – the answers refer to items or choices the scenario does not have
  * StoreError               – the store itself failed (database unreachable, disk full …)
    * NotSignedIn            – the classroom store refused an answer without a learner of its class
  * SettingsError            – a HOCVUSO_* setting has a value it cannot take (hocvuso.core.config)
  * SignInRefused            – the roster refuses a sign-in (hocvuso.core.identity; also a ValueError)
  * GradingError             – a grade could not be computed for a reason that is not the learner's
  and, defined by the packages above core (hocvuso.grader._errors):
  * GraderError              – the judges' batch cannot run (bad course, options, no sandbox)
    * GraderFault            – the grader's own machinery failed on one submission (regraded next run)
  * NotebookProblem          – a handed-in notebook cannot be read (that student's row: invalid)
  * Tampered                 – a submission's data were edited or forged (that student's row: tampered)
  * UploadRefused            – the upload page refuses a hand-in, with a reason the student reads
  * TooBig                   – an archive or file is over its size limit (hocvuso.grader.judge._unzip)

Developer-facing text is plain English; what a learner sees is translated elsewhere.
"""
from __future__ import annotations


class HocvusoError(Exception):
    """Root of every error hocvuso raises on purpose."""


class ContentError(HocvusoError):
    """A content file is missing or does not follow its schema.

    The message always names the file and the field, so a teacher who added a scenario
    knows exactly what to correct.
    """

    def __init__(self, message: str, *, path: object = None, field: str | None = None) -> None:
        self.path = path
        self.field = field
        where = f"{path}" if path is not None else "content"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class LessonNotFound(HocvusoError, LookupError):
    """No bundled lesson has the name asked for; the message lists the lessons that exist."""


class SubmissionError(HocvusoError):
    """A submission could not be found or read."""


class SubmissionNotFound(SubmissionError):
    """The learner has not submitted this task (yet)."""


class SubmissionCorrupt(SubmissionError):
    """A stored submission exists but cannot be trusted: unreadable, hand-edited or of an unknown version."""


class AnswersInvalid(SubmissionError):
    """The answers name messages, fields or choices that the scenario does not have."""


class StoreError(HocvusoError):
    """The submission store failed for a reason outside the learner's control."""


class NotSignedIn(StoreError):
    """The classroom store refused an answer that carries no learner of its class (signed out, or signed in
    to a class that is no longer served): it would be on no dashboard, so it is not kept."""


class GradingError(HocvusoError):
    """A grade could not be computed (wrong scenario, unknown exercise kind …)."""
