"""Every learner-facing string in the source has a Vietnamese translation, and the catalogues load."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from hocvuso.core import translator

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None, "_": None}


def source_msgids() -> set[str]:
    found: set[str] = set()
    for folder in ("hocvuso", "core", "widgets", "grader"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return found


def test_source_has_learner_strings():
    assert len(source_msgids()) >= 8


def vietnamese_catalogue() -> dict[str, str]:
    from babel.messages.pofile import read_po

    found: dict[str, str] = {}
    for po in sorted((ROOT / "core" / "locales" / "vi" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale="vi"):
                if message.id and message.string:
                    found[message.id if isinstance(message.id, str) else message.id[0]] = message.string
    return found


def test_every_source_string_is_translated_to_vietnamese():
    # A translation may equal the msgid (brand names such as "Zalo"), but it must be written down.
    catalogue = vietnamese_catalogue()
    untranslated = sorted(m for m in source_msgids() if m not in catalogue)
    assert not untranslated, f"add these to a .po file in core/locales/vi/LC_MESSAGES: {untranslated}"


def test_most_strings_really_change_in_vietnamese():
    catalogue = vietnamese_catalogue()
    same = [m for m, s in catalogue.items() if m == s]
    assert len(same) <= max(5, len(catalogue) // 10), same


def test_english_is_the_msgid_and_vietnamese_is_default():
    _en, _vi = translator("en"), translator("vi")
    assert _en("Not answered yet.") == "Not answered yet."
    assert _vi("Not answered yet.") == "Chưa trả lời."
