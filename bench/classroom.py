"""Classroom benchmark: `hocvuso serve` against stock Voilà, same lesson, same machine, same run.

    python bench/classroom.py [--learners 40] [--loads 5] [--budget 570] [--only classroom|stock]

Prints, for each server:
  (a) one learner: time until the lesson page is interactive in Chromium 360×740 (the inbox's
      buttons visible), p50 over --loads page loads, one page at a time, each in a fresh browser
      context (empty cache, as a phone's first visit); also one reload with a warm cache;
  (b) N learners arriving at once (async HTTP + websocket clients, not browsers): time until each
      has the page, every same-origin asset a Chromium load of that page fetched (over 6 keep-alive
      connections, as a browser does, gzip accepted), and the widget state over the kernel
      websocket, p50 / p95;
  (c) memory per learner session: PSS of each learner's kernel (/proc/PID/smaps_rollup);
  (d) round trip of a widget action (answer a message; reply = the widget's state update) with the
      N learners all answering at once, p50 / p95.
Targets (issue #4): (a) ≤1.5 s p50; (b) ≤3 s p95; (c) ≤45 MB PSS; (d) ≤200 ms p95.

Every phase has its own time limit and says so in one line when it runs out; a watchdog stops
everything (servers and their kernels included) if the whole run exceeds --budget seconds.

hocvuso serve runs with its shipped options (preheated pool, IPC, culling, gzip) except: the pool
holds N + loads + 2 kernels and fill_delay is 600 s, so no refill runs while measuring. Learners
sign in on the catalogue before they arrive (not timed). Stock = `voila lesson.ipynb` with default
settings (no preheat, TCP), anonymous learners. Both answer into an SQLite database.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hocvuso.classroom._loadtest import percentile  # noqa: E402
from hocvuso.core import load_inbox  # noqa: E402
from hocvuso.core.config import Settings  # noqa: E402

from kit import CHROMIUM, CHROMIUM_ARGS, find_free_port, start_classroom, wait_for_port, wait_quiet  # noqa: E402

LESSON = "lua-dao-tin-nhan"
NOTEBOOK = f"{LESSON}/{LESSON}.ipynb"
SCENARIO, KEY = load_inbox("hop-thu-1")
TARGETS = {"one": 1.5, "arrive_p95": 3.0, "pss": 45.0, "action_p95": 0.200}
_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
_ASSET = re.compile(r'(?:src|href)="([^"#]+\.(?:js|css)(?:\?[^"]*)?)"')

_STARTED: list[subprocess.Popen] = []  # process groups to stop, whatever happens


def say(text: str) -> None:
    print(text, flush=True)


def stop_group(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def watchdog(budget: float) -> None:
    def fire() -> None:
        say(f"\nTIMEOUT: the whole run exceeded its budget of {budget:.0f} s; stopping the servers and exiting.")
        for proc in _STARTED:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        os._exit(3)

    timer = threading.Timer(budget, fire)
    timer.daemon = True
    timer.start()


# ---------------------------------------------------------------------- memory

def kernel_pids(root_pid: int) -> dict[str, int]:
    """kernel id -> PID of every kernel under `root_pid`.

    The id is in the connection file name on the command line of a kernel started the ordinary
    way (stock Voilà: ipykernel_launcher -f …/kernel-ID.json), and in the IPC socket paths of a
    kernel forked by hocvuso's zygote (its command line is the zygote's).
    """
    out = {}
    for p in psutil.Process(root_pid).children(recursive=True):
        try:
            found = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(p.cmdline()))
            if not found:
                paths = " ".join(str(c.laddr) for c in p.net_connections(kind="unix"))
                found = re.search(r"kernel-([0-9a-f-]{36})-ipc", paths)
        except psutil.Error:
            continue
        if found:
            out[found.group(1)] = p.pid
    return out


def pss_mb(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return None


# ---------------------------------------------------------------------- (a) one learner in Chromium

def browser_loads(url: str, n: int, cookie: dict | None,
                  limit: float) -> tuple[list[float], float | None, list[str], str]:
    """Cold-cache loads (fresh context each), then one warm-cache reload; also the same-origin URLs fetched."""
    times: list[float] = []
    warm: float | None = None
    assets: list[str] = []
    note = ""
    deadline = time.monotonic() + limit
    base = url.split("/", 3)[:3]
    origin = "/".join(base)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for i in range(n + 1):
                left = deadline - time.monotonic()
                if left < 5:
                    note = f"TIMEOUT: Chromium loads stopped after {len(times)} of {n} (phase limit {limit:.0f} s)"
                    break
                ctx = browser.new_context(viewport={"width": 360, "height": 740})
                ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(origin) else r.abort())
                if cookie:
                    ctx.add_cookies([cookie])
                seen: list[str] = []
                ctx.on("requestfinished", lambda r, seen=seen: seen.append(r.url))
                page = ctx.new_page()
                try:
                    t0 = time.perf_counter()
                    page.goto(url, wait_until="commit", timeout=left * 1000)
                    left = max(1.0, deadline - time.monotonic())
                    page.wait_for_selector(".hv-inbox-open", state="visible", timeout=left * 1000)
                    took = time.perf_counter() - t0
                    if i < n:
                        times.append(took)
                        if not assets:
                            assets = [u for u in seen if u.startswith(origin)
                                      and u.split("?")[0] != url.split("?", maxsplit=1)[0]
                                      and "/api/kernels" not in u and "/voila/query" not in u]
                    else:  # the same phone again: reload with what it cached
                        t0 = time.perf_counter()
                        page.reload(wait_until="commit")
                        page.wait_for_selector(".hv-inbox-open", state="visible",
                                               timeout=max(1.0, deadline - time.monotonic()) * 1000)
                        warm = time.perf_counter() - t0
                except Exception as exc:  # noqa: BLE001 - a timeout or a broken page: report, go on
                    note = f"TIMEOUT/ERROR: Chromium load {i + 1} did not show the widgets: {str(exc).splitlines()[0]}"
                    ctx.close()
                    break
                ctx.close()
        finally:
            browser.close()
    return times, warm, assets, note


# ---------------------------------------------------------------------- (b) + (d) N learners, async clients

@dataclass
class Arrival:
    cookie: str = ""
    kernel_id: str | None = None
    page: float | None = None
    assets: float | None = None
    widgets: float | None = None
    ws: object = None
    inbox: str | None = None
    session: str = field(default_factory=lambda: uuid.uuid4().hex)
    actions: list[float] = field(default_factory=list)
    error: str = ""
    pending: list = field(default_factory=list)


def _msg(arr: Arrival, msg_type: str, content: dict) -> str:
    return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "username": "bench", "session": arr.session,
                                  "msg_type": msg_type, "version": "5.3", "date": ""},
                       "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []})


async def _read(arr: Arrival) -> dict | None:
    raw = await arr.ws.read_message()
    if raw is None:
        raise ConnectionError("kernel websocket closed")
    return json.loads(raw) if isinstance(raw, str) else {}


async def _keep_alive(host: str, port: int, queue: list[str], headers: dict) -> None:
    """One browser connection: HTTP/1.1 keep-alive, takes URLs from `queue` until it is empty."""
    reader, writer = await asyncio.open_connection(host, port)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    try:
        while queue:
            url = queue.pop(0)
            path = "/" + url.split("//", 1)[1].split("/", 1)[1]
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode())
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            status = head.split(" ", 2)[1]
            fields = {k.strip().lower(): v.strip() for k, v in
                      (line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)}
            if "content-length" in fields:
                await reader.readexactly(int(fields["content-length"]))
            elif fields.get("transfer-encoding") == "chunked":
                while True:
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            if not status.startswith(("2", "3")):
                raise RuntimeError(f"{status} for {path}")
            if fields.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def arrive(arr: Arrival, base: str, path: str, assets: list[str]) -> None:
    client = AsyncHTTPClient()
    headers = {"Accept-Encoding": "gzip", "User-Agent": "bench-phone"}
    if arr.cookie:
        headers["Cookie"] = arr.cookie
    t0 = time.perf_counter()
    resp = await client.fetch(base + path, headers=headers, request_timeout=600, connect_timeout=600)
    html = resp.body.decode()
    arr.page = time.perf_counter() - t0
    found = _KERNEL_ID.search(html)
    if not found:
        raise RuntimeError("no kernel id in the page")
    arr.kernel_id = found.group(1)
    urls = assets or [urllib.request.urljoin(base + path, a) for a in dict.fromkeys(_ASSET.findall(html))
                      if urllib.request.urljoin(base + path, a).startswith(base)]
    queue = list(urls)
    host, port = base.split("//", 1)[1].split(":")
    await asyncio.gather(*(_keep_alive(host, int(port), queue, headers) for _ in range(min(6, len(queue)))))
    arr.assets = time.perf_counter() - t0
    ws_url = base.replace("http://", "ws://") + f"/api/kernels/{arr.kernel_id}/channels?session_id={arr.session}"
    arr.ws = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": arr.cookie} if arr.cookie else {},
                                                 connect_timeout=600, request_timeout=600))
    arr.ws.write_message(_msg(arr, "comm_info_request", {"target_name": "jupyter.widget"}))
    comms = None
    while comms is None:
        msg = await _read(arr)
        if msg and msg.get("msg_type") == "comm_info_reply":
            comms = msg["content"].get("comms", {})
    for comm_id in comms:
        arr.ws.write_message(_msg(arr, "comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}}))
    states = {}
    while len(states) < len(comms):
        msg = await _read(arr)
        if msg and msg.get("msg_type") == "comm_msg" and msg["content"]["data"].get("method") == "update":
            states[msg["content"]["comm_id"]] = msg["content"]["data"].get("state", {})
    arr.widgets = time.perf_counter() - t0
    arr.inbox = next((c for c, st in states.items() if "view" in st and "answers" in st), None)
    if arr.inbox is None:
        raise RuntimeError("no ScamInbox among the widgets")


async def act(arr: Arrival, message_ids: list[str]) -> None:
    for mid in message_ids:
        content = {"action": "answer", "message_id": mid, "verdict": KEY.messages[mid].verdict, "flags": []}
        t0 = time.perf_counter()
        arr.ws.write_message(_msg(arr, "comm_msg", {"comm_id": arr.inbox,
                                                    "data": {"method": "custom", "content": content}}))
        while True:
            msg = await _read(arr)
            c = (msg or {}).get("content", {})
            if (msg and msg.get("msg_type") == "comm_msg" and c.get("comm_id") == arr.inbox
                    and c["data"].get("method") == "update"):
                state = c["data"].get("state", {})
                if state.get("status", {}).get("level") == "error":
                    raise RuntimeError(f"answer refused: {state['status']}")
                if mid in state.get("answers", {}).get("messages", {}):  # the answer is recorded (and saved)
                    arr.actions.append(time.perf_counter() - t0)
                    break


def _describe(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {Path(where.filename).name}:{where.lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{at}"


async def _bounded(coros: list, limit: float) -> tuple[int, int, list[str]]:
    """Run all at once; at `limit` s cancel the rest. Returns (done, timed out, errors)."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    done, pending = await asyncio.wait(tasks, timeout=limit)
    for t in pending:
        t.cancel()
    if pending:
        await asyncio.wait(pending, timeout=5)
    errors = [_describe(t.exception()) for t in done if t.exception() is not None]
    return len(done) - len(errors), len(pending), errors


def crowd(base: str, path: str, cookies: list[str], assets: list[str], arrive_limit: float,
          act_limit: float) -> tuple[list[Arrival], list[str]]:
    """(b) all arrive at once; then (d) all answer three messages at once. Returns arrivals and notes."""

    logging.getLogger("tornado.application").setLevel(logging.CRITICAL)  # cancelled fetches at a phase limit
    notes: list[str] = []
    arrivals = [Arrival(cookie=c) for c in cookies]

    async def run() -> None:
        AsyncHTTPClient.configure(None, max_clients=6 * len(arrivals) + 10)
        ok, late, errors = await _bounded([arrive(a, base, path, assets) for a in arrivals], arrive_limit)
        if late:
            notes.append(f"TIMEOUT: arrivals: {late} of {len(arrivals)} learners had not received their widgets "
                         f"after {arrive_limit:.0f} s (phase limit)")
        if errors:
            notes.append(f"ERROR: arrivals: {len(errors)} failed, e.g. {errors[0]}")
        ready = [a for a in arrivals if a.widgets is not None]
        msgs = [m.id for m in SCENARIO.messages[:3]]
        if ready:
            ok, late, errors = await _bounded([act(a, msgs) for a in ready], act_limit)
            if late:
                notes.append(f"TIMEOUT: actions: {late} of {len(ready)} learners still waiting for a reply after "
                             f"{act_limit:.0f} s (phase limit)")
            if errors:
                notes.append(f"ERROR: actions: {len(errors)} failed, e.g. {errors[0]}")
        for a in arrivals:
            if a.ws is not None:
                a.ws.close()

    asyncio.run(run())
    return arrivals, notes


# ---------------------------------------------------------------------- report

def verdict(value: float | None, target: float, unit: str = "s", scale: float = 1.0) -> str:
    if value is None or value != value:
        return "n/a"
    if value <= target:
        return f"meets ≤{target * scale:g} {unit}"
    return f"MISSES ≤{target * scale:g} {unit} by {(value - target) * scale:.2f} {unit} (×{value / target:.1f})"


def report(label: str, one: list[float], warm: float | None, arrivals: list[Arrival], pss: list[float],
           server_pss: float | None, notes: list[str], extra: str = "") -> dict:
    n = len(arrivals)
    say(f"\n== {label}")
    out: dict = {}
    if one:
        p50 = statistics.median(one)
        out["one"] = p50
        say(f"  (a) one learner, Chromium 360×740, page interactive (cold cache): p50 {p50:.2f} s  "
            f"[{', '.join(f'{x:.2f}' for x in one)}]  → {verdict(p50, TARGETS['one'])}")
        if warm is not None:
            say(f"      same phone reloading (warm cache): {warm:.2f} s")
    else:
        say("  (a) one learner: no completed load")
    ready = [a.widgets for a in arrivals if a.widgets is not None]
    if ready:
        pages = [a.page for a in arrivals if a.page is not None]
        assets = [a.assets for a in arrivals if a.assets is not None]
        p95 = percentile(ready, 95) if len(ready) == n else float("inf")
        out["arrive_p95"] = p95
        say(f"  (b) {n} arrivals at once, page+assets+widget state: p50 {percentile(ready, 50):.2f} s, "
            f"p95 {percentile(ready, 95):.2f} s over {len(ready)}/{n} learners  → "
            f"{verdict(p95, TARGETS['arrive_p95']) if len(ready) == n else 'MISSES (not all arrived)'}")
        say(f"      of which page: p50 {percentile(pages, 50):.2f} / p95 {percentile(pages, 95):.2f} s; "
            f"page+assets: p50 {percentile(assets, 50):.2f} / p95 {percentile(assets, 95):.2f} s")
    else:
        say(f"  (b) {n} arrivals: none completed")
    if pss:
        out["pss"] = statistics.mean(pss)
        say(f"  (c) memory per learner session (kernel PSS): mean {statistics.mean(pss):.1f} MB, "
            f"max {max(pss):.1f} MB over {len(pss)} learner kernels  → "
            f"{verdict(statistics.mean(pss), TARGETS['pss'], 'MB')}"
            + (f"; server process PSS {server_pss:.0f} MB" if server_pss else ""))
    acts = [x for a in arrivals for x in a.actions]
    if acts:
        p95 = percentile(acts, 95)
        out["action_p95"] = p95
        say(f"  (d) widget action round trip, {len(ready)} learners answering at once: p50 "
            f"{percentile(acts, 50) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms over {len(acts)} actions  → "
            f"{verdict(p95, TARGETS['action_p95'], 'ms', 1000)}")
    else:
        say("  (d) widget actions: none completed")
    if extra:
        say(f"  {extra}")
    for note in notes:
        say(f"  {note}")
    return out


# ---------------------------------------------------------------------- the two servers

def quiet(pid: int, limit: float, below: float = 20.0) -> float:
    """Wait (at most `limit` s) until the server tree uses < `below` % CPU; return the seconds waited."""
    t0 = time.monotonic()
    wait_quiet(pid, limit, below)
    return time.monotonic() - t0


def log_errors(log: Path, limit: int = 3) -> list[str]:
    """The server log's first error lines (why a learner may have waited forever)."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    found = [ln.strip() for ln in lines if re.search(r"\b(ERROR|Error:|Exception|Address already in use)", ln)]
    return [f"server log: {ln[:200]}" for ln in dict.fromkeys(found)][:limit]


def bench_classroom(work: Path, n: int, loads: int, limits: dict) -> dict:
    pool = n + loads + 2
    say(f"\n-- hocvuso serve: starting, pool of {pool} kernels ...")
    t0 = time.monotonic()
    server = start_classroom(work / "classroom", class_size=pool, extra=("--fill-delay", "600"))
    _STARTED.append(server.proc)
    listening = time.monotonic() - t0
    try:
        t1, note = time.monotonic(), ""
        try:
            server.wait_pool(LESSON, timeout=limits["warm"])
        except RuntimeError as exc:
            note = f"TIMEOUT: the pool was not warm after {limits['warm']:.0f} s: {str(exc).splitlines()[0]}"
        took = time.monotonic() - t1
        say(f"   listening after {listening:.1f} s; pool of {pool} warm {took:.1f} s later")
        if note:
            say(f"   {note}")
        calm = quiet(server.proc.pid, 30)
        warm_line = (f"pool of {pool} warm {time.monotonic() - t0 - calm:.0f} s after start "
                     f"(+{calm:.0f} s until the server tree was idle)")
        page = f"/voila/render/{NOTEBOOK}?lang=vi"
        # Sign everyone in first (untimed): a learner signs in on the catalogue, then opens the lesson.
        tokens = [server.token(f"Học sinh {i:02d}") for i in range(n + 1)]
        cookie = {"name": "hv_token", "value": tokens[0], "url": server.base}
        say("   (a) Chromium loads ...")
        one, warm, assets, note_a = browser_loads(server.base + page, loads, cookie, limits["browser"])
        quiet(server.proc.pid, 15)
        say(f"   (b)+(d) {n} learners arrive at once ({len(assets)} assets each) ...")
        arrivals, notes = crowd(server.base, page, [f"hv_token={t}" for t in tokens[1:]], assets,
                                limits["arrive"], limits["act"])
        pids = kernel_pids(server.proc.pid)
        pss = [v for a in arrivals if a.kernel_id in pids for v in [pss_mb(pids[a.kernel_id])] if v]
        idle = [v for k, pid in pids.items() if k not in {a.kernel_id for a in arrivals} for v in [pss_mb(pid)] if v]
        extra = (f"{warm_line}; an unused preheated kernel: PSS {statistics.mean(idle):.1f} MB" if idle else warm_line)
        notes = ([note_a] if note_a else []) + ([note] if note else []) + notes
        return report(f"hocvuso serve (preheated pool {pool}, fill_delay 600, IPC, gzip)", one, warm, arrivals,
                      pss, pss_mb(server.proc.pid), notes + (log_errors(server.log) if notes else []), extra)
    finally:
        server.stop()


def start_stock(work: Path, site: Path, *notebook: str) -> tuple[subprocess.Popen, int, Path]:
    """Stock `voila [NOTEBOOK]` (default settings) in `site`, answering into an SQLite file in `work`;
    noted for stopping. Returns the process, its port and its log."""
    port = find_free_port()
    log = work / "stock.log"
    # Answers into a store of its own, no class (stock Voilà has no sign-in); the other settings as here.
    env = replace(Settings.from_env(), db=f"sqlite:///{work / 'stock.sqlite'}", class_code="").environ()
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("NBGRADER_EXECUTION", None)
    say("\n-- stock Voilà: starting ...")
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "voila", *notebook, "--no-browser", f"--port={port}",
                                 "--Voila.ip=127.0.0.1"], cwd=site, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    _STARTED.append(proc)
    return proc, port, log


def bench_stock(work: Path, n: int, loads: int, limits: dict) -> dict:
    site = work / "stock"
    shutil.copytree(REPO / "notebooks" / LESSON, site)
    proc, port, log = start_stock(work, site, f"{LESSON}.ipynb")
    try:
        wait_for_port(port, proc, log, timeout=60)
        base = f"http://127.0.0.1:{port}"
        say("   (a) Chromium loads ...")
        one, warm, assets, note_a = browser_loads(base + "/", loads, None, limits["browser"])
        quiet(proc.pid, 30)
        say(f"   (b)+(d) {n} learners arrive at once ({len(assets)} assets each) ...")
        arrivals, notes = crowd(base, "/", [""] * n, assets, limits["arrive_stock"], limits["act"])
        pids = kernel_pids(proc.pid)
        pss = [v for a in arrivals if a.kernel_id in pids for v in [pss_mb(pids[a.kernel_id])] if v]
        notes = ([note_a] if note_a else []) + notes
        return report("stock Voilà 0.5.13 (defaults: no preheat, TCP, no gzip)", one, warm, arrivals, pss,
                      pss_mb(proc.pid), notes + (log_errors(log) if notes else []))
    finally:
        stop_group(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--learners", type=int, default=40)
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--budget", type=float, default=570.0, help="whole run, seconds (default 570)")
    ap.add_argument("--only", choices=("classroom", "stock"), default=None)
    ap.add_argument("--keep", action="store_true", help="keep the work folder (server logs, databases) and say where")
    args = ap.parse_args()
    limits = {"warm": 180, "browser": 90, "arrive": 60, "arrive_stock": 120, "act": 30}
    watchdog(args.budget)
    t0 = time.monotonic()
    load = os.getloadavg()
    say(f"bench/classroom.py: {args.learners} learners, {args.loads} Chromium loads; {os.cpu_count()} CPUs, "
        f"load average {load[0]:.1f} / {load[1]:.1f} at start; phase limits {limits} s, run budget {args.budget:.0f} s")
    work = Path(tempfile.mkdtemp(prefix="hv-bench-"))
    results = {}
    try:
        if args.only in (None, "classroom"):
            results["classroom"] = bench_classroom(work, args.learners, args.loads, limits)
        if args.only in (None, "stock"):
            results["stock"] = bench_stock(work, args.learners, args.loads, limits)
    finally:
        for proc in _STARTED:
            stop_group(proc)
        if args.keep:
            say(f"\nwork folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    say(f"\ndone in {time.monotonic() - t0:.0f} s; load average at the end {load[0]:.1f} / {load[1]:.1f}")


if __name__ == "__main__":
    main()
