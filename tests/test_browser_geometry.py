"""Large text that works, measured: at 360×740, at normal size and after one and two taps on A+
(130 %, 160 %), every interactive element is at least 44×44 CSS px, every text is at least 16 px, and
nothing is wider than the screen — in the catalogue, every lesson and the teacher dashboard. A third
tap brings the page back to normal. Screenshots of each lesson at normal and 160 % go to test-artifacts/.

The boxes are measured in the real page (tests/phonekit.py MEASURE): a checkbox counts with its label,
a table inside its own horizontal scroller may be wider than the screen (the scroller may not).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

import phonekit
from kit import full_screenshot
from phonekit import LESSONS, measure, open_lesson, set_text_size, sign_in, tap_once

pytestmark = [pytest.mark.browser, pytest.mark.slow]
phone = phonekit.phone_fixture  # the 360×740 offline phone, patient


@pytest.fixture(scope="module")
def classroom(classroom_factory):
    server = classroom_factory(class_size=1, pin="975310", lessons=tuple(LESSONS))
    server.wait_pool()
    return server


def problems(page: Page, where: str) -> list[str]:
    """What is wrong with the page as it is now, one line per kind (the first few boxes named)."""
    found = measure(page)
    out = [f"{where}: {kind} ({len(found[kind])}): {found[kind][:8]}"
           for kind in ("small_targets", "small_text", "too_wide") if found[kind]]
    if found["page_width"] > found["viewport"]:
        out.append(f"{where}: the page scrolls sideways ({found['page_width']} px > {found['viewport']} px)")
    return out


def every_size(page: Page, where: str, shots=None) -> list[str]:
    """Measure at 100 %, 130 %, 160 % (tapping A+), then tap once more and check it is back to normal."""
    found: list[str] = []
    for step, label in enumerate(("100%", "130%", "160%")):
        set_text_size(page, step)
        page.wait_for_timeout(300)  # widgets re-flow after the root size changes
        found += problems(page, f"{where} at {label}")
        if shots and step in shots:
            full_screenshot(page, shots[step])
    page.locator("#hv-large, .hv-large-btn").first.click()
    assert page.evaluate("() => !/hv-text-/.test(document.documentElement.className)"), \
        f"{where}: a third tap on A+ did not bring the text back to normal"
    assert page.evaluate("() => localStorage.getItem('hv-text')") == "0"
    return found


def test_catalogue_at_every_text_size(phone: Page, classroom):
    phone.goto(f"{classroom.base}/?lop={classroom.class_code}")
    found = every_size(phone, "catalogue (signed out)")
    sign_in(phone, classroom.base, classroom.class_code)
    found += every_size(phone, "catalogue (signed in)")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_at_every_text_size(phone: Page, classroom, lesson, artifacts):
    sign_in(phone, classroom.base, classroom.class_code)
    open_lesson(phone, classroom.base, lesson)
    found = every_size(phone, lesson, shots={0: artifacts / f"phone-{lesson}-100.png",
                                             2: artifacts / f"phone-{lesson}-160.png"})
    tap_once(phone)
    set_text_size(phone, 2)
    found += problems(phone, f"{lesson} after a tap at 160%")
    full_screenshot(phone, artifacts / f"phone-{lesson}-160-tapped.png")
    set_text_size(phone, 0)
    assert not found, "\n".join(found)


def test_text_size_is_remembered_from_catalogue_to_lesson(phone: Page, classroom):
    sign_in(phone, classroom.base, classroom.class_code)
    set_text_size(phone, 2)
    open_lesson(phone, classroom.base, LESSONS[0])
    assert phone.evaluate("() => document.documentElement.classList.contains('hv-text-2')")
    size = phone.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.hv-task-bar, .hv-dos-bar')"
                          ".querySelector('button')).fontSize)")
    assert size >= 16 * 1.6 - 0.5, f"the widget's buttons did not grow with the page ({size} px)"
    set_text_size(phone, 0)


def test_dashboard_at_every_text_size(phone: Page, classroom, artifacts):
    """The teacher's phone: the PIN page and the open dashboard (with a learner's answer in its table, named by
    its lesson's title, and its charts' text measured as drawn). On the way, the learner's catalogue marks the
    lesson she saved as finished, in words."""
    sign_in(phone, classroom.base, classroom.class_code, name="Nguyễn Thị Thu Hương")
    open_lesson(phone, classroom.base, "lua-dao-tin-nhan")
    phone.locator(".hv-inbox-open").first.click()
    phone.locator('[data-key="verdict-scam"]').click()
    phone.locator(".hv-inbox-send").click()
    expect(phone.locator(".hv-inbox-status-ok")).to_be_visible()
    phone.goto(f"{classroom.base}/")
    done = phone.locator('.hv-lesson[data-lesson="lua-dao-tin-nhan"]')
    expect(done.locator(".hv-done")).to_have_text("✓ Đã hoàn thành")
    expect(done.locator(".hv-start")).to_contain_text("Làm lại")
    assert phone.locator(".hv-done").count() == 1
    found = problems(phone, "catalogue with a finished lesson")
    full_screenshot(phone, artifacts / "catalogue-finished-360.png")
    phone.set_viewport_size({"width": 360, "height": 740})
    phone.goto(f"{classroom.base}/voila/render/giao-vien/bang-dieu-khien.ipynb")
    pin = phone.locator("#hv-pin, .hv-pin-input input").first
    expect(pin).to_be_visible()
    found += every_size(phone, "dashboard PIN page")
    pin.fill(classroom.pin)
    phone.locator(".hv-pin-open").first.click()
    expect(phone.locator(".hv-dash-name", has_text="Nguyễn Thị Thu Hương")).to_be_visible(timeout=90_000)
    # her row (earlier tests of this module saved other learners' answers to other lessons)
    her_row = phone.locator("tr", has=phone.locator(".hv-dash-name", has_text="Nguyễn Thị Thu Hương"))
    expect(her_row.locator(".hv-dash-lesson")).to_have_text("Nhận diện tin nhắn lừa đảo")
    expect(phone.locator("svg.hv-chart text").first).to_be_attached()
    found += every_size(phone, "dashboard", shots={0: artifacts / "dashboard-labels-360.png"})
    assert not found, "\n".join(found)
