"""Scoring a dossier attempt (pure: no I/O, no clock — the task says which day it is).

Items, in flow order: portal (0 once a look-alike portal was entered, even if the learner came back
and chose the real one: the mistake counts), sign_in, procedure, agency, field:<id> for every field the learner
types and the task expects filled, document:<slot> for every slot the task expects, commitment,
otp (confirmed), otp_safety (the OTP was not given to the fake "staff" chat), fee, submitted
(dossier code received), tracked (status followed to the result). A fake portal ends the attempt:
every item scores 0. What it must never do: trust the answers' shape without checking it, or read
anything but its arguments.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .._score import ItemScore, Score, total
from .._text import normalize_text
from .answers import DossierAnswers, parse_answers
from .model import KIND, DossierKey, DossierScenario
from .rules import Checked, check_form, document_problems, same_value, wrong_person
from .schema import FieldDef, ProcedureDef, ScoringRules, SlotDef


@dataclass(frozen=True)
class _Attempt:
    """One attempt being scored, with the facts every item needs."""

    scenario: DossierScenario
    """The task as the learner saw it."""
    key: DossierKey
    """The expected dossier."""
    answers: DossierAnswers
    """The attempt, checked."""
    proc: ProcedureDef
    """The expected procedure (the one the items of the form and documents follow)."""
    fake: bool
    """The learner entered a fake portal: the attempt ended there and every item scores 0."""
    right_procedure: bool
    """The learner chose the procedure the situation needs."""
    checked: Mapping[str, Checked]
    """The form's fields checked (empty when the learner chose another procedure)."""

    @property
    def rules(self) -> ScoringRules:
        return self.key.rules

    def item(self, item_id: str, ok: bool, max_points: float, outcome: str, **details: Any) -> ItemScore:
        """Full points if `ok` (outcome "correct"), else 0 with `outcome`; always 0 after a fake portal."""
        if self.fake:
            return _item(item_id, 0, max_points, "fake_portal", **details)
        return _item(item_id, max_points if ok else 0, max_points, "correct" if ok else outcome, **details)


def _item(item_id: str, points: float, max_points: float, outcome: str, **details: Any) -> ItemScore:
    return ItemScore(item_id=item_id, points=float(points), max_points=float(max_points), outcome=outcome,
                     details=details)


def score_dossier(scenario: DossierScenario, key: DossierKey, answers: Mapping[str, Any]) -> Score:
    """Score one dossier attempt. Pure."""
    a = parse_answers(scenario, answers)
    proc = scenario.procedure(key.procedure)
    right = a.procedure == key.procedure
    values = {**scenario.prefill(key.procedure), **{k: normalize_text(val) for k, val in a.fields.items()}}
    attempt = _Attempt(scenario=scenario, key=key, answers=a, proc=proc, right_procedure=right,
                       fake=bool(a.portal) and a.portal not in scenario.portals.official,
                       checked=check_form(proc, values, today=scenario.today) if right else {})
    items = [_portal(attempt), *_access(attempt), *_fields(attempt), *_documents(attempt),
             *_confirmation(attempt), _fee(attempt), *_filing(attempt)]
    score = total(KIND, items)
    return replace(score, points=0.0) if attempt.fake else score


def _portal(t: _Attempt) -> ItemScore:
    """Step 1: the official portal, not a look-alike; a look-alike entered first costs the item."""
    tried = list(t.answers.wrong_portals)
    if tried and not t.fake:
        return _item("portal", 0, t.rules.portal, "fake_portal_visited", given=tried[0], tried=tried,
                     chosen=t.answers.portal)
    if not t.answers.portal:
        return _item("portal", 0, t.rules.portal, "unanswered")
    return _item("portal", 0 if t.fake else t.rules.portal, t.rules.portal, "fake_portal" if t.fake else "correct",
                 given=t.answers.portal)


def _access(t: _Attempt) -> list[ItemScore]:
    """Steps 2-3: signed in with the task's account; the right procedure and a competent agency."""
    a, r = t.answers, t.rules
    signed = a.sign_in.signed_in and a.sign_in.id_number == t.scenario.account.id_number
    return [
        t.item("sign_in", signed, r.sign_in, "locked" if a.sign_in.locked else "unanswered",
               failures=a.sign_in.failures),
        t.item("procedure", t.right_procedure, r.procedure, "wrong" if a.procedure else "unanswered",
               given=a.procedure, expected=t.key.procedure),
        t.item("agency", t.right_procedure and a.agency in t.key.agencies, r.agency,
               ("wrong" if t.right_procedure else "wrong_procedure") if a.agency else "unanswered", given=a.agency,
               expected=list(t.key.agencies)),
    ]


def _fields(t: _Attempt) -> list[ItemScore]:
    """Step 4: each field the learner types and the task expects filled."""
    items = []
    for f in t.proc.fields:
        expected = t.key.fields.get(f.id, "")
        if f.prefilled or not expected:
            continue
        given = t.answers.fields.get(f.id, "") if t.right_procedure else ""
        problems, canonical = t.checked.get(f.id, ((), None))
        outcome = _field_outcome(f, t.right_procedure, given, problems, canonical, expected)
        items.append(t.item(f"field:{f.id}", outcome == "correct", t.rules.per_field, outcome, field=f.id,
                            given=given, expected=expected,
                            problems=tuple(problems) if outcome == "invalid" else ()))
    return items


def _field_outcome(f: FieldDef, right_procedure: bool, given: str, problems: tuple[Any, ...],
                   canonical: str | None, expected: str) -> str:
    if not right_procedure:
        return "wrong_procedure"
    if not normalize_text(given):
        return "missing"
    if problems:
        return "invalid"
    return "correct" if same_value(f, canonical, expected) else "mismatch"


def _documents(t: _Attempt) -> list[ItemScore]:
    """Step 5: each slot the task expects a file in; a file where nothing belongs is said, at no cost."""
    items = []
    for slot in t.proc.documents:
        wanted = t.key.documents.get(slot.id, ())
        given = t.answers.documents.get(slot.id, "") if t.right_procedure else ""
        if not wanted:
            if given:
                items.append(_item(f"document:{slot.id}", 0, 0, "not_needed", slot=slot.id, given=given))
            continue
        outcome, problems = _document_outcome(t, slot, given, wanted)
        items.append(t.item(f"document:{slot.id}", outcome == "correct", t.rules.per_document, outcome,
                            slot=slot.id, given=given, expected=list(wanted), problems=problems))
    return items


def _document_outcome(t: _Attempt, slot: SlotDef, given: str, wanted: tuple[str, ...]) -> tuple[str, tuple[Any, ...]]:
    if not t.right_procedure:
        return "wrong_procedure", ()
    if not given:
        return ("missing" if slot.required else "missing_optional"), ()
    if given in wanted:
        return "correct", ()
    file = t.scenario.file(given)
    problems = document_problems(slot, file, t.scenario.today)
    if not problems:
        other = wrong_person(file, t.scenario.file(wanted[0]))
        problems = (other,) if other else ()
    return ("wrong" if problems else "mismatch"), tuple(problems)


def _confirmation(t: _Attempt) -> list[ItemScore]:
    """Steps 6-7: the commitment, the OTP confirmed, and the OTP kept from the fake staff chat."""
    a, r = t.answers, t.rules
    return [
        t.item("commitment", a.commitment, r.commitment, "unanswered"),
        t.item("otp", a.otp.confirmed, r.otp, "unanswered", wrong=a.otp.wrong, expired=a.otp.expired),
        t.item("otp_safety", a.otp.sent > 0 and not a.otp.shared, r.otp_safety,
               "shared" if a.otp.shared else "unanswered", reported=a.otp.reported),
    ]


def _fee(t: _Attempt) -> ItemScore:
    """Step 8: the right fee paid, or a waived fee not paid."""
    fee, expected = t.answers.fee, t.key.fee
    if expected == 0:
        ok, wrong = fee.status == "waived", "paid_when_waived"
    else:
        ok, wrong = fee.status == "paid" and fee.amount == expected, (
            "waived_wrongly" if fee.status == "waived" else "wrong_amount")
    return t.item("fee", ok, t.rules.fee, wrong if fee.status else "unanswered", expected=expected,
                  given=fee.amount, status=fee.status)


def _filing(t: _Attempt) -> list[ItemScore]:
    """Step 9: a dossier code received, and the status followed to the result."""
    a = t.answers
    return [
        t.item("submitted", bool(a.code), t.rules.submitted, "unanswered", code=a.code),
        t.item("tracked", bool(a.code) and a.tracked >= len(t.proc.statuses) - 1, t.rules.tracked, "unanswered",
               reached=a.tracked),
    ]
