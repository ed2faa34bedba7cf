"""The upload page in `hocvuso serve`, in a real Chromium at 360×740: upload, receipt, versions."""
from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from graderkit import ASSIGNMENT, NOTEBOOK, make_course, release_notebook, set_solution
from hocvuso.grader._handin import versions_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(tmp_path_factory, classroom_factory):
    """`hocvuso serve --course COURSE` (the upload page on), no kernel pool: only the upload page is used."""
    root = tmp_path_factory.mktemp("upload")
    course = make_course(root / "course")
    server = classroom_factory(workdir=root, extra=("--no-preheat", "--course", str(course)))
    return server.base, course, root


def student_notebook(course: Path, folder: Path, body: str) -> Path:
    nb = release_notebook(course)
    set_solution(nb, "cau-1", "def tong(a, b):\n    " + body)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NOTEBOOK
    nbformat.write(nb, path)
    return path


def test_upload_on_a_phone_gives_a_receipt_and_keeps_every_version(served, page, artifacts, tmp_path):
    base, course, _root = served
    page.set_viewport_size({"width": 360, "height": 740})
    page.context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    first = student_notebook(course, tmp_path / "v1", "return a - b")
    second = student_notebook(course, tmp_path / "v2", "return a + b")

    page.goto(f"{base}/hv/nop-bai?lop=LOP7A", wait_until="domcontentloaded")
    expect(page.locator("h1")).to_have_text("Nộp bài")
    expect(page.locator("#hv-class")).to_have_value("LOP7A")
    page.locator("#hv-name").fill("Trần Thị Bé")
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
    assert "Biên nhận nộp bài" in text and sha1 in text and "Trần Thị Bé" in text

    folder = course / "submitted" / "Trần Thị Bé" / ASSIGNMENT
    assert (folder / NOTEBOOK).read_bytes() == first.read_bytes()
    assert (folder / "timestamp.txt").read_text().strip().endswith("UTC")

    # Hand in again (the form is still there, name kept): a second version, the first one untouched.
    expect(page.locator("#hv-name")).to_have_value("Trần Thị Bé")
    expect(page.locator("#hv-class")).to_have_value("LOP7A")
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

    # A wrong class code is refused with a reason, and nothing is written.
    page.locator("#hv-class").fill("SAIMA")
    page.locator("#hv-files").set_input_files(str(second))
    page.locator(".hv-send").click()
    expect(page.locator(".hv-error")).to_contain_text("Không có lớp nào với mã này")
    assert len(versions_of(folder)) == 2
