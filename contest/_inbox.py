"""The no-code contest's scam inbox: a public item bank, one variant per student, the key elsewhere.

The bank (a JSON file in the assignment's release folder) holds *slots*; each slot fixes the form of
fraud (or the kind of genuine message) and the red flags, and offers interchangeable messages
written with placeholders for people and numbers ({{ho_ten}}, {{sdt}} …). A student's variant takes
one message per slot, fills the placeholders and shuffles the order — all from (contest seed,
student id). Messages get positional ids ("tin-1" …), so answers copied from a classmate land on
different messages.

The bank holds no verdict and no red flag. The key — bank item id → [verdict, red flags] — is a
literal in the judge's source notebook, inside ### BEGIN/END HIDDEN TESTS, and reaches this module
only on the judge's side (`variant_exercise`).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

from hocvuso.core import Learner, LocalText
from hocvuso.core.inbox import (
    InboxKey,
    InboxMessage,
    InboxScenario,
    LinkDef,
    MessageKey,
    ScoringRules,
    SenderDef,
    TranscriptLine,
    load_flags,
)

from ._variants import contest_id, normalise_id, pick_variant, student_rng, variant_digest

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def load_bank(path: str | Path) -> dict[str, Any]:
    """Read a public item bank; raise ValueError naming the file when it holds a key."""
    path = Path(path)
    bank = json.loads(path.read_text(encoding="utf-8"))
    for slot in bank["slots"]:
        for item in slot["items"]:
            if "key" in item or "verdict" in item or "red_flags" in item:
                raise ValueError(f"{path}: item {item.get('id')!r} carries an answer; the public bank must not")
    return bank


def variant_items(bank: Mapping[str, Any], student: str) -> list[dict[str, Any]]:
    """The bank items this student gets, in order, placeholders filled."""
    student = normalise_id(student)
    seed = int(bank["seed"])
    chosen = pick_variant(seed, student, [slot["items"] for slot in bank["slots"]])
    rng = student_rng(seed, student, "people")
    values = {name: rng.choice(options) for name, options in sorted(bank.get("people", {}).items())}

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), value)
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    return [fill(item) for item in chosen]


def _message(position: int, item: Mapping[str, Any]) -> InboxMessage:
    return InboxMessage(
        id=f"tin-{position}", channel=item["channel"], sender=SenderDef.model_validate(item["sender"]),
        time=item["time"], subject=LocalText.model_validate(item["subject"]) if item.get("subject") else None,
        body=LocalText.model_validate(item["body"]) if item.get("body") else None,
        transcript=tuple(TranscriptLine.model_validate(t) for t in item.get("transcript", ())),
        links=tuple(LinkDef.model_validate(link) for link in item.get("links", ())), form=item["form"],
        competences=tuple(item["competences"]), level=int(item.get("level", 1)), offered=tuple(item.get("offered", ())))


def variant_scenario(bank: Mapping[str, Any], student: str) -> InboxScenario:
    """The public inbox one student sees (no key anywhere in it)."""
    items = variant_items(bank, student)
    return InboxScenario(id=bank["id"], title=LocalText.model_validate(bank["title"]),
                         intro=LocalText.model_validate(bank["intro"]),
                         messages=tuple(_message(i + 1, item) for i, item in enumerate(items)), flags=load_flags())


def variant_exercise(bank: Mapping[str, Any], student: str, key: Mapping[str, Any]) -> tuple[InboxScenario, InboxKey]:
    """Judge side: the student's scenario and its key, from the literal key of the source notebook."""
    scenario = variant_scenario(bank, student)
    items = variant_items(bank, student)
    placeholder = LocalText(vi="—", en="—")
    keys = {}
    for i, item in enumerate(items):
        verdict, flags = key[item["id"]]
        keys[f"tin-{i + 1}"] = MessageKey(verdict=verdict, red_flags=tuple(flags), explanation=placeholder,
                                          action=placeholder)
    return scenario, InboxKey(scenario_id=scenario.id, rules=ScoringRules(), messages=keys)


def contest_learner(student: str, bank: Mapping[str, Any]) -> Learner:
    """Who answers: the contest id goes into every saved Submission (the grader compares it)."""
    items = [item["id"] for item in variant_items(bank, student)]
    return Learner(class_code=f"{bank['id']}@{variant_digest(items)}", name=student, learner_id=student)


def ContestInbox(bank_path: str | Path, *, task_id: str, student: str | None = None, **kwargs: Any):
    """A contest-mode ScamInbox showing this student's variant of the bank at `bank_path`.

    `student`: the contest id; default JUPYTERHUB_USER or HOCVUSO_CONTEST_ID (see `contest_id`).
    """
    from hocvuso.widgets import ScamInbox  # noqa: PLC0415  (the judge reads banks without the widgets' weight)

    bank = load_bank(bank_path)
    who = contest_id(student)
    scenario = variant_scenario(bank, who)
    return ScamInbox(scenario.id, task_id=task_id, mode="contest", scenario=scenario,
                     learner=contest_learner(who, bank), **kwargs)
