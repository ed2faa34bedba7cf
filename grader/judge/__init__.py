"""The judge's grader: a batch of handed-in notebooks in, one fair row per student out.

The pipeline reads top-down, one step per module: the assignment's spec (`_spec`), intake of whatever
the judge received (`_intake`, reading files safely with `_reading`, versions and deadlines with
`_versions`), the tamper rule (`_integrity`), the sandbox and the runner inside it (`_sandbox`,
`_runner`), nbgrader's assert cells run judge-side over the bridge (`_assertcell`; the bridge itself is
`hocvuso.grader._bridge`, light, since one end runs in the student's process), the trusted judging
(`_judge`), the journal (`_record`), the exports (`_export`) and nbgrader's gradebook
(`_gradebook`, `_autograded`); `_batch` composes them. The upload page's rules (`_upload`,
`_receipts`, `_handin`) share the reading, the versions and the one safe unzip (`_unzip`).

Why a subpackage of `hocvuso.grader` and not a sibling: it is the same grader for another audience.
The parent stays what a notebook's kernel imports (grade cells, light); everything here needs nbgrader,
a sandbox or a judge's course and is imported only by judges' tools (`hocvuso grade`, `hocvuso export`,
the upload page). A subfolder of grader/ also stays inside the folder the sandbox hides from students.
"""
from __future__ import annotations

from .._errors import UploadRefused
from ._batch import BatchSummary, grade_batch, grade_course, print_progress_line
from ._course import assign, course_init
from ._gradebook import ExportSummary, export_results
from ._handin import hand_in
from ._receipts import Receipt, find_receipt
from ._spec import AssignmentSpec, load_spec
from ._upload import HANDIN_MESSAGES, MAX_UPLOAD_BYTES, assignments_of, clean_student
from ._versions import VIETNAM, course_due_date, parse_deadline, parse_timestamp, versions_of

__all__ = ["HANDIN_MESSAGES", "MAX_UPLOAD_BYTES", "VIETNAM", "AssignmentSpec", "BatchSummary", "ExportSummary",
           "Receipt", "UploadRefused", "assign", "assignments_of", "clean_student", "course_due_date", "course_init",
           "export_results", "find_receipt", "grade_batch", "grade_course", "hand_in", "load_spec", "parse_deadline",
           "parse_timestamp", "print_progress_line", "versions_of"]
