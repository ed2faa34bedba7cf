"""The passphrase checker (NIST SP 800-63B rev. 4): length, no composition rules, screened against a
common-password list, guessability and the learner's own details. The passphrase itself is never
stored: only what the checker found.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._content import content_root, read_yaml
from .._errors import ContentError
from .rules import fold
from .schema import PASSWORD_MIN_LENGTH

CHECKS = ("long_enough", "not_common", "not_pattern", "not_personal")
"""What the checker reports on a passphrase, in display order; strong = all of them."""


@lru_cache(maxsize=None)
def load_common_passwords(root: Path | None = None) -> frozenset[str]:
    """The common and breached passwords we screen against (content/common_passwords.yaml), folded."""
    path = (root or content_root()) / "common_passwords.yaml"
    data = read_yaml(path)
    if not isinstance(data, list) or not all(isinstance(x, (str, int)) for x in data):
        raise ContentError("must be a YAML list of passwords (strings)", path=path)
    return frozenset(_leet(str(x)) for x in data)


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
                       "!": "i"})


def _leet(text: str) -> str:
    return fold(text.translate(_LEET)) if text else ""


_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
"""Keyboard rows, read left to right: 'qwerty…' and 'asdf…' are runs too."""


def _is_pattern(text: str) -> bool:
    """Repeated or sequential characters ('aaaaaaaa', '1234567890123', 'abcabcabc', 'anh yêu em anh yêu em')."""
    s = re.sub(r"\s", "", fold(text) or text.lower())
    if not s:
        return False
    if len(set(s)) <= 2:
        return True
    for size in range(1, len(s) // 2 + 1):
        if len(s) % size == 0 and s[:size] * (len(s) // size) == s:
            return True
    # Share of the text taken by runs of 4+ characters that step by +1 or -1 ("1234", "9876", "abcd"; 9→0 wraps).
    def next_to(a: str, b: str) -> bool:
        if a.isdigit() and b.isdigit():
            return (int(b) - int(a)) % 10 in (1, 9)
        return abs(ord(b) - ord(a)) == 1 or a == b or (a + b) in _KEYBOARD or (b + a) in _KEYBOARD
    covered, run = 0, 1
    for a, b in zip(s, s[1:], strict=False):
        if next_to(a, b):
            run += 1
        else:
            covered += run if run >= 4 else 0
            run = 1
    covered += run if run >= 4 else 0
    return covered / len(s) >= 0.6


GUESSABLE_BELOW = 12.0
"""log10 of the guesses zxcvbn estimates; below 10^12 an offline attacker finds the passphrase quickly."""


@lru_cache(maxsize=None)
def _zxcvbn(root: Path | None = None) -> Any:
    """zxcvbn (Dropbox's estimator, Python port) taught our Vietnamese words, phrases, names and years.

    Its own dictionaries are English: without ours "anhyeuemnhieulam" looks like random letters.
    Imported on first use, the first time a learner types a passphrase.
    """
    # Imported on first use: only a learner who makes up a passphrase needs zxcvbn.
    from zxcvbn import zxcvbn  # noqa: PLC0415
    from zxcvbn.matching import add_frequency_lists  # noqa: PLC0415

    path = (root or content_root()) / "password_words.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ContentError("must map phrases/names/words to lists of words", path=path)
    ranked = [str(w) for key in ("phrases", "names") for w in data.get(key, [])]
    ranked += [str(y) for y in range(1940, 2036)] + [str(w) for w in data.get("words", [])]
    add_frequency_lists({"hocvuso_vi": list(dict.fromkeys(fold(w) for w in ranked if fold(w)))})
    return zxcvbn


def guesses_log10(text: str, personal: tuple[str, ...] | list[str] = ()) -> float:
    """How many guesses (log10) zxcvbn estimates for `text`, folded the way Vietnamese is typed without marks."""
    folded = fold(text)[:64]
    if not folded:
        return 0.0
    return float(_zxcvbn()(folded, user_inputs=[fold(p) for p in personal if fold(p)])["guesses_log10"])


def check_passphrase(text: str, personal: tuple[str, ...] | list[str] = (), *,
                     min_length: int = PASSWORD_MIN_LENGTH) -> dict[str, Any]:
    """Check a made-up passphrase the way NIST SP 800-63B rev. 4 asks a service to.

    Returns ``{"length": n, "checks": {"long_enough", "not_common", "not_pattern", "not_personal"}, "strong"}``.
    Length counts characters after NFC (a Vietnamese letter with its marks is one). There are no
    composition rules: upper case, digits or symbols are neither required nor rewarded.
    """
    clean = unicodedata.normalize("NFC", text or "")
    length = len(clean)
    common = load_common_passwords()
    words = [w for w in re.split(r"[\s\-_.]+", clean) if w]
    folded = _leet(clean)
    stripped = _leet(re.sub(r"[\d\W_]+$", "", clean))
    is_common = bool(folded) and (folded in common or stripped in common
                                  or (len(words) > 1 and all(_leet(w) in common for w in words))
                                  or guesses_log10(clean, personal) < GUESSABLE_BELOW)
    tokens = {fold(w) for w in words}
    personal_hit = any(fold(p) and fold(p) in fold(clean) for p in personal) or \
        any(len(fold(p.split()[-1])) >= 2 and fold(p.split()[-1]) in tokens for p in personal if p.split())
    checks = {
        "long_enough": length >= min_length,
        "not_common": bool(clean) and not is_common,
        "not_pattern": bool(clean) and not _is_pattern(clean),
        "not_personal": bool(clean) and not personal_hit,
    }
    return {"length": length, "checks": checks, "strong": all(checks.values())}
