"""NewsFeed: a simulated social feed whose posts the learner checks before deciding to share.

Python owns the rules and the state; `feed.js` only draws the synced traits and reports raw learner
actions as custom messages:

    {"action": "tool",   "post_id", "tool"}       use a simulated check (who posted, date, official page, picture)
    {"action": "decide", "post_id", "decision"}   share | dont_share | report
    {"action": "locale", "locale"}

What this module must never do:

* sync a verdict, a decision's explanation or a lesson text before the learner has decided on that post
  (`view` is the public feed; `feedback` holds decided posts only, in lesson mode only);
* sync what a check finds before the learner has used that check (`revealed` holds used checks only),
  so the saved answer says honestly which checks were made before deciding;
* keep the answer key at all in contest mode (dropped right after loading);
* trust the front end: every message is validated; a bad one gets a localised `status`, never a
  kernel crash; a front-end write to a Python-owned trait is ignored;
* grade from live state: every decision is saved as a Submission through a SubmissionStore.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import traitlets as t

from hocvuso.core import N_, Learner, SubmissionStore, kind, normalize_text, translator
from hocvuso.core.feed import DECISIONS, feed_summary, post_feedback, tool_label, tool_result

from ._task import (
    NOT_UNDERSTOOD,
    SAVED_CONTEST,
    Refused,
    TaskWidget,
    front_end,
    next_lesson_link,
)

# Learner-facing reasons (msgids; Vietnamese in feed.po).
_UNKNOWN_POST = N_("This post is not in the exercise.")
_UNKNOWN_TOOL = N_("This post cannot be checked that way.")
_DECIDED = N_("You have already decided on this post; the decision cannot be changed.")
_PICK_DECISION = N_("Choose share, don't share or report first.")
_RESTORED = N_("Your earlier answers were restored.")
# The status line sits under the post and the result screen: it points up, and says when all is done.
_SAVED = N_("Answer saved. The explanation is just above.")
_ALL_DONE = N_("Saved: you have decided on every post. Your result is just above.")


def _ui_strings(locale: str) -> dict[str, str]:
    """Every label the front end shows, in `locale`. The JS has no user-visible literal text."""
    _ = translator(locale)
    return {
        "language": _("Language"),
        "post": _("Post {n} of {total}"),
        "posts": _("Posts"),
        "go_post": _("Go to post {n}"),
        "done_mark": _("answered"),
        "next": _("Next post"),
        "prev": _("Previous post"),
        "shares": _("{n} shares"),
        "picture": _("Picture"),
        "tools_title": _("Check before you decide"),
        "tools_hint": _("Tap a check to see what it finds. Checks you make are saved with your decision."),
        "decide_title": _("What will you do with this post?"),
        "decide_hint": _("Choose share, don't share or report first."),
        "send": _("Send"),
        "send_change": _("Save my changed answer"),
        "feedback": _("Feedback"),
        "points": _("Points: {points} of {max}"),
        "really": _("What this post really is:"),
        "remember": _("Remember"),
        "st_hit": _("Your choice: right"),
        "st_wrong": _("Your choice: not right"),
        "st_right": _("Also right"),
        "st_checked": _("You checked it"),
        "st_skipped": _("You did not check it"),
        "st_extra": _("Also worth knowing"),
        "contest_note": _("Contest: no answers are shown. You can change a decision until you hand in."),
        "res_reopen": _("Open post {n} again"),
    }


class NewsFeed(TaskWidget):
    """A simulated social feed: check each post with simulated tools, then share, don't share or report.

    Parameters
    ----------
    feed_id : str
        Feed to show (``content/feeds/<feed_id>.yaml``), e.g. ``"tin-that-tin-gia"``.
    task_id : str
        nbgrader-compatible id under which the answers are saved.
    mode : "lesson" | "contest"
        Lesson: each decision is final and explained at once. Contest: no feedback, decisions may
        change, and the key is never kept in this widget.
    locale : str, optional
        ``"vi"`` or ``"en"``; by default the page's language (``?lang``, the catalogue's choice).
    store : SubmissionStore, optional
        Where answers go; default `hocvuso.core.default_store()`.
    learner : Learner, optional
        Who answers, when the classroom knows it.

    Saved answers: ``{"posts": {post_id: {"decision": "share"|"dont_share"|"report", "checked": [tool, ...]}}}``.
    """

    _esm, _css = front_end("feed")
    _kind = kind("feed")
    _id_name = "feed_id"
    _python_owned = TaskWidget._python_owned | {"revealed", "summary"}
    _cleared = ("revealed", "feedback", "summary", "status")
    _answered_in = "posts"
    _actions: ClassVar[Mapping[str, Callable[[Any, dict[str, Any]], Any]]] = {
        "tool": lambda self, c: self.check(c.get("post_id"), c.get("tool")),
        "decide": lambda self, c: self.decide(c.get("post_id"), c.get("decision")),
    }

    view = t.Dict(read_only=True, help="The public feed in the current locale (FeedScenario.view): posts, the names "
                  "of their checks and of the decisions. Never a verdict or what a check finds.").tag(sync=True)
    answers = t.Dict(read_only=True, help="The learner's own answers as saved: {'posts': {post_id: {'decision', "
                     "'checked'}}}.").tag(sync=True)
    revealed = t.Dict(read_only=True, help="post id -> [{'tool', 'label', 'text'}]: what each check the learner used "
                      "found, in the order used. Public behaviour of the simulation, no verdict.").tag(sync=True)
    feedback = t.Dict(read_only=True,
                      help="post id -> post_feedback(...); lesson mode only, decided posts only.").tag(sync=True)
    summary = t.Dict(read_only=True, help="Lesson mode, once every post is decided: {'points', 'max_points', 'good', "
                     "'review'} (feed_summary).").tag(sync=True)
    status = t.Dict(read_only=True, help="Last outcome for the learner: {'level': 'ok'|'info'|'error', 'text', "
                    "'msgid'}; empty when there is nothing to say.").tag(sync=True)

    def __init__(self, feed_id: str, *, task_id: str, mode: Literal["lesson", "contest"] = "lesson",
                 locale: str | None = None, store: SubmissionStore | None = None,
                 learner: Learner | None = None, **kwargs: Any) -> None:
        super().__init__(feed_id, task_id=task_id, mode=mode, locale=locale, store=store, learner=learner, **kwargs)

    # ---------------------------------------------------------------- public API

    @property
    def feed_id(self) -> str:
        """The feed shown."""
        return self._scenario_id

    def check(self, post_id: Any, tool: Any) -> str:
        """Use simulated check `tool` on post `post_id`; returns what it finds (also synced in `revealed`).

        In lesson mode a decided post is closed: its feedback already shows every check's result.
        """
        post = self._scenario.post(self._check_post_id(post_id))
        tool = normalize_text(tool) if isinstance(tool, str) else None
        if tool not in post.tool_ids:
            raise Refused(f"post {post.id!r} offers checks {list(post.tool_ids)}, not {tool!r}", _UNKNOWN_TOOL)
        if post.id in self.answers["posts"] and self.mode == "lesson":
            raise Refused(f"post {post.id!r} is already decided; in lesson mode a decision is final", _DECIDED)
        used = self._used.setdefault(post.id, [])
        if tool not in used:
            used.append(tool)
        with self.hold_sync(), self._writing():
            self._render_revealed()
        return tool_result(post, tool, self.locale)

    def decide(self, post_id: Any, decision: Any) -> dict[str, Any] | None:
        """Record the learner's decision on post `post_id`, with the checks used so far, and save it.

        Lesson mode: final, returns the feedback. Contest mode: may be changed, returns None.
        Raises AnswersInvalid for anything the post does not accept; StoreError if saving failed.
        """
        post_id = self._check_post_id(post_id)
        decision = normalize_text(decision) if isinstance(decision, str) else None
        if decision not in DECISIONS:
            raise Refused(f"decision must be one of {DECISIONS}, got {decision!r}", _PICK_DECISION)
        if post_id in self.answers["posts"] and self.mode == "lesson":
            raise Refused(f"post {post_id!r} is already decided; in lesson mode a decision is final", _DECIDED)
        answers = copy.deepcopy(dict(self.answers))
        answers["posts"][post_id] = {"decision": decision, "checked": list(self._used.get(post_id, []))}
        self._kind.parse_answers(self._scenario, answers)  # the same check the grader applies
        with self.hold_sync(), self._writing():
            self.set_trait("answers", answers)
            result_fb = None
            if self._key is not None:
                self._render_feedback()
                result_fb = self.feedback.get(post_id)
            done = self.summary and self.mode == "lesson"
            self._save(SAVED_CONTEST if self.mode == "contest" else _ALL_DONE if done else _SAVED)
        return copy.deepcopy(result_fb)

    # ---------------------------------------------------------------- validators

    @t.validate("revealed", "summary")
    def _validate_feed_state(self, proposal: Any) -> dict[str, Any]:
        return self._check_python_owned(proposal)

    # ---------------------------------------------------------------- helpers

    def _check_post_id(self, post_id: Any) -> str:
        return self._known_id(post_id, self._post_ids, "post", _UNKNOWN_POST, not_text=NOT_UNDERSTOOD)

    def _render_revealed(self) -> None:
        """What each used check found, in the current locale (caller holds sync and the write flag)."""
        out = {pid: [{"tool": tool, "label": tool_label(tool, self.locale),
                      "text": tool_result(self._scenario.post(pid), tool, self.locale)} for tool in tools]
               for pid, tools in self._used.items() if tools}
        self.set_trait("revealed", out)

    def _render_feedback(self) -> None:
        if self._key is None:
            return
        result = self._kind.score(self._scenario, self._key, self.answers)
        items = {i.item_id: i for i in result.items}
        self.set_trait("feedback", {pid: post_feedback(self._scenario, self._key, items[pid], self.locale)
                                    for pid in self.answers["posts"]})
        if len(self.answers["posts"]) == len(self._post_ids):
            summary = feed_summary(self._scenario, self._key, result, self.locale)
            self.set_trait("summary", {**summary, "next": next_lesson_link(self._scenario.next, self.locale)})

    def _prepare(self, key: Any) -> None:
        self._post_ids = tuple(p.id for p in self._scenario.posts)
        self._used: dict[str, list[str]] = {}

    def _empty_answers(self) -> dict[str, Any]:
        return {"posts": {}}

    def _render_locale(self) -> None:
        """Re-draw everything language-dependent (caller holds sync and the write flag)."""
        self.set_trait("view", self._scenario.view(self.locale))
        self.set_trait("strings", _ui_strings(self.locale))
        self._render_revealed()
        if self.answers.get("posts"):
            self._render_feedback()

    def _restore_answers(self, parsed: Any) -> None:
        posts = {pid: {"decision": a.decision, "checked": list(a.checked)} for pid, a in parsed.posts.items()}
        if not posts:
            return
        self._used = {pid: list(a["checked"]) for pid, a in posts.items()}
        self.set_trait("answers", {"posts": posts})
        self._render_revealed()
        self._render_feedback()
        self._set_status("info", _RESTORED)


__all__ = ["NewsFeed"]
