"""Validation of Vietnamese form fields, as a public-service portal would check them.

Every rule is a pure function: it takes what the learner typed and returns
``(problems, value)`` — a tuple of `Problem` (empty when the field is valid) and the normalised
value (``None`` whenever there is a problem). A `Problem` carries a machine code, an English
message template (the gettext msgid) and its parameters; ``problem.text("vi")`` gives the sentence
to show under the field. The only I/O is reading the bundled ``content/provinces.yaml`` once.

Public API
----------
Problems      `Problem`, `MESSAGES` (code → msgid), `messages(problems, locale)`
ID number     `check_personal_id(value, *, birth_date=None, gender=None, today=None)` → `PersonalId`
Mobile        `check_mobile(value)` → `Mobile` (E.164 and 10-digit national form, via `phonenumbers`)
Dates         `parse_date(value)`, `check_date(value, *, not_future=True, earliest=date(1900, 1, 1), today=None)`,
              `format_date(d)`, `age_on(birth_date, today)`,
              `check_age(birth_date, *, min_years=None, max_years=None, today=None)`,
              `check_within_days(event_date, deadline_days, *, today=None)`
Insurance     `check_social_insurance(value)` → the 10- or 12-digit number
Places        `provinces()`, `old_provinces()`, `province_for_id_code(code)`, `old_province(code)`,
              `check_province(value, *, historical=False)`, `check_commune(value, *, historical=False)`,
              `check_address(province, commune, *, historical=False)` → `Address`
Names         `normalize_name(value)`, `check_full_name(value, *, min_words=2)`

Problem codes start with the field they belong to (``id.``, ``mobile.``, ``date.``, ``age.``,
``deadline.``, ``bhxh.``, ``province.``, ``commune.``, ``name.``), so a form can put each message
under the right field.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, TypeVar

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field

from ._content import content_root, read_yaml, validate
from ._errors import ContentError
from ._i18n import N_, gettext
from ._text import normalize_text

__all__ = [
    "MESSAGES", "Address", "Mobile", "OldProvince", "PersonalId", "Problem", "Province",
    "age_on", "check_address", "check_age", "check_commune", "check_date", "check_full_name", "check_mobile",
    "check_personal_id", "check_province", "check_social_insurance", "check_within_days", "format_date",
    "messages", "normalize_name", "old_province", "old_provinces", "parse_date", "province_for_id_code",
    "provinces",
]

# --------------------------------------------------------------------------------------------------
# Problems and their messages
# --------------------------------------------------------------------------------------------------

#: Every problem code this module can return, with its English message (a str.format template and
#: the gettext msgid; the Vietnamese is in locales/vi/LC_MESSAGES/validators.po).
MESSAGES: Mapping[str, str] = MappingProxyType({
    # personal identification number
    "id.empty": N_("Enter the 12-digit personal identification number."),
    "id.not_digits": N_("The personal identification number has digits only; remove {chars}."),
    "id.length": N_("The personal identification number has 12 digits; this one has {count}."),
    "id.province_unknown": N_(
        "{code} is not a province code: the first three digits are the code of the province where the birth "
        "was registered (001 to 096; these codes did not change with the 2025 merger)."),
    "id.century_mismatch": N_(
        "The fourth digit ({digit}) means a birth year from {first} to {last}, but the date of birth is in {year}."),
    "id.gender_mismatch_male": N_(
        "The fourth digit ({digit}) is even, which means male, but the gender given is female."),
    "id.gender_mismatch_female": N_(
        "The fourth digit ({digit}) is odd, which means female, but the gender given is male."),
    "id.year_mismatch": N_(
        "Digits 5 and 6 ({digits}) must be the last two digits of the birth year {year}, that is {expected}."),
    "id.future": N_("This number means a birth year of {year}, which is in the future: check the fourth digit."),
    # mobile numbers
    "mobile.empty": N_("Enter a mobile phone number."),
    "mobile.not_digits": N_("A phone number has digits only; remove {chars}."),
    "mobile.length": N_(
        "A Vietnamese mobile number has 10 digits starting with 0 (or +84 followed by 9 digits); "
        "this one has {count} digits."),
    "mobile.old_11_digits": N_(
        "11-digit mobile numbers starting with 01 were changed to 10 digits in 2018-2019; enter the new number."),
    "mobile.foreign": N_(
        "+{country_code} is not a Vietnamese number (Vietnam is +84). Give your own Vietnamese mobile number. "
        "Be careful with calls from foreign numbers that claim to be a bank, the police or a delivery service: "
        "they are a common scam."),
    "mobile.landline": N_(
        "{number} is a landline number; give a mobile number that can receive the OTP text message."),
    "mobile.not_mobile": N_("{number} is not a mobile number (it is a service or special number)."),
    "mobile.invalid": N_("No Vietnamese mobile network uses numbers starting with {prefix}; check the number."),
    # dates
    "date.empty": N_("Enter the date as dd/mm/yyyy."),
    "date.format": N_("Write the date as dd/mm/yyyy, for example 05/09/2024."),
    "date.year_digits": N_("Write the year with four digits, for example 05/09/2024."),
    "date.month": N_("There is no month {month}: the month is between 1 and 12."),
    "date.day": N_("{month}/{year} has no day {day}: that month has {days} days."),
    "date.future": N_("{date} is in the future."),
    "date.too_early": N_("{date} is too far in the past: check the year."),
    # age and deadlines
    "age.too_young": N_("Must be at least {min_years} years old; on {today} the age is {age}."),
    "age.too_old": N_("Must be at most {max_years} years old; on {today} the age is {age}."),
    "age.not_born": N_("The date of birth {date} is after {today}."),
    "deadline.passed": N_(
        "This had to be done within {days} days of {start}, that is by {deadline}; it is {late} days late."),
    "deadline.before_start": N_("{today} is before {start}, the date this is counted from."),
    # social insurance
    "bhxh.empty": N_("Enter the social-insurance number."),
    "bhxh.not_digits": N_("The social-insurance number has digits only; remove {chars}."),
    "bhxh.length": N_(
        "The social-insurance number has 10 digits (or, since 2025, the 12 digits of the personal "
        "identification number); this one has {count}."),
    "bhxh.health_card": N_(
        "This is a health-insurance card code; the social-insurance number is its last 10 digits: {number}."),
    # provinces and addresses
    "province.empty": N_("Choose the province or city."),
    "province.unknown": N_("{value} is not one of the 34 provinces and cities (since 1/7/2025)."),
    "province.unknown_historical": N_(
        "{value} is not a province or city (neither one of the 63 before 1/7/2025 nor one of the 34 after)."),
    "province.unaccented": N_("Write the name with its Vietnamese diacritics: did you mean {suggestion}?"),
    "province.merged": N_("Since 1/7/2025 {old} is part of {new}: write {new}."),
    "province.renamed": N_("{old} is now called {new}: write {new}."),
    "commune.empty": N_("Enter the commune, ward or special zone (xã, phường, đặc khu)."),
    "commune.district_abolished": N_(
        "{unit}: districts (quận, huyện, thị xã, district-level cities) were abolished on 1/7/2025. "
        "Give only the commune, ward or special zone, directly under the province."),
    "commune.township_abolished": N_(
        "{unit}: townships (thị trấn) were abolished on 1/7/2025; the place is now a commune (xã). "
        "Give its new name."),
    "commune.kind": N_("Start with Xã, Phường or Đặc khu, for example Phường Ba Đình or Xã Tân Lập."),
    "commune.name_missing": N_("Write the name after {kind}."),
    # names
    "name.empty": N_("Enter the full name."),
    "name.digits": N_("A name cannot contain digits ({chars})."),
    "name.symbols": N_("A name cannot contain these characters: {chars}."),
    "name.too_few_words": N_("Write the full name: family name, middle name(s) and given name."),
})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a field.

    code     machine id, e.g. "id.century_mismatch" (the part before the dot names the field)
    message  English message template, the gettext msgid (see `MESSAGES`)
    params   values for the template's {placeholders} (already formatted: dates as dd/mm/yyyy)
    """

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def text(self, locale: str | None = None) -> str:
        """The message in `locale` ("vi" or "en"; default: the process locale), filled in."""
        return gettext(self.message, locale).format(**self.params)

    def __str__(self) -> str:  # English, for logs and assertion messages
        return f"{self.code}: {self.message.format(**self.params)}"


def _problem(code: str, /, **params: object) -> Problem:
    return Problem(code, MESSAGES[code], MappingProxyType(dict(params)))


def messages(problems: Iterable[Problem], locale: str | None = None) -> list[str]:
    """The texts of `problems` in `locale`, in order (what a form shows under a field)."""
    return [p.text(locale) for p in problems]


T = TypeVar("T")
Result = tuple[tuple[Problem, ...], T | None]
"""(problems, the checked value | None): no problems and a value, or problems and None."""

_SPACE_LIKE = re.compile(r"[\s.\-()]+")


def _bad_chars(text: str, allowed: str) -> str:
    """The distinct characters of `text` not in `allowed`, quoted, in order of appearance."""
    seen: list[str] = []
    for ch in text:
        if ch not in allowed and ch not in seen:
            seen.append(ch)
    return ", ".join(f"“{c}”" for c in seen)


# --------------------------------------------------------------------------------------------------
# Province data (content/provinces.yaml)
# --------------------------------------------------------------------------------------------------

Kind = Literal["tỉnh", "thành phố"]


class Province(BaseModel):
    """A provincial-level unit after 1-7-2025 (one of 34)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(pattern=r"^\d\d$")  # national statistical code
    name: str                             # without prefix, e.g. "Hồ Chí Minh"
    kind: Kind
    old_codes: tuple[str, ...] = Field(min_length=1)  # ID-card codes of the former provinces it covers
    aliases: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        """"Thành phố Hồ Chí Minh", "Tỉnh Cao Bằng" — as written on an address."""
        return f"{'Thành phố' if self.kind == 'thành phố' else 'Tỉnh'} {self.name}"

    @property
    def display_name(self) -> str:
        """How the reference list writes it: "Thành phố Hà Nội" for a city, "Cao Bằng" for a province."""
        return self.full_name if self.kind == "thành phố" else self.name


class OldProvince(BaseModel):
    """A provincial-level unit before 1-7-2025 (one of 63), with its ID-card code."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(pattern=r"^\d{3}$")
    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return f"{'Thành phố' if self.kind == 'thành phố' else 'Tỉnh'} {self.name}"

    @property
    def current(self) -> Province:
        """The unit it belongs to since 1-7-2025."""
        return _data().by_old_code[self.code]


class _ProvinceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provinces: tuple[Province, ...]
    old_provinces: tuple[OldProvince, ...]


@dataclass(frozen=True)
class _Data:
    current: tuple[Province, ...]
    old: tuple[OldProvince, ...]
    old_by_code: Mapping[str, OldProvince]
    by_old_code: Mapping[str, Province]
    current_keys: Mapping[str, Province]
    old_keys: Mapping[str, OldProvince]
    current_plain: Mapping[str, tuple[str, ...]]   # name without diacritics → full names to suggest
    old_plain: Mapping[str, tuple[str, ...]]       # name without diacritics → spellings to suggest


@lru_cache(maxsize=1)
def _data() -> _Data:
    path = content_root() / "provinces.yaml"
    data = validate(_ProvinceFile, read_yaml(path), path=path)
    old_by_code = {o.code: o for o in data.old_provinces}
    if len(old_by_code) != len(data.old_provinces):
        raise ContentError("an old province code appears twice", path=path, field="old_provinces")
    by_old_code: dict[str, Province] = {}
    for p in data.provinces:
        for code in p.old_codes:
            if code not in old_by_code:
                raise ContentError(f"{p.name}: old code {code} is not in old_provinces", path=path,
                                   field="provinces")
            if code in by_old_code:
                raise ContentError(f"old code {code} is merged into both {by_old_code[code].name} and {p.name}",
                                   path=path, field="provinces")
            by_old_code[code] = p
    missing = sorted(set(old_by_code) - set(by_old_code))
    if missing:
        raise ContentError(f"old codes {', '.join(missing)} belong to no current province", path=path,
                           field="provinces")
    current_keys: dict[str, Province] = {}
    current_plain: dict[str, list[str]] = {}
    for p in data.provinces:
        for name in (p.name, *p.aliases):
            current_keys[_key(name)] = p
            current_plain.setdefault(_plain(_key(name)), []).append(p.full_name)
    old_keys: dict[str, OldProvince] = {}
    old_plain: dict[str, list[str]] = {}
    for o in data.old_provinces:
        for name in (o.name, *o.aliases):
            old_keys[_key(name)] = o
            old_plain.setdefault(_plain(_key(name)), []).append(name)
    return _Data(
        current=data.provinces, old=data.old_provinces,
        old_by_code=MappingProxyType(old_by_code), by_old_code=MappingProxyType(by_old_code),
        current_keys=MappingProxyType(current_keys), old_keys=MappingProxyType(old_keys),
        current_plain=MappingProxyType({k: tuple(dict.fromkeys(v)) for k, v in current_plain.items()}),
        old_plain=MappingProxyType({k: tuple(dict.fromkeys(v)) for k, v in old_plain.items()}),
    )


def preload() -> None:
    """Read the province and commune data now rather than at the first check (the classroom's kernel
    zygote does, so that every kernel forked from it shares one copy)."""
    _data()


def provinces() -> tuple[Province, ...]:
    """The 34 provincial-level units since 1-7-2025, in code order."""
    return _data().current


def old_provinces() -> tuple[OldProvince, ...]:
    """The 63 provincial-level units before 1-7-2025, in ID-card code order."""
    return _data().old


def old_province(code: str) -> OldProvince | None:
    """The former province with this 3-digit ID-card code (e.g. "074" → Bình Dương), or None."""
    return _data().old_by_code.get(code)


def province_for_id_code(code: str) -> Province | None:
    """The current (2025) unit covering the province with this 3-digit ID-card code, or None.

    "074" (Bình Dương) → Thành phố Hồ Chí Minh. Accepts a whole 12-digit ID number too (uses its first
    three digits). ID numbers themselves never change with the merger.
    """
    return _data().by_old_code.get(re.sub(r"\s+", "", code)[:3])


# Name keys: NFC, case-folded, prefix removed, dashes as spaces, one tone-mark placement.
_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.|t\.p\.|tp|tinh|thanh pho)(?:\s+|(?<=\.)(?=\S))")
_OLD_STYLE_TONE = {  # "hoà" → "hòa", "thuý" → "thúy": both spellings are in use; compare one
    **{f"o{a}": f"{o}a" for a, o in zip("àáảãạ", "òóỏõọ", strict=True)},
    **{f"o{e}": f"{o}e" for e, o in zip("èéẻẽẹ", "òóỏõọ", strict=True)},
    **{f"u{y}": f"{u}y" for y, u in zip("ỳýỷỹỵ", "ùúủũụ", strict=True)},
}
_OLD_STYLE_RE = re.compile(r"(" + "|".join(_OLD_STYLE_TONE) + r")\b")


def _key(value: str) -> str:
    text = normalize_text(value).casefold()
    text = re.sub(r"[-‐‑–—_,]+", " ", text)
    text = normalize_text(text)
    text = _PREFIX.sub("", text, count=1)
    text = _OLD_STYLE_RE.sub(lambda m: _OLD_STYLE_TONE[m.group(1)], text)
    return normalize_text(text)


def _plain(text: str) -> str:
    """`text` without Vietnamese diacritics (đ → d): for suggestions only, never for matching."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


def check_province(value: str, *, historical: bool = False) -> Result[Province | OldProvince]:
    """Check a province/city name. Returns (problems, Province | OldProvince | None).

    Current field (``historical=False``, e.g. place of residence): must be one of the 34 units since
    1-7-2025; returns the `Province`. A former province's name ("Bình Dương") is a problem that names
    the unit it merged into. Historical field (``historical=True``, e.g. place of birth registration):
    any of the 63 former names (or a current one) is accepted; returns the `OldProvince` (for "Huế",
    Thừa Thiên Huế). Prefixes "Tỉnh", "Thành phố", "TP." are optional; case and Unicode form do not
    matter; a name typed without diacritics is not accepted but gets a "did you mean" suggestion.
    """
    text = normalize_text(value or "")
    if not text:
        return (_problem("province.empty"),), None
    data = _data()
    key = _key(text)
    if historical:
        if key in data.old_keys:
            return (), data.old_keys[key]
        if key in data.current_keys:  # a name only in use since 2025: the former province it grew from
            unit = data.current_keys[key]
            return (), data.old_by_code[unit.old_codes[0]]
    else:
        if key in data.current_keys:
            return (), data.current_keys[key]
        if key in data.old_keys:
            old = data.old_keys[key]
            new = old.current
            code = "province.renamed" if new.old_codes == (old.code,) else "province.merged"
            return (_problem(code, old=old.name, new=new.full_name),), None
    plain = _plain(key)
    candidates = list(data.old_plain.get(plain, ()) if historical else
                      data.current_plain.get(plain, ()) or data.old_plain.get(plain, ()))
    if candidates:
        return (_problem("province.unaccented", suggestion=" / ".join(candidates)),), None
    return (_problem("province.unknown_historical" if historical else "province.unknown", value=text),), None


# Unit kinds as typed (case-folded) → as written on an address.
_COMMUNE_KINDS = {"xã": "Xã", "phường": "Phường", "đặc khu": "Đặc khu"}
_TOWNSHIP = {"thị trấn": "Thị trấn"}
_DISTRICT_KINDS = {"quận": "Quận", "huyện": "Huyện", "thị xã": "Thị xã", "thành phố": "Thành phố",
                   "tp.": "Thành phố", "tp": "Thành phố"}


def _split_kind(part: str, kinds: Mapping[str, str]) -> tuple[str, str] | None:
    """If `part` starts with one of `kinds` (any case), return (the kind as written, the rest)."""
    low = part.casefold()
    for typed, written in kinds.items():
        if low == typed or low.startswith(typed + " ") or (typed.endswith(".") and low.startswith(typed)):
            return written, part[len(typed):].strip()
    return None


def _title_word(word: str) -> str:
    return word[:1].upper() + word[1:]


def _title_unit(part: str, kinds: Mapping[str, str]) -> str:
    """"phường ba đình" → "Phường Ba Đình", "đặc khu phú quốc" → "Đặc khu Phú Quốc"; "Phường 1" kept."""
    found = _split_kind(part, kinds)
    kind, rest = found if found else ("", part)
    words = [w if w[:1].isdigit() else _title_word(w.lower()) for w in rest.split(" ") if w]
    return " ".join([kind, *words] if kind else words)


_ALL_KINDS = {**_COMMUNE_KINDS, **_TOWNSHIP, **_DISTRICT_KINDS}


def check_commune(value: str, *, historical: bool = False) -> Result[str]:
    """Check a commune-level unit. Returns (problems, the normalised name, e.g. "Phường Ba Đình").

    Since 1-7-2025 there are two levels, province → commune (xã), ward (phường) or special zone
    (đặc khu); a district (quận, huyện, thị xã, district-level city) or township (thị trấn) in a current
    address is a problem explaining the change. With ``historical=True`` those older units are accepted
    (e.g. "Xã Tân Lập, Huyện Đan Phượng"). Only the form is checked: the list of the 3,321 communes is
    not shipped. Anything after a comma that is not a district (e.g. the province) is dropped.
    """
    text = normalize_text(value or "")
    if not text:
        return (_problem("commune.empty"),), None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if historical:
        first = _split_kind(parts[0], _ALL_KINDS)
        if first is None:
            return (_problem("commune.kind"),), None
        if not first[1]:
            return (_problem("commune.name_missing", kind=first[0]),), None
        return (), ", ".join(_title_unit(p, _ALL_KINDS) for p in parts if _split_kind(p, _ALL_KINDS))
    problems: list[Problem] = []
    for part in parts:
        if _split_kind(part, _DISTRICT_KINDS):
            problems.append(_problem("commune.district_abolished", unit=_title_unit(part, _DISTRICT_KINDS)))
        elif _split_kind(part, _TOWNSHIP):
            problems.append(_problem("commune.township_abolished", unit=_title_unit(part, _TOWNSHIP)))
    if problems:
        return tuple(problems), None
    found = _split_kind(parts[0], _COMMUNE_KINDS)
    if found is None:
        return (_problem("commune.kind"),), None
    kind, rest = found
    if not rest:
        return (_problem("commune.name_missing", kind=kind),), None
    return (), _title_unit(parts[0], _COMMUNE_KINDS)


@dataclass(frozen=True)
class Address:
    """A checked address: commune-level unit and province (current or historical)."""

    commune: str                        # "Phường Ba Đình": the commune-level unit's full name
    province: Province | OldProvince    # the province it belongs to (historical if allowed)

    @property
    def text(self) -> str:
        """"Phường Ba Đình, Thành phố Hà Nội"."""
        return f"{self.commune}, {self.province.full_name}"


def check_address(province: str, commune: str, *, historical: bool = False) -> Result[Address]:
    """Check a two-level address. Returns (problems of both fields, `Address` | None).

    Problems keep their field prefixes ("province.", "commune.") so each goes under its own field.
    """
    p_problems, p_value = check_province(province, historical=historical)
    c_problems, c_value = check_commune(commune, historical=historical)
    problems = p_problems + c_problems
    if problems or c_value is None or p_value is None:
        return problems, None
    return (), Address(commune=c_value, province=p_value)


# --------------------------------------------------------------------------------------------------
# Dates, ages, deadlines
# --------------------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d+)$")


def format_date(d: date) -> str:
    """dd/mm/yyyy, as on Vietnamese forms."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _days_in_month(year: int, month: int) -> int:
    return ((date(year + month // 12, month % 12 + 1, 1)) - date(year, month, 1)).days


def parse_date(value: str | date) -> Result[date]:
    """Parse dd/mm/yyyy (or d/m/yyyy). Returns (problems, date | None); no check of the range."""
    if isinstance(value, date):
        return (), value
    text = normalize_text(value or "")
    if not text:
        return (_problem("date.empty"),), None
    match = _DATE.match(text)
    if not match:
        return (_problem("date.format"),), None
    day, month, year = (int(g) for g in match.groups())
    if len(match.group(3)) != 4:
        return (_problem("date.year_digits"),), None
    if year < 1:
        return (_problem("date.format"),), None
    if not 1 <= month <= 12:
        return (_problem("date.month", month=month),), None
    days = _days_in_month(year, month)
    if not 1 <= day <= days:
        return (_problem("date.day", day=day, month=f"{month:02d}", year=year, days=days),), None
    return (), date(year, month, day)


def check_date(value: str | date, *, not_future: bool = True, earliest: date | None = date(1900, 1, 1),
               today: date | None = None) -> Result[date]:
    """Check a date typed as dd/mm/yyyy (d/m/yyyy accepted). Returns (problems, date | None).

    Impossible dates (31/04, 29/02 outside leap years) are refused; with ``not_future`` (the default,
    right for dates of birth) so is a date after `today` (default: date.today()); a date before
    `earliest` (default 1/1/1900, None for no limit) is taken for a typo in the year.
    """
    problems, parsed = parse_date(value)
    if problems or parsed is None:
        return problems, None
    today = today or date.today()
    if not_future and parsed > today:
        return (_problem("date.future", date=format_date(parsed)),), None
    if earliest is not None and parsed < earliest:
        return (_problem("date.too_early", date=format_date(parsed)),), None
    return (), parsed


def age_on(birth_date: date, today: date) -> int:
    """Age in completed years on `today` (someone born 29/02 turns a year older on 1/03)."""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def check_age(birth_date: date, *, min_years: int | None = None, max_years: int | None = None,
              today: date | None = None) -> tuple[Problem, ...]:
    """Check that the age in completed years on `today` is within [min_years, max_years] (both inclusive).

    "A child under 6" is ``max_years=5``; "14 or older" is ``min_years=14``.
    """
    today = today or date.today()
    if birth_date > today:
        return (_problem("age.not_born", date=format_date(birth_date), today=format_date(today)),)
    age = age_on(birth_date, today)
    if min_years is not None and age < min_years:
        return (_problem("age.too_young", min_years=min_years, age=age, today=format_date(today)),)
    if max_years is not None and age > max_years:
        return (_problem("age.too_old", max_years=max_years, age=age, today=format_date(today)),)
    return ()


def check_within_days(event_date: date, deadline_days: int, *, today: date | None = None) -> tuple[Problem, ...]:
    """Check that `today` is no more than `deadline_days` days after `event_date`.

    E.g. permanent residence for a newborn must be registered within 60 days of birth:
    ``check_within_days(birth, 60, today=filing_day)`` — day 60 is in time, day 61 is late.
    """
    today = today or date.today()
    if today < event_date:
        return (_problem("deadline.before_start", today=format_date(today), start=format_date(event_date)),)
    deadline = event_date + timedelta(days=deadline_days)
    if today > deadline:
        return (_problem("deadline.passed", days=deadline_days, start=format_date(event_date),
                         deadline=format_date(deadline), late=(today - deadline).days),)
    return ()


# --------------------------------------------------------------------------------------------------
# Personal identification number
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonalId:
    """What a valid 12-digit personal identification number says (layout PPP G YY RRRRRR)."""

    number: str                  # 12 digits, no spaces
    province_code: str           # PPP: where the birth was registered (fixed for life)
    gender: Literal["male", "female"]  # G: the gender digit (even male, odd female) ...
    birth_year: int                    # ... and century, with YY: the year of birth

    @property
    def province(self) -> OldProvince:
        """The province of birth registration, by its name before 1-7-2025."""
        return _data().old_by_code[self.province_code]

    @property
    def current_province(self) -> Province:
        """The unit that province belongs to since 1-7-2025."""
        return _data().by_old_code[self.province_code]


_DATE_MISMATCH = {"id.century_mismatch", "id.year_mismatch"}
_MALE = {"male", "m", "nam"}
_FEMALE = {"female", "f", "nữ", "nu", "nư"}


def _gender(value: str) -> Literal["male", "female"]:
    g = normalize_text(value).casefold()
    if g in _MALE:
        return "male"
    if g in _FEMALE:
        return "female"
    raise ValueError(f"unknown gender {value!r}; use 'male'/'nam' or 'female'/'nữ'")


def check_personal_id(value: str, *, birth_date: date | str | None = None, gender: str | None = None,
                      today: date | None = None) -> Result[PersonalId]:
    """Check a 12-digit personal identification number (số định danh cá nhân / Căn cước).

    Spaces are removed. Rules: 12 digits; the first three one of the 63 birth-registration province
    codes (unchanged by the 2025 merger); the 4th digit = century and gender (0/1 for 1900-1999
    male/female, 2/3 for 2000-2099, 4/5, 6/7, 8/9 for the next centuries) matching `birth_date` and
    `gender` ("male"/"nam", "female"/"nữ") when given; digits 5-6 = the birth year's last two digits;
    the birth year it implies not after `today`. `birth_date` may be a date or dd/mm/yyyy text (text
    that is not a date is ignored here: `check_date` reports it on its own field).
    Returns (problems, `PersonalId` | None).
    """
    if isinstance(birth_date, str):
        birth_date = parse_date(birth_date)[1]
    text = re.sub(r"\s+", "", normalize_text(value or ""))
    if not text:
        return (_problem("id.empty"),), None
    if not text.isascii() or not text.isdigit():
        return (_problem("id.not_digits", chars=_bad_chars(text, "0123456789")),), None
    if len(text) != 12:
        return (_problem("id.length", count=len(text)),), None
    problems: list[Problem] = []
    code = text[:3]
    if code not in _data().old_by_code:
        problems.append(_problem("id.province_unknown", code=code))
    digit = int(text[3])
    century = 1900 + (digit // 2) * 100
    id_year = century + int(text[4:6])
    id_gender: Literal["male", "female"] = "male" if digit % 2 == 0 else "female"
    if birth_date is not None:
        if not century <= birth_date.year < century + 100:
            problems.append(_problem("id.century_mismatch", digit=digit, first=century, last=century + 99,
                                     year=birth_date.year))
        if int(text[4:6]) != birth_date.year % 100:
            problems.append(_problem("id.year_mismatch", digits=text[4:6], year=birth_date.year,
                                     expected=f"{birth_date.year % 100:02d}"))
    if gender is not None:
        given = _gender(gender)
        if given != id_gender:
            problems.append(_problem(f"id.gender_mismatch_{id_gender}", digit=digit))
    if id_year > (today or date.today()).year and not any(p.code in _DATE_MISMATCH for p in problems):
        problems.append(_problem("id.future", year=id_year))
    if problems:
        return tuple(problems), None
    return (), PersonalId(number=text, province_code=code, gender=id_gender, birth_year=id_year)


# --------------------------------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mobile:
    """A valid Vietnamese mobile number in its two usual forms."""

    e164: str        # "+84912345678"
    national: str    # "0912345678"


def check_mobile(value: str) -> Result[Mobile]:
    """Check a Vietnamese mobile number: 0 + 9 digits, or +84 / 84 / 0084 + 9 digits.

    Spaces, dots, dashes and brackets are ignored. Validity and the number type come from the
    `phonenumbers` library (region VN, type MOBILE), not from a hand-kept prefix table. A landline, a
    service number, a foreign number (with a warning about scam calls) and an old 11-digit 01x number
    each get their own message. Returns (problems, `Mobile` | None).
    """
    text = normalize_text(value or "")
    if not text:
        return (_problem("mobile.empty"),), None
    compact = _SPACE_LIKE.sub("", text)
    international = compact.startswith("+") or compact.startswith("00")
    digits = compact[1:] if compact.startswith("+") else compact
    if not digits.isascii() or not digits.isdigit():
        return (_problem("mobile.not_digits", chars=_bad_chars(digits, "0123456789")),), None
    if digits.startswith("00"):
        digits = digits[2:]
    if not international and digits.startswith("84") and len(digits) == 11:
        international = True  # 84912345678: the +84 form without the plus
    if international:
        try:
            number = phonenumbers.parse("+" + digits, None)
        except phonenumbers.NumberParseException:
            return (_problem("mobile.length", count=len(digits)),), None
        if number.country_code != 84:
            return (_problem("mobile.foreign", country_code=number.country_code),), None
        national_digits = str(number.national_number)
        if digits[2:3] == "0":  # +840…: no Vietnamese number is written like that
            return (_problem("mobile.invalid", prefix="+840"),), None
    else:
        if not digits.startswith("0"):
            service = phonenumbers.parse(digits, "VN")
            if phonenumbers.is_valid_number(service) and digits.startswith("1"):  # 1900 …, 1800 …
                pretty = phonenumbers.format_number(service, phonenumbers.PhoneNumberFormat.NATIONAL)
                return (_problem("mobile.not_mobile", number=pretty),), None
            return (_problem("mobile.length", count=len(digits)),), None
        national_digits = digits[1:]
    if len(national_digits) == 10 and national_digits.startswith("1") and not national_digits.startswith("1800") \
            and not national_digits.startswith("1900"):
        return (_problem("mobile.old_11_digits"),), None
    number = phonenumbers.parse("0" + national_digits, "VN")
    ntype = phonenumbers.number_type(number)
    pretty = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if phonenumbers.is_valid_number(number) and ntype == phonenumbers.PhoneNumberType.FIXED_LINE:
        return (_problem("mobile.landline", number=pretty),), None
    if phonenumbers.is_valid_number(number) and ntype not in (phonenumbers.PhoneNumberType.MOBILE,
                                                               phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return (_problem("mobile.not_mobile", number=pretty),), None
    if len(national_digits) != 9:
        return (_problem("mobile.length", count=len(national_digits) + 1),), None
    if not phonenumbers.is_valid_number(number):
        return (_problem("mobile.invalid", prefix="0" + national_digits[:3]),), None
    return (), Mobile(e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                      national="0" + national_digits)


# --------------------------------------------------------------------------------------------------
# Social-insurance number
# --------------------------------------------------------------------------------------------------

_HEALTH_CARD = re.compile(r"^[A-Za-z]{2}\d{13}$")


def check_social_insurance(value: str, *, today: date | None = None) -> Result[str]:
    """Check a social-insurance number (mã số BHXH): 10 digits (legacy) or, unified with the personal
    ID since 2025, 12 digits checked as a personal identification number (problems then have "id."
    codes). A 15-character health-insurance card code is recognised and its last 10 digits suggested.
    Returns (problems, the digits | None).
    """
    text = re.sub(r"\s+", "", normalize_text(value or ""))
    if not text:
        return (_problem("bhxh.empty"),), None
    if _HEALTH_CARD.match(text):
        return (_problem("bhxh.health_card", number=text[-10:]),), None
    if not text.isascii() or not text.isdigit():
        return (_problem("bhxh.not_digits", chars=_bad_chars(text, "0123456789")),), None
    if len(text) == 10:
        return (), text
    if len(text) == 12:
        problems, _ = check_personal_id(text, today=today)
        return (problems, None) if problems else ((), text)
    return (_problem("bhxh.length", count=len(text)),), None


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-"})


def _is_name_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def normalize_name(value: str) -> str:
    """NFC, one space between words, each word (and each part after - or ') capitalised, the rest
    lower case: "  nguyễn   thị  MINH khai " → "Nguyễn Thị Minh Khai", "h'hen niê" → "H'Hen Niê".
    Telex/VNI input that arrives decomposed (NFD) gives the same string as precomposed input."""
    text = normalize_text(value or "").translate(_APOSTROPHES)
    out = []
    for word in text.split(" "):
        pieces = re.split(r"([-'])", word.lower())
        out.append("".join(_title_word(p) for p in pieces))
    return unicodedata.normalize("NFC", " ".join(out))


def check_full_name(value: str, *, min_words: int = 2) -> Result[str]:
    """Check a full name (họ, chữ đệm và tên). Returns (problems, normalised name | None).

    Letters of the Latin script with any Vietnamese diacritics, spaces, and ' or - inside a word
    (minority names such as "H'Hen Niê", "Y-Moan") are accepted; digits and other symbols are refused,
    as is a name of fewer than `min_words` words.
    """
    name = normalize_name(value)
    if not name:
        return (_problem("name.empty"),), None
    problems: list[Problem] = []
    digits = "".join(dict.fromkeys(c for c in name if c.isdigit()))
    if digits:
        problems.append(_problem("name.digits", chars=", ".join(digits)))
    symbols = [c for c in name if not (_is_name_letter(c) or c.isdigit() or c in " '-")]
    for word in name.split(" "):  # ' and - only between letters
        if word.strip("'-") != word or "''" in word or "--" in word or "'-" in word or "-'" in word:
            symbols.extend(c for c in word if c in "'-")
    if symbols:
        problems.append(_problem("name.symbols", chars=", ".join(f"“{c}”" for c in dict.fromkeys(symbols))))
    if not problems and len(name.split(" ")) < min_words:
        problems.append(_problem("name.too_few_words"))
    if problems:
        return tuple(problems), None
    return (), name
