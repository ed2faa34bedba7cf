"""The upload page in `hocvuso serve`, in a real Chromium at 360×740: upload, receipt, versions.

In a classroom the upload is the signed-in learner's: no name is typed, and a forged one is ignored."""
from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest
import requests
from playwright.sync_api import expect

from hocvuso.core import Roster
from hocvuso.grader.judge import versions_of

from graderkit import ASSIGNMENT, NOTEBOOK, make_course, release_notebook, set_solution

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(tmp_path_factory, classroom_factory):
    """`hocvuso serve --course COURSE` (the upload page on), no kernel pool: only the upload page is used."""
    root = tmp_path_factory.mktemp("upload")
    course = make_course(root / "course")
    server = classroom_factory(workdir=root, extra=("--no-preheat", "--course", str(course)))
    return server.base, course, root, server


def student_notebook(course: Path, folder: Path, body: str) -> Path:
    nb = release_notebook(course)
    set_solution(nb, "cau-1", "def tong(a, b):\n    " + body)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NOTEBOOK
    nbformat.write(nb, path)
    return path


def test_upload_on_a_phone_gives_a_receipt_and_keeps_every_version(served, page, artifacts, tmp_path):
    base, course, _root, server = served
    page.set_viewport_size({"width": 360, "height": 740})
    page.context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    first = student_notebook(course, tmp_path / "v1", "return a - b")
    second = student_notebook(course, tmp_path / "v2", "return a + b")

    # Not signed in: the page sends the phone to sign in first; a post is refused and writes nothing.
    page.goto(f"{base}/hv/nop-bai", wait_until="domcontentloaded")
    expect(page.locator(".hv-error")).to_contain_text("Hãy đăng nhập ở trang bài học trước")
    assert page.locator("#hv-files").count() == 0
    anonymous = requests.Session()
    form = anonymous.get(f"{base}/", timeout=30).text  # the catalogue's form sets the shared CSRF cookie
    csrf = form.split('name="_xsrf" value="')[1].split('"')[0]
    refused = anonymous.post(f"{base}/hv/nop-bai", timeout=30, files=[("files", (NOTEBOOK, first.read_bytes()))],
                             data={"_xsrf": csrf, "name": "Trần Thị Bé", "assignment": ASSIGNMENT})
    assert refused.status_code == 403 and not (course / "submitted").exists()

    page.goto(f"{base}/?lop={server.class_code}", wait_until="domcontentloaded")
    page.locator("#hv-name").fill("Trần Thị Bé")
    page.locator(".hv-signin-btn").click()
    expect(page.locator(".hv-hello")).to_contain_text("Trần Thị Bé")
    me = next(m for m in Roster(server.db_url).members(server.class_code) if m.name == "Trần Thị Bé")

    page.goto(f"{base}/hv/nop-bai", wait_until="domcontentloaded")
    expect(page.locator("h1")).to_have_text("Nộp bài")
    expect(page.locator(".hv-who")).to_have_text("Nộp bài với tên Trần Thị Bé")
    assert page.locator("#hv-name").count() == 0 and page.locator("#hv-contest").count() == 0
    page.locator("#hv-assignment").select_option(ASSIGNMENT)
    page.locator("#hv-files").set_input_files(str(first))
    page.locator(".hv-send").click()
    receipt = page.locator(".hv-receipt")
    expect(receipt).to_be_visible()
    sha1 = hashlib.sha256(first.read_bytes()).hexdigest()
    expect(page.locator(".hv-r-sha")).to_have_text(sha1)
    expect(page.locator(".hv-r-student")).to_have_text("Trần Thị Bé")
    expect(page.locator(".hv-r-version")).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page fits a 360 px phone"
    page.screenshot(path=str(artifacts / "upload-receipt-360.png"), full_page=True)

    with page.expect_download() as download:
        page.locator(".hv-download").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Biên nhận nộp bài" in text and sha1 in text and me.learner_id in text

    folder = course / "submitted" / me.learner_id / ASSIGNMENT
    assert (folder / NOTEBOOK).read_bytes() == first.read_bytes()
    assert (folder / "timestamp.txt").read_text().strip().endswith("UTC")

    # Hand in again: a second version, the first one untouched.
    page.locator("#hv-files").set_input_files(str(second))
    page.locator(".hv-send").click()
    sha2 = hashlib.sha256(second.read_bytes()).hexdigest()
    expect(page.locator(".hv-r-sha")).to_have_text(sha2)
    expect(page.locator(".hv-r-version")).to_have_text("2")
    assert sha1 != sha2
    versions = versions_of(folder)
    assert [v.number for v in versions] == [1, 2]
    assert (versions[0].folder / NOTEBOOK).read_bytes() == first.read_bytes()
    assert (versions[1].folder / NOTEBOOK).read_bytes() == second.read_bytes()
    assert (folder / NOTEBOOK).read_bytes() == second.read_bytes()

    # A forged name or contest id in the form (even a classmate's, in decomposed Unicode) is ignored:
    # the upload is this learner's third version, and nobody else's folder appears.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")
    forged = page.request.post(f"{base}/hv/nop-bai", multipart={
        "_xsrf": csrf, "name": "Bi\u0300nh", "contest_id": "TS-0042", "assignment": ASSIGNMENT,
        "files": {"name": NOTEBOOK, "mimeType": "application/json", "buffer": first.read_bytes()}})
    assert forged.status == 200
    assert sorted(p.name for p in (course / "submitted").iterdir() if p.is_dir()) == [me.learner_id]
    assert len(versions_of(folder)) == 3
