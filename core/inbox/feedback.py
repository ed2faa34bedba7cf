"""Feedback on an answered inbox (lesson mode only): the verdict, every red flag explained, the right action."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._i18n import N_, gettext
from .._score import ItemScore, Score, item_feedback
from .ending import lesson_summary
from .model import InboxKey, InboxScenario

_HEADLINES = {
    "correct": {"scam": N_("Right: this is a scam."), "safe": N_("Right: this message is genuine.")},
    "partial": {"scam": N_("Right, this is a scam, but look again at the red flags.")},
    "missed_scam": {"scam": N_("Careful: this is a scam, not a safe message.")},
    "over_suspicion": {"safe": N_("This message is genuine. Being careful is good, but it was safe.")},
    "unanswered": {"scam": N_("Not answered yet."), "safe": N_("Not answered yet.")},
}


def message_feedback(scenario: InboxScenario, key: InboxKey, item: ItemScore, locale: str,
                     clues: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """Feedback for one answered message: what was right, every red flag explained, the right action; with
    `clues` (flag id -> the words on the message that show it), each flag's words for "show me"."""
    message_key = key.messages[item.item_id]
    flags = {f.id: f for f in scenario.flags}
    details = item.details

    def flag_entry(flag_id: str, status: str) -> dict[str, Any]:
        flag = flags[flag_id]
        return {"id": flag_id, "label": flag.label.get(locale), "explain": flag.explain.get(locale), "status": status,
                "clues": list((clues or {}).get(flag_id, []))}

    entries = [flag_entry(f, "hit") for f in details["flags_hit"]]
    entries += [flag_entry(f, "missed") for f in details["flags_missed"]]
    entries += [flag_entry(f, "wrong") for f in details["flags_wrong"]]
    headline = _HEADLINES[item.outcome][message_key.verdict]
    return item_feedback(item, gettext(headline, locale), verdict=message_key.verdict, flags=entries,
                         explanation=message_key.explanation.get(locale), action=message_key.action.get(locale))


def inbox_summary(scenario: InboxScenario, result: Score, locale: str) -> dict[str, Any]:
    """The result screen once every message is answered: the total, the messages judged well, those to open
    again (each named by its sender, with why: its feedback's headline)."""
    key_verdicts = {i.item_id: i.details.get("expected", "scam") for i in result.items}
    return lesson_summary(result, lambda mid: scenario.message(mid).sender.name.get(locale),
                          lambda item: gettext(_HEADLINES[item.outcome][key_verdicts[item.item_id]], locale))
