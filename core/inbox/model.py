"""The loaded scam inbox: a public `InboxScenario` (safe to send to a browser) and a private `InboxKey`.

The key (verdicts, red flags, explanations) stays in Python and is shown only as feedback after the
learner has answered, and only in lesson mode.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._common import LocalText, by_id
from .schema import CHANNELS, LINK_MARK, LinkDef, ScoringRules, SenderDef, TranscriptLine

KIND = "inbox"
"""The kind id an inbox's scenario, submissions and scores carry."""


@dataclass(frozen=True)
class Flag:
    """A red flag the learner can name."""

    id: str
    """Catalogue id (content/flags.yaml)."""
    label: LocalText
    """Short name on its check box."""
    explain: LocalText
    """What it means; shown in the feedback."""
    channels: tuple[str, ...] = CHANNELS
    """Channels on which it is a plausible choice (offered as a distractor there)."""


@dataclass(frozen=True)
class InboxMessage:
    """The public part of a message: exactly what a phone would show."""

    id: str
    """Message id (its file name)."""
    channel: str
    """'sms', 'zalo', 'email' or 'call'."""
    sender: SenderDef
    """Display name and address as the phone shows them."""
    time: str
    """Time shown in the inbox, HH:MM."""
    subject: LocalText | None
    """E-mail subject (None for other channels)."""
    body: LocalText | None
    """Text with [[N]] link marks (None for a call)."""
    transcript: tuple[TranscriptLine, ...]
    """A call's lines (empty for other channels)."""
    links: tuple[LinkDef, ...]
    """Links the body places, in [[N]] order."""
    form: str
    """Form of fraud it illustrates (fraud_forms.yaml id); public, used by the dashboard."""
    competences: tuple[str, ...]
    """Circular 02/2025 codes it trains."""
    level: int
    """Difficulty 1-3."""
    offered: tuple[str, ...] = ()
    """The red flags (ids, catalogue order) its answer form offers (core/inbox/choices.py); empty: all."""


@dataclass(frozen=True)
class MessageKey:
    """The private part of a message: the right answer and the lesson behind it."""

    verdict: str
    """'scam' or 'safe'."""
    red_flags: tuple[str, ...]
    """Red flags a scam shows (empty for a genuine message)."""
    explanation: LocalText
    """Why it is a scam or genuine."""
    action: LocalText
    """What to do in real life."""


@dataclass(frozen=True)
class InboxScenario:
    """What the learner sees: the inbox, public in every locale."""

    id: str
    """Inbox id (its file name under inboxes/)."""
    title: LocalText
    """The inbox's title."""
    intro: LocalText
    """The task, shown above the messages."""
    messages: tuple[InboxMessage, ...]
    """The messages, in inbox order."""
    flags: tuple[Flag, ...]
    """The whole red-flag catalogue (each message offers a few of them)."""
    next: str | None = None
    """The lesson after this one (core/inbox/ending.py), shown on the result screen; None: none."""
    kind: str = KIND
    """Always "inbox"."""

    def message(self, message_id: str) -> InboxMessage:
        """The message `message_id`; KeyError if the inbox has none."""
        return by_id(self.messages, message_id)

    @property
    def competences(self) -> tuple[str, ...]:
        """Every Circular 02/2025 code the inbox trains, sorted."""
        return tuple(sorted({c for m in self.messages for c in m.competences}))

    def view(self, locale: str) -> dict[str, Any]:
        """The JSON the front end draws, in one locale. Contains no right answer."""
        return {
            "id": self.id,
            "title": self.title.get(locale),
            "intro": self.intro.get(locale),
            "flags": [{"id": f.id, "label": f.label.get(locale)} for f in self.flags],
            "messages": [_message_view(m, locale) for m in self.messages],
        }


@dataclass(frozen=True)
class InboxKey:
    """The right answers to one inbox, with the scoring rules."""

    scenario_id: str
    """The inbox this key belongs to."""
    rules: ScoringRules
    """Points per verdict and flag."""
    messages: Mapping[str, MessageKey] = field(default_factory=dict)
    """The right answer per message id."""


def _message_view(msg: InboxMessage, locale: str) -> dict[str, Any]:
    segments: list[dict[str, Any]] = []
    if msg.body is not None:
        text = msg.body.get(locale)
        pos = 0
        for match in LINK_MARK.finditer(text):
            if match.start() > pos:
                segments.append({"text": text[pos:match.start()]})
            index = int(match.group(1)) - 1
            segments.append({"link": index, "text": msg.links[index].shown})
            pos = match.end()
        if pos < len(text):
            segments.append({"text": text[pos:]})
    plain = "".join(s["text"] for s in segments) if segments else msg.transcript[0].model_dump()[locale]
    return {
        "id": msg.id,
        "channel": msg.channel,
        "sender": msg.sender.name.get(locale),
        "address": msg.sender.address,
        "time": msg.time,
        "subject": msg.subject.get(locale) if msg.subject else "",
        "preview": plain[:90],
        "segments": segments,
        "transcript": [{"who": line.who, "text": getattr(line, locale)} for line in msg.transcript],
        "links": [{"shown": link.shown} for link in msg.links],
        "flags": list(msg.offered),
    }
