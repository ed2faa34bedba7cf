"""Shared fixtures: a real Voilà server over a lesson, and the system Chromium for Playwright.

Browser tests follow the verified recipe in reference/voila-notes.md §5: Debian's /usr/bin/chromium
(never `playwright install`), IPC kernel transport (no TCP port race), one page at a time.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "test-artifacts"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches the system Chromium with the recipe's flags."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


PHONE = {"width": 360, "height": 740}
"""The small phone every browser test uses."""


@pytest.fixture()
def offline_phone(browser):
    """A 360×740 touch page that can reach only the local server: every other request is aborted
    and noted in `page.blocked` (lessons must work with no internet, and never fetch a scam link)."""
    page = offline_page(browser)
    yield page
    page.context.close()


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
    height = page.evaluate("() => (document.querySelector('#rendered_cells') || document.scrollingElement).scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": max(PHONE["height"], int(height) + 20)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(dict(PHONE))


@pytest.fixture()
def artifacts() -> Path:
    """Folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def run_coroutine(coro, timeout: float = 60):
    """`asyncio.run(coro)` in a thread of its own: Playwright's event loop may be running in this one
    (a browser test ran earlier in the session), and asyncio.run refuses to nest."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

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


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"voila did not listen on port {port} within {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., VoilaServer]]:
    """Factory: `voila_server("lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb")` serves that lesson.

    Each notebook gets one server per test session, started in a temporary copy of its folder,
    with HOCVUSO_DB pointing at a fresh SQLite file. All servers are stopped (whole process
    group: the server and its kernels) at the end of the session.
    """
    started: dict[str, VoilaServer] = {}
    procs: list[subprocess.Popen] = []

    def start(notebook: str, *extra_args: str) -> VoilaServer:
        key = "|".join((notebook, *extra_args))
        if key in started:
            return started[key]
        source = NOTEBOOKS / notebook
        tmp = tmp_path_factory.mktemp("voila")
        workdir = tmp / source.parent.name
        shutil.copytree(source.parent, workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.hocvuso.json"))
        db_url = f"sqlite:///{tmp / 'class.sqlite'}"
        port = find_free_port()
        log = tmp / "voila.log"
        env = {**os.environ, "HOCVUSO_DB": db_url, "PYTHONUNBUFFERED": "1"}
        env.pop("NBGRADER_EXECUTION", None)
        cmd = [sys.executable, "-m", "voila", source.name, "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--KernelManager.transport=ipc", *extra_args]
        with log.open("wb") as fh:
            proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        procs.append(proc)
        _wait_for_port(port, proc, log)
        base = f"http://127.0.0.1:{port}"
        server = VoilaServer(url=f"{base}/", base=base, db_url=db_url, workdir=workdir, log=log)
        started[key] = server
        return server

    yield start

    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


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
        import json
        import urllib.request

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
    _wait_for_port(port, proc, log, timeout=90)
    return ClassroomServer(base=f"http://127.0.0.1:{port}", db_url=db_url, class_code=class_code, pin=pin, log=log,
                           proc=proc, args=tuple(args))


@pytest.fixture(scope="session")
def classroom_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., ClassroomServer]]:
    """Factory: start_classroom(...) in a fresh temporary folder; every server is stopped at the end."""
    servers: list[ClassroomServer] = []

    def start(**kwargs) -> ClassroomServer:
        server = start_classroom(kwargs.pop("workdir", None) or tmp_path_factory.mktemp("classroom"), **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop(grace=5)  # the data is committed already; preheated kernels wait 5 s each otherwise
