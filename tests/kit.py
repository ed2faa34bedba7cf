"""What the tests, bench/ and scripts/ share: Debian's Chromium recipe, the 360×740 phone, free ports,
and a real `hocvuso serve` or Voilà started on 127.0.0.1 and stopped as a process group.

pytest's fixtures stay in conftest.py (they use these); bench/ and scripts/ put tests/ on sys.path
and import this module, never conftest.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "test-artifacts"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


PHONE = {"width": 360, "height": 740}
"""The small phone every browser test uses."""


def offline_page(browser):
    """The page of `offline_phone`, in a browser context of its own (close it with `page.context.close()`):
    for tests that need several phones at once."""
    context = browser.new_context(viewport=dict(PHONE), locale="vi-VN", has_touch=True, service_workers="block")
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith("http://127.0.0.1"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.blocked = blocked  # type: ignore[attr-defined]
    page.set_default_timeout(20_000)
    return page


def full_screenshot(page, path) -> None:
    """Voilà scrolls inside #rendered_cells, so grow the viewport to the content for a full-page shot."""
    height = page.evaluate(
        "() => (document.querySelector('#rendered_cells') || document.scrollingElement).scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": max(PHONE["height"], int(height) + 20)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(dict(PHONE))


def run_coroutine(coro, timeout: float = 60):
    """`asyncio.run(coro)` in a thread of its own: Playwright's event loop may be running in this one
    (a browser test ran earlier in the session), and asyncio.run refuses to nest."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=timeout)


def find_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class VoilaServer:
    """A running Voilà over one lesson notebook."""

    url: str
    """Page URL of the notebook, e.g. http://127.0.0.1:PORT/"""
    base: str
    """Server root, e.g. http://127.0.0.1:PORT"""
    db_url: str
    """The classroom SqlStore the kernels write to (HOCVUSO_DB)."""
    workdir: Path
    """The temporary copy of the lesson folder (the kernels' cwd)."""
    log: Path
    """Server log file."""


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"voila did not listen on port {port} within {timeout}s:\n"
                       f"{log.read_text(errors='replace')[-3000:]}")


# ---------------------------------------------------------------------- classroom (`hocvuso serve`)

def wait_quiet(pid: int, timeout: float, below: float = 15.0) -> bool:
    """Wait until process `pid` and all its descendants use < `below` % CPU for 2 s in a row.

    True when they did within `timeout` s. (Preheated kernels keep running their lesson for a
    while after the pool is "warm"; timing anything before that measures the start-up too.)
    """
    import psutil

    root = psutil.Process(pid)
    deadline = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < deadline:
        procs = [root, *root.children(recursive=True)]
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        time.sleep(1.0)
        total = 0.0
        for p in procs:
            try:
                total += p.cpu_percent(None)
            except psutil.Error:
                pass
        calm = calm + 1 if total < below else 0
        if calm >= 2:
            return True
    return False


@dataclass
class ClassroomServer:
    """A running `hocvuso serve` (catalogue, sign-in, lessons, dashboard) on 127.0.0.1."""

    base: str
    """Server root, e.g. http://127.0.0.1:PORT"""
    db_url: str
    """The class database (roster + submissions)."""
    class_code: str
    pin: str
    log: Path
    proc: subprocess.Popen
    args: tuple

    def stop(self, grace: float = 20) -> None:
        """Stop the server and its kernels (the whole process group), like Ctrl-C; SIGKILL after `grace` s."""
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass

    def pool_status(self) -> dict:
        """The server's /hv/ready: per notebook, target pool size, kernels pooled, kernels warm."""

        with urllib.request.urlopen(f"{self.base}/hv/ready", timeout=10) as resp:
            return json.load(resp)

    def token(self, name: str) -> str:
        """Sign `name` in through the catalogue form (as a phone does); return its sign-in cookie's value."""
        from hocvuso.classroom._loadtest import SimLearner

        learner = SimLearner(self.base, timeout=60)
        learner.sign_in(self.class_code, name)
        return next(c.value for c in learner.jar if c.name == "hv_token")

    def wait_pool(self, lesson: str = "lua-dao-tin-nhan", timeout: float = 180) -> None:
        """Wait until the lesson's kernel pool is warm: every pooled kernel ran the lesson up to the
        point where it waits for its learner (Voilà's "pool is filled" only means started)."""
        notebook = f"{lesson}/{lesson}.ipynb"
        deadline = time.monotonic() + timeout
        status: dict = {}
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace")[-3000:])
            try:
                status = self.pool_status().get(notebook, {})
            except OSError:
                status = {}
            if status and status["warm"] >= status["target"]:
                return
            time.sleep(0.2)
        raise RuntimeError(f"pool not warm in {timeout}s ({status}):\n{self.log.read_text(errors='replace')[-3000:]}")

    def wait_idle(self, timeout: float = 240, below: float = 15.0) -> None:
        """Wait until the server and its kernels are quiet (preheated kernels done running their notebook)."""
        if not wait_quiet(self.proc.pid, timeout, below):
            raise RuntimeError(f"server still busy after {timeout}s")


def start_classroom(workdir: Path, *, db_url: str | None = None, class_code: str = "LOP7A", pin: str = "246810",
                    class_size: int = 2, lessons: tuple[str, ...] = ("lua-dao-tin-nhan",),
                    extra: tuple[str, ...] = ()) -> ClassroomServer:
    """Start `hocvuso serve` in `workdir` on a free port; return when it listens."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{workdir / 'class.sqlite'}"
    port = find_free_port()
    log = workdir / f"serve-{port}.log"
    args = ["--host", "127.0.0.1", "--port", str(port), "--db", db_url, "--class-code", class_code, "--pin", pin,
            "--class-size", str(class_size), *[a for name in lessons for a in ("--lesson", name)], "--verbose", *extra]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NBGRADER_EXECUTION", None)
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "hocvuso", "serve", *args], cwd=workdir, env=env, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)
    wait_for_port(port, proc, log, timeout=90)
    return ClassroomServer(base=f"http://127.0.0.1:{port}", db_url=db_url, class_code=class_code, pin=pin, log=log,
                           proc=proc, args=tuple(args))


