"""Learner-facing strings through gettext catalogues, Vietnamese by default, English beside it.

Source strings (msgids) are English. `locales/vi/LC_MESSAGES/*.po` hold the Vietnamese
translations (one file per part of hocvuso, merged into one catalogue); English needs none. The
.po files are read with Babel and compiled to gettext catalogues in memory when first needed, so
no binary .mo file lives in the repository and an edited .po takes effect at the next start.

Content (messages, flags, procedures) is translated in its own data files, not here.
"""
from __future__ import annotations

import gettext as _gettext
import io
import os
from functools import lru_cache
from http.cookies import CookieError, SimpleCookie
from importlib import resources
from urllib.parse import parse_qs

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .config import Settings

DOMAIN = "hocvuso"
LOCALES: tuple[str, ...] = ("vi", "en")
DEFAULT_LOCALE = "vi"

_current = Settings.from_env().locale  # HOCVUSO_LOCALE: what `hocvuso serve --locale` chose


def check_locale(locale: str) -> str:
    """Return `locale` if hocvuso speaks it, else raise ValueError naming the choices."""
    if locale not in LOCALES:
        msg = f"unknown locale {locale!r}; choose one of {', '.join(LOCALES)}"
        raise ValueError(msg)
    return locale


def set_locale(locale: str) -> None:
    """Set the default locale for this process (a widget may still choose its own)."""
    global _current
    _current = check_locale(locale)


def page_locale() -> str | None:
    """The language the visitor of this kernel's Voilà page asked for: `?lang=` of the page, else the
    `hv_lang` cookie the catalogue's language switch sets; None outside Voilà or when neither says.

    Voilà puts the request's query string and cookies in the kernel's environment (a preheated
    classroom kernel has them once `current_learner()` has waited for the visitor), so a widget starts
    in the learner's language at its first render instead of switching after it.
    """
    asked = parse_qs(os.environ.get("QUERY_STRING", "")).get("lang", [""])[-1]
    if asked in LOCALES:
        return asked
    try:
        jar = SimpleCookie(os.environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return None
    cookie = jar["hv_lang"].value if "hv_lang" in jar else ""
    return cookie if cookie in LOCALES else None


def get_locale() -> str:
    """The process's default locale."""
    return _current if _current in LOCALES else DEFAULT_LOCALE


@lru_cache(maxsize=None)
def translations(locale: str) -> _gettext.NullTranslations:
    """The compiled gettext catalogue for `locale` (English: the msgids themselves)."""
    check_locale(locale)
    folder = resources.files("hocvuso.core").joinpath("locales", locale, "LC_MESSAGES")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=lambda f: f.name) \
        if folder.is_dir() else []
    if not files:
        return _gettext.NullTranslations()
    parts = []
    for po in files:
        with po.open("rb") as fh:
            parts.append(read_po(fh, locale=locale, domain=DOMAIN))
    catalog = parts[0]
    for part in parts[1:]:
        for message in part:
            if message.id:
                catalog[message.id] = message
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext(message: str, locale: str | None = None) -> str:
    """Translate `message` into `locale` (default: the process locale)."""
    return translations(locale or get_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    """Translate a message that depends on a count."""
    return translations(locale or get_locale()).ngettext(singular, plural, n)


def translator(locale: str | None = None):
    """Return a `_` function bound to `locale`, for code that renders a whole view in one language."""
    chosen = check_locale(locale or get_locale())

    def _(message: str) -> str:
        return gettext(message, chosen)

    return _


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (gettext convention)."""
    return message
