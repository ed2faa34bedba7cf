"""Many classes on a real JupyterHub: hub users are the learners, hub groups the classes, a teachers' group.

A JupyterHub from PyPI with configurable-http-proxy from npm (tests/hubkit.py) spawns each user's
server with deploy/config.yaml's own single-user command, environment and hub.extraConfig (the groups
hook), on a throwaway PostgreSQL cluster with a password. Chromium at 360×740 then does what a class
does: each pupil signs in on the hub, opens the catalogue under /user/NAME/ (no class-code form), does a
lesson task, and the answer is in PostgreSQL under the hub name; the class's teacher sees both pupils on
the dashboard; a pupil gets no dashboard and cannot open a classmate's server; the other class's teacher
does not see them. No page asks anything of a host other than this computer.

Figures for deploy/README.md (start time and memory per learner) are written to
test-artifacts/hub-sizing.json and printed (`pytest tests/test_hub.py -s`).
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid

import psutil
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from hubkit import CHP, deploy_values, log_in, start_hub
from kit import ARTIFACTS, find_free_port, offline_page
from test_classroom_postgres import postgres_url  # noqa: F401 - the throwaway PostgreSQL cluster (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TEACHERS = deploy_values()["singleuser"]["extraEnv"]["HOCVUSO_HUB_TEACHERS"]
GROUPS = {TEACHERS: ["co-lan", "thay-minh"], "lop-7a": ["co-lan", "an", "binh"], "lop-7b": ["thay-minh"]}
USERS = ["co-lan", "thay-minh", "an", "binh"]
LESSON = "lua-dao-tin-nhan"
WIDGET = ".hv-task-bar, .hv-dos-bar"


@pytest.fixture(scope="module")
def hub(postgres_url, tmp_path_factory):  # noqa: F811 - the imported fixture, used
    if not CHP.exists():
        pytest.skip("configurable-http-proxy is not installed: npm ci --prefix tests/js")
    hub = start_hub(tmp_path_factory.mktemp("hub"), users=USERS, groups=GROUPS,
                    secrets={("hocvuso-db", "url"): postgres_url}, free_port=find_free_port)
    hub.db_url = postgres_url  # type: ignore[attr-defined]
    hub.started = {}  # type: ignore[attr-defined]
    hub.idle = {}  # type: ignore[attr-defined]
    hub.memory = {}  # type: ignore[attr-defined]
    yield hub
    hub.stop()


def spawned(hub, name: str) -> str:
    """Start `name`'s server (once; its start time noted); return its direct address (behind the proxy)."""
    if name not in hub.started:
        hub.started[name] = hub.spawn(name)
        time.sleep(2)  # let it settle before its idle memory is taken
        hub.idle[name] = server_memory_mb(hub, name)
    return hub.user(name)["servers"][""]["url"]


@pytest.fixture()
def phones(browser):
    """Phones (conftest.offline_page: 360×740, every request off this computer aborted and noted in
    `page.blocked`), each in its own browser context; `phones()` gives one more."""
    made = []

    def phone():
        page = offline_page(browser)
        page.set_default_timeout(60_000)
        made.append(page)
        return page

    yield phone
    for page in made:
        assert page.blocked == [], page.url  # type: ignore[attr-defined] - no page asked the internet
        page.context.close()


def server_memory_mb(hub, name: str) -> dict[str, float]:
    """Memory of `name`'s server and every process it started (its lesson kernels), in MB: the sum of PSS
    (shared pages split between the processes sharing them: what a pod's memory is charged) and, for
    comparison, the sum of RSS (shared pages counted in each process); and the CPU seconds they used."""
    root = psutil.Process(hub.server_pid(name))
    procs = [root, *root.children(recursive=True)]
    full = [p.memory_full_info() for p in procs]
    cpu = sum(t.user + t.system for t in (p.cpu_times() for p in procs))
    return {"pss": round(sum(m.pss for m in full) / 2**20, 1), "rss": round(sum(m.rss for m in full) / 2**20, 1),
            "processes": len(procs), "cpu_s": round(cpu, 1)}


def test_a_server_answers_its_own_user_only_through_the_hub(hub):
    direct = spawned(hub, "an")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as page:  # no hub cookie: off to the hub's login
        opener.open(f"{hub.url}{direct}?lang=vi", timeout=30)
    assert page.value.code == 302 and "/hub/api/oauth2/authorize" in page.value.headers["Location"]
    for path in ("hv/whoami", f"api/kernels/{uuid.uuid4()}", f"voila/render/{LESSON}/{LESSON}.ipynb"):
        with pytest.raises(urllib.error.HTTPError) as other:
            opener.open(urllib.request.Request(f"{hub.url}{direct}{path}", method="POST", data=b""), timeout=30)
        assert other.value.code in (403, 405), path
    # A hub token of another user (a classmate's) is a hub identity, but not this server's user.
    token = hub.api("POST", "users/binh/tokens", {"note": "test"})["token"]
    with pytest.raises(urllib.error.HTTPError) as classmate:
        opener.open(urllib.request.Request(f"{hub.url}{direct}", headers={"Authorization": f"token {token}"}),
                    timeout=30)
    assert classmate.value.code == 403


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def do_a_task(page, hub, name: str) -> None:
    """`name` signs in on the hub, opens the catalogue and the scam lesson, and answers one message."""
    prefix = f"/user/{name}/"
    log_in(page, hub, name, prefix)
    expect(page.locator(".hv-hello")).to_contain_text(name)
    assert page.url.startswith(f"{hub.url}{prefix}"), page.url
    assert page.locator("#hv-class").count() == 0, "no class-code sign-in on a hub"
    assert page.locator(".hv-teacher").count() == 0, "no dashboard link for a pupil"
    start = page.locator(f'.hv-start[data-lesson="{LESSON}"]')
    assert start.get_attribute("href").startswith(f"{prefix}voila/render/")
    start.click()
    page.locator(WIDGET).first.wait_for(state="visible", timeout=90_000)
    expect(page.locator(".hv-who")).to_have_text(f"👤 {name}")
    page.locator(".hv-inbox-open").first.click()
    page.locator('[data-key="verdict-scam"]').click()
    page.locator(".hv-inbox-send").click()
    expect(page.locator(".hv-inbox-status")).to_have_class("hv-inbox-status hv-inbox-status-ok")
    hub.memory[name] = server_memory_mb(hub, name)
    page.goto(f"{hub.url}{prefix}")  # back on the catalogue, the hub user's saved lesson is marked finished
    expect(page.locator(f'.hv-lesson[data-lesson="{LESSON}"] .hv-done')).to_have_text("✓ Đã hoàn thành")
    assert page.locator(".hv-done").count() == 1


def stored(hub) -> list[tuple[str, str, str]]:
    from hocvuso.core import SqlStore

    t = SqlStore.submissions
    with SqlStore(hub.db_url).engine.connect() as conn:
        return sorted({(r.class_code, r.learner_id, r.learner_name)
                       for r in conn.execute(sa.select(t.c.class_code, t.c.learner_id, t.c.learner_name))})


def open_dashboard(page, hub, name: str):
    log_in(page, hub, name, f"/user/{name}/")
    link = page.locator(".hv-teacher").first
    assert link.get_attribute("href").startswith(f"/user/{name}/voila/render/giao-vien/")
    link.click()
    expect(page.locator(".hv-dash-summary")).to_be_visible(timeout=90_000)
    hub.memory[name] = server_memory_mb(hub, name)
    return page


def test_two_pupils_a_teacher_and_another_class(hub, phones):
    for name in ("an", "binh"):
        spawned(hub, name)
    phone = phones()
    do_a_task(phone, hub, "an")
    # a pupil has no dashboard, and a classmate's server is not theirs
    response = phone.goto(f"{hub.url}/user/an/voila/render/giao-vien/bang-dieu-khien.ipynb?lop=LOP7A")
    assert response.status == 403
    expect(phone.locator(".hv-error")).to_contain_text("Chỉ giáo viên")
    assert phone.locator(".hv-dash-summary, .hv-dash-table, #hv-pin").count() == 0
    response = phone.goto(f"{hub.url}/user/binh/")  # the hub keeps an out of a classmate's server
    assert response.status == 403 and phone.locator(".hv-hello").count() == 0

    do_a_task(phones(), hub, "binh")
    assert stored(hub) == [("LOP7A", "an", "an"), ("LOP7A", "binh", "binh")]

    for teacher in ("co-lan", "thay-minh"):
        spawned(hub, teacher)
    dash = open_dashboard(phones(), hub, "co-lan")
    expect(dash.locator(".hv-dash-summary")).to_contain_text("LOP7A")
    names = dash.locator(".hv-dash-name").all_inner_texts()
    assert sorted(n.strip() for n in names) == ["an", "binh"], names
    expect(dash.locator(".hv-dash-csv")).to_be_visible()
    expect(dash.locator("svg.hv-chart").first).to_be_visible()

    dash = open_dashboard(phones(), hub, "thay-minh")
    expect(dash.locator(".hv-dash-summary")).to_contain_text("LOP7B")
    time.sleep(1)
    assert dash.locator(".hv-dash-name").count() == 0
    assert "binh" not in dash.locator(".hv-dash-root").inner_text()
    write_sizing(hub)


def write_sizing(hub) -> None:
    """Start time and memory per learner's server, for deploy/README.md's sizing (40 learners a node)."""
    servers = {n: {"start_s": round(hub.started[n], 2), "idle_mb": hub.idle[n], "with_lesson_mb": hub.memory.get(n)}
               for n in hub.started}
    worst = max(v["with_lesson_mb"]["pss"] for v in servers.values() if v["with_lesson_mb"])
    figures = {"servers": servers, "per_40_learners_mb": round(40 * worst)}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hub-sizing.json").write_text(json.dumps(figures, indent=2))
    print("hub sizing:", json.dumps(figures))
