"""The portal's step flow as pure functions (hocvuso.core.dossier.flow), without a widget.

Each test builds an attempt's answers step by step, as the widget saves them, and asks the flow how far
the learner may go, what stops them, and what the OTP and sign-in rules make of an action.
"""
from __future__ import annotations

import pytest

from hocvuso.core import load_exercise
from hocvuso.core.dossier import (
    MAX_SIGN_IN_FAILURES,
    OTP_SECONDS,
    blocker,
    empty_answers,
    form_state,
    furthest,
    gives_away_otp,
    otp_expired,
    parse_answers,
    record_sign_in_failure,
    reset_confirmation,
    resumed,
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
