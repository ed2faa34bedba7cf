"""The learner's answers to a phone scenario, as saved in a Submission, and the check every road applies."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._common import checked_answers
from .._errors import AnswersInvalid
from .model import PhoneScenario
from .passwords import CHECKS


class StepAnswer(BaseModel):
    """The learner's answer to one step: exactly the fields of its action kind (see `FIELDS`)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    choice: str | None = Field(default=None, description="choose: the option id.")
    choices: list[str] | None = Field(default=None, description="select: the option ids ticked.")
    text: str | None = Field(default=None, max_length=2000, description="type: what was sent, personal data "
                             "already masked by `redact`.")
    amount: int | None = Field(default=None, description="amount: the amount entered, in VND.")
    length: int | None = Field(default=None, ge=0, le=1000, description="password: the passphrase's length "
                               "(the passphrase itself is never kept).")
    checks: dict[str, bool] | None = Field(default=None, description="password: what `check_passphrase` found, "
                                           "by check.")


class PhoneAnswers(BaseModel):
    """Canonical answers: {"steps": {step_id: {choice | choices | text | amount | length+checks}}}."""

    model_config = ConfigDict(extra="forbid", strict=True)
    steps: dict[str, StepAnswer] = Field(default={}, description="Answer per step id (answered steps only).")


FIELDS = {"choose": {"choice"}, "select": {"choices"}, "type": {"text"}, "amount": {"amount"},
          "password": {"length", "checks"}}
"""The answer fields each action kind gives, and no others."""


def parse_answers(scenario: PhoneScenario, answers: Mapping[str, Any]) -> PhoneAnswers:
    """Check answers against the scenario; raise AnswersInvalid saying what does not fit."""
    parsed = checked_answers(PhoneAnswers, answers, kind="phone")
    ids = [s.id for s in scenario.steps]
    for step_id, answer in parsed.steps.items():
        if step_id not in ids:
            raise AnswersInvalid(f"phone answers name step {step_id!r}, which scenario {scenario.id!r} "
                                 "does not have")
        step = scenario.step(step_id)
        given = {k for k, v in answer.model_dump().items() if v is not None}
        if given != FIELDS[step.action.kind]:
            raise AnswersInvalid(f"phone answers for {step_id!r} ({step.action.kind}) must give exactly "
                                 f"{sorted(FIELDS[step.action.kind])}, got {sorted(given)}")
        options = {o.id for o in step.action.options}
        if answer.choice is not None and answer.choice not in options:
            raise AnswersInvalid(f"phone answers for {step_id!r} choose unknown option {answer.choice!r}")
        if answer.choices is not None:
            if set(answer.choices) - options:
                raise AnswersInvalid(f"phone answers for {step_id!r} tick unknown option(s) "
                                     f"{sorted(set(answer.choices) - options)}")
            if len(set(answer.choices)) != len(answer.choices):
                raise AnswersInvalid(f"phone answers for {step_id!r} tick an option twice")
        if answer.checks is not None and set(answer.checks) != set(CHECKS):
            raise AnswersInvalid(f"phone answers for {step_id!r}: checks must be exactly {list(CHECKS)}")
    return parsed
