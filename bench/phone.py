"""Phone benchmark: what a cheap Android phone waits for, `hocvuso serve` against stock Voilà, same run.

    python bench/phone.py [--loads 3] [--lessons NAME ...] [--only classroom|stock] [--frontend lean stock]
                          [--budget 1500]

Chromium at 360×740 with the CPU slowed 4× (DevTools `Emulation.setCPUThrottlingRate`, Lighthouse's
mobile setting) and a LAN-like network (5 ms latency, 40 Mbit/s down, 20 up: a classroom Wi-Fi router).
For each lesson page, --loads cold loads (a fresh browser context: empty cache, as a first visit) and as
many warm ones (the same context reloaded: the phone's cache is full), and for each:

  live   time from the start of navigation until the first widget responds to a tap: the learner taps
         the widget's EN button (an action only the kernel answers) until the English screen is drawn;
  TBT    total blocking time until then: the main thread's long tasks (> 50 ms), their part above
         50 ms, summed (PerformanceObserver "longtask", measured in the throttled page);
  parsed script bytes the page ran (decoded body size of every script resource);
  sent   script bytes on the wire (transfer size; 0 for a script served from the warm cache).

Prints p50 (and max) per lesson and server. Goals (issue #15): live ≤ 2.5 s p50 and TBT ≤ 600 ms at 4×.

hocvuso serve runs once per lesson and front end (--frontend: "lean", its own light front end, the
default; "stock", Voilà's own front end in one bundle, HOCVUSO_FRONTEND=stock, what it served before),
that lesson's pool warm, big enough for every load, each load a signed-in learner of its own; stock is
`voila` over the same lesson folders (default settings, anonymous). Both servers and their kernels are
stopped at the end, and by a watchdog if the run exceeds --budget seconds.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from kit import CHROMIUM, CHROMIUM_ARGS, start_classroom, wait_for_port  # noqa: E402
from phonekit import LESSONS, WIDGET  # noqa: E402

# The process-group helpers of bench/classroom.py (loaded by path: "classroom" is also a folder here).
_spec = importlib.util.spec_from_file_location("hv_bench_classroom", Path(__file__).with_name("classroom.py"))
_bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _bench  # its dataclasses look their module up
_spec.loader.exec_module(_bench)
say, stop_group, watchdog, quiet = _bench.say, _bench.stop_group, _bench.watchdog, _bench.quiet
_STARTED = _bench._STARTED

CPU_SLOWDOWN = 4
NETWORK = {"offline": False, "latency": 5, "downloadThroughput": 40e6 / 8, "uploadThroughput": 20e6 / 8}
GOALS = {"live": 2.5, "tbt": 0.600}

# Long tasks from the very start of the page (the observer is installed before any page script runs).
LONGTASKS = """
window.hvLong = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.hvLong.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
"""

# The tap: every widget's EN button, which only Python can answer (it sends every text back in English).
TAP_TARGET = '[data-key="lang-en"]'

# Tap; resolve with the time Python's answer was drawn (null after 3 s).
TAP = """async ([tapSel, frameSel]) => {
  const target = document.querySelector(tapSel);
  const frame = document.querySelector(frameSel);
  const before = frame.innerText;
  target.click();
  const t0 = performance.now();
  while (frame.isConnected && frame.innerText === before) {
    await new Promise((r) => setTimeout(r, 10));
    if (performance.now() - t0 > 3000) return null;  // lost (the comm was not open yet): tap again
  }
  return performance.now();
}"""

SCRIPTS = """() => performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script'
    || /\\.m?js(\\?|$)/.test(e.name))
    .reduce((a, e) => [a[0] + (e.decodedBodySize || 0), a[1] + (e.transferSize || 0)], [0, 0])"""


def one_load(page, url: str, timeout: float) -> dict:
    """Load `url` (in Vietnamese: ?lang=vi) in `page`, tap the widget once; the figures of that load."""
    page.goto(url, wait_until="commit", timeout=timeout * 1000)
    page.wait_for_selector(WIDGET, state="visible", timeout=timeout * 1000)
    # Voilà draws the widget before its comm is open; a tap before that is lost. Keep tapping, as a
    # learner does, until the widget answers.
    done = None
    deadline = time.monotonic() + timeout
    while done is None and time.monotonic() < deadline:
        done = page.evaluate(TAP, [TAP_TARGET, ".hv-task-frame, .hv-dos-phone"])
    if done is None:
        raise TimeoutError("the widget never answered a tap")
    long_tasks = page.evaluate("() => window.hvLong")
    tbt = sum(max(0.0, d - 50) for start, d in long_tasks if start < done)
    parsed, sent = page.evaluate(SCRIPTS)
    return {"live": done / 1000, "tbt": tbt / 1000, "parsed": parsed, "sent": sent}


def lesson_loads(browser, url: str, cookies: list[dict | None], timeout: float) -> dict[str, list[dict]]:
    """One cold load per cookie (a learner, or None: anonymous), each followed by one warm load in the same context."""
    # No request routing here: Playwright turns the HTTP cache off when a route is set, and the warm
    # loads measure that cache. (The pages fetch nothing from outside: tests/test_browser_classroom.py.)
    out: dict[str, list[dict]] = {"cold": [], "warm": []}
    for cookie in cookies:
        ctx = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True,
                                  device_scale_factor=2, locale="vi-VN")
        if cookie:
            ctx.add_cookies([cookie])
        ctx.add_init_script(LONGTASKS)
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        try:
            out["cold"].append(one_load(page, url, timeout))
            out["warm"].append(one_load(page, url, timeout))  # the same phone again, its cache full
        finally:
            ctx.close()
    return out


def summary(label: str, runs: dict[str, list[dict]]) -> list[str]:
    lines = []
    for kind, rows in runs.items():
        if not rows:
            lines.append(f"   {label:<22} {kind}: no load finished")
            continue
        live = [r["live"] for r in rows]
        tbt = [r["tbt"] for r in rows]
        ok = ("ok" if statistics.median(live) <= GOALS["live"] else "MISS",
              "ok" if statistics.median(tbt) <= GOALS["tbt"] else "MISS")
        lines.append(f"   {label:<22} {kind}: live p50 {statistics.median(live):5.2f} s "
                     f"(max {max(live):5.2f}) [{ok[0]}]"
                     f"  TBT p50 {statistics.median(tbt) * 1000:5.0f} ms (max {max(tbt) * 1000:5.0f}) [{ok[1]}]"
                     f"  script parsed {statistics.median(r['parsed'] for r in rows) / 1e6:4.2f} MB"
                     f"  sent {statistics.median(r['sent'] for r in rows) / 1e6:4.2f} MB")
    return lines


@contextlib.contextmanager
def chromium():
    """The system Chromium, headless, closed afterwards."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def measure_lesson(browser, url: str, lesson: str, cookies: list[dict | None], timeout: float, name: str) -> list[str]:
    say(f"   {name}: {lesson} ...")
    try:
        runs = lesson_loads(browser, url, cookies, timeout)
    except Exception as exc:  # noqa: BLE001 - a broken page: report it, go on
        return [f"   {lesson:<22} ERROR: {str(exc).splitlines()[0]}"]
    return summary(lesson, runs)


def bench_classroom(work: Path, lessons: list[str], loads: int, timeout: float, frontend: str = "lean") -> list[str]:
    """One `hocvuso serve` per lesson, that lesson first (its pool is the warm one), as a teacher runs
    a lesson; each load is a learner of its own (the server allows only a few opens a minute per
    learner and lesson, and budgets kernels per class). `frontend`: HOCVUSO_FRONTEND for the server."""
    pool = 2 * loads + 1
    lines = []
    for lesson in lessons:
        say(f"\n-- hocvuso serve --lesson {lesson} (HOCVUSO_FRONTEND={frontend}): starting, pool of {pool} kernels ...")
        os.environ["HOCVUSO_FRONTEND"] = frontend
        try:
            server = start_classroom(work / f"classroom-{frontend}-{lesson}", class_size=pool, lessons=(lesson,),
                                     extra=("--fill-delay", "600"))
        finally:
            del os.environ["HOCVUSO_FRONTEND"]
        _STARTED.append(server.proc)
        try:
            server.wait_pool(lesson, timeout=300)
            quiet(server.proc.pid, 60)
            cookies = [{"name": "hv_token", "value": server.token(f"Học viên {i}"), "url": server.base}
                       for i in range(loads)]
            with chromium() as browser:
                lines += measure_lesson(browser, server.base + f"/voila/render/{lesson}/{lesson}.ipynb?lang=vi",
                                        lesson, cookies, timeout, "hocvuso serve")
        finally:
            server.stop()
    return lines


def bench_stock(work: Path, lessons: list[str], loads: int, timeout: float) -> list[str]:
    site = work / "stock"
    for lesson in lessons:
        shutil.copytree(REPO / "notebooks" / lesson, site / lesson)
    proc, port, log = _bench.start_stock(work, site)
    try:
        wait_for_port(port, proc, log, timeout=60)
        lines = []
        with chromium() as browser:
            for lesson in lessons:
                lines += measure_lesson(browser, f"http://127.0.0.1:{port}/voila/render/{lesson}/{lesson}.ipynb?lang=vi",
                                        lesson, [None] * loads, timeout, "stock Voilà")
        return lines
    finally:
        stop_group(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loads", type=int, default=3, help="cold loads per lesson (each followed by a warm one)")
    ap.add_argument("--lessons", nargs="*", default=LESSONS, choices=LESSONS)
    ap.add_argument("--only", choices=("classroom", "stock"), default=None)
    ap.add_argument("--frontend", nargs="+", default=["lean"], choices=("lean", "stock"),
                    help="hocvuso serve's front ends to measure (stock: Voilà's own, HOCVUSO_FRONTEND=stock)")
    ap.add_argument("--timeout", type=float, default=90.0, help="one page load, seconds")
    ap.add_argument("--budget", type=float, default=1500.0, help="whole run, seconds")
    args = ap.parse_args()
    watchdog(args.budget)
    load = os.getloadavg()
    say(f"bench/phone.py: Chromium 360×740, CPU {CPU_SLOWDOWN}× slower, network {NETWORK['latency']} ms / "
        f"{NETWORK['downloadThroughput'] * 8 / 1e6:.0f} Mbit/s; "
        f"{args.loads} cold + {args.loads} warm loads per lesson; "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} at start")
    work = Path(tempfile.mkdtemp(prefix="hv-phone-"))
    lines: list[str] = []
    t0 = time.monotonic()
    try:
        if args.only in (None, "classroom"):
            for frontend in args.frontend:
                lines += [f"hocvuso serve, {frontend} front end:"] + bench_classroom(work, args.lessons, args.loads,
                                                                                    args.timeout, frontend)
        if args.only in (None, "stock"):
            lines += ["stock Voilà:"] + bench_stock(work, args.lessons, args.loads, args.timeout)
    finally:
        for proc in _STARTED:
            stop_group(proc)
        shutil.rmtree(work, ignore_errors=True)
    say(f"\nGoals: first widget live ≤ {GOALS['live']} s p50, total blocking time ≤ {GOALS['tbt'] * 1000:.0f} ms "
        f"at {CPU_SLOWDOWN}× CPU.")
    for line in lines:
        say(line)
    say(f"done in {time.monotonic() - t0:.0f} s; load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
