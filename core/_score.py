"""The one scoring truth: `score(scenario, key, answers) -> Score`.

Each exercise kind registers one pure scoring function (no I/O, no widgets, no clock). The lesson
widget (immediate feedback), the nbgrader grade cell (contest) and the classroom store (teacher
dashboard) all reach the same function through `score`, so a learner, a teacher and a judge always
see the same number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ._errors import GradingError


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


Scorer = Callable[[Any, Any, Mapping[str, Any]], Score]
_SCORERS: dict[str, Scorer] = {}


def register_scorer(kind: str, scorer: Scorer) -> None:
    """Make `scorer` the scoring function for exercise `kind`."""
    _SCORERS[kind] = scorer


def score(scenario: Any, key: Any, answers: Mapping[str, Any]) -> Score:
    """Score `answers` to `scenario` against `key` with the function registered for its kind."""
    kind = getattr(scenario, "kind", None)
    try:
        scorer = _SCORERS[kind]
    except KeyError:
        msg = f"no scoring function for exercise kind {kind!r}; known kinds: {sorted(_SCORERS)}"
        raise GradingError(msg) from None
    if getattr(key, "scenario_id", None) != getattr(scenario, "id", None):
        msg = f"key for {getattr(key, 'scenario_id', None)!r} does not belong to scenario {scenario.id!r}"
        raise GradingError(msg)
    return scorer(scenario, key, answers)
