"""Feedback on an answered inbox (lesson mode only): the verdict, every red flag explained, the right action."""
from __future__ import annotations

from typing import Any

from .._i18n import N_, gettext
from .._score import ItemScore, item_feedback
from .model import InboxKey, InboxScenario

_HEADLINES = {
    "correct": {"scam": N_("Right: this is a scam."), "safe": N_("Right: this message is genuine.")},
    "partial": {"scam": N_("Right, this is a scam, but look again at the red flags.")},
    "missed_scam": {"scam": N_("Careful: this is a scam, not a safe message.")},
    "over_suspicion": {"safe": N_("This message is genuine. Being careful is good, but it was safe.")},
    "unanswered": {"scam": N_("Not answered yet."), "safe": N_("Not answered yet.")},
}


def message_feedback(scenario: InboxScenario, key: InboxKey, item: ItemScore, locale: str) -> dict[str, Any]:
    """Feedback for one answered message: what was right, every red flag explained, the right action."""
    message_key = key.messages[item.item_id]
    flags = {f.id: f for f in scenario.flags}
    details = item.details

    def flag_entry(flag_id: str, status: str) -> dict[str, str]:
        flag = flags[flag_id]
        return {"id": flag_id, "label": flag.label.get(locale), "explain": flag.explain.get(locale), "status": status}

    entries = [flag_entry(f, "hit") for f in details["flags_hit"]]
    entries += [flag_entry(f, "missed") for f in details["flags_missed"]]
    entries += [flag_entry(f, "wrong") for f in details["flags_wrong"]]
    headline = _HEADLINES[item.outcome][message_key.verdict]
    return item_feedback(item, gettext(headline, locale), verdict=message_key.verdict, flags=entries,
                         explanation=message_key.explanation.get(locale), action=message_key.action.get(locale))

