"""The phone lessons in a real Chromium, served by a real Voilà, at a phone's 360×740.

The story: a learner opens the safe-payment lesson on a phone, reads each screen, answers (one step
by keyboard only), answers one step wrong — its dot turns ✗, never ✓ —, types an amount and sees the bank
ask for face verification, reads the feedback, and ends on the result screen (score, what went well, what
to review with the step to reopen, the next lesson) — and every answer is in the classroom database. In the
password lesson the checker judges the passphrase live as it is typed, and the passphrase is never stored.
The AI lesson renders in Voilà with no error.
"""
from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import Page, expect

from hocvuso.core import SqlStore
from hocvuso.core.phone import load_phone

from phonekit import large_text

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740
PAY = "thanh-toan-an-toan"
_SCENARIO, _KEY = load_phone(PAY)


@pytest.fixture()
def phone(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN", has_touch=True,
                                  service_workers="block")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def shot(page: Page, path, part: str = "") -> None:
    """Full-length screenshot (of the element `part` only, if given): Voilà scrolls inside #rendered_cells,
    so grow the viewport first."""
    height = page.evaluate(
        "() => (document.querySelector('#rendered_cells') || document.scrollingElement).scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(height) + 20)})
    if part:
        page.locator(part).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def rows(db_url: str) -> list[dict]:
    return [json.loads(r["payload"]) for r in SqlStore(db_url).rows()]


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("() => { const f = document.querySelector('.hv-phone-frame');"
                         " return f.scrollWidth <= f.clientWidth + 1 && f.getBoundingClientRect().width <= 360; }")


def test_learner_pays_safely_on_a_phone(phone: Page, voila_server, artifacts) -> None:
    server = voila_server(f"{PAY}/{PAY}.ipynb")
    phone.goto(server.url, wait_until="domcontentloaded")
    expect(phone.locator(".hv-phone-step")).to_be_visible(timeout=90_000)
    assert no_horizontal_scroll(phone)
    expect(phone.locator(".hv-phone-dot")).to_have_count(len(_SCENARIO.steps))
    shot(phone, artifacts / "phone-360-payment-start.png")

    # Nothing of the key is in the page before answering.
    html = phone.content()
    assert _KEY.steps["ten-nguoi-nhan"].options["hoi-lai"].vi not in html
    assert phone.locator(".hv-phone a[href]").count() == 0

    # Step 1 with the keyboard only: focus the right option, Space to pick it, then Send.
    step = phone.locator('.hv-phone-step[data-step="ten-nguoi-nhan"]')
    expect(step.locator(".hv-phone-row-em .hv-phone-row-value")).to_have_text("TRAN VAN KHOA")
    phone.locator('[data-key="opt-hoi-lai"]').focus()
    phone.keyboard.press("Space")
    phone.keyboard.press("Tab")
    assert phone.evaluate("() => document.activeElement.dataset.key") == "send"
    phone.keyboard.press("Enter")
    expect(step.locator(".hv-phone-headline")).to_contain_text("Đúng rồi")
    for target in phone.locator(".hv-phone button, .hv-phone-option").all():
        if target.is_visible():
            assert target.bounding_box()["height"] >= 44

    # Steps 2-4 by tapping; a wrong answer on the QR swap is explained.
    answers = {"qr-dan-de": "quet-lai", "bill-gia": "doi-tien-ve", "chuyen-nham": "bao-ngan-hang"}
    for step_id, option in answers.items():
        phone.locator(".hv-phone-next").click()
        card = phone.locator(f'.hv-phone-step[data-step="{step_id}"]')
        expect(card).to_be_visible()
        card.locator(f'[data-key="opt-{option}"]').check()
        card.locator(".hv-phone-send").click()
        expect(card.locator(".hv-phone-feedback")).to_be_visible()
    qr_wrong = _KEY.steps["qr-dan-de"].options["quet-lai"].vi
    wrong_dot = phone.locator('[data-key="dot-qr-dan-de"]')
    expect(wrong_dot).to_have_text("✗")
    expect(wrong_dot).to_have_class(re.compile(r"\bhv-phone-dot-wrong\b"))
    expect(phone.locator('[data-key="dot-bill-gia"]')).to_have_text("✓")
    wrong_dot.click()
    expect(phone.locator(".hv-phone-fb-wrong .hv-phone-fb-explain")).to_have_text(qr_wrong)
    expect(phone.locator(".hv-phone-fb-right")).to_have_count(1)
    shot(phone, artifacts / "phone-360-payment-qr-feedback.png")

    # Step 5: type the amount as people do; the bank asks for face verification.
    phone.locator('[data-key="dot-dat-coc-xe"]').click()
    phone.locator(".hv-phone-amount").fill("12 triệu")
    phone.locator(".hv-phone-send").click()
    expect(phone.locator(".hv-phone-face-yes")).to_contain_text("xác thực khuôn mặt")
    expect(phone.locator(".hv-phone-amount-read")).to_contain_text("12.000.000")

    # Step 6, then the total.
    phone.locator(".hv-phone-next").click()
    phone.locator('[data-key="opt-tu-quet"]').check()
    phone.locator(".hv-phone-send").click()
    result = phone.locator(".hv-result")
    expect(result.locator(".hv-result-total")).to_have_text("Điểm của bạn: 10 trên 12")
    review = result.locator(".hv-result-review .hv-result-item")
    expect(review).to_have_count(1)
    expect(review).to_contain_text(_KEY.steps["qr-dan-de"].flag.vi)
    expect(result.locator(".hv-result-good .hv-result-item")).to_have_count(5)
    expect(result.locator('[data-key="next-lesson"]')).to_contain_text("Mật khẩu và tài khoản")
    expect(phone.locator(".hv-grade-note")).to_have_text("Bài làm đã được lưu.")  # no longer "not submitted"
    assert no_horizontal_scroll(phone)
    shot(phone, artifacts / "phone-360-payment-done.png")
    shot(phone, artifacts / "phone-360-payment-result.png", ".hv-result")
    large_text(phone)
    assert no_horizontal_scroll(phone)
    shot(phone, artifacts / "phone-360-payment-done-160.png")
    shot(phone, artifacts / "phone-360-payment-result-160.png", ".hv-result")
    large_text(phone, on=False)
    result.locator('[data-key="reopen-qr-dan-de"]').click()  # "Mở lại bước 2": the step and its explanation
    expect(phone.locator('.hv-phone-step[data-step="qr-dan-de"] .hv-phone-fb-wrong')).to_be_visible()

    deadline = time.monotonic() + 10
    while (time.monotonic() < deadline
           and len((rows(server.db_url) or [{}])[-1].get("answers", {}).get("steps", {})) < 6):
        time.sleep(0.2)
    last = rows(server.db_url)[-1]
    assert last["kind"] == "phone" and last["scenario_id"] == PAY
    assert last["answers"]["steps"]["dat-coc-xe"] == {"amount": 12_000_000}


def test_password_checker_works_live_and_stores_no_password(phone: Page, voila_server, artifacts) -> None:
    server = voila_server("mat-khau-tai-khoan/mat-khau-tai-khoan.ipynb")
    phone.goto(server.url, wait_until="domcontentloaded")
    expect(phone.locator(".hv-phone-step")).to_be_visible(timeout=90_000)
    phone.locator('[data-key="opt-d"]').check()
    phone.locator(".hv-phone-send").click()
    phone.locator(".hv-phone-next").click()
    box = phone.locator(".hv-phone-password")
    box.press_sequentially("Sau@1960", delay=30)
    expect(phone.locator(".hv-phone-checker-top")).to_contain_text("8 ký tự")
    # too short, personal details, and easy to guess (zxcvbn)
    expect(phone.locator(".hv-phone-check-bad")).to_have_count(3)
    assert phone.evaluate("() => document.activeElement.dataset.key") == "password"  # typing is never interrupted
    box.fill("")
    secret = "bốn con vịt bơi qua cầu tre"
    box.press_sequentially(secret, delay=20)
    expect(phone.locator(".hv-phone-checker-top")).to_contain_text("Mạnh")
    expect(phone.locator(".hv-phone-check-ok")).to_have_count(4)
    phone.locator('[data-key="show"]').click()
    shot(phone, artifacts / "phone-360-password-checker.png")
    phone.locator(".hv-phone-send").click()
    expect(phone.locator(".hv-phone-headline")).to_contain_text("Đúng rồi")
    time.sleep(0.5)
    dumped = json.dumps(rows(server.db_url), ensure_ascii=False)
    assert "vịt" not in dumped and '"length": 27' in dumped


def test_ai_lesson_renders_in_voila(phone: Page, voila_server, artifacts) -> None:
    server = voila_server("dung-ai-an-toan/dung-ai-an-toan.ipynb")
    phone.goto(server.url, wait_until="domcontentloaded")
    expect(phone.locator(".hv-phone-video")).to_be_visible(timeout=90_000)
    expect(phone.get_by_text("Chưa nộp bài")).to_be_visible()
    assert "Traceback" not in phone.content()
    assert no_horizontal_scroll(phone)
    shot(phone, artifacts / "phone-360-ai-deepfake.png")
