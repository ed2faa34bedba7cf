"""Shared fixtures: a real Voilà server over a lesson, and the system Chromium for Playwright.

Browser tests follow the verified recipe in reference/voila-notes.md §5: Debian's /usr/bin/chromium
(never `playwright install`), IPC kernel transport (no TCP port race), one page at a time.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

from kit import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    NOTEBOOKS,
    ClassroomServer,
    VoilaServer,
    find_free_port,
    offline_page,
    start_classroom,
    wait_for_port,
)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches the system Chromium with the recipe's flags."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture()
def offline_phone(browser):
    """A 360×740 touch page that can reach only the local server: every other request is aborted
    and noted in `page.blocked` (lessons must work with no internet, and never fetch a scam link)."""
    page = offline_page(browser)
    yield page
    page.context.close()


@pytest.fixture()
def artifacts() -> Path:
    """Folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


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
        wait_for_port(port, proc, log)
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
