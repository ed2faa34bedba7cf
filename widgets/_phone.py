"""PhoneScenario: a simulated phone — bank app, chat, video call, browser, AI chatbot — one screen per step.

Python owns the rules and the state; `phone.js` only draws the synced traits and reports raw learner
actions as custom messages:

    {"action": "answer", "step_id", "value"}   value: option id | [option ids] | text | amount text | passphrase
    {"action": "check",  "step_id", "text"}    live passphrase check (nothing is stored)
    {"action": "locale", "locale"}

What this module must never do:

* sync a right answer, an option's explanation or a rule text before the learner has answered that
  step (`view` is the public scenario; `feedback` holds answered steps only, in lesson mode only);
* keep the answer key at all in contest mode (dropped right after loading);
* store what must not be stored: a passphrase is never kept (only the checker's findings), and text
  typed into the chat is stored with ID numbers, OTPs, account and phone numbers masked;
* trust the front end: every message is validated; a bad one gets a localised `status`, never a
  kernel crash; a front-end write to a Python-owned trait is ignored;
* grade from live state: every accepted answer is saved as a Submission through a SubmissionStore.
"""
from __future__ import annotations

import copy
from typing import Any, Literal

import traitlets as t

from hocvuso.core import N_, Learner, SubmissionStore, kind, normalize_text, translator
from hocvuso.core.phone import (
    check_passphrase,
    needs_face_check,
    parse_amount,
    password_checks,
    phone_summary,
    redact,
    show_masks,
    step_feedback,
)

from ._task import NOT_UNDERSTOOD, SAVED_CONTEST, SAVED_LESSON, Refused, TaskWidget, front_end, next_lesson_link

MAX_TEXT = 500
"""Longest chat message or passphrase accepted from the front end (characters)."""

# Learner-facing reasons (msgids; Vietnamese in phone.po).
_UNKNOWN_STEP = N_("This step is not in the exercise.")
_NOT_YET = N_("Finish the earlier steps first.")
_ALREADY = N_("You have already answered this step; the answer cannot be changed.")
_PICK_ONE = N_("Choose one of the answers first.")
_BAD_AMOUNT = N_("Type the amount in numbers, for example 500.000 or 2 triệu.")
_EMPTY = N_("Type something first.")
_TOO_LONG = N_("This is too long. Please keep it under 500 characters.")
_RESTORED = N_("Your earlier answers were restored.")


def _ui_strings(locale: str) -> dict[str, str]:
    """Every label the front end shows, in `locale`. The JS has no user-visible literal text."""
    _ = translator(locale)
    return {
        "language": _("Language"),
        "step": _("Step {n} of {total}"),
        "steps": _("Steps"),
        "go_step": _("Go to step {n}"),
        "done_mark": _("answered"),
        "dot_right": _("right"),
        "dot_wrong": _("wrong"),
        "dot_partial": _("partly right"),
        "flag": _("The red flag:"),
        "next": _("Next step"),
        "prev": _("Previous step"),
        "send": _("Send"),
        "continue": _("Continue"),
        "save_password": _("Save password"),
        "send_change": _("Save my changed answer"),
        "choose_hint": _("Tap one answer, then press Send."),
        "select_hint": _("Tick every answer that applies, then press Send."),
        "empty_hint": _(_EMPTY),
        "your_answer": _("Your answer:"),
        "feedback": _("Feedback"),
        "points": _("Points: {points} of {max}"),
        "why": _("Why"),
        "remember": _("Remember"),
        "st_hit": _("Right"),
        "st_wrong": _("Wrong"),
        "st_missed": _("You missed it"),
        "st_right": _("The right answer"),
        "st_ok": _("Rightly left out"),
        "contest_note": _("Contest: no answers are shown. You can change an answer until you hand in."),
        "amount_label": _("Amount (đồng)"),
        "amount_read": _("You typed: {amount} đ"),
        "face_yes": _("This transfer needs face verification: more than 10 million đồng at once, or more than "
                      "20 million in a day."),
        "face_no": _("No face verification needed for this amount: confirm with your OTP or Smart OTP."),
        "face_title": _("Bank app:"),
        "chat_label": _("Message to the chatbot"),
        "you_sent": _("You sent:"),
        "bot": _("Chatbot"),
        "me": _("You"),
        "them": _("Them"),
        "masked_note": _("Numbers that look like ID numbers, codes or accounts are hidden in what is saved."),
        "password_label": _("New passphrase"),
        "show_password": _("Show"),
        "hide_password": _("Hide"),
        "checker": _("Checker"),
        "length": _("{n} characters"),
        "strong": _("Strong ✓"),
        "not_strong": _("Not strong yet"),
        "password_saved": _("Saved. The passphrase itself is not stored, only the checker's result."),
        "video_off": _("Video call picture"),
        "finished": _("You have finished all the steps."),
        "total": _("Your score: {points} of {max}"),
    }


class PhoneSimulator(TaskWidget):
    """A simulated phone that walks the learner through a story, one screen and one action per step.

    Parameters
    ----------
    scenario_id : str
        Scenario to play (``content/scenarios/<scenario_id>.yaml``), e.g. ``"thanh-toan-an-toan"``.
    task_id : str
        nbgrader-compatible id under which the answers are saved.
    mode : "lesson" | "contest"
        Lesson: each answer is final and explained at once. Contest: no feedback, answers may change,
        and the key is never kept in this widget.
    locale : str, optional
        ``"vi"`` (default) or ``"en"``; the learner can switch with the VI | EN toggle.
    store : SubmissionStore, optional
        Where answers go; default `hocvuso.core.default_store()`.
    learner : Learner, optional
        Who answers, when the classroom knows it.
    next_lesson : str, optional
        Lesson mode: the bundled lesson (its folder name) the result screen links to.

    Saved answers: ``{"steps": {step_id: {"choice": id} | {"choices": [id, ...]} | {"text": masked text}
    | {"amount": int} | {"length": int, "checks": {...}}}}``.
    """

    _esm, _css = front_end("phone")
    _kind = kind("phone")
    _python_owned = TaskWidget._python_owned | {"reactions", "checker", "summary"}
    _cleared = ("reactions", "checker", "feedback", "summary", "status")
    _answered_in = "steps"
    _actions = {
        "answer": lambda self, c: self.answer(c.get("step_id"), c.get("value")),
        "check": lambda self, c: self.check(c.get("step_id"), c.get("text")),
    }

    view = t.Dict(read_only=True, help="The public scenario in the current locale (PhoneScenario.view): screens, "
                  "prompts and option labels. Never an answer or an explanation.").tag(sync=True)
    answers = t.Dict(read_only=True,
                     help="The learner's own answers as saved: {'steps': {step_id: answer}}.").tag(sync=True)
    reactions = t.Dict(read_only=True, help="step id -> what the simulated app did after the learner acted "
                       "(chat reply, face-verification prompt, 'password saved'); public behaviour, "
                       "no verdict.").tag(sync=True)
    checker = t.Dict(read_only=True, help="step id -> live passphrase check of the learner's current draft "
                     "(length, four labelled checks, strong); the draft itself is not synced back.").tag(sync=True)
    feedback = t.Dict(read_only=True,
                      help="step id -> step_feedback(...); lesson mode only, answered steps only.").tag(sync=True)
    summary = t.Dict(read_only=True,
                     help="Lesson mode, once every step is answered: the result screen (phone_summary: "
                      "'points', 'max_points', 'good', 'review') and the 'next' lesson.").tag(sync=True)
    status = t.Dict(read_only=True, help="Last outcome for the learner: {'level': 'ok'|'info'|'error', 'text', "
                    "'msgid'}; empty when there is nothing to say.").tag(sync=True)

    def __init__(self, scenario_id: str, *, task_id: str, mode: Literal["lesson", "contest"] = "lesson",
                 locale: str | None = None, store: SubmissionStore | None = None,
                 learner: Learner | None = None, next_lesson: str | None = None, **kwargs: Any) -> None:
        self._next_lesson = next_lesson
        super().__init__(scenario_id, task_id=task_id, mode=mode, locale=locale, store=store, learner=learner,
                         **kwargs)

    # ---------------------------------------------------------------- public API

    @property
    def scenario_id(self) -> str:
        """The scenario shown."""
        return self._scenario_id

    def check(self, step_id: str, text: str) -> dict[str, Any]:
        """Run the live passphrase checker on `text` for password step `step_id`; nothing is stored."""
        step = self._scenario.step(self._check_step_id(step_id))
        if step.action.kind != "password":
            raise Refused(f"step {step_id!r} is a {step.action.kind!r} step, not a password step", NOT_UNDERSTOOD)
        text = self._clean_text(text, collapse=False, allow_empty=True)
        result = self._checked(step, text)
        with self.hold_sync(), self._writing():
            self.set_trait("checker", {**copy.deepcopy(dict(self.checker)), step.id: result})
        return result

    def answer(self, step_id: str, value: Any) -> dict[str, Any] | None:
        """Record the learner's action on step `step_id` and save it.

        `value` is an option id (choose), a list of option ids (select), the chat text (type), the
        amount as typed or as an int (amount) or the passphrase (password). Steps are answered in
        order. Lesson mode: final, returns the feedback. Contest mode: may be changed, returns None.
        Raises AnswersInvalid for anything the step does not accept; StoreError if saving failed.
        """
        step_id = self._check_step_id(step_id)
        step = self._scenario.step(step_id)
        done = self.answers["steps"]
        first_open = next((s for s in self._step_ids if s not in done), None)
        if step_id in done and self.mode == "lesson":
            raise Refused(f"step {step_id!r} is already answered; in lesson mode an answer is final", _ALREADY)
        if step_id not in done and step_id != first_open:
            raise Refused(f"step {step_id!r} comes after {first_open!r}, which is not answered yet", _NOT_YET)
        kind = step.action.kind
        options = [o.id for o in step.action.options]
        reaction: dict[str, Any] | None = None
        if kind == "choose":
            choice = normalize_text(value) if isinstance(value, str) else None
            if choice not in options:
                raise Refused(f"choose one of {options}, got {value!r}", _PICK_ONE)
            record: dict[str, Any] = {"choice": choice}
        elif kind == "select":
            if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
                raise Refused(f"select needs a list of option ids, got {type(value).__name__}", NOT_UNDERSTOOD)
            picked = [normalize_text(v) if isinstance(v, str) else v for v in value]
            if any(p not in options for p in picked):
                raise Refused(f"unknown option in {value!r}; options are {options}", NOT_UNDERSTOOD)
            record = {"choices": [o for o in options if o in picked]}
        elif kind == "type":
            text = self._clean_text(value, collapse=True)
            record = {"text": redact(text, self._secrets.get(step_id, ()))}
            reaction = {"sent": show_masks(record["text"], self.locale)}
        elif kind == "amount":
            amount = value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else \
                parse_amount(value) if isinstance(value, str) else None
            if amount is None:
                raise Refused(f"not an amount: {value!r}", _BAD_AMOUNT)
            record = {"amount": amount}
            reaction = {"amount": amount, "face_check": needs_face_check(amount, step.action.today_sent)}
        else:  # password: keep only what the checker found, never the passphrase
            text = self._clean_text(value, collapse=False)
            result = check_passphrase(text, step.action.personal, min_length=step.action.min_length)
            record = {"length": result["length"], "checks": dict(result["checks"])}
            reaction = {"saved": True, "length": result["length"]}
        answers = copy.deepcopy(dict(self.answers))
        answers["steps"][step_id] = record
        self._kind.parse_answers(self._scenario, answers)  # the same check the grader applies
        with self.hold_sync(), self._writing():
            self.set_trait("answers", answers)
            if reaction is not None:
                self.set_trait("reactions", {**copy.deepcopy(dict(self.reactions)), step_id: reaction})
                self._render_reactions()
            result_fb = None
            if self._key is not None:
                self._render_feedback()
                result_fb = self.feedback.get(step_id)
            self._save(SAVED_LESSON if self.mode == "lesson" else SAVED_CONTEST)
        return copy.deepcopy(result_fb)

    # ---------------------------------------------------------------- validators

    @t.validate("reactions", "checker", "summary")
    def _validate_phone_state(self, proposal: Any) -> dict[str, Any]:
        return self._check_python_owned(proposal)

    # ---------------------------------------------------------------- helpers

    def _check_step_id(self, step_id: Any) -> str:
        return self._known_id(step_id, self._step_ids, "step", _UNKNOWN_STEP)

    @staticmethod
    def _clean_text(value: Any, *, collapse: bool, allow_empty: bool = False) -> str:
        if not isinstance(value, str):
            raise Refused(f"text expected, got {type(value).__name__}", NOT_UNDERSTOOD)
        if len(value) > MAX_TEXT * 4:
            raise Refused("text far too long", _TOO_LONG)
        text = normalize_text(value, collapse_spaces=collapse)
        if not collapse:
            text = text.replace("\r", "").replace("\n", " ")
        if len(text) > MAX_TEXT:
            raise Refused(f"text of {len(text)} characters; at most {MAX_TEXT}", _TOO_LONG)
        if not text and not allow_empty:
            raise Refused("empty text", _EMPTY)
        return text

    def _checked(self, step: Any, text: str) -> dict[str, Any]:
        result = check_passphrase(text, step.action.personal, min_length=step.action.min_length)
        return {"length": result["length"], "strong": result["strong"],
                "lines": password_checks(result, step.action.min_length, self.locale), "empty": not text}

    def _render_reactions(self) -> None:
        """Add the localised chat reply to each reaction (caller holds sync and the write flag)."""
        out = copy.deepcopy(dict(self.reactions))
        for step_id, reaction in out.items():
            step = self._scenario.step(step_id)
            if step.action.kind == "type" and step.action.reply is not None:
                reaction["reply"] = step.action.reply.get(self.locale)
        self.set_trait("reactions", out)

    def _render_feedback(self) -> None:
        if self._key is None:
            return
        result = self._kind.score(self._scenario, self._key, self.answers)
        items = {i.item_id: i for i in result.items}
        self.set_trait("feedback", {sid: step_feedback(self._scenario, self._key, items[sid], self.locale)
                                    for sid in self.answers["steps"]})
        if len(self.answers["steps"]) == len(self._step_ids):
            summary = phone_summary(self._scenario, self._key, result, self.locale)
            self.set_trait("summary", {**summary, "next": next_lesson_link(self._next_lesson, self.locale)})

    def _prepare(self, key: Any) -> None:
        self._secrets = {sid: k.secrets for sid, k in key.steps.items()}  # only to mask what is stored
        self._step_ids = tuple(s.id for s in self._scenario.steps)

    def _empty_answers(self) -> dict[str, Any]:
        return {"steps": {}}

    def _render_locale(self) -> None:
        """Re-draw everything language-dependent (caller holds sync and the write flag)."""
        self.set_trait("view", self._scenario.view(self.locale))
        self.set_trait("strings", _ui_strings(self.locale))
        self._render_reactions()
        if self.checker:
            self.set_trait("checker", {})  # the front end re-checks its draft in the new language
        if self.answers.get("steps"):
            self._render_feedback()

    def _restore_answers(self, parsed: Any) -> None:
        steps = {sid: {k: v for k, v in a.model_dump().items() if v is not None} for sid, a in parsed.steps.items()}
        # Only an unbroken run from the first step makes sense to continue from.
        ordered: dict[str, Any] = {}
        for sid in self._step_ids:
            if sid not in steps:
                break
            ordered[sid] = steps[sid]
        if not ordered:
            return
        reactions: dict[str, Any] = {}
        for sid, rec in ordered.items():
            step = self._scenario.step(sid)
            if step.action.kind == "type":
                reactions[sid] = {"sent": rec["text"]}
            elif step.action.kind == "amount":
                reactions[sid] = {"amount": rec["amount"],
                                  "face_check": needs_face_check(rec["amount"], step.action.today_sent)}
            elif step.action.kind == "password":
                reactions[sid] = {"saved": True, "length": rec["length"]}
        self.set_trait("answers", {"steps": ordered})
        self.set_trait("reactions", reactions)
        self._render_reactions()
        self._render_feedback()
        self._set_status("info", _RESTORED)


__all__ = ["PhoneSimulator"]
