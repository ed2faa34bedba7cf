"""The news-feed exercise: posts to check before sharing (Circular 02/2025, 1.2 "evaluating information").

A feed file (content/feeds/ID.yaml) holds a few social-media posts — a doctored screenshot of an
"official" notice, a quote a public figure never said, an old photo passed off as today's flood, a
real announcement on an official page, a health rumour. For each post the learner may use simulated
checking tools (who posted it, when, is it on the official page, where does the photo come from)
and then decides: share, don't share, or report.

Loading splits the file into a `FeedScenario` (public: the posts as a phone shows them, the tools a
post offers) and a `FeedKey` (the right decisions, which checks reveal the decisive evidence, why).
What a tool finds is public behaviour of the simulation, not a verdict, but the widget shows it only
when the learner taps the tool, so the answer records which checks were really made.

Scoring (`score_feed`, pure): a right decision earns the post's points, plus one point for each
check that reveals the decisive evidence, made before deciding. A wrong decision earns nothing for
the post: a check whose result is ignored protected nobody. Extra checks never cost points —
checking more before sharing is the habit we teach.

This module must never do I/O beyond reading content, keep a clock, or touch widgets.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ._content import content_root, load_file
from ._errors import AnswersInvalid, ContentError
from ._i18n import N_, gettext
from ._common import LocalText, Text, load_competences
from ._score import ItemScore, Score

KIND = "feed"
SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
TOOLS = ("source", "date", "official", "image")
"""The simulated checks, in the order the widget shows them."""
DECISIONS = ("share", "dont_share", "report")

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

# --------------------------------------------------------------------------------------------
# Content schema (what a teacher writes)


class AuthorDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text
    about: Text
    """What the feed shows under the name: "Personal account", "Group", "Official page (invented)"."""
    address: str | None = Field(default=None, max_length=80, pattern=r"^[a-z0-9.-]+\.example$")
    """A page address, if the post shows one. Only the reserved .example domain: never a real site."""


class MediaDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["photo", "screenshot", "quote"]
    """Which kind of picture: the widget draws a plain sketch of it (no real photo is ever shown)."""
    caption: Text
    """What the picture shows, in words (also what a screen reader says)."""


class PostKeyDef(BaseModel):
    """The private part of a post."""

    model_config = ConfigDict(extra="forbid")
    correct: list[Literal["share", "dont_share", "report"]] = Field(min_length=1)
    needed: list[Literal["source", "date", "official", "image"]] = Field(min_length=1)
    """The checks whose result decides the case (each earns a point when made before a right decision)."""
    label: Text
    """What the post really is, shown after answering ("An old photo reused", "A real announcement")."""
    decisions: dict[Literal["share", "dont_share", "report"], Text]
    """Why each decision is right or wrong for this post."""
    explain: Text
    """The habit to remember."""

    @model_validator(mode="after")
    def _complete(self) -> PostKeyDef:
        missing = [d for d in DECISIONS if d not in self.decisions]
        if missing:
            raise ValueError(f"key.decisions must explain every decision; missing {missing}")
        if len(set(self.correct)) != len(self.correct) or len(set(self.needed)) != len(self.needed):
            raise ValueError("key.correct and key.needed must not repeat an entry")
        return self


class PostDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    competences: list[str] = Field(min_length=1)
    points: float = Field(default=2, gt=0)
    """Points for the right decision."""
    check_points: float = Field(default=1, ge=0)
    """Points for each needed check made before a right decision."""
    author: AuthorDef
    when: Text
    text: Text
    media: MediaDef | None = None
    shares: int = Field(default=0, ge=0)
    tools: dict[Literal["source", "date", "official", "image"], Text]
    """What each simulated check finds for this post (only the tools listed here are offered)."""
    key: PostKeyDef

    @model_validator(mode="after")
    def _tools_fit(self) -> PostDef:
        if len(self.tools) < 2:
            raise ValueError("a post offers at least 2 checks under tools:")
        if "image" in self.tools and self.media is None:
            raise ValueError("tools.image needs a picture (media:) to check")
        unknown = [t for t in self.key.needed if t not in self.tools]
        if unknown:
            raise ValueError(f"key.needed names check(s) {unknown} that tools: does not offer")
        return self


class FeedDef(BaseModel):
    """One feed file."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    title: LocalText
    intro: LocalText
    sources: str = Field(min_length=1)
    """Where the lesson's facts and habits come from, and what we chose where the sources are silent."""
    posts: list[PostDef] = Field(min_length=2, max_length=8)

    @field_validator("posts")
    @classmethod
    def _unique(cls, value: list[PostDef]) -> list[PostDef]:
        ids = [p.id for p in value]
        if len(set(ids)) != len(ids):
            raise ValueError("a post id is used twice")
        return value


# --------------------------------------------------------------------------------------------
# Loaded objects


@dataclass(frozen=True)
class FeedPost:
    """The public part of a post: what the feed shows and which checks it offers."""

    id: str
    competences: tuple[str, ...]
    points: float
    check_points: float
    author: AuthorDef
    when: Text
    text: Text
    media: MediaDef | None
    shares: int
    tools: Mapping[str, Text]
    """What each check finds; public behaviour, shown only when the learner taps the tool."""

    @property
    def tool_ids(self) -> tuple[str, ...]:
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
    correct: tuple[str, ...]
    needed: tuple[str, ...]
    label: Text
    decisions: Mapping[str, Text]
    explain: Text


@dataclass(frozen=True)
class FeedScenario:
    """What the learner sees: the feed, public in every locale."""

    id: str
    title: LocalText
    intro: LocalText
    posts: tuple[FeedPost, ...]
    kind: str = KIND

    def post(self, post_id: str) -> FeedPost:
        for post in self.posts:
            if post.id == post_id:
                return post
        raise KeyError(post_id)

    @property
    def competences(self) -> tuple[str, ...]:
        """Every Circular 02/2025 code the feed trains, sorted."""
        return tuple(sorted({c for p in self.posts for c in p.competences}))

    def view(self, locale: str) -> dict[str, Any]:
        """The JSON the front end draws, in one locale. Contains no right answer and no tool result."""
        return {"id": self.id, "title": self.title.get(locale), "intro": self.intro.get(locale),
                "tools": [{"id": t, "label": gettext(_TOOL_LABELS[t], locale)} for t in TOOLS],
                "decisions": [{"id": d, "label": gettext(_DECISION_LABELS[d], locale)} for d in DECISIONS],
                "posts": [p.view(locale) for p in self.posts]}


@dataclass(frozen=True)
class FeedKey:
    """The right answers of one feed."""

    scenario_id: str
    posts: Mapping[str, PostKey] = field(default_factory=dict)


def feed_paths(root: Path | None = None) -> list[Path]:
    """Every feed file, sorted by name."""
    return sorted(((root or content_root()) / "feeds").glob("*.yaml"))


def load_feed(feed_id: str, *, root: Path | None = None) -> tuple[FeedScenario, FeedKey]:
    """Load feed `feed_id`: its public scenario and its private key."""
    root = root or content_root()
    path = root / "feeds" / f"{feed_id}.yaml"
    if not re.match(SLUG, feed_id) or not path.is_file():
        known = ", ".join(p.stem for p in feed_paths(root)) or "none"
        raise ContentError(f"no feed {feed_id!r}; known feeds: {known}", path=path)
    data = load_file(FeedDef, path)
    if data.id != feed_id:
        raise ContentError(f"id {data.id!r} must equal the file name {feed_id!r}", path=path, field="id")
    codes = load_competences(root)
    for i, post in enumerate(data.posts):
        for j, code in enumerate(post.competences):
            if code not in codes:
                raise ContentError(f"unknown competence code {code!r}; see competences.yaml", path=path,
                                   field=f"posts.{i}.competences.{j}")
    posts = tuple(FeedPost(id=p.id, competences=tuple(p.competences), points=p.points, check_points=p.check_points,
                           author=p.author, when=p.when, text=p.text, media=p.media, shares=p.shares,
                           tools=dict(p.tools)) for p in data.posts)
    key = FeedKey(scenario_id=data.id, posts={
        p.id: PostKey(correct=tuple(p.key.correct), needed=tuple(t for t in TOOLS if t in p.key.needed),
                      label=p.key.label, decisions=dict(p.key.decisions), explain=p.key.explain)
        for p in data.posts})
    return FeedScenario(id=data.id, title=data.title, intro=data.intro, posts=posts), key


# --------------------------------------------------------------------------------------------
# Answers and scoring


class _PostAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    decision: Literal["share", "dont_share", "report"]
    checked: list[Literal["source", "date", "official", "image"]] = []


class FeedAnswers(BaseModel):
    """Canonical answers: {"posts": {post_id: {"decision": ..., "checked": [tool, ...]}}}."""

    model_config = ConfigDict(extra="forbid", strict=True)
    posts: dict[str, _PostAnswer] = {}


def parse_answers(scenario: FeedScenario, answers: Mapping[str, Any]) -> FeedAnswers:
    """Check answers against the feed; raise AnswersInvalid saying what does not fit."""
    try:
        parsed = FeedAnswers.model_validate(dict(answers))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise AnswersInvalid(f"feed answers, {where}: {err['msg']}") from exc
    ids = [p.id for p in scenario.posts]
    for post_id, answer in parsed.posts.items():
        if post_id not in ids:
            raise AnswersInvalid(f"feed answers name post {post_id!r}, which feed {scenario.id!r} does not have")
        offered = scenario.post(post_id).tool_ids
        if set(answer.checked) - set(offered):
            raise AnswersInvalid(f"feed answers for {post_id!r} name check(s) "
                                 f"{sorted(set(answer.checked) - set(offered))} this post does not offer")
        if len(set(answer.checked)) != len(answer.checked):
            raise AnswersInvalid(f"feed answers for {post_id!r} list a check twice")
    return parsed


def score_post(post: FeedPost, key: PostKey, answer: _PostAnswer | None) -> ItemScore:
    """Points for one post. Pure: the same inputs always give the same ItemScore."""
    top = float(post.points + post.check_points * len(key.needed))
    if answer is None:
        return ItemScore(item_id=post.id, points=0.0, max_points=top, outcome="unanswered",
                         details={"needed": list(key.needed)})
    right = answer.decision in key.correct
    made = [t for t in key.needed if t in answer.checked]
    skipped = [t for t in key.needed if t not in answer.checked]
    if right:
        outcome = "correct" if not skipped else "unchecked"
        points = float(post.points + post.check_points * len(made))
    else:
        outcome = "shared_false" if answer.decision == "share" else \
            "held_back_true" if "share" in key.correct else "wrong"
        points = 0.0
    return ItemScore(item_id=post.id, points=round(points, 2), max_points=top, outcome=outcome,
                     details={"decision": answer.decision, "correct": list(key.correct), "checked": list(answer.checked),
                              "needed": list(key.needed), "made": made, "skipped": skipped})


def score_feed(scenario: FeedScenario, key: FeedKey, answers: Mapping[str, Any]) -> Score:
    """Score a feed: the sum of its posts."""
    parsed = parse_answers(scenario, answers)
    items = tuple(score_post(p, key.posts[p.id], parsed.posts.get(p.id)) for p in scenario.posts)
    return Score(kind=KIND, points=max(0.0, sum(i.points for i in items)),
                 max_points=sum(i.max_points for i in items), items=items)


# --------------------------------------------------------------------------------------------
# Feedback (lesson mode)

_HEADLINES = {
    "correct": N_("Right, and you checked what mattered."),
    "unchecked": N_("The right decision, but check first: look at the checks you skipped."),
    "shared_false": N_("Careful: this post should not be passed on. Read why below."),
    "held_back_true": N_("This one could be shared: it is a real announcement. Read why below."),
    "wrong": N_("Not this time. Read why below."),
    "unanswered": N_("Not answered yet."),
}


def tool_label(tool: str, locale: str) -> str:
    """The name of a simulated check in `locale`."""
    return gettext(_TOOL_LABELS[tool], locale)


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
                      "label": gettext(_DECISION_LABELS[chosen], locale),
                      "explain": post_key.decisions[chosen].get(locale)})
        for right in post_key.correct:
            if right != chosen:
                lines.append({"status": "right", "label": gettext(_DECISION_LABELS[right], locale),
                              "explain": post_key.decisions[right].get(locale)})
        for tool in post.tool_ids:
            if tool in post_key.needed:
                status = "checked" if tool in details["checked"] else "skipped"
            else:
                status = "extra"
            lines.append({"status": status, "label": tool_label(tool, locale), "explain": tool_result(post, tool, locale)})
    return {
        "outcome": item.outcome,
        "correct": item.outcome == "correct",
        "headline": gettext(_HEADLINES[item.outcome], locale),
        "label": post_key.label.get(locale),
        "lines": lines,
        "explain": post_key.explain.get(locale),
        "points": item.points,
        "max_points": item.max_points,
    }


def feed_feedback(scenario: FeedScenario, key: FeedKey, result: Score, locale: str) -> list[dict[str, Any]]:
    """`post_feedback` for every post of a scored feed, in feed order."""
    return [post_feedback(scenario, key, item, locale) for item in result.items]


def feed_summary(scenario: FeedScenario, result: Score, locale: str) -> dict[str, Any]:
    """The result screen once every post is answered: total, posts done well, posts to look at again."""
    good, review = [], []
    for n, item in enumerate(result.items, start=1):
        post = scenario.post(item.item_id)
        entry = {"id": post.id, "n": n, "author": post.author.name.get(locale)}
        (good if item.outcome == "correct" else review).append(entry)
    return {"points": result.points, "max_points": result.max_points, "good": good, "review": review}


__all__ = ["DECISIONS", "KIND", "TOOLS", "FeedKey", "FeedScenario", "feed_summary", "load_feed", "parse_answers",
           "post_feedback", "score_feed"]
