"""Scoring a phone scenario (pure): each step by its action kind, the total never below 0.

* ``choose``   – one option; full points if it is one of the right ones.
* ``select``   – tick several; points per right option, minus the same for each wrong one, never below 0.
* ``type``     – free text (a chat box). The mistake is pasting personal data: any ID number, OTP,
                 account or phone number, or one of the story's secrets, scores 0. What the widget
                 stores is already masked (`redact`), so no such number is ever written down.
* ``amount``   – right if it equals the expected amount; the face-check rule is reported alongside.
* ``password`` – strong by every check of `check_passphrase`; the length is re-judged here.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._score import ItemScore, Score, total
from .._text import normalize_text
from .answers import StepAnswer, parse_answers
from .model import KIND, PhoneKey, PhoneScenario, PhoneStep, StepKey
from .passwords import CHECKS
from .rules import find_personal_data, needs_face_check


def score_step(step: PhoneStep, key: StepKey, answer: StepAnswer | None) -> ItemScore:
    """Points for one step. Pure: the same inputs always give the same ItemScore."""
    kind, top = step.action.kind, float(step.points)
    base: dict[str, Any] = {"kind": kind}
    if answer is None:
        return ItemScore(item_id=step.id, points=0.0, max_points=top, outcome="unanswered", details=base)
    if kind == "choose":
        ok = answer.choice in key.correct
        return ItemScore(item_id=step.id, points=top if ok else 0.0, max_points=top,
                         outcome="correct" if ok else "wrong",
                         details={**base, "given": [answer.choice], "correct": list(key.correct)})
    if kind == "select":
        given = list(answer.choices or [])
        hit = [o for o in key.correct if o in given]
        missed = [o for o in key.correct if o not in given]
        wrong = [o for o in given if o not in key.correct]
        per = top / len(key.correct)
        points = round(max(0.0, per * len(hit) - per * len(wrong)), 2)
        outcome = "correct" if not missed and not wrong else ("partial" if points > 0 else "wrong")
        return ItemScore(item_id=step.id, points=points, max_points=top, outcome=outcome,
                         details={**base, "given": given, "correct": list(key.correct), "hit": hit,
                                  "missed": missed, "wrong": wrong})
    if kind == "type":
        text = answer.text or ""
        leaks = find_personal_data(text, key.secrets)
        if leaks:
            outcome = "leaked"
        elif len(normalize_text(text)) < key.min_length:
            outcome = "too_short"
        else:
            outcome = "correct"
        return ItemScore(item_id=step.id, points=top if outcome == "correct" else 0.0, max_points=top,
                         outcome=outcome, details={**base, "leaks": leaks})
    if kind == "amount":
        ok = answer.amount == key.expected
        face = needs_face_check(answer.amount or 0, step.action.today_sent)
        return ItemScore(item_id=step.id, points=top if ok else 0.0, max_points=top,
                         outcome="correct" if ok else "wrong_amount",
                         details={**base, "given": answer.amount, "expected": key.expected, "face_check": face})
    # password: length is re-judged here; the other checks are what check_passphrase found.
    checks = dict(answer.checks or {})
    checks["long_enough"] = (answer.length or 0) >= step.action.min_length
    failed = [c for c in CHECKS if not checks.get(c)]
    return ItemScore(item_id=step.id, points=0.0 if failed else top, max_points=top,
                     outcome="weak" if failed else "correct",
                     details={**base, "length": answer.length, "checks": {c: bool(checks.get(c)) for c in CHECKS},
                              "failed": failed})


def score_phone(scenario: PhoneScenario, key: PhoneKey, answers: Mapping[str, Any]) -> Score:
    """Score a phone scenario: the sum of its steps, never below 0."""
    parsed = parse_answers(scenario, answers)
    return total(KIND, (score_step(s, key.steps[s.id], parsed.steps.get(s.id)) for s in scenario.steps))
