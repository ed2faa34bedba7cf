"""The loaded news feed: a public `FeedScenario` (the posts as a phone shows them, the checks each post
offers) and a private `FeedKey` (the right decisions, which checks reveal the decisive evidence, why).

What a check finds is public behaviour of the simulation, not a verdict, but the widget shows it only
when the learner taps the check, so the answers record which checks were really made.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._common import LocalText, Text, by_id
from .._i18n import N_, gettext
from .schema import DECISIONS, TOOLS, AuthorDef, MediaDef

KIND = "feed"
"""The kind id a feed's scenario, submissions and scores carry."""

_TOOL_LABELS = {
    "source": N_("Who posted this?"),
    "date": N_("When was it first posted?"),
    "official": N_("Look for it on the official page"),
    "image": N_("Where does the picture come from?"),
}
_DECISION_LABELS = {
    "share": N_("Share it"),
    "dont_share": N_("Don't share"),
    "report": N_("Report the post"),
}


def tool_label(tool: str, locale: str) -> str:
    """The name of a simulated check in `locale`."""
    return gettext(_TOOL_LABELS[tool], locale)


def decision_label(decision: str, locale: str) -> str:
    """The name of a decision in `locale`."""
    return gettext(_DECISION_LABELS[decision], locale)


@dataclass(frozen=True)
class FeedPost:
    """The public part of a post: what the feed shows and which checks it offers."""

    id: str
    """Post id, unique in its feed."""
    competences: tuple[str, ...]
    """Circular 02/2025 codes it trains."""
    points: float
    """Points for the right decision."""
    check_points: float
    """Points for each needed check made before a right decision."""
    author: AuthorDef
    """Who posted it."""
    when: Text
    """When the feed says it was posted."""
    text: Text
    """The post's text."""
    media: MediaDef | None
    """Its picture, if any."""
    shares: int
    """Shares the feed shows."""
    tools: Mapping[str, Text]
    """What each check finds; public behaviour, shown only when the learner taps the tool."""

    @property
    def tool_ids(self) -> tuple[str, ...]:
        """The checks this post offers, in widget order."""
        return tuple(t for t in TOOLS if t in self.tools)

    def view(self, locale: str) -> dict[str, Any]:
        """JSON for the front end: the post and the names of its tools; no tool result, no verdict."""
        media = None
        if self.media is not None:
            media = {"type": self.media.type, "caption": self.media.caption.get(locale)}
        return {"id": self.id, "author": {"name": self.author.name.get(locale), "about": self.author.about.get(locale),
                                          "address": self.author.address or ""},
                "when": self.when.get(locale), "text": self.text.get(locale), "media": media, "shares": self.shares,
                "tools": list(self.tool_ids)}


@dataclass(frozen=True)
class PostKey:
    """The private part of a post."""

    correct: tuple[str, ...]
    """The right decision(s)."""
    needed: tuple[str, ...]
    """The checks that reveal the decisive evidence, in widget order."""
    label: Text
    """What the post really is."""
    decisions: Mapping[str, Text]
    """Why each decision is right or wrong."""
    explain: Text
    """The habit to remember."""


@dataclass(frozen=True)
class FeedScenario:
    """What the learner sees: the feed, public in every locale."""

    id: str
    """Feed id (its file name)."""
    title: LocalText
    """The lesson's title."""
    intro: LocalText
    """The task, shown above the feed."""
    posts: tuple[FeedPost, ...]
    """The posts, in feed order."""
    next: str | None = None
    """The lesson after this one, shown on the result screen; None: none."""
    kind: str = KIND
    """Always "feed"."""

    def post(self, post_id: str) -> FeedPost:
        """The post `post_id`; KeyError if the feed has none."""
        return by_id(self.posts, post_id)

    @property
    def competences(self) -> tuple[str, ...]:
        """Every Circular 02/2025 code the feed trains, sorted."""
        return tuple(sorted({c for p in self.posts for c in p.competences}))

    def view(self, locale: str) -> dict[str, Any]:
        """The JSON the front end draws, in one locale. Contains no right answer and no tool result."""
        return {"id": self.id, "title": self.title.get(locale), "intro": self.intro.get(locale),
                "tools": [{"id": t, "label": tool_label(t, locale)} for t in TOOLS],
                "decisions": [{"id": d, "label": decision_label(d, locale)} for d in DECISIONS],
                "posts": [p.view(locale) for p in self.posts]}


@dataclass(frozen=True)
class FeedKey:
    """The right answers of one feed."""

    scenario_id: str
    """The feed this key belongs to."""
    posts: Mapping[str, PostKey] = field(default_factory=dict)
    """The right answer per post id."""
