"""The portal's public rules (pure): how each form field is checked, which file fits a slot, what it costs.

The same rules check a learner's typing live (the widget), a task's expected dossier when it is loaded
(a key that fails its own rule is a content error) and the answers when they are scored.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from .._common import LocalText
from .._i18n import N_
from .._text import normalize_text
from ..validators import (
    Problem,
    check_age,
    check_commune,
    check_date,
    check_full_name,
    check_mobile,
    check_personal_id,
    check_province,
    check_social_insurance,
    check_within_days,
    format_date,
)
from .schema import FieldDef, FileDef, ProcedureDef, SlotDef

Checked = tuple[tuple[Problem, ...], str | None]
"""(problems, canonical value | None) of one field."""

_FIELD_MESSAGES = {
    "field.required": N_("This field is required (*)."),
    "field.choice": N_("Choose one of the options in the list."),
    "field.number": N_("Enter a whole number."),
    "field.number_range": N_("Enter a number from {minimum} to {maximum}."),
    "field.too_long": N_("Too long: at most {max_length} characters."),
    "field.read_only": N_("This information comes from the national population database and cannot be changed here."),
}


def _problem(code: str, **params: object) -> Problem:
    return Problem(code, _FIELD_MESSAGES[code], params)


def _name(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    return check_full_name(raw)


def _personal_id(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    birth = values.get(f.birth_date_field, "") if f.birth_date_field else None
    gender = values.get(f.gender_field, "") if f.gender_field else None
    problems, value = check_personal_id(raw, birth_date=birth or None,
                                          gender={"nam": "nam", "nu": "nữ"}.get(gender or ""), today=today)
    return problems, (value.number if value else None)


def _date(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    problems, value = check_date(raw, not_future=f.not_future, today=today)
    if problems or value is None:
        return problems, None
    more: tuple[Problem, ...] = ()
    if f.min_age is not None or f.max_age is not None:
        more += check_age(value, min_years=f.min_age, max_years=f.max_age, today=today)
    if f.within_days is not None:
        more += check_within_days(value, f.within_days, today=today)
    return (more, None) if more else ((), format_date(value))


def _mobile(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    problems, value = check_mobile(raw)
    return problems, (value.national if value else None)


def _bhxh(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    return check_social_insurance(raw, today=today)


def _province(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    problems, value = check_province(raw, historical=f.historical)
    return problems, (value.full_name if value else None)


def _commune(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    return check_commune(raw, historical=f.historical)


def _choice(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    if raw not in {c.id for c in f.choices}:
        return (_problem("field.choice"),), None
    return (), raw


def _number(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    if not raw.isascii() or not raw.isdigit():
        return (_problem("field.number"),), None
    number = int(raw)
    lo = f.minimum if f.minimum is not None else 0
    hi = f.maximum if f.maximum is not None else 10**9
    if not lo <= number <= hi:
        return (_problem("field.number_range", minimum=lo, maximum=hi),), None
    return (), str(number)


def _text(f: FieldDef, raw: str, values: Mapping[str, str], today: date) -> Checked:
    if len(raw) > f.max_length:
        return (_problem("field.too_long", max_length=f.max_length),), None
    return (), raw


_CHECKERS: dict[str, Callable[[FieldDef, str, Mapping[str, str], date], Checked]] = {
    "name": _name, "personal_id": _personal_id, "date": _date, "mobile": _mobile, "bhxh": _bhxh,
    "province": _province, "commune": _commune, "choice": _choice, "number": _number, "text": _text}
"""The check of each field type: (field, typed value, the whole form, filing day) -> Checked."""


def check_field(proc: ProcedureDef, f: FieldDef, values: Mapping[str, str], *, today: date) -> Checked:
    """Check one field's typed value in the context of the whole form.

    Returns (problems, canonical value | None). The canonical value is what scoring compares: a
    normalised name, a dd/mm/yyyy date, 0-prefixed mobile, a province's full name, a choice id …
    """
    raw = normalize_text(values.get(f.id, "") or "")
    if not raw:
        return ((_problem("field.required"),), None) if f.required else ((), "")
    return _CHECKERS[f.type](f, raw, values, today)


def check_form(proc: ProcedureDef, values: Mapping[str, str], *, today: date) -> dict[str, Checked]:
    """check_field for every field of the form, in form order."""
    return {f.id: check_field(proc, f, values, today=today) for f in proc.fields}


def same_value(f: FieldDef, canonical: str | None, expected: str) -> bool:
    """Whether a checked value equals the expected one (case and spacing do not matter for text)."""
    if canonical is None:
        return False
    if f.type in ("text", "commune", "province", "name"):
        return canonical.casefold() == expected.casefold()
    return canonical == expected


_DOC_MESSAGES = {
    "doc.missing": N_("No file attached: this document is required."),
    "doc.wrong_type": N_("“{file}” is {type_label}, not the document this place needs ({slot})."),
    "doc.unreadable": N_("“{file}” cannot be read: {description} Take a clear photo or scan of the whole page."),
    "doc.expired": N_("“{file}” expired on {date}, before the filing day {today}; attach a valid document."),
    "doc.wrong_person": N_("“{file}” is about {about}, not the person in this dossier."),
    "doc.not_needed": N_("Nothing needs to be attached here for this situation."),
}


def doc_problem(code: str, **params: object) -> Problem:
    """A document problem by its code ("doc.wrong_person" …), its sentence's {names} filled from `params`."""
    return Problem(code, _DOC_MESSAGES[code], params)


def document_problems(slot: SlotDef, file: FileDef, today: date) -> tuple[Problem, ...]:
    """What is wrong with putting `file` into `slot`, by the public rules: type, readable, not expired."""
    problems: list[Problem] = []
    if file.type not in slot.accepts:
        problems.append(doc_problem("doc.wrong_type", file=file.name, type_label=file.type_label, slot=slot.label))
    if not file.readable:
        problems.append(doc_problem("doc.unreadable", file=file.name, description=file.description))
    if file.valid_until is not None and file.valid_until < today:
        problems.append(doc_problem("doc.expired", file=file.name, date=format_date(file.valid_until),
                                    today=format_date(today)))
    return tuple(problems)


def wrong_person(given: FileDef, right: FileDef) -> Problem | None:
    """The problem of a file about someone else than the document that belongs in the slot, if it is."""
    if given.about == right.about:
        return None
    return doc_problem("doc.wrong_person", file=given.name, about=given.about)


def problem_text(problem: Problem, locale: str) -> str:
    """A problem's sentence in `locale`, with any bilingual parameter (file type, slot) in that locale too."""
    params = {k: (val.get(locale) if isinstance(val, LocalText) else val) for k, val in problem.params.items()}
    return Problem(problem.code, problem.message, params).text(locale)


def fee_for(proc: ProcedureDef, fields: Mapping[str, str]) -> int:
    """The fee a dossier with these field values costs, by the procedure's rule (pure)."""
    amount = proc.fee.amount
    if proc.fee.by_choice is not None:
        chosen = fields.get(proc.fee.by_choice.field, "")
        amount = proc.fee.by_choice.amounts.get(chosen, amount)
    extra = proc.fee.per_extra_copy
    if extra is not None and amount > 0:
        try:
            copies = int(fields.get(extra.field, "") or 0)
        except ValueError:
            copies = 0
        amount += max(0, copies - extra.after) * extra.amount
    return amount


def money(amount: int) -> str:
    """An amount of đồng as Vietnamese write it: 1.200.000."""
    return f"{amount:,}".replace(",", ".")
