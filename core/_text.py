"""Text hygiene: normalise on the way in, escape on the way out.

Vietnamese typed with Telex or VNI can arrive decomposed (NFD: 'e' + combining marks), so two
spellings of the same name would compare unequal; everything typed goes through `normalize_text`.
Everything that came from content or learners and goes into HTML goes through `escape`.
"""
from __future__ import annotations

import html
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_text(value: str, *, collapse_spaces: bool = True) -> str:
    """Return `value` in Unicode NFC, trimmed, with runs of white space folded to one space."""
    text = unicodedata.normalize("NFC", value)
    if collapse_spaces:
        text = _SPACES.sub(" ", text)
    return text.strip()


def escape(value: object) -> str:
    """HTML-escape any value (quotes included) for safe display."""
    return html.escape(str(value), quote=True)
