"""The teacher dashboard names lessons and items as a teacher does: lesson titles, not task slugs ("hop-thu");
field, document and step labels, not raw ids ("document:giay-chung-sinh", "agency") — in the table, the
charts and both exports. Real content, a real SQLite store, the real dashboard widget.
"""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from hocvuso.classroom import TeacherDashboard, field_error_rates, results_from_rows, to_csv, to_xlsx
from hocvuso.classroom._catalogue import task_titles
from hocvuso.classroom._report import CHART_TEXT, CHART_WIDTH, bar_chart_svg, histogram_svg
from hocvuso.core import Roster, SqlStore, Submission, all_kinds, find_kind, kind, load_exercise, score
from hocvuso.core._content import content_root

RAW = re.compile(r"^(field|document|step):|^(agency|portal|sign_in|procedure|fee)$")


def _scenario_ids(folder: str) -> list[str]:
    return sorted(p.stem for p in (content_root() / folder).glob("*.yaml"))


@pytest.mark.parametrize("k", all_kinds(), ids=lambda k: k.id)
def test_every_kind_labels_every_scored_item(k):
    """Each kind's `label` names each item its scoring reports, in both languages, never by its id."""
    for scenario_id in _scenario_ids(k.folder):
        scenario, key = k.load(scenario_id)
        for item in score(scenario, key, {}).items:
            for locale in ("vi", "en"):
                label = k.label(scenario, item.item_id, locale)
                assert label and label != item.item_id and not RAW.search(label), (scenario_id, item.item_id, label)
        assert k.label(scenario, "no-such-item", "vi") == "no-such-item"


def test_labels_read_as_the_learner_saw_them():
    dossier, _ = load_exercise("ks-be-an-nhien")
    assert kind("dossier").label(dossier, "document:giay-chung-sinh", "vi").startswith("Giấy chứng sinh")
    assert kind("dossier").label(dossier, "agency", "vi") == "Cơ quan có thẩm quyền"
    phone, _ = load_exercise("thanh-toan-an-toan")
    assert kind("phone").label(phone, "qr-dan-de", "vi") == "2. Sen Vàng · Quét mã QR"


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'lop.sqlite'}"
    Roster(url).ensure_class("LOP5", pin="112233")
    return url


def _save(db: str, learner, task: str, scenario_id: str) -> None:
    SqlStore(db).save(Submission(task_id=task, kind=find_kind(scenario_id).id, scenario_id=scenario_id, answers={},
                                 learner=learner))


def test_results_table_charts_and_exports_use_titles_and_labels(db):
    lan, _t = Roster(db).sign_in("LOP5", "Bà Lan")
    for task, scenario_id in (("hop-thu", "hop-thu-1"), ("ho-so-khai-sinh", "ks-be-an-nhien"),
                              ("thanh-toan", "thanh-toan-an-toan"), ("lam-lai-can-cuoc", "cc-mat-the")):
        _save(db, lan, task, scenario_id)
    results = {r.task_id: r for r in results_from_rows(SqlStore(db).rows(), class_code="LOP5")}
    assert results["hop-thu"].lesson == "Nhận diện tin nhắn lừa đảo"
    assert results["ho-so-khai-sinh"].lesson == "Bài kiểm tra: hồ sơ khai sinh liên thông"
    assert results["lam-lai-can-cuoc"].lesson.endswith("– Làm lại thẻ Căn cước bị mất")
    english = results_from_rows(SqlStore(db).rows(), class_code="LOP5", locale="en")
    assert {r.lesson for r in english} >= {task_titles("en")["hop-thu"], task_titles("en")["thanh-toan"]}
    assert task_titles("en")["hop-thu"] != task_titles("vi")["hop-thu"]

    bars = [label for label, _rate, _n in field_error_rates(list(results.values()))]
    assert "Cơ quan có thẩm quyền" in bars and "2. Sen Vàng · Quét mã QR" in bars
    assert not [b for b in bars if RAW.search(b) or ":" in b.split(" ")[0]], bars

    csv_text = to_csv(list(results.values())).decode("utf-8-sig")
    assert "Nhận diện tin nhắn lừa đảo" in csv_text and csv_text.splitlines()[0].split(",")[4] == "lesson"
    sheet = load_workbook(io.BytesIO(to_xlsx(list(results.values()))))["ket-qua"]
    column = [c.value for c in sheet["E"]]
    assert column[0] == "lesson" and "Bài kiểm tra: hồ sơ khai sinh liên thông" in column


def test_the_dashboard_shows_titles_and_labels(db):
    lan, _t = Roster(db).sign_in("LOP5", "Bà Lan")
    _save(db, lan, "ho-so-khai-sinh", "ks-be-an-nhien")
    _save(db, lan, "hop-thu", "hop-thu-1")
    dash = TeacherDashboard(class_code="LOP5", db_url=db, refresh_seconds=0)
    try:
        assert dash.unlock("112233")
        html = dash._body.value
    finally:
        dash.close()
    cells = re.findall(r'<td class="hv-dash-lesson">([^<]*)</td>', html)
    assert sorted(cells) == ["Bài kiểm tra: hồ sơ khai sinh liên thông", "Nhận diện tin nhắn lừa đảo"]
    assert "document:" not in html and ">agency<" not in html and "field:" not in html
    assert "Cơ quan có thẩm quyền" in html


def test_chart_text_is_large_enough_for_a_phone():
    """At 360 px the charts fill about 320 px: text drawn at 18 of 320 units reads at 16 px or more."""
    assert CHART_TEXT * 300 / CHART_WIDTH >= 16
    for svg in (bar_chart_svg([("Cơ quan có thẩm quyền", 0.5)], title="t", percent=True),
                histogram_svg([1, 0, 2, 0, 0, 0, 0, 0, 3, 1], title="t")):
        sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)}
        assert sizes == {float(CHART_TEXT)}, sizes
        assert f'viewBox="0 0 {CHART_WIDTH} ' in svg


def test_a_bar_label_wraps_on_two_lines_instead_of_being_cut():
    """A phone has no mouse to hover a cut label: it wraps between words; only a label longer than two lines
    loses its end (and keeps it in the tooltip)."""
    label = "Bảo cài ứng dụng ngoài kho chính thức (APK, link lạ)"
    svg = bar_chart_svg([(label, 1.0), ("Cơ quan có thẩm quyền", 0.25)], title="t", percent=True)
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert lines == ["Bảo cài ứng dụng ngoài kho", "chính thức (APK, link lạ)", "Cơ quan có thẩm quyền"]
    assert "100%" in svg and "25%" in svg
    long = " ".join(["rất dài"] * 20)
    cut = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", bar_chart_svg([(long, 0.5)], title="t"))
    assert len(cut) == 2 and cut[1].endswith("…") and all(len(line) <= 28 for line in cut)
    assert f"<title>{long}</title>" in bar_chart_svg([(long, 0.5)], title="t")
