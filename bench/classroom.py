"""Classroom benchmark: `hocvuso serve` against stock Voilà, same lesson, same machine, same run.

    python bench/classroom.py [--learners 40] [--loads 5]

Prints, for each server:
  * one learner: time until the lesson page is interactive in Chromium (inbox rendered), p50;
  * N learners arriving at once (websocket clients, not browsers): time until each has the page,
    its same-origin assets and the live widget state, p50 / p95;
  * memory per learner session: PSS of each kernel (/proc/PID/smaps_rollup), mean;
  * round trip of a widget action (answer a message) with N learners active, p95.
Targets (issue #4): ≤1.5 s p50; ≤3 s p95; ≤45 MB PSS; ≤200 ms p95.
Stock = `voila lesson.ipynb` with default settings (no preheat), anonymous learners.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, _wait_for_port, find_free_port, start_classroom  # noqa: E402

from hocvuso.classroom._loadtest import SimLearner, percentile  # noqa: E402
from hocvuso.core import load_inbox  # noqa: E402

LESSON = "lua-dao-tin-nhan"
SCENARIO, KEY = load_inbox("hop-thu-1")


def kernels_pss(root_pid: int) -> list[float]:
    import psutil

    out = []
    for p in psutil.Process(root_pid).children(recursive=True):
        try:
            if "ipykernel" not in " ".join(p.cmdline()):
                continue
            text = Path(f"/proc/{p.pid}/smaps_rollup").read_text()
        except (OSError, psutil.Error):
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                out.append(int(line.split()[1]) / 1024)
    return out


def browser_loads(url_for, n: int, cookie: dict | None) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for _ in range(n):
            ctx = browser.new_context(viewport={"width": 360, "height": 740})
            if cookie:
                ctx.add_cookies([cookie])
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url_for(), wait_until="commit")
            page.wait_for_selector(".hv-inbox-open", state="visible", timeout=120_000)
            times.append(time.perf_counter() - t0)
            ctx.close()
        browser.close()
    return times


def arrivals(base: str, path: str, n: int, sign_in: tuple[str, str] | None) -> tuple[list[float], list[float], list]:
    learners = [SimLearner(base, timeout=300) for _ in range(n)]
    if sign_in:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda ia: ia[1].sign_in(sign_in[0], f"{sign_in[1]} {ia[0]}"), enumerate(learners)))

    def arrive(learner: SimLearner) -> float:
        t0 = time.perf_counter()
        learner.open_page(path, assets=True)
        learner.connect()
        learner.load_widgets(t0)
        return learner.timings.widgets

    with ThreadPoolExecutor(n) as pool:
        ready = list(pool.map(arrive, learners))
    msgs = [m.id for m in SCENARIO.messages[:3]]

    def act(learner: SimLearner) -> None:
        for mid in msgs:
            learner.answer(mid, KEY.messages[mid].verdict, [])

    with ThreadPoolExecutor(n) as pool:
        list(pool.map(act, learners))
    actions = [a for lr in learners for a in lr.timings.actions]
    return ready, actions, learners


def report(label: str, one: list[float], ready: list[float], pss: list[float], actions: list[float], n: int) -> None:
    print(f"\n== {label}")
    print(f"  one learner, Chromium page interactive: p50 {statistics.median(one):.2f} s  (loads: "
          f"{', '.join(f'{x:.2f}' for x in one)})")
    print(f"  {n} arrivals at once, page+assets+widget state: p50 {percentile(ready, 50):.2f} s, "
          f"p95 {percentile(ready, 95):.2f} s")
    if pss:
        print(f"  memory per learner session (kernel PSS): mean {statistics.mean(pss):.1f} MB over {len(pss)} kernels")
    print(f"  widget action round trip with {n} active: p50 {percentile(actions, 50) * 1000:.0f} ms, "
          f"p95 {percentile(actions, 95) * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--learners", type=int, default=40)
    ap.add_argument("--loads", type=int, default=5)
    args = ap.parse_args()
    n = args.learners
    work = Path(tempfile.mkdtemp(prefix="hv-bench-"))

    # ---------------------------------------------------------------- hocvuso serve
    server = start_classroom(work / "classroom", class_size=n + args.loads + 2, extra=("--fill-delay", "600"))
    try:
        server.wait_pool(timeout=600)
        server.wait_idle(timeout=600)
        page = f"/voila/render/{LESSON}/{LESSON}.ipynb?lang=vi"
        probe = SimLearner(server.base)
        probe.sign_in(server.class_code, "Bench")
        token = next(c.value for c in probe.jar if c.name == "hv_token")
        cookie = {"name": "hv_token", "value": token, "url": server.base}
        one = browser_loads(lambda: server.base + page, args.loads, cookie)
        ready, actions, learners = arrivals(server.base, page, n, (server.class_code, "Học sinh"))
        pss = kernels_pss(server.proc.pid)
        report(f"hocvuso serve (preheated pool {n + args.loads + 2}, fill_delay 600, IPC, culling)", one, ready,
               pss, actions, n)
        for lr in learners:
            lr.close()
    finally:
        server.stop()

    # ---------------------------------------------------------------- stock Voilà
    site = work / "stock"
    shutil.copytree(REPO / "notebooks" / LESSON, site)
    port = find_free_port()
    log = work / "stock.log"
    env = {**os.environ, "HOCVUSO_DB": f"sqlite:///{work / 'stock.sqlite'}"}
    env.pop("HOCVUSO_CLASS", None)
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "voila", f"{LESSON}.ipynb", "--no-browser", f"--port={port}",
                                 "--Voila.ip=127.0.0.1"], cwd=site, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait_for_port(port, proc, log)
        base = f"http://127.0.0.1:{port}"
        one = browser_loads(lambda: base + "/", args.loads, None)
        ready, actions, learners = arrivals(base, "/", n, None)
        pss = kernels_pss(proc.pid)
        report("stock Voilà 0.5.13 (defaults: no preheat, TCP)", one, ready, pss, actions, n)
        for lr in learners:
            lr.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
