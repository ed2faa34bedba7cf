"""The classroom in a real Chromium at 360×740: catalogue, sign-in, a task, reload, dashboard.

Every request that does not go to the local server is recorded and aborted: the classroom must
work with no internet, so the list must stay empty (no CDN font, nothing).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from hocvuso.core import Roster
from hocvuso.core.identity import show_learner_code

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740
NAME = "<b>Bà</b> Lan <script>alert(1)</script>"


@pytest.fixture(scope="module")
def classroom(classroom_factory):
    server = classroom_factory(class_size=2, pin="975310")
    server.wait_pool()
    return server


@pytest.fixture()
def phone(offline_phone):
    """conftest.offline_phone, noting any browser dialog (a script that ran) and with more patience."""
    dialogs: list[str] = []
    offline_phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    offline_phone.dialogs = dialogs  # type: ignore[attr-defined]
    offline_phone.set_default_timeout(60_000)
    return offline_phone


def shot(page: Page, path) -> None:
    height = page.evaluate("() => Math.max(document.body.scrollHeight,"
                           " (document.querySelector('#rendered_cells') || document.body).scrollHeight)")
    page.set_viewport_size({"width": WIDTH, "height": min(4000, max(HEIGHT, int(height) + 20))})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def test_sign_in_do_a_task_reload_still_signed_in(phone: Page, classroom, artifacts):
    phone.goto(f"{classroom.base}/?lop={classroom.class_code}")
    expect(phone.locator("#hv-class")).to_have_value(classroom.class_code)
    expect(phone.locator(".hv-lesson").first).to_contain_text("4.2")
    shot(phone, artifacts / "classroom-catalogue.png")
    phone.locator("#hv-name").fill(NAME)
    phone.locator(".hv-signin-btn").click()
    expect(phone.locator(".hv-hello")).to_contain_text("<script>alert(1)</script>")  # shown as text
    code = phone.locator(".hv-learner-code").inner_text()
    assert len(code.replace("-", "")) == 8  # shown once, on this device, right after signing in
    shot(phone, artifacts / "classroom-signed-in.png")

    phone.locator('.hv-start[data-lesson="lua-dao-tin-nhan"]').click()
    expect(phone.locator(".hv-who")).to_have_text(f"👤 {NAME}")  # the page says who is signed in, as text
    first = phone.locator(".hv-inbox-open").first
    first.click()
    phone.locator('[data-key="verdict-scam"]').click()
    phone.locator(".hv-inbox-send").click()
    expect(phone.locator(".hv-inbox-status")).to_have_class("hv-inbox-status hv-inbox-status-ok")
    shot(phone, artifacts / "classroom-lesson.png")

    phone.reload()
    expect(phone.locator(".hv-inbox-item-answered").first).to_be_visible()  # still signed in, answer restored
    phone.goto(f"{classroom.base}/")
    expect(phone.locator(".hv-learner-code")).to_have_text(code)

    # A classmate's link (their token in ?t=) opened on this phone: still this learner, and the page says so.
    other = classroom.token("Bình")
    phone.goto(f"{classroom.base}/voila/render/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb?lang=vi&t={other}")
    expect(phone.locator(".hv-who")).to_have_text(f"👤 {NAME}")
    expect(phone.locator(".hv-inbox-item-answered").first).to_be_visible()  # this learner's own answers
    assert phone.blocked == [], f"requests left the LAN: {phone.blocked}"
    assert phone.dialogs == []


def test_dashboard_needs_the_pin_and_shows_names_as_text(phone: Page, classroom, artifacts):
    """The PIN form is the server's (no kernel before the PIN); the projected table shows no personal
    code, and the teacher shows one learner's on purpose."""
    phone.goto(f"{classroom.base}/voila/render/giao-vien/bang-dieu-khien.ipynb")
    pin = phone.locator("#hv-pin")
    expect(pin).to_be_visible()
    assert "Lan" not in phone.content() and "kernelId" not in phone.content()
    pin.fill("000000")
    phone.locator(".hv-pin-open").click()
    expect(phone.locator(".hv-error")).to_contain_text("Sai mã PIN")
    assert "Lan" not in phone.content() and phone.locator(".hv-dash-table").count() == 0
    shot(phone, artifacts / "classroom-dashboard-locked.png")
    phone.locator("#hv-pin").fill(classroom.pin)
    phone.locator(".hv-pin-open").click()
    cell = phone.locator(".hv-dash-name").first
    expect(cell).to_contain_text(NAME)  # escaped: the markup shows as text, nothing runs
    expect(phone.locator(".hv-dash-csv")).to_be_visible()
    expect(phone.locator("svg.hv-chart").first).to_be_visible()
    codes = [m.learner_id for m in Roster(classroom.db_url).members(classroom.class_code)]
    page = phone.content()
    assert codes and not any(c in page or show_learner_code(c) in page for c in codes)
    shot(phone, artifacts / "classroom-dashboard.png")
    lan = next(m for m in Roster(classroom.db_url).members(classroom.class_code) if m.name == NAME)
    phone.locator(".hv-dash-who select").select_option(label=f"{lan.name} · {lan.learner_id[:2]}…")
    phone.locator(".hv-dash-reveal").click()
    expect(phone.locator(".hv-dash-revealed")).to_contain_text(show_learner_code(lan.learner_id))
    assert phone.dialogs == []
    assert phone.blocked == [], f"requests left the LAN: {phone.blocked}"
