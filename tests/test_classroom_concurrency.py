"""A class of 40 arrives at once: real sign-ins, real lesson pages, real kernel websockets.

Each simulated learner signs in on the catalogue, loads the scam lesson (a preheated kernel),
opens the kernel websocket, fetches the widget state as the ipywidgets front end does and sends
the inbox's own "answer" message. Afterwards the database holds exactly 40 rows from 40 learners
(two of every name: same names are still different learners); the server is stopped and started
again on the same database and nothing is lost — a learner coming back finds the answer restored.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from hocvuso.classroom._loadtest import SimLearner, percentile
from hocvuso.core import SqlStore, load_inbox

pytestmark = pytest.mark.slow

LESSON = "/voila/render/lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb?lang=vi"
N = 40
SCENARIO, KEY = load_inbox("hop-thu-1")
MESSAGE = SCENARIO.messages[0].id
VERDICT = KEY.messages[MESSAGE].verdict


def _learner_session(base: str, class_code: str, name: str) -> tuple[SimLearner, dict]:
    learner = SimLearner(base, timeout=300)
    learner.sign_in(class_code, name)
    learner.open_page(LESSON)
    learner.connect()
    learner.load_widgets()
    state = learner.answer(MESSAGE, VERDICT, [])
    learner.close()
    return learner, state


def test_forty_learners_submit_at_once_and_survive_a_restart(classroom_factory, tmp_path):
    server = classroom_factory(class_size=N, workdir=tmp_path, extra=("--fill-delay", "900"))
    server.wait_pool()  # 40 kernels warm: each waits for its learner, as when a class walks in
    # Phones get the 5 MB of JavaScript gzip-compressed (the same bytes once unpacked).
    import gzip
    import urllib.request

    def fetch(path, encoding):
        request = urllib.request.Request(server.base + path, headers={"Accept-Encoding": encoding})
        with urllib.request.urlopen(request) as r:
            return r.headers.get("Content-Encoding"), r.read()

    plain, packed = fetch("/voila/static/voila.js", "identity"), fetch("/voila/static/voila.js", "gzip")
    assert plain[0] is None and packed[0] == "gzip" and gzip.decompress(packed[1]) == plain[1]

    names = [f"Học sinh {i // 2:02d}" for i in range(N)]  # every name twice
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=N) as pool:
        outcomes = list(pool.map(lambda n: _learner_session(server.base, server.class_code, n), names))
    elapsed = time.perf_counter() - t0
    for _learner, state in outcomes:
        assert state["status"]["level"] == "ok", state["status"]
        assert MESSAGE in state["answers"]["messages"]
    actions = [a for learner, _s in outcomes for a in learner.timings.actions]
    print(f"\n40 learners: all done in {elapsed:.1f}s; action round trip p95 {percentile(actions, 95) * 1000:.0f} ms")

    rows = SqlStore(server.db_url).rows()
    assert len(rows) == N
    assert len({r["learner_id"] for r in rows}) == N, "same names must still be different learners"
    assert {r["class_code"] for r in rows} == {server.class_code}
    assert sorted(r["learner_name"] for r in rows) == sorted(names)
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]

    # Stop and start again on the same database: still 40 rows, and a learner's work is still theirs.
    server.stop()
    again = classroom_factory(class_size=1, workdir=tmp_path, db_url=server.db_url, pin="135790")
    assert len(SqlStore(again.db_url).rows()) == N
    one = rows[0]
    back = SimLearner(again.base)
    back.sign_in(server.class_code, one["learner_name"], learner_code=one["learner_id"])
    back.open_page(LESSON)
    back.connect()
    state = back.load_widgets()
    back.close()
    assert MESSAGE in state["answers"]["messages"], "the earlier answer was not restored after the restart"
    assert len(SqlStore(again.db_url).rows()) == N
