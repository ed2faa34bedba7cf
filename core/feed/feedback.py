"""Feedback on an answered feed (lesson mode only) and the result screen."""
from __future__ import annotations

from typing import Any

from .._i18n import N_, gettext
from .._score import ItemScore, Score, item_feedback
from ..inbox.ending import lesson_summary
from .model import FeedKey, FeedPost, FeedScenario, decision_label, tool_label

_HEADLINES = {
    "correct": N_("Right, and you checked what mattered."),
    "unchecked": N_("The right decision, but check first: look at the checks you skipped."),
    "shared_false": N_("Careful: this post should not be passed on. Read why below."),
    "held_back_true": N_("This one could be shared: it is a real announcement. Read why below."),
    "wrong": N_("Not this time. Read why below."),
    "unanswered": N_("Not answered yet."),
}


def tool_result(post: FeedPost, tool: str, locale: str) -> str:
    """What check `tool` finds for `post` (public behaviour of the simulation)."""
    return post.tools[tool].get(locale)


def post_feedback(scenario: FeedScenario, key: FeedKey, item: ItemScore, locale: str) -> dict[str, Any]:
    """Feedback for one answered post: what it really was, why each decision is right or wrong, the checks."""
    post = scenario.post(item.item_id)
    post_key = key.posts[item.item_id]
    details = item.details
    lines: list[dict[str, str]] = []
    if item.outcome != "unanswered":
        chosen = details["decision"]
        lines.append({"status": "hit" if chosen in post_key.correct else "wrong",
                      "label": decision_label(chosen, locale),
                      "explain": post_key.decisions[chosen].get(locale)})
        for right in post_key.correct:
            if right != chosen:
                lines.append({"status": "right", "label": decision_label(right, locale),
                              "explain": post_key.decisions[right].get(locale)})
        for tool in post.tool_ids:
            if tool in post_key.needed:
                status = "checked" if tool in details["checked"] else "skipped"
            else:
                status = "extra"
            lines.append({"status": status, "label": tool_label(tool, locale),
                          "explain": tool_result(post, tool, locale)})
    return item_feedback(item, gettext(_HEADLINES[item.outcome], locale), label=post_key.label.get(locale),
                         lines=lines, explain=post_key.explain.get(locale))


def feed_summary(scenario: FeedScenario, key: FeedKey, result: Score, locale: str) -> dict[str, Any]:
    """The result screen once every post is answered: total, posts done well, posts to look at again (each
    named by its author, with what it really is)."""
    return lesson_summary(result, lambda pid: scenario.post(pid).author.name.get(locale),
                          lambda item: key.posts[item.item_id].label.get(locale))
