"""Teachers author messages in a spreadsheet: export the messages to XLSX, import rows back as YAML.

A teacher who saw a new scam this week adds a row in LibreOffice or Excel instead of editing YAML.
Import checks every row with the same schema (MessageDef), catalogues (flags, forms, competences)
and red-flag rules (`content check`) as the shipped content, and either writes every row or nothing:
each refusal names the sheet, the row and the column in Vietnamese.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from pydantic import ValidationError

from ._common import load_competences, load_fraud_forms
from ._content import content_root, read_yaml
from ._errors import ContentError
from .contentcheck import check_message, load_rules
from .inbox import MessageDef, load_flags, message_paths

SHEET = "Tin nhắn"
TEMPLATE = "Mẫu trống"
HELP = "Hướng dẫn"
COLUMNS: list[tuple[str, str, str]] = [
    # (key, header a teacher reads, what to write)
    ("id", "Mã tin", "chữ thường không dấu, số, gạch ngang; cũng là tên tệp, ví dụ sms-phat-nguoi-moi"),
    ("channel", "Kênh", "sms, zalo, email hoặc call (cuộc gọi)"),
    ("sender_vi", "Người gửi (vi)", "tên hiện trên điện thoại"),
    ("sender_en", "Người gửi (en)", "the same in English"),
    ("address", "Số / địa chỉ gửi", "số điện thoại, tên thương hiệu (brandname) hoặc địa chỉ e-mail"),
    ("time", "Giờ", "HH:MM, ví dụ 08:15"),
    ("subject_vi", "Tiêu đề (vi)", "chỉ cho e-mail"),
    ("subject_en", "Tiêu đề (en)", "e-mail only"),
    ("body_vi", "Nội dung (vi)", "viết [[1]] ở chỗ có đường link thứ nhất; để trống cho cuộc gọi"),
    ("body_en", "Nội dung (en)", "English text, with the same [[1]] marks"),
    ("transcript_vi", "Lời thoại (vi)", "cuộc gọi: mỗi dòng bắt đầu bằng “Người gọi:” hoặc “Bạn:”"),
    ("transcript_en", "Lời thoại (en)", "calls: the same lines in English, same order"),
    ("links_shown", "Link hiện ra", "mỗi link một dòng; tin SMS hiện đúng địa chỉ nó mở"),
    ("links_href", "Link thật", "mỗi link một dòng, đầy đủ https://…"),
    ("form", "Hình thức lừa đảo", "mã trong trang Hướng dẫn, ví dụ fake-police"),
    ("competences", "Năng lực số", "mã Thông tư 02/2025, cách nhau dấu phẩy, ví dụ 4.2, 1.2"),
    ("level", "Mức", "1 (dễ), 2 hoặc 3 (khó)"),
    ("verdict", "Đáp án", "lừa đảo (scam) hoặc an toàn (safe)"),
    ("red_flags", "Dấu hiệu", "mã dấu hiệu, cách nhau dấu phẩy; để trống nếu tin an toàn"),
    ("explanation_vi", "Giải thích (vi)", "vì sao tin này lừa đảo / an toàn"),
    ("explanation_en", "Giải thích (en)", "why, in English"),
    ("action_vi", "Nên làm gì (vi)", "việc nên làm"),
    ("action_en", "Nên làm gì (en)", "what to do, in English"),
]
_KEYS = [c[0] for c in COLUMNS]
_HEADERS = {c[0]: f"{c[1]} ({c[0]})" for c in COLUMNS}
_WHO = {"người gọi": "caller", "caller": "caller", "bạn": "you", "you": "you"}
_VERDICT = {"lừa đảo": "scam", "lua dao": "scam", "scam": "scam", "an toàn": "safe", "an toan": "safe", "safe": "safe"}
_MSG_TO_COLUMN = {"sender.name.vi": "sender_vi", "sender.name.en": "sender_en", "sender.address": "address",
                  "key.verdict": "verdict", "key.red_flags": "red_flags", "key.explanation.vi": "explanation_vi",
                  "key.explanation.en": "explanation_en", "key.action.vi": "action_vi", "key.action.en": "action_en",
                  "subject.vi": "subject_vi", "subject.en": "subject_en", "body.vi": "body_vi", "body.en": "body_en",
                  "body": "body_vi", "subject": "subject_vi", "transcript": "transcript_vi", "links": "links_href",
                  "key": "red_flags", "": "body_vi"}


class ImportRefused(ContentError):
    """The spreadsheet has rows that do not pass; nothing was written. `problems` lists each one (the CLI
    prints them, one a line, before the error's own line)."""

    def __init__(self, problems: list[str], *, path: Path) -> None:
        self.problems = problems
        super().__init__(f"Không nhập gì: {len(problems)} lỗi / nothing imported", path=path.name)


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    written: tuple[Path, ...]
    """The message files written (new or changed)."""
    unchanged: tuple[str, ...]
    """Ids of the rows whose file already said the same."""


# --------------------------------------------------------------------------------------------
# Export


def _row(data: dict[str, Any]) -> dict[str, str]:
    """One message file's data as spreadsheet cells."""
    key = data["key"]
    transcript = data.get("transcript") or []
    who = {"caller": "Người gọi", "you": "Bạn"}
    return {
        "id": data["id"], "channel": data["channel"], "sender_vi": data["sender"]["name"]["vi"],
        "sender_en": data["sender"]["name"]["en"], "address": data["sender"]["address"], "time": data["time"],
        "subject_vi": (data.get("subject") or {}).get("vi", ""),
        "subject_en": (data.get("subject") or {}).get("en", ""),
        "body_vi": (data.get("body") or {}).get("vi", ""), "body_en": (data.get("body") or {}).get("en", ""),
        "transcript_vi": "\n".join(f"{who[t['who']]}: {t['vi']}" for t in transcript),
        "transcript_en": "\n".join(f"{who[t['who']]}: {t['en']}" for t in transcript),
        "links_shown": "\n".join(link["shown"] for link in data.get("links") or []),
        "links_href": "\n".join(link["href"] for link in data.get("links") or []),
        "form": data["form"], "competences": ", ".join(data["competences"]), "level": str(data.get("level", 1)),
        "verdict": {"scam": "lừa đảo", "safe": "an toàn"}[key["verdict"]],
        "red_flags": ", ".join(key.get("red_flags") or []),
        "explanation_vi": key["explanation"]["vi"], "explanation_en": key["explanation"]["en"],
        "action_vi": key["action"]["vi"], "action_en": key["action"]["en"],
    }


def export_messages(*, out: Path, root: Path | None = None) -> int:
    """Write every message (sheet “Tin nhắn”), a blank template and a help sheet to `out`; return the count."""
    root = root or content_root()
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    template = book.create_sheet(TEMPLATE)
    for ws in (sheet, template):
        ws.append([_HEADERS[k] for k in _KEYS])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
        for i, _ in enumerate(_KEYS, 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = 28
    paths = message_paths(root)
    for path in paths:
        row = _row(read_yaml(path))
        sheet.append([row[k] for k in _KEYS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide = book.create_sheet(HELP)
    guide.append(["Cột", "Cách điền"])
    for key, _header, what in COLUMNS:
        guide.append([_HEADERS[key], what])
    guide.append([])
    guide.append(["Dấu hiệu (red_flags)", "Ý nghĩa"])
    for flag in load_flags(root):
        guide.append([flag.id, flag.label.vi])
    guide.append([])
    guide.append(["Hình thức (form)", "Tên"])
    for form in load_fraud_forms(root).values():
        guide.append([form.id, form.vi])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 90
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return len(paths)


# --------------------------------------------------------------------------------------------
# Import


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _transcript(vi: str, en: str) -> list[dict[str, str]]:
    out = []
    vi_lines, en_lines = _lines(vi), _lines(en)
    if len(vi_lines) != len(en_lines):
        raise ValueError(f"lời thoại vi có {len(vi_lines)} dòng nhưng en có {len(en_lines)} dòng")
    for n, (a, b) in enumerate(zip(vi_lines, en_lines, strict=True), 1):
        who, _, text_vi = a.partition(":")
        _, _, text_en = b.partition(":")
        if who.strip().lower() not in _WHO:
            raise ValueError(f"dòng thoại {n} phải bắt đầu bằng “Người gọi:” hoặc “Bạn:”")
        out.append({"who": _WHO[who.strip().lower()], "vi": text_vi.strip(), "en": text_en.strip()})
    return out


def row_to_data(cells: dict[str, str]) -> dict[str, Any]:
    """Spreadsheet cells → the dict a message YAML file holds. Raises ValueError (column, reason)."""
    verdict = _VERDICT.get(cells["verdict"].lower())
    if verdict is None:
        raise _CellError("verdict", "ghi “lừa đảo” hoặc “an toàn”")
    shown, href = _lines(cells["links_shown"]), _lines(cells["links_href"])
    if len(shown) != len(href):
        raise _CellError("links_shown", f"{len(shown)} link hiện ra nhưng {len(href)} link thật")
    try:
        transcript = _transcript(cells["transcript_vi"], cells["transcript_en"])
    except ValueError as exc:
        raise _CellError("transcript_vi", str(exc)) from None
    level = cells["level"] or "1"
    if not level.isdigit():
        raise _CellError("level", "ghi 1, 2 hoặc 3")
    data: dict[str, Any] = {
        "id": cells["id"], "channel": cells["channel"].lower(),
        "sender": {"name": {"vi": cells["sender_vi"], "en": cells["sender_en"]}, "address": cells["address"]},
        "time": cells["time"],
    }
    if cells["subject_vi"] or cells["subject_en"]:
        data["subject"] = {"vi": cells["subject_vi"], "en": cells["subject_en"]}
    if cells["body_vi"] or cells["body_en"]:
        data["body"] = {"vi": cells["body_vi"], "en": cells["body_en"]}
    if transcript:
        data["transcript"] = transcript
    if shown:
        data["links"] = [{"shown": s, "href": h} for s, h in zip(shown, href, strict=False)]
    data.update({
        "form": cells["form"], "competences": [c.strip() for c in cells["competences"].split(",") if c.strip()],
        "level": int(level),
        "key": {"verdict": verdict, "red_flags": [f.strip() for f in cells["red_flags"].split(",") if f.strip()],
                "explanation": {"vi": cells["explanation_vi"], "en": cells["explanation_en"]},
                "action": {"vi": cells["action_vi"], "en": cells["action_en"]}},
    })
    return data


class _CellError(ValueError):
    def __init__(self, column: str, reason: str) -> None:
        self.column, self.reason = column, reason
        super().__init__(reason)


_PYDANTIC_VI = {"missing": "thiếu giá trị", "string_too_short": "không được để trống",
                "literal_error": "giá trị không hợp lệ", "string_pattern_mismatch": "sai định dạng",
                "int_parsing": "phải là số", "value_error": "không hợp lệ", "list_type": "phải là danh sách",
                "greater_than_equal": "quá nhỏ", "less_than_equal": "quá lớn", "too_short": "không được để trống"}


def _column_of(loc: str) -> str:
    for prefix, column in sorted(_MSG_TO_COLUMN.items(), key=lambda kv: -len(kv[0])):
        if loc == prefix or (prefix and loc.startswith(prefix + ".")):
            return column
    head = loc.split(".", maxsplit=1)[0]
    return head if head in _KEYS else "id"


def _where(sheet: str, row: int, column: str) -> str:
    return f"trang “{sheet}”, dòng {row}, cột “{_HEADERS.get(column, column)}”"


def _check_row(data: dict[str, Any], root: Path, rules: Any) -> list[tuple[str, str]]:
    """(column, reason) for every problem of one row; empty when the row can be written."""
    try:
        msg = MessageDef.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            reason = _PYDANTIC_VI.get(err["type"], "không hợp lệ")
            detail = err["msg"].removeprefix("Value error, ")
            out.append((_column_of(loc), f"{reason} ({detail})"))
        return out
    out = []
    flags = {f.id for f in load_flags(root)}
    for flag in msg.key.red_flags:
        if flag not in flags:
            out.append(("red_flags", f"không có dấu hiệu “{flag}”; xem trang {HELP}"))
    if msg.form not in load_fraud_forms(root):
        out.append(("form", f"không có hình thức “{msg.form}”; xem trang {HELP}"))
    for code in msg.competences:
        if code not in load_competences(root):
            out.append(("competences", f"“{code}” không phải mã năng lực của Thông tư 02/2025 (ví dụ 4.2)"))
    if out:
        return out
    for finding in check_message(msg, path="", rules=rules, catalogue=load_flags(root)):
        column = "links_shown" if "SMS" in finding.problem else "red_flags"
        out.append((column, finding.problem))
    return out


def _same(old: Any, new: dict[str, Any]) -> bool:
    try:
        return MessageDef.model_validate(old).model_dump() == MessageDef.model_validate(new).model_dump()
    except ValidationError:
        return False


def import_messages(*, xlsx: Path, root: Path | None = None) -> ImportResult:
    """Check every row of every sheet that has the “Mã tin (id)” column; write all rows as YAML or none.

    Raises ImportRefused listing each problem as “trang …, dòng …, cột …: …”.
    """
    root = root or content_root()
    rules = load_rules(root / "rules" / "red-flags.yaml")
    try:
        book = load_workbook(xlsx, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not XLSX
        raise ImportRefused([f"không đọc được tệp {xlsx.name}: cần một tệp .xlsx ({type(exc).__name__})"],
                            path=xlsx) from exc
    problems: list[str] = []
    rows: list[tuple[str, int, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for ws in book.worksheets:
        lines = ws.iter_rows(values_only=True)
        header = next(lines, None)
        if not header:
            continue
        names = [re.search(r"\(([a-z_]+)\)\s*$", _cell(h)) for h in header]
        index = {m.group(1): i for i, m in enumerate(names) if m and m.group(1) in _KEYS}
        if "id" not in index:
            continue
        missing = [k for k in _KEYS if k not in index]
        if missing:
            problems.append(f"trang “{ws.title}”: thiếu cột {', '.join(_HEADERS[k] for k in missing)}")
            continue
        for number, values in enumerate(lines, 2):
            cells = {k: _cell(values[i]) if i < len(values) else "" for k, i in index.items()}
            if not any(cells.values()):
                continue
            try:
                data = row_to_data(cells)
            except _CellError as exc:
                problems.append(f"{_where(ws.title, number, exc.column)}: {exc.reason}")
                continue
            row_problems = _check_row(data, root, rules)
            problems += [f"{_where(ws.title, number, col)}: {reason}" for col, reason in row_problems]
            if data["id"] in seen:
                problems.append(f"{_where(ws.title, number, 'id')}: mã tin “{data['id']}” đã có ở {seen[data['id']]}")
            seen[data["id"]] = f"trang “{ws.title}” dòng {number}"
            rows.append((ws.title, number, data))
    book.close()
    if problems:
        raise ImportRefused(problems, path=xlsx)
    written, unchanged = [], []
    folder = root / "messages"
    for _, _, data in rows:
        path = folder / f"{data['id']}.yaml"
        if path.is_file() and _same(read_yaml(path), data):
            unchanged.append(data["id"])
            continue
        text = "# Nhập từ bảng tính (hocvuso content import).\n" + yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, width=120)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return ImportResult(tuple(written), tuple(unchanged))
