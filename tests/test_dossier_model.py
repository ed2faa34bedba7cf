"""The dossier exercise: every task walked through the widget's Python API to full marks, typical
mistakes to the expected partial score and messages, and content errors that name file and field.

The story of each test: a learner (played by the test, which may read the key) opens the simulated
portal, signs in, chooses the procedure, fills the form, attaches documents, commits, confirms with
the OTP read from the simulated phone, pays, files and tracks — and the saved submission scores.
"""
from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from hocvuso.core import AnswersInvalid, ContentError, MemoryStore, load_exercise, score
from hocvuso.core._content import content_root
from hocvuso.core.dossier import dossier_feedback, load_dossier, load_procedures, task_paths
from hocvuso.widgets import DossierPortal

TASKS = [p.stem for p in task_paths()]
PROCEDURES = {"khai-sinh-lien-thong", "thuong-tru-ct01", "can-cuoc-cap-doi", "ly-lich-tu-phap"}


def walk(task: str, *, store=None, fields=None, documents=None, agency=None, chat=None, track=True,
         wrong_passcodes=0, portal: DossierPortal | None = None) -> DossierPortal:
    """Do the whole flow for `task` as the key says, with the given deviations (on `portal`, if given)."""
    scenario, key = load_exercise(task)
    if portal is None:
        portal = DossierPortal(task, task_id="ho-so", store=store or MemoryStore(), seed=7, locale="vi")
    if not portal.answers["portal"]:
        assert portal.choose_portal("dvcqg")
    for _ in range(wrong_passcodes):
        assert not portal.sign_in(scenario.account.id_number, "000000")
    assert portal.sign_in(scenario.account.id_number, scenario.account.passcode)
    portal.choose_procedure(key.procedure, agency or key.agencies[0])
    values = {**{k: v for k, v in key.fields.items() if v}, **(fields or {})}
    for field_id, value in values.items():
        assert portal.fill(field_id, value) == [], (field_id, value)
    wanted = {slot: files[0] for slot, files in key.documents.items() if files}
    for slot, file_id in {**wanted, **(documents or {})}.items():
        portal.attach(slot, file_id)
    portal.next_step()
    portal.next_step()
    portal.commit(True)
    assert portal.answers["step"] == 7
    if chat is not None:
        portal.reply_to_staff(chat.format(otp=portal.phone_otp))
    assert portal.enter_otp(portal.phone_otp)
    portal.pay()
    code = portal.submit()
    assert code.startswith(scenario.procedure(key.procedure).code_prefix + "-")
    if track:
        for _ in scenario.procedure(key.procedure).statuses[1:]:
            portal.track()
    return portal


def saved_score(store: MemoryStore, task: str):
    scenario, key = load_exercise(task)
    submission = store.load("ho-so")
    assert submission.kind == "dossier" and submission.scenario_id == task
    return score(scenario, key, submission.answers), scenario, key


def feedback_for(task: str, result, locale="vi") -> dict[str, dict]:
    scenario, key = load_exercise(task)
    return {entry["item_id"]: entry for entry in dossier_feedback(scenario, key, result, locale)}


# ------------------------------------------------------------------------------------------ content


def test_four_procedures_each_with_at_least_two_tasks():
    procedures = {p.id for p in load_procedures()}
    assert procedures >= PROCEDURES
    per_procedure = {p: [t for t in TASKS if load_dossier(t)[1].procedure == p] for p in PROCEDURES}
    assert all(len(tasks) >= 2 for tasks in per_procedure.values()), per_procedure


def test_procedures_are_bilingual_and_tagged_with_competences():
    for proc in load_procedures():
        assert proc.competences and all(c[0] in "123456" for c in proc.competences)
        assert proc.title.vi != proc.title.en
        assert all(f.label.vi and f.label.en for f in proc.fields)


def test_public_scenario_holds_no_expected_value():
    scenario, key = load_dossier("ks-be-an-nhien")
    assert not hasattr(scenario, "key") and not hasattr(scenario, "fields")
    assert key.fields["child_name"] == "Lê An Nhiên"
    assert key.fee == 0


def test_fake_portals_are_not_real_government_domains():
    scenario, _key = load_dossier("lltp-xin-viec")
    fakes = [p for p in scenario.portals.choices if p.id not in scenario.portals.official]
    assert len(fakes) >= 3
    for portal in fakes:
        host = portal.address.split("/")[0]
        assert not host.endswith(".gov.vn"), host


# ------------------------------------------------------------------------------------------ full marks


@pytest.mark.parametrize("task", TASKS)
def test_whole_flow_through_the_python_api_gets_full_marks(task):
    store = MemoryStore()
    portal = walk(task, store=store)
    result, _scenario, _key = saved_score(store, task)
    assert result.points == result.max_points > 0, [i for i in result.items if i.points < i.max_points]
    assert portal.score() == result
    assert all(entry["ok"] for entry in feedback_for(task, result).values())
    # every step was saved, never a passcode or an OTP
    assert len(store.saved) >= 12
    text = store.saved[-1].to_json()
    scenario, _ = load_exercise(task)
    assert scenario.account.passcode not in text


# ------------------------------------------------------------------------------------------ typical mistakes


def test_birth_registration_with_typical_mistakes():
    store = MemoryStore()
    # The name typed in decomposed Unicode (Telex/VNI) is still the right name; the wrong agency; the birth
    # notice is the blurred photo; the OTP goes to the fake "staff" chat; the status is never followed.
    nfd_name = unicodedata.normalize("NFD", "lê an nhiên")
    walk("ks-be-an-nhien", store=store, agency="so-tu-phap", fields={"child_name": nfd_name},
         documents={"giay-chung-sinh": "gcs-an-nhien-mo"}, chat="Mã của em là {otp} nhé", track=False)
    result, _s, _k = saved_score(store, "ks-be-an-nhien")
    assert result.max_points == 23
    lost = {i.item_id: i.outcome for i in result.items if i.points < i.max_points}
    assert lost == {"agency": "wrong", "document:giay-chung-sinh": "wrong", "otp_safety": "shared",
                    "tracked": "unanswered"}
    assert result.points == 23 - 1 - 1 - 2 - 1
    fb = feedback_for("ks-be-an-nhien", result)
    assert "IMG_2041.jpg" in fb["document:giay-chung-sinh"]["messages"][0]
    assert "nhòe" in fb["document:giay-chung-sinh"]["messages"][0]
    assert "OTP" in fb["otp_safety"]["messages"][0]
    assert fb["field:child_name"]["ok"]


def test_birth_registration_live_validation_blocks_an_old_province_and_a_district():
    scenario, key = load_exercise("ks-be-an-nhien")
    portal = DossierPortal("ks-be-an-nhien", task_id="ho-so", store=MemoryStore(), locale="vi")
    portal.choose_portal("dvcqg")
    portal.sign_in(scenario.account.id_number, scenario.account.passcode)
    portal.choose_procedure(key.procedure, "ubnd-xa")
    # live validation under the field, from the validators: the old province and an abolished district
    assert "Tỉnh Ninh Bình" in portal.fill("residence_province", "Nam Định")[0]
    assert "1/7/2025" in portal.fill("residence_commune", "Huyện Mỹ Lộc")[0]
    assert "Ninh Bình" in portal.fill("residence_province", "Nam Định")[0]
    with pytest.raises(AnswersInvalid):
        portal.next_step()  # the API refuses ...
    portal._on_front_end_msg(portal, {"action": "next"})  # ... and the page says why, under the form
    assert portal.answers["step"] == 4 and portal.status["level"] == "error"
    assert "Tỉnh/thành phố đăng ký thường trú cho trẻ" in portal.status["text"]
    result = portal.score()
    fb = {e["item_id"]: e for e in dossier_feedback(scenario, key, result, "en")}
    assert "Since 1/7/2025 Nam Định is part of Tỉnh Ninh Bình" in fb["field:residence_province"]["messages"][0]
    assert result.items[0].outcome == "correct"


def test_residence_with_typical_mistakes():
    store = MemoryStore()
    walk("ct-thue-tro", store=store, fields={"relationship_to_head": "khac", "proof_type": "gcn-qsdd"},
         documents={"cho-o-hop-phap": "hop-dong-2025"}, wrong_passcodes=2)
    result, _s, _k = saved_score(store, "ct-thue-tro")
    assert result.max_points == 20
    assert result.points == 17
    fb = feedback_for("ct-thue-tro", result, "en")
    assert fb["field:relationship_to_head"]["messages"] == [
        "You wrote “Other”, but the task card says “I am the head of household”."]
    assert "expired on 31/10/2026" in fb["document:cho-o-hop-phap"]["messages"][0]
    assert fb["sign_in"]["ok"]  # two wrong passcodes before the right one cost nothing


def test_id_card_exchange_wrong_reason_pays_a_waived_fee():
    store = MemoryStore()
    portal = walk("cc-sap-nhap", store=store, fields={"reason": "du-tuoi"},
                  documents={"giay-to-thay-doi": "so-ho-khau"})
    assert portal.answers["fee"] == {"status": "paid", "amount": 30000}
    result, _s, _k = saved_score(store, "cc-sap-nhap")
    assert result.max_points == 17
    assert result.points == 15
    fb = feedback_for("cc-sap-nhap", result, "en")
    assert "Administrative units rearranged" in fb["field:reason"]["messages"][0]
    assert "nothing should have been paid" in fb["fee"]["messages"][0]
    assert fb["document:giay-to-thay-doi"]["max_points"] == 0  # attached where nothing belongs: said, not scored


def test_id_card_merger_waives_the_fee():
    portal = walk("cc-sap-nhap")
    assert portal.answers["fee"] == {"status": "waived", "amount": 0}
    assert portal.screen["fee"]["amount"] == 0


def test_judicial_record_with_typical_mistakes():
    store = MemoryStore()
    walk("lltp-xin-viec", store=store, fields={"copies": "3"}, documents={"giay-to-tuy-than": "can-cuoc-em"})
    result, _s, _k = saved_score(store, "lltp-xin-viec")
    assert result.max_points == 19
    assert result.points == 16
    fb = feedback_for("lltp-xin-viec", result, "en")
    assert fb["fee"]["messages"] == ["You paid 205.000 đ, but this dossier costs 200.000 đ."]
    assert "Bùi Thanh Thảo" in fb["document:giay-to-tuy-than"]["messages"][0]
    assert fb["field:copies"]["messages"] == ["You wrote “3”, but the task card says “1”."]


def test_fake_portal_in_a_contest_scores_zero_and_ends_the_attempt():
    store = MemoryStore()
    portal = DossierPortal("lltp-xin-viec", task_id="ho-so", store=store, mode="contest")
    assert portal.choose_portal("fake-hoso-top") is False
    assert portal.answers["ended"] == "fake_portal"
    assert "hoso.top" in portal.screen["ended_text"]
    scenario, key = load_exercise("lltp-xin-viec")
    with pytest.raises(AnswersInvalid):  # the widget refuses: the attempt has ended
        portal.sign_in(scenario.account.id_number, scenario.account.passcode)
    result, _s, _k = saved_score(store, "lltp-xin-viec")
    assert result.points == 0 and result.max_points == 19
    assert portal.feedback == {}  # a contest shows no verdict
    # the lesson's feedback on such an attempt: one line, the portal's, with its explanation — not 19
    lines = dossier_feedback(scenario, key, result, "vi")
    assert [line["item_id"] for line in lines] == ["portal"]
    assert "vn-hoso.top" in lines[0]["messages"][0]


def test_fake_portal_in_a_lesson_is_explained_counted_and_the_learner_goes_back():
    store = MemoryStore()
    portal = DossierPortal("lltp-xin-viec", task_id="ho-so", store=store, locale="vi")
    assert portal.choose_portal("fake-hoso-top") is False
    assert portal.answers["ended"] == "" and portal.answers["portal"] == "" and portal.answers["step"] == 1
    assert portal.answers["wrong_portals"] == ["fake-hoso-top"]
    fake = portal.screen["fake"]
    assert fake["domain"] == "vn-hoso.top" and fake["address"] == "dichvucong.gov.vn-hoso.top"
    assert "giả mạo" in portal.status["text"].lower()
    assert portal.choose_portal("dvcqg") is True and portal.answers["step"] == 2
    assert portal.screen["fake"] == {}
    # the rest of the dossier done right: everything counts but the portal
    walk("lltp-xin-viec", store=store, portal=portal)
    result, _s, _k = saved_score(store, "lltp-xin-viec")
    assert result.max_points == 19 and result.points == 19 - 1
    [item] = [i for i in result.items if i.points < i.max_points]
    assert (item.item_id, item.outcome) == ("portal", "fake_portal_visited")
    summary = portal.feedback["summary"]
    [review] = summary["review"]
    assert review["step"] == 1 and "vn-hoso.top" in review["why"] and review["label"] == "Địa chỉ cổng"


def test_score_is_pure_and_checks_the_answers():
    scenario, key = load_exercise("lltp-xin-viec")
    assert score(scenario, key, {}).points == 0
    with pytest.raises(AnswersInvalid):
        score(scenario, key, {"portal": "dvcqg", "fields": {"phone": "1"}})  # a form before a procedure
    with pytest.raises(AnswersInvalid):
        score(scenario, key, {"portal": "no-such-portal"})


# ------------------------------------------------------------------------------------------ content errors


@pytest.fixture()
def content_copy(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


def test_schema_error_in_a_procedure_file_names_file_and_field(content_copy):
    path = content_copy / "procedures" / "ly-lich-tu-phap.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: number", "type: colour"), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_dossier("lltp-xin-viec", root=content_copy)
    assert "ly-lich-tu-phap.yaml" in str(err.value)
    assert err.value.field is not None and err.value.field.startswith("fields.") and err.value.field.endswith(".type")


def test_missing_label_in_a_procedure_names_the_field(content_copy):
    path = content_copy / "procedures" / "thuong-tru-ct01.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '    label: {vi: "Họ tên chủ hộ", en: "Head of household\'s full name"}\n', "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_dossier("ct-thue-tro", root=content_copy)
    assert "thuong-tru-ct01.yaml" in str(err.value) and err.value.field.endswith(".label")


def test_task_whose_expected_value_breaks_its_own_rule_names_the_field(content_copy):
    path = content_copy / "dossier_tasks" / "ks-be-an-nhien.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('other_parent_id: "036095007788"',
                                                             'other_parent_id: "03609500778"'), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_dossier("ks-be-an-nhien", root=content_copy)
    assert "ks-be-an-nhien.yaml" in str(err.value) and err.value.field == "key.fields.other_parent_id"
    assert "12 digits" in str(err.value)
