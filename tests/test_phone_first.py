"""Phone-first rules that need no browser: the page's language reaches the kernel, lesson texts come in one
language per cell (each with its partner), the dashboard's spreadsheet is readable as it opens.

The browser side (sizes, axe-core, read-aloud) is in test_browser_geometry.py and test_browser_a11y.py.
"""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from hocvuso import notebooks
from hocvuso.classroom import lesson_catalogue, to_xlsx
from hocvuso.classroom._report import Result
from hocvuso.core._i18n import page_locale


@pytest.mark.parametrize(("query", "cookie", "expected"), [
    ("lang=en", "", "en"),
    ("t=abc&lang=vi", "hv_lang=en", "vi"),          # the page's ?lang wins over the remembered choice
    ("", "hv_token=x; hv_lang=en", "en"),           # the catalogue's switch, remembered in a cookie
    ("lang=fr", "hv_lang=de", None),                # neither is a language hocvuso speaks
    ("", 'bad"cookie; hv_lang=en', None),           # a cookie header the parser refuses: no guess
    ("", "", None),
])
def test_page_locale_from_the_request(monkeypatch, query, cookie, expected):
    monkeypatch.setenv("QUERY_STRING", query)
    monkeypatch.setenv("HTTP_COOKIE", cookie)
    assert page_locale() == expected


def test_widget_starts_in_the_page_language(monkeypatch):
    from hocvuso.core import MemoryStore
    from hocvuso.widgets import ScamInbox

    monkeypatch.setenv("QUERY_STRING", "lang=en")
    inbox = ScamInbox("hop-thu-1", task_id="hop-thu", store=MemoryStore())
    assert inbox.locale == "en"
    assert inbox.strings["read_aloud"] == "Read aloud"
    monkeypatch.setenv("QUERY_STRING", "")
    inbox = ScamInbox("hop-thu-1", task_id="hop-thu", store=MemoryStore())
    assert inbox.locale == "vi" and inbox.strings["read_aloud"] == "Đọc to"
    assert "tiếng Việt" in inbox.strings["no_voice"]


@pytest.mark.parametrize("notebook", notebooks.lesson_notebooks(), ids=lambda p: p.parent.name)
def test_lesson_text_one_language_per_cell(notebook):
    """Every lesson text cell says its language; Vietnamese and English alternate, so each text has its
    translation right after it, and no cell prints the other language in italics beside it."""
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown"]
    langs = [c["metadata"].get("hocvuso", {}).get("lang") for c in cells]
    assert langs and langs == ["vi", "en"] * (len(cells) // 2), langs
    for cell in cells:
        text = "".join(cell["source"])
        assert " · *" not in text and " / " not in text.splitlines()[0], text[:80]


def test_catalogue_titles_from_the_language_cells():
    lessons = {lesson.name: lesson for lesson in lesson_catalogue()}
    scam = lessons["lua-dao-tin-nhan"]
    assert scam.title == {"vi": "Nhận diện tin nhắn lừa đảo", "en": "Spot the scam"}
    assert scam.summary["en"].startswith("Mrs Lan is 63") and scam.summary["vi"].startswith("Bà Lan")


def test_dashboard_xlsx_has_widths_and_a_frozen_header():
    name = "Nguyễn Thị Thu Hương Hoàng"
    row = Result(class_code="LOP7A", learner_id="ABCD2345", learner_name=name, task_id="hop-thu",
                 scenario_id="hop-thu-1", kind="inbox", points=7.5, max_points=10, answered=3, items=4, saves=3,
                 last_saved="2026-12-06T08:00:00")
    book = load_workbook(io.BytesIO(to_xlsx([row], [{"code": "4.2", "name": "Bảo vệ thiết bị", "learners": 1,
                                                      "percent": 75.0}])))
    sheet = book["ket-qua"]
    assert sheet.freeze_panes == "A2"
    name_col = next(c.column_letter for c in sheet[1] if c.value == "learner_name")
    assert sheet.column_dimensions[name_col].width >= len(name)
    assert sheet[f"{name_col}2"].value == name
    percent = next(c.column for c in sheet[1] if c.value == "percent")
    assert isinstance(sheet.cell(row=2, column=percent).value, (int, float))  # a number, not text, in any locale
    assert book["nang-luc"].freeze_panes == "A2"


def test_pin_page_shows_the_command_as_code_not_backticks():
    from hocvuso.classroom._pages import teacher_pin_page

    page = teacher_pin_page(locale="vi", csrf="x")
    assert "<code>hocvuso serve</code>" in page and "`" not in page.split("<body>", 1)[1]
