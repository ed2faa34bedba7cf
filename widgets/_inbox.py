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
from typing import Any, Literal, Sequence

import traitlets as t

from hocvuso.core import N_, ItemScore, Learner, SubmissionStore, kind, normalize_text, translator
from hocvuso.core.contentcheck import clue_words
from hocvuso.core.inbox import VERDICTS, InboxScenario, describe_link, inbox_summary, message_feedback

from ._task import SAVED_CONTEST, Refused, TaskWidget, front_end, next_lesson_link

# Learner-facing reasons, translated at display time (msgids; Vietnamese in widgets.po).
_UNKNOWN_MESSAGE = "This message is not in the inbox."
_UNKNOWN_LINK = "This link does not exist."
_BAD_VERDICT = "Choose Scam or Safe first."
_UNKNOWN_FLAG = "One of the red flags you ticked is not in the list."
_ALREADY = "You have already answered this message; the answer cannot be changed."
_INSPECTED = "The real address of the link is shown."
_RESTORED = "Your earlier answers were restored."
# The status line sits under the message, its feedback above it: it points up, and says when all is done.
_SAVED = N_("Answer saved. The explanation is just above.")
_ALL_DONE = N_("Saved: you have answered every message. Your result is at the top of the inbox.")


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
        "show_me": _("Show me"),
        "hide_clues": _("Hide the marks"),
        "clues_title": _("The signs on this message"),
        "clue_here": _("Marked {n} on the message"),
        "clue_unmarked": _("Not marked: read the explanation"),
        "see_result": _("See your result"),
        "res_reopen": _("Open message {n} again"),
    }


class ScamInbox(TaskWidget):
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

    _esm, _css = front_end("inbox")
    _kind = kind("inbox")
    _id_name = "inbox_id"
    _python_owned = TaskWidget._python_owned | {"inspections", "summary"}
    _cleared = ("inspections", "feedback", "summary", "status")
    _answered_in = "messages"
    _actions = {
        "answer": lambda self, c: self.answer(c.get("message_id"), c.get("verdict"), c.get("flags", [])),
        "inspect": lambda self, c: self.inspect_link(c.get("message_id"), c.get("index")),
    }

    view = t.Dict(read_only=True, help="The public scenario in the current locale (InboxScenario.view): "
                  "messages, senders, bodies, link texts and the flag labels. Never an answer.").tag(sync=True)
    answers = t.Dict(read_only=True, help="The learner's own answers, as saved: {'messages': {id: {verdict, "
                     "flags}}, 'inspected': {id: [index, ...]}}.").tag(sync=True)
    inspections = t.Dict(read_only=True, help="message id -> {link index (as text) -> describe_link(...)}, only "
                         "for links the learner asked to inspect.").tag(sync=True)
    feedback = t.Dict(read_only=True, help="message id -> message_feedback(...); lesson mode only, and only for "
                      "messages the learner has answered.").tag(sync=True)
    summary = t.Dict(read_only=True, help="Lesson mode, once every message is answered: the result screen "
                     "{'points', 'max_points', 'good', 'review', 'next'} (inbox_summary, next_lesson_link)."
                     ).tag(sync=True)
    status = t.Dict(read_only=True, help="Last outcome for the learner: {'level': 'ok'|'info'|'error', 'text': "
                    "localised sentence}; empty when there is nothing to say.").tag(sync=True)

    def __init__(self, inbox_id: str, *, task_id: str, mode: Literal["lesson", "contest"] = "lesson",
                 locale: str | None = None, store: SubmissionStore | None = None,
                 learner: Learner | None = None, scenario: InboxScenario | None = None, **kwargs: Any) -> None:
        super().__init__(inbox_id, task_id=task_id, mode=mode, locale=locale, store=store, learner=learner,
                         scenario=scenario, **kwargs)

    # ---------------------------------------------------------------- public API

    @property
    def inbox_id(self) -> str:
        """The inbox set shown."""
        return self._scenario_id

    def inspect_link(self, message_id: str, index: int) -> dict[str, Any]:
        """Show where link `index` (0-based) of `message_id` really goes; recorded and saved.

        Raises AnswersInvalid for an unknown message or link; StoreError if saving failed (the
        inspection is kept and saved again with the next action).
        """
        message_id = self._check_message_id(message_id)
        links = self._scenario.message(message_id).links
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(links):
            msg = f"message {message_id!r} has {len(links)} link(s); link index {index!r} does not exist (0-based)"
            raise Refused(msg, _UNKNOWN_LINK)
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
            raise Refused(msg, _BAD_VERDICT)
        verdict = normalize_text(verdict)
        if isinstance(flags, (str, bytes)) or not isinstance(flags, (list, tuple)):
            msg = f"flags must be a list of red-flag ids, got {type(flags).__name__}"
            raise Refused(msg, _UNKNOWN_FLAG)
        clean: list[str] = []
        # Only the flags this message offers can be ticked (core/inbox/choices.py), the same list the form shows.
        offered = set(self._scenario.message(message_id).offered) or self._flag_ids
        for flag in flags:
            flag_id = normalize_text(flag) if isinstance(flag, str) else flag
            if flag_id not in offered:
                what = "is not offered on" if flag_id in self._flag_ids else "unknown red flag, not offered on"
                msg = f"{flag!r}: {what} message {message_id!r}; choose from {sorted(offered)}"
                raise Refused(msg, _UNKNOWN_FLAG)
            if flag_id not in clean:
                clean.append(flag_id)
        if self.mode == "lesson" and message_id in self.answers["messages"]:
            msg = f"message {message_id!r} is already answered; in lesson mode an answer is final"
            raise Refused(msg, _ALREADY)
        answers = copy.deepcopy(dict(self.answers))
        answers["messages"][message_id] = {"verdict": verdict, "flags": clean}
        self._kind.parse_answers(self._scenario, answers)  # the same check the grader applies
        with self.hold_sync(), self._writing():
            self.set_trait("answers", answers)
            result = None
            if self._key is not None:
                self._render_feedback()
                result = self.feedback[message_id]
            done = self.summary and self.mode == "lesson"
            self._save(SAVED_CONTEST if self.mode == "contest" else _ALL_DONE if done else _SAVED)
        return copy.deepcopy(result)

    # ---------------------------------------------------------------- validators

    @t.validate("inspections", "summary")
    def _validate_inspections(self, proposal: Any) -> dict[str, Any]:
        return self._check_python_owned(proposal)

    # ---------------------------------------------------------------- helpers

    def _check_message_id(self, message_id: Any) -> str:
        return self._known_id(message_id, self._message_ids, "message", _UNKNOWN_MESSAGE)

    def _message_feedback(self, item: ItemScore) -> dict[str, Any]:
        """One answered message's feedback, with the words that show each of its flags ("show me")."""
        key = self._lesson_key()
        clues = clue_words(self._scenario.message(item.item_id), key.messages[item.item_id].red_flags)
        return message_feedback(self._scenario, key, item, self.locale, clues)

    def _render_feedback(self) -> None:
        """Feedback on every answered message and, once all are answered, the result screen (lesson mode;
        caller holds sync and the write flag)."""
        if self._key is None or not self.answers.get("messages"):
            return
        result = self.score()
        self.set_trait("feedback", {i.item_id: self._message_feedback(i) for i in result.items
                                    if i.item_id in self.answers["messages"]})
        if len(self.answers["messages"]) == len(self._message_ids):
            summary = inbox_summary(self._scenario, result, self.locale)
            self.set_trait("summary", {**summary, "next": next_lesson_link(self._scenario.next, self.locale)})

    def _prepare(self, key: Any) -> None:
        self._message_ids = tuple(m.id for m in self._scenario.messages)
        self._flag_ids = frozenset(f.id for f in self._scenario.flags)

    def _empty_answers(self) -> dict[str, Any]:
        return {"messages": {}, "inspected": {}}

    def _render_locale(self) -> None:
        """Re-draw everything language-dependent (caller holds sync and the write flag)."""
        self.set_trait("view", self._scenario.view(self.locale))
        self.set_trait("strings", _ui_strings(self.locale))
        self._render_feedback()

    def _restore_answers(self, parsed: Any) -> None:
        answers: dict[str, Any] = {"messages": {mid: {"verdict": a.verdict, "flags": list(a.flags)}
                                for mid, a in parsed.messages.items()},
                   "inspected": {mid: sorted(set(ix)) for mid, ix in parsed.inspected.items()}}
        inspections = {mid: {str(i): describe_link(self._scenario.message(mid).links[i].href) for i in ix}
                       for mid, ix in answers["inspected"].items()}
        self.set_trait("answers", answers)
        self.set_trait("inspections", inspections)
        self._render_feedback()
        if answers["messages"] or answers["inspected"]:
            self._set_status("info", _RESTORED)


__all__ = ["ScamInbox"]
