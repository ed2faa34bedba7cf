"""The exercise model every hocvuso part shares: content, submissions, stores, one scoring truth, i18n.

Notebooks and widgets import only the names below.
"""
from ._common import LocalText, load_competences, load_fraud_forms
from ._env import is_grading
from ._errors import (
                      AnswersInvalid,
                      ContentError,
                      GradingError,
                      HocvusoError,
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
                      ngettext,
                      page_locale,
                      set_locale,
                      translator,
)
from ._preload import warm_caches
from ._score import ItemScore, Score
from ._store import FileStore, MemoryStore, SqlStore, SubmissionStore, default_store
from ._submission import SCHEMA_VERSION, Learner, Submission, check_task_id
from ._text import escape, normalize_text
from .dossier import DossierKey, DossierScenario, dossier_feedback, load_dossier, load_procedures, score_dossier
from .feed import FeedKey, FeedScenario, load_feed, score_feed
from .identity import Roster, SignInRefused, current_learner, in_classroom
from .inbox import (
                      InboxKey,
                      InboxScenario,
                      describe_link,
                      load_flags,
                      load_inbox,
                      message_feedback,
                      parse_answers,
                      score_inbox,
)
from .kinds import ExerciseKind, all_kinds, kind, kind_of, load_exercise, score
from .phone import (
                      PhoneKey,
                      PhoneScenario,
                      check_passphrase,
                      load_phone,
                      needs_face_check,
                      parse_amount,
                      redact,
                      score_phone,
                      step_feedback,
)

__all__ = [
    "ExerciseKind", "LocalText", "N_", "page_locale", "all_kinds", "kind", "kind_of", "warm_caches",
    "DossierKey", "DossierScenario", "dossier_feedback", "load_dossier", "load_procedures", "score_dossier",
    "Roster", "SignInRefused", "current_learner", "in_classroom",
    "DEFAULT_LOCALE", "LOCALES", "SCHEMA_VERSION",
    "AnswersInvalid", "ContentError", "FileStore", "GradingError", "HocvusoError", "InboxKey", "InboxScenario",
    "ItemScore", "Learner", "MemoryStore", "NotSignedIn", "Score", "SqlStore", "StoreError", "Submission",
    "SubmissionCorrupt", "SubmissionError", "SubmissionNotFound", "SubmissionStore",
    "check_locale", "check_task_id", "default_store", "describe_link", "escape", "get_locale", "gettext",
    "is_grading", "load_competences", "load_exercise", "load_flags", "load_fraud_forms", "load_inbox",
    "message_feedback", "ngettext", "normalize_text", "parse_answers", "score", "score_inbox", "set_locale",
    "translator",
    "PhoneKey", "PhoneScenario", "check_passphrase", "load_phone", "needs_face_check", "parse_amount",
    "redact", "score_phone", "step_feedback",
    "FeedKey", "FeedScenario", "load_feed", "score_feed",
]
