"""The rules the simulated phone applies (public knowledge, used live by the widget and in scoring).

Amounts typed the way people type them, the bank's face-verification rule, and personal data in a
chat box: found (`find_personal_data`) and masked before anything is stored (`redact`).
"""
from __future__ import annotations

import re
import unicodedata

from .._i18n import N_, gettext
from .._text import normalize_text

FACE_CHECK_PER_TRANSFER = 10_000_000
"""SBV Decision 2345/QĐ-NHNN (from 1-7-2024): a transfer above 10 million VND needs face verification."""
FACE_CHECK_PER_DAY = 20_000_000
"""… and so does any transfer that takes the day's total above 20 million VND."""
MASK = "⟦{}⟧"
"""How `redact` replaces personal data in stored text, e.g. ⟦id_number⟧."""

_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ .,\-]?\d)*(?![\d])")
_MONEY = re.compile(r"^\s*(\d+(?:[.,\s]\d+)*)\s*"
                    r"(triệu|trieu|tr|nghìn|nghin|ngàn|ngan|k|đồng|dong|đ|d|vnd|vnđ)?\s*$",
                    re.IGNORECASE)


def parse_amount(text: str) -> int | None:
    """An amount of VND as people type it: "12.000.000", "12,000,000 đ", "12 triệu", "500k", "1,5 triệu".

    Returns None when the text is not an amount.
    """
    if not isinstance(text, str):
        return None
    match = _MONEY.match(normalize_text(text).lower())
    if not match:
        return None
    number, unit = match.group(1), (match.group(2) or "")
    thousands = ("nghìn", "nghin", "ngàn", "ngan", "k")
    scale = 1_000_000 if unit in ("triệu", "trieu", "tr") else 1_000 if unit in thousands else 1
    groups = re.split(r"[.,\s]", number)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        value: float = int("".join(groups))     # thousands separators
    elif len(groups) == 2 and scale > 1:
        value = float(f"{groups[0]}.{groups[1]}")  # a decimal: "1,5 triệu"
    elif len(groups) == 1:
        value = int(groups[0])
    else:
        return None
    amount = int(round(value * scale))
    return amount if 0 < amount < 10**13 else None


def needs_face_check(amount: int, today_sent: int = 0) -> bool:
    """True when the bank must check the payer's face (over 10 million at once, or over 20 million today)."""
    return amount > FACE_CHECK_PER_TRANSFER or today_sent + amount > FACE_CHECK_PER_DAY


def find_personal_data(text: str, secrets: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The kinds of personal data in `text`: 'id_number', 'otp', 'phone', 'account', 'secret' (sorted, unique).

    Numbers may be split by spaces, dots or dashes ("001 062 012 345"). Masks left by `redact`
    count too, so a masked text still shows what was pasted.
    """
    found: set[str] = set()
    clean = normalize_text(text or "")
    for kind in re.findall(r"⟦([a-z_]+)⟧", clean):
        found.add(kind)
    for match in _DIGIT_RUN.finditer(clean):
        kind = _number_kind(match.group())
        if kind:
            found.add(kind)
    if _secret_spans(clean, secrets):
        found.add("secret")
    return sorted(found)


def _number_kind(run: str) -> str | None:
    """What kind of personal number a run of digits (with its separators) looks like, if any."""
    digits = re.sub(r"\D", "", run)
    n = len(digits)
    groups = re.split(r"[.,]", run)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and groups[-1] == "000":
        return None                              # money written with thousands separators: 12.000.000
    if n in (9, 12):
        return "id_number"                       # 12-digit personal ID; 9-digit old ID card
    if n == 6:
        return "otp"
    if (n == 10 and digits.startswith("0")) or (n == 11 and digits.startswith("84")):
        return "phone"
    if 7 <= n <= 19:
        return "account"
    return None


def fold(text: str) -> str:
    """Lower case, no diacritics, no spaces: how we compare a secret with what was typed."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _secret_spans(text: str, secrets: tuple[str, ...] | list[str]) -> bool:
    folded = fold(text)
    return any(fold(s) and fold(s) in folded for s in secrets)


def redact(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with every ID number, OTP, phone or account number and story secret replaced by a mask.

    What the widget stores: the learner's words, never the numbers they should not have pasted.
    """
    clean = normalize_text(text or "")

    def mask(match: re.Match[str]) -> str:
        kind = _number_kind(match.group())
        return MASK.format(kind) if kind else match.group()

    out = _DIGIT_RUN.sub(mask, clean)
    for secret in secrets:
        if not fold(secret):
            continue
        pattern = r"[\s.\-]*".join(re.escape(c) for c in normalize_text(secret) if not c.isspace())
        out = re.sub(pattern, MASK.format("secret"), out, flags=re.IGNORECASE)
    return out


_MASK_TEXT = {"id_number": N_("[ID number hidden]"), "otp": N_("[code hidden]"),
              "phone": N_("[phone number hidden]"),
              "account": N_("[account number hidden]"), "secret": N_("[personal detail hidden]")}


def show_masks(text: str, locale: str) -> str:
    """`redact`'s masks (⟦id_number⟧ …) in words the learner reads, e.g. "[số định danh đã ẩn]"."""
    return re.sub(r"⟦([a-z_]+)⟧", lambda m: gettext(_MASK_TEXT.get(m.group(1), _MASK_TEXT["secret"]), locale), text)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", normalize_text(text).lower())


def flag_words_in(option: str, flag: str) -> list[str]:
    """The red flag's words that an option's text repeats: each pair of neighbouring words of `flag` found,
    in that order, in `option` ("tên người", "người nhận" …). A right option that repeats them gives the
    answer away; a wrong one may (a tempting option names what it gets wrong)."""
    said = " ".join(_words(option))
    flag_words = _words(flag)
    pairs = [f"{a} {b}" for a, b in zip(flag_words, flag_words[1:], strict=False)]
    return [p for p in dict.fromkeys(pairs) if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", said)]
