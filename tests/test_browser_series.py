"""One week of the series "Mỗi tuần một kỹ năng số", done end to end in a real Chromium at 360 px.

A learner opens the first week's lesson (served by a real Voilà, as the catalogue links it), answers
every message with the right verdict and red flags, and the classroom database then holds the whole
week under the week's own task id with full marks. The other weeks are the same notebook built from
another inbox (scripts/build_series.py; tests/test_content_coverage.py checks each one's inbox, task
and freshness), so one week stands for all.
"""
from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Page, expect

from hocvuso.core import SqlStore, load_inbox, score

from kit import full_screenshot

pytestmark = pytest.mark.browser

WEEK = "tuan-01-goi-lai-so-quen"
TASK = "tuan-01"
WIDTH = 360
SCENARIO, KEY = load_inbox(WEEK)


def _latest_answers(db_url: str, task: str, want: int, timeout: float = 20) -> dict:
    """The newest saved row of `task` once it holds `want` answers."""
    deadline = time.monotonic() + timeout
    row: dict = {}
    while time.monotonic() < deadline:
        rows = [r for r in SqlStore(db_url).rows() if r["task_id"] == task]
        if rows:
            row = rows[-1]
            if len(json.loads(row["payload"])["answers"]["messages"]) >= want:
                return row
        time.sleep(0.3)
    pytest.fail(f"task {task!r} never reached {want} answers in {db_url}; last row: {row}")


def test_learner_completes_a_series_week_on_a_phone(offline_phone: Page, voila_server, artifacts) -> None:
    server = voila_server(f"{WEEK}/{WEEK}.ipynb")
    phone = offline_phone
    phone.goto(server.url, wait_until="domcontentloaded")
    expect(phone.locator(".hv-inbox-item").first).to_be_visible(timeout=60_000)
    expect(phone.locator(".hv-inbox-item")).to_have_count(len(SCENARIO.messages))

    for msg in SCENARIO.messages:
        key = KEY.messages[msg.id]
        phone.locator(f'.hv-inbox-item[data-id="{msg.id}"]').click()
        expect(phone.locator(f'.hv-inbox-message[data-id="{msg.id}"]')).to_be_visible()
        phone.locator(f".hv-inbox-verdict-{key.verdict}").click()
        for flag in key.red_flags:
            phone.locator(f'.hv-inbox-flag[value="{flag}"]').check()
        phone.locator(".hv-inbox-send").click()
        expect(phone.locator(".hv-inbox-feedback .hv-inbox-headline")).to_be_visible()
        expect(phone.locator(".hv-inbox-feedback .hv-inbox-fb-missed")).to_have_count(0)
        phone.locator(".hv-inbox-back").first.click()
        expect(phone.locator(f'.hv-inbox-item[data-id="{msg.id}"] .hv-inbox-badge-answered')).to_be_visible()

    row = _latest_answers(server.db_url, TASK, len(SCENARIO.messages))
    answers = json.loads(row["payload"])["answers"]
    full = score(SCENARIO, KEY, {"messages": {m: {"verdict": k.verdict, "flags": list(k.red_flags)}
                                              for m, k in KEY.messages.items()}})
    assert row["kind"] == "inbox" and row["scenario_id"] == WEEK
    assert score(SCENARIO, KEY, answers).points == full.points == full.max_points
    assert "points" not in row  # the store keeps answers; the dashboard re-scores them (above)
    widths = phone.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.querySelector('.hv-inbox').scrollWidth]")
    assert max(widths) <= WIDTH, f"horizontal scroll at {WIDTH}px: {widths}"
    full_screenshot(phone, artifacts / "series-week-1-360.png")
