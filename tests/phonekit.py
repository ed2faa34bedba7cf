"""What the phone-first browser tests share: sign a learner in, open a lesson, tap once, inject axe-core,
measure targets and text, step the large-text control.

Used by tests/test_browser_a11y.py (axe-core) and tests/test_browser_geometry.py (boxes and sizes), both
against a real `hocvuso serve` and Chromium at 360×740. axe-core is a pinned npm package in tests/js
(`npm ci --prefix tests/js`); without it the axe tests are skipped with that command in the reason.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hocvuso.classroom import lesson_catalogue

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LESSONS = [lesson.name for lesson in lesson_catalogue()]
WIDGET = ".hv-task-bar, .hv-dos-bar"
"""The top bar every widget draws first (common.js appBar): the widget is live once it is there."""

# One learner action per widget kind, the first that is on the first screen.
FIRST_TAP = ".hv-inbox-open, .hv-dos-portal, .hv-phone-option, .hv-phone-send, .hv-phone-next, .hv-feed-tool"


@pytest.fixture(name="phone")
def phone_fixture(offline_phone):
    """conftest.offline_phone (360×740, touch, nothing leaves the LAN) with the patience a loaded machine needs."""
    offline_phone.set_default_timeout(60_000)
    return offline_phone


def sign_in(page: Page, base: str, class_code: str, name: str = "Bà Lan") -> None:
    """Sign `name` in through the catalogue form, as a learner does."""
    page.goto(f"{base}/?lop={class_code}")
    page.locator("#hv-name").fill(name)
    page.locator(".hv-signin-btn").click()
    expect(page.locator(".hv-hello")).to_be_visible()


def open_lesson(page: Page, base: str, lesson: str) -> None:
    """Open `lesson` from the catalogue (the learner's language rides on the link) and wait for its widget."""
    page.goto(f"{base}/")
    page.locator(f'.hv-start[data-lesson="{lesson}"]').click()
    page.locator(WIDGET).first.wait_for(state="visible", timeout=90_000)


def tap_once(page: Page) -> None:
    """One learner action in the lesson's widget; wait until Python has answered (the widget redraws)."""
    target = page.locator(FIRST_TAP).first
    target.wait_for(state="visible")
    before = page.locator(".hv-task-frame, .hv-dos-phone").first.inner_text()
    target.click()
    page.wait_for_function(
        "(before) => { const f = document.querySelector('.hv-task-frame, .hv-dos-phone');"
        " return f && f.innerText !== before; }", arg=before, timeout=30_000)


def set_text_size(page: Page, step: int) -> None:
    """Tap A+ until the page is at `step` (0: normal, 1: 130 %, 2: 160 %), as a learner does."""
    sizes = ["", "hv-text-1", "hv-text-2"]
    for _ in range(3):
        current = page.evaluate("() => ['hv-text-1','hv-text-2'].findIndex(c => document.documentElement"
                                ".classList.contains(c)) + 1")
        if current == step:
            break
        button = page.locator("#hv-large, .hv-large-btn").first
        button.scroll_into_view_if_needed()
        button.click()
    assert page.evaluate("(c) => !c || document.documentElement.classList.contains(c)", sizes[step])


def run_axe(page: Page, where: str, report: dict[str, Any]) -> list[dict[str, Any]]:
    """Run axe-core on the page; note every violation in `report[where]`; return the serious/critical ones."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci --prefix tests/js`")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated through DevTools rather than as a <script>: pages with a strict CSP (the upload page) run it too.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    found = page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 6).map(n => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
    }""")
    report[where] = found
    return [v for v in found if v["impact"] in ("serious", "critical")]


def write_report(report: dict[str, Any], name: str) -> Path:
    """Write the violations of every page to test-artifacts/<name> (JSON), merged with earlier pages."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    earlier = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    earlier.update(report)
    path.write_text(json.dumps(earlier, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const out = { small_targets: [], small_text: [], too_wide: [],
                page_width: document.documentElement.scrollWidth, viewport: vw };
  const shown = (el) => { const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && !el.closest('[hidden], #loading'); };
  const what = (el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} "${
      (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40)}"`;
  // A box inside its own horizontal scroller (the dashboard table) may be wider: the scroller is checked.
  const scrolls = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (p.id === 'rendered_cells') return false;
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; }
    return false; };
  const interactive =
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex="0"]';
  for (const el of document.querySelectorAll(interactive)) {
    if (!shown(el)) continue;
    let box = el.getBoundingClientRect();
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
      if (label) box = label.getBoundingClientRect();  // the tap target is the whole label
    }
    if (box.width < 43.5 || box.height < 43.5)
      out.small_targets.push(`${what(el)} ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    // A chart's text (the dashboard's svg.hv-chart) counts at the size it is drawn: its font size times the
    // chart's scale on screen. Other svg (icons) holds no reading text.
    const chart = el && el.closest('svg.hv-chart');
    if (!el || seen.has(el) || !n.nodeValue.trim() || (el.closest('svg') && !chart)
        || el.closest('script, style, noscript, title') || !shown(el)) continue;
    seen.add(el);
    const size = parseFloat(getComputedStyle(el).fontSize) * (chart ? el.getScreenCTM().a : 1);
    if (size < 15.5) out.small_text.push(`${what(el)} ${size}px`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el) || el.closest('svg') || getComputedStyle(el).position === 'fixed') continue;
    const r = el.getBoundingClientRect();
    if ((r.right > vw + 1 || r.left < -1) && !scrolls(el))
      out.too_wide.push(`${what(el)} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return out;
}"""


def measure(page: Page) -> dict[str, Any]:
    """Targets under 44 px, text under 16 px, boxes wider than the screen (see MEASURE)."""
    return page.evaluate(MEASURE)


def large_text(page: Page, *, on: bool = True) -> None:
    """The classroom's A+ at its largest step (html.hv-text-2 {font-size: 160%}), applied to this page
    (a lesson served by plain Voilà has no A+ button; the classroom's page sets the same class)."""
    page.evaluate("""(on) => {
        if (!document.getElementById('hv-a-plus')) {
            const s = document.createElement('style'); s.id = 'hv-a-plus';
            s.textContent = 'html.hv-text-2{font-size:160%}'; document.head.appendChild(s);
        }
        document.documentElement.classList.toggle('hv-text-2', on);
    }""", on)
