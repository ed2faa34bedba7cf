"""What a teacher writes for the news feed: one feed file (content/feeds/ID.yaml) of posts to check.

Each post says what the feed shows, what each simulated check finds, and under `key` the right
decisions and which checks reveal the decisive evidence. Every text the learner sees is a `Text`
(vi and en, or one plain string that reads the same in both).
"""
from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._common import SLUG, LocalText, Text

Tool = Literal["source", "date", "official", "image"]
"""A simulated check: who posted it, when, is it on the official page, where does the picture come from."""
TOOLS: tuple[str, ...] = get_args(Tool)
"""The simulated checks, in the order the widget shows them."""
Decision = Literal["share", "dont_share", "report"]
"""What the learner decides to do with a post."""
DECISIONS: tuple[str, ...] = get_args(Decision)
"""The decisions, in the order the widget shows them."""


class AuthorDef(BaseModel):
    """Who posted a post, as the feed shows it."""

    model_config = ConfigDict(extra="forbid")
    name: Text = Field(description="The account's display name.")
    about: Text = Field(description='What the feed shows under the name: "Personal account", "Group", '
                        '"Official page (invented)".')
    address: str | None = Field(default=None, max_length=80, pattern=r"^[a-z0-9.-]+\.example$",
                                description="A page address, if the post shows one. Only the reserved .example "
                                "domain: never a real site.")


class MediaDef(BaseModel):
    """The picture a post carries (drawn as a plain sketch: no real photo is ever shown)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["photo", "screenshot", "quote"] = Field(description="Which kind of picture the widget sketches.")
    caption: Text = Field(description="What the picture shows, in words (also what a screen reader says).")


class PostKeyDef(BaseModel):
    """The private part of a post: the right decisions and the lesson behind them."""

    model_config = ConfigDict(extra="forbid")
    correct: list[Decision] = Field(min_length=1, description="The right decision(s).")
    needed: list[Tool] = Field(min_length=1, description="The checks whose result decides the case (each earns "
                               "a point when made before a right decision).")
    label: Text = Field(description='What the post really is, shown after answering ("An old photo reused", '
                        '"A real announcement").')
    decisions: dict[Decision, Text] = Field(description="Why each decision is right or wrong for this post.")
    explain: Text = Field(description="The habit to remember.")

    @model_validator(mode="after")
    def _complete(self) -> PostKeyDef:
        missing = [d for d in DECISIONS if d not in self.decisions]
        if missing:
            raise ValueError(f"key.decisions must explain every decision; missing {missing}")
        if len(set(self.correct)) != len(self.correct) or len(set(self.needed)) != len(self.needed):
            raise ValueError("key.correct and key.needed must not repeat an entry")
        return self


class PostDef(BaseModel):
    """One post of a feed."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The post id, unique in its feed.")
    competences: list[str] = Field(min_length=1, description="Circular 02/2025 competence codes it trains.")
    points: float = Field(default=2, gt=0, description="Points for the right decision.")
    check_points: float = Field(default=1, ge=0, description="Points for each needed check made before a right "
                                "decision.")
    author: AuthorDef = Field(description="Who posted it.")
    when: Text = Field(description='When the feed says it was posted ("2 hours ago").')
    text: Text = Field(description="The post's text.")
    media: MediaDef | None = Field(default=None, description="Its picture, if any.")
    shares: int = Field(default=0, ge=0, description="How many shares the feed shows.")
    tools: dict[Tool, Text] = Field(description="What each simulated check finds for this post (only the tools "
                                    "listed here are offered).")
    key: PostKeyDef = Field(description="The right answer (private: never sent to a browser).")

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
    """One feed file (content/feeds/ID.yaml)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The feed id; must equal the file name.")
    title: LocalText = Field(description="The lesson's title.")
    intro: LocalText = Field(description="What the learner is asked to do, shown above the feed.")
    sources: str = Field(min_length=1, description="Where the lesson's facts and habits come from, and what we "
                         "chose where the sources are silent.")
    posts: list[PostDef] = Field(min_length=2, max_length=8, description="The posts, in feed order.")
    next: str | None = Field(default=None, pattern=SLUG, description="The lesson after this one (an inbox or "
                             "feed id), shown on the result screen.")

    @field_validator("posts")
    @classmethod
    def _unique(cls, value: list[PostDef]) -> list[PostDef]:
        ids = [p.id for p in value]
        if len(set(ids)) != len(ids):
            raise ValueError("a post id is used twice")
        return value
