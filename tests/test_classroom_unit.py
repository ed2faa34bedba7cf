"""Classroom pieces without a server: roster and sign-in, current_learner, reports, exports, serve command."""
from __future__ import annotations

import io

import pytest

from hocvuso.classroom import (
    TeacherDashboard,
    _serve,
    competence_summary,
    flag_error_rates,
    lesson_catalogue,
    results_from_rows,
    to_csv,
    to_xlsx,
)
from hocvuso.classroom._pages import catalogue_page
from hocvuso.core import Roster, SignInRefused, SqlStore, Submission, identity, load_inbox
from hocvuso.core.database import store_url

EVIL = '<img src=x onerror="alert(1)">Lan'


@pytest.fixture()
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    Roster(url).ensure_class("LOP9", pin="112233")
    return url


def _submit(url, learner, verdict=None):
    scenario, key = load_inbox("hop-thu-1")
    mid = scenario.messages[0].id
    answers = {"messages": {mid: {"verdict": verdict or key.messages[mid].verdict, "flags": []}}, "inspected": {}}
    SqlStore(url).save(Submission(task_id="hop-thu", kind="inbox", scenario_id="hop-thu-1", answers=answers,
                                  learner=learner))


def test_same_name_two_learners_and_coming_back_with_the_code(db):
    roster = Roster(db)
    a, ta = roster.sign_in(" lop9 ", "Lan")
    b, tb = roster.sign_in("LOP9", "Lan")
    assert a.learner_id != b.learner_id and a.name == b.name == "Lan"
    assert roster.resolve(ta) == a and roster.resolve(tb) == b
    again, tc = roster.sign_in("LOP9", "lan", learner_code=a.learner_id.lower())
    assert again == a and tc != ta
    with pytest.raises(SignInRefused):
        roster.sign_in("LOP9", "Minh", learner_code=a.learner_id)  # a code is not enough without the name
    with pytest.raises(SignInRefused):
        roster.sign_in("NOPE1", "Lan")
    with pytest.raises(SignInRefused):
        roster.sign_in("LOP9", "   ")
    assert roster.resolve("x" * 30) is None and roster.resolve(None) is None
    roster.revoke(ta)
    assert roster.resolve(ta) is None


def test_pin_is_checked_against_a_salted_hash(db):
    roster = Roster(db)
    assert roster.check_pin("LOP9", "112233")
    assert not roster.check_pin("LOP9", "112234") and not roster.check_pin("LOP9", None)
    with roster.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(Roster.classes.select())]
    assert "112233" not in repr(stored)


def test_current_learner_reads_token_from_query_or_cookie(db, monkeypatch):
    learner, token = Roster(db).sign_in("LOP9", "Hà")
    monkeypatch.setenv("HOCVUSO_DB", db)
    monkeypatch.setenv("HOCVUSO_CLASS", "LOP9")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    for qs, cookie in ((f"t={token}", ""), ("lang=vi", f"_xsrf=1; hv_token={token}")):
        identity.forget_learner()
        monkeypatch.setenv("QUERY_STRING", qs)
        monkeypatch.setenv("HTTP_COOKIE", cookie)
        assert identity.current_learner() == learner
    identity.forget_learner()
    monkeypatch.setenv("QUERY_STRING", "t=forged-token-forged-token")
    monkeypatch.setenv("HTTP_COOKIE", "")
    assert identity.current_learner() is None
    identity.forget_learner()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert identity.current_learner() is None  # never under nbgrader
    identity.forget_learner()


def test_dashboard_shows_nothing_before_the_pin_and_escapes_names(db):
    learner, _t = Roster(db).sign_in("LOP9", EVIL)
    _submit(db, learner)
    dash = TeacherDashboard(class_code="LOP9", db_url=db, refresh_seconds=0)
    before = repr(dash.get_state()) + "".join(repr(c.get_state()) for c in dash.children[0].children)
    assert "Lan" not in before and "onerror" not in before
    assert not dash.unlock("000000")
    assert dash.unlock("112233")
    html = dash._body.value
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Lan" in html
    assert "<img src=x" not in html
    assert "<svg" in html and "ket-qua-LOP9.csv" in html and "data:text/csv;base64," in html
    dash.close()


def test_reports_and_exports(db):
    roster = Roster(db)
    for i in range(3):
        learner, _t = roster.sign_in("LOP9", f"=HYPERLINK(\"x\") Học sinh {i}")
        _submit(db, learner, verdict=None if i else "safe")
    results = results_from_rows(SqlStore(db).rows(), class_code="LOP9")
    assert len(results) == 3
    comps = competence_summary(results)
    assert comps and all(c["code"].count(".") == 1 for c in comps)
    assert isinstance(flag_error_rates(results), list)
    data = to_csv(results)
    assert data.startswith("\ufeff".encode("utf-8"))
    text = data.decode("utf-8-sig")
    assert "Học sinh 0" in text and ',"\'=HYPERLINK' in text  # no formula injection into Excel
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(to_xlsx(results, comps)))
    assert wb["ket-qua"].max_row == 4 and wb["nang-luc"].max_row == len(comps) + 1


def test_catalogue_lists_lessons_with_competences_and_escapes():
    lessons = lesson_catalogue()
    scam = next(lesson for lesson in lessons if lesson.name == "lua-dao-tin-nhan")
    assert "4.2" in scam.competences and scam.title["vi"] and scam.title["en"] != scam.title["vi"]
    page = catalogue_page(lessons=lessons, locale="vi", learner=None, csrf="c" * 20, error=EVIL, class_hint=EVIL)
    assert "<img src=x" not in page and "&lt;img" in page
    assert "https://" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Đăng nhập" in page and "4.2" in page


def test_serve_command_preheats_the_class_and_guards_voila(tmp_path):
    config = _serve.ServeConfig(class_code="LOP9", pin="112233", class_size=40, db_url="sqlite:///x.sqlite")
    cmd = " ".join(_serve.voila_command(config, tmp_path))
    for needle in ("--preheat_kernel=True", "--KernelManager.transport=ipc", "cull_idle_timeout=1200",
                   "fill_delay=60", "allow_template_override=NO", "show_tracebacks=False", "http_header_envs=Cookie",
                   "--Voila.ip=0.0.0.0"):
        assert needle in cmd
    pools = _serve.pools(config, ["lua-dao-tin-nhan", "thu-tuc-truc-tuyen"])
    assert pools["lua-dao-tin-nhan/lua-dao-tin-nhan.ipynb"]["pool_size"] == 40
    assert pools["thu-tuc-truc-tuyen/thu-tuc-truc-tuyen.ipynb"]["pool_size"] == 1
    assert pools["default"]["pool_size"] == 0  # the dashboard is not preheated
    assert store_url("sqlite:///x.sqlite").startswith("sqlite:////")
    site, names = _serve.build_site(config, tmp_path / "site")
    assert (site / "giao-vien" / "bang-dieu-khien.ipynb").is_file() and names[0] == "lua-dao-tin-nhan"
    assert "█" in _serve.qr_text("http://192.168.1.10:8866/?lop=LOP9")
    lan = _serve.lan_addresses()
    # Only addresses a phone can open: this computer's own loopback only when it has no other.
    assert _serve.urls_of(config) == [f"http://{ip}:8866/?lop=LOP9" for ip in lan or ["127.0.0.1"]]


def test_template_drops_the_cdn_font_links():
    from hocvuso.classroom._app import TEMPLATE_DIR

    text = (TEMPLATE_DIR / "index.html.j2").read_text()
    assert "replace('<link rel=\"stylesheet\" href=\"https://cdn.jsdelivr.net" in text


def test_lesson_kernels_start_without_debugpy_and_import_no_batch_grader():
    """Classroom kernels start through hocvuso.classroom.kernels._kernel; a lesson's imports stay light (memory
    per learner)."""
    import subprocess
    import sys

    from hocvuso.classroom._app import ClassroomKernelSpecManager

    argv = ClassroomKernelSpecManager().get_kernel_spec("python3").argv
    assert argv[argv.index("-m") + 1] == "hocvuso.classroom.kernels._kernel" and "{connection_file}" in argv
    code = ("import sys\n"
            "sys.modules['debugpy'] = None\n"
            "from ipykernel.debugger import _is_debugpy_available\n"
            "from hocvuso.widgets import ScamInbox\n"
            "from hocvuso.grader import grade\n"
            "heavy = sorted({m.split('.')[0] for m, v in sys.modules.items() if v is not None}"
            " & {'nbgrader', 'nbconvert', 'jupyter_server', "
            "'voila', 'tldextract', 'debugpy'})\n"
            "print(_is_debugpy_available, heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False []", out


def test_websockets_to_kernels_send_small_messages_at_once():
    """Nagle's algorithm off on the server's websockets (classroom._app.no_delay): with it on, a kernel's
    "busy" then its reply waited for the phone's delayed ACK, 40 ms per widget round trip."""
    import socket

    import tornado.httpserver
    import tornado.testing
    import tornado.web
    import tornado.websocket
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    from hocvuso.classroom._app import no_delay

    from kit import run_coroutine

    assert issubclass(VoilaKernelWebsocketHandler, tornado.websocket.WebSocketHandler)  # so init_handlers wraps it
    seen: list[int] = []

    class Echo(tornado.websocket.WebSocketHandler):
        def open(self):
            sock = self.ws_connection.stream.socket
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        def on_message(self, message):
            self.write_message(message)

    async def run(handler) -> None:
        app = tornado.web.Application([(r"/ws", handler)])
        sock, port = tornado.testing.bind_unused_port()
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets([sock])
        ws = await tornado.websocket.websocket_connect(f"ws://127.0.0.1:{port}/ws")
        ws.write_message("ping")
        assert await ws.read_message() == "ping"
        ws.close()
        server.stop()

    run_coroutine(run(Echo))
    run_coroutine(run(no_delay(Echo)))
    assert seen[0] == 0 and seen[1] != 0
    assert no_delay(VoilaKernelWebsocketHandler).__name__ == "NoDelayVoilaKernelWebsocketHandler"
