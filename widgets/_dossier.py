"""DossierPortal: the whole online public-service procedure, simulated, in nine steps.

1 pick the official portal among look-alikes · 2 sign in (VNeID level 2) · 3 procedure and agency ·
4 e-form (population data pre-filled, read-only; live validation) · 5 attach documents · 6 review
and commitment · 7 OTP on the simulated phone (with a fake "staff" chat asking for it) · 8 fee or
waiver with a simulated bank · 9 dossier code and status tracking.

Python owns the rules and the state; `dossier.js` draws the synced traits and reports raw learner
actions as custom messages (``{"action": "portal" | "sign_in" | "procedure" | "fill" | "attach" |
"detach" | "goto" | "next" | "commit" | "otp" | "resend_otp" | "chat" | "report_staff" | "pay" |
"submit" | "track" | "restart" | "locale", ...}``). The same actions are the Python API used by the
tests: `choose_portal`, `sign_in`, `choose_procedure`, `fill`, `attach`, `commit`, `enter_otp`,
`reply_to_staff`, `pay`, `submit`, `track` …

What this module must never do:

* put the expected dossier (the key) into synced state — the browser is the learner's. Only the
  public scenario, the learner's own answers and, in lesson mode after the dossier is filed, the
  feedback are synced. In contest mode the key is dropped right after loading;
* keep a passcode or an OTP in the persisted answers;
* trust the front end: every message is validated; a bad one is refused with a localised status;
* grade from live state: every accepted action is saved as a Submission (kind "dossier").
"""
from __future__ import annotations

import copy
import random
import re
import time
from typing import Any, Callable, Literal

import traitlets as t

from hocvuso.core import N_, Learner, SubmissionStore, kind, normalize_text, translator
from hocvuso.core.dossier import (
    MAX_SIGN_IN_FAILURES,
    OTP_SECONDS,
    STEPS,
    DossierScenario,
    FieldDef,
    ProcedureDef,
    blocker,
    check_form,
    document_problems,
    dossier_summary,
    empty_answers,
    enter_portal,
    fee_for,
    form_values,
    furthest,
    gives_away_otp,
    money,
    otp_expired,
    portal_domain,
    problem_text,
    record_sign_in_failure,
    reset_confirmation,
    resumed,
    wrong_person,
)
from hocvuso.core.validators import format_date

from ._task import NOT_UNDERSTOOD, Refused, TaskWidget, front_end, next_lesson_link

MAX_TEXT = 300
"""The longest text kept from a field or a chat reply."""

# Learner-facing reasons and notices (msgids; Vietnamese in dossier.po).
_NOT_SAVED = N_("Your work could not be saved. Please tell your teacher.")
_ENDED_FAKE = N_("This attempt has ended: you entered a fake portal.")
_ENDED_LOCKED = N_("This attempt has ended: the account is locked.")
_ALREADY_FILED = N_("The dossier has been filed; it can no longer be changed.")
_UNKNOWN_PORTAL = N_("This address is not in the list.")
_PORTAL_OK = N_("Official portal. Sign in with your VNeID account.")
_FAKE_LESSON = N_("Stop: this is a fake portal. Read why below, then choose the real one.")
_NEED_PORTAL = N_("First choose the official portal.")
_WRONG_PASSCODE = N_("Wrong ID number or passcode. {left} tries left before the account is locked.")
_LOCKED = N_("Wrong passcode 5 times: the account is locked to protect you. In real life, unlock it in the VNeID "
             "app or at the police office — never through someone who calls or texts you.")
_SIGNED_IN = N_("Signed in. Choose the procedure and the agency.")
_NEED_SIGN_IN = N_("First sign in with your VNeID account.")
_UNKNOWN_PROCEDURE = N_("Choose a procedure from the list.")
_UNKNOWN_AGENCY = N_("Choose the agency from the list.")
_NEED_AGENCY = N_("Choose the procedure and the agency that handles it.")
_PROCEDURE_OK = N_("Fill in the form. Fields marked * are required.")
_NEED_PROCEDURE = N_("First choose the procedure.")
_UNKNOWN_FIELD = N_("This field is not on the form.")
_READ_ONLY = N_("This information comes from the national population database and cannot be changed here.")
_FIELD_SAVED = N_("Saved.")
_FIX_FIELDS = N_("Some fields need attention: {fields}.")
_UNKNOWN_SLOT = N_("This document is not asked for.")
_UNKNOWN_FILE = N_("This file is not in the folder.")
_ATTACHED = N_("Attached: {file}.")
_ATTACHED_WARN = N_("Attached: {file}. But look again: {why}")
_DETACHED = N_("File removed.")
_NEED_DOCUMENTS = N_("Attach the required documents first: {slots}.")
_NEED_COMMIT = N_("Read the dossier again and tick the commitment first.")
_COMMITTED = N_("An OTP has been sent to your phone. Type it in to confirm.")
_UNCOMMITTED = N_("Commitment removed.")
_CHANGED = N_("You changed the dossier: check it and tick the commitment again.")
_NEED_OTP_SENT = N_("Ask for an OTP first.")
_OTP_RESENT = N_("A new OTP has been sent; the old one no longer works.")
_OTP_WRONG = N_("Wrong OTP. Check the text message on your phone.")
_OTP_EXPIRED = N_("This OTP has expired. Ask for a new one.")
_OTP_OK = N_("Confirmed. Now the fee.")
_NEED_OTP = N_("First confirm with the OTP.")
_CHAT_SHARED = N_("You sent the OTP to a stranger.")
_CHAT_SENT = N_("Message sent.")
_CHAT_REPORTED = N_("Blocked and reported. Right: the portal never asks for your OTP in a chat.")
_PAID = N_("Paid {amount} đ. The bank's confirmation is on your phone. Now file the dossier.")
_WAIVED = N_("No fee to pay for this dossier. Now file the dossier.")
_NEED_FEE = N_("Handle the fee first.")
_FILED = N_("Dossier filed. Your dossier code is {code}.")
_TRACKED = N_("Status: {status}")
_TRACK_DONE = N_("The dossier is complete.")
_NEED_CODE = N_("File the dossier first.")
_RESTARTED = N_("A new attempt has started.")
_NO_RESTART = N_("In a contest the attempt cannot be restarted.")
_RESTORED = N_("Your earlier work was restored.")
_CANNOT_GO = N_("Finish this step first.")
_BLOCKED = {"portal": _NEED_PORTAL, "sign_in": _NEED_SIGN_IN, "agency": _NEED_AGENCY, "commitment": _NEED_COMMIT,
            "otp": _NEED_OTP, "fee": _NEED_FEE}
"""What `flow.blocker` says is missing -> what the learner is told."""


def _ui_strings(locale: str) -> dict[str, str]:
    """Every label the front end shows, in `locale`. The JS has no user-visible literal text."""
    _ = translator(locale)
    return {
        "app": _("Online public services (simulation)"),
        "language": _("Language"),
        "task_card": _("Your situation"),
        "today": _("Today:"),
        "step_of": _("Step {n} of {total}"),
        "step_portal": _("Choose the portal"),
        "step_sign_in": _("Sign in"),
        "step_procedure": _("Procedure"),
        "step_form": _("Fill in the form"),
        "step_documents": _("Documents"),
        "step_review": _("Review"),
        "step_otp": _("Confirm (OTP)"),
        "step_fee": _("Fee"),
        "step_result": _("Dossier code"),
        "steps_nav": _("Steps"),
        "portal_intro": _("Where will you file the dossier? Look at the address, not the title. Addresses here are "
                          "text only: nothing can be opened."),
        "portal_choose": _("Go to this address"),
        "fake_title": _("This is not the real portal"),
        "fake_domain": _("Its real domain: {domain}"),
        "fake_again": _("Nothing was sent: this is a simulation. Choose the real portal in the list below."),
        "fake_tried": _("fake: you went here"),
        "sign_in_intro": _("Sign in with your VNeID level-2 account."),
        "id_number": _("Personal identification number"),
        "passcode": _("Passcode (6 digits)"),
        "sign_in": _("Sign in"),
        "tries_left": _("{left} tries left"),
        "procedure_intro": _("Which procedure fits the situation, and which agency handles it?"),
        "agency": _("Competent agency"),
        "choose": _("— choose —"),
        "confirm_choice": _("Continue"),
        "form_intro": _("Fields marked * are required. Grey fields come from the population database."),
        "read_only": _("From the population database"),
        "required": _("required"),
        "documents_intro": _("Attach each document from your phone's files. Check the type, that it is readable and "
                             "not expired."),
        "pick_file": _("Choose a file"),
        "attached": _("Attached:"),
        "none_attached": _("Nothing attached"),
        "optional": _("if it applies"),
        "remove": _("Remove"),
        "valid_until": _("Valid until {date}"),
        "about": _("Person on the document:"),
        "review_intro": _("Check everything before you commit."),
        "commit_label": _("I have checked the dossier and I commit:"),
        "otp_intro": _("A one-time code (OTP) was sent to your phone by text message. Type it in here, on the portal "
                       "only."),
        "otp_code": _("OTP code"),
        "otp_confirm": _("Confirm"),
        "otp_resend": _("Send a new code"),
        "otp_reminder": _("Nobody legitimate — not the portal's staff, the police or a bank — ever asks you to read "
                          "out or send an OTP."),
        "phone": _("Your phone"),
        "sms": _("Text messages"),
        "chat": _("Chat"),
        "chat_reply": _("Reply"),
        "chat_send": _("Send"),
        "chat_report": _("Block and report"),
        "chat_reported": _("You blocked and reported this account."),
        "you": _("You"),
        "fee_intro": _("Fee for this dossier"),
        "fee_free": _("Free / waived: nothing to pay"),
        "fee_amount": _("{amount} đ"),
        "pay": _("Pay through the bank (simulation)"),
        "bank_title": _("Simulated bank: confirm the payment"),
        "bank_to": _("To: the National Public Service Portal payment gateway"),
        "bank_confirm": _("Confirm payment"),
        "fee_paid": _("Paid: {amount} đ"),
        "continue_free": _("Continue without paying"),
        "submit": _("File the dossier"),
        "code": _("Dossier code"),
        "processing": _("Processing time:"),
        "status_title": _("Status"),
        "track": _("Check the status again"),
        "restart": _("Start again"),
        "back": _("Back"),
        "next": _("Continue"),
        "feedback": _("Feedback"),
        "points": _("Points: {points} of {max}"),
        "ended": _("This attempt has ended"),
        "contest_note": _("Contest: no answers are shown. Your work is saved at each step."),
    }


_STEP_LABELS = ("step_portal", "step_sign_in", "step_procedure", "step_form", "step_documents", "step_review",
                "step_otp", "step_fee", "step_result")


class DossierPortal(TaskWidget):
    """A phone-sized public-service portal in which the learner files one dossier, end to end.

    Parameters
    ----------
    scenario_id : str
        Dossier task (``content/dossier_tasks/<scenario_id>.yaml``), e.g. ``"ks-be-an-nhien"``.
    task_id : str
        nbgrader-compatible id under which the answers are saved.
    mode : "lesson" | "contest"
        Lesson: hints while working and full feedback after filing; an attempt may be restarted.
        Contest: no correctness feedback, the key is never loaded.
    locale, store, learner
        As for ScamInbox.
    clock : callable, optional
        Seconds (monotonic), for OTP expiry; tests pass a fake clock.
    seed : int, optional
        Seed of the simulated OTP / dossier-code generator (tests); default: unpredictable.
    next_lesson : str, optional
        Lesson mode: the bundled lesson (its folder name) the result screen links to.
    scenario : DossierScenario, optional
        Contest mode only: a scenario built elsewhere (a per-student variant, `hocvuso.contest`)
        instead of loading `scenario_id` from the content; its key is never loaded here.
    """

    _esm, _css = front_end("dossier")
    _kind = kind("dossier")
    _python_owned = TaskWidget._python_owned | {"screen"}
    _not_saved = _NOT_SAVED
    _status_keeps_params = True  # its statuses name values ("{left} tries left"): a locale switch re-fills them

    view = t.Dict(read_only=True, help="The public scenario in the current locale: situation card, portal "
                  "look-alikes (text only), procedure catalogue, files in the picker. Never an answer.").tag(sync=True)
    locale = t.Unicode("vi", help="Language of everything shown: 'vi' or 'en'.").tag(sync=True)
    mode = t.Unicode("lesson", read_only=True, help="'lesson' or 'contest'.").tag(sync=True)
    answers = t.Dict(read_only=True, help="The learner's dossier as saved (DossierAnswers shape; no passcode, "
                     "no OTP).").tag(sync=True)
    screen = t.Dict(read_only=True, help="What the current state looks like: step, form with values and "
                    "validation messages, documents, phone messages, fee, code, statuses.").tag(sync=True)
    feedback = t.Dict(read_only=True, help="Lesson mode, once the dossier is filed or the attempt ended: "
                      "{'points', 'max_points', 'items': dossier_feedback(...)}.").tag(sync=True)
    status = t.Dict(read_only=True, help="Last outcome: {'level': 'ok'|'info'|'error', 'text'}.").tag(sync=True)

    def __init__(self, scenario_id: str, *, task_id: str, mode: Literal["lesson", "contest"] = "lesson",
                 locale: str | None = None, store: SubmissionStore | None = None, learner: Learner | None = None,
                 clock: Callable[[], float] = time.monotonic, seed: int | None = None,
                 scenario: DossierScenario | None = None, next_lesson: str | None = None, **kwargs: Any) -> None:
        self._clock = clock
        self._rng = random.Random(seed) if seed is not None else random.SystemRandom()
        self._otp: str | None = None
        self._otp_issued = 0.0
        self._issued_otps: list[str] = []
        self._phone: list[dict[str, str]] = []
        self._chat: list[dict[str, str]] = []
        self._notes: dict[str, list[str]] = {}
        self._pay_ref = ""
        self._next_lesson = next_lesson
        super().__init__(scenario_id, task_id=task_id, mode=mode, locale=locale, store=store, learner=learner,
                         scenario=scenario, **kwargs)

    # ================================================================ public API

    @property
    def scenario_id(self) -> str:
        return self._scenario_id

    @property
    def scenario(self) -> DossierScenario:
        return self._scenario

    @property
    def phone_otp(self) -> str | None:
        """The OTP currently shown on the simulated phone (what a learner reads from the SMS)."""
        return self._otp

    def choose_portal(self, portal_id: str) -> bool:
        """Step 1. Returns True for an official portal. A fake one is explained and counted; in a lesson the
        learner stays on step 1 to choose again (flow.enter_portal), in a contest the attempt ends."""
        a = self._open_answers()
        portal_id = _clean(portal_id)
        if portal_id not in {p.id for p in self._scenario.portals.choices}:
            raise Refused(f"unknown portal {portal_id!r}", _UNKNOWN_PORTAL)
        if enter_portal(self._scenario, a, portal_id, lesson=self.mode == "lesson"):
            self._commit_answers(a, "ok", _PORTAL_OK)
            return True
        self._commit_answers(a, "error", _FAKE_LESSON if self.mode == "lesson" else _ENDED_FAKE)
        return False

    def sign_in(self, id_number: str, passcode: str) -> bool:
        """Step 2. Returns True when signed in; 5 failures lock the account (the attempt ends)."""
        a = self._open_answers()
        if not a["portal"]:
            raise Refused("choose a portal first", _NEED_PORTAL)
        number = re.sub(r"\s+", "", _clean(id_number))
        code = re.sub(r"\s+", "", _clean(passcode))
        account = self._scenario.account
        if number == account.id_number and code == account.passcode:
            a["sign_in"] = {**a["sign_in"], "id_number": number, "signed_in": True}
            a["step"] = 3
            self._commit_answers(a, "ok", _SIGNED_IN)
            return True
        left = record_sign_in_failure(a)
        if left:
            self._commit_answers(a, "error", _WRONG_PASSCODE, left=left)
        else:
            self._commit_answers(a, "error", _LOCKED)
        return False

    def choose_procedure(self, procedure_id: str, agency_id: str | None = None) -> None:
        """Step 3. Choosing another procedure empties the form and the attachments."""
        a = self._open_answers()
        self._need_signed_in(a)
        procedure_id = _clean(procedure_id)
        if procedure_id not in self._scenario.procedure_ids:
            raise Refused(f"unknown procedure {procedure_id!r}", _UNKNOWN_PROCEDURE)
        proc = self._scenario.procedure(procedure_id)
        agency = _clean(agency_id) if agency_id else ""
        if agency and agency not in proc.agency_ids:
            raise Refused(f"unknown agency {agency!r} for {procedure_id!r}", _UNKNOWN_AGENCY)
        if procedure_id != a["procedure"]:
            a.update(procedure=procedure_id, fields={}, documents={})
            self._invalidate(a)
        a["agency"] = agency
        if agency:
            a["step"] = 4
            self._commit_answers(a, "ok", _PROCEDURE_OK)
        else:
            self._commit_answers(a, "info", _NEED_AGENCY)

    def fill(self, field_id: str, value: str) -> list[str]:
        """Step 4: type `value` into a field. Returns the field's validation messages (empty = valid)."""
        a = self._open_answers()
        proc = self._need_procedure(a)
        field_id = _clean(field_id)
        try:
            f = proc.field(field_id)
        except KeyError:
            raise Refused(f"no field {field_id!r} on {proc.id!r}", _UNKNOWN_FIELD) from None
        if f.prefilled:
            raise Refused(f"field {field_id!r} is pre-filled and read-only", _READ_ONLY)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise Refused(f"value must be text, got {type(value).__name__}", NOT_UNDERSTOOD)
        text = normalize_text(str(value), collapse_spaces=False)[:MAX_TEXT]
        if a["fields"].get(field_id, "") == text:
            return self._field_messages(field_id)
        a["fields"] = {**a["fields"], field_id: text}
        changed = self._invalidate(a)
        messages = self._field_messages(field_id, answers=a)
        self._commit_answers(a, "info" if changed else ("error" if messages else "ok"),
                             _CHANGED if changed else (messages[0] if messages else _FIELD_SAVED), raw=bool(messages)
                             and not changed)
        return messages

    def attach(self, slot_id: str, file_id: str) -> list[str]:
        """Step 5: put a file from the picker into a document slot. Returns hints (lesson mode only)."""
        a = self._open_answers()
        proc = self._need_procedure(a)
        slot_id, file_id = _clean(slot_id), _clean(file_id)
        try:
            slot = proc.slot(slot_id)
        except KeyError:
            raise Refused(f"no slot {slot_id!r}", _UNKNOWN_SLOT) from None
        try:
            file = self._scenario.file(file_id)
        except KeyError:
            raise Refused(f"no file {file_id!r}", _UNKNOWN_FILE) from None
        a["documents"] = {**a["documents"], slot_id: file_id}
        changed = self._invalidate(a)
        hints: list[str] = []
        if self._key is not None:  # lesson mode: say at once what is wrong with the file
            problems = list(document_problems(slot, file, self._scenario.today))
            wanted = self._key.documents.get(slot_id, ())
            if not problems and a["procedure"] == self._key.procedure:
                if not wanted:
                    hints.append(translator(self.locale)(N_("Nothing needs to be attached here for this situation.")))
                elif file_id not in wanted:
                    other = wrong_person(file, self._scenario.file(wanted[0]))
                    problems += [other] if other else []
            hints = [problem_text(p, self.locale) for p in problems] + hints
        self._notes[slot_id] = hints
        if changed:
            self._commit_answers(a, "info", _CHANGED)
        elif hints:
            self._commit_answers(a, "error", _ATTACHED_WARN, file=file.name, why=" ".join(hints))
        else:
            self._commit_answers(a, "ok", _ATTACHED, file=file.name)
        return hints

    def detach(self, slot_id: str) -> None:
        """Step 5: remove the file from a slot."""
        a = self._open_answers()
        self._need_procedure(a)
        slot_id = _clean(slot_id)
        if slot_id in a["documents"]:
            a["documents"] = {k: v for k, v in a["documents"].items() if k != slot_id}
            self._notes.pop(slot_id, None)
            self._invalidate(a)
        self._commit_answers(a, "ok", _DETACHED)

    def go_to(self, step: int) -> None:
        """Move to step `step` (1-9): back at any time, forward only as far as the work allows."""
        if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= len(STEPS):
            raise Refused(f"no step {step!r}", NOT_UNDERSTOOD)
        a = copy.deepcopy(dict(self.answers))
        if step > furthest(self._scenario, a):
            msgid, params = self._blocker(a)
            raise Refused(f"step {step} is not reachable yet", msgid, **params)
        a["step"] = step
        self._commit_answers(a, "info", "", save=False)

    def next_step(self) -> None:
        """Continue to the next step, or say what must be done first."""
        self.go_to(min(len(STEPS), self.answers["step"] + 1))

    def commit(self, ticked: bool = True) -> None:
        """Step 6: tick (or untick) the commitment. Ticking sends the OTP (step 7)."""
        a = self._open_answers()
        self._need_procedure(a)
        if not isinstance(ticked, bool):
            raise Refused("ticked must be True or False", NOT_UNDERSTOOD)
        if not ticked:
            self._invalidate(a)
            a["step"] = min(a["step"], 6)
            self._commit_answers(a, "info", _UNCOMMITTED)
            return
        if furthest(self._scenario, a) < 6:
            msgid, params = self._blocker(a)
            raise Refused("the dossier is not complete", msgid, **params)
        a["commitment"] = True
        a["step"] = 7
        self._send_otp(a)
        self._commit_answers(a, "ok", _COMMITTED)

    def request_otp(self) -> None:
        """Step 7: send a new OTP (the previous one stops working)."""
        a = self._open_answers()
        if not a["commitment"]:
            raise Refused("commit first", _NEED_COMMIT)
        self._send_otp(a)
        self._commit_answers(a, "info", _OTP_RESENT)

    def enter_otp(self, code: str) -> bool:
        """Step 7: type the OTP. Returns True when the dossier is confirmed."""
        a = self._open_answers()
        if not a["commitment"] or self._otp is None:
            raise Refused("no OTP has been sent", _NEED_OTP_SENT)
        typed = re.sub(r"\s+", "", _clean(code))
        otp = dict(a["otp"])
        if otp_expired(self._otp_issued, self._clock()):
            otp["expired"] += 1
            a["otp"] = otp
            self._commit_answers(a, "error", _OTP_EXPIRED)
            return False
        if typed != self._otp:
            otp["wrong"] += 1
            a["otp"] = otp
            self._commit_answers(a, "error", _OTP_WRONG)
            return False
        otp["confirmed"] = True
        a["otp"] = otp
        a["step"] = 8
        self._otp = None  # used once
        self._commit_answers(a, "ok", _OTP_OK)
        return True

    def reply_to_staff(self, text: str) -> bool:
        """Step 7: answer the "staff member" in the chat. Returns True if the reply gave away an OTP."""
        a = self._open_answers(allow_filed=True)
        if not self._chat:
            raise Refused("there is no chat yet", NOT_UNDERSTOOD)
        if not isinstance(text, str):
            raise Refused("a reply is text", NOT_UNDERSTOOD)
        reply = normalize_text(text)[:MAX_TEXT]
        if not reply:
            raise Refused("empty reply", NOT_UNDERSTOOD)
        self._chat.append({"who": "you", "text": reply})
        shared = gives_away_otp(reply, self._issued_otps)
        if shared:
            a["otp"] = {**a["otp"], "shared": True}
            if self.mode == "lesson":
                warning = self._scenario.portals.staff_chat.warning.get(self.locale)
                self._commit_answers(a, "error", warning, raw=True)
            else:
                self._commit_answers(a, "info", _CHAT_SENT)
        else:
            self._commit_answers(a, "info", _CHAT_SENT)
        return shared

    def report_staff(self) -> None:
        """Step 7: block and report the fake staff account."""
        a = self._open_answers(allow_filed=True)
        if not self._chat:
            raise Refused("there is no chat yet", NOT_UNDERSTOOD)
        a["otp"] = {**a["otp"], "reported": True}
        self._commit_answers(a, "ok", _CHAT_REPORTED)

    def fee_due(self) -> int:
        """The fee of the dossier as filled in (0 = free or waived)."""
        a = self.answers
        proc = self._need_procedure(a)
        return fee_for(proc, form_values(self._scenario, a))

    def pay(self) -> int:
        """Step 8: pay the fee through the simulated bank, or accept the waiver. Returns the amount paid."""
        a = self._open_answers()
        if not a["otp"]["confirmed"]:
            raise Refused("confirm with the OTP first", _NEED_OTP)
        if a["fee"]["status"]:
            return a["fee"]["amount"]
        amount = self.fee_due()
        if amount == 0:
            a["fee"] = {"status": "waived", "amount": 0}
            self._commit_answers(a, "ok", _WAIVED)
            return 0
        self._pay_ref = f"TT{self._rng.randrange(10**7, 10**8)}"
        a["fee"] = {"status": "paid", "amount": amount}
        bank = self._scenario.portals.bank
        self._phone.append({"kind": "bank", "vi": bank.vi, "en": bank.en, "amount": money(amount),
                            "ref": self._pay_ref})
        self._commit_answers(a, "ok", _PAID, amount=money(amount))
        return amount

    def submit(self) -> str:
        """Step 8 → 9: file the dossier. Returns the dossier code."""
        a = self._open_answers()
        if not a["fee"]["status"]:
            raise Refused("handle the fee first", _NEED_FEE)
        proc = self._need_procedure(a)
        a["code"] = f"{proc.code_prefix}-{self._scenario.today:%y%m%d}-{self._rng.randrange(10**5, 10**6)}"
        a["step"] = 9
        a["tracked"] = 0
        self._commit_answers(a, "ok", _FILED, code=a["code"])
        return a["code"]

    def track(self) -> str:
        """Step 9: look at the status again (the simulated dossier moves on). Returns the status label."""
        a = copy.deepcopy(dict(self.answers))
        if not a["code"]:
            raise Refused("no dossier code yet", _NEED_CODE)
        proc = self._scenario.procedure(a["procedure"])
        a["tracked"] = min(a["tracked"] + 1, len(proc.statuses) - 1)
        label = proc.statuses[a["tracked"]].get(self.locale)
        self._commit_answers(a, "ok", _TRACK_DONE if a["tracked"] == len(proc.statuses) - 1 else _TRACKED,
                             status=label)
        return label

    def restart(self) -> None:
        """Lesson mode: start a new attempt (the old one is replaced in the store)."""
        if self.mode != "lesson":
            raise Refused("no restart in contest mode", _NO_RESTART)
        attempts = self.answers.get("attempts", 1) + 1
        a = empty_answers()
        a["attempts"] = attempts
        self._otp, self._issued_otps, self._phone, self._chat, self._notes = None, [], [], [], {}
        with self.hold_sync(), self._writing():
            self.set_trait("feedback", {})
        self._commit_answers(a, "info", _RESTARTED)

    # ================================================================ validators, front end

    @t.validate("screen")
    def _validate_screen(self, proposal: Any) -> dict[str, Any]:
        return self._check_python_owned(proposal)

    _actions = {
        "portal": lambda self, c: self.choose_portal(c.get("portal")),
        "sign_in": lambda self, c: self.sign_in(c.get("id_number"), c.get("passcode")),
        "procedure": lambda self, c: self.choose_procedure(c.get("procedure"), c.get("agency") or None),
        "fill": lambda self, c: self.fill(c.get("field"), c.get("value")),
        "attach": lambda self, c: self.attach(c.get("slot"), c.get("file")),
        "detach": lambda self, c: self.detach(c.get("slot")),
        "goto": lambda self, c: self.go_to(c.get("step")),
        "next": lambda self, c: self.next_step(),
        "commit": lambda self, c: self.commit(c.get("ticked")),
        "otp": lambda self, c: self.enter_otp(c.get("code")),
        "resend_otp": lambda self, c: self.request_otp(),
        "chat": lambda self, c: self.reply_to_staff(c.get("text")),
        "report_staff": lambda self, c: self.report_staff(),
        "pay": lambda self, c: self.pay(),
        "submit": lambda self, c: self.submit(),
        "track": lambda self, c: self.track(),
        "restart": lambda self, c: self.restart(),
    }

    # ================================================================ helpers

    def _open_answers(self, *, allow_filed: bool = False) -> dict[str, Any]:
        """A copy of the answers to change, or a refusal when the attempt is over."""
        a = copy.deepcopy(dict(self.answers))
        if a["ended"] == "fake_portal":
            raise Refused("the attempt ended on a fake portal", _ENDED_FAKE)
        if a["ended"] == "locked":
            raise Refused("the account is locked", _ENDED_LOCKED)
        if a["code"] and not allow_filed:
            raise Refused("the dossier is filed", _ALREADY_FILED)
        return a

    def _need_signed_in(self, a: dict[str, Any]) -> None:
        if not a["sign_in"]["signed_in"]:
            raise Refused("sign in first", _NEED_SIGN_IN if a["portal"] else _NEED_PORTAL)

    def _need_procedure(self, a: dict[str, Any]) -> ProcedureDef:
        self._need_signed_in(a)
        if not a["procedure"]:
            raise Refused("choose a procedure first", _NEED_PROCEDURE)
        return self._scenario.procedure(a["procedure"])

    def _invalidate(self, a: dict[str, Any]) -> bool:
        """A change of the dossier before filing undoes the commitment and the OTP confirmation."""
        self._otp = None
        return reset_confirmation(a)

    def _field_messages(self, field_id: str, *, answers: dict[str, Any] | None = None) -> list[str]:
        a = answers or self.answers
        proc = self._scenario.procedure(a["procedure"])
        if not a["fields"].get(field_id):
            return []
        problems, _value = check_form(proc, form_values(self._scenario, a), today=self._scenario.today)[field_id]
        return [p.text(self.locale) for p in problems]

    def _blocker(self, a: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The learner-facing reason (msgid, values) why the learner cannot go further yet."""
        why = blocker(self._scenario, a)
        if why.need == "fields":
            proc = self._scenario.procedure(a["procedure"])
            return _FIX_FIELDS, {"fields": ", ".join(proc.field(f).label.get(self.locale) for f in why.fields)}
        if why.need == "documents":
            proc = self._scenario.procedure(a["procedure"])
            return _NEED_DOCUMENTS, {"slots": ", ".join(proc.slot(s).label.get(self.locale) for s in why.slots)}
        return _BLOCKED.get(why.need, _CANNOT_GO), {}

    def _send_otp(self, a: dict[str, Any]) -> None:
        self._otp = f"{self._rng.randrange(0, 10**6):06d}"
        self._otp_issued = self._clock()
        self._issued_otps.append(self._otp)
        a["otp"] = {**a["otp"], "sent": a["otp"]["sent"] + 1}
        sms = self._scenario.portals.otp_sms
        self._phone.append({"kind": "otp", "vi": sms.vi, "en": sms.en, "code": self._otp,
                            "minutes": str(OTP_SECONDS // 60)})
        if not self._chat:
            chat = self._scenario.portals.staff_chat
            self._chat.extend({"who": "staff", "vi": m.vi, "en": m.en} for m in chat.messages)

    def _commit_answers(self, a: dict[str, Any], level: str, msgid: str, *, save: bool = True, raw: bool = False,
                        **params: Any) -> None:
        """Publish new answers, re-render the screen, save, and say `msgid` (already text if raw)."""
        self._kind.parse_answers(self._scenario, a)
        with self.hold_sync(), self._writing():
            self.set_trait("answers", a)
            self._render_screen()
            if save:
                self._save()
            if msgid:
                self._set_status(level, msgid, raw=raw, **params)
            elif not save:
                self.set_trait("status", {})

    def _empty_answers(self) -> dict[str, Any]:
        return empty_answers()

    def _render_locale(self) -> None:
        """Re-draw everything language-dependent (caller holds sync and the write flag)."""
        self.set_trait("view", self._view())
        self.set_trait("strings", _ui_strings(self.locale))
        self._render_screen()

    def _view(self) -> dict[str, Any]:
        s, loc = self._scenario, self.locale
        return {
            "id": s.id,
            "title": s.title.get(loc),
            "situation": s.situation.get(loc),
            "today": format_date(s.today),
            "portals": [{"id": p.id, "address": p.address, "label": p.label.get(loc)} for p in s.portals.choices],
            "procedures": [{"id": p.id, "title": p.title.get(loc), "summary": p.summary.get(loc),
                            "channel": p.channel.get(loc),
                            "agencies": [{"id": ag.id, "name": ag.name.get(loc)} for ag in p.agencies]}
                           for p in s.procedures],
            "files": [{"id": f.id, "name": f.name, "type_label": f.type_label.get(loc), "about": f.about,
                       "description": f.description.get(loc),
                       "valid_until": format_date(f.valid_until) if f.valid_until else ""} for f in s.files],
            "steps": [_ui_strings(loc)[k] for k in _STEP_LABELS],
        }

    def _render_screen(self) -> None:
        a, loc, s = self.answers, self.locale, self._scenario
        screen: dict[str, Any] = {"step": a["step"], "furthest": furthest(s, a), "ended": a["ended"],
                                  "ended_text": "", "failures": a["sign_in"]["failures"],
                                  "tries_left": MAX_SIGN_IN_FAILURES - a["sign_in"]["failures"],
                                  "signed_in": a["sign_in"]["signed_in"], "procedure": a["procedure"],
                                  "agency": a["agency"], "form": [], "slots": [], "commitment": a["commitment"],
                                  "commitment_text": "", "code": a["code"], "statuses": [], "tracked": a["tracked"],
                                  "processing": "", "fee": {}, "phone": [], "chat": [], "otp": dict(a["otp"]),
                                  "attempts": a["attempts"], "fake": {}}
        if a["wrong_portals"] and not a["portal"] and self.mode == "lesson":
            tried = next(p for p in s.portals.choices if p.id == a["wrong_portals"][-1])
            screen["fake"] = {"id": tried.id, "address": tried.address, "domain": portal_domain(tried.address),
                              "explain": s.portals.explain[tried.id].get(loc), "tried": list(a["wrong_portals"])}
        if a["ended"] == "fake_portal":
            screen["ended_text"] = s.portals.explain[a["portal"]].get(loc)
        elif a["ended"] == "locked":
            screen["ended_text"] = translator(loc)(_LOCKED)
        if a["procedure"]:
            proc = s.procedure(a["procedure"])
            values = form_values(s, a)
            checked = check_form(proc, values, today=s.today)
            for f in proc.fields:
                problems = checked[f.id][0] if (f.prefilled or a["fields"].get(f.id)) else ()
                screen["form"].append({
                    "id": f.id, "label": f.label.get(loc), "type": f.type, "required": f.required,
                    "readonly": f.prefilled, "value": values.get(f.id, ""),
                    "display": _display(f, values.get(f.id, ""), loc),
                    "hint": f.hint.get(loc) if f.hint else "",
                    "choices": [{"id": c.id, "label": c.label.get(loc)} for c in f.choices],
                    "problems": [problem_text(p, loc) for p in problems]})
            for slot in proc.documents:
                file_id = a["documents"].get(slot.id, "")
                screen["slots"].append({"id": slot.id, "label": slot.label.get(loc), "required": slot.required,
                                        "hint": slot.hint.get(loc) if slot.hint else "", "file": file_id,
                                        "file_name": s.file(file_id).name if file_id else "",
                                        "notes": list(self._notes.get(slot.id, [])) if file_id else []})
            screen["commitment_text"] = proc.commitment.get(loc)
            screen["statuses"] = [st.get(loc) for st in proc.statuses]
            screen["processing"] = proc.processing.get(loc)
            amount = fee_for(proc, values)
            screen["fee"] = {"amount": amount, "amount_text": money(amount), "note": proc.fee.note.get(loc),
                             "status": a["fee"]["status"], "paid": a["fee"]["amount"],
                             "paid_text": money(a["fee"]["amount"])}
        for msg in self._phone:
            text = msg[loc]
            text = text.format(code=msg.get("code", ""), minutes=msg.get("minutes", ""),
                               amount=msg.get("amount", ""), ref=msg.get("ref", ""))
            screen["phone"].append({"kind": msg["kind"], "text": text})
        sender = s.portals.staff_chat.sender.get(loc)
        screen["chat"] = [{"who": m["who"], "sender": sender if m["who"] == "staff" else "",
                           "text": m[loc] if m["who"] == "staff" else m["text"]} for m in self._chat]
        self.set_trait("screen", screen)
        if self._key is not None and (a["code"] or a["ended"]):
            result = self._kind.score(s, self._key, a)
            items = self._kind.feedback(s, self._key, result, loc)
            summary = {**dossier_summary(items, result), "next": next_lesson_link(self._next_lesson, loc)}
            if a["ended"]:  # an ended attempt has no step to reopen: "Start again" is the way back
                summary["review"] = [{k: v for k, v in r.items() if k != "step"} for r in summary["review"]]
            self.set_trait("feedback", {"points": result.points, "max_points": result.max_points, "items": items,
                                        "summary": summary})

    def _restore_answers(self, parsed: Any) -> None:
        a = resumed(parsed.model_dump())
        self.set_trait("answers", a)
        self._render_screen()
        if a != empty_answers():
            self._set_status("info", _RESTORED)


def _clean(value: Any) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Refused(f"expected text, got {type(value).__name__}", NOT_UNDERSTOOD)
    return normalize_text(str(value))


def _display(f: FieldDef, value: str, locale: str) -> str:
    """How a value reads on the review page (a choice by its label)."""
    if f.type == "choice":
        for c in f.choices:
            if c.id == value:
                return c.label.get(locale)
    return value


__all__ = ["DossierPortal"]
