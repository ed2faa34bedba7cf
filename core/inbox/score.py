"""Scoring an inbox (pure): a right verdict and each rightly named red flag earn points; naming flags
that are not there and calling a genuine message a scam cost points, so flagging everything never wins.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._score import ItemScore, Score, total
from .answers import MessageAnswer, parse_answers
from .model import KIND, InboxKey, InboxScenario, MessageKey
from .schema import ScoringRules


def score_message(key: MessageKey, answer: MessageAnswer | None, rules: ScoringRules, message_id: str) -> ItemScore:
    """Points for one message. Pure: the same inputs always give the same ItemScore."""
    expected_flags = set(key.red_flags)
    max_points = rules.verdict + rules.per_flag * len(expected_flags)
    base = {"expected": key.verdict, "expected_flags": list(key.red_flags)}
    if answer is None:
        return ItemScore(item_id=message_id, points=0.0, max_points=max_points, outcome="unanswered",
                         details={**base, "given": None, "flags_hit": [], "flags_missed": list(key.red_flags),
                                  "flags_wrong": []})
    given = set(answer.flags)
    hit = [f for f in key.red_flags if f in given]
    missed = [f for f in key.red_flags if f not in given]
    wrong = [f for f in answer.flags if f not in expected_flags]
    details = {**base, "given": answer.verdict, "flags_hit": hit, "flags_missed": missed, "flags_wrong": wrong}
    if key.verdict == "scam" and answer.verdict == "scam":
        flag_points = max(0.0, rules.per_flag * len(hit) - rules.wrong_flag * len(wrong))
        points = rules.verdict + flag_points
        outcome = "correct" if points == max_points else "partial"
    elif key.verdict == "scam":
        points, outcome = 0.0, "missed_scam"
    elif answer.verdict == "safe":
        # Flags picked on a message judged safe are ignored: the verdict is what the learner acts on.
        points, outcome = rules.verdict, "correct"
        details["flags_wrong"] = []
    else:
        points, outcome = -rules.over_suspicion, "over_suspicion"
    return ItemScore(item_id=message_id, points=float(points), max_points=float(max_points), outcome=outcome,
                     details=details)


def score_inbox(scenario: InboxScenario, key: InboxKey, answers: Mapping[str, Any]) -> Score:
    """Score an inbox. Total = sum of messages, never below 0; the maximum counts every message."""
    parsed = parse_answers(scenario, answers)
    return total(KIND, (score_message(key.messages[m.id], parsed.messages.get(m.id), key.rules, m.id)
                        for m in scenario.messages))
