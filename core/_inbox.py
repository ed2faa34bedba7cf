"""The scam-inbox exercise: its content schema, public scenario, private key and pure scoring.

A message file (content/messages/ID.yaml) holds what the learner sees and, under `key`, the right
answer. Loading splits the two: an `InboxScenario` (public, safe to send to a browser) and an
`InboxKey` (verdicts, red flags, explanations), which stays in Python and is shown only as feedback
after the learner has answered, and only in lesson mode.

Scoring (`score_inbox`) rewards a right verdict and each correctly named red flag, costs points for
naming flags that are not there, and costs points for calling a legitimate message a scam, so a
learner cannot win by flagging everything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._content import content_root, load_file, read_yaml, validate
from ._errors import AnswersInvalid, ContentError
from ._i18n import LOCALES, N_, gettext
from ._common import (SLUG, CompetenceDef, FraudFormDef, LocalText, check_competences, check_form_of_fraud,
                      load_competences, load_fraud_forms, no_duplicates)
from ._score import ItemScore, Score

KIND = "inbox"
VERDICTS = ("scam", "safe")
LINK_MARK = re.compile(r"\[\[(\d+)\]\]")
"""How a message body places its links: [[1]] is the first entry of `links`."""

# --------------------------------------------------------------------------------------------
# Content schema (what a teacher writes). Every text the learner sees is given in vi and en.


class FlagDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    label: LocalText
    explain: LocalText


class SenderDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: LocalText
    address: str = Field(min_length=1, max_length=120)


class LinkDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shown: str = Field(min_length=1, max_length=200)
    href: str

    @field_validator("href")
    @classmethod
    def _validate_href(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
            raise ValueError("must be a full http(s) address with a host name, e.g. https://example.test/path")
        return value


class TranscriptLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    who: Literal["caller", "you"]
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class MessageKeyDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["scam", "safe"]
    red_flags: list[str] = []
    explanation: LocalText
    action: LocalText

    @model_validator(mode="after")
    def _flags_match_verdict(self) -> MessageKeyDef:
        if self.verdict == "scam" and not self.red_flags:
            raise ValueError("a scam must list at least one red flag in key.red_flags")
        if self.verdict == "safe" and self.red_flags:
            raise ValueError("a legitimate message has no red flags: leave key.red_flags empty")
        return self


class MessageDef(BaseModel):
    """One message file."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    channel: Literal["sms", "zalo", "email", "call"]
    sender: SenderDef
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    subject: LocalText | None = None
    body: LocalText | None = None
    transcript: list[TranscriptLine] = []
    links: list[LinkDef] = []
    form: str = Field(pattern=SLUG)
    competences: list[str] = Field(min_length=1)
    level: int = Field(default=1, ge=1, le=3)
    key: MessageKeyDef

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
    model_config = ConfigDict(extra="forbid")
    verdict: float = Field(default=2, gt=0)
    per_flag: float = Field(default=1, ge=0)
    wrong_flag: float = Field(default=1, ge=0)
    over_suspicion: float = Field(default=1, ge=0)


class InboxDef(BaseModel):
    """One inbox set file: which messages a lesson shows, in which order."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    title: LocalText
    intro: LocalText
    messages: list[str] = Field(min_length=1)
    scoring: ScoringRules = ScoringRules()

    @field_validator("messages")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a message is listed twice")
        return value


# --------------------------------------------------------------------------------------------
# The loaded, checked objects the rest of hocvuso uses.


@dataclass(frozen=True)
class Flag:
    """A red flag the learner can name."""

    id: str
    label: LocalText
    explain: LocalText


@dataclass(frozen=True)
class InboxMessage:
    """The public part of a message: exactly what a phone would show."""

    id: str
    channel: str
    sender: SenderDef
    time: str
    subject: LocalText | None
    body: LocalText | None
    transcript: tuple[TranscriptLine, ...]
    links: tuple[LinkDef, ...]
    form: str
    competences: tuple[str, ...]
    level: int


@dataclass(frozen=True)
class MessageKey:
    """The private part of a message: the right answer and the lesson behind it."""

    verdict: str
    red_flags: tuple[str, ...]
    explanation: LocalText
    action: LocalText


@dataclass(frozen=True)
class InboxScenario:
    """What the learner sees: the inbox, public in every locale."""

    id: str
    title: LocalText
    intro: LocalText
    messages: tuple[InboxMessage, ...]
    flags: tuple[Flag, ...]
    kind: str = KIND

    def message(self, message_id: str) -> InboxMessage:
        for msg in self.messages:
            if msg.id == message_id:
                return msg
        raise KeyError(message_id)

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
    rules: ScoringRules
    messages: Mapping[str, MessageKey] = field(default_factory=dict)


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
    }


# --------------------------------------------------------------------------------------------
# Loading


@lru_cache(maxsize=None)
def load_flags(root: Path | None = None) -> tuple[Flag, ...]:
    """The red-flag catalogue (content/flags.yaml)."""
    path = (root or content_root()) / "flags.yaml"
    data = read_yaml(path)
    if not isinstance(data, list):
        raise ContentError("must be a list of flags", path=path)
    flags = tuple(Flag(d.id, d.label, d.explain) for d in (validate(FlagDef, item, path=f"{path} [{i}]")
                                                           for i, item in enumerate(data)))
    no_duplicates([f.id for f in flags], path)
    return flags


def load_message(path: Path, *, root: Path | None = None) -> tuple[InboxMessage, MessageKey]:
    """Read one message file and check it against the catalogues."""
    root = root or content_root()
    definition = load_file(MessageDef, path)
    if definition.id != path.stem:
        raise ContentError(f"id {definition.id!r} must equal the file name {path.stem!r}", path=path, field="id")
    flags = {f.id for f in load_flags(root)}
    for i, flag in enumerate(definition.key.red_flags):
        if flag not in flags:
            raise ContentError(f"unknown red flag {flag!r}; choose from {sorted(flags)}", path=path,
                               field=f"key.red_flags.{i}")
    if len(set(definition.key.red_flags)) != len(definition.key.red_flags):
        raise ContentError("a red flag is listed twice", path=path, field="key.red_flags")
    check_form_of_fraud(definition.form, root=root, path=path, field="form")
    check_competences(definition.competences, root=root, path=path, field="competences")
    public = InboxMessage(
        id=definition.id, channel=definition.channel, sender=definition.sender, time=definition.time,
        subject=definition.subject, body=definition.body, transcript=tuple(definition.transcript),
        links=tuple(definition.links), form=definition.form, competences=tuple(definition.competences),
        level=definition.level,
    )
    key = MessageKey(verdict=definition.key.verdict, red_flags=tuple(definition.key.red_flags),
                     explanation=definition.key.explanation, action=definition.key.action)
    return public, key


def message_paths(root: Path | None = None) -> list[Path]:
    """Every message file, sorted by name."""
    return sorted(((root or content_root()) / "messages").glob("*.yaml"))


def inbox_paths(root: Path | None = None) -> list[Path]:
    """Every inbox set file, sorted by name."""
    return sorted(((root or content_root()) / "inboxes").glob("*.yaml"))


def load_inbox(inbox_id: str, *, root: Path | None = None) -> tuple[InboxScenario, InboxKey]:
    """Load inbox set `inbox_id`: its public scenario and its private key."""
    root = root or content_root()
    path = root / "inboxes" / f"{inbox_id}.yaml"
    if not re.match(SLUG, inbox_id) or not path.is_file():
        known = ", ".join(p.stem for p in inbox_paths(root)) or "none"
        raise ContentError(f"no inbox {inbox_id!r}; known inboxes: {known}", path=path)
    definition = load_file(InboxDef, path)
    if definition.id != inbox_id:
        raise ContentError(f"id {definition.id!r} must equal the file name {inbox_id!r}", path=path, field="id")
    messages, keys = [], {}
    for i, message_id in enumerate(definition.messages):
        msg_path = root / "messages" / f"{message_id}.yaml"
        if not msg_path.is_file():
            raise ContentError(f"no message file messages/{message_id}.yaml", path=path, field=f"messages.{i}")
        public, key = load_message(msg_path, root=root)
        messages.append(public)
        keys[public.id] = key
    scenario = InboxScenario(id=definition.id, title=definition.title, intro=definition.intro,
                             messages=tuple(messages), flags=load_flags(root))
    return scenario, InboxKey(scenario_id=definition.id, rules=definition.scoring, messages=keys)


# --------------------------------------------------------------------------------------------
# Answers and scoring


class MessageAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    verdict: Literal["scam", "safe"]
    flags: list[str] = []


class InboxAnswers(BaseModel):
    """The canonical answers of an inbox: {"messages": {id: {verdict, flags}}, "inspected": {id: [link …]}}."""

    model_config = ConfigDict(extra="forbid", strict=True)
    messages: dict[str, MessageAnswer] = {}
    inspected: dict[str, list[int]] = {}


def parse_answers(scenario: InboxScenario, answers: Mapping[str, Any]) -> InboxAnswers:
    """Check answers against the scenario; raise AnswersInvalid saying what does not fit."""
    try:
        parsed = InboxAnswers.model_validate(dict(answers))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise AnswersInvalid(f"inbox answers, {where}: {err['msg']}") from exc
    ids = {m.id for m in scenario.messages}
    flag_ids = {f.id for f in scenario.flags}
    for message_id, answer in parsed.messages.items():
        if message_id not in ids:
            raise AnswersInvalid(f"inbox answers name message {message_id!r}, which inbox {scenario.id!r} does not have")
        unknown = set(answer.flags) - flag_ids
        if unknown:
            raise AnswersInvalid(f"inbox answers for {message_id!r} name unknown red flags {sorted(unknown)}")
        if len(set(answer.flags)) != len(answer.flags):
            raise AnswersInvalid(f"inbox answers for {message_id!r} name a red flag twice")
    for message_id, links in parsed.inspected.items():
        if message_id not in ids:
            raise AnswersInvalid(f"inbox answers inspected message {message_id!r}, which inbox {scenario.id!r} does not have")
        count = len(scenario.message(message_id).links)
        if any(i < 0 or i >= count for i in links):
            raise AnswersInvalid(f"inbox answers inspected a link of {message_id!r} that does not exist")
    return parsed


def score_message(key: MessageKey, answer: MessageAnswer | None, rules: ScoringRules, message_id: str) -> ItemScore:
    """Points for one message. Pure: the same inputs always give the same ItemScore."""
    expected_flags = set(key.red_flags)
    max_points = rules.verdict + rules.per_flag * len(expected_flags)
    base = {"expected": key.verdict, "expected_flags": list(key.red_flags)}
    if answer is None:
        return ItemScore(item_id=message_id, points=0.0, max_points=max_points, outcome="unanswered",
                         details={**base, "given": None, "flags_hit": [], "flags_missed": list(key.red_flags),
                                  "flags_wrong": []})
    given = set(answer.flags)
    hit = [f for f in key.red_flags if f in given]
    missed = [f for f in key.red_flags if f not in given]
    wrong = [f for f in answer.flags if f not in expected_flags]
    details = {**base, "given": answer.verdict, "flags_hit": hit, "flags_missed": missed, "flags_wrong": wrong}
    if key.verdict == "scam" and answer.verdict == "scam":
        flag_points = max(0.0, rules.per_flag * len(hit) - rules.wrong_flag * len(wrong))
        points = rules.verdict + flag_points
        outcome = "correct" if points == max_points else "partial"
    elif key.verdict == "scam":
        points, outcome = 0.0, "missed_scam"
    elif answer.verdict == "safe":
        # Flags picked on a message judged safe are ignored: the verdict is what the learner acts on.
        points, outcome = rules.verdict, "correct"
        details["flags_wrong"] = []
    else:
        points, outcome = -rules.over_suspicion, "over_suspicion"
    return ItemScore(item_id=message_id, points=float(points), max_points=float(max_points), outcome=outcome,
                     details=details)


def score_inbox(scenario: InboxScenario, key: InboxKey, answers: Mapping[str, Any]) -> Score:
    """Score an inbox. Total = sum of messages, never below 0; the maximum counts every message."""
    parsed = parse_answers(scenario, answers)
    items = tuple(score_message(key.messages[m.id], parsed.messages.get(m.id), key.rules, m.id)
                  for m in scenario.messages)
    total = max(0.0, sum(i.points for i in items))
    return Score(kind=KIND, points=total, max_points=sum(i.max_points for i in items), items=items)


# --------------------------------------------------------------------------------------------
# Feedback (lesson mode) and link inspection


_HEADLINES = {
    "correct": {"scam": N_("Right: this is a scam."), "safe": N_("Right: this message is genuine.")},
    "partial": {"scam": N_("Right, this is a scam, but look again at the red flags.")},
    "missed_scam": {"scam": N_("Careful: this is a scam, not a safe message.")},
    "over_suspicion": {"safe": N_("This message is genuine. Being careful is good, but it was safe.")},
    "unanswered": {"scam": N_("Not answered yet."), "safe": N_("Not answered yet.")},
}


def message_feedback(scenario: InboxScenario, key: InboxKey, item: ItemScore, locale: str) -> dict[str, Any]:
    """Feedback for one answered message: what was right, every red flag explained, the right action."""
    message_key = key.messages[item.item_id]
    flags = {f.id: f for f in scenario.flags}
    details = item.details

    def flag_entry(flag_id: str, status: str) -> dict[str, str]:
        flag = flags[flag_id]
        return {"id": flag_id, "label": flag.label.get(locale), "explain": flag.explain.get(locale), "status": status}

    entries = [flag_entry(f, "hit") for f in details["flags_hit"]]
    entries += [flag_entry(f, "missed") for f in details["flags_missed"]]
    entries += [flag_entry(f, "wrong") for f in details["flags_wrong"]]
    headline = _HEADLINES[item.outcome][message_key.verdict]
    return {
        "outcome": item.outcome,
        "correct": item.outcome == "correct",
        "verdict": message_key.verdict,
        "headline": gettext(headline, locale),
        "flags": entries,
        "explanation": message_key.explanation.get(locale),
        "action": message_key.action.get(locale),
        "points": item.points,
        "max_points": item.max_points,
    }


def inbox_feedback(scenario: InboxScenario, key: InboxKey, result: Score, locale: str) -> list[dict[str, Any]]:
    """`message_feedback` for every message of a scored inbox, in inbox order."""
    return [message_feedback(scenario, key, item, locale) for item in result.items]


@lru_cache(maxsize=1)
def _extractor():
    """Offline public-suffix lookup (the snapshot bundled with tldextract): a classroom may have no internet.

    Made on first use: tldextract and what it imports cost ~5 MB in every lesson kernel, and only a
    learner who inspects a link needs it.
    """
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def describe_link(href: str) -> dict[str, Any]:
    """Where a link really goes: the host split so that the real (registrable) domain can be highlighted."""
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    found = _extractor()(host)
    domain = found.top_domain_under_public_suffix or host
    cut = host.rfind(domain) if domain else -1
    before = host[:cut] if cut > 0 else ""
    return {
        "url": href,
        "scheme": parts.scheme,
        "host": host,
        "before": before,
        "domain": domain,
        "path": parts.path + (f"?{parts.query}" if parts.query else ""),
        "gov_vn": host == "gov.vn" or host.endswith(".gov.vn"),
        "apk": parts.path.lower().endswith(".apk"),
    }
