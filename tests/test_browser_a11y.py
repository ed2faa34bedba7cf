"""axe-core (pinned, tests/js) in a real Chromium at 360×740 against every page a learner or teacher meets.

The catalogue (signed out and in), every lesson right after its widget is drawn and again after one
learner action, the teacher's PIN page and the open dashboard, and the upload page: no violation of
serious or critical impact is allowed. Every violation found (moderate and minor too) is written to
test-artifacts/axe-report.json, page by page, for the next round of work.

Also here, what axe cannot see: one language at a time (the page and its widget in the learner's
language from the first render, the other one tap away) and read-aloud (one control per widget that
reads the screen, not its own label, and says so when the device has no voice).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

import phonekit
from graderkit import make_course
from phonekit import LESSONS, open_lesson, run_axe, sign_in, tap_once, write_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]
phone = phonekit.phone_fixture  # the 360×740 offline phone, patient

REPORT = "axe-report.json"


@pytest.fixture(scope="module")
def classroom(classroom_factory, tmp_path_factory):
    """`hocvuso serve` with a course, so the upload page is on as well as the lessons and dashboard."""
    root = tmp_path_factory.mktemp("a11y")
    server = classroom_factory(workdir=root, class_size=1, pin="975310", lessons=tuple(LESSONS),
                               extra=("--course", str(make_course(root / "course"))))
    server.wait_pool()
    return server


def no_serious(page: Page, where: str) -> None:
    report: dict = {}
    serious = run_axe(page, where, report)
    write_report(report, REPORT)
    assert not serious, f"{where}: axe-core found serious/critical violations:\n" + "\n".join(
        f"  {v['impact']} {v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']]}" for v in serious)


def test_catalogue(phone: Page, classroom):
    phone.goto(f"{classroom.base}/?lop={classroom.class_code}")
    no_serious(phone, "catalogue, signed out")
    sign_in(phone, classroom.base, classroom.class_code)
    no_serious(phone, "catalogue, signed in")


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_after_render_and_after_a_tap(phone: Page, classroom, lesson):
    sign_in(phone, classroom.base, classroom.class_code)
    open_lesson(phone, classroom.base, lesson)
    no_serious(phone, f"{lesson}, drawn")
    tap_once(phone)
    no_serious(phone, f"{lesson}, after a tap")


def test_dashboard_locked_and_open(phone: Page, classroom):
    phone.goto(f"{classroom.base}/voila/render/giao-vien/bang-dieu-khien.ipynb")
    pin = phone.locator("#hv-pin, .hv-pin-input input").first
    expect(pin).to_be_visible()
    no_serious(phone, "dashboard, locked")
    pin.fill(classroom.pin)
    phone.locator(".hv-pin-open").first.click()
    expect(phone.locator(".hv-dash-body, .hv-dash-summary").first).to_be_visible(timeout=90_000)
    no_serious(phone, "dashboard, open")


def test_upload_page(phone: Page, classroom):
    phone.goto(f"{classroom.base}/hv/nop-bai?lop={classroom.class_code}")
    no_serious(phone, "upload page, not signed in")
    sign_in(phone, classroom.base, classroom.class_code)
    phone.goto(f"{classroom.base}/hv/nop-bai")
    expect(phone.locator("input[type=file]")).to_be_attached()
    no_serious(phone, "upload page")


def test_one_language_from_the_first_render(phone: Page, classroom):
    """English chosen in the catalogue: the lesson text and its widget are English at once, no Vietnamese
    paragraph printed beside them; one tap on the page's switch brings both to Vietnamese."""
    phone.goto(f"{classroom.base}/?lang=en")
    sign_in(phone, classroom.base, classroom.class_code)
    open_lesson(phone, classroom.base, "lua-dao-tin-nhan")
    expect(phone.locator(".hv-task-title")).to_have_attribute("class", "hv-task-title hv-inbox-title")
    assert phone.evaluate("() => document.documentElement.lang") == "en"
    text = phone.locator("#rendered_cells").inner_text()
    assert "Spot the scam" in text and "Nhận diện tin nhắn lừa đảo" not in text
    expect(phone.locator(".hv-task-lang-en")).to_have_attribute("aria-pressed", "true")
    first_bar = phone.locator(".hv-task-bar").inner_text()
    phone.locator(".hv-lang-btn").click()
    expect(phone.locator(".hv-task-lang-vi")).to_have_attribute("aria-pressed", "true")
    text = phone.locator("#rendered_cells").inner_text()
    assert "Nhận diện tin nhắn lừa đảo" in text and "Spot the scam" not in text
    assert phone.locator(".hv-task-bar").inner_text() != first_bar
    assert "lang=vi" in phone.url


def test_read_aloud_reads_the_screen_not_its_label(phone: Page, classroom):
    """The widget's read-aloud speaks the screen's text in the widget's language; here Chromium has no
    voice, so a fake Vietnamese voice records what would be said (the real speechSynthesis API otherwise)."""
    phone.add_init_script("""
      window.hvSaid = [];
      const voice = { lang: 'vi-VN', name: 'test', voiceURI: 'test', localService: true, default: true };
      speechSynthesis.getVoices = () => [voice];
      speechSynthesis.speak = (u) => window.hvSaid.push({ text: u.text, lang: u.lang, rate: u.rate });
      // A real utterance only takes a real SpeechSynthesisVoice, which a page cannot make.
      window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; this.rate = 1; } };
    """)
    sign_in(phone, classroom.base, classroom.class_code)
    open_lesson(phone, classroom.base, "lua-dao-tin-nhan")
    tap_once(phone)  # a message is open
    phone.locator(".hv-read-slow").click()
    phone.locator(".hv-read-btn").click()
    said = phone.evaluate("() => window.hvSaid")
    assert len(said) == 1 and said[0]["lang"] == "vi-VN" and said[0]["rate"] < 1
    sender = phone.locator(".hv-inbox-msg-sender").inner_text()
    assert sender in said[0]["text"]
    for label in ("Đọc to", "Đọc chậm", "VI", "EN"):
        assert label not in said[0]["text"].split(), f"read-aloud read the control {label!r}"


def test_read_aloud_says_when_there_is_no_voice(phone: Page, classroom):
    phone.add_init_script("speechSynthesis.getVoices = () => [];")
    sign_in(phone, classroom.base, classroom.class_code)
    open_lesson(phone, classroom.base, "thanh-toan-an-toan")
    phone.locator(".hv-read-btn").click()
    expect(phone.locator(".hv-read-note")).to_contain_text("chưa có giọng đọc tiếng Việt")
