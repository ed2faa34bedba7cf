"""Lesson pages in Chromium load their script chunks from the one-file bundle, and still work.

If this fails with chunk requests listed, the front-end packages changed: re-record with
`python scripts/record_frontend_assets.py` (see hocvuso.classroom._frontend).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LESSONS = ("lua-dao-tin-nhan", "ho-so-khai-sinh", "thanh-toan-an-toan")


@pytest.fixture(scope="module")
def classroom(classroom_factory):
    server = classroom_factory(class_size=1, lessons=LESSONS)
    server.wait_pool()
    return server


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_page_asks_for_no_chunk_outside_the_bundle(browser, classroom, lesson):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": "hv_token", "value": classroom.token(f"Khung {lesson}"), "url": classroom.base}])
    scripts: list[tuple[str, int]] = []
    context.on("requestfinished", lambda r: scripts.append((r.url, r.response().status))
               if r.resource_type == "script" else None)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{classroom.base}/voila/render/{lesson}/{lesson}.ipynb?lang=vi")
    expect(page.locator(".hv-inbox, .hv-dossier, .hv-phone").first).to_be_visible(timeout=60_000)  # a widget drew
    page.wait_for_load_state("networkidle")
    context.close()
    paths = [url.split("?", 1)[0][len(classroom.base) + 1:] for url, _ in scripts]
    assert all(status == 200 for _, status in scripts), scripts
    bundles = [p for p in paths if p.startswith("hv/frontend/")]
    assert len(bundles) == 1, paths
    entry = [p for p in paths if p.rsplit("/", 1)[-1] == "voila.js" or "/remoteEntry." in p]
    assert len(entry) == 4, entry  # voila.js and the three widget extensions' remoteEntry files
    chunks = [p for p in paths if p not in bundles and p not in entry and p.startswith("voila/")
              and "voila-style.js" not in p]
    assert chunks == [], (f"{lesson} fetched {len(chunks)} script chunks that are not in the bundle, e.g. "
                          f"{chunks[:3]}: run python scripts/record_frontend_assets.py")
