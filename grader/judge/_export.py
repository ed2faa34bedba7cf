"""Exports judges need: results.csv / results.xlsx, per-student feedback, a leaderboard, competences.

results.csv is UTF-8 with a BOM (so Excel shows Vietnamese names) and starts with the contract's
columns: student_id, assignment, score, max_score, status, reason. Every string that came from a
submission is HTML-escaped in the pages. Hidden test cases appear only as passed/failed.

Student text is hostile: every string is passed through `visible` (control, invisible and direction
characters shown as escapes, so no character can stop a writer or reorder what a judge reads), and a
spreadsheet cell that starts like a formula (`=`, `+`, `-`, `@`) is defused: prefixed with `'` in CSV,
a plain text cell (quote-prefixed, never a formula) in XLSX. Numbers stay numbers. Every export is
written even when one of them fails; the failure is then reported after the others are on disk.
"""
from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook

from hocvuso.core import escape, load_competences

from .._errors import GraderError
from ._record import GradeRecord, visible
from ._spec import AssignmentSpec

COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "reason", "sha256", "isolation", "seconds",
           "graded_at", "late", "submitted_at", "version"]
STATUS_VI = {"ok": "đã chấm", "error": "lỗi", "timeout": "quá thời gian", "tampered": "can thiệp trái phép",
             "invalid": "không hợp lệ", "missing": "không nộp"}
_CSS = """body{font-family:system-ui,'Noto Sans',sans-serif;max-width:960px;margin:1rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;
padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f0f4f8}.ok{color:#0a6b2d}
.bad{color:#b00020}.muted{color:#666}caption{text-align:left;font-weight:bold;margin:.5rem 0}"""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP CSV injection)."""


def write_all(out: Path, spec: AssignmentSpec, records: list[GradeRecord]) -> None:
    """Write every export for `records` into `out`; one failing export never keeps the others from being written."""
    summary = competence_summary(records)
    feedback = out / "feedback"

    def pages() -> None:
        feedback.mkdir(exist_ok=True)
        for rec in records:
            (feedback / feedback_name(rec.student_id)).write_text(feedback_html(spec, rec), encoding="utf-8")

    writers = {"results.csv": lambda: write_csv(out / "results.csv", records),
               "results.xlsx": lambda: write_xlsx(out / "results.xlsx", records, summary),
               "competences.csv": lambda: write_competences_csv(out / "competences.csv", summary),
               "feedback/": pages,
               "leaderboard.html": lambda: _write_text(out / "leaderboard.html", leaderboard_html(spec, records))}
    failed = []
    for name, write in writers.items():
        try:
            write()
        except Exception as exc:  # noqa: BLE001 - the other exports must still be written
            failed.append(f"{name} ({type(exc).__name__}: {visible(exc)[:200]})")
    if failed:
        raise GraderError(f"could not write {', '.join(failed)} in {out}; the other results were written")


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def spreadsheet_text(value: object) -> object:
    """A value safe in a spreadsheet: strings visible and, when they start like a formula, quoted with '."""
    if not isinstance(value, str):
        return value
    value = visible(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _row(rec: GradeRecord) -> list:
    return [rec.student_id, rec.assignment, rec.score, rec.max_score, rec.status, rec.reason, rec.sha256,
            rec.isolation, rec.seconds, rec.graded_at, "late" if rec.late else "", rec.submitted_at, rec.version or ""]


def write_csv(path: Path, records: list[GradeRecord]) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for rec in records:
            writer.writerow([spreadsheet_text(v) for v in _row(rec)])
    tmp.replace(path)


def competence_summary(records: list[GradeRecord]) -> list[dict]:
    """Per Circular 02/2025 code: how many students were assessed on it and their mean share of the points."""
    names = load_competences()
    earned: dict[str, list[float]] = defaultdict(list)
    for rec in records:
        if rec.status in ("invalid", "missing", "tampered"):
            continue
        per_code: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for item in rec.items:
            for code in item.get("competences", ()):
                per_code[code][0] += item["points"]
                per_code[code][1] += item["max_points"]
        for code, (got, most) in per_code.items():
            if most:
                earned[code].append(got / most)
    rows = []
    for code in sorted(earned):
        values = earned[code]
        name = names.get(code)
        rows.append({"code": code, "vi": name.vi if name else "", "en": name.en if name else "",
                     "students": len(values), "mean_percent": round(100 * sum(values) / len(values), 1)})
    return rows


def write_competences_csv(path: Path, rows: list[dict]) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["code", "vi", "en", "students", "mean_percent"])
        writer.writeheader()
        writer.writerows({k: spreadsheet_text(v) for k, v in row.items()} for row in rows)
    tmp.replace(path)


def write_xlsx(path: Path, records: list[GradeRecord], competences: list[dict]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "results"
    sheet.append(COLUMNS)
    for rec in records:
        _append_text_safe(sheet, _row(rec))
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (28, 18, 8, 10, 10, 80), strict=True):
        sheet.column_dimensions[column].width = width
    comp = book.create_sheet("competences")
    comp.append(["code", "vi", "en", "students", "mean_percent"])
    for row in competences:
        _append_text_safe(comp, [row["code"], row["vi"], row["en"], row["students"], row["mean_percent"]])
    tmp = path.with_suffix(".xlsx.tmp")
    book.save(tmp)
    tmp.replace(path)


def _append_text_safe(sheet, values: list) -> None:
    """Append a row whose strings are visible and never formulas: a formula-like string is a quote-prefixed
    text cell (Excel shows it as typed, without the quote, and does not evaluate it even after an edit)."""
    sheet.append([visible(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


def feedback_name(student_id: str) -> str:
    """A file name for a student's feedback page: readable, safe, and unique even for look-alike ids."""
    safe = re.sub(r"[^\w.-]+", "_", student_id, flags=re.UNICODE).strip("._")[:60] or "hoc-sinh"
    return f"{safe}-{hashlib.sha256(student_id.encode('utf-8', 'backslashreplace')).hexdigest()[:8]}.html"


def _html(value: object) -> str:
    """Text for a page: visible (no hidden or direction characters) and HTML-escaped."""
    return escape(visible(value))


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_html(title)}</title>'
            f"<style>{_CSS}</style></head><body>{body}</body></html>")


def feedback_html(spec: AssignmentSpec, rec: GradeRecord) -> str:
    """One student's feedback page, Vietnamese first with English beside it."""
    status_class = "ok" if rec.status == "ok" else "bad"
    parts = [f"<h1>{_html(spec.name)} — {_html(rec.student_id)}</h1>",
             f"<p><strong>Điểm / Score:</strong> {rec.score:g} / {rec.max_score:g} · "
             f'<strong>Trạng thái / Status:</strong> <span class="{status_class}">'
             f"{_html(STATUS_VI.get(rec.status, rec.status))} / {_html(rec.status)}</span></p>"]
    if rec.late:
        parts.append(f'<p class="bad"><strong>Nộp muộn / Late:</strong> {_html(rec.submitted_at)}</p>')
    if rec.reason:
        parts.append(f"<p><strong>Ghi chú / Note:</strong> {_html(rec.reason)}</p>")
    for item in rec.items:
        parts.append(f"<h2>{_html(item['grade_id'])}: {item['points']:g} / {item['max_points']:g}</h2>")
        if item.get("note"):
            parts.append(f'<p class="muted">{_html(item["note"])}</p>')
        lines = item.get("lines") or []
        if item["kind"] == "probe" and lines:
            rows = []
            for line in lines:
                mark = "✓" if line["passed"] else "✗"
                if line.get("hidden"):
                    what = "Trường hợp ẩn / hidden case"
                    detail = ""
                else:
                    what = _html(line.get("call", ""))
                    detail = (f"cần / expected <code>{_html(line.get('expected', ''))}</code>, "
                              f"được / got <code>{_html(line.get('got', ''))}</code>")
                rows.append(f"<tr><td>{line['case']}</td><td>{mark}</td><td>{what}</td><td>{detail}</td></tr>")
            parts.append("<table><tr><th>#</th><th></th><th>Lời gọi / Call</th><th>Kết quả / Result</th></tr>"
                         + "".join(rows) + "</table>")
        elif item["kind"] == "model" and lines:
            line = lines[0]
            f1 = "—" if line.get("f1") is None else f"{line['f1']:.3f}"
            parts.append(f"<p>F1 trên {line.get('n', 0)} tin nhắn ẩn / on {line.get('n', 0)} hidden messages: "
                         f"<strong>{_html(f1)}</strong> (0 điểm / points ≤ {line.get('baseline')}, "
                         f"tối đa / full ≥ {line.get('target')})</p>")
        elif item["kind"] in ("widget", "variant") and lines:
            items = "".join(f"<tr><td>{_html(line['item'])}</td><td>{_html(line['outcome'])}</td>"
                            f"<td>{line['points']:g} / {line['max_points']:g}</td></tr>" for line in lines)
            parts.append("<table><tr><th>Mục / Item</th><th>Kết quả / Outcome</th><th>Điểm / Points</th></tr>"
                         + items + "</table>")
    return _page(f"{spec.name} — {rec.student_id}", "".join(parts))


def leaderboard_html(spec: AssignmentSpec, records: list[GradeRecord]) -> str:
    """Ranking by score (ties share a rank), with every status shown so nobody silently disappears."""
    ordered = sorted(records, key=lambda r: (-r.score, r.student_id))
    rows, rank, previous = [], 0, None
    for position, rec in enumerate(ordered, start=1):
        if rec.score != previous:
            rank, previous = position, rec.score
        rows.append(f"<tr><td>{rank}</td><td>{_html(rec.student_id)}</td><td>{rec.score:g} / {rec.max_score:g}</td>"
                    f"<td>{_html(STATUS_VI.get(rec.status, rec.status))} / {_html(rec.status)}</td>"
                    f'<td><a href="feedback/{_html(feedback_name(rec.student_id))}">xem / view</a></td></tr>')
    table = ("<table><caption>Bảng xếp hạng / Leaderboard</caption><tr><th>Hạng / Rank</th><th>Học sinh / Student</th>"
             "<th>Điểm / Score</th><th>Trạng thái / Status</th><th>Phản hồi / Feedback</th></tr>"
             + "".join(rows) + "</table>")
    return _page(f"{spec.name} — leaderboard", f"<h1>{_html(spec.name)}</h1>{table}")
