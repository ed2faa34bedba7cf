"""What the teacher sees: the class's results, computed from the SQL store. Pure except `load_results`.

Every figure comes from re-scoring the stored submissions with `hocvuso.core.score` (the one
scoring truth), so the dashboard, the lesson feedback and a judge agree. Charts are inline SVG
strings built here (no plotting library, no CDN); every label that came from a learner or from
content is escaped on the way out.

A teacher reads lesson titles and human labels, never ids: a task is named by its lesson
(`task_titles`), a scored item by its kind's `label` ("Giấy chứng sinh", not "document:giay-chung-sinh").
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any, Iterable, Mapping

from hocvuso.core import (
    HocvusoError,
    Submission,
    SubmissionCorrupt,
    kind,
    kind_of,
    load_competences,
    load_exercise,
    load_flags,
    score,
)

from ._catalogue import task_titles

COLUMNS = ("class_code", "learner_id", "learner_name", "task_id", "lesson", "scenario_id", "points", "max_points",
           "percent", "answered", "items", "saves", "last_saved")
"""Export columns (CSV and XLSX), stable for spreadsheets that read them."""


@dataclass(frozen=True, kw_only=True)
class Result:
    """One learner's latest work on one task."""

    class_code: str
    learner_id: str
    learner_name: str
    task_id: str
    scenario_id: str
    kind: str
    points: float
    max_points: float
    answered: int
    """Items (messages, fields, …) the learner has answered."""
    items: int
    """Items in the scenario."""
    saves: int
    """How many times this task was saved (each action saves)."""
    last_saved: str
    lesson: str = ""
    """What the teacher calls the task: its lesson's title (`task_titles`), else the scenario's title."""
    item_scores: tuple[Any, ...] = field(default=(), repr=False)
    competences: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    """item id -> competence codes (inbox messages); empty key "" for scenario-wide codes."""

    @property
    def percent(self) -> float:
        return round(100.0 * self.points / self.max_points, 1) if self.max_points else 0.0

    def as_row(self) -> dict[str, Any]:
        return {"class_code": self.class_code, "learner_id": self.learner_id, "learner_name": self.learner_name,
                "task_id": self.task_id, "lesson": self.lesson or self.task_id, "scenario_id": self.scenario_id,
                "points": round(self.points, 2),
                "max_points": round(self.max_points, 2), "percent": self.percent, "answered": self.answered,
                "items": self.items, "saves": self.saves, "last_saved": self.last_saved}


_EXERCISES: dict[str, Any] = {}


def _exercise(scenario_id: str) -> tuple[Any, Any]:
    if scenario_id not in _EXERCISES:
        _EXERCISES[scenario_id] = load_exercise(scenario_id)
    return _EXERCISES[scenario_id]


def results_from_rows(rows: Iterable[Mapping[str, Any]], *, class_code: str, locale: str = "vi") -> list[Result]:
    """The latest submission per (learner, task) of `class_code`, re-scored, named in `locale`. Damaged rows are
    skipped."""
    titles = task_titles(locale)
    latest: dict[tuple[str, str], Mapping[str, Any]] = {}
    saves: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        if row["class_code"] != class_code or not row["learner_id"]:
            continue
        k = (row["learner_id"], row["task_id"])
        saves[k] += 1
        if k not in latest or row["id"] > latest[k]["id"]:
            latest[k] = row
    out: list[Result] = []
    for k, row in latest.items():
        try:
            sub = Submission.from_json(row["payload"], source=f"row {row['id']}")
            scenario, key = _exercise(sub.scenario_id)
            result = score(scenario, key, sub.answers)
        except (HocvusoError, SubmissionCorrupt, KeyError, ValueError):
            continue
        comp = dict(kind_of(scenario).item_competences(scenario))
        answered = sum(1 for i in result.items if i.outcome not in ("unanswered", "missing", "missing_optional"))
        out.append(Result(class_code=class_code, learner_id=row["learner_id"], learner_name=row["learner_name"],
                          task_id=sub.task_id, scenario_id=sub.scenario_id, kind=sub.kind, points=result.points,
                          max_points=result.max_points, answered=answered, items=len(result.items),
                          saves=saves[k], last_saved=row["saved_at"],
                          lesson=titles.get(sub.task_id) or scenario.title.get(locale), item_scores=result.items,
                          competences=comp))
    out.sort(key=lambda r: (r.learner_name.casefold(), r.learner_id, r.task_id))
    return out


def score_histogram(results: list[Result], bins: int = 10) -> list[int]:
    """How many results fall in each 10 % band of the maximum (last band includes 100 %)."""
    counts = [0] * bins
    for r in results:
        frac = r.points / r.max_points if r.max_points else 0.0
        counts[min(bins - 1, int(frac * bins))] += 1
    return counts


def flag_error_rates(results: list[Result], locale: str = "vi") -> list[tuple[str, float, int]]:
    """Per red flag (inbox): share of answered cases where it was missed or wrongly ticked; (label, rate, cases)."""
    errors: dict[str, int] = defaultdict(int)
    cases: dict[str, int] = defaultdict(int)
    for r in results:
        for item in r.item_scores:
            d = item.details or {}
            if item.outcome == "unanswered" or "flags_hit" not in d:
                continue
            for f in d.get("flags_hit", ()):
                cases[f] += 1
            for f in (*d.get("flags_missed", ()), *d.get("flags_wrong", ())):
                cases[f] += 1
                errors[f] += 1
    labels = {}
    try:
        labels = {f.id: f.label.get(locale) for f in load_flags()}
    except (HocvusoError, AttributeError):
        pass
    rows = [(labels.get(f, f), errors[f] / n, n) for f, n in cases.items() if n]
    return sorted(rows, key=lambda x: (-x[1], x[0]))


def field_error_rates(results: list[Result], locale: str = "vi") -> list[tuple[str, float, int]]:
    """Per form field / document / step / post: share of attempts that were not correct, under the item's human
    label (its kind's `label`), so the same field in two dossier tasks counts as one bar."""
    errors: dict[str, int] = defaultdict(int)
    cases: dict[str, int] = defaultdict(int)
    for r in results:
        if r.kind == "inbox":
            continue
        scenario, _key = _exercise(r.scenario_id)
        label = kind(r.kind).label
        for item in r.item_scores:
            name = label(scenario, item.item_id, locale)
            cases[name] += 1
            if item.outcome != "correct":
                errors[name] += 1
    rows = [(k, errors[k] / n, n) for k, n in cases.items() if n]
    return sorted(rows, key=lambda x: (-x[1], x[0]))


def competence_summary(results: list[Result], locale: str = "vi") -> list[dict[str, Any]]:
    """Per Circular 02/2025 competence: learners who practised it and their mean score on it (%)."""
    got: dict[str, float] = defaultdict(float)
    out_of: dict[str, float] = defaultdict(float)
    who: dict[str, set[str]] = defaultdict(set)
    for r in results:
        if "" in r.competences:
            for code in r.competences[""]:
                got[code] += r.points
                out_of[code] += r.max_points
                who[code].add(r.learner_id)
            continue
        for item in r.item_scores:
            if item.outcome == "unanswered":
                continue
            for code in r.competences.get(item.item_id, ()):
                got[code] += max(0.0, item.points)
                out_of[code] += item.max_points
                who[code].add(r.learner_id)
    names = load_competences()
    rows = []
    for code in sorted(out_of, key=lambda c: tuple(int(x) for x in c.split("."))):
        definition = names.get(code)
        rows.append({"code": code, "name": getattr(definition, locale, "") if definition else "",
                     "learners": len(who[code]),
                     "percent": round(100.0 * got[code] / out_of[code], 1) if out_of[code] else 0.0})
    return rows


# ---------------------------------------------------------------------- exports

def to_csv(results: list[Result]) -> bytes:
    """UTF-8 with BOM, so Excel shows Vietnamese names; one row per learner and task."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for r in results:
        writer.writerow({k: _no_formula(v) for k, v in r.as_row().items()})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(results: list[Result], competences: list[dict[str, Any]] | None = None) -> bytes:
    """An .xlsx workbook: sheet "ket-qua" (results) and "nang-luc" (competences)."""
    from openpyxl import Workbook  # noqa: PLC0415 - openpyxl only where a spreadsheet is made, not in lesson kernels

    wb = Workbook()
    ws = wb.active
    ws.title = "ket-qua"
    ws.append(list(COLUMNS))
    for r in results:
        ws.append([_no_formula(v) for v in r.as_row().values()])
    if competences is not None:
        cs = wb.create_sheet("nang-luc")
        cs.append(["code", "name", "learners", "percent"])
        for c in competences:
            cs.append([c["code"], _no_formula(c["name"]), c["learners"], c["percent"]])
    for sheet in wb.worksheets:
        _readable(sheet)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _readable(sheet: Any) -> None:
    """Header row frozen and in bold, each column as wide as its longest cell (capped), so a teacher
    sees whole Vietnamese names ("Nguyễn Thị Thu Hương") without dragging columns."""
    from openpyxl.styles import Font  # noqa: PLC0415 - as above
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - as above

    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        longest = max((len(str(v)) for v in column if v is not None), default=0)
        sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))


def _no_formula(value: Any) -> Any:
    """A learner name like '=HYPERLINK(…)' must stay text in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# ---------------------------------------------------------------------- charts (inline SVG)

CHART_WIDTH = 320
"""Charts are drawn in a 320-unit-wide box that fills the dashboard's width (about 320 px on a 360 px phone):"""
CHART_TEXT = 18
"""so 18-unit text reads at 16 px or more there (tests/test_browser_geometry.py measures it)."""


def _two_lines(label: str, width: int = 28) -> list[str]:
    """A label in at most two lines of about `width` characters, broken between words; a longer one ends in "…"
    (whole in the bar's tooltip). A phone has no room to put a label beside its bar, nor a mouse to hover."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [text if len(text) <= width else text[:width - 1].rstrip() + "…" for text in lines]


def bar_chart_svg(bars: list[tuple[str, float]], *, title: str, max_value: float | None = None,
                  percent: bool = False, color: str = "#1565c0") -> str:
    """Horizontal bars, each under its label (one or two lines of its own: a phone is too narrow for a label and
    a bar side by side); a self-contained <svg> string, labels escaped."""
    width, text, bar_h = CHART_WIDTH, CHART_TEXT, 16
    line_h = text + 4
    rows = [(_two_lines(label), label, value) for label, value in bars]
    height = 8 + sum(len(lines) * line_h + bar_h + 14 for lines, _l, _v in rows) if rows else 8 + line_h
    top = max_value if max_value else max([v for _l, v in bars] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" class="hv-chart"><title>{escape(title)}</title>']
    if not bars:
        parts.append(f'<text x="4" y="{text + 6}" font-size="{text}" fill="#444">—</text>')
    y = 4
    for lines, label, value in rows:
        bar_w = 0 if not top else (width - 64) * (value / top)
        shown = f"{value * 100:.0f}%" if percent else f"{value:g}"
        spans = "".join(f'<tspan x="0" dy="{text if n == 0 else line_h}">{escape(line)}</tspan>'
                        for n, line in enumerate(lines))
        bar_y = y + len(lines) * line_h
        parts.append(f'<text y="{y}" font-size="{text}" fill="#1a1a1a"><title>{escape(label)}</title>{spans}</text>'
                     f'<rect x="0" y="{bar_y}" width="{bar_w:.1f}" height="{bar_h}" fill="{color}" rx="3"/>'
                     f'<text x="{bar_w + 6:.1f}" y="{bar_y + bar_h - 2}" font-size="{text}" fill="#1a1a1a">'
                     f'{escape(shown)}</text>')
        y = bar_y + bar_h + 14
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(counts: list[int], *, title: str) -> str:
    """Score distribution as vertical bars, 0–10 % … 90–100 %, each band named by its lower bound."""
    width, text, height, pad = CHART_WIDTH, CHART_TEXT, 190, 4
    top = max(counts + [1])
    bw = (width - 2 * pad) / len(counts)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" class="hv-chart"><title>{escape(title)}</title>']
    base = height - text - 8
    for i, n in enumerate(counts):
        h = (base - 2 * text - 4) * n / top
        x = pad + i * bw
        parts.append(f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{bw - 4:.1f}" height="{h:.1f}" '
                     f'fill="#2e7d32" rx="2"><title>{i * 10}–{(i + 1) * 10}%: {n}</title></rect>')
        if n:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{base - h - 4:.1f}" font-size="{text}" '
                         f'text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - 4}" font-size="{text}" text-anchor="middle" '
                     f'fill="#444">{i * 10}</text>')
    parts.append(f'<text x="{width - pad}" y="{text}" font-size="{text}" text-anchor="end" fill="#444">%</text>')
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["COLUMNS", "Result", "bar_chart_svg", "competence_summary", "field_error_rates", "flag_error_rates",
           "histogram_svg", "results_from_rows", "score_histogram", "to_csv", "to_xlsx"]
