"""The dossier simulator in a real Chromium, served by a real Voilà, at a phone's 360×740.

The story: on a phone, a learner opens the guided lesson, first taps a look-alike portal — the
lesson stops them, explains it (its real domain marked) and lets them choose again — then picks the
official portal, signs in with the simulated VNeID account, chooses the judicial-record procedure and
its agency, fills the form (a wrong phone number is flagged under the field, then fixed), attaches
the ID-card photo, ticks the commitment, reads the OTP off the simulated phone, pays through the
simulated bank and gets a dossier code — which is in the classroom database — and the lesson ends on
its result screen: the score, what went well, what to review (the look-alike portal, costing its point)
with a button that reopens that step, and the next lesson.
"""
from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import Page, expect

from hocvuso.core import SqlStore, load_exercise, score

from kit import full_screenshot
from phonekit import large_text

pytestmark = pytest.mark.browser

LESSON = "thu-tuc-truc-tuyen/thu-tuc-truc-tuyen.ipynb"
GRADED = "ho-so-khai-sinh/ho-so-khai-sinh.ipynb"
SCENARIO_ID = "lltp-xin-viec"
WIDTH, HEIGHT = 360, 740
SCENARIO, KEY = load_exercise(SCENARIO_ID)
KEY_MAX = score(SCENARIO, KEY, {}).max_points


@pytest.fixture(scope="module")
def lesson_server(voila_server):
    return voila_server(LESSON)


@pytest.fixture()
def phone(offline_phone, lesson_server):
    """A 360×740 page that can reach only the local Voilà (conftest.offline_phone)."""
    return offline_phone


@pytest.fixture(scope="module")
def graded_server(voila_server):
    return voila_server(GRADED)


@pytest.fixture()
def phone_graded(offline_phone, graded_server):
    return offline_phone


def widget_shot(page: Page, path) -> None:
    """Screenshot of the widget alone; the viewport grows first because Voilà scrolls inside #rendered_cells."""
    height = page.evaluate(
        "() => (document.querySelector('#rendered_cells') || document.scrollingElement).scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(height) + 20)})
    page.locator(".hv-dossier").screenshot(path=str(path))
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def step_is(page: Page, n: int) -> None:
    expect(page.locator(".hv-dos-step-current")).to_have_text(str(n))


def shots_normal_and_large(page: Page, stem) -> None:
    """The widget at normal size (stem.png) and at the A+ control's 160 % (stem-160.png), which must still fit."""
    widget_shot(page, stem.with_name(f"{stem.name}.png"))
    large_text(page)
    widget_shot(page, stem.with_name(f"{stem.name}-160.png"))
    assert_no_horizontal_scroll(page)
    large_text(page, on=False)


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("""() => [document.scrollingElement.scrollWidth,
        (document.querySelector('#rendered_cells') || document.body).scrollWidth,
        document.querySelector('.hv-dossier').scrollWidth]""")
    assert max(widths) <= WIDTH, f"horizontal scroll at {WIDTH}px: {widths}"


def type_field(page: Page, field_id: str, value: str) -> None:
    box = page.locator(f'input[data-field="{field_id}"]')
    box.fill(value)
    box.press("Tab")  # change event: Python validates and saves
    expect(page.locator(f'input[data-field="{field_id}"]')).to_have_value(value)


def test_learner_files_a_dossier_on_a_phone(phone: Page, lesson_server, artifacts) -> None:
    started = time.monotonic()
    phone.goto(lesson_server.url, wait_until="domcontentloaded")
    expect(phone.locator(".hv-dos-portal").first).to_be_visible(timeout=60_000)

    # 1 · the portal: addresses are text, never links; choose the .gov.vn one.
    assert phone.locator(".hv-dossier a[href]").count() == 0
    expect(phone.locator(".hv-dos-addr", has_text="dichvucong.gov.vn-hoso.top")).to_be_visible()
    full_screenshot(phone, artifacts / "dossier-360-portals.png")

    # 1 · a look-alike first: a teaching moment, not the end of the attempt.
    phone.locator('[data-key="portal-fake-hoso-top"]').click()
    card = phone.locator(".hv-dos-fake")
    expect(card).to_be_visible()
    expect(card.locator(".hv-dos-fake-domain")).to_have_text("vn-hoso.top")
    expect(phone.locator(".hv-dos-status-error")).to_contain_text("giả mạo")
    expect(phone.locator('[data-key="portal-fake-hoso-top"]')).to_contain_text("bạn đã vào đây")
    step_is(phone, 1)
    shots_normal_and_large(phone, artifacts / "dossier-360-fake-portal")
    phone.locator('[data-key="portal-dvcqg"]').click()
    step_is(phone, 2)
    expect(phone.locator(".hv-dos-fake")).to_have_count(0)

    # 2 · sign in: a wrong passcode is refused, then the right one.
    phone.locator(".hv-dos-id").fill(SCENARIO.account.id_number)
    phone.locator(".hv-dos-pass").fill("000000")
    phone.locator(".hv-dos-signin-btn").click()
    expect(phone.locator(".hv-dos-status-error")).to_contain_text("4")
    phone.locator(".hv-dos-pass").fill(SCENARIO.account.passcode)
    phone.locator(".hv-dos-signin-btn").click()
    step_is(phone, 3)

    # 3 · procedure and agency.
    # A tap, then Python's answer: `check()` would also insist the element stays checked, but Python
    # re-draws the step (under load, while Playwright looks) — the state to wait for is Python's.
    phone.locator(f'[data-key="proc-{KEY.procedure}"]').click()
    expect(phone.locator(f'[data-key="proc-{KEY.procedure}"]')).to_be_checked()
    phone.locator(".hv-dos-agency").select_option(KEY.agencies[0])
    phone.locator(".hv-dos-proc-go").click()
    step_is(phone, 4)

    # 4 · the form: pre-filled, read-only fields; live validation under a wrong field.
    expect(phone.locator('input[data-field="full_name"]')).to_have_value("Bùi Thanh Hà")
    expect(phone.locator('input[data-field="full_name"]')).to_have_attribute("readonly", "")
    type_field(phone, "phone", "01234567890")
    bad = phone.locator(".hv-dos-field-bad .hv-dos-problem")
    expect(bad).to_contain_text("2018")
    expect(phone.locator('input[data-field="phone"]')).to_have_attribute("aria-invalid", "true")
    for field_id, value in KEY.fields.items():
        if phone.locator(f'select[data-field="{field_id}"]').count():
            phone.locator(f'select[data-field="{field_id}"]').select_option(value)
        else:
            type_field(phone, field_id, SCENARIO.account.phone if field_id == "phone" else value)
    expect(phone.locator(".hv-dos-field-bad")).to_have_count(0)
    widget_shot(phone, artifacts / "dossier-360-form.png")
    phone.locator(".hv-dos-next").click()
    step_is(phone, 5)

    # 5 · documents from the simulated picker.
    phone.locator('[data-key="slot-giay-to-tuy-than"]').select_option("can-cuoc-ha")
    expect(phone.locator(".hv-dos-attached")).to_contain_text(SCENARIO.file("can-cuoc-ha").name)
    phone.locator(".hv-dos-next").click()
    step_is(phone, 6)

    # 6 · review and commitment.
    expect(phone.locator(".hv-dos-review")).to_contain_text("Bùi Văn Lợi")
    phone.locator('[data-key="commit"]').click()  # ticking the commitment moves on to the OTP step
    step_is(phone, 7)

    # 7 · the OTP, read off the simulated phone; the fake "staff" chat is there and stays unanswered.
    expect(phone.locator(".hv-dos-bubble-staff").first).to_be_visible()
    expect(phone.locator(".hv-dos-reminder")).to_be_visible()
    widget_shot(phone, artifacts / "dossier-360-otp.png")
    sms = phone.locator(".hv-dos-sms-otp").last.text_content()
    otp = re.search(r"\b(\d{6})\b", sms).group(1)
    phone.locator(".hv-dos-otp").fill(otp)
    phone.locator(".hv-dos-otp-go").click()
    step_is(phone, 8)

    # 8 · the fee through the simulated bank.
    expect(phone.locator(".hv-dos-fee").first).to_contain_text("200.000")
    phone.locator(".hv-dos-pay").click()
    phone.locator(".hv-dos-bank-confirm").click()
    expect(phone.locator(".hv-dos-sms-bank")).to_contain_text("200.000")
    phone.locator(".hv-dos-submit").click()

    # 9 · the dossier code.
    step_is(phone, 9)
    code = phone.locator(".hv-dos-code")
    expect(code).to_have_text(re.compile(r"^LL-261120-\d{6}$"))
    code_text = code.text_content()
    seconds = time.monotonic() - started

    assert_no_horizontal_scroll(phone)
    for target in phone.locator(".hv-dos-btn").all():
        box = target.bounding_box()
        assert box is None or box["height"] >= 44
    widget_shot(phone, artifacts / "dossier-360.png")  # the widget, as the phone shows it
    full_screenshot(phone, artifacts / "dossier-360-page.png")

    # The result screen: the score (the look-alike cost its point; the status is not followed yet), what went
    # well, what to review — each with the step to reopen — and the next lesson.
    result = phone.locator(".hv-result")
    expect(result.locator(".hv-result-total")).to_have_text(f"Điểm của bạn: 17 trên {int(KEY_MAX)}")
    expect(result.locator(".hv-result-good .hv-result-item")).not_to_have_count(0)
    review = result.locator(".hv-result-review .hv-result-item")
    expect(review).to_have_count(2)  # the portal, and the status not followed
    expect(review.first).to_contain_text("vn-hoso.top")
    next_lesson = result.locator('[data-key="next-lesson"]')
    expect(next_lesson).to_contain_text("Giấy tờ tùy thân trực tuyến")
    assert next_lesson.get_attribute("href").startswith("../thu-tuc-giay-to-tuy-than/")
    expect(phone.locator(".hv-grade-note")).to_have_text("Bài làm đã được lưu.")  # no longer "not submitted"
    labels = " ".join(result.locator(".hv-result-label").all_inner_texts())
    assert "(0/1)" not in labels and "field" not in labels and "document" not in labels
    shots_normal_and_large(phone, artifacts / "dossier-360-result")
    result.locator('[data-key="reopen-portal"]').click()
    step_is(phone, 1)

    # The classroom database holds the filed dossier (no passcode, no OTP).
    deadline = time.monotonic() + 10
    row = None
    while time.monotonic() < deadline and row is None:
        rows = [r for r in SqlStore(lesson_server.db_url).rows() if json.loads(r["payload"])["answers"].get("code")]
        row = rows[-1] if rows else None
        time.sleep(0.2)
    assert row is not None and row["kind"] == "dossier" and row["task_id"] == "thu-tuc"
    assert json.loads(row["payload"])["answers"]["code"] == code_text
    assert SCENARIO.account.passcode not in row["payload"] and otp not in row["payload"]
    result = score(SCENARIO, KEY, json.loads(row["payload"])["answers"])  # the store keeps answers, not scores
    assert result.points == result.max_points - 2  # the look-alike portal first; status not yet tracked
    assert not [u for u in phone.blocked if "hoso.top" in u or "xyz" in u]  # type: ignore[attr-defined]
    assert seconds < 60


def test_the_graded_task_says_the_teacher_will_see_the_result(phone_graded: Page, graded_server) -> None:
    """Contest mode (the graded birth registration): a look-alike portal ends the attempt, no score or verdict is
    shown, and the learner is told the work is saved and the teacher will see the result."""
    phone_graded.goto(graded_server.url, wait_until="domcontentloaded")
    expect(phone_graded.locator(".hv-dos-portal").first).to_be_visible(timeout=60_000)
    phone_graded.locator('[data-key="portal-fake-hoso-top"]').click()
    expect(phone_graded.locator(".hv-dos-ended")).to_be_visible()
    expect(phone_graded.locator('[data-key="teacher-note"]')).to_have_text(
        "Bài làm đã được lưu. Thầy cô sẽ xem kết quả.")
    expect(phone_graded.locator(".hv-result")).to_have_count(0)  # no score, no verdict in a contest
    expect(phone_graded.locator(".hv-grade-note")).to_have_text("Bài làm đã được lưu.")
    assert phone_graded.locator('[data-key="restart"]').count() == 0
