"""The phone-scenario exercise: a story told as a sequence of realistic phone screens.

A scenario file (content/scenarios/ID.yaml) is a short story — a bank app, a chat, a video call, a
browser page, an AI chatbot — in which every step shows one screen and asks the learner to act on
it: choose what to do, tick what they notice, type into a box, enter an amount, make up a password.
Loading splits the file into a `PhoneScenario` (public: what the phone shows, safe to send to a
browser) and a `PhoneKey` (right choices, what must not be typed, why), which stays in Python.

One module per job: `schema` (what a teacher writes), `model`, `load`, `rules` (amounts, the
face-check rule, personal data and its masking), `passwords` (the passphrase checker), `answers`,
`score` (pure), `feedback`. Nothing here does I/O beyond reading content, keeps a clock, or touches
widgets.
"""
from .answers import FIELDS, PhoneAnswers, StepAnswer, parse_answers
from .feedback import password_checks, phone_summary, step_feedback
from .load import load_phone, scenario_paths
from .model import KIND, PhoneKey, PhoneScenario, PhoneStep, StepKey
from .passwords import CHECKS, check_passphrase, guesses_log10, load_common_passwords
from .rules import (
                    FACE_CHECK_PER_DAY,
                    FACE_CHECK_PER_TRANSFER,
                    MASK,
                    find_personal_data,
                    flag_words_in,
                    needs_face_check,
                    parse_amount,
                    redact,
                    show_masks,
)
from .schema import ACTIONS, APPS, PASSWORD_MIN_LENGTH, ScenarioDef
from .score import score_phone, score_step

__all__ = [
    "ACTIONS", "APPS", "CHECKS", "FACE_CHECK_PER_DAY", "FACE_CHECK_PER_TRANSFER", "FIELDS", "KIND", "MASK",
    "PASSWORD_MIN_LENGTH", "PhoneAnswers", "PhoneKey", "PhoneScenario", "PhoneStep", "ScenarioDef", "StepAnswer",
    "StepKey", "check_passphrase", "find_personal_data", "flag_words_in", "guesses_log10", "load_common_passwords",
    "load_phone", "needs_face_check", "parse_amount", "parse_answers", "password_checks", "phone_summary", "redact",
    "scenario_paths", "score_phone", "score_step", "show_masks", "step_feedback",
]
