"""A classroom served under a base URL (as behind JupyterHub: /user/NAME/): every link, form, redirect and
cookie the server makes stays under it, and a learner signs in, opens a lesson and saves an answer there."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import pytest
import requests

from hocvuso.classroom._loadtest import SimLearner
from hocvuso.core import SqlStore, load_inbox

from kit import ClassroomServer, find_free_port, wait_for_port

BASE = "/lop/7a/"
SCENARIO, KEY = load_inbox("hop-thu-1")
MESSAGE = SCENARIO.messages[0].id

SERVE = """
import sys
from hocvuso.classroom import serve
raise SystemExit(serve(host="127.0.0.1", port=int(sys.argv[1]), db_url=sys.argv[2], class_code="LOP7A", pin="246810",
                       class_size=1, lessons=("lua-dao-tin-nhan",), base_url=sys.argv[3], verbose=True))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("base-url")
    port = find_free_port()
    log = work / "serve.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NBGRADER_EXECUTION", None)
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-c", SERVE, str(port), f"sqlite:///{work / 'class.sqlite'}", BASE],
                                cwd=work, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    running = ClassroomServer(base=f"http://127.0.0.1:{port}", db_url=f"sqlite:///{work / 'class.sqlite'}",
                              class_code="LOP7A", pin="246810", log=log, proc=proc, args=())
    try:
        wait_for_port(port, proc, log, timeout=90)
        yield running.base, work, log
    finally:
        running.stop()


def local_urls(html: str) -> list[str]:
    """Every href and form action of a page that is not a data: URL or a fragment."""
    return [u for u in re.findall(r'(?:href|action)="([^"]*)"', html) if not u.startswith(("data:", "#"))]


@pytest.mark.slow
def test_every_url_of_the_classroom_stays_under_its_base_url(server):
    origin, work, _log = server
    root = origin + BASE.rstrip("/")
    assert requests.get(origin + "/", timeout=30).status_code == 404  # nothing is served at the root
    catalogue = requests.get(root + "/?lang=vi", timeout=30).text
    urls = local_urls(catalogue)
    assert urls and all(u.startswith(BASE) for u in urls), urls
    assert f'action="{BASE}hv/signin"' in catalogue

    learner = SimLearner(root, timeout=120)
    page = learner.sign_in("LOP7A", "Lan Cơ Sở")  # the form's redirect lands on the catalogue under BASE
    assert "hv-signed-in" in page
    assert {c.path for c in learner.jar} == {BASE}  # sign-in and XSRF cookies: this server's only
    urls = local_urls(page)
    assert all(u.startswith(BASE) for u in urls), urls
    lesson = next(u for u in urls if "/voila/render/" in u)
    assert lesson.startswith(f"{BASE}voila/render/lua-dao-tin-nhan/")

    # The lesson works there: its kernel takes this visitor (the visitor channel under BASE) and saves.
    learner.open_page(lesson[len(BASE) - 1:].replace("&amp;", "&"))
    assert learner.kernel_id, "the lesson page has a kernel"
    learner.connect()
    learner.load_widgets()
    learner.answer(MESSAGE, KEY.messages[MESSAGE].verdict, [])
    learner.close()
    rows = SqlStore(f"sqlite:///{work / 'class.sqlite'}").rows()
    assert [r["learner_name"] for r in rows] == ["Lan Cơ Sở"]

    # The dashboard link leads to the PIN form, whose form posts under BASE and redirects back under it.
    dashboard = next(u for u in local_urls(page) if "giao-vien" in u).replace("&amp;", "&")
    session = requests.Session()
    form = session.get(origin + dashboard, timeout=60).text
    assert f'action="{BASE}hv/teacher?lang=vi"' in form
    token = re.search(r'name="_xsrf" value="([^"]+)"', form).group(1)
    answer = session.post(f"{root}/hv/teacher", data={"_xsrf": token, "pin": "246810", "lang": "vi"},
                          timeout=60, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"].startswith(f"{BASE}voila/render/giao-vien/")
    ready = urllib.request.urlopen(f"{root}/hv/ready", timeout=30).read()
    assert b"lua-dao-tin-nhan" in ready
