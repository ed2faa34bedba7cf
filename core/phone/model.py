"""The loaded phone scenario: a public `PhoneScenario` (what the phone shows, safe to send to a browser)
and a private `PhoneKey` (right choices, what must not be typed, why), which stays in Python.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._common import LocalText, Text, by_id
from .schema import ActionDef, Block, Screen

KIND = "phone"
"""The kind id a phone scenario, its submissions and scores carry."""


@dataclass(frozen=True)
class PhoneStep:
    """The public part of a step: the screen and what the learner can do on it."""

    id: str
    """Step id, unique in its scenario."""
    competences: tuple[str, ...]
    """Circular 02/2025 codes it trains."""
    form: str | None
    """Form of fraud it illustrates, if any."""
    points: float
    """Points for a right answer."""
    screen: Screen
    """What the phone shows."""
    action: ActionDef
    """What the learner can do (public: no right answer in it)."""

    def view(self, locale: str) -> dict[str, Any]:
        """JSON for the front end in one locale; no right answer, no explanation."""
        a = self.action
        return {
            "id": self.id,
            "points": self.points,
            "screen": {
                "app": self.screen.app,
                "title": self.screen.title.get(locale),
                "address": self.screen.address or "",
                "blocks": [_block_view(b, locale) for b in self.screen.blocks],
            },
            "action": {
                "kind": a.kind,
                "prompt": a.prompt.get(locale),
                "options": [{"id": o.id, "label": o.label.get(locale)} for o in a.options],
                "placeholder": a.placeholder.get(locale) if a.placeholder else "",
                "today_sent": a.today_sent,
                "min_length": a.min_length,
            },
        }


def _block_view(block: Block, locale: str) -> dict[str, Any]:
    out: dict[str, Any] = {"type": block.type, "tone": block.tone, "emphasis": block.emphasis}
    for name in ("text", "label", "value", "name"):
        value = getattr(block, name)
        if value is not None:
            out[name] = value.get(locale)
    if block.who:
        out["who"] = block.who
    return out


@dataclass(frozen=True)
class StepKey:
    """The private part of a step."""

    kind: str
    """The step's action kind (choose, select, type, amount, password)."""
    correct: tuple[str, ...]
    """choose/select: the right option ids."""
    options: Mapping[str, Text]
    """choose/select: why each option is right or wrong."""
    explain: Text
    """The lesson of the step."""
    secrets: tuple[str, ...]
    """type: the story's private details that must not be typed."""
    min_length: int
    """type: the fewest characters of a real question."""
    expected: int | None
    """amount: the right amount in VND."""
    flag: Text | None = None
    """choose/select: the red flag the step is about (shown after answering), if the step names one."""


@dataclass(frozen=True)
class PhoneScenario:
    """What the learner sees: the story's screens, public in every locale."""

    id: str
    """Scenario id (its file name)."""
    title: LocalText
    """The lesson's title."""
    intro: LocalText
    """The story's opening."""
    steps: tuple[PhoneStep, ...]
    """The steps, in story order."""
    kind: str = KIND
    """Always "phone"."""

    def step(self, step_id: str) -> PhoneStep:
        """The step `step_id`; KeyError if the scenario has none."""
        return by_id(self.steps, step_id)

    @property
    def competences(self) -> tuple[str, ...]:
        """Every Circular 02/2025 code the scenario trains, sorted."""
        return tuple(sorted({c for s in self.steps for c in s.competences}))

    def view(self, locale: str) -> dict[str, Any]:
        """The JSON the front end draws, in one locale. Contains no right answer."""
        return {"id": self.id, "title": self.title.get(locale), "intro": self.intro.get(locale),
                "steps": [s.view(locale) for s in self.steps]}


@dataclass(frozen=True)
class PhoneKey:
    """The right answers of one scenario."""

    scenario_id: str
    """The scenario this key belongs to."""
    steps: Mapping[str, StepKey] = field(default_factory=dict)
    """The right answer per step id."""
