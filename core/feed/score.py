"""Scoring a feed (pure).

A right decision earns the post's points, plus one point for each check that reveals the decisive
evidence, made before deciding. A wrong decision earns nothing for the post: a check whose result is
ignored protected nobody. Extra checks never cost points — checking more before sharing is the habit
we teach.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._score import ItemScore, Score, total
from .answers import PostAnswer, parse_answers
from .model import KIND, FeedKey, FeedPost, FeedScenario, PostKey


def score_post(post: FeedPost, key: PostKey, answer: PostAnswer | None) -> ItemScore:
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
                     details={"decision": answer.decision, "correct": list(key.correct),
                              "checked": list(answer.checked), "needed": list(key.needed), "made": made,
                              "skipped": skipped})


def score_feed(scenario: FeedScenario, key: FeedKey, answers: Mapping[str, Any]) -> Score:
    """Score a feed: the sum of its posts."""
    parsed = parse_answers(scenario, answers)
    return total(KIND, (score_post(p, key.posts[p.id], parsed.posts.get(p.id)) for p in scenario.posts))
