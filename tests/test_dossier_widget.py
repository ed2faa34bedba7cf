"""DossierPortal as a widget: what reaches the browser, what the browser may do, and each step's edge cases."""
from __future__ import annotations

import json
import unicodedata
from urllib.parse import urljoin

import pytest

from hocvuso.classroom import lesson_catalogue
from hocvuso.core import AnswersInvalid, FileStore, GradingError, MemoryStore, load_exercise
from hocvuso.widgets import DossierPortal
from hocvuso.widgets._task import next_lesson_link

TASK = "lltp-xin-viec"
SCENARIO, KEY = load_exercise(TASK)
ACCOUNT = SCENARIO.account


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def signed_in(**kwargs) -> DossierPortal:
    portal = DossierPortal(TASK, task_id="thu-tuc", store=kwargs.pop("store", MemoryStore()), seed=3, **kwargs)
    portal.choose_portal("dvcqg")
    portal.sign_in(ACCOUNT.id_number, ACCOUNT.passcode)
    return portal


def ready_to_commit(**kwargs) -> DossierPortal:
    portal = signed_in(**kwargs)
    portal.choose_procedure(KEY.procedure, KEY.agencies[0])
    for field_id, value in KEY.fields.items():
        portal.fill(field_id, value)
    portal.attach("giay-to-tuy-than", "can-cuoc-ha")
    return portal


def synced_text(portal: DossierPortal) -> str:
    state = portal.get_state()
    return json.dumps({k: state[k] for k in ("view", "screen", "answers", "strings", "status", "feedback")},
                      ensure_ascii=False)


def test_synced_state_never_holds_the_expected_dossier():
    portal = signed_in()
    portal.choose_procedure(KEY.procedure, KEY.agencies[0])
    text = synced_text(portal)
    assert "Bùi Văn Lợi" in text  # it is on the situation card, which the learner must read ...
    assert "so-tu-phap" in text     # ... and every agency is a choice
    assert "official" not in text and '"key"' not in text
    assert ACCOUNT.passcode in text  # only on the card: the simulated account's passcode is part of the story
    assert "can-cuoc-ha\"]" not in text  # the expected attachment is nowhere
    assert not portal.answers["fields"]


def test_contest_mode_holds_no_key_and_gives_no_feedback():
    portal = ready_to_commit(mode="contest")
    assert portal._key is None
    with pytest.raises(GradingError):
        portal.score()
    assert portal.attach("giay-to-tuy-than", "can-cuoc-em") == []  # no hint about the wrong person
    portal.commit(True)
    portal.enter_otp(portal.phone_otp)
    portal.pay()
    portal.submit()
    assert portal.feedback == {}
    with pytest.raises(AnswersInvalid):
        portal.restart()


def test_prefilled_fields_are_read_only_and_shown():
    portal = signed_in()
    portal.choose_procedure(KEY.procedure, KEY.agencies[0])
    form = {f["id"]: f for f in portal.screen["form"]}
    assert form["full_name"]["readonly"] and form["full_name"]["value"] == "Bùi Thanh Hà"
    assert form["gender"]["display"] == "Nữ"
    with pytest.raises(AnswersInvalid):
        portal.fill("full_name", "Someone Else")


def test_typed_text_is_nfc_and_validated_live():
    portal = signed_in(locale="en")
    portal.choose_procedure(KEY.procedure, KEY.agencies[0])
    nfd = unicodedata.normalize("NFD", "Bùi Văn Lợi")
    assert portal.fill("father_name", nfd) == []
    assert portal.answers["fields"]["father_name"] == "Bùi Văn Lợi"
    assert portal.fill("phone", "+84 70 733 4912") == []
    problems = portal.fill("phone", "01234567890")
    assert problems and "2018" in problems[0]
    form = {f["id"]: f for f in portal.screen["form"]}
    assert form["phone"]["problems"] == problems
    assert portal.fill("copies", "0") == ["Enter a number from 1 to 10."]


def test_wrong_passcode_refused_and_five_failures_lock_the_account():
    portal = DossierPortal(TASK, task_id="thu-tuc", store=MemoryStore())
    portal.choose_portal("vneid-app")
    for i in range(4):
        assert not portal.sign_in(ACCOUNT.id_number, "111111")
        assert f"{4 - i}" in portal.status["text"] or portal.status["text"]
    assert not portal.answers["ended"]
    assert not portal.sign_in(ACCOUNT.id_number, "111111")
    assert portal.answers["sign_in"]["locked"] and portal.answers["ended"] == "locked"
    with pytest.raises(AnswersInvalid):
        portal.sign_in(ACCOUNT.id_number, ACCOUNT.passcode)
    portal.restart()  # lesson mode: a new attempt
    assert portal.answers["attempts"] == 2 and not portal.answers["ended"]


def test_otp_wrong_expired_resent_and_used_once():
    clock = Clock()
    portal = ready_to_commit(clock=clock)
    portal.commit(True)
    assert "OTP" in portal.screen["phone"][0]["text"] and portal.phone_otp in portal.screen["phone"][0]["text"]
    assert not portal.enter_otp("000000") or portal.phone_otp == "000000"
    clock.now += 121
    assert not portal.enter_otp(portal.phone_otp)
    assert portal.answers["otp"]["expired"] == 1
    old = portal.phone_otp
    portal.request_otp()
    assert portal.phone_otp != old or len(portal.screen["phone"]) == 2
    assert portal.enter_otp(portal.phone_otp)
    assert portal.answers["step"] == 8 and portal.phone_otp is None


def test_answering_the_fake_staff_with_the_otp_is_recorded_and_explained():
    portal = ready_to_commit()
    portal.commit(True)
    assert [m["who"] for m in portal.screen["chat"]] == ["staff", "staff"]
    assert not portal.reply_to_staff("Anh là ai vậy?")
    assert portal.reply_to_staff(f"Mã là {portal.phone_otp[:3]} {portal.phone_otp[3:]}")
    assert portal.answers["otp"]["shared"]
    assert "OTP" in portal.status["text"] and portal.status["level"] == "error"


def test_reporting_the_staff_is_recorded():
    portal = ready_to_commit()
    portal.commit(True)
    portal.report_staff()
    assert portal.answers["otp"]["reported"] and portal.screen["otp"]["reported"]


def test_changing_the_form_after_committing_asks_for_a_new_commitment():
    portal = ready_to_commit()
    portal.commit(True)
    portal.fill("purpose", "Xin việc")
    assert not portal.answers["commitment"] and portal.phone_otp is None
    with pytest.raises(AnswersInvalid):
        portal.enter_otp("123456")


def test_steps_can_go_back_but_not_skip_ahead():
    portal = signed_in()
    with pytest.raises(AnswersInvalid):
        portal.go_to(6)
    portal.go_to(1)
    assert portal.answers["step"] == 1
    portal.go_to(3)
    assert portal.screen["furthest"] == 3


def test_filed_dossier_is_read_only_and_tracked_to_the_result():
    portal = ready_to_commit()
    portal.commit(True)
    portal.enter_otp(portal.phone_otp)
    assert portal.fee_due() == 200000
    assert portal.pay() == 200000
    assert any(m["kind"] == "bank" and "200.000" in m["text"] for m in portal.screen["phone"])
    code = portal.submit()
    assert portal.screen["code"] == code
    with pytest.raises(AnswersInvalid):
        portal.fill("purpose", "x")
    labels = [portal.track() for _ in range(5)]
    assert labels[-1] == portal.screen["statuses"][-1]
    assert portal.feedback["points"] == portal.feedback["max_points"]


def test_front_end_cannot_write_python_owned_state_and_bad_messages_do_not_crash():
    portal = signed_in()
    before = dict(portal.answers)
    portal.set_state({"answers": {"portal": "dvcqg", "code": "X"}, "feedback": {"points": 99}})
    assert dict(portal.answers) == before and portal.status["level"] == "error"
    for bad in ["x", {"action": "fill", "field": 5, "value": []}, {"action": "nope"},
                {"action": "goto", "step": "9"}, {"action": "attach", "slot": "giay-to-tuy-than", "file": "../etc"},
                {"action": "procedure", "procedure": "ly-lich-tu-phap", "agency": "<script>"}]:
        portal._on_front_end_msg(portal, bad)
        assert portal.status["level"] == "error"


def test_locale_switch_translates_everything():
    portal = signed_in(locale="vi")
    assert portal.strings["sign_in"] == "Đăng nhập"
    portal._on_front_end_msg(portal, {"action": "locale", "locale": "en"})
    assert portal.strings["sign_in"] == "Sign in"
    assert portal.view["title"] == SCENARIO.title.en


def test_work_is_restored_from_the_file_beside_the_notebook(tmp_path, monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    portal = ready_to_commit(store=FileStore(tmp_path))
    portal.commit(True)
    again = DossierPortal(TASK, task_id="thu-tuc", store=FileStore(tmp_path))
    assert again.answers["fields"] == portal.answers["fields"]
    assert again.answers["commitment"] is False and again.answers["step"] == 6  # the OTP must be asked again
    assert again.status["level"] == "info"


def test_an_anonymous_voila_visitor_never_sees_the_shared_files_dossier(tmp_path, monkeypatch):
    """Every visitor of a plain Voilà page shares the notebook's folder: no stranger's name, ID number
    or address may come back from that file (in a classroom, each learner has their own rows)."""
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    ready_to_commit(store=FileStore(tmp_path)).commit(True)
    monkeypatch.setenv("VOILA_PREHEAT", "False")  # a Voilà kernel
    visitor = DossierPortal(TASK, task_id="thu-tuc", store=FileStore(tmp_path))
    assert visitor.answers["fields"] == {} and visitor.answers["step"] != 6


def test_a_locked_account_ends_on_a_result_screen_with_nothing_to_reopen():
    portal = DossierPortal("ks-be-an-nhien", task_id="ho-so", store=MemoryStore(), locale="vi")
    portal.choose_portal("dvcqg")
    for _ in range(5):
        portal.sign_in(portal.scenario.account.id_number, "000000")
    summary = portal.feedback["summary"]
    assert portal.answers["ended"] == "locked" and summary["points"] == 1  # the portal, only
    assert [g["id"] for g in summary["good"]] == ["portal"]
    assert [r["id"] for r in summary["review"]] == ["sign_in", "not_reached"]
    assert all("step" not in r for r in summary["review"])  # "Làm lại từ đầu" is the way back
    assert "Các bước chưa làm" in [r["label"] for r in summary["review"]]


def test_the_next_lesson_link_resolves_to_the_served_lesson_under_any_base_url():
    """The result screen's link is relative to the lesson page (voila/render/NAME/NAME.ipynb, as the classroom
    and the hub serve it), so it works under any base URL."""
    lessons = {lesson.name: lesson for lesson in lesson_catalogue()}
    link = next_lesson_link("thu-tuc-giay-to-tuy-than", "vi")
    assert link["title"] == lessons["thu-tuc-giay-to-tuy-than"].title["vi"]
    for base in ("http://10.0.0.2:8866/", "https://hub.example.org/user/ba-lan/"):
        here = urljoin(base, f"voila/render/{lessons['thu-tuc-truc-tuyen'].relpath}?lang=vi")
        assert urljoin(here, link["href"]) == urljoin(
            base, f"voila/render/{lessons['thu-tuc-giay-to-tuy-than'].relpath}?lang=vi")
    assert next_lesson_link(None, "vi") is None
