"""Lesson pages in Chromium run the lean front end (hocvuso.classroom._frontend): no request for Voilà's
script chunks, the widget answers a tap, and the browser still cannot execute code in its kernel. The
fallback (HOCVUSO_FRONTEND=stock) loads Voilà's chunks from the one-file bundle.

If the lean files are missing, build them: `cd classroom/frontend && npm ci && node build.mjs`; if the
stock page fetches chunks outside the bundle, re-record with `python scripts/record_frontend_assets.py`.
"""
from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LESSONS = ("lua-dao-tin-nhan", "ho-so-khai-sinh", "thanh-toan-an-toan")
WIDGET = ".hv-inbox, .hv-dossier, .hv-phone, .hv-task"


@pytest.fixture(scope="module")
def classroom(classroom_factory):
    server = classroom_factory(class_size=2, lessons=LESSONS)
    server.wait_pool()
    return server


def open_lesson(browser, classroom, lesson, who):
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    context.add_cookies([{"name": "hv_token", "value": classroom.token(who), "url": classroom.base}])
    scripts: list[tuple[str, int]] = []
    context.on("requestfinished", lambda r: scripts.append((r.url, r.response().status))
               if r.resource_type == "script" or r.url.split("?", 1)[0].endswith(".js") else None)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{classroom.base}/voila/render/{lesson}/{lesson}.ipynb?lang=vi")
    expect(page.locator(WIDGET).first).to_be_visible(timeout=60_000)
    return context, page, scripts


def tap_until_english(page, lang: str = "en") -> None:
    """Tap the widget's EN (or VI) button, which only the kernel answers, until its new screen is drawn."""
    frame = page.locator(".hv-task-frame, .hv-dos-phone").first
    before = frame.inner_text()
    deadline = time.monotonic() + 60
    while frame.inner_text() == before:
        assert time.monotonic() < deadline, "the widget never answered a tap"
        page.locator(f'[data-key="lang-{lang}"]').first.tap()
        page.wait_for_timeout(500)


def scripts_of_a_tapped_lesson(browser, server, lesson, who) -> list[str]:
    """The script paths (relative to the server) a lesson page fetched until its widget answered a tap
    and the network went idle; every one of them answered 200."""
    context, page, scripts = open_lesson(browser, server, lesson, who)
    try:
        tap_until_english(page)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert all(status == 200 for _, status in scripts), scripts
    return [url.split("?", 1)[0][len(server.base) + 1:] for url, _ in scripts]


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_page_runs_the_lean_front_end_and_its_widget_answers_a_tap(browser, classroom, lesson):
    paths = scripts_of_a_tapped_lesson(browser, classroom, lesson, f"Gọn {lesson}")
    stock = [p for p in paths if p.startswith(("voila/static/", "voila/labextensions/", "hv/frontend/"))
             or p.endswith("voila-style.js")]
    assert stock == [], f"{lesson} asked for Voilà's own scripts: {stock[:5]}"
    lean = sorted(p.rsplit("/", 1)[-1] for p in paths if p.startswith("hv/lean/"))
    assert lean[-1] == "lean.js" and all(name.startswith("chunk-") for name in lean[:-1]), lean
    assert "controls.js" not in lean  # ipywidgets' controls are the dashboard's, not a lesson's


def test_the_browser_still_cannot_execute_code_in_its_kernel(browser, classroom, tmp_path):
    marker = tmp_path / "executed"
    context, page, _ = open_lesson(browser, classroom, LESSONS[0], "Không chạy mã")
    try:
        tap_until_english(page)  # the kernel connection is live
        code = f"open({str(marker)!r}, 'w').write('ran')"
        answered = page.evaluate("""async (code) => {
            const future = window.hvWidgetManager.kernel.requestExecute({ code, silent: false });
            const reply = await Promise.race([future.done.then(() => 'replied', () => 'refused'),
                                              new Promise((r) => setTimeout(() => r('no reply'), 5000))]);
            return reply;
        }""", code)
        assert answered != "replied"
        assert not marker.exists(), "an execute request from the browser ran in the lesson kernel"
        tap_until_english(page, "vi")  # the widget still answers afterwards
    finally:
        context.close()
    assert "execute_request" in classroom.log.read_text()


@pytest.fixture(scope="module")
def stock_classroom(classroom_factory):
    os.environ["HOCVUSO_FRONTEND"] = "stock"
    try:
        server = classroom_factory(class_size=1, lessons=LESSONS[:1])
    finally:
        del os.environ["HOCVUSO_FRONTEND"]
    server.wait_pool()
    return server


def test_the_stock_fallback_asks_for_no_chunk_outside_the_bundle(browser, stock_classroom):
    lesson = LESSONS[0]
    paths = scripts_of_a_tapped_lesson(browser, stock_classroom, lesson, "Khung")
    bundles = [p for p in paths if p.startswith("hv/frontend/")]
    assert len(bundles) == 1, paths
    assert not any(p.startswith("hv/lean/") for p in paths)
    entry = [p for p in paths if p.rsplit("/", 1)[-1] == "voila.js" or "/remoteEntry." in p]
    assert len(entry) == 4, entry  # voila.js and the three widget extensions' remoteEntry files
    chunks = [p for p in paths if p not in bundles and p not in entry and p.startswith("voila/")
              and "voila-style.js" not in p]
    assert chunks == [], (f"{lesson} fetched {len(chunks)} script chunks that are not in the bundle, e.g. "
                          f"{chunks[:3]}: run python scripts/record_frontend_assets.py")
