"""Feedback on an answered phone scenario (lesson mode only): the verdict, why each option is right or
wrong, the passphrase checks explained."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._i18n import N_, gettext
from .._score import ItemScore, Score, item_feedback
from .model import PhoneKey, PhoneScenario
from .passwords import CHECKS

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
_FLAG = N_("The red flag: {flag}.")
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
    return item_feedback(item, gettext(_HEADLINES[item.outcome], locale), lines=lines,
                         explain=step_key.explain.get(locale),
                         flag=step_key.flag.get(locale) if step_key.flag and item.outcome != "unanswered" else "")


def phone_summary(scenario: PhoneScenario, key: PhoneKey, result: Score, locale: str) -> dict[str, Any]:
    """The result screen once every step is answered: the total, the steps done well, the steps to look at
    again (each with its number, so the learner can reopen it, and its lesson)."""
    good: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    for n, item in enumerate(result.items, start=1):
        step, step_key = scenario.step(item.item_id), key.steps[item.item_id]
        entry: dict[str, Any] = {"id": step.id, "label": f"{n}. {step.screen.title.get(locale)}"}
        if item.outcome == "correct":
            good.append(entry)
        else:
            flag = gettext(_FLAG, locale).format(flag=step_key.flag.get(locale)) + " " if step_key.flag else ""
            review.append({**entry, "step": n, "why": flag + step_key.explain.get(locale)})
    return {"points": result.points, "max_points": result.max_points, "good": good, "review": review}

