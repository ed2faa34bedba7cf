"""What scoring returns, for every exercise kind: a `Score` made of `ItemScore`s.

Each kind has one pure scoring function (no I/O, no widgets, no clock), registered once in
`hocvuso.core.kinds`; the lesson widget, the grade cell, the judge and the teacher dashboard all reach
it through that registry, so a learner, a teacher and a judge always see the same number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


@dataclass(frozen=True, kw_only=True)
class ItemScore:
    """Points for one item (a message, a form field, a step)."""

    item_id: str
    """Which item of the scenario."""
    points: float
    """Points earned; may be negative where the kind penalises (e.g. calling a real message a scam)."""
    max_points: float
    """Points a perfect answer earns."""
    outcome: str
    """Short machine-readable verdict, e.g. "correct", "missed_scam", "over_suspicion", "unanswered"."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Kind-specific facts for feedback (which flags were right, missed, wrong …)."""


@dataclass(frozen=True, kw_only=True)
class Score:
    """The result of scoring one submission."""

    kind: str
    """Exercise kind that was scored."""
    points: float
    """Total points, never below 0."""
    max_points: float
    """Total points a perfect answer earns."""
    items: tuple[ItemScore, ...] = ()
    """Per-item points and details, in scenario order."""

    @property
    def fraction(self) -> float:
        """points / max_points, 0 when there is nothing to earn."""
        return self.points / self.max_points if self.max_points else 0.0

    def scaled(self, out_of: float) -> float:
        """Points rescaled to `out_of` (an nbgrader cell's points), rounded to 2 decimals."""
        return round(self.fraction * out_of, 2)


def total(kind: str, items: Iterable[ItemScore]) -> Score:
    """The Score of a kind that sums its items: points never below 0, the maximum counts every item."""
    items = tuple(items)
    return Score(kind=kind, points=max(0.0, sum(i.points for i in items)), max_points=sum(i.max_points for i in items),
                 items=items)


def item_feedback(item: ItemScore, headline: str, **fields: Any) -> dict[str, Any]:
    """One item's feedback as every widget shows it: outcome, headline and points, with the kind's own `fields`."""
    return {"outcome": item.outcome, "correct": item.outcome == "correct", "headline": headline, **fields,
            "points": item.points, "max_points": item.max_points}
