"""ScamInbox: a phone inbox in which the learner tells scams from genuine messages.

Python owns the rules and the state; `inbox.js` only draws what the synced traits say and reports
raw learner actions back as custom messages (`{"action": "answer" | "inspect" | "locale", ...}`).

What this module must never do:

* put a right answer into synced state before the learner has answered that message — the browser
  is the learner's, and anything synced can be read in the developer tools. `view` is the public
  scenario, `inspections` holds only links the learner asked about, `feedback` only answered
  messages, and only in lesson mode;
* keep the answer key at all in contest mode (it is dropped right after loading);
* trust the front end: every message and every trait update that comes from the browser is
  untrusted input. It is validated here; a bad one is refused with a localised `status`, never a
  crash of the kernel;
* grade from its live state at grading time: every accepted action is persisted as a Submission
  through a SubmissionStore, and grading reads that.
"""
from __future__ import annotations

import copy
import logging
import os
from pathlib import Path
from typing import Any, Literal, Sequence

import anywidget
import traitlets as t

from ._task import PythonOwnedState
from hocvuso.core import (AnswersInvalid, InboxScenario, current_learner, FileStore, GradingError, Learner, Score, StoreError, Submission,
                          SubmissionError, SubmissionStore, default_store, describe_link, get_locale,
                          load_inbox, message_feedback, normalize_text, score_inbox, translator)
from hocvuso.core._i18n import LOCALES, check_locale
from hocvuso.core._inbox import KIND, VERDICTS, parse_answers
from hocvuso.core._submission import check_task_id

_HERE = Path(__file__).parent
_log = logging.getLogger(__name__)

MODES = ("lesson", "contest")
_PYTHON_OWNED = frozenset({"view", "strings", "locale", "mode", "answers", "inspections", "feedback", "status"})
"""Synced traits only Python writes. The front end reports actions by message; a state update to
these from the browser is a tampered client and is ignored."""


class _Refused(AnswersInvalid):
    """An action the widget refuses; carries the learner-facing reason (an English msgid)."""

    def __init__(self, message: str, learner_text: str) -> None:
        super().__init__(message)
        self.learner_text = learner_text


# Learner-facing reasons, translated at display time (msgids; Vietnamese in widgets.po).
_NOT_UNDERSTOOD = "The app sent an action that was not understood. Reload the page if this keeps happening."
_UNKNOWN_MESSAGE = "This message is not in the inbox."
_UNKNOWN_LINK = "This link does not exist."
_BAD_VERDICT = "Choose Scam or Safe first."
_UNKNOWN_FLAG = "One of the red flags you ticked is not in the list."
_ALREADY = "You have already answered this message; the answer cannot be changed."
_NOT_SAVED = "Your answer could not be saved. Please tell your teacher."
_SAVED_LESSON = "Answer saved. Read the explanation below."
_SAVED_CONTEST = "Answer saved. You can still change it before the end."
_INSPECTED = "The real address of the link is shown."
_RESTORED = "Your earlier answers were restored."


def _ui_strings(locale: str) -> dict[str, str]:
    """Every label the front end shows, in `locale`. The JS has no user-visible literal text."""
    _ = translator(locale)
    return {
        "app": _("Messages"),
        "inbox": _("Inbox"),
        "back": _("Back to inbox"),
        "language": _("Language"),
        "channel_sms": _("SMS"),
        "channel_zalo": _("Zalo"),
        "channel_email": _("E-mail"),
        "channel_call": _("Call"),
        "address": _("Number or address:"),
        "subject": _("Subject:"),
        "time": _("Received:"),
        "caller": _("Caller"),
        "you": _("You"),
        "link_note": _("Links in this exercise cannot be opened. Tap the button to see where a link really goes."),
        "inspect": _("Inspect link"),
        "inspect_again": _("Real address shown"),
        "real_address": _("Real address:"),
        "real_domain": _("Real domain:"),
        "gov_yes": _(".gov.vn ✓ — a Vietnamese government address"),
        "gov_no": _("Not .gov.vn — not a government website"),
        "apk": _("Warning: this link downloads an .apk app file from outside the official store."),
        "question": _("Is this message a scam or safe?"),
        "scam": _("Scam"),
        "safe": _("Safe"),
        "flags_legend": _("Which red flags do you see? Tick every one that applies."),
        "send": _("Send"),
        "send_change": _("Save my changed answer"),
        "need_verdict": _("Choose Scam or Safe, then press Send."),
        "answered": _("Answered"),
        "new": _("New"),
        "your_answer": _("Your answer:"),
        "feedback": _("Feedback"),
        "flag_hit": _("You spotted it"),
        "flag_missed": _("You missed it"),
        "flag_wrong": _("Not in this message"),
        "why": _("Why"),
        "what_to_do": _("What to do"),
        "points": _("Points: {points} of {max}"),
        "progress": _("{done} of {total} messages answered"),
        "contest_note": _("Contest: no answers are shown. You can change an answer until you hand in."),
        "no_messages": _("No messages."),
        "read_aloud": _("Read aloud"),
    }


class ScamInbox(PythonOwnedState, anywidget.AnyWidget):
    """A smartphone inbox (SMS, Zalo, e-mail, calls) in which the learner spots the scams.

    Parameters
    ----------
    inbox_id : str
        Inbox set to show (``content/inboxes/<inbox_id>.yaml``), e.g. ``"hop-thu-1"``.
    task_id : str
        nbgrader-compatible id under which the answers are saved, e.g. ``"hop-thu"``.
    mode : "lesson" | "contest"
        Lesson: each answer is final and immediately explained. Contest: no feedback at all, answers
        may be changed, and the answer key is never loaded into this widget.
    locale : str, optional
        ``"vi"`` (default) or ``"en"``; the learner can switch with the VI | EN toggle.
    store : SubmissionStore, optional
        Where answers go; default `hocvuso.core.default_store()` (the file beside the notebook,
        or the classroom database when HOCVUSO_DB is set).
    learner : Learner, optional
        Who answers; default `hocvuso.core.current_learner()` (the signed-in learner in a classroom
        served by `hocvuso serve`, None elsewhere).

    The saved answers have the inbox shape ``{"messages": {id: {"verdict", "flags"}},
    "inspected": {id: [link index, ...]}}`` (link indexes start at 0).
    """

    _python_owned = _PYTHON_OWNED
    _not_understood = _NOT_UNDERSTOOD
    _esm = _HERE / "inbox.js"
    _css = _HERE / "inbox.css"

    view = t.Dict(read_only=True, help="The public scenario in the current locale (InboxScenario.view): "
                  "messages, senders, bodies, link texts and the flag labels. Never an answer.").tag(sync=True)
    strings = t.Dict(read_only=True, help="Localised UI labels, so the front end has no hard-coded text.").tag(sync=True)
    locale = t.Unicode("vi", help="Language of view, strings, feedback and status: 'vi' or 'en'.").tag(sync=True)
    mode = t.Unicode("lesson", read_only=True, help="'lesson' (feedback after each answer) or 'contest' "
                     "(no feedback, answers may change).").tag(sync=True)
    answers = t.Dict(read_only=True, help="The learner's own answers, as saved: {'messages': {id: {verdict, "
                     "flags}}, 'inspected': {id: [index, ...]}}.").tag(sync=True)
    inspections = t.Dict(read_only=True, help="message id -> {link index (as text) -> describe_link(...)}, only "
                         "for links the learner asked to inspect.").tag(sync=True)
    feedback = t.Dict(read_only=True, help="message id -> message_feedback(...); lesson mode only, and only for "
                      "messages the learner has answered.").tag(sync=True)
    status = t.Dict(read_only=True, help="Last outcome for the learner: {'level': 'ok'|'info'|'error', 'text': "
                    "localised sentence}; empty when there is nothing to say.").tag(sync=True)

    def __init__(self, inbox_id: str, *, task_id: str, mode: Literal["lesson", "contest"] = "lesson",
                 locale: str | None = None, store: SubmissionStore | None = None,
                 learner: Learner | None = None, scenario: InboxScenario | None = None, **kwargs: Any) -> None:
        if mode not in MODES:
            msg = f"mode must be one of {MODES}, got {mode!r}"
            raise ValueError(msg)
        self._task_id = check_task_id(task_id)
        self._inbox_id = inbox_id
        if scenario is not None:
            # A scenario built elsewhere (a contest variant, hocvuso.contest): public texts only, no key.
            if mode != "contest" or scenario.id != inbox_id:
                raise ValueError("a scenario passed directly is a contest variant: use mode='contest' and "
                                 "inbox_id=scenario.id")
            key = None
        else:
            scenario, key = load_inbox(inbox_id)
        self._scenario = scenario
        # Contest mode: the key must not live in this process's widget at all.
        self._key = key if mode == "lesson" else None
        del key
        self._store: SubmissionStore = store if store is not None else default_store()
        # In a classroom kernel (`hocvuso serve`) the signed-in learner owns the answers by default.
        self._learner = learner if learner is not None else current_learner()
        self._message_ids = tuple(m.id for m in scenario.messages)
        self._flag_ids = frozenset(f.id for f in scenario.flags)
        self._python_writing = False
        super().__init__(**kwargs)
        chosen = check_locale(locale or get_locale())
        with self.hold_sync(), self._writing():
            self.set_trait("mode", mode)
            self.set_trait("answers", {"messages": {}, "inspected": {}})
            self.set_trait("inspections", {})
            self.set_trait("feedback", {})
            self.set_trait("status", {})
            if self.locale == chosen:
                self._render_locale()
            else:
                self.locale = chosen  # the observer renders view and strings
            self._restore()
        self.on_msg(self._on_front_end_msg)

    # ---------------------------------------------------------------- public API

    @property
    def task_id(self) -> str:
        """The task id under which answers are saved."""
        return self._task_id

    @property
    def inbox_id(self) -> str:
        """The inbox set shown."""
        return self._inbox_id

    @property
    def submission(self) -> Submission:
        """The current answers as a Submission (what the store receives)."""
        return Submission(task_id=self._task_id, kind=KIND, scenario_id=self._inbox_id,
                          answers=copy.deepcopy(dict(self.answers)), learner=self._learner)

    def score(self) -> Score:
        """Score of the current answers (lesson mode only: a contest widget holds no key)."""
        if self._key is None:
            msg = ("contest mode: this widget holds no answer key, so it cannot score; grade the saved "
                   "submission with hocvuso.grader instead")
            raise GradingError(msg)
        return score_inbox(self._scenario, self._key, self.answers)

    def inspect_link(self, message_id: str, index: int) -> dict[str, Any]:
        """Show where link `index` (0-based) of `message_id` really goes; recorded and saved.

        Raises AnswersInvalid for an unknown message or link; StoreError if saving failed (the
        inspection is kept and saved again with the next action).
        """
        message_id = self._check_message_id(message_id)
        links = self._scenario.message(message_id).links
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(links):
            msg = f"message {message_id!r} has {len(links)} link(s); link index {index!r} does not exist (0-based)"
            raise _Refused(msg, _UNKNOWN_LINK)
        described = describe_link(links[index].href)
        answers = copy.deepcopy(dict(self.answers))
        seen = set(answers["inspected"].get(message_id, []))
        seen.add(index)
        answers["inspected"][message_id] = sorted(seen)
        inspections = copy.deepcopy(dict(self.inspections))
        inspections.setdefault(message_id, {})[str(index)] = described
        with self.hold_sync(), self._writing():
            self.set_trait("answers", answers)
            self.set_trait("inspections", inspections)
            self._save(_INSPECTED)
        return dict(described)

    def answer(self, message_id: str, verdict: str, flags: Sequence[str] = ()) -> dict[str, Any] | None:
        """Record the learner's verdict ('scam' or 'safe') and red flags for one message, and save.

        Lesson mode: an answer is final (a second one raises AnswersInvalid) and the feedback for
        this message is returned and shown. Contest mode: answers may be changed; returns None and
        shows nothing about correctness. Raises AnswersInvalid for an unknown message, verdict or
        flag; StoreError if saving failed (the answer is kept and saved again with the next action).
        """
        message_id = self._check_message_id(message_id)
        if not isinstance(verdict, str) or normalize_text(verdict) not in VERDICTS:
            msg = f"verdict must be one of {VERDICTS}, got {verdict!r}"
            raise _Refused(msg, _BAD_VERDICT)
        verdict = normalize_text(verdict)
        if isinstance(flags, (str, bytes)) or not isinstance(flags, (list, tuple)):
            msg = f"flags must be a list of red-flag ids, got {type(flags).__name__}"
            raise _Refused(msg, _UNKNOWN_FLAG)
        clean: list[str] = []
        for flag in flags:
            flag_id = normalize_text(flag) if isinstance(flag, str) else flag
            if flag_id not in self._flag_ids:
                msg = f"unknown red flag {flag!r}; choose from {sorted(self._flag_ids)}"
                raise _Refused(msg, _UNKNOWN_FLAG)
            if flag_id not in clean:
                clean.append(flag_id)
        if self.mode == "lesson" and message_id in self.answers["messages"]:
            msg = f"message {message_id!r} is already answered; in lesson mode an answer is final"
            raise _Refused(msg, _ALREADY)
        answers = copy.deepcopy(dict(self.answers))
        answers["messages"][message_id] = {"verdict": verdict, "flags": clean}
        parse_answers(self._scenario, answers)  # the same check the grader applies
        with self.hold_sync(), self._writing():
            self.set_trait("answers", answers)
            result = None
            if self._key is not None:
                result = self._feedback_for(message_id)
                self.set_trait("feedback", {**copy.deepcopy(dict(self.feedback)), message_id: result})
            self._save(_SAVED_LESSON if self.mode == "lesson" else _SAVED_CONTEST)
        return copy.deepcopy(result)

    # ---------------------------------------------------------------- validators and observers

    @t.validate("locale")
    def _validate_locale(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in LOCALES:
            msg = f"unknown locale {value!r}; choose one of {', '.join(LOCALES)}"
            raise t.TraitError(msg)
        return value

    @t.validate("mode")
    def _validate_mode(self, proposal: Any) -> str:
        if not self._python_writing or proposal["value"] not in MODES:
            msg = f"mode is fixed when the widget is made ({', '.join(MODES)})"
            raise t.TraitError(msg)
        return proposal["value"]

    def _check_python_owned(self, proposal: Any) -> dict[str, Any]:
        if not self._python_writing:
            msg = f"{proposal['trait'].name} is computed by the widget; report learner actions by message instead"
            raise t.TraitError(msg)
        return proposal["value"]

    @t.validate("view")
    def _validate_view(self, proposal: Any) -> dict[str, Any]:
        return self._check_python_owned(proposal)

    @t.validate("strings")
    def _validate_strings(self, proposal: Any) -> dict[str, Any]:
        return self._check_python_owned(proposal)

    @t.validate("answers")
    def _validate_answers(self, proposal: Any) -> dict[str, Any]:
        value = self._check_python_owned(proposal)
        if value:  # the same shape check the grader applies
            parse_answers(self._scenario, value)
        return value

    @t.validate("inspections")
    def _validate_inspections(self, proposal: Any) -> dict[str, Any]:
        return self._check_python_owned(proposal)

    @t.validate("feedback")
    def _validate_feedback(self, proposal: Any) -> dict[str, Any]:
        value = self._check_python_owned(proposal)
        if value and self._key is None:
            msg = "contest mode shows no feedback"
            raise t.TraitError(msg)
        if set(value) - set(self.answers.get("messages", {})):
            msg = "feedback may only be given for answered messages"
            raise t.TraitError(msg)
        return value

    @t.validate("status")
    def _validate_status(self, proposal: Any) -> dict[str, Any]:
        return self._check_python_owned(proposal)

    @t.observe("locale")
    def _on_locale_change(self, change: Any) -> None:
        with self.hold_sync(), self._writing():
            self._render_locale()

    # ---------------------------------------------------------------- front end

    def _on_front_end_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        """Handle one raw action from inbox.js. Untrusted: never raises into the kernel."""
        if isinstance(content, dict) and str(content.get("kind", "")).startswith("anywidget"):
            return  # anywidget's own command channel, handled by anywidget
        try:
            if not isinstance(content, dict):
                raise _Refused(f"front-end message must be an object, got {type(content).__name__}", _NOT_UNDERSTOOD)
            action = content.get("action")
            if action == "answer":
                flags = content.get("flags", [])
                self.answer(content.get("message_id"), content.get("verdict"), flags)
            elif action == "inspect":
                self.inspect_link(content.get("message_id"), content.get("index"))
            elif action == "locale":
                if content.get("locale") not in LOCALES:
                    raise _Refused(f"unknown locale {content.get('locale')!r}", _NOT_UNDERSTOOD)
                self.locale = content["locale"]
            else:
                raise _Refused(f"unknown front-end action {action!r}", _NOT_UNDERSTOOD)
        except _Refused as exc:
            _log.info("ScamInbox refused a front-end action: %s", exc)
            self._set_status("error", exc.learner_text)
        except (SubmissionError, StoreError, t.TraitError, ValueError, TypeError, KeyError) as exc:
            # StoreError already set the status in _save; the others are malformed input.
            _log.warning("ScamInbox: front-end action failed: %s", exc)
            if not isinstance(exc, StoreError):
                self._set_status("error", _NOT_UNDERSTOOD)
        except Exception:  # a bug must not take the learner's kernel down; it is logged for us
            _log.exception("ScamInbox: unexpected error while handling a front-end action")
            self._set_status("error", _NOT_UNDERSTOOD)

    # ---------------------------------------------------------------- helpers

    def _check_message_id(self, message_id: Any) -> str:
        clean = normalize_text(message_id) if isinstance(message_id, str) else None
        if clean not in self._message_ids:
            msg = f"inbox {self._inbox_id!r} has no message {message_id!r}; its messages are {list(self._message_ids)}"
            raise _Refused(msg, _UNKNOWN_MESSAGE)
        return clean

    def _feedback_for(self, message_id: str) -> dict[str, Any]:
        item = next(i for i in score_inbox(self._scenario, self._key, self.answers).items if i.item_id == message_id)
        return message_feedback(self._scenario, self._key, item, self.locale)

    def _render_locale(self) -> None:
        """Re-draw everything language-dependent (caller holds sync and the write flag)."""
        self.set_trait("view", self._scenario.view(self.locale))
        self.set_trait("strings", _ui_strings(self.locale))
        if self._key is not None and self.answers.get("messages"):
            items = {i.item_id: i for i in score_inbox(self._scenario, self._key, self.answers).items}
            self.set_trait("feedback", {mid: message_feedback(self._scenario, self._key, items[mid], self.locale)
                                        for mid in self.answers["messages"]})
        if self.status.get("msgid"):
            self._set_status(self.status["level"], self.status["msgid"])

    def _set_status(self, level: str, msgid: str) -> None:
        with self._writing():
            self.set_trait("status", {"level": level, "text": translator(self.locale)(msgid), "msgid": msgid})

    def _save(self, ok_msgid: str) -> None:
        sub = self.submission
        points = max_points = None
        if self._key is not None:
            result = score_inbox(self._scenario, self._key, sub.answers)
            points, max_points = result.points, result.max_points
        try:
            self._store.save(sub, points=points, max_points=max_points)
        except StoreError:
            _log.exception("ScamInbox: saving task %r failed", self._task_id)
            self._set_status("error", _NOT_SAVED)
            raise
        self._set_status("ok", ok_msgid)

    def _restore(self) -> None:
        """Bring back earlier answers after a reload, when the store can tell whose they are.

        That is a named learner, or the file beside a single-user notebook (JupyterLab). An anonymous
        visitor of a page that Voilà serves to many people starts fresh rather than see (and be
        locked out by) someone else's answers.
        """
        if self._learner is None and (not isinstance(self._store, FileStore) or _served_by_voila()):
            return
        try:
            earlier = self._store.load(self._task_id, learner=self._learner)
            if earlier.kind != KIND or earlier.scenario_id != self._inbox_id:
                return
            parsed = parse_answers(self._scenario, earlier.answers)
        except (SubmissionError, StoreError) as exc:
            _log.info("ScamInbox: nothing to restore for %r (%s)", self._task_id, exc)
            return
        answers = {"messages": {mid: {"verdict": a.verdict, "flags": list(a.flags)}
                                for mid, a in parsed.messages.items()},
                   "inspected": {mid: sorted(set(ix)) for mid, ix in parsed.inspected.items()}}
        inspections = {mid: {str(i): describe_link(self._scenario.message(mid).links[i].href) for i in ix}
                       for mid, ix in answers["inspected"].items()}
        self.set_trait("answers", answers)
        self.set_trait("inspections", inspections)
        if self._key is not None and answers["messages"]:
            self._render_locale()
        if answers["messages"] or answers["inspected"]:
            self._set_status("info", _RESTORED)


def _served_by_voila() -> bool:
    """True in a kernel Voilà started for a visitor (it sets VOILA_PREHEAT in every kernel's env)."""
    return "VOILA_PREHEAT" in os.environ or "VOILA_KERNEL_ID" in os.environ


__all__ = ["ScamInbox"]
