"""Spreadsheet authoring: `hocvuso content export` / `content import` with real XLSX files (openpyxl).

A teacher adds a row to the blank template; import checks it with the schema, the catalogues and the
red-flag rules, writes YAML the loader reads, or refuses (writing nothing) naming sheet, row and column.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from hocvuso.cli import main
from hocvuso.core._content import content_root
from hocvuso.core.contentcheck import check_content
from hocvuso.core.contentxlsx import COLUMNS, SHEET, TEMPLATE, ImportRefused, export_messages, import_messages
from hocvuso.core.inbox import load_message

from test_content_check import empty_content

SAMPLE = ["sms-phat-nguoi-dvc", "call-khoa-sim-21", "sms-tien-dien-that"]

GOOD = {
    "id": "sms-phat-nguoi-dia-phuong", "channel": "sms", "sender_vi": "Số lạ", "sender_en": "Unknown number",
    "address": "0355 555 777", "time": "07:30",
    "body_vi": "Thông báo: xe của bạn vi phạm tốc độ. Nộp phạt trong 24 giờ tại [[1]] để tránh bị tước bằng lái.",
    "body_en": "Notice: your vehicle broke the speed limit. Pay within 24 hours at [[1]] to avoid losing your licence.",
    "links_shown": "csgt.gov.vn-nopphat.top/tra-cuu", "links_href": "https://csgt.gov.vn-nopphat.top/tra-cuu",
    "form": "fake-dvc-portal", "competences": "4.2, 1.2", "level": 1, "verdict": "lừa đảo",
    "red_flags": "lookalike-link, unknown-sender, urgency, threat",
    "explanation_vi": "Số di động lạ, dọa tước bằng lái trong 24 giờ, tên miền thật là vn-nopphat.top.",
    "explanation_en": "An unknown mobile, a 24-hour licence threat, and the real domain is vn-nopphat.top.",
    "action_vi": "Không bấm link. Tra cứu phạt nguội trên VNeID.", "action_en": "Do not tap. Look fines up in VNeID.",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = empty_content(tmp_path / "content")
    for mid in SAMPLE:
        shutil.copy(content_root() / "messages" / f"{mid}.yaml", root / "messages")
    return root


def add_template_rows(path: Path, *rows: dict) -> None:
    from openpyxl import load_workbook as open_book

    book = open_book(path)
    ws = book[TEMPLATE]
    for row in rows:
        ws.append([row.get(key, "") for key, _, _ in COLUMNS])
    book.save(path)


def written_ids(root: Path) -> set[str]:
    return {p.stem for p in (root / "messages").glob("*.yaml")}


def test_export_writes_every_message_and_a_blank_template(folder, tmp_path):
    out = tmp_path / "tin.xlsx"
    assert export_messages(out=out, root=folder) == len(SAMPLE)
    book = load_workbook(out, read_only=True)
    rows = list(book[SHEET].iter_rows(values_only=True))
    assert rows[0][0] == "Mã tin (id)" and sorted(r[0] for r in rows[1:]) == sorted(SAMPLE)
    call = next(r for r in rows[1:] if r[0] == "call-khoa-sim-21")
    assert call[10].startswith("Người gọi:")                   # transcript lines keep who speaks
    assert len(list(book[TEMPLATE].iter_rows(values_only=True))) == 1   # header only
    # Unedited, the export imports as "nothing changed".
    result = import_messages(xlsx=out, root=folder)
    assert result.written == () and sorted(result.unchanged) == sorted(SAMPLE)


def test_a_good_row_is_written_and_loads(folder, tmp_path):
    out = tmp_path / "tin.xlsx"
    export_messages(out=out, root=folder)
    add_template_rows(out, GOOD)
    result = import_messages(xlsx=out, root=folder)
    [path] = result.written
    assert path == folder / "messages" / "sms-phat-nguoi-dia-phuong.yaml"
    msg, key = load_message(path, root=folder)
    assert msg.links[0].href == GOOD["links_href"] and key.verdict == "scam"
    assert set(key.red_flags) == {"lookalike-link", "unknown-sender", "urgency", "threat"}
    assert check_content(root=folder) == []


@pytest.mark.parametrize(("change", "column", "words"), [
    ({"channel": "fax"}, "Kênh (channel)", "giá trị không hợp lệ"),
    ({"red_flags": "lookalike-link, unknown-sender, threat"}, "Dấu hiệu (red_flags)", "'urgency'"),
    ({"red_flags": "lookalike-link, unknown-sender, urgency, threat, bay-mau"}, "Dấu hiệu (red_flags)", "bay-mau"),
    ({"links_shown": "csgt.gov.vn/tra-cuu"}, "Link hiện ra (links_shown)", "SMS"),
    ({"verdict": "có thể"}, "Đáp án (verdict)", "lừa đảo"),
    ({"time": "7h30"}, "Giờ (time)", "sai định dạng"),
])
def test_a_bad_row_is_refused_with_its_row_and_nothing_is_written(folder, tmp_path, change, column, words):
    out = tmp_path / "tin.xlsx"
    export_messages(out=out, root=folder)
    good_too = {**GOOD, "id": "sms-dong-tot"}
    add_template_rows(out, good_too, {**GOOD, **change})
    with pytest.raises(ImportRefused) as refused:
        import_messages(xlsx=out, root=folder)
    [problem] = refused.value.problems
    assert problem.startswith(f"trang “{TEMPLATE}”, dòng 3, cột “{column}”"), problem
    assert words in problem
    assert written_ids(folder) == set(SAMPLE)          # the good row 2 was not written either


def test_cli_import_refuses_in_vietnamese_and_accepts_a_fixed_file(folder, tmp_path):
    out = tmp_path / "tin.xlsx"
    runner = CliRunner()
    export_messages(out=out, root=folder)
    add_template_rows(out, {**GOOD, "red_flags": ""})
    result = runner.invoke(main, ["content", "import", str(out), "--dir", str(folder)])
    assert result.exit_code == 1
    assert "dòng 2, cột “Dấu hiệu (red_flags)”" in result.output and "Không nhập gì" in result.output
    fixed = tmp_path / "sua.xlsx"
    export_messages(out=fixed, root=folder)
    add_template_rows(fixed, GOOD)
    result = runner.invoke(main, ["content", "import", str(fixed), "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "sms-phat-nguoi-dia-phuong.yaml" in result.output


def test_a_file_that_is_not_a_spreadsheet_is_refused(folder, tmp_path):
    bad = tmp_path / "tin.xlsx"
    bad.write_text("id,channel\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_messages(xlsx=bad, root=folder)
    assert "không đọc được tệp tin.xlsx" in refused.value.problems[0]


def test_cli_export_writes_the_file(tmp_path):
    out = tmp_path / "all.xlsx"
    result = CliRunner().invoke(main, ["content", "export", "--out", str(out)])
    assert result.exit_code == 0 and out.is_file()
