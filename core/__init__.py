"""The exercise model every hocvuso part shares: exercise kinds, submissions and stores, one scoring truth,
i18n and the error tree.

The names below are what the other packages (widgets, grader, classroom, contest, handin), notebooks,
bench and tests use. Each exercise kind's own details — its content schema, scenario and key types,
rules, answers and feedback — are in its package: `hocvuso.core.inbox`, `hocvuso.core.phone`,
`hocvuso.core.feed`, `hocvuso.core.dossier`; `hocvuso.core.kinds` (re-exported here) finds a kind.
"""
from ._common import LocalText, load_competences, load_fraud_forms
from ._env import is_grading
from ._errors import (
    AnswersInvalid,
    ContentError,
    GradingError,
    HocvusoError,
    LessonNotFound,
    NotSignedIn,
    StoreError,
    SubmissionCorrupt,
    SubmissionError,
    SubmissionNotFound,
)
from ._i18n import (
    DEFAULT_LOCALE,
    LOCALES,
    N_,
    check_locale,
    get_locale,
    gettext,
    page_locale,
    set_locale,
    translator,
)
from ._preload import warm_caches
from ._score import ItemScore, Score
from ._store import FileStore, MemoryStore, SqlStore, SubmissionStore, default_store
from ._submission import Learner, Submission, check_task_id
from ._text import escape, normalize_text
from .identity import Roster, SignInRefused, current_learner
from .inbox import describe_link, load_flags, load_inbox
from .kinds import ExerciseKind, all_kinds, find_kind, kind, kind_of, load_exercise, score

__all__ = [
    # exercise kinds and the one scoring truth
    "ExerciseKind", "ItemScore", "Score", "all_kinds", "find_kind", "kind", "kind_of", "load_exercise", "score",
    # content shared by every kind
    "LocalText", "describe_link", "load_competences", "load_flags", "load_fraud_forms", "load_inbox",
    "warm_caches",
    # submissions, stores and learners
    "FileStore", "Learner", "MemoryStore", "Roster", "SignInRefused", "SqlStore", "Submission", "SubmissionStore",
    "check_task_id", "current_learner", "default_store", "is_grading",
    # i18n and text
    "DEFAULT_LOCALE", "LOCALES", "N_", "check_locale", "escape", "get_locale", "gettext", "normalize_text",
    "page_locale", "set_locale", "translator",
    # errors
    "AnswersInvalid", "ContentError", "GradingError", "HocvusoError", "LessonNotFound", "NotSignedIn", "StoreError",
    "SubmissionCorrupt", "SubmissionError", "SubmissionNotFound",
]
