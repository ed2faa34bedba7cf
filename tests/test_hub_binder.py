"""binder/: a lesson served the way mybinder serves it asks nothing of the internet.

repo2docker starts the container through `binder/start` and opens `?urlpath=voila/render/…` on a Jupyter
server, where Voilà runs as a server extension. Here the same: `binder/start` wraps `jupyter server` (this
interpreter's), the repository as its root, and Chromium at 360×740 opens the scam lesson; every request
to a host other than this computer is aborted and recorded (conftest.offline_phone). Voilà's stock lab page
asked three CDNs (two Font Awesome style sheets, MathJax); `binder/start` points Jupyter at binder/jupyter/
(the classroom's page template and a server without a MathJax URL).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from kit import REPO, find_free_port, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LESSON = "notebooks/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb"
WIDGET = ".hv-task-bar, .hv-dos-bar"


@pytest.fixture(scope="module")
def binder_server(tmp_path_factory):
    """`binder/start jupyter server` over the repository, as repo2docker launches it; yields its root URL."""
    home = tmp_path_factory.mktemp("binder-home")
    port, token = find_free_port(), "binder-test"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOCVUSO_", "JUPYTER_", "JUPYTERHUB_", "VOILA_")) and k != "NBGRADER_EXECUTION"}
    env.update(HOME=str(home), PYTHONUNBUFFERED="1")
    log = home / "server.log"
    cmd = ["bash", str(REPO / "binder" / "start"), sys.executable, "-m", "jupyter", "server", "--no-browser",
           f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={REPO}", "--allow-root"]
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, proc, log, timeout=90)
        yield f"http://127.0.0.1:{port}", token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_a_binder_lesson_loads_nothing_from_the_internet(binder_server, offline_phone):
    base, token = binder_server
    offline_phone.goto(f"{base}/voila/render/{LESSON}?token={token}", timeout=120_000)
    offline_phone.locator(WIDGET).first.wait_for(state="visible", timeout=120_000)
    offline_phone.locator(".hv-inbox-open").first.click()  # the widget's own front end at work too
    offline_phone.wait_for_load_state("networkidle", timeout=60_000)
    assert offline_phone.blocked == []  # type: ignore[attr-defined]
    # One language at a time, as in the classroom (the classroom's page template is in use).
    assert offline_phone.locator("html").get_attribute("lang") == "vi"
