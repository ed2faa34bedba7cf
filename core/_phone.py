"""The phone-scenario exercise: a story told as a sequence of realistic phone screens.

A scenario file (content/scenarios/ID.yaml) is a short story — a bank app, a chat, a video call, a
browser page, an AI chatbot — in which every step shows one screen and asks the learner to act on
it: choose what to do, tick what they notice, type into a box, enter an amount, make up a password.
Loading splits the file into a `PhoneScenario` (public: what the phone shows, safe to send to a
browser) and a `PhoneKey` (right choices, what must not be typed, why), which stays in Python.

Action kinds and how each is scored (all pure, in `score_phone`):

* ``choose``   – one option; full points if it is one of the right ones.
* ``select``   – tick several; points per right option, minus the same for each wrong one, never below 0.
* ``type``     – free text (a chat box). The mistake is pasting personal data: any ID number, OTP,
                 account or phone number, or one of the story's secrets, scores 0. What the widget
                 stores is already masked (`redact`), so no such number is ever written down.
* ``amount``   – a sum of money typed the way people type it ("12.000.000", "12 triệu"); right if it
                 equals the expected amount. The simulated bank then applies the face-verification
                 rule (`needs_face_check`) — a public rule, not a secret.
* ``password`` – a made-up passphrase checked live by `check_passphrase` (NIST SP 800-63B rev. 4:
                 length, no composition rules, screened against a common-password list and the
                 learner's own details). The passphrase itself is never stored: only what the
                 checker found.

This module must never do I/O beyond reading content, keep a clock, or touch widgets.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._content import content_root, load_file, read_yaml
from ._errors import AnswersInvalid, ContentError
from ._i18n import N_, gettext
from ._common import LocalText, Text, load_competences, load_fraud_forms
from ._score import ItemScore, Score
from ._text import normalize_text

KIND = "phone"
SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
ACTIONS = ("choose", "select", "type", "amount", "password")
APPS = ("bank", "chat", "ai", "video", "browser", "sms", "settings", "camera")

FACE_CHECK_PER_TRANSFER = 10_000_000
"""SBV Decision 2345/QĐ-NHNN (from 1-7-2024): a transfer above 10 million VND needs face verification."""
FACE_CHECK_PER_DAY = 20_000_000
"""… and so does any transfer that takes the day's total above 20 million VND."""
PASSWORD_MIN_LENGTH = 15
"""NIST SP 800-63B rev. 4: at least 15 characters when a password is the only factor."""
MASK = "⟦{}⟧"
"""How `redact` replaces personal data in stored text, e.g. ⟦id_number⟧."""

# --------------------------------------------------------------------------------------------
# Content schema (what a teacher writes)


class Block(BaseModel):
    """One element of a screen, drawn by phone.js according to `type`."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["text", "row", "bubble", "qr", "video", "notice", "heading", "receipt"]
    text: Text | None = None
    label: Text | None = None
    value: Text | None = None
    who: Literal["them", "me", "bot"] | None = None
    name: Text | None = None
    tone: Literal["info", "ok", "warn", "alert"] = "info"
    emphasis: bool = False

    @model_validator(mode="after")
    def _fields_for_type(self) -> Block:
        need = {"text": ("text",), "row": ("label", "value"), "bubble": ("who", "text"), "qr": ("label",),
                "video": ("name",), "notice": ("text",), "heading": ("text",), "receipt": ("label", "value")}
        for name in need[self.type]:
            if getattr(self, name) is None:
                raise ValueError(f"a {self.type!r} block needs {name!r}")
        return self


class Screen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    app: Literal["bank", "chat", "ai", "video", "browser", "sms", "settings", "camera"]
    title: Text
    address: str | None = Field(default=None, max_length=120)
    blocks: list[Block] = Field(min_length=1)


class OptionDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    label: Text


class ActionDef(BaseModel):
    """What the learner does on this screen (public)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["choose", "select", "type", "amount", "password"]
    prompt: Text
    options: list[OptionDef] = []
    placeholder: Text | None = None
    reply: Text | None = None
    today_sent: int = Field(default=0, ge=0)
    personal: list[str] = []
    min_length: int = Field(default=PASSWORD_MIN_LENGTH, ge=8, le=64)

    @model_validator(mode="after")
    def _shape(self) -> ActionDef:
        if self.kind in ("choose", "select"):
            if len(self.options) < 2:
                raise ValueError(f"a {self.kind!r} action needs at least 2 options")
            ids = [o.id for o in self.options]
            if len(set(ids)) != len(ids):
                raise ValueError("an option id is listed twice")
        elif self.options:
            raise ValueError(f"a {self.kind!r} action has no options")
        if self.kind == "type" and self.reply is None:
            raise ValueError("a 'type' action needs the chat's scripted reply in reply.vi / reply.en")
        return self


class KeyDef(BaseModel):
    """The private part of a step: right answers and the lesson behind them."""

    model_config = ConfigDict(extra="forbid")
    correct: list[str] = []
    options: dict[str, Text] = {}
    explain: Text
    secrets: list[str] = []
    min_length: int = Field(default=5, ge=1)
    expected: int | None = Field(default=None, gt=0)


class StepDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    competences: list[str] = Field(min_length=1)
    form: str | None = None
    points: float = Field(default=2, gt=0)
    screen: Screen
    action: ActionDef
    key: KeyDef

    @model_validator(mode="after")
    def _key_fits_action(self) -> StepDef:
        kind, key = self.action.kind, self.key
        option_ids = [o.id for o in self.action.options]
        if kind in ("choose", "select"):
            if not key.correct:
                raise ValueError("key.correct must list the right option id(s)")
            unknown = set(key.correct) - set(option_ids)
            if unknown:
                raise ValueError(f"key.correct names option(s) {sorted(unknown)} that action.options does not have")
            missing = [o for o in option_ids if o not in key.options]
            if missing:
                raise ValueError(f"key.options must explain every option; missing {missing}")
            extra = set(key.options) - set(option_ids)
            if extra:
                raise ValueError(f"key.options explains unknown option(s) {sorted(extra)}")
        elif key.correct or key.options:
            raise ValueError(f"a {kind!r} step has no key.correct / key.options")
        if kind == "amount" and key.expected is None:
            raise ValueError("an 'amount' step needs key.expected (in VND)")
        if kind != "amount" and key.expected is not None:
            raise ValueError("only an 'amount' step has key.expected")
        if kind != "type" and key.secrets:
            raise ValueError("only a 'type' step has key.secrets")
        return self


class ScenarioDef(BaseModel):
    """One scenario file."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    title: LocalText
    intro: LocalText
    steps: list[StepDef] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _unique(cls, value: list[StepDef]) -> list[StepDef]:
        ids = [s.id for s in value]
        if len(set(ids)) != len(ids):
            raise ValueError("a step id is used twice")
        return value


# --------------------------------------------------------------------------------------------
# Loaded objects


@dataclass(frozen=True)
class PhoneStep:
    """The public part of a step: the screen and what the learner can do on it."""

    id: str
    competences: tuple[str, ...]
    form: str | None
    points: float
    screen: Screen
    action: ActionDef

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
    correct: tuple[str, ...]
    options: Mapping[str, Text]
    explain: Text
    secrets: tuple[str, ...]
    min_length: int
    expected: int | None


@dataclass(frozen=True)
class PhoneScenario:
    """What the learner sees: the story's screens, public in every locale."""

    id: str
    title: LocalText
    intro: LocalText
    steps: tuple[PhoneStep, ...]
    kind: str = KIND

    def step(self, step_id: str) -> PhoneStep:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

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
    steps: Mapping[str, StepKey] = field(default_factory=dict)


def scenario_paths(root: Path | None = None) -> list[Path]:
    """Every scenario file, sorted by name."""
    return sorted(((root or content_root()) / "scenarios").glob("*.yaml"))


def load_phone(scenario_id: str, *, root: Path | None = None) -> tuple[PhoneScenario, PhoneKey]:
    """Load phone scenario `scenario_id`: its public scenario and its private key."""
    root = root or content_root()
    path = root / "scenarios" / f"{scenario_id}.yaml"
    if not re.match(SLUG, scenario_id) or not path.is_file():
        known = ", ".join(p.stem for p in scenario_paths(root)) or "none"
        raise ContentError(f"no phone scenario {scenario_id!r}; known scenarios: {known}", path=path)
    definition = load_file(ScenarioDef, path)
    if definition.id != scenario_id:
        raise ContentError(f"id {definition.id!r} must equal the file name {scenario_id!r}", path=path, field="id")
    codes = load_competences(root)
    forms = load_fraud_forms(root)
    steps, keys = [], {}
    for i, s in enumerate(definition.steps):
        for j, code in enumerate(s.competences):
            if code not in codes:
                raise ContentError(f"{code!r} is not a Circular 02/2025 competence code (e.g. '4.2')", path=path,
                                   field=f"steps.{i}.competences.{j}")
        if s.form is not None and s.form not in forms:
            raise ContentError(f"unknown form of fraud {s.form!r}; see fraud_forms.yaml", path=path,
                               field=f"steps.{i}.form")
        steps.append(PhoneStep(id=s.id, competences=tuple(s.competences), form=s.form, points=s.points,
                               screen=s.screen, action=s.action))
        keys[s.id] = StepKey(kind=s.action.kind, correct=tuple(s.key.correct), options=dict(s.key.options),
                             explain=s.key.explain, secrets=tuple(s.key.secrets), min_length=s.key.min_length,
                             expected=s.key.expected)
    scenario = PhoneScenario(id=definition.id, title=definition.title, intro=definition.intro, steps=tuple(steps))
    return scenario, PhoneKey(scenario_id=definition.id, steps=keys)


# --------------------------------------------------------------------------------------------
# The rules the simulated phone applies (public knowledge, used live and in scoring)

_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ .,\-]?\d)*(?![\d])")
_MONEY = re.compile(r"^\s*(\d+(?:[.,\s]\d+)*)\s*(triệu|trieu|tr|nghìn|nghin|ngàn|ngan|k|đồng|dong|đ|d|vnd|vnđ)?\s*$",
                    re.IGNORECASE)


def parse_amount(text: str) -> int | None:
    """An amount of VND as people type it: "12.000.000", "12,000,000 đ", "12 triệu", "500k", "1,5 triệu".

    Returns None when the text is not an amount.
    """
    if not isinstance(text, str):
        return None
    match = _MONEY.match(normalize_text(text).lower())
    if not match:
        return None
    number, unit = match.group(1), (match.group(2) or "")
    scale = 1_000_000 if unit in ("triệu", "trieu", "tr") else 1_000 if unit in ("nghìn", "nghin", "ngàn", "ngan", "k") else 1
    groups = re.split(r"[.,\s]", number)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        value = int("".join(groups))            # thousands separators
    elif len(groups) == 2 and scale > 1:
        value = float(f"{groups[0]}.{groups[1]}")  # a decimal: "1,5 triệu"
    elif len(groups) == 1:
        value = int(groups[0])
    else:
        return None
    amount = int(round(value * scale))
    return amount if 0 < amount < 10**13 else None


def needs_face_check(amount: int, today_sent: int = 0) -> bool:
    """True when the bank must check the payer's face (over 10 million at once, or over 20 million today)."""
    return amount > FACE_CHECK_PER_TRANSFER or today_sent + amount > FACE_CHECK_PER_DAY


def find_personal_data(text: str, secrets: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The kinds of personal data in `text`: 'id_number', 'otp', 'phone', 'account', 'secret' (sorted, unique).

    Numbers may be split by spaces, dots or dashes ("001 062 012 345"). Masks left by `redact`
    count too, so a masked text still shows what was pasted.
    """
    found: set[str] = set()
    clean = normalize_text(text or "")
    for kind in re.findall(r"⟦([a-z_]+)⟧", clean):
        found.add(kind)
    for match in _DIGIT_RUN.finditer(clean):
        kind = _number_kind(match.group())
        if kind:
            found.add(kind)
    if _secret_spans(clean, secrets):
        found.add("secret")
    return sorted(found)


def _number_kind(run: str) -> str | None:
    """What kind of personal number a run of digits (with its separators) looks like, if any."""
    digits = re.sub(r"\D", "", run)
    n = len(digits)
    groups = re.split(r"[.,]", run)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and groups[-1] == "000":
        return None                              # money written with thousands separators: 12.000.000
    if n in (9, 12):
        return "id_number"                       # 12-digit personal ID; 9-digit old ID card
    if n == 6:
        return "otp"
    if (n == 10 and digits.startswith("0")) or (n == 11 and digits.startswith("84")):
        return "phone"
    if 7 <= n <= 19:
        return "account"
    return None


def _fold(text: str) -> str:
    """Lower case, no diacritics, no spaces: how we compare a secret with what was typed."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _secret_spans(text: str, secrets: tuple[str, ...] | list[str]) -> bool:
    folded = _fold(text)
    return any(_fold(s) and _fold(s) in folded for s in secrets)


def redact(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with every ID number, OTP, phone or account number and story secret replaced by a mask.

    What the widget stores: the learner's words, never the numbers they should not have pasted.
    """
    clean = normalize_text(text or "")

    def mask(match: re.Match[str]) -> str:
        kind = _number_kind(match.group())
        return MASK.format(kind) if kind else match.group()

    out = _DIGIT_RUN.sub(mask, clean)
    for secret in secrets:
        if not _fold(secret):
            continue
        pattern = r"[\s.\-]*".join(re.escape(c) for c in normalize_text(secret) if not c.isspace())
        out = re.sub(pattern, MASK.format("secret"), out, flags=re.IGNORECASE)
    return out


_MASK_TEXT = {"id_number": N_("[ID number hidden]"), "otp": N_("[code hidden]"), "phone": N_("[phone number hidden]"),
              "account": N_("[account number hidden]"), "secret": N_("[personal detail hidden]")}


def show_masks(text: str, locale: str) -> str:
    """`redact`'s masks (⟦id_number⟧ …) in words the learner reads, e.g. "[số định danh đã ẩn]"."""
    return re.sub(r"⟦([a-z_]+)⟧", lambda m: gettext(_MASK_TEXT.get(m.group(1), _MASK_TEXT["secret"]), locale), text)


@lru_cache(maxsize=None)
def load_common_passwords(root: Path | None = None) -> frozenset[str]:
    """The common and breached passwords we screen against (content/common_passwords.yaml), folded."""
    path = (root or content_root()) / "common_passwords.yaml"
    data = read_yaml(path)
    if not isinstance(data, list) or not all(isinstance(x, (str, int)) for x in data):
        raise ContentError("must be a YAML list of passwords (strings)", path=path)
    return frozenset(_leet(str(x)) for x in data)


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


def _leet(text: str) -> str:
    return _fold(text.translate(_LEET)) if text else ""


_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
"""Keyboard rows, read left to right: 'qwerty…' and 'asdf…' are runs too."""


def _is_pattern(text: str) -> bool:
    """Repeated or sequential characters ('aaaaaaaa', '1234567890123', 'abcabcabc', 'anh yêu em anh yêu em')."""
    s = re.sub(r"\s", "", _fold(text) or text.lower())
    if not s:
        return False
    if len(set(s)) <= 2:
        return True
    for size in range(1, len(s) // 2 + 1):
        if len(s) % size == 0 and s[:size] * (len(s) // size) == s:
            return True
    # Share of the text taken by runs of 4+ characters that step by +1 or -1 ("1234", "9876", "abcd"; 9→0 wraps).
    def next_to(a: str, b: str) -> bool:
        if a.isdigit() and b.isdigit():
            return (int(b) - int(a)) % 10 in (1, 9)
        return abs(ord(b) - ord(a)) == 1 or a == b or (a + b) in _KEYBOARD or (b + a) in _KEYBOARD
    covered, run = 0, 1
    for a, b in zip(s, s[1:]):
        if next_to(a, b):
            run += 1
        else:
            covered += run if run >= 4 else 0
            run = 1
    covered += run if run >= 4 else 0
    return covered / len(s) >= 0.6


GUESSABLE_BELOW = 12.0
"""log10 of the guesses zxcvbn estimates; below 10^12 an offline attacker finds the passphrase quickly."""


@lru_cache(maxsize=None)
def _zxcvbn(root: Path | None = None):
    """zxcvbn (Dropbox's estimator, Python port) taught our Vietnamese words, phrases, names and years.

    Its own dictionaries are English: without ours "anhyeuemnhieulam" looks like random letters.
    Imported on first use, the first time a learner types a passphrase.
    """
    from zxcvbn import zxcvbn
    from zxcvbn.matching import add_frequency_lists

    path = (root or content_root()) / "password_words.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ContentError("must map phrases/names/words to lists of words", path=path)
    ranked = [str(w) for key in ("phrases", "names") for w in data.get(key, [])]
    ranked += [str(y) for y in range(1940, 2036)] + [str(w) for w in data.get("words", [])]
    add_frequency_lists({"hocvuso_vi": list(dict.fromkeys(_fold(w) for w in ranked if _fold(w)))})
    return zxcvbn


def guesses_log10(text: str, personal: tuple[str, ...] | list[str] = ()) -> float:
    """How many guesses (log10) zxcvbn estimates for `text`, folded the way Vietnamese is typed without marks."""
    folded = _fold(text)[:64]
    if not folded:
        return 0.0
    return float(_zxcvbn()(folded, user_inputs=[_fold(p) for p in personal if _fold(p)])["guesses_log10"])


def check_passphrase(text: str, personal: tuple[str, ...] | list[str] = (), *,
                     min_length: int = PASSWORD_MIN_LENGTH) -> dict[str, Any]:
    """Check a made-up passphrase the way NIST SP 800-63B rev. 4 asks a service to.

    Returns ``{"length": n, "checks": {"long_enough", "not_common", "not_pattern", "not_personal"}, "strong"}``.
    Length counts characters after NFC (a Vietnamese letter with its marks is one). There are no
    composition rules: upper case, digits or symbols are neither required nor rewarded.
    """
    clean = unicodedata.normalize("NFC", text or "")
    length = len(clean)
    common = load_common_passwords()
    words = [w for w in re.split(r"[\s\-_.]+", clean) if w]
    folded = _leet(clean)
    stripped = _leet(re.sub(r"[\d\W_]+$", "", clean))
    is_common = bool(folded) and (folded in common or stripped in common
                                  or (len(words) > 1 and all(_leet(w) in common for w in words))
                                  or guesses_log10(clean, personal) < GUESSABLE_BELOW)
    tokens = {_fold(w) for w in words}
    personal_hit = any(_fold(p) and _fold(p) in _fold(clean) for p in personal) or \
        any(len(_fold(p.split()[-1])) >= 2 and _fold(p.split()[-1]) in tokens for p in personal if p.split())
    checks = {
        "long_enough": length >= min_length,
        "not_common": bool(clean) and not is_common,
        "not_pattern": bool(clean) and not _is_pattern(clean),
        "not_personal": bool(clean) and not personal_hit,
    }
    return {"length": length, "checks": checks, "strong": all(checks.values())}


# --------------------------------------------------------------------------------------------
# Answers and scoring


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    choice: str | None = None
    choices: list[str] | None = None
    text: str | None = Field(default=None, max_length=2000)
    amount: int | None = None
    length: int | None = Field(default=None, ge=0, le=1000)
    checks: dict[str, bool] | None = None


class PhoneAnswers(BaseModel):
    """Canonical answers: {"steps": {step_id: {choice | choices | text | amount | length+checks}}}."""

    model_config = ConfigDict(extra="forbid", strict=True)
    steps: dict[str, _Answer] = {}


_FIELDS = {"choose": {"choice"}, "select": {"choices"}, "type": {"text"}, "amount": {"amount"},
           "password": {"length", "checks"}}
CHECKS = ("long_enough", "not_common", "not_pattern", "not_personal")


def parse_answers(scenario: PhoneScenario, answers: Mapping[str, Any]) -> PhoneAnswers:
    """Check answers against the scenario; raise AnswersInvalid saying what does not fit."""
    try:
        parsed = PhoneAnswers.model_validate(dict(answers))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise AnswersInvalid(f"phone answers, {where}: {err['msg']}") from exc
    ids = [s.id for s in scenario.steps]
    for step_id, answer in parsed.steps.items():
        if step_id not in ids:
            raise AnswersInvalid(f"phone answers name step {step_id!r}, which scenario {scenario.id!r} does not have")
        step = scenario.step(step_id)
        given = {k for k, v in answer.model_dump().items() if v is not None}
        if given != _FIELDS[step.action.kind]:
            raise AnswersInvalid(f"phone answers for {step_id!r} ({step.action.kind}) must give exactly "
                                 f"{sorted(_FIELDS[step.action.kind])}, got {sorted(given)}")
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


def score_step(step: PhoneStep, key: StepKey, answer: _Answer | None) -> ItemScore:
    """Points for one step. Pure: the same inputs always give the same ItemScore."""
    kind, top = step.action.kind, float(step.points)
    base: dict[str, Any] = {"kind": kind}
    if answer is None:
        return ItemScore(item_id=step.id, points=0.0, max_points=top, outcome="unanswered", details=base)
    if kind == "choose":
        ok = answer.choice in key.correct
        return ItemScore(item_id=step.id, points=top if ok else 0.0, max_points=top,
                         outcome="correct" if ok else "wrong",
                         details={**base, "given": [answer.choice], "correct": list(key.correct)})
    if kind == "select":
        given = list(answer.choices or [])
        hit = [o for o in key.correct if o in given]
        missed = [o for o in key.correct if o not in given]
        wrong = [o for o in given if o not in key.correct]
        per = top / len(key.correct)
        points = round(max(0.0, per * len(hit) - per * len(wrong)), 2)
        outcome = "correct" if not missed and not wrong else ("partial" if points > 0 else "wrong")
        return ItemScore(item_id=step.id, points=points, max_points=top, outcome=outcome,
                         details={**base, "given": given, "correct": list(key.correct), "hit": hit,
                                  "missed": missed, "wrong": wrong})
    if kind == "type":
        text = answer.text or ""
        leaks = find_personal_data(text, key.secrets)
        if leaks:
            outcome = "leaked"
        elif len(normalize_text(text)) < key.min_length:
            outcome = "too_short"
        else:
            outcome = "correct"
        return ItemScore(item_id=step.id, points=top if outcome == "correct" else 0.0, max_points=top,
                         outcome=outcome, details={**base, "leaks": leaks})
    if kind == "amount":
        ok = answer.amount == key.expected
        face = needs_face_check(answer.amount or 0, step.action.today_sent)
        return ItemScore(item_id=step.id, points=top if ok else 0.0, max_points=top,
                         outcome="correct" if ok else "wrong_amount",
                         details={**base, "given": answer.amount, "expected": key.expected, "face_check": face})
    # password: length is re-judged here; the other checks are what check_passphrase found.
    checks = dict(answer.checks or {})
    checks["long_enough"] = (answer.length or 0) >= step.action.min_length
    failed = [c for c in CHECKS if not checks.get(c)]
    return ItemScore(item_id=step.id, points=0.0 if failed else top, max_points=top,
                     outcome="weak" if failed else "correct",
                     details={**base, "length": answer.length, "checks": {c: bool(checks.get(c)) for c in CHECKS},
                              "failed": failed})


def score_phone(scenario: PhoneScenario, key: PhoneKey, answers: Mapping[str, Any]) -> Score:
    """Score a phone scenario: the sum of its steps, never below 0."""
    parsed = parse_answers(scenario, answers)
    items = tuple(score_step(s, key.steps[s.id], parsed.steps.get(s.id)) for s in scenario.steps)
    return Score(kind=KIND, points=max(0.0, sum(i.points for i in items)),
                 max_points=sum(i.max_points for i in items), items=items)


# --------------------------------------------------------------------------------------------
# Feedback (lesson mode)

_HEADLINES = {
    "correct": N_("Right."),
    "partial": N_("Partly right: look at what you missed."),
    "wrong": N_("Not this time. Read why below."),
    "leaked": N_("Careful: you typed personal data into the chat."),
    "too_short": N_("Write your question in a few words."),
    "wrong_amount": N_("That is not the amount you had to pay."),
    "weak": N_("This password is not strong enough yet."),
    "unanswered": N_("Not answered yet."),
}
_LEAKS = {
    "id_number": N_("a 12-digit personal ID number"),
    "otp": N_("a one-time code (OTP)"),
    "phone": N_("a phone number"),
    "account": N_("a bank account or card number"),
    "secret": N_("private details from the story (ID, code, password or account)"),
}
_CHECK_TEXT = {
    "long_enough": (N_("At least {n} characters"),
                    N_("Length is what makes a password hard to guess. When the password is the only "
                       "protection, use at least {n} characters: a short sentence of 4–5 ordinary words is easy "
                       "to remember.")),
    "not_common": (N_("Not a common or easily guessed password"),
                   N_("Attackers try lists of common passwords, words, phrases, names and years first. Swapping "
                      "letters for digits (0 for o, @ for a) or adding 123 at the end does not help. This exercise "
                      "estimates how guessable the passphrase is; it does not look it up in real breach lists.")),
    "not_pattern": (N_("No repeated or sequential characters"),
                    N_("Runs like 1234567 or aaaaaa, or one piece repeated, are among the first guesses.")),
    "not_personal": (N_("No name, birth year or phone number"),
                     N_("Your name, birth year, phone number or village are easy to find out about you.")),
}


def password_checks(result: Mapping[str, Any], min_length: int, locale: str) -> list[dict[str, Any]]:
    """The checker's findings as labelled lines for display (public: the checker is a tool, not a key)."""
    checks = result.get("checks", {})
    return [{"id": c, "ok": bool(checks.get(c)), "label": gettext(_CHECK_TEXT[c][0], locale).format(n=min_length)}
            for c in CHECKS]


def step_feedback(scenario: PhoneScenario, key: PhoneKey, item: ItemScore, locale: str) -> dict[str, Any]:
    """Feedback for one answered step: the verdict, why each option is right or wrong, the rule."""
    step = scenario.step(item.item_id)
    step_key = key.steps[item.item_id]
    details = item.details
    lines: list[dict[str, str]] = []
    labels = {o.id: o.label.get(locale) for o in step.action.options}
    if item.outcome != "unanswered":
        if step.action.kind == "choose":
            chosen = details["given"][0]
            lines.append({"status": "hit" if chosen in step_key.correct else "wrong", "label": labels[chosen],
                          "explain": step_key.options[chosen].get(locale)})
            for right in step_key.correct:
                if right != chosen:
                    lines.append({"status": "right", "label": labels[right],
                                  "explain": step_key.options[right].get(locale)})
        elif step.action.kind == "select":
            for o in step.action.options:
                status = ("hit" if o.id in details["hit"] else "missed" if o.id in details["missed"]
                          else "wrong" if o.id in details["wrong"] else "ok")
                lines.append({"status": status, "label": labels[o.id], "explain": step_key.options[o.id].get(locale)})
        elif step.action.kind == "type":
            for leak in details["leaks"]:
                lines.append({"status": "wrong", "label": gettext(_LEAKS.get(leak, _LEAKS["secret"]), locale),
                              "explain": ""})
        elif step.action.kind == "password":
            n = step.action.min_length
            for c in CHECKS:
                ok = details["checks"][c]
                lines.append({"status": "hit" if ok else "wrong",
                              "label": gettext(_CHECK_TEXT[c][0], locale).format(n=n),
                              "explain": gettext(_CHECK_TEXT[c][1], locale).format(n=n)})
    return {
        "outcome": item.outcome,
        "correct": item.outcome == "correct",
        "headline": gettext(_HEADLINES[item.outcome], locale),
        "lines": lines,
        "explain": step_key.explain.get(locale),
        "points": item.points,
        "max_points": item.max_points,
    }


def phone_feedback(scenario: PhoneScenario, key: PhoneKey, result: Score, locale: str) -> list[dict[str, Any]]:
    """`step_feedback` for every step of a scored scenario, in story order."""
    return [step_feedback(scenario, key, item, locale) for item in result.items]
