"""Feedback on a filed or ended dossier attempt (lesson mode only): one line per real problem, in flow order.

A mistake is said once, where it was made, with the human label of its field, document or step: a fake
portal that ended the attempt is one line (not one per item it zeroed), the wrong procedure is said at the
procedure (not again at every field and document of the form it emptied), and the steps an attempt never
reached are one line naming them. `dossier_summary` turns the same lines into the result screen.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._i18n import N_, gettext
from .._score import ItemScore, Score
from .flow import portal_domain
from .model import DossierKey, DossierScenario
from .rules import money, problem_text
from .schema import ProcedureDef

_OUTCOME_TEXT = {
    ("portal", "correct"): N_("You chose the official portal."),
    ("portal", "unanswered"): N_("You did not choose a portal."),
    ("sign_in", "correct"): N_("You signed in with your own VNeID account."),
    ("sign_in", "locked"): N_("The account was locked after too many wrong passcodes."),
    ("sign_in", "unanswered"): N_("You did not sign in."),
    ("procedure", "correct"): N_("You chose the right procedure."),
    ("procedure", "wrong"): N_("This is not the procedure the situation needs: read the task card again. The form "
        "and documents of another procedure cannot count."),
    ("procedure", "unanswered"): N_("You did not choose a procedure."),
    ("agency", "correct"): N_("You chose a competent agency."),
    ("agency", "wrong"): N_("This agency does not handle this procedure for this family."),
    ("agency", "unanswered"): N_("You did not choose the agency."),
    ("field", "missing"): N_("Left empty."),
    ("field", "wrong_procedure"): N_("Not filled: the wrong procedure was chosen."),
    ("field", "mismatch"): N_("You wrote “{given}”, but the task card says “{expected}”."),
    ("document", "missing"): N_("No file attached: this document is required."),
    ("document", "missing_optional"): N_("Nothing attached, but this situation needs this document too."),
    ("document", "wrong_procedure"): N_("Not attached: the wrong procedure was chosen."),
    ("document", "mismatch"): N_("This is not the right file for this place."),
    ("document", "not_needed"): N_("Nothing needs to be attached here for this situation."),
    ("commitment", "correct"): N_("You ticked the commitment after checking the dossier."),
    ("commitment", "unanswered"): N_("The commitment (“Tôi xin cam đoan …”) was not ticked."),
    ("otp", "correct"): N_("You confirmed with the OTP sent to your own phone."),
    ("otp", "unanswered"): N_("The dossier was not confirmed with the OTP."),
    ("otp_safety", "correct"): N_("You did not give the OTP to the “staff member” in the chat. Nobody legitimate ever "
        "asks you to read out an OTP."),
    ("otp_safety", "shared"): N_("You sent the OTP to a stranger in the chat. Nobody legitimate (not the portal, the "
        "police or a bank) ever asks for an OTP: with it, a scammer can act in your name."),
    ("otp_safety", "unanswered"): N_("The OTP step was not reached."),
    ("fee", "correct"): N_("The fee was handled correctly."),
    ("fee", "unanswered"): N_("The fee step was not done."),
    ("fee", "paid_when_waived"): N_("This dossier is free of charge (or the fee is waived): nothing should have been "
        "paid."),
    ("fee", "waived_wrongly"): N_("This dossier has a fee of {expected} đ that had to be paid."),
    ("fee", "wrong_amount"): N_("You paid {given} đ, but this dossier costs {expected} đ."),
    ("submitted", "correct"): N_("The dossier was filed and received a dossier code."),
    ("submitted", "unanswered"): N_("The dossier was not filed: there is no dossier code."),
    ("tracked", "correct"): N_("You followed the dossier until the result."),
    ("tracked", "unanswered"): N_("You did not follow the dossier's status until the result."),
}
_VISITED = N_("You first went to a fake portal: its real domain is {domain} (the last two parts of the address "
    "before the first “/”), not a .gov.vn address. In real life, what you typed there would have gone to scammers. "
    "You then went back and chose the real portal.")
_NOT_REACHED = N_("Steps not done")
_FAKE = N_("The attempt ended on a fake portal: nothing you typed there counts, and in real life it would have gone "
    "to scammers.")
_CORRECT_FIELD = N_("Correct.")
_CORRECT_DOC = N_("The right document.")

_ITEM_LABELS = {
    "portal": N_("Portal address"), "sign_in": N_("Sign-in with VNeID"), "procedure": N_("Choice of procedure"),
    "agency": N_("Competent agency"), "commitment": N_("Commitment"), "otp": N_("OTP confirmation"),
    "otp_safety": N_("OTP kept secret"), "fee": N_("Fee"), "submitted": N_("Dossier filed"),
    "tracked": N_("Status followed"),
}


_STEP_OF = {"portal": 1, "sign_in": 2, "procedure": 3, "agency": 3, "field": 4, "document": 5, "commitment": 6,
            "otp": 7, "otp_safety": 7, "fee": 8, "submitted": 9, "tracked": 9}
"""The step (1-9, as in `STEPS`) where each item is done: where the learner goes to look at it again."""
_CONSEQUENCES = ("fake_portal", "wrong_procedure")
"""Outcomes that only repeat an earlier mistake (said once, at the portal or the procedure)."""


def dossier_feedback(scenario: DossierScenario, key: DossierKey, result: Score, locale: str) -> list[dict[str, Any]]:
    """One line per scored item that says something of its own: {item_id, label, ok, points, max_points,
    messages, step}; consequences of one mistake are said once, and the steps never reached share one line.
    Lesson mode only."""
    proc = scenario.procedure(key.procedure)
    out: list[dict[str, Any]] = []
    not_reached: list[ItemScore] = []
    for item in result.items:
        if item.outcome in _CONSEQUENCES and item.item_id != "portal":
            continue
        if item.outcome == "unanswered" and item.item_id != "portal":
            not_reached.append(item)
            continue
        label, messages = _explain(scenario, proc, item, locale)
        out.append(_line(item.item_id, label, item.outcome == "correct", item.points, item.max_points, messages))
    if not_reached:
        labels = [_explain(scenario, proc, i, locale)[0] for i in not_reached]
        out.append(_line("not_reached", gettext(_NOT_REACHED, locale), False, 0,
                         sum(i.max_points for i in not_reached), [", ".join(dict.fromkeys(labels)) + "."],
                         step=_step(not_reached[0].item_id)))
    return sorted(out, key=lambda line: line["step"])


def dossier_summary(feedback: list[dict[str, Any]], result: Score) -> dict[str, Any]:
    """The result screen: the total, what went well, what to review (each with the step to reopen)."""
    return {"points": result.points, "max_points": result.max_points,
            "good": [{"id": f["item_id"], "label": f["label"]} for f in feedback if f["ok"]],
            "review": [{"id": f["item_id"], "label": f["label"], "why": " ".join(f["messages"]), "step": f["step"]}
                       for f in feedback if not f["ok"]]}


def _step(item_id: str) -> int:
    return _STEP_OF.get(item_id.partition(":")[0], 1)


def _line(item_id: str, label: str, ok: bool, points: float, max_points: float, messages: list[str], *,
          step: int | None = None) -> dict[str, Any]:
    return {"item_id": item_id, "label": label, "ok": ok, "points": points, "max_points": max_points,
            "messages": messages, "step": step or _step(item_id)}


def _explain(scenario: DossierScenario, proc: ProcedureDef, item: ItemScore, locale: str) -> tuple[str, list[str]]:
    """(label, messages) of one scored item."""
    _: Callable[[str], str] = lambda m: gettext(m, locale)  # noqa: E731
    d = item.details
    group, _sep, ref = item.item_id.partition(":")
    if item.outcome == "fake_portal":
        return _(_ITEM_LABELS["portal"]), [scenario.portals.explain[d["given"]].get(locale), _(_FAKE)]
    if item.outcome == "fake_portal_visited":
        address = next(p.address for p in scenario.portals.choices if p.id == d["given"])
        return _(_ITEM_LABELS["portal"]), [_(_VISITED).format(domain=portal_domain(address) or address)]
    if group == "field":
        f = proc.field(ref)
        if item.outcome == "correct":
            return f.label.get(locale), [_(_CORRECT_FIELD)]
        if item.outcome == "invalid":
            return f.label.get(locale), [problem_text(p, locale) for p in d["problems"]]
        given, expected = d["given"], d["expected"]
        if f.type == "choice":
            names = {c.id: c.label.get(locale) for c in f.choices}
            given, expected = names.get(given, given), names.get(expected, expected)
        return f.label.get(locale), [_(_OUTCOME_TEXT[("field", item.outcome)]).format(given=given, expected=expected)]
    if group == "document":
        slot = proc.slot(ref)
        if item.outcome == "correct":
            return slot.label.get(locale), [_(_CORRECT_DOC)]
        if item.outcome == "wrong":
            return slot.label.get(locale), [problem_text(p, locale) for p in d["problems"]]
        return slot.label.get(locale), [_(_OUTCOME_TEXT[("document", item.outcome)])]
    label = _(_ITEM_LABELS.get(group, group))
    if item.item_id == "portal" and d.get("given"):
        return label, [scenario.portals.explain[d["given"]].get(locale)]
    text = _(_OUTCOME_TEXT[(item.item_id, item.outcome)])
    return label, [text.format(expected=_amount(d.get("expected")), given=_amount(d.get("given")))]


def _amount(value: Any) -> str:
    """A fee figure of the details as written in the text (0 when the item has none)."""
    return money(value if isinstance(value, int) else 0)


def dossier_item_label(scenario: DossierScenario, item_id: str, locale: str) -> str:
    """The human label of a scored item, for a teacher's table: the field's or document's own label ("Họ tên
    cha", "Giấy chứng sinh") or the step's ("Cơ quan có thẩm quyền"), never "field:…" or "agency"."""
    group, _sep, ref = item_id.partition(":")
    for proc in scenario.procedures:
        if group == "field" and ref in {f.id for f in proc.fields}:
            return proc.field(ref).label.get(locale)
        if group == "document" and ref in {s.id for s in proc.documents}:
            return proc.slot(ref).label.get(locale)
    if group == "not_reached":
        return gettext(_NOT_REACHED, locale)
    return gettext(_ITEM_LABELS[group], locale) if group in _ITEM_LABELS else item_id
