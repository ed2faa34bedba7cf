"""One test per fact the lessons got wrong (issue 14), checked against content-facts.md's corrections.

Each test reads the shipped content or notebook text the learner sees, so a regression in the data
(not only in code) fails here.
"""
from __future__ import annotations

import json
import re
import unicodedata

import pytest
import yaml

from hocvuso.core import load_inbox
from hocvuso.core._content import content_root
from hocvuso.core._i18n import translator
from hocvuso.core.contentcheck import registrable_domain
from hocvuso.core.dossier import load_dossier, load_procedures, task_paths
from hocvuso.core.inbox import load_message, message_paths
from hocvuso.core.phone import check_passphrase, load_phone, needs_face_check

NOTEBOOKS = content_root().parent / "notebooks"


def notebook_text(name: str) -> str:
    nb = json.loads((NOTEBOOKS / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def message_texts():
    for path in message_paths():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield path.stem, data


def test_judicial_record_goes_to_the_provincial_police():
    proc = next(p for p in load_procedures() if p.id == "ly-lich-tu-phap")
    tasks = [p.stem for p in task_paths() if p.stem.startswith("lltp-")]
    assert len(tasks) == 2
    for task in tasks:
        _, key = load_dossier(task)
        assert list(key.agencies) == ["cong-an-tinh"], task
    police = next(a for a in proc.agencies if a.id == "cong-an-tinh")
    assert "Công an tỉnh" in police.name.vi
    justice = next(a for a in proc.agencies if a.id == "so-tu-phap")
    assert "không còn" in justice.name.vi           # offered only as the outdated answer, labelled so
    assert not any("Tư pháp" in s.vi for s in proc.statuses)
    assert any("1/3/2025" in s.fact and "soha.vn" in s.source for s in proc.sources)


def test_every_procedure_records_its_sources_or_says_the_facts_file_is_silent():
    for proc in load_procedures():
        facts = " ".join(s.fact.lower() for s in proc.sources)
        assert "agency" in facts, proc.id
        assert all(s.source for s in proc.sources)


def test_portal_memo_names_the_registrable_domain_of_the_lookalike():
    portals = yaml.safe_load((content_root() / "portals.yaml").read_text(encoding="utf-8"))["portals"]
    fake = next(p for p in portals if p["id"] == "fake-hoso-top")
    domain = registrable_domain(fake["address"])
    assert domain == "vn-hoso.top"
    assert domain in fake["explain"]["vi"] and domain in fake["explain"]["en"]
    memo = notebook_text("thu-tuc-truc-tuyen")
    assert f"`{domain}`" in memo
    assert "`hoso.top`" not in memo


def test_an_sms_shows_the_link_it_opens():
    for path in message_paths():
        msg, _ = load_message(path)
        if msg.channel != "sms":
            continue
        for link in msg.links:
            target = re.sub(r"^https?://", "", link.href).rstrip("/")
            assert link.shown.rstrip("/") == target, path.stem


def test_reporting_to_5656_uses_the_s_sender_content_syntax():
    texts = [json.dumps(data["key"]["action"], ensure_ascii=False) for _, data in message_texts()]
    texts += [notebook_text("lua-dao-tin-nhan")]
    hits = [t for t in texts if "5656" in t]
    assert hits
    for text in hits:
        for m in re.finditer("5656", text):
            assert re.search(r"\bS\b", text[max(0, m.start() - 80):m.start()]), text[max(0, m.start() - 80):m.end()]


def test_loss_guarantee_is_translated_with_its_meaning():
    _, data = next((i, d) for i, d in message_texts() if i == "zalo-dau-tu-lai-cao")
    assert "BAO LỖ 100%" in data["body"]["vi"]
    assert "LOSSES 100% GUARANTEED" not in data["body"]["en"] and "AGAINST LOSSES" in data["body"]["en"]


def test_lesson_intro_counts_the_calls_the_inbox_has():
    scenario, _ = load_inbox("hop-thu-1")
    calls = sum(1 for m in scenario.messages if m.channel == "call")
    words = {1: "một", 2: "hai", 3: "ba"}
    intro = notebook_text("lua-dao-tin-nhan")
    assert f"{words[calls]} cuộc gọi" in intro
    assert "Tuần này" in intro and "Tuần này" in scenario.intro.vi
    assert f"{len(scenario.messages)} tin" in intro


def test_payment_step_six_explains_the_rule_as_stated():
    scenario, key = load_phone("thanh-toan-an-toan")
    assert needs_face_check(12_000_000) and not needs_face_check(6_000_000, today_sent=6_000_000)
    split = next(k for k in key.steps.values() if "chia-nho" in k.options).options["chia-nho"]
    assert "không phải quét mặt" in split.vi and "skip the face scan" in split.en
    assert "20 triệu" in split.vi


def test_kinship_pronouns_follow_the_sender():
    for mid, data in message_texts():
        name = data["sender"]["name"]["vi"]
        body = (data.get("body") or {}).get("vi", "")
        if name.startswith(("Chị ", "Anh ")):
            elder = name.split()[0].lower()
            assert f"{elder} cho em mượn" not in body.lower(), mid
    _, data = next((i, d) for i, d in message_texts() if i == "zalo-ban-muon-tien")
    assert "em cho chị mượn" in data["body"]["vi"]


def test_masked_personal_data_is_shown_in_the_learners_language():
    from hocvuso.core import MemoryStore
    from hocvuso.widgets import PhoneSimulator

    w = PhoneSimulator("dung-ai-an-toan", task_id="t", store=MemoryStore(), locale="vi")
    step = next(s.id for s in w._scenario.steps if s.action.kind == "type")
    for s in w._scenario.steps:
        if s.id == step:
            break
        w.answer(s.id, s.action.options[0].id if s.action.kind == "choose" else [s.action.options[0].id]
                 if s.action.kind == "select" else "1000")
    w.answer(step, "Số của tôi 066158001234. Chỉ tôi cách đổi thẻ")
    sent = w.reactions[step]["sent"]
    assert "⟦" not in sent and "[số định danh đã ẩn]" in sent


@pytest.mark.parametrize("weak", ["anhyeuemnhieulam", "matkhaucuatoila123", "vietnamvodich2025",
                                  "chu sau yeu vo lam"])
def test_password_checker_rates_vietnamese_guessable_phrases_weak(weak):
    assert check_passphrase(weak, ["Lê Văn Sáu", "1960", "0987654321", "Phú Lộc"])["strong"] is False


def test_password_checker_keeps_nist_rules_and_claims_no_breach_check():
    # No composition rules: a long lower-case sentence of ordinary words passes; length counts NFC letters.
    assert check_passphrase("trâu cày ruộng sáng mưa phùn")["strong"]
    assert not check_passphrase("trâu cày ruộng")["checks"]["long_enough"]
    assert check_passphrase("chu sau yeu vo lam", ["Lê Văn Sáu"])["checks"]["not_personal"] is False
    for locale in ("vi", "en"):
        _ = translator(locale)
        label = _("Not a common or easily guessed password")
        assert "lộ" not in label and "leak" not in label.lower()
    assert unicodedata.normalize("NFC", "ắ") == "ắ"


def test_portal_lesson_memo_names_the_police_for_the_judicial_record():
    memo = notebook_text("thu-tuc-truc-tuyen")
    assert "Công an tỉnh/thành phố cấp" in memo and "provincial police" in memo


def test_impersonation_explanation_is_not_only_about_the_police():
    flags = yaml.safe_load((content_root() / "flags.yaml").read_text(encoding="utf-8"))
    explain = next(f for f in flags if f["id"] == "impersonates-authority")["explain"]
    assert "nhà mạng" in explain["vi"] and "dịch vụ công" in explain["vi"]
    assert "carrier" in explain["en"]
