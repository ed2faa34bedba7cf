"""The phone-scenario kind, pure: content loads, every scenario scores from a table of answers, the
helper rules (amounts, face check, personal data, passphrases) behave as the lessons promise."""
from __future__ import annotations

import pytest

from hocvuso.core import AnswersInvalid, ContentError, load_exercise, score
from hocvuso.core.phone import (
    check_passphrase,
    find_personal_data,
    load_phone,
    needs_face_check,
    parse_amount,
    redact,
    scenario_paths,
    score_phone,
)

SCENARIOS = [p.stem for p in scenario_paths()]


def test_three_lessons_are_bundled():
    assert {"thanh-toan-an-toan", "dung-ai-an-toan", "mat-khau-tai-khoan"} <= set(SCENARIOS)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_step_is_tagged_and_bilingual(scenario_id):
    scenario, key = load_exercise(scenario_id)
    assert scenario.kind == "phone" and key.scenario_id == scenario_id
    for step in scenario.steps:
        assert step.competences
        vi, en = step.view("vi"), step.view("en")
        assert vi["action"]["prompt"] and en["action"]["prompt"] and vi != en
    # nothing of the key is in the public view
    for locale in ("vi", "en"):
        text = str(scenario.view(locale))
        for step_key in key.steps.values():
            assert step_key.explain.get(locale) not in text
            for why in step_key.options.values():
                assert why.get(locale) not in text


def _perfect(scenario, key):
    out = {}
    for step in scenario.steps:
        k = key.steps[step.id]
        kind = step.action.kind
        if kind == "choose":
            out[step.id] = {"choice": k.correct[0]}
        elif kind == "select":
            out[step.id] = {"choices": list(k.correct)}
        elif kind == "type":
            out[step.id] = {"text": "Xin chỉ cho tôi các bước đổi thẻ trên VNeID."}
        elif kind == "amount":
            out[step.id] = {"amount": k.expected}
        else:
            out[step.id] = {"length": 27, "checks": check_passphrase("bốn con vịt bơi qua cầu tre")["checks"]}
    return {"steps": out}


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_perfect_answers_get_full_marks_and_nothing_gets_zero(scenario_id):
    scenario, key = load_phone(scenario_id)
    full = score(scenario, key, _perfect(scenario, key))
    assert full.points == full.max_points > 0
    assert all(i.outcome == "correct" for i in full.items)
    empty = score_phone(scenario, key, {})
    assert empty.points == 0 and {i.outcome for i in empty.items} == {"unanswered"}


PAY = "thanh-toan-an-toan"
AI = "dung-ai-an-toan"
PW = "mat-khau-tai-khoan"


@pytest.mark.parametrize(("scenario_id", "step_id", "answer", "points", "outcome"), [
    (PAY, "ten-nguoi-nhan", {"choice": "hoi-lai"}, 2, "correct"),
    (PAY, "ten-nguoi-nhan", {"choice": "xac-nhan"}, 0, "wrong"),
    (PAY, "qr-dan-de", {"choice": "quet-lai"}, 0, "wrong"),
    (PAY, "chuyen-nham", {"choice": "chuyen-tk-moi"}, 0, "wrong"),
    (PAY, "dat-coc-xe", {"amount": 12_000_000}, 2, "correct"),
    (PAY, "dat-coc-xe", {"amount": 1_200_000}, 0, "wrong_amount"),
    (AI, "deepfake-dau-hieu", {"choices": ["goi-ngan", "hinh-mo", "doi-tien-gap", "ten-tk-la"]}, 2, "correct"),
    (AI, "deepfake-dau-hieu", {"choices": ["goi-ngan", "hinh-mo"]}, 1, "partial"),
    (AI, "deepfake-dau-hieu", {"choices": ["goi-ngan", "hinh-mo", "goi-video"]}, 0.5, "partial"),
    (AI, "deepfake-dau-hieu", {"choices": ["goi-video", "goi-buoi-toi"]}, 0, "wrong"),
    (AI, "deepfake-dau-hieu", {"choices": []}, 0, "wrong"),
    (AI, "chatbot-du-lieu", {"text": "Chỉ tôi cách đổi thẻ căn cước trên VNeID"}, 2, "correct"),
    (AI, "chatbot-du-lieu", {"text": "Số của tôi 066 158 001 234"}, 0, "leaked"),
    (AI, "chatbot-du-lieu", {"text": "mã là 482913, giúp tôi"}, 0, "leaked"),
    (AI, "chatbot-du-lieu", {"text": "đây ⟦otp⟧ nhé bạn ơi"}, 0, "leaked"),
    (AI, "chatbot-du-lieu", {"text": "Không"}, 0, "too_short"),
    (PW, "tao-cum-mat-khau", {"length": 27, "checks": {"long_enough": True, "not_common": True,
                                                       "not_pattern": True, "not_personal": True}}, 2, "correct"),
    # the length is re-judged from `length`: a forged long_enough does not help
    (PW, "tao-cum-mat-khau", {"length": 9, "checks": {"long_enough": True, "not_common": True,
                                                      "not_pattern": True, "not_personal": True}}, 0, "weak"),
    (PW, "tao-cum-mat-khau", {"length": 20, "checks": {"long_enough": True, "not_common": False,
                                                       "not_pattern": True, "not_personal": True}}, 0, "weak"),
    (PW, "ma-otp-goi-dien", {"choice": "dap-may"}, 2, "correct"),
    (PW, "ma-otp-goi-dien", {"choice": "doc-3-so"}, 0, "wrong"),
])
def test_step_scores(scenario_id, step_id, answer, points, outcome):
    scenario, key = load_phone(scenario_id)
    result = score_phone(scenario, key, {"steps": {step_id: answer}})
    item = next(i for i in result.items if i.item_id == step_id)
    assert (item.points, item.outcome) == (points, outcome)
    assert result.points == points


@pytest.mark.parametrize("answers", [
    {"steps": {"nope": {"choice": "a"}}},
    {"steps": {"ten-nguoi-nhan": {"choice": "nope"}}},
    {"steps": {"ten-nguoi-nhan": {"choices": ["hoi-lai"]}}},
    {"steps": {"ten-nguoi-nhan": {"choice": "hoi-lai", "text": "x"}}},
    {"steps": {"dat-coc-xe": {"amount": "12000000"}}},
    {"steps": {"ten-nguoi-nhan": {"choice": 3}}},
    {"extra": 1},
])
def test_malformed_answers_are_refused(answers):
    scenario, key = load_phone(PAY)
    with pytest.raises(AnswersInvalid):
        score_phone(scenario, key, answers)


@pytest.mark.parametrize(("text", "amount"), [
    ("12.000.000", 12_000_000), ("12,000,000 đ", 12_000_000), ("12 triệu", 12_000_000), ("12tr", 12_000_000),
    ("1,5 triệu", 1_500_000), ("500k", 500_000), ("500 nghìn", 500_000), ("12000000", 12_000_000),
    ("12 TRIỆU", 12_000_000), ("", None), ("mười hai triệu", None), ("12.00.0", None), ("-5", None), ("0", None),
])
def test_amounts_are_read_as_people_type_them(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(("amount", "today", "face"), [
    (10_000_000, 0, False), (10_000_001, 0, True), (9_000_000, 11_000_000, False), (9_000_000, 11_000_001, True),
    (500_000, 0, False),
])
def test_face_check_rule(amount, today, face):
    assert needs_face_check(amount, today) is face


@pytest.mark.parametrize(("text", "found"), [
    ("Cách đổi thẻ căn cước thế nào?", []),
    ("số 001062012345", ["id_number"]), ("số 001.062.012.345", ["id_number"]), ("mã 482 913", ["otp"]),
    ("gọi 0987 654 321", ["phone"]), ("STK 1903 5566 7788 99", ["account"]), ("STK 1903 5566 7788", ["id_number"]),
    ("phí 50.000 đồng hay 12.000.000 đồng?", []), ("tôi sinh năm 1958", []),
    ("Nguyễn Văn A", []),
])
def test_personal_data_is_found(text, found):
    assert find_personal_data(text) == found


def test_redaction_masks_numbers_and_story_secrets_but_keeps_words():
    masked = redact("Tôi là bà Tư, số 066 158 001 234, OTP 482913. Chỉ tôi cách đổi thẻ", ["066158001234", "482913"])
    assert "066" not in masked and "482913" not in masked
    assert masked.startswith("Tôi là bà Tư") and masked.endswith("Chỉ tôi cách đổi thẻ")
    assert find_personal_data(masked)  # the mask still counts as a leak


@pytest.mark.parametrize(("password", "strong", "failing"), [
    ("trâu cày ruộng sáng mưa phùn", True, []),
    ("bốn con vịt bơi qua cầu tre", True, []),
    ("Sau@1960", False, ["long_enough", "not_common", "not_personal"]),
    ("P@ssw0rd123!", False, ["long_enough", "not_common"]),
    ("matkhau123456789", False, ["not_common"]),
    ("anhyeuem anhyeuem", False, ["not_common", "not_pattern"]),
    ("1234567890123456", False, ["not_common", "not_pattern"]),
    ("qwertyuiopasdfgh", False, ["not_common", "not_pattern"]),
    ("lê văn sáu đi câu cá ngoài đồng", False, ["not_personal"]),
    ("", False, ["long_enough", "not_common", "not_pattern", "not_personal"]),
])
def test_passphrase_checker_follows_nist(password, strong, failing):
    result = check_passphrase(password, ["Lê Văn Sáu", "1960", "0987654321", "Phú Lộc"])
    assert result["strong"] is strong
    assert sorted(c for c, ok in result["checks"].items() if not ok) == sorted(failing)


def test_no_composition_rules_and_nfc_length():
    # A long all-lower-case passphrase without digits or symbols is strong; decomposed input counts as NFC.
    import unicodedata
    text = unicodedata.normalize("NFD", "mùa xuân hoa đào nở rộ")
    assert check_passphrase(text)["length"] == len(unicodedata.normalize("NFC", text))
    assert check_passphrase("mua xuan hoa dao no ro ben song")["strong"]


def test_content_errors_name_file_and_field(tmp_path):
    import shutil

    from hocvuso.core._content import content_root
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    path = root / "scenarios" / "thanh-toan-an-toan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('competences: ["4.2", "1.2"]', 'competences: ["9.9"]', 1),
                    encoding="utf-8")
    with pytest.raises(ContentError, match=r"thanh-toan-an-toan.yaml.*steps\.0\.competences\.0"):
        load_phone("thanh-toan-an-toan", root=root)
    path.write_text(path.read_text(encoding="utf-8").replace("correct: [hoi-lai]", "correct: [nope]", 1),
                    encoding="utf-8")
    with pytest.raises(ContentError, match="key.correct names option"):
        load_phone("thanh-toan-an-toan", root=root)
