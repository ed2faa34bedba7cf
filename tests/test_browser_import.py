"""A teacher's spreadsheet row becomes a message a learner opens in a served lesson (Chromium, 360×740).

`hocvuso content import` (the real CLI) first refuses a workbook with one bad row — naming its sheet, row
and column, writing nothing — then accepts the fixed one; the new message, listed in an inbox of that
content folder, is then served by a real Voilà and opened on the phone. The folder is a copy of the
bundled content: the shipped files are never touched. The served lesson gives its scenario directly,
which a widget accepts in contest mode only (no key in the page), so the row is seen as a learner sees it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from click.testing import CliRunner
from playwright.sync_api import Page, expect

from hocvuso.cli import main
from hocvuso.core._content import content_root
from hocvuso.core.contentcheck import check_content
from hocvuso.core.contentxlsx import TEMPLATE, export_messages

from test_content_xlsx import GOOD, add_template_rows

pytestmark = pytest.mark.browser

INBOX = "hop-thu-tu-nhap"
NEIGHBOUR = "sms-tien-dien-that"


def test_an_imported_row_is_refused_then_accepted_and_served(offline_phone: Page, voila_server, tmp_path: Path,
                                                            artifacts: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root, ignore=shutil.ignore_patterns("__pycache__"))
    runner = CliRunner()

    # A workbook whose row 3 omits a flag its own words show ("trong 24 giờ": urgency): refused, nothing written.
    bad = tmp_path / "tin-sai.xlsx"
    export_messages(out=bad, root=root)
    add_template_rows(bad, GOOD, {**GOOD, "id": "sms-dong-sai", "red_flags": "lookalike-link, unknown-sender, threat"})
    refused = runner.invoke(main, ["content", "import", str(bad), "--dir", str(root)])
    assert refused.exit_code == 1
    assert f"trang “{TEMPLATE}”, dòng 3, cột “Dấu hiệu (red_flags)”" in refused.output, refused.output
    assert "'urgency'" in refused.output and "Không nhập gì" in refused.output
    assert not (root / "messages" / f"{GOOD['id']}.yaml").exists()  # not even the good row 2

    # The fixed workbook: accepted, written as YAML the loaders read.
    fixed = tmp_path / "tin-sua.xlsx"
    export_messages(out=fixed, root=root)
    add_template_rows(fixed, GOOD)
    accepted = runner.invoke(main, ["content", "import", str(fixed), "--dir", str(root)])
    assert accepted.exit_code == 0, accepted.output
    assert (root / "messages" / f"{GOOD['id']}.yaml").is_file()

    # The teacher lists it in an inbox; the folder is still consistent.
    (root / "inboxes" / f"{INBOX}.yaml").write_text(yaml.safe_dump({
        "id": INBOX, "title": {"vi": "Tin tuần này ở xã", "en": "This week's messages in the commune"},
        "intro": {"vi": "Tin thầy cô vừa thêm.", "en": "Messages your teacher just added."},
        "messages": [NEIGHBOUR, GOOD["id"]]}, allow_unicode=True), encoding="utf-8")
    assert check_content(root=root) == []

    lesson = tmp_path / "lesson" / "tu-nhap.ipynb"
    lesson.parent.mkdir()
    code = ("from pathlib import Path\nfrom hocvuso.core.inbox import load_inbox\n"
            "from hocvuso.widgets import ScamInbox\n"
            f"scenario, _key = load_inbox({INBOX!r}, root=Path({str(root)!r}))\n"
            f"ScamInbox(scenario.id, task_id='tu-nhap', mode='contest', scenario=scenario)")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), lesson)
    server = voila_server(str(lesson))

    phone = offline_phone
    phone.goto(server.url, wait_until="domcontentloaded")
    item = phone.locator(f'.hv-inbox-item[data-id="{GOOD["id"]}"]')
    expect(item).to_be_visible(timeout=90_000)
    expect(item.locator(".hv-inbox-sender")).to_have_text(GOOD["sender_vi"])
    item.click()
    message = phone.locator(f'.hv-inbox-message[data-id="{GOOD["id"]}"]')
    expect(message.locator(".hv-inbox-text")).to_contain_text("vi phạm tốc độ")
    expect(message.locator(".hv-inbox-link")).to_have_text(GOOD["links_shown"])
    flags = message.locator(".hv-inbox-flag")
    assert 1 <= flags.count() <= 8
    offered = set(flags.evaluate_all("(bs) => bs.map((b) => b.value)"))
    assert {"lookalike-link", "unknown-sender", "urgency", "threat"} <= offered
    phone.screenshot(path=str(artifacts / "import-360x740-served.png"))
