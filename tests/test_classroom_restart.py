"""A class survives restarts, the way a teacher restarts it: `hocvuso serve` again, without a class code.

The store remembers its class: a restart continues it (same code, the learner's work restored), and
`--new-class` starts another, where a learner of the old class must sign in again and is never told
"saved" for an answer no dashboard would show. At a clean stop (Ctrl-C) the SQLite store is folded
into its one file: copying only `hocvuso-classroom.sqlite` takes every learner and every answer. The
terminal stays calm: the class code and PIN are on screen, no traceback at the stop.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hocvuso.classroom import results_from_rows
from hocvuso.classroom._loadtest import SimLearner
from hocvuso.core import Roster, SqlStore, load_inbox

from kit import find_free_port, wait_for_port

pytestmark = pytest.mark.slow

LESSON = "/voila/render/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb?lang=vi"
SCENARIO, KEY = load_inbox("hop-thu-1")
FIRST, SECOND = SCENARIO.messages[0].id, SCENARIO.messages[1].id


class Serving:
    """One `hocvuso serve` run in `folder` (the teacher's terminal captured in `screen`)."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.port = find_free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.screen = folder / f"terminal-{self.port}.txt"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("NBGRADER_EXECUTION", None)
        with self.screen.open("wb") as fh:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "hocvuso", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--lesson", "lua-dao-tin-nhan", "--class-size", "1", "--pin", "481736", *args],
                cwd=folder, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, self.proc, self.screen, timeout=120)
        found = re.search(r"class code: +(\w+) +\((.+?)\)", self.text())
        assert found, self.text()
        self.class_code, self.how = found.group(1), found.group(2)
        deadline = time.monotonic() + 180  # the banner is printed again once the class's kernels are ready
        while "the class is ready" not in self.text():
            assert time.monotonic() < deadline and self.proc.poll() is None, self.text()[-3000:]
            time.sleep(0.3)

    def text(self) -> str:
        return self.screen.read_text(errors="replace")

    def stop(self) -> str:
        """Ctrl-C, as a teacher stops it (SIGINT to the terminal's process group)."""
        os.killpg(self.proc.pid, signal.SIGINT)
        assert self.proc.wait(timeout=90) == 0, self.text()[-3000:]
        return self.text()


def answer(learner: SimLearner, message: str) -> dict:
    learner.open_page(LESSON)
    learner.connect()
    learner.load_widgets()
    state = learner.answer(message, KEY.messages[message].verdict, [])
    learner.close()
    return state


def test_a_restart_continues_the_class_and_a_new_class_never_shows_saved_for_a_lost_answer(tmp_path):
    folder = tmp_path / "lop"
    folder.mkdir()
    db = folder / "hocvuso-classroom.sqlite"

    first = Serving(folder)
    assert first.how.startswith("lớp mới")
    an = SimLearner(first.base)
    an.sign_in(first.class_code, "Nguyễn Văn An")
    assert answer(an, FIRST)["status"]["level"] == "ok"
    screen = first.stop()
    assert "Traceback" not in screen and "ZMQError" not in screen
    assert "481736" in screen.split("the class is ready")[-1], "the PIN is among the last lines"
    assert not Path(f"{db}-wal").exists(), "a clean stop folds the journal into the one file"

    # The one file the README names holds the whole class (copied alone, as to a USB stick).
    usb = tmp_path / "usb" / "lop.sqlite"
    usb.parent.mkdir()
    shutil.copyfile(db, usb)
    copied = SqlStore(f"sqlite:///{usb}").rows()
    assert [(r["class_code"], r["learner_name"]) for r in copied] == [(first.class_code, "Nguyễn Văn An")]
    assert Roster(f"sqlite:///{usb}").last_served() == first.class_code

    # Restart without a class code: the same class goes on; An's answer is restored and the next one saved.
    second = Serving(folder)
    assert second.class_code == first.class_code and second.how.startswith("tiếp tục")
    an.base = second.base
    state = answer(an, SECOND)
    assert state["status"]["level"] == "ok" and {FIRST, SECOND} <= set(state["answers"]["messages"])
    second.stop()

    # --new-class: another code; An's sign-in belongs to the old class, so she is asked to sign in again,
    # and nothing she does there is stored without its class or shown to her as saved.
    third = Serving(folder, "--new-class")
    assert third.class_code != first.class_code and third.how.startswith("lớp mới")
    an.base = third.base
    page = an.open_page(LESSON)
    if an.kernel_id:  # the page opened anyway: the widget must not claim to have saved
        an.connect()
        an.load_widgets()
        try:
            state = an.answer(FIRST, KEY.messages[FIRST].verdict, [])
            assert state["status"]["level"] != "ok", state["status"]
        except TimeoutError:
            pass
        an.close()
    else:
        assert "class_code" in page or "Đăng nhập" in page, page[-2000:]
    third.stop()

    rows = SqlStore(f"sqlite:///{db}").rows()
    assert all(r["class_code"] and r["learner_id"] and r["learner_name"] for r in rows), rows
    assert len(rows) == 2 and {r["class_code"] for r in rows} == {first.class_code}
    # Every stored answer is on its class's dashboard: one result per learner who answered.
    on_dashboards = sum(len(results_from_rows(rows, class_code=code)) for code in {r["class_code"] for r in rows})
    assert on_dashboards == len({(r["class_code"], r["learner_id"]) for r in rows}) == 1
