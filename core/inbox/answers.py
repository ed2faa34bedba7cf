"""The learner's answers to an inbox, as saved in a Submission, and the check every road applies to them."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._common import checked_answers
from .._errors import AnswersInvalid
from .model import InboxScenario
from .schema import Verdict


class MessageAnswer(BaseModel):
    """The learner's answer to one message."""

    model_config = ConfigDict(extra="forbid", strict=True)
    verdict: Verdict = Field(description="'scam' or 'safe'.")
    flags: list[str] = Field(default=[], description="The red flags (catalogue ids) the learner ticked.")


class InboxAnswers(BaseModel):
    """The canonical answers of an inbox: {"messages": {id: {verdict, flags}}, "inspected": {id: [link …]}}."""

    model_config = ConfigDict(extra="forbid", strict=True)
    messages: dict[str, MessageAnswer] = Field(default={}, description="Answer per message id (answered only).")
    inspected: dict[str, list[int]] = Field(default={}, description="Per message id, the indexes (0-based) of "
                                            "the links the learner inspected.")


def parse_answers(scenario: InboxScenario, answers: Mapping[str, Any]) -> InboxAnswers:
    """Check answers against the scenario; raise AnswersInvalid saying what does not fit."""
    parsed = checked_answers(InboxAnswers, answers, kind="inbox")
    ids = {m.id for m in scenario.messages}
    flag_ids = {f.id for f in scenario.flags}
    for message_id, answer in parsed.messages.items():
        if message_id not in ids:
            raise AnswersInvalid(f"inbox answers name message {message_id!r}, which inbox {scenario.id!r} "
                                 "does not have")
        unknown = set(answer.flags) - flag_ids
        if unknown:
            raise AnswersInvalid(f"inbox answers for {message_id!r} name unknown red flags {sorted(unknown)}")
        if len(set(answer.flags)) != len(answer.flags):
            raise AnswersInvalid(f"inbox answers for {message_id!r} name a red flag twice")
    for message_id, links in parsed.inspected.items():
        if message_id not in ids:
            raise AnswersInvalid(f"inbox answers inspected message {message_id!r}, which inbox {scenario.id!r} "
                                 "does not have")
        count = len(scenario.message(message_id).links)
        if any(i < 0 or i >= count for i in links):
            raise AnswersInvalid(f"inbox answers inspected a link of {message_id!r} that does not exist")
    return parsed
