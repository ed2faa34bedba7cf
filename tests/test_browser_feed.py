"""The news-feed lesson in a real Chromium, served by a real Voilà, at a phone's 360×740.

The story: a learner opens "Tin thật, tin giả" on a phone, checks each post with the simulated tools
(what a check finds appears only when tapped), decides to share, not share or report, reads why,
shares one false post by mistake, and ends on the result screen, which sends her back to that post.
Every decision, with the checks made before it, is in the classroom database, and the score the page
shows is the one the pure scoring function gives.
"""
from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Page, expect

from hocvuso.core import SqlStore
from hocvuso.core.feed import load_feed, score_feed

from kit import full_screenshot

pytestmark = pytest.mark.browser

FEED = "tin-that-tin-gia"
SCENARIO, KEY = load_feed(FEED)


@pytest.fixture()
def phone(offline_phone) -> Page:
    offline_phone.set_default_timeout(30_000)
    return offline_phone


def screen_at(page: Page, selector: str, path) -> None:
    """What the phone's 360×740 screen shows with `selector` scrolled to its top."""
    page.locator(selector).first.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(path))


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("() => { const f = document.querySelector('.hv-feed-frame');"
                         " return f.scrollWidth <= f.clientWidth + 1 && f.getBoundingClientRect().right <= 360; }")


def saved(db_url: str) -> dict:
    rows = SqlStore(db_url).rows()
    return json.loads(rows[-1]["payload"]) if rows else {}


def test_learner_checks_the_feed_and_ends_on_the_result_screen(phone: Page, voila_server, artifacts) -> None:
    server = voila_server(f"{FEED}/{FEED}.ipynb")
    phone.goto(f"{server.url}?lang=vi", wait_until="domcontentloaded")
    expect(phone.locator(".hv-feed-post")).to_be_visible(timeout=90_000)
    expect(phone.locator(".hv-feed-dot")).to_have_count(len(SCENARIO.posts))
    expect(phone.get_by_text("Chưa nộp bài")).to_have_count(1)
    assert fits_the_screen(phone)
    full_screenshot(phone, artifacts / "feed-360-start.png")
    screen_at(phone, ".hv-feed-progress", artifacts / "feed-360x740-post.png")

    # Before any tap: no verdict, no explanation, no tool result in the page; no real link.
    html = phone.content()
    for post in SCENARIO.posts:
        assert KEY.posts[post.id].explain.vi not in html
        assert all(result.vi not in html for result in post.tools.values())
    assert phone.locator(".hv-feed a[href]").count() == 0
    # One language at a time: the Vietnamese post, not its English twin.
    assert SCENARIO.posts[0].text.en not in html

    plan = {p.id: (KEY.posts[p.id].correct[0], KEY.posts[p.id].needed) for p in SCENARIO.posts}
    plan["tin-don-suc-khoe"] = ("share", ())  # the learner falls for the health rumour
    for index, post in enumerate(SCENARIO.posts):
        card = phone.locator(f'.hv-feed-post[data-post="{post.id}"]')
        if index:
            phone.locator(".hv-feed-next").click()
        expect(card).to_be_visible()
        decision, checks = plan[post.id]
        for tool in checks:
            card.locator(f'[data-key="tool-{tool}"]').click()
            expect(card.locator(f'.hv-feed-found-item[data-tool="{tool}"]')).to_contain_text(post.tools[tool].vi[:30])
        if post.id == "anh-lu-cu":
            full_screenshot(phone, artifacts / "feed-360-image-check.png")
            screen_at(phone, ".hv-feed-tools", artifacts / "feed-360x740-check.png")
        card.locator(f'[data-key="opt-{decision}"]').check()
        card.locator(".hv-feed-send").click()
        expect(card.locator(".hv-feed-feedback")).to_be_visible()
        expect(card.locator(".hv-feed-label")).to_have_text(KEY.posts[post.id].label.vi)
        expect(card.locator('[data-key="send"]')).to_have_count(0)  # a lesson decision is final
        if post.id == "anh-lu-cu":
            full_screenshot(phone, artifacts / "feed-360-image-feedback.png")
            screen_at(phone, ".hv-feed-feedback", artifacts / "feed-360x740-feedback.png")
    rumour = phone.locator('.hv-feed-post[data-post="tin-don-suc-khoe"]')
    expect(rumour.locator(".hv-feed-feedback-wrong")).to_be_visible()
    expect(rumour.locator(".hv-feed-fb-wrong .hv-feed-fb-explain")).to_have_text(
        KEY.posts["tin-don-suc-khoe"].decisions["share"].vi)
    for target in phone.locator(".hv-feed button, .hv-feed-option").all():
        if target.is_visible():
            box = target.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, target.inner_text()

    # The result screen: the score the pure function gives, what went well, what to look at again.
    answers = {"posts": {pid: {"decision": d, "checked": list(c)} for pid, (d, c) in plan.items()}}
    expected = score_feed(SCENARIO, KEY, answers)
    result = phone.locator(".hv-feed-result")
    expect(result.locator(".hv-result-total")).to_contain_text(f"{expected.points:g} trên {expected.max_points:g}")
    expect(result.locator(".hv-result-review .hv-result-reopen")).to_have_count(1)
    expect(result.locator(".hv-result-review .hv-result-why")).not_to_be_empty()
    # the next lesson, by its title, linked where the lesson is bundled
    following = result.locator(".hv-result-next")
    expect(following).to_contain_text("Tuần 10")
    assert following.get_attribute("href").startswith("../tuan-10-tin-don-quang-cao/")
    # the status line says it is all done and points where the result is
    expect(phone.locator(".hv-feed-status")).to_contain_text("quyết định xong mọi bài")
    expect(phone.get_by_text("Chưa nộp bài")).to_have_count(0)  # the grade cell's load-time note says "saved" now
    assert fits_the_screen(phone)
    full_screenshot(phone, artifacts / "feed-360-done.png")
    screen_at(phone, ".hv-feed-result", artifacts / "feed-360x740-result.png")
    phone.evaluate("() => { document.documentElement.style.fontSize = '160%'; }")  # what A+ does in the classroom
    screen_at(phone, ".hv-feed-result", artifacts / "feed-360x740-result-160.png")
    assert fits_the_screen(phone)
    phone.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    phone.locator('[data-key="reopen-tin-don-suc-khoe"]').click()
    expect(phone.locator(".hv-feed-dot-current")).to_have_attribute("data-key", "dot-tin-don-suc-khoe")

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(saved(server.db_url).get("answers", {}).get("posts", {})) < len(plan):
        time.sleep(0.2)
    last = saved(server.db_url)
    assert last["kind"] == "feed" and last["scenario_id"] == FEED
    assert last["answers"] == answers


def test_in_english_the_feed_and_its_feedback_are_read_aloud_in_english_only(phone: Page, voila_server) -> None:
    """?lang=en: the widget is English from its first render, and read-aloud speaks the post, what a check
    found and the feedback in English with an English voice — never the Vietnamese text, never a button.
    Chromium has no voice here, so a fake one records what would be said."""
    phone.add_init_script("""
      window.hvSaid = [];
      const voice = { lang: 'en-US', name: 'test', voiceURI: 'test', localService: true, default: true };
      speechSynthesis.getVoices = () => [voice];
      speechSynthesis.speak = (u) => window.hvSaid.push({ text: u.text, lang: u.lang });
      window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; this.rate = 1; } };
    """)
    server = voila_server(f"{FEED}/{FEED}.ipynb")
    phone.goto(f"{server.url}?lang=en", wait_until="domcontentloaded")
    card = phone.locator('.hv-feed-post[data-post="thong-bao-nghi-hoc"]')
    expect(card).to_be_visible(timeout=90_000)
    post = SCENARIO.post("thong-bao-nghi-hoc")
    expect(card.locator(".hv-feed-text")).to_have_text(post.text.en)
    card.locator('[data-key="tool-official"]').click()
    expect(card.locator(".hv-feed-found-item")).to_have_count(1)
    card.locator('[data-key="opt-report"]').check()
    card.locator(".hv-feed-send").click()
    expect(card.locator(".hv-feed-headline")).to_be_visible()
    phone.locator(".hv-read-btn").click()
    said = phone.evaluate("() => window.hvSaid")
    assert len(said) == 1 and said[0]["lang"] == "en-US"
    text = said[0]["text"]
    assert post.text.en in text and KEY.posts[post.id].explain.en in text and post.tools["official"].en in text
    assert post.text.vi not in text and KEY.posts[post.id].explain.vi not in text
    for label in ("Send", "Next post ›", "Read aloud", "Slower"):
        assert label not in text, f"read-aloud read the control {label!r}"
