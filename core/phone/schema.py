"""What a teacher writes for a phone scenario: one file (content/scenarios/ID.yaml) of story steps.

Each step shows one screen (an app, a title, blocks of content) and one action for the learner; under
`key`, the right answer and why. Texts are `Text`: vi and en, or one plain string for names and numbers.
"""
from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._common import SLUG, LocalText, Text

Action = Literal["choose", "select", "type", "amount", "password"]
"""What the learner does on a screen (how each is scored: see `score.py`)."""
ACTIONS: tuple[str, ...] = get_args(Action)
App = Literal["bank", "chat", "ai", "video", "browser", "sms", "settings", "camera"]
"""Which app a screen shows; phone.js draws its frame."""
APPS: tuple[str, ...] = get_args(App)
BlockType = Literal["text", "row", "bubble", "qr", "video", "notice", "heading", "receipt"]
"""How phone.js draws a block."""

PASSWORD_MIN_LENGTH = 15
"""NIST SP 800-63B rev. 4: at least 15 characters when a password is the only factor."""

_BLOCK_NEEDS: dict[str, tuple[str, ...]] = {
    "text": ("text",), "row": ("label", "value"), "bubble": ("who", "text"), "qr": ("label",), "video": ("name",),
    "notice": ("text",), "heading": ("text",), "receipt": ("label", "value")}
"""The fields each block type must give."""


class Block(BaseModel):
    """One element of a screen, drawn by phone.js according to `type`."""

    model_config = ConfigDict(extra="forbid")
    type: BlockType = Field(description="text, row (label: value), bubble (a chat message), qr, video, notice, "
                            "heading or receipt.")
    text: Text | None = Field(default=None, description="The text of a text, bubble, notice or heading block; "
                              "what a video shows, in words.")
    label: Text | None = Field(default=None, description="The label of a row, qr or receipt block.")
    value: Text | None = Field(default=None, description="The value of a row or receipt block.")
    who: Literal["them", "me", "bot"] | None = Field(default=None, description="Who writes a bubble.")
    name: Text | None = Field(default=None, description="The sender of a bubble, or the person in a video.")
    tone: Literal["info", "ok", "warn", "alert"] = Field(default="info", description="The colour of a notice.")
    emphasis: bool = Field(default=False, description="Drawn in bold (the detail to notice).")

    @model_validator(mode="after")
    def _fields_for_type(self) -> Block:
        for name in _BLOCK_NEEDS[self.type]:
            if getattr(self, name) is None:
                raise ValueError(f"a {self.type!r} block needs {name!r}")
        return self


class Screen(BaseModel):
    """What the phone shows at one step."""

    model_config = ConfigDict(extra="forbid")
    app: App = Field(description="Which app is open.")
    title: Text = Field(description="The app's title bar.")
    address: str | None = Field(default=None, max_length=120, description="A browser's address bar, a caller's "
                                "name or number; shown as plain text.")
    blocks: list[Block] = Field(min_length=1, description="The screen's content, top to bottom.")


class OptionDef(BaseModel):
    """One option of a choose or select action."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The option id key.correct and key.options name.")
    label: Text = Field(description="The option's text.")


class ActionDef(BaseModel):
    """What the learner does on this screen (public)."""

    model_config = ConfigDict(extra="forbid")
    kind: Action = Field(description="choose one option, select several, type into a chat box, enter an amount, "
                         "or make up a password.")
    prompt: Text = Field(description="The question or instruction.")
    options: list[OptionDef] = Field(default=[], description="choose/select: the options (at least 2).")
    placeholder: Text | None = Field(default=None, description="type/amount/password: the box's placeholder.")
    reply: Text | None = Field(default=None, description="type: the chat's scripted reply once the learner sends.")
    today_sent: int = Field(default=0, ge=0, description="amount: VND already sent today, for the bank's "
                            "face-check rule.")
    personal: list[str] = Field(default=[], description="password: the learner's own details (name, birth year, "
                                "phone) a passphrase must not contain.")
    min_length: int = Field(default=PASSWORD_MIN_LENGTH, ge=8, le=64,
                            description="password: the shortest passphrase accepted, in characters.")

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
    correct: list[str] = Field(default=[], description="choose/select: the right option id(s).")
    options: dict[str, Text] = Field(default={}, description="choose/select: why each option is right or wrong "
                                     "(every option).")
    explain: Text = Field(description="The lesson of the step, shown after answering.")
    flag: Text | None = Field(default=None, description="choose/select: the red flag the step is about, in a few "
                              "words (shown after answering). The right option must not name it: a test checks "
                              "that no right option's label carries its words.")
    secrets: list[str] = Field(default=[], description="type: the story's private details (ID, code, password, "
                               "account) that must not be typed into the chat.")
    min_length: int = Field(default=5, ge=1, description="type: the fewest characters of a real question.")
    expected: int | None = Field(default=None, gt=0, description="amount: the right amount, in VND.")


class StepDef(BaseModel):
    """One step of the story: a screen, an action and its key."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The step id, unique in its scenario.")
    competences: list[str] = Field(min_length=1, description="Circular 02/2025 competence codes it trains.")
    form: str | None = Field(default=None, description="The form of fraud it illustrates (fraud_forms.yaml id), "
                             "if any.")
    points: float = Field(default=2, gt=0, description="Points for a right answer.")
    screen: Screen = Field(description="What the phone shows.")
    action: ActionDef = Field(description="What the learner does.")
    key: KeyDef = Field(description="The right answer (private: never sent to a browser).")

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
    """One scenario file (content/scenarios/ID.yaml)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="The scenario id; must equal the file name.")
    title: LocalText = Field(description="The lesson's title.")
    intro: LocalText = Field(description="The story's opening: who, where, what happens.")
    steps: list[StepDef] = Field(min_length=1, description="The steps, in story order.")

    @field_validator("steps")
    @classmethod
    def _unique(cls, value: list[StepDef]) -> list[StepDef]:
        ids = [s.id for s in value]
        if len(set(ids)) != len(ids):
            raise ValueError("a step id is used twice")
        return value
