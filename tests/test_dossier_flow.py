"""The portal's step flow as pure functions (hocvuso.core.dossier.flow), without a widget.

Each test builds an attempt's answers step by step, as the widget saves them, and asks the flow how far
the learner may go, what stops them, and what the OTP and sign-in rules make of an action.
"""
from __future__ import annotations

import pytest

from hocvuso.core import AnswersInvalid, load_exercise
from hocvuso.core.dossier import (
    MAX_SIGN_IN_FAILURES,
    OTP_SECONDS,
    blocker,
    dossier_feedback,
    dossier_item_label,
    dossier_summary,
    empty_answers,
    enter_portal,
    form_state,
    furthest,
    gives_away_otp,
    otp_expired,
    parse_answers,
    portal_domain,
    record_sign_in_failure,
    reset_confirmation,
    resumed,
    score_dossier,
)

TASK = "lltp-xin-viec"
SCENARIO, KEY = load_exercise(TASK)


def at_the_form() -> dict:
    """Official portal, signed in, the right procedure and agency: the form is next."""
    a = empty_answers()
    a.update(portal="dvcqg", procedure=KEY.procedure, agency=KEY.agencies[0])
    a["sign_in"] = {**a["sign_in"], "id_number": SCENARIO.account.id_number, "signed_in": True}
    return a


def filled_in() -> dict:
    """Every typed field as expected and every required document attached."""
    a = at_the_form()
    a["fields"] = dict(KEY.fields)
    a["documents"] = {slot: files[0] for slot, files in KEY.documents.items() if files}
    return a


def test_each_missing_step_stops_the_learner_at_that_step():
    a = empty_answers()
    assert (furthest(SCENARIO, a), blocker(SCENARIO, a).need) == (1, "portal")
    a["portal"] = "dvcqg"
    assert (furthest(SCENARIO, a), blocker(SCENARIO, a).need) == (2, "sign_in")
    a["sign_in"] = {**a["sign_in"], "signed_in": True}
    a["procedure"] = KEY.procedure
    assert (furthest(SCENARIO, a), blocker(SCENARIO, a).need) == (3, "agency"), "a procedure without an agency"
    a["agency"] = KEY.agencies[0]
    assert furthest(SCENARIO, a) == 4
    parse_answers(SCENARIO, a)  # every state built here is one the grader accepts


def test_the_form_blocks_by_field_then_the_documents_by_slot():
    a = at_the_form()
    why = blocker(SCENARIO, a)
    required = [f.id for f in SCENARIO.procedure(KEY.procedure).fields if f.required and not f.prefilled]
    assert why.need == "fields" and set(required) <= set(why.fields)
    a["fields"] = dict(KEY.fields)
    why = blocker(SCENARIO, a)
    assert (furthest(SCENARIO, a), why.need) == (5, "documents")
    assert why.slots == form_state(SCENARIO, a).missing_slots and why.slots
    a = filled_in()
    assert form_state(SCENARIO, a).bad_fields == () and form_state(SCENARIO, a).missing_slots == ()
    assert (furthest(SCENARIO, a), blocker(SCENARIO, a).need) == (6, "commitment")


def test_a_field_that_breaks_its_rule_blocks_even_when_filled():
    a = filled_in()
    field = next(f for f in SCENARIO.procedure(KEY.procedure).fields if f.type == "mobile" and not f.prefilled)
    a["fields"][field.id] = "0123"
    assert furthest(SCENARIO, a) == 4
    assert blocker(SCENARIO, a).fields == (field.id,)


def test_commitment_otp_and_fee_come_in_order_and_a_filed_or_ended_attempt_stays():
    a = filled_in()
    a["commitment"] = True
    assert (furthest(SCENARIO, a), blocker(SCENARIO, a).need) == (7, "otp")
    a["otp"] = {**a["otp"], "sent": 1, "confirmed": True}
    assert (furthest(SCENARIO, a), blocker(SCENARIO, a).need) == (8, "fee")
    a["code"] = "LLTP-1"
    assert furthest(SCENARIO, a) == 9 and blocker(SCENARIO, a).need == ""
    ended = {**empty_answers(), "portal": "dvcqg", "ended": "locked", "step": 2}
    assert furthest(SCENARIO, ended) == 2


def test_a_change_before_filing_undoes_commitment_otp_and_fee():
    a = filled_in()
    a.update(commitment=True, fee={"status": "paid", "amount": 200_000})
    a["otp"] = {**a["otp"], "sent": 2, "confirmed": True, "wrong": 1}
    assert reset_confirmation(a) is True
    assert a["commitment"] is False and a["fee"] == {"status": "", "amount": 0}
    assert a["otp"] == {**empty_answers()["otp"], "sent": 2, "wrong": 1}, "the history of the OTP step stays"
    assert reset_confirmation(a) is False, "nothing left to undo"


def test_five_wrong_passcodes_lock_the_account_and_end_the_attempt():
    a = {**empty_answers(), "portal": "dvcqg"}
    left = [record_sign_in_failure(a) for _ in range(MAX_SIGN_IN_FAILURES)]
    assert left == [4, 3, 2, 1, 0]
    assert a["sign_in"]["locked"] is True and a["ended"] == "locked"
    parse_answers(SCENARIO, a)


def test_an_otp_expires_after_its_lifetime_only():
    assert not otp_expired(1000.0, 1000.0 + OTP_SECONDS)
    assert otp_expired(1000.0, 1000.0 + OTP_SECONDS + 0.5)


@pytest.mark.parametrize(("reply", "given_away"), [
    ("Mã của tôi là 123456", True),
    ("12 34 56 nhé", True),
    ("1-2-3-4-5-6", True),
    ("Mã cũ 654321", True),        # an earlier code of the same attempt counts too
    ("Tôi không đưa mã đâu", False),
    ("12345", False),
])
def test_a_reply_gives_away_any_otp_of_the_attempt_however_spaced(reply, given_away):
    assert gives_away_otp(reply, ["654321", "123456"]) is given_away


def test_a_reloaded_attempt_confirms_again_unless_it_was_filed():
    a = filled_in()
    a.update(commitment=True, step=8, fee={"status": "waived", "amount": 0})
    a["otp"] = {**a["otp"], "sent": 1, "confirmed": True}
    back = resumed(a)
    assert back["step"] == 6 and not back["commitment"] and not back["otp"]["confirmed"] and not back["fee"]["status"]
    assert a["commitment"] is True, "the saved answers themselves are not changed"
    a.update(code="LLTP-1", step=9)
    assert resumed(a) == a


# ------------------------------------------------------------------------------------------ the portal


def test_a_look_alike_portal_in_a_lesson_is_counted_and_the_learner_chooses_again():
    a = empty_answers()
    assert enter_portal(SCENARIO, a, "fake-hoso-top", lesson=True) is False
    assert (a["portal"], a["step"], a["ended"], a["wrong_portals"]) == ("", 1, "", ["fake-hoso-top"])
    assert furthest(SCENARIO, a) == 1 and blocker(SCENARIO, a).need == "portal"
    assert enter_portal(SCENARIO, a, "fake-hoso-top", lesson=True) is False  # the same one twice counts once
    assert enter_portal(SCENARIO, a, "fake-quocgia-xyz", lesson=True) is False
    assert a["wrong_portals"] == ["fake-hoso-top", "fake-quocgia-xyz"]
    assert enter_portal(SCENARIO, a, "dvcqg", lesson=True) is True
    assert (a["portal"], a["step"], a["wrong_portals"]) == ("dvcqg", 2, ["fake-hoso-top", "fake-quocgia-xyz"])
    parse_answers(SCENARIO, a)
    result = score_dossier(SCENARIO, KEY, a)
    portal = result.items[0]
    assert (portal.item_id, portal.points, portal.outcome) == ("portal", 0, "fake_portal_visited")


def test_a_look_alike_portal_in_a_contest_ends_the_attempt_with_nothing():
    a = empty_answers()
    assert enter_portal(SCENARIO, a, "fake-hoso-top", lesson=False) is False
    assert (a["portal"], a["ended"]) == ("fake-hoso-top", "fake_portal")
    assert score_dossier(SCENARIO, KEY, a).points == 0


def test_the_portal_domain_is_read_as_the_inbox_reads_a_link():
    assert portal_domain("dichvucong.gov.vn-hoso.top") == "vn-hoso.top"  # not "hoso.top" (issue 14)
    assert portal_domain("vneid-capnhat.icu/tai-app.apk") == "vneid-capnhat.icu"
    assert portal_domain("dichvucong.gov.vn") == "dichvucong.gov.vn"
    assert portal_domain("VNeID (CH Play / App Store)") == ""


def test_a_portal_the_task_does_not_offer_as_a_look_alike_is_refused():
    a = empty_answers()
    a["wrong_portals"] = ["dvcqg"]  # the official one is no look-alike
    with pytest.raises(AnswersInvalid, match="look-alike"):
        parse_answers(SCENARIO, a)


# ------------------------------------------------------------------------------------------ feedback


def test_feedback_says_each_real_problem_once_with_its_human_label():
    a = filled_in()
    a["procedure"] = next(p for p in SCENARIO.procedure_ids if p != KEY.procedure)  # the wrong procedure
    a["agency"] = SCENARIO.procedure(a["procedure"]).agency_ids[0]
    a["fields"], a["documents"] = {}, {}
    result = score_dossier(SCENARIO, KEY, a)
    lines = dossier_feedback(SCENARIO, KEY, result, "vi")
    ids = [line["item_id"] for line in lines]
    assert not [i for i in ids if i.startswith(("field:", "document:"))]  # said once, at the procedure
    assert ids.count("procedure") == 1 and ids[-1] == "not_reached"
    assert "agency" not in ids  # another procedure's agency is the same mistake, said at the procedure
    texts = [m for line in lines for m in line["messages"]]
    assert len(texts) == len(set(texts)), "a sentence is repeated"
    labels = " ".join(line["label"] for line in lines)
    for raw in ("field", "document", "agency", "(0/1)", ":"):
        assert raw not in labels, labels
    summary = dossier_summary(lines, result)
    assert {r["id"]: r["step"] for r in summary["review"]}["procedure"] == 3


def test_every_scored_item_has_a_human_label_for_the_teacher():
    result = score_dossier(SCENARIO, KEY, filled_in())
    labels = [dossier_item_label(SCENARIO, item.item_id, "vi") for item in result.items]
    assert "Cơ quan có thẩm quyền" in labels and "Số điện thoại di động nhận thông báo" in labels
    assert not [label for label in labels if ":" in label or label in ("agency", "portal", "fee")]
