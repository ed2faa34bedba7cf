"""Find a scenario and its key by id, whatever the exercise kind.

A grade cell names only the scenario it expects; this module knows which loader reads it. New kinds add
their loader here (inbox, dossier).
"""
from __future__ import annotations

from typing import Any

from ._content import content_root
from ._errors import ContentError
from ._dossier import load_dossier
from ._inbox import load_inbox


def load_exercise(scenario_id: str) -> tuple[Any, Any]:
    """Return (scenario, key) for `scenario_id`; raise ContentError if no kind knows it."""
    root = content_root()
    if (root / "inboxes" / f"{scenario_id}.yaml").is_file():
        return load_inbox(scenario_id)
    if (root / "dossier_tasks" / f"{scenario_id}.yaml").is_file():
        return load_dossier(scenario_id)
    if (root / "scenarios" / f"{scenario_id}.yaml").is_file():
        from ._phone import load_phone  # noqa: PLC0415  (issue #6: phone scenarios)
        return load_phone(scenario_id)
    if (root / "feeds" / f"{scenario_id}.yaml").is_file():
        from ._feed import load_feed  # noqa: PLC0415  (news-feed lesson)
        return load_feed(scenario_id)
    raise ContentError(f"no scenario {scenario_id!r} among the bundled content (looked in inboxes/, "
                       "dossier_tasks/, scenarios/ and feeds/)", path=root)
