"""The portal's step flow (pure): how far a learner may go, what stops them, and the OTP and sign-in rules.

The `DossierPortal` widget applies these to the learner's answers (the `DossierAnswers` shape, as a
dict) and draws the result; they hold no clock and no randomness, so they are tested on their own.
Steps are numbered 1-9 as in `STEPS`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..inbox.links import registrable_domain
from .model import DossierScenario
from .rules import check_form

MAX_SIGN_IN_FAILURES = 5
"""Wrong passcodes before the account is locked (and the attempt ends)."""
OTP_SECONDS = 120
"""How long an OTP stays valid, in seconds of the widget's clock."""


@dataclass(frozen=True)
class FormState:
    """What keeps a dossier from being committed: fields to fix, required documents missing."""

    bad_fields: tuple[str, ...]
    """Ids of the fields with problems (required and empty included), in form order."""
    missing_slots: tuple[str, ...]
    """Ids of the required document slots with no file, in procedure order."""


@dataclass(frozen=True)
class Blocker:
    """Why the learner cannot go further yet."""

    need: str
    """What is missing: "portal", "sign_in", "agency", "fields", "documents", "commitment", "otp", "fee", or ""
    (nothing is: the step asked for does not exist yet)."""
    fields: tuple[str, ...] = ()
    """need "fields": the ids of the fields to fix."""
    slots: tuple[str, ...] = ()
    """need "documents": the ids of the required slots with no file."""


def form_values(scenario: DossierScenario, answers: Mapping[str, Any]) -> dict[str, str]:
    """The form as the portal sees it: the pre-filled values, then what the learner typed."""
    return {**scenario.prefill(answers["procedure"]), **answers["fields"]}


def form_state(scenario: DossierScenario, answers: Mapping[str, Any]) -> FormState:
    """The fields with problems and the required slots without a file, of the chosen procedure."""
    proc = scenario.procedure(answers["procedure"])
    checked = check_form(proc, form_values(scenario, answers), today=scenario.today)
    return FormState(bad_fields=tuple(f.id for f in proc.fields if checked[f.id][0]),
                     missing_slots=tuple(s.id for s in proc.documents
                                         if s.required and s.id not in answers["documents"]))


def furthest(scenario: DossierScenario, answers: Mapping[str, Any]) -> int:
    """The furthest step the learner may open now (an ended attempt stays where it ended)."""
    a = answers
    if a["ended"]:
        return int(a["step"])
    if a["code"]:
        return 9
    for step, done in ((1, a["portal"]), (2, a["sign_in"]["signed_in"]), (3, a["procedure"] and a["agency"])):
        if not done:
            return step
    state = form_state(scenario, a)
    if state.bad_fields:
        return 4
    if state.missing_slots:
        return 5
    if not a["commitment"]:
        return 6
    if not a["otp"]["confirmed"]:
        return 7
    return 8


_NEEDS = {1: "portal", 2: "sign_in", 3: "agency", 6: "commitment", 7: "otp", 8: "fee"}


def blocker(scenario: DossierScenario, answers: Mapping[str, Any]) -> Blocker:
    """What the learner must do before going past `furthest(...)`."""
    step = furthest(scenario, answers)
    if step in (4, 5):
        state = form_state(scenario, answers)
        if state.bad_fields:
            return Blocker("fields", fields=state.bad_fields)
        return Blocker("documents", slots=state.missing_slots)
    return Blocker(_NEEDS.get(step, ""))


def enter_portal(scenario: DossierScenario, answers: dict[str, Any], portal_id: str, *, lesson: bool) -> bool:
    """The learner goes to `portal_id` (an id of the scenario's portals). Changes `answers` in place.

    The official portal: chosen, and the learner moves on (to sign in, or past it if already signed in).
    A look-alike in a lesson is a teaching moment, not the end: it is counted in `wrong_portals` (the
    score takes the portal's points for it), nothing is chosen, and the learner stays on step 1 to
    choose again. In a contest the attempt ends there, as the graded task's rules say.
    Returns whether the portal is the official one.
    """
    if portal_id in scenario.portals.official:
        answers["portal"] = portal_id
        answers["step"] = 3 if answers["sign_in"]["signed_in"] else 2
        return True
    if lesson:
        if portal_id not in answers["wrong_portals"]:
            answers["wrong_portals"] = [*answers["wrong_portals"], portal_id]
        answers["portal"] = ""
        answers["step"] = 1
    else:
        answers["portal"] = portal_id
        answers["ended"] = "fake_portal"
    return False


def portal_domain(address: str) -> str:
    """The part of a portal's address that says whose site it is: its registrable domain, read as the inbox
    reads a link (`dichvucong.gov.vn-hoso.top` -> `vn-hoso.top`); "" for an address that is no web address
    (an app in a store)."""
    host = address.split("/", 1)[0].strip().lower()
    if " " in host or "." not in host:
        return ""
    return registrable_domain(host)


def reset_confirmation(answers: dict[str, Any]) -> bool:
    """A change of the dossier before filing undoes the commitment, the OTP confirmation and the fee.

    Changes `answers` in place; returns whether there was anything to undo.
    """
    changed = bool(answers["commitment"] or answers["otp"]["confirmed"] or answers["fee"]["status"])
    answers["commitment"] = False
    answers["otp"] = {**answers["otp"], "confirmed": False}
    answers["fee"] = {"status": "", "amount": 0}
    return changed


def record_sign_in_failure(answers: dict[str, Any]) -> int:
    """Count one wrong passcode (in place); the fifth locks the account and ends the attempt.

    Returns the tries left (0 = locked).
    """
    failures = answers["sign_in"]["failures"] + 1
    answers["sign_in"] = {**answers["sign_in"], "failures": failures}
    if failures >= MAX_SIGN_IN_FAILURES:
        answers["sign_in"]["locked"] = True
        answers["ended"] = "locked"
    return max(0, MAX_SIGN_IN_FAILURES - failures)


def otp_expired(issued_at: float, now: float) -> bool:
    """Whether an OTP issued at `issued_at` no longer works at `now` (seconds of one clock)."""
    return now - issued_at > OTP_SECONDS


def gives_away_otp(reply: str, issued: Iterable[str]) -> bool:
    """Whether a chat reply contains any OTP sent in this attempt, however its digits are spaced."""
    digits = re.sub(r"\D", "", reply)
    return any(code in digits for code in issued)


def resumed(answers: dict[str, Any]) -> dict[str, Any]:
    """Saved answers brought back after a reload. The OTP lived only in the old kernel: an attempt not yet
    filed must tick the commitment and confirm with a new OTP again (and the fee comes after that)."""
    a = dict(answers)
    if not a["code"]:
        a["otp"] = {**a["otp"], "confirmed": False}
        a["fee"] = {"status": "", "amount": 0}
        a["commitment"] = False
        a["step"] = min(a["step"], 6)
    return a
