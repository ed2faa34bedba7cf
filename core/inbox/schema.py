"""What a teacher writes for the scam inbox: message files, inbox set files and the red-flag catalogue.

A message file (content/messages/ID.yaml) holds what the learner sees and, under `key`, the right
answer; an inbox set file (content/inboxes/ID.yaml) lists which messages a lesson shows. Every text
the learner sees is given in vi and en. Loading (`load.py`) checks these and splits public from private.
"""
from __future__ import annotations

import re
from typing import Literal, get_args
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._common import SLUG, LocalText
from .._i18n import LOCALES

VERDICTS = ("scam", "safe")
"""The two verdicts a learner gives a message, in the order the widget shows them."""
Verdict = Literal["scam", "safe"]
Channel = Literal["sms", "zalo", "email", "call"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)
"""The channels a message arrives by."""
LINK_MARK = re.compile(r"\[\[(\d+)\]\]")
"""How a message body places its links: [[1]] is the first entry of `links`."""


class FlagDef(BaseModel):
    """One red flag of the catalogue (content/flags.yaml) that learners can name on a message."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The id message keys name under key.red_flags.")
    label: LocalText = Field(description="The short name on the flag's check box, e.g. 'Urgency'.")
    explain: LocalText = Field(description="What the flag means and why it matters, shown in the feedback.")
    channels: list[Channel] = Field(default=list(CHANNELS), min_length=1,
                                    description="Channels on which the flag is a plausible choice: a message "
                                    "of another channel never offers it unless its key names it.")


class SenderDef(BaseModel):
    """Who a message seems to come from, as the phone shows it."""

    model_config = ConfigDict(extra="forbid")
    name: LocalText = Field(description="The display name ('Vietcombank', 'Số di động').")
    address: str = Field(min_length=1, max_length=120,
                         description="The number, e-mail address or Zalo name shown under the name.")


class LinkDef(BaseModel):
    """A link inside a message body, placed by [[N]]; learners may inspect where it really goes."""

    model_config = ConfigDict(extra="forbid")
    shown: str = Field(min_length=1, max_length=200, description="The link text the message shows.")
    href: str = Field(description="Where the link really goes: a full http(s) address with a host name.")

    @field_validator("href")
    @classmethod
    def _validate_href(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
            raise ValueError("must be a full http(s) address with a host name, e.g. https://example.test/path")
        return value


class TranscriptLine(BaseModel):
    """One line of a phone call's transcript."""

    model_config = ConfigDict(extra="forbid")
    who: Literal["caller", "you"] = Field(description="Who speaks: the caller or the learner.")
    vi: str = Field(min_length=1, description="The line in Vietnamese.")
    en: str = Field(min_length=1, description="The line in English.")


class MessageKeyDef(BaseModel):
    """The private part of a message file: the right answer and the lesson behind it."""

    model_config = ConfigDict(extra="forbid")
    verdict: Verdict = Field(description="'scam' or 'safe' (a genuine message).")
    red_flags: list[str] = Field(default=[], description="The red flags (catalogue ids) a scam shows; "
                                 "empty for a genuine message.")
    explanation: LocalText = Field(description="Why the message is a scam or genuine, shown after answering.")
    action: LocalText = Field(description="What to do in real life on receiving it.")

    @model_validator(mode="after")
    def _flags_match_verdict(self) -> MessageKeyDef:
        if self.verdict == "scam" and not self.red_flags:
            raise ValueError("a scam must list at least one red flag in key.red_flags")
        if self.verdict == "safe" and self.red_flags:
            raise ValueError("a legitimate message has no red flags: leave key.red_flags empty")
        return self


class MessageDef(BaseModel):
    """One message file (content/messages/ID.yaml)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The message id; must equal the file name.")
    channel: Channel = Field(description="How it arrives; decides how it is drawn.")
    sender: SenderDef = Field(description="Who it seems to come from.")
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="The time shown in the inbox, HH:MM.")
    subject: LocalText | None = Field(default=None, description="An e-mail's subject line (e-mail only).")
    body: LocalText | None = Field(default=None, description="The text; [[N]] places the N-th link. "
                                   "Required except for a call.")
    transcript: list[TranscriptLine] = Field(default=[], description="A call's transcript (calls only).")
    links: list[LinkDef] = Field(default=[], description="The links the body places with [[1]], [[2]] …")
    form: str = Field(pattern=SLUG, description="The form of fraud it illustrates (fraud_forms.yaml id).")
    competences: list[str] = Field(min_length=1, description="Circular 02/2025 competence codes it trains.")
    level: int = Field(default=1, ge=1, le=3, description="Difficulty, 1 (plain) to 3 (subtle).")
    key: MessageKeyDef = Field(description="The right answer (private: never sent to a browser).")

    @model_validator(mode="after")
    def _shape_matches_channel(self) -> MessageDef:
        if self.channel == "call" and not self.transcript:
            raise ValueError("a call needs a transcript (a list of {who, vi, en} lines)")
        if self.channel != "call" and self.body is None:
            raise ValueError(f"a {self.channel} message needs a body in vi and en")
        if self.subject is not None and self.channel != "email":
            raise ValueError("only an email has a subject")
        for locale in LOCALES:
            text = self.body.get(locale) if self.body else ""
            used = {int(n) for n in LINK_MARK.findall(text)}
            wanted = set(range(1, len(self.links) + 1))
            if used - wanted:
                raise ValueError(f"body.{locale} refers to link [[{min(used - wanted)}]] but only "
                                 f"{len(self.links)} link(s) are listed under links")
            if wanted - used and self.channel != "call":
                raise ValueError(f"body.{locale} never places link [[{min(wanted - used)}]]; "
                                 "write [[N]] where the N-th link appears")
        return self


class ScoringRules(BaseModel):
    """How an inbox is scored (an inbox set file's `scoring`; the defaults suit most lessons)."""

    model_config = ConfigDict(extra="forbid")
    verdict: float = Field(default=2, gt=0, description="Points for the right verdict on a message.")
    per_flag: float = Field(default=1, ge=0, description="Points for each red flag of a scam rightly named.")
    wrong_flag: float = Field(default=1, ge=0, description="Points lost for each flag named that a scam does "
                              "not show (the flag points of a message never go below 0).")
    over_suspicion: float = Field(default=1, ge=0, description="Points lost for calling a genuine message a scam.")


class InboxDef(BaseModel):
    """One inbox set file (content/inboxes/ID.yaml): which messages a lesson shows, in which order."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The inbox id; must equal the file name.")
    title: LocalText = Field(description="The inbox's title.")
    intro: LocalText = Field(description="What the learner is asked to do, shown above the messages.")
    messages: list[str] = Field(min_length=1, description="Message ids (files under messages/), in inbox order.")
    scoring: ScoringRules = Field(default=ScoringRules(), description="Points per verdict and flag.")
    next: str | None = Field(default=None, pattern=SLUG, description="The lesson after this one (an inbox or "
                             "feed id) for the result screen; default: the series' next week (tuan-NN-…).")

    @field_validator("messages")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a message is listed twice")
        return value
