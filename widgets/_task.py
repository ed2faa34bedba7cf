"""TaskWidget: what every hocvuso task widget shares, so each widget module holds only its own rules.

A task widget shows one scenario, keeps the learner's answers in Python, saves each accepted action
as a Submission and, in lesson mode only, scores it with the exercise's pure scoring function. The
shared rules live here once:

* Python owns the state, the browser only reports actions. A tampered front end can send a state
  update for any synced trait (widget messages are allowed even in Voilà): updates to the traits
  only Python may write are dropped, and Python itself writes them only inside `self._writing()`.
* Every message from the front end is untrusted input: it goes to a named handler or is refused
  with a localised `status`, and nothing it sends can raise into the learner's kernel.
* The answer key never reaches synced state, and in contest mode it is dropped right after loading.
* Earlier answers come back after a reload only when the store can tell whose they are.

It also assembles each widget's front end: anywidget 0.11 loads one ES module and one style sheet per
widget, so the helpers in `common.js` and the look in `common.css` are put in front of the widget's
own file when the module is imported.
"""
from __future__ import annotations

import copy
import logging
import os
from pathlib import Path
from typing import Any, Callable, ClassVar, Mapping, Sequence

import anywidget
import traitlets as t

from hocvuso.classroom import read_lesson
from hocvuso.core import (
    LOCALES,
    N_,
    AnswersInvalid,
    ExerciseKind,
    FileStore,
    GradingError,
    Learner,
    NotSignedIn,
    Score,
    StoreError,
    Submission,
    SubmissionError,
    SubmissionStore,
    check_locale,
    check_task_id,
    current_learner,
    default_store,
    get_locale,
    normalize_text,
    page_locale,
    translator,
)
from hocvuso.notebooks import find_lesson

_HERE = Path(__file__).parent

MODES = ("lesson", "contest")

# Learner-facing texts every widget uses (msgids; Vietnamese in widgets.po).
NOT_UNDERSTOOD = N_("The app sent an action that was not understood. Reload the page if this keeps happening.")
SAVED_LESSON = N_("Answer saved. Read the explanation below.")
SAVED_CONTEST = N_("Answer saved. You can still change it before the end.")
SIGN_IN_AGAIN = N_("Not saved: you are not signed in to this class. Open the class page again and sign in.")


def shared_strings(locale: str) -> dict[str, str]:
    """Labels of the parts every widget's front end shares (common.js: read aloud), in `locale`."""
    _ = translator(locale)
    return {
        "read_aloud": _("Read aloud"),
        "read_stop": _("Stop reading"),
        "read_slow": _("Slower"),
        "no_voice": _("This device has no voice for reading aloud in this language."),
        # the result screen (common.js lessonResult)
        "res_title": _("Your result"),
        "res_total": _("Your score: {points} of {max}"),
        "res_good": _("What went well"),
        "res_review": _("What to look at again"),
        "res_reopen": _("Open step {n} again"),
        "res_next": _("Next lesson: {title}"),
        "res_saved": _("Your work is saved."),
        "res_teacher": _("Your work is saved. Your teacher will see the result."),
    }


def next_lesson_link(name: str | None, locale: str) -> dict[str, str] | None:
    """The result screen's link to the next lesson `name` (a bundled lesson's folder): its title in `locale`
    and its address relative to this lesson's page (served lessons sit side by side: voila/render/NAME/NAME.ipynb)."""
    if not name:
        return None
    lesson = read_lesson(find_lesson(name))
    return {"name": lesson.name, "title": lesson.title.get(locale, lesson.name),
            "href": f"../{lesson.relpath}?lang={locale}"}


def front_end(name: str, *, common_css: bool = True) -> tuple[str, str]:
    """The ES module and style sheet of widget `name`, each with the shared part in front.

    A widget's own `<name>.js` uses the helpers of `common.js` without importing them: anywidget
    loads one module from a Blob URL, which cannot import a sibling file.
    """
    esm = (_HERE / "common.js").read_text(encoding="utf-8") + (_HERE / f"{name}.js").read_text(encoding="utf-8")
    css = (_HERE / f"{name}.css").read_text(encoding="utf-8")
    if common_css:
        css = (_HERE / "common.css").read_text(encoding="utf-8") + css
    return esm, css


class Refused(AnswersInvalid):
    """An action the widget refuses; carries the learner-facing reason (an English msgid) and its values."""

    def __init__(self, message: str, learner_text: str, **params: Any) -> None:
        super().__init__(message)
        self.learner_text = learner_text
        self.params = params


class TaskWidget(anywidget.AnyWidget):
    """Base of the task widgets: scenario and key, store and learner, saving, restoring, status, dispatch.

    A subclass declares its other synced traits (`view`, `answers`, `feedback`, `status` and its own),
    fills in the class attributes below, and implements `_render_locale` and `_restore_answers`.
    """

    _kind: ClassVar[ExerciseKind]
    """The exercise kind (hocvuso.core.kinds): its loader, the answers check and the scoring function the
    grader applies too, and the kind id its Submissions carry."""
    _id_name: ClassVar[str] = "scenario_id"
    """Name of the constructor's first argument, for error messages."""
    _python_owned: ClassVar[frozenset[str]] = frozenset(
        {"view", "strings", "locale", "mode", "answers", "feedback", "status"})
    """Synced traits only Python writes; a browser update to them is a tampered client and is ignored.
    (`locale` changes go through the "locale" action, so they are validated like every other action.)"""
    _cleared: ClassVar[tuple[str, ...]] = ("feedback", "status")
    """Dict traits emptied when the widget is made, in this order, after `mode` and `answers`."""
    _answered_in: ClassVar[str | None] = None
    """Key of `answers` whose ids are the only ones `feedback` may speak of (None: no such rule)."""
    _actions: ClassVar[Mapping[str, Callable[[Any, dict[str, Any]], Any]]] = {}
    """Front-end action name -> handler(widget, message); "locale" is handled here for every widget."""
    _not_saved: ClassVar[str] = N_("Your answer could not be saved. Please tell your teacher.")
    """msgid of the status shown when the store refused a save."""
    _status_keeps_params: ClassVar[bool] = False
    """Whether `status` also syncs the values filled into its text (as "params"), so that a locale
    switch can fill them into the other language's text; off, `status` is just {level, text, msgid}."""
    _fresh_for_voila_visitors: ClassVar[bool] = True
    """Whether an anonymous Voilà visitor starts fresh instead of restoring from the notebook's file."""

    strings = t.Dict(read_only=True,
                     help="Localised UI labels, so the front end has no hard-coded text.").tag(sync=True)
    locale = t.Unicode("vi", help="Language of view, strings, feedback and status: 'vi' or 'en'.").tag(sync=True)
    mode = t.Unicode("lesson", read_only=True, help="'lesson' (feedback after each answer) or 'contest' "
                     "(no feedback, answers may change).").tag(sync=True)

    _python_writing: bool = False

    def __init__(self, scenario_id: str, *, task_id: str, mode: str, locale: str | None,
                 store: SubmissionStore | None, learner: Learner | None, scenario: Any = None,
                 **kwargs: Any) -> None:
        if mode not in MODES:
            msg = f"mode must be one of {MODES}, got {mode!r}"
            raise ValueError(msg)
        self._task_id = check_task_id(task_id)
        self._scenario_id = scenario_id
        if scenario is not None:
            # A scenario built elsewhere (a contest variant, hocvuso.contest): public data only, no key.
            if mode != "contest" or scenario.id != scenario_id:
                raise ValueError("a scenario passed directly is a contest variant: use mode='contest' and "
                                 f"{self._id_name}=scenario.id")
            key = None
        else:
            scenario, key = self._kind.load(scenario_id)
        self._scenario = scenario
        # Contest mode: the key must not live in this process's widget at all.
        self._key = key if mode == "lesson" else None
        self._prepare(key)
        del key
        self._store: SubmissionStore = store if store is not None else default_store()
        # In a classroom kernel (`hocvuso serve`) the signed-in learner owns the answers by default.
        self._learner = learner if learner is not None else current_learner()
        self._python_writing = False
        super().__init__(**kwargs)
        chosen = check_locale(locale or page_locale() or get_locale())
        with self.hold_sync(), self._writing():
            self.set_trait("mode", mode)
            self.set_trait("answers", self._empty_answers())
            for name in self._cleared:
                self.set_trait(name, {})
            if self.locale == chosen:
                self._render_locale()
            else:
                self.locale = chosen  # the observer renders everything language-dependent
            self._restore()
        self.on_msg(self._on_front_end_msg)

    # ---------------------------------------------------------------- public API

    @property
    def task_id(self) -> str:
        """The task id under which answers are saved."""
        return self._task_id

    @property
    def submission(self) -> Submission:
        """The current answers as a Submission (what the store receives)."""
        return Submission(task_id=self._task_id, kind=self._kind.id, scenario_id=self._scenario_id,
                          answers=copy.deepcopy(dict(self.answers)), learner=self._learner)

    def score(self) -> Score:
        """Score of the current answers (lesson mode only: a contest widget holds no key)."""
        return self._kind.score(self._scenario, self._lesson_key(), self.answers)

    # ---------------------------------------------------------------- what each widget fills in

    def _prepare(self, key: Any) -> None:
        """Derive the widget's own data from `self._scenario` before any trait is set.

        `key` is the answer key even in contest mode, where it is dropped right after this call: keep
        from it only what protects the learner (e.g. secrets to mask in stored text), never an answer.
        """

    def _empty_answers(self) -> dict[str, Any]:
        """The answers of a learner who has done nothing yet."""
        raise NotImplementedError

    def _render_locale(self) -> None:
        """Re-draw everything language-dependent (caller holds sync and the write flag)."""
        raise NotImplementedError

    def _restore_answers(self, parsed: Any) -> None:
        """Show earlier answers (already checked by the kind's `parse_answers`) again; caller holds the write flag."""
        raise NotImplementedError

    # ---------------------------------------------------------------- validators and observers

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from the browser, ignoring traits that only Python may write."""
        tampered = sorted(set(sync_data) & self._python_owned)
        if tampered:
            self._logger.warning("%s: ignored a front-end update of Python-owned trait(s) %s",
                                 type(self).__name__, tampered)
            sync_data = {k: v for k, v in sync_data.items() if k not in self._python_owned}
            self._set_status("error", NOT_UNDERSTOOD)
        if sync_data:
            super().set_state(sync_data)

    def _writing(self) -> _PythonWrites:
        return _PythonWrites(self)

    def _check_python_owned(self, proposal: Any) -> Any:
        if not self._python_writing:
            msg = f"{proposal['trait'].name} is computed by the widget; report learner actions by message instead"
            raise t.TraitError(msg)
        return proposal["value"]

    @t.validate("locale")
    def _validate_locale(self, proposal: Any) -> str:
        if proposal["value"] not in LOCALES:
            msg = f"unknown locale {proposal['value']!r}; choose one of {', '.join(LOCALES)}"
            raise t.TraitError(msg)
        return proposal["value"]

    @t.validate("mode")
    def _validate_mode(self, proposal: Any) -> str:
        if not self._python_writing or proposal["value"] not in MODES:
            msg = f"mode is fixed when the widget is made ({', '.join(MODES)})"
            raise t.TraitError(msg)
        return proposal["value"]

    @t.validate("view", "status")
    def _validate_python_owned(self, proposal: Any) -> Any:
        return self._check_python_owned(proposal)

    @t.validate("strings")
    def _validate_strings(self, proposal: Any) -> dict[str, str]:
        """Each widget sends its own labels; the shared parts' labels are added here, once for all."""
        return {**shared_strings(self.locale), **self._check_python_owned(proposal)}

    @t.validate("answers")
    def _validate_answers(self, proposal: Any) -> dict[str, Any]:
        value = self._check_python_owned(proposal)
        if value:  # the same shape check the grader applies
            self._kind.parse_answers(self._scenario, value)
        return value

    @t.validate("feedback")
    def _validate_feedback(self, proposal: Any) -> dict[str, Any]:
        value = self._check_python_owned(proposal)
        if value and self._key is None:
            msg = "contest mode shows no feedback"
            raise t.TraitError(msg)
        if self._answered_in and set(value) - set(self.answers.get(self._answered_in, {})):
            msg = f"feedback may only be given for answered {self._answered_in}"
            raise t.TraitError(msg)
        return value

    @t.observe("locale")
    def _on_locale_change(self, change: Any) -> None:
        with self.hold_sync(), self._writing():
            self._render_locale()
            if self.status.get("msgid"):
                self._set_status(self.status["level"], self.status["msgid"], **self.status.get("params", {}))

    # ---------------------------------------------------------------- front end

    def _on_front_end_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        """Handle one raw action from the front end. Untrusted: never raises into the kernel."""
        if isinstance(content, dict) and str(content.get("kind", "")).startswith("anywidget"):
            return  # anywidget's own command channel, handled by anywidget
        name = type(self).__name__
        try:
            if not isinstance(content, dict):
                raise Refused(f"front-end message must be an object, got {type(content).__name__}", NOT_UNDERSTOOD)
            action = content.get("action")
            if action == "locale":
                if content.get("locale") not in LOCALES:
                    raise Refused(f"unknown locale {content.get('locale')!r}", NOT_UNDERSTOOD)
                self.locale = content["locale"]
                return
            handler = self._actions.get(action) if isinstance(action, str) else None
            if handler is None:
                raise Refused(f"unknown front-end action {action!r}", NOT_UNDERSTOOD)
            handler(self, content)
        except Refused as exc:
            self._logger.info("%s refused a front-end action: %s", name, exc)
            self._set_status("error", exc.learner_text, **exc.params)
        except (SubmissionError, StoreError, t.TraitError, ValueError, TypeError, KeyError) as exc:
            # StoreError already set the status in _save; the others are malformed input.
            self._logger.warning("%s: front-end action failed: %s", name, exc)
            if not isinstance(exc, StoreError):
                self._set_status("error", NOT_UNDERSTOOD)
        except Exception:  # a bug must not take the learner's kernel down; it is logged for us
            self._logger.exception("%s: unexpected error while handling a front-end action", name)
            self._set_status("error", NOT_UNDERSTOOD)

    # ---------------------------------------------------------------- helpers

    def _lesson_key(self) -> Any:
        """The answer key; GradingError in contest mode, where the widget holds none."""
        if self._key is None:
            msg = ("contest mode: this widget holds no answer key, so it cannot score; grade the saved "
                   "submission with hocvuso.grader instead")
            raise GradingError(msg)
        return self._key

    def _known_id(self, value: Any, known: Sequence[str], what: str, learner_text: str, *,
                  not_text: str | None = None) -> str:
        """`value` (NFC) if it is one of the scenario's `known` item ids, else Refused with `learner_text`
        (`not_text` instead when `value` is not text at all, if given)."""
        clean = normalize_text(value) if isinstance(value, str) else None
        if clean is None or clean not in known:
            msg = f"{self._kind.id} {self._scenario_id!r} has no {what} {value!r}; its {what}s are {list(known)}"
            raise Refused(msg, learner_text if isinstance(value, str) or not_text is None else not_text)
        return clean

    @property
    def _logger(self) -> logging.Logger:
        """The widget module's logger, so log lines name the widget's own module."""
        return logging.getLogger(type(self).__module__)

    def _set_status(self, level: str, msgid: str, *, raw: bool = False, **params: Any) -> None:
        """Say `msgid` (translated, its {names} filled from `params`; already text if `raw`) to the learner."""
        text = msgid if raw else translator(self.locale)(msgid)
        if params:
            text = text.format(**params)
        status: dict[str, Any] = {"level": level, "text": text, "msgid": "" if raw else msgid}
        if self._status_keeps_params:
            status["params"] = {k: str(v) for k, v in params.items()}
        with self._writing():
            self.set_trait("status", status)

    def _save(self, ok_msgid: str = "") -> None:
        """Save the current answers; then say `ok_msgid`, if given.

        Raises StoreError after telling the learner; the answers stay and go with the next save.
        """
        sub = self.submission
        try:
            self._store.save(sub)
        except NotSignedIn:
            self._set_status("error", SIGN_IN_AGAIN)
            raise
        except StoreError:
            self._logger.exception("%s: saving task %r failed", type(self).__name__, self._task_id)
            self._set_status("error", self._not_saved)
            raise
        if ok_msgid:
            self._set_status("ok", ok_msgid)

    def _restore(self) -> None:
        """Bring back earlier answers after a reload, when the store can tell whose they are.

        That is a named learner, or the file beside a single-user notebook (JupyterLab). An anonymous
        visitor of a page that Voilà serves to many people starts fresh rather than see (and be
        locked out by) someone else's answers.
        """
        if self._learner is None and (not isinstance(self._store, FileStore)
                                      or (self._fresh_for_voila_visitors and _served_by_voila())):
            return
        try:
            earlier = self._store.load(self._task_id, learner=self._learner)
            if earlier.kind != self._kind.id or earlier.scenario_id != self._scenario_id:
                return
            parsed = self._kind.parse_answers(self._scenario, earlier.answers)
        except (SubmissionError, StoreError) as exc:
            self._logger.info("%s: nothing to restore for %r (%s)", type(self).__name__, self._task_id, exc)
            return
        self._restore_answers(parsed)


class _PythonWrites:
    """Context manager: the Python-owned traits may be written while it is open (re-entrant)."""

    def __init__(self, widget: TaskWidget) -> None:
        self._widget = widget
        self._before = False

    def __enter__(self) -> None:
        self._before = self._widget._python_writing
        self._widget._python_writing = True

    def __exit__(self, *exc: object) -> None:
        self._widget._python_writing = self._before


def _served_by_voila() -> bool:
    """True in a kernel Voilà started for a visitor (it sets VOILA_PREHEAT in every kernel's env)."""
    return "VOILA_PREHEAT" in os.environ or "VOILA_KERNEL_ID" in os.environ
