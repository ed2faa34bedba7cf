"""The exercise kinds, each registered once: the one road from a kind or a scenario to its rules.

Every part of hocvuso that meets an exercise — the lesson widgets, the grade cells, the judge, the
teacher dashboard — finds what to do with it here, never by probing folders, testing attributes or
keeping its own table. A kind is one frozen `ExerciseKind` record: its id, the content folder of its
scenario files, and its loader, answers check, pure scoring function and feedback.

Stable API (other packages rely on these names):

* `ExerciseKind`                  the record of one kind (see its fields)
* `kind(kind_id)`                 the record of kind "inbox", "phone", "feed" or "dossier"; GradingError if unknown
* `kind_of(scenario)`             the record of a loaded scenario (by its type); GradingError if none
* `all_kinds()`                   every record, in a fixed order
* `find_kind(scenario_id)`        the kind whose content folder holds `scenario_id`; ContentError if none
* `load_exercise(scenario_id)`    (scenario, key) of a bundled scenario, whatever its kind
* `score(scenario, key, answers)` the one scoring truth: `kind_of(scenario).score(...)`

`ExerciseKind.label` names a scored item for a teacher ("Giấy chứng sinh", "1. Sen Vàng · Chuyển tiền"),
never its raw id ("document:giay-chung-sinh", "ten-nguoi-nhan").

`ExerciseKind.score` refuses a key that belongs to another scenario, so a learner, a teacher and a
judge always see the same number for the same answers.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._content import content_root
from ._errors import ContentError, GradingError
from ._score import ItemScore, Score
from .dossier import DossierScenario, dossier_feedback, dossier_item_label, load_dossier, score_dossier
from .dossier import parse_answers as parse_dossier_answers
from .feed import FeedScenario, load_feed, post_feedback, score_feed
from .feed import parse_answers as parse_feed_answers
from .inbox import InboxScenario, load_inbox, message_feedback, score_inbox
from .inbox import parse_answers as parse_inbox_answers
from .phone import PhoneScenario, load_phone, score_phone, step_feedback
from .phone import parse_answers as parse_phone_answers

Feedback = Callable[[Any, Any, Score, str], list[dict[str, Any]]]


@dataclass(frozen=True, kw_only=True)
class ExerciseKind:
    """One exercise kind: where its scenarios live and the pure functions that load, check and score them."""

    id: str
    """The kind's id: a scenario's `kind`, a Submission's `kind` and a Score's `kind` all carry it."""
    folder: str
    """The content folder (under hocvuso/content) that holds one YAML file per scenario of this kind."""
    scenario_type: type[Any]
    """The class of a loaded public scenario of this kind (how `kind_of` tells kinds apart)."""
    loader: Callable[..., tuple[Any, Any]]
    """scenario id (and keyword `root`, another content folder) -> (public scenario, private key)."""
    parse_answers: Callable[[Any, Mapping[str, Any]], Any]
    """(scenario, answers) -> the checked answers; AnswersInvalid says what does not fit."""
    scorer: Callable[[Any, Any, Mapping[str, Any]], Score]
    """The pure scoring function: (scenario, key, answers) -> Score. Call it through `score`."""
    feedback: Feedback
    """(scenario, key, score, locale) -> one dict per scored item, for lesson mode (never in a contest)."""
    item_competences: Callable[[Any], Mapping[str, tuple[str, ...]]]
    """scenario -> competence codes per item id; the key "" holds codes that apply to the whole scenario."""
    label: Callable[[Any, str, str], str]
    """(scenario, item id, locale) -> the item's human label for a teacher's table, chart or export; the item id
    itself when the scenario has no such item (an old submission)."""

    def path(self, scenario_id: str, *, root: Path | None = None) -> Path:
        """Where the content file of `scenario_id` would be."""
        return (root or content_root()) / self.folder / f"{scenario_id}.yaml"

    def holds(self, scenario_id: str, *, root: Path | None = None) -> bool:
        """Whether this kind's content folder has a file for `scenario_id`."""
        return self.path(scenario_id, root=root).is_file()

    def load(self, scenario_id: str, *, root: Path | None = None) -> tuple[Any, Any]:
        """(public scenario, private key) of `scenario_id`; ContentError if it is missing or invalid."""
        return self.loader(scenario_id, root=root)

    def score(self, scenario: Any, key: Any, answers: Mapping[str, Any]) -> Score:
        """Score `answers` to `scenario` against `key`; GradingError if either is not of this kind or they differ."""
        if not isinstance(scenario, self.scenario_type):
            msg = f"a {type(scenario).__name__} is not a scenario of kind {self.id!r}"
            raise GradingError(msg)
        if getattr(key, "scenario_id", None) != scenario.id:
            msg = f"key for {getattr(key, 'scenario_id', None)!r} does not belong to scenario {scenario.id!r}"
            raise GradingError(msg)
        return self.scorer(scenario, key, answers)


def _each_item(feedback: Callable[[Any, Any, ItemScore, str], dict[str, Any]]) -> Feedback:
    """A kind's feedback made of one entry per scored item (a message, a step, a post), in scored order."""
    return lambda scenario, key, result, locale: [feedback(scenario, key, item, locale) for item in result.items]


def _per_item(items: str) -> Callable[[Any], Mapping[str, tuple[str, ...]]]:
    """Competences of a scenario whose items (messages, posts) each name their own codes."""
    return lambda scenario: {item.id: tuple(item.competences) for item in getattr(scenario, items)}


def _numbered(items: str, name: Callable[[Any, str], str]) -> Callable[[Any, str, str], str]:
    """The label of an item (message, step, post) as the learner's result screen numbers it: "2. DICHVUCONG"."""
    def label(scenario: Any, item_id: str, locale: str) -> str:
        for n, item in enumerate(getattr(scenario, items), start=1):
            if item.id == item_id:
                return f"{n}. {name(item, locale)}"
        return item_id
    return label


def _whole(scenario: Any) -> Mapping[str, tuple[str, ...]]:
    """Competences of a scenario that names its codes once for all its items."""
    return {"": tuple(scenario.competences)}


_KINDS: dict[str, ExerciseKind] = {k.id: k for k in (
    ExerciseKind(id="inbox", folder="inboxes", scenario_type=InboxScenario, loader=load_inbox,
                 parse_answers=parse_inbox_answers, scorer=score_inbox, feedback=_each_item(message_feedback),
                 item_competences=_per_item("messages"),
                 label=_numbered("messages", lambda m, locale: m.sender.name.get(locale))),
    ExerciseKind(id="dossier", folder="dossier_tasks", scenario_type=DossierScenario, loader=load_dossier,
                 parse_answers=parse_dossier_answers, scorer=score_dossier, feedback=dossier_feedback,
                 item_competences=_whole, label=dossier_item_label),
    ExerciseKind(id="phone", folder="scenarios", scenario_type=PhoneScenario, loader=load_phone,
                 parse_answers=parse_phone_answers, scorer=score_phone, feedback=_each_item(step_feedback),
                 item_competences=_whole, label=_numbered("steps", lambda s, locale: s.screen.title.get(locale))),
    ExerciseKind(id="feed", folder="feeds", scenario_type=FeedScenario, loader=load_feed,
                 parse_answers=parse_feed_answers, scorer=score_feed, feedback=_each_item(post_feedback),
                 item_competences=_per_item("posts"),
                 label=_numbered("posts", lambda p, locale: p.author.name.get(locale))),
)}


def kind(kind_id: str) -> ExerciseKind:
    """The record of kind `kind_id`; GradingError naming the known kinds if there is none."""
    try:
        return _KINDS[kind_id]
    except (KeyError, TypeError):
        msg = f"no exercise kind {kind_id!r}; known kinds: {sorted(_KINDS)}"
        raise GradingError(msg) from None


def kind_of(scenario: Any) -> ExerciseKind:
    """The record of the kind `scenario` (a loaded public scenario) belongs to."""
    for k in _KINDS.values():
        if isinstance(scenario, k.scenario_type):
            return k
    msg = f"a {type(scenario).__name__} is not a scenario of any exercise kind; known kinds: {sorted(_KINDS)}"
    raise GradingError(msg)


def all_kinds() -> tuple[ExerciseKind, ...]:
    """Every registered kind, in a fixed order."""
    return tuple(_KINDS.values())


def find_kind(scenario_id: str, *, root: Path | None = None) -> ExerciseKind:
    """The kind whose content folder holds `scenario_id`; ContentError naming the folders looked in if none."""
    for k in _KINDS.values():
        if k.holds(scenario_id, root=root):
            return k
    folders = ", ".join(f"{k.folder}/" for k in _KINDS.values())
    raise ContentError(f"no scenario {scenario_id!r} among the bundled content (looked in {folders})",
                       path=root or content_root())


def load_exercise(scenario_id: str, *, root: Path | None = None) -> tuple[Any, Any]:
    """(public scenario, private key) of `scenario_id`, whatever its kind."""
    return find_kind(scenario_id, root=root).load(scenario_id, root=root)


def score(scenario: Any, key: Any, answers: Mapping[str, Any]) -> Score:
    """Score `answers` to `scenario` against `key` with the scoring function of the scenario's kind."""
    return kind_of(scenario).score(scenario, key, answers)


__all__ = ["ExerciseKind", "all_kinds", "find_kind", "kind", "kind_of", "load_exercise", "score"]
