"""The learner's answers to a feed, as saved in a Submission, and the check every road applies to them."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._common import checked_answers
from .._errors import AnswersInvalid
from .model import FeedScenario
from .schema import Decision, Tool


class PostAnswer(BaseModel):
    """The learner's answer to one post."""

    model_config = ConfigDict(extra="forbid", strict=True)
    decision: Decision = Field(description="What the learner decided.")
    checked: list[Tool] = Field(default=[], description="The checks made before deciding.")


class FeedAnswers(BaseModel):
    """Canonical answers: {"posts": {post_id: {"decision": ..., "checked": [tool, ...]}}}."""

    model_config = ConfigDict(extra="forbid", strict=True)
    posts: dict[str, PostAnswer] = Field(default={}, description="Answer per post id (answered posts only).")


def parse_answers(scenario: FeedScenario, answers: Mapping[str, Any]) -> FeedAnswers:
    """Check answers against the feed; raise AnswersInvalid saying what does not fit."""
    parsed = checked_answers(FeedAnswers, answers, kind="feed")
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
