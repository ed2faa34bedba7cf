"""`hocvuso grade` on a corpus of broken and hostile submissions, next to a correct and a wrong control.

Every submission must get the right status and score, the batch must go on, and nothing outside the
sandbox may change: not the course (source, release, gradebook), not the submissions as handed in,
not the judge's /tmp, and no connection may reach a server on the judge's machine.
"""
from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from hocvuso.grader.judge import grade_batch

from graderkit import ASSIGNMENT, GRADER_OUTPUTS, NOTEBOOK, hand_in, make_course, read_results, tree_digest

pytestmark = [pytest.mark.slow]
MARKER = Path("/tmp/hocvuso-escape-marker")


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _delete(grade_id):
    def edit(nb):
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return edit


def _duplicate(grade_id):
    def edit(nb):
        nb.cells.append(nbformat.from_dict(json.loads(json.dumps(_cell(nb, grade_id)))))
    return edit


def _empty_metadata(nb):
    _cell(nb, "cau-1-kiem-tra").metadata = {}


def _edit_test(nb):
    _cell(nb, "cau-1-kiem-tra").source = ('from hocvuso.grader import check_function\n'
                                          'check_function("tong", [], out_of=3)')


def _extra_cell(source):
    def edit(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell(source))
    return edit


def _edit_answers(change):
    def after(folder: Path):
        path = folder / "hop-thu.hocvuso.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    return after


class Listener:
    """A TCP server on the judge's loopback that counts connections (none may arrive)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port, self.hits, self.stop = self.sock.getsockname()[1], 0, False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.hits += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    course = make_course(root / "course")
    sub = root / "submitted"
    listener = Listener()
    MARKER.unlink(missing_ok=True)
    lesson_nb = Path(__file__).resolve().parents[1] / "notebooks" / "lua-dao-tin-nhan" / "lua-dao-tin-nhan.ipynb"
    leak = (f"    for p in [{str(course / 'source' / ASSIGNMENT / NOTEBOOK)!r}, {str(course / 'gradebook.db')!r}]:\n"
            "        try:\n            open(p, 'rb').read(10)\n            return 'LEAK'\n"
            "        except Exception:\n            pass\n    return a + b")
    write_out = ("import os\nfor p in [%r, %r, %r, '/tmp/hocvuso-escape-marker', '../../escape.txt']:\n"
                 "    try:\n        open(p, 'a').write('x')\n    except Exception:\n        pass\n"
                 % (str(course / "gradebook.db"), str(course / "source" / ASSIGNMENT / NOTEBOOK),
                    str(root / "out" / "results.csv")))
    network = ("    import socket\n    try:\n        socket.create_connection(('127.0.0.1', %d), timeout=2)\n"
               "        return 'NETWORK'\n    except OSError:\n        return a + b" % listener.port)
    after = {}
    plan = {
        # student: (hand_in kwargs, expected status, expected score)
        "an-dung": ({}, "ok", 10.0),
        "binh-sai": ({"tong": "return a - b", "chan": "return True", "inbox": "wrong"}, "ok", 2.0),
        "Nguyễn Văn Ánh": ({}, "ok", 10.0),
        "vong-lap": ({"edit": _extra_cell("while True:\n    pass")}, "timeout", 5.0),
        "bo-qua-ngat": ({"edit": _extra_cell("import signal\n"
                                               "for s in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):\n"
                                               "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass")},
                        "timeout", 5.0),
        "bom-bo-nho": ({"edit": _extra_cell("x = []\nwhile True:\n    x.append(bytearray(50 * 1024 * 1024))")},
                       "error", 10.0),
        "bom-tien-trinh": ({"edit": _extra_cell("import os\nwhile True:\n    try:\n        os.fork()\n"
                                                  "    except OSError:\n        pass")}, "timeout", 5.0),
        "sys-exit": ({"edit": _extra_cell("import sys\nsys.exit(3)")}, "ok", 10.0),
        "os-exit": ({"edit": _extra_cell("import os\nos._exit(1)")}, "error", 5.0),
        "kernel-chet": ({"edit": _extra_cell("import ctypes\nctypes.string_at(0)")}, "error", 5.0),
        "in-qua-nhieu": ({"edit": _extra_cell("for i in range(200000):\n    print('x' * 500)")}, "ok", 10.0),
        "xoa-o-kiem-tra": ({"edit": _delete("cau-1-kiem-tra")}, "tampered", 0.0),
        "nhan-doi-o": ({"edit": _duplicate("cau-2-kiem-tra")}, "tampered", 0.0),
        "xoa-metadata": ({"edit": _empty_metadata}, "tampered", 0.0),
        "sua-o-kiem-tra": ({"edit": _edit_test}, "tampered", 0.0),
        "khong-phai-utf8": ({"raw": b'{"cells": [], "metadata": {"x": "\xff\xfe"}, "nbformat": 4}'}, "invalid", 0.0),
        "bi-cat-cut": ({"raw": b'{"cells": [{"cell_type": "code", "source": "def tong'}, "invalid", 0.0),
        "doc-de-an": ({"tong": leak}, "ok", 10.0),
        "ghi-so-diem": ({"edit": _extra_cell(write_out)}, "ok", 10.0),
        "mang": ({"tong": network}, "ok", 10.0),
        "sua-dap-an": ({}, "tampered", 0.0),
        "doi-kich-ban": ({}, "tampered", 0.0),
        "eq-luon-dung": ({"tong": "class Bang:\n    def __eq__(self, other):\n        return True\n"
                                  "    __hash__ = None\nreturn Bang()"}, "ok", 7.0),
        "gian-lan-bao-cao": ({"tong": "return -1", "edit": _extra_cell(
            "import json, builtins\n"
            "json.dumps = lambda *a, **k: '{\"finished\": true, \"cells\": [], \"probes\": {}}'\n"
            "check_function = lambda *a, **k: 3.0\n"
            "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"
            "builtins.isinstance = lambda *a: True")}, "ok", 5.0),
        # The tricks that fool stock nbgrader (no-op test cells, a fake check_function, a patched
        # reporter) change nothing here; they only break the cheater's own later cell (la_so_chan).
        "sai-bai": ({"raw": lesson_nb.read_bytes()}, "invalid", 0.0),
        "dinh-dang-cu": ({"raw": json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                                             "worksheets": []}).encode()}, "invalid", 0.0),
    }
    after["sua-dap-an"] = _edit_answers(lambda d: d.update(score=100))
    after["doi-kich-ban"] = _edit_answers(lambda d: d.update(scenario_id="hop-thu-1"))
    for student, (kwargs, _status, _score) in plan.items():
        folder = hand_in(sub, course, student, **kwargs)
        if student in after:
            after[student](folder)
    (sub / "khong-nop" / ASSIGNMENT).mkdir(parents=True)
    (sub / "khong-nop" / ASSIGNMENT / "ghi-chu.txt").write_text("quên nộp", encoding="utf-8")
    plan["khong-nop"] = ({}, "missing", 0.0)

    before_course, before_sub = tree_digest(course, skip=GRADER_OUTPUTS), tree_digest(sub)
    summary = grade_batch(course=course, assignment=ASSIGNMENT, submissions=sub, out=root / "out", workers=2,
                          timeout=15, memory=768)
    listener.close()
    yield {"plan": plan, "results": read_results(root / "out"), "summary": summary, "listener": listener,
           "course_same": tree_digest(course, skip=GRADER_OUTPUTS) == before_course,
           "sub_same": tree_digest(sub) == before_sub,
           "out": root / "out"}
    MARKER.unlink(missing_ok=True)


def test_corpus_is_big_enough(batch):
    hostile = [s for s in batch["plan"] if s not in ("an-dung", "binh-sai", "Nguyễn Văn Ánh")]
    assert len(hostile) >= 16


def test_every_submission_gets_its_status_and_score(batch):
    wrong = {}
    for student, (_kwargs, status, score) in batch["plan"].items():
        row = batch["results"][student]
        if row["status"] != status or float(row["score"]) != score:
            wrong[student] = (row["status"], row["score"], row["reason"])
    assert not wrong, wrong


def test_every_problem_has_a_reason(batch):
    for student, row in batch["results"].items():
        if row["status"] != "ok":
            assert len(row["reason"]) > 15, (student, row)
    assert "deleted" in batch["results"]["xoa-o-kiem-tra"]["reason"]
    assert "more than once" in batch["results"]["nhan-doi-o"]["reason"]
    assert "changed" in batch["results"]["sua-o-kiem-tra"]["reason"]
    assert "UTF-8" in batch["results"]["khong-phai-utf8"]["reason"]
    assert "memory" in batch["results"]["bom-bo-nho"]["reason"]


def test_nothing_outside_the_sandbox_changed(batch):
    assert batch["course_same"], "the course folder (source, release, gradebook) changed"
    assert batch["sub_same"], "a submission as handed in changed"
    assert not MARKER.exists(), "student code wrote into the judge's /tmp"
    assert not (batch["out"].parent / "escape.txt").exists()
    assert batch["listener"].hits == 0, "student code reached a server on the judge's machine"


def test_results_say_the_code_was_isolated(batch):
    assert batch["summary"].isolation == "sandbox"
    assert batch["results"]["an-dung"]["isolation"] == "sandbox"
