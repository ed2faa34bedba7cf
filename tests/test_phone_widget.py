"""PhoneSimulator without a browser or a kernel: no key before an answer, tampered front ends,
persistence through the store, NFC input, the passphrase never stored, contest mode keyless."""
from __future__ import annotations

import json
import unicodedata

import pytest

from hocvuso.core import AnswersInvalid, FileStore, GradingError, Learner, MemoryStore, SqlStore
from hocvuso.core.phone import flag_words_in, load_phone, scenario_paths
from hocvuso.widgets import PhoneSimulator

PAY, AI, PW = "thanh-toan-an-toan", "dung-ai-an-toan", "mat-khau-tai-khoan"


def _key_texts(scenario_id: str) -> list[str]:
    _scenario, key = load_phone(scenario_id)
    texts = []
    for step_key in key.steps.values():
        texts += [step_key.explain.vi, step_key.explain.en]
        for why in step_key.options.values():
            texts += [why.vi, why.en]
    return texts


def _synced(widget) -> str:
    state = widget.get_state()
    return json.dumps({k: v for k, v in state.items() if k not in ("_esm", "_css")}, ensure_ascii=False)


@pytest.fixture()
def store() -> MemoryStore:
    return MemoryStore()


@pytest.mark.parametrize("scenario_id", [PAY, AI, PW])
def test_no_key_is_synced_before_answering(scenario_id, store):
    w = PhoneSimulator(scenario_id, task_id="t", store=store, locale="vi")
    state = _synced(w)
    for text in _key_texts(scenario_id):
        assert text not in state
    assert '"correct"' not in state and "secrets" not in state and "expected" not in state


def test_feedback_only_for_the_answered_step(store):
    w = PhoneSimulator(PAY, task_id="t", store=store, locale="vi")
    fb = w.answer("ten-nguoi-nhan", "xac-nhan")
    assert fb["outcome"] == "wrong" and set(w.feedback) == {"ten-nguoi-nhan"}
    assert {line["status"] for line in fb["lines"]} == {"wrong", "right"}
    state = _synced(w)
    _s, key = load_phone(PAY)
    assert key.steps["qr-dan-de"].explain.vi not in state  # later steps stay secret
    assert store.saved[-1].answers == {"steps": {"ten-nguoi-nhan": {"choice": "xac-nhan"}}}


def test_steps_go_in_order_and_lesson_answers_are_final(store):
    w = PhoneSimulator(PAY, task_id="t", store=store)
    with pytest.raises(AnswersInvalid, match="not answered yet"):
        w.answer("qr-dan-de", "tra-luon")
    w.answer("ten-nguoi-nhan", "hoi-lai")
    with pytest.raises(AnswersInvalid, match="final"):
        w.answer("ten-nguoi-nhan", "xac-nhan")


def test_amount_triggers_face_check_and_full_lesson_scores(store):
    w = PhoneSimulator(PAY, task_id="t", store=store, locale="en")
    for step, value in [("ten-nguoi-nhan", "hoi-lai"), ("qr-dan-de", "bao-chu-quan"), ("bill-gia", "doi-tien-ve"),
                        ("chuyen-nham", "bao-ngan-hang")]:
        w.answer(step, value)
    w.answer("dat-coc-xe", "12.000.000 đ")
    assert w.reactions["dat-coc-xe"] == {"amount": 12_000_000, "face_check": True}
    w.answer("xac-thuc-khuon-mat", "tu-quet")
    assert (w.summary["points"], w.summary["max_points"], w.summary["review"]) == (12.0, 12.0, [])
    assert len(w.summary["good"]) == len(w.view["steps"])
    assert w.score().points == 12.0


def test_chat_text_is_nfc_masked_and_scored(store):
    w = PhoneSimulator(AI, task_id="t", store=store, locale="vi")
    for step, value in [("deepfake-dau-hieu", ["goi-ngan"]), ("deepfake-lam-gi", "goi-lai-so-quen"),
                        ("chatbot-hoi-thu-tuc", "doi-chieu"), ("doi-chieu-cong-dvc", ["phi-50k"])]:
        w.answer(step, value)
    typed = unicodedata.normalize("NFD", "Số của tôi 066 158 001 234, mã 482 913. Chỉ tôi cách đổi thẻ")
    fb = w.answer("chatbot-du-lieu", typed)
    saved = store.saved[-1].answers["steps"]["chatbot-du-lieu"]["text"]
    assert "066" not in saved and "482" not in saved
    assert saved == unicodedata.normalize("NFC", saved) and "Chỉ tôi cách đổi thẻ" in saved
    assert fb["outcome"] == "leaked" and w.reactions["chatbot-du-lieu"]["reply"].startswith("Các bước chung")


def test_passphrase_is_checked_live_and_never_stored(store):
    w = PhoneSimulator(PW, task_id="t", store=store, locale="vi")
    w.answer("chon-mat-khau", "d")
    live = w.check("tao-cum-mat-khau", "Sau@1960xyz")
    assert live["strong"] is False and [line["ok"] for line in live["lines"]] == [False, False, True, False]
    assert "Sau@1960xyz" not in _synced(w)
    secret = "bốn con vịt bơi qua cầu tre"
    fb = w.answer("tao-cum-mat-khau", secret)
    assert fb["outcome"] == "correct"
    dumped = json.dumps([s.to_dict() for s in store.saved], ensure_ascii=False)
    assert secret not in dumped and "vịt" not in dumped
    assert store.saved[-1].answers["steps"]["tao-cum-mat-khau"]["length"] == len(secret)


def test_tampered_front_end_is_refused_without_crashing(store):
    w = PhoneSimulator(PAY, task_id="t", store=store, locale="vi")
    for bad in [None, "x", 3, {"action": "nope"}, {"action": "answer"}, {"action": "answer", "step_id": "zzz"},
                {"action": "answer", "step_id": "ten-nguoi-nhan", "value": ["hoi-lai"]},
                {"action": "answer", "step_id": "ten-nguoi-nhan", "value": "<script>"},
                {"action": "answer", "step_id": "qr-dan-de", "value": "tra-luon"},
                {"action": "check", "step_id": "ten-nguoi-nhan", "text": "x"},
                {"action": "locale", "locale": "fr"}]:
        w._on_front_end_msg(w, bad)
        assert w.status["level"] == "error"
    assert store.saved == [] and w.answers == {"steps": {}}
    w.set_state({"answers": {"steps": {"ten-nguoi-nhan": {"choice": "hoi-lai"}}}, "feedback": {"x": 1},
                 "mode": "contest"})
    assert w.answers == {"steps": {}} and w.feedback == {} and w.mode == "lesson"
    w._on_front_end_msg(w, {"action": "answer", "step_id": "ten-nguoi-nhan", "value": "hoi-lai"})
    assert w.status["level"] == "ok" and w.feedback["ten-nguoi-nhan"]["correct"]


def test_huge_or_non_text_input_is_refused(store):
    w = PhoneSimulator(PW, task_id="t", store=store)
    w.answer("chon-mat-khau", "d")
    w._on_front_end_msg(w, {"action": "check", "step_id": "tao-cum-mat-khau", "text": "a" * 100_000})
    assert w.status["level"] == "error" and w.checker == {}
    w._on_front_end_msg(w, {"action": "answer", "step_id": "tao-cum-mat-khau", "value": {"x": 1}})
    assert "tao-cum-mat-khau" not in w.answers["steps"]


def test_contest_mode_holds_no_key_and_allows_changes(store):
    w = PhoneSimulator(PAY, task_id="t", mode="contest", store=store)
    assert w._key is None
    assert w.answer("ten-nguoi-nhan", "xac-nhan") is None
    w.answer("ten-nguoi-nhan", "hoi-lai")
    assert w.feedback == {} and w.summary == {}
    assert store.saved[-1].answers["steps"]["ten-nguoi-nhan"] == {"choice": "hoi-lai"}
    with pytest.raises(GradingError):
        w.score()


def test_locale_switch_redraws_without_losing_answers(store):
    w = PhoneSimulator(AI, task_id="t", store=store, locale="vi")
    w.answer("deepfake-dau-hieu", ["goi-ngan", "hinh-mo", "doi-tien-gap", "ten-tk-la"])
    w._on_front_end_msg(w, {"action": "locale", "locale": "en"})
    assert w.locale == "en" and w.view["title"] == "Using AI responsibly"
    assert w.feedback["deepfake-dau-hieu"]["headline"] == "Right."
    assert w.strings["next"] == "Next step"


def test_answers_persist_and_restore_through_stores(tmp_path):
    learner = Learner(class_code="6A", name="Bà Tư", learner_id="l1")
    sql = SqlStore(f"sqlite:///{tmp_path / 'c.sqlite'}")
    w = PhoneSimulator(AI, task_id="dung-ai", store=sql, learner=learner)
    w.answer("deepfake-dau-hieu", ["goi-ngan"])
    w.answer("deepfake-lam-gi", "goi-lai-so-quen")
    again = PhoneSimulator(AI, task_id="dung-ai", store=sql, learner=learner)
    assert set(again.answers["steps"]) == {"deepfake-dau-hieu", "deepfake-lam-gi"}
    assert set(again.feedback) == {"deepfake-dau-hieu", "deepfake-lam-gi"}
    assert again.status["msgid"] == "Your earlier answers were restored."
    # an anonymous visitor never sees the named learner's answers
    assert PhoneSimulator(AI, task_id="dung-ai", store=sql).answers == {"steps": {}}
    files = FileStore(tmp_path / "nb")
    f = PhoneSimulator(PAY, task_id="thanh-toan", store=files)
    f.answer("ten-nguoi-nhan", "hoi-lai")
    assert files.path_for("thanh-toan").is_file()
    again = PhoneSimulator(PAY, task_id="thanh-toan", store=files)
    assert again.answers["steps"] == {"ten-nguoi-nhan": {"choice": "hoi-lai"}}


def test_grade_cell_scores_the_saved_submission(tmp_path, monkeypatch):
    from hocvuso.grader import grade

    files = FileStore(tmp_path)
    w = PhoneSimulator(PW, task_id="mat-khau", store=files)
    w.answer("chon-mat-khau", "d")
    w.answer("tao-cum-mat-khau", "bốn con vịt bơi qua cầu tre")
    assert grade("mat-khau", scenario=PW, out_of=10, store=files) == 4.0
    with pytest.raises(GradingError):
        grade("mat-khau", scenario=AI, out_of=10, store=files)


def test_a_wrong_answer_is_wrong_and_the_lesson_ends_on_its_result_screen(store):
    w = PhoneSimulator(PAY, task_id="t", store=store, locale="vi", next_lesson="mat-khau-tai-khoan")
    fb = w.answer("ten-nguoi-nhan", "xac-nhan")  # the wrong one
    assert fb["correct"] is False and fb["points"] == 0
    assert fb["flag"] == "Tên người nhận khác tên người bán"  # the red flag is named after answering, not before
    assert "Tên người nhận khác" not in str(w.view)
    for step, value in [("qr-dan-de", "bao-chu-quan"), ("bill-gia", "doi-tien-ve"), ("chuyen-nham", "bao-ngan-hang"),
                        ("dat-coc-xe", "12 triệu"), ("xac-thuc-khuon-mat", "tu-quet")]:
        w.answer(step, value)
    s = w.summary
    assert (s["points"], s["max_points"]) == (10.0, 12.0)
    [review] = s["review"]
    assert (review["id"], review["step"]) == ("ten-nguoi-nhan", 1) and review["why"].startswith("Dấu hiệu")
    assert len(s["good"]) == 5
    assert s["next"] == {"name": "mat-khau-tai-khoan", "title": "Mật khẩu và tài khoản",
                         "href": "../mat-khau-tai-khoan/mat-khau-tai-khoan.ipynb?lang=vi"}


def test_no_right_option_names_its_steps_red_flag():
    """A right option that repeats the red flag's words gives the answer away (issue 14); a wrong one may."""
    flagged = 0
    for path in scenario_paths():
        scenario, key = load_phone(path.stem)
        for step in scenario.steps:
            step_key = key.steps[step.id]
            if step_key.flag is None:
                continue
            flagged += 1
            for option in step.action.options:
                if option.id in step_key.correct:
                    for locale in ("vi", "en"):
                        said = flag_words_in(option.label.get(locale), step_key.flag.get(locale))
                        assert not said, f"{path.name} {step.id}: the right option {option.id!r} says {said}"
    assert flagged >= 5  # every choose step of the payment lesson names its flag
    assert flag_words_in("Dừng lại: tên người nhận không phải cô Mai", "Tên người nhận khác tên người bán") == [
        "tên người", "người nhận"]
