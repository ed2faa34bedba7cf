"""The README's first command on a clean copy, the way a stock Debian machine runs it.

Debian's own /usr/bin/python3 is "externally managed" (PEP 668): pip refuses to install into it. The
README's `bash scripts/serve.sh` must make the project's virtual environment, install hocvuso there,
and serve the lessons; a second start with nothing changed must skip the install. (CI runs the other
command, `bash scripts/test.sh`, the same way: .ci/run sets PYTHON=/usr/bin/python3.)
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from hocvuso.classroom._loadtest import SimLearner

from kit import REPO, find_free_port, wait_for_port

DEBIAN_PYTHON = "/usr/bin/python3"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(DEBIAN_PYTHON).exists(), reason="no Debian /usr/bin/python3 here")]


def clean_copy(target: Path) -> Path:
    """The tracked files of this checkout as they are now (a fresh clone, without .git or .venv)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for rel in filter(None, listed.decode().split("\0")):
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    return target


def serve(copy: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "NBGRADER_EXECUTION")}
    env["PYTHON"] = DEBIAN_PYTHON
    with log.open("ab") as fh:
        return subprocess.Popen(["bash", "scripts/serve.sh", "--host", "127.0.0.1", "--port", str(port),
                                 "--lesson", "lua-dao-tin-nhan", "--no-preheat", "--class-code", "CUA1",
                                 "--pin", "481736"],
                                cwd=copy, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> int:
    if proc.poll() is not None:
        return proc.returncode
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()


@contextlib.contextmanager
def serving(copy: Path, log: Path, *, timeout: float) -> Iterator[tuple[int, float]]:
    """`bash scripts/serve.sh` in `copy` until it listens; yields (port, seconds it took); stops it cleanly."""
    port = find_free_port()
    started = time.monotonic()
    proc = serve(copy, port, log)
    try:
        wait_for_port(port, proc, log, timeout=timeout)
        yield port, time.monotonic() - started
    finally:
        assert stop(proc) == 0, log.read_text(errors="replace")[-3000:]


def test_serve_sh_on_debian_python_makes_its_venv_and_serves_a_lesson(tmp_path):
    managed = subprocess.run([DEBIAN_PYTHON, "-m", "pip", "install", "--dry-run", "--no-deps", "six"],
                             capture_output=True, text=True)
    copy = clean_copy(tmp_path / "hocvuso")
    log = tmp_path / "serve.log"

    with serving(copy, log, timeout=600) as (port, first):
        learner = SimLearner(f"http://127.0.0.1:{port}")
        learner.sign_in("CUA1", "Bà Tư")
        page = learner.open_page("/voila/render/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb")
        assert learner.kernel_id, page[-2000:]
    output = log.read_text(errors="replace")
    assert (copy / ".venv" / "bin" / "python").exists() and "installing hocvuso" in output
    assert "Traceback" not in output, output[-3000:]
    assert "Mã lớp / class code:            CUA1" in output

    # The second start finds nothing changed: no install, straight to serving.
    with serving(copy, log, timeout=120) as (port, second):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
            assert answer.status == 200
    assert log.read_text(errors="replace").count("installing hocvuso") == 1
    print(f"\nserve.sh from a clean copy on {DEBIAN_PYTHON} "
          f"({'externally managed' if 'externally-managed' in managed.stderr else 'pip allowed'}): "
          f"first start {first:.1f} s, second start {second:.1f} s")


def test_a_failing_step_stops_with_one_line_saying_what_to_do(tmp_path):
    copy = clean_copy(tmp_path / "hocvuso")
    env = {**os.environ, "PYTHON": str(tmp_path / "no-such-python")}
    done = subprocess.run(["bash", "scripts/serve.sh"], cwd=copy, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("!! scripts/serve.sh: finding Python") and "PYTHON=" in last, done.stderr
