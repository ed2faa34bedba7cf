"""score() for the scam inbox, from a table of cases.

The scenario is built here in code (not from the bundled content) so that the expected numbers
follow only from the scoring rules: verdict 2, +1 per right flag, -1 per wrong flag (flag part never
below 0), -1 for calling a genuine message a scam, total never below 0.
"""
from __future__ import annotations

import pytest

from hocvuso.core import AnswersInvalid, GradingError, LocalText, score
from hocvuso.core.inbox import Flag, InboxKey, InboxMessage, InboxScenario, MessageKey, ScoringRules, SenderDef

T = LocalText(vi="x", en="x")
FLAGS = tuple(Flag(f, T, T) for f in ("urgency", "asks-otp", "lookalike-link", "too-good", "secrecy"))


def _msg(mid: str) -> InboxMessage:
    return InboxMessage(id=mid, channel="sms", sender=SenderDef(name=T, address="x"), time="08:00", subject=None,
                        body=T, transcript=(), links=(), form="fake-loan", competences=("4.2",), level=1)


SCENARIO = InboxScenario(id="t", title=T, intro=T, messages=(_msg("scam1"), _msg("scam2"), _msg("real1")), flags=FLAGS)
KEY = InboxKey(scenario_id="t", rules=ScoringRules(), messages={
    "scam1": MessageKey("scam", ("urgency", "asks-otp", "lookalike-link"), T, T),   # max 2 + 3 = 5
    "scam2": MessageKey("scam", ("too-good",), T, T),                               # max 2 + 1 = 3
    "real1": MessageKey("safe", (), T, T),                                          # max 2
})
MAX = 10.0


def ans(**verdicts):
    return {"messages": {mid: {"verdict": v[0], "flags": list(v[1])} for mid, v in verdicts.items()}}


CASES = [
    ("empty answers", {}, 0.0),
    ("empty messages", {"messages": {}}, 0.0),
    ("perfect", ans(scam1=("scam", ["urgency", "asks-otp", "lookalike-link"]), scam2=("scam", ["too-good"]),
                    real1=("safe", [])), 10.0),
    ("verdicts right, no flags", ans(scam1=("scam", []), scam2=("scam", []), real1=("safe", [])), 6.0),
    ("one right flag, one wrong flag cancel", ans(scam1=("scam", ["urgency", "too-good"])), 2.0),
    ("wrong flags never go below the verdict points", ans(scam1=("scam", ["too-good", "secrecy"])), 2.0),
    ("missed scam earns nothing", ans(scam1=("safe", [])), 0.0),
    ("flags on a message judged safe are ignored", ans(real1=("safe", ["urgency"])), 2.0),
    ("over-suspicion costs a point", ans(scam1=("scam", ["urgency"]), real1=("scam", [])), 2.0),
    ("over-suspicion alone never goes below zero", ans(real1=("scam", ["urgency"])), 0.0),
    ("flag everything: all scam, all flags",
     ans(**{m: ("scam", [f.id for f in FLAGS]) for m in ("scam1", "scam2", "real1")}),
     # scam1: 2 + max(0, 3-2) = 3; scam2: 2 + max(0, 1-4) = 2; real1: -1
     4.0),
]


@pytest.mark.parametrize(("case", "answers", "expected"), CASES, ids=[c[0] for c in CASES])
def test_inbox_score_table(case, answers, expected):
    result = score(SCENARIO, KEY, answers)
    assert result.points == expected
    assert result.max_points == MAX
    assert [i.item_id for i in result.items] == ["scam1", "scam2", "real1"]


def test_outcomes_name_what_happened():
    result = score(SCENARIO, KEY, ans(scam1=("scam", ["urgency"]), scam2=("safe", []), real1=("scam", [])))
    assert [i.outcome for i in result.items] == ["partial", "missed_scam", "over_suspicion"]
    first = result.items[0].details
    assert first["flags_hit"] == ["urgency"] and first["flags_missed"] == ["asks-otp", "lookalike-link"]


def test_flagging_everything_scores_less_than_half():
    everything = ans(**{m: ("scam", [f.id for f in FLAGS]) for m in ("scam1", "scam2", "real1")})
    assert score(SCENARIO, KEY, everything).fraction < 0.5


def test_score_is_deterministic_and_scaled():
    answers = ans(scam1=("scam", ["urgency"]), real1=("safe", []))
    first, second = score(SCENARIO, KEY, answers), score(SCENARIO, KEY, answers)
    assert first == second
    assert first.scaled(10) == 5.0 and first.scaled(3) == 1.5


@pytest.mark.parametrize("answers, fragment", [
    ({"messages": {"nope": {"verdict": "scam", "flags": []}}}, "nope"),
    ({"messages": {"scam1": {"verdict": "maybe", "flags": []}}}, "verdict"),
    ({"messages": {"scam1": {"verdict": "scam", "flags": ["made-up"]}}}, "made-up"),
    ({"messages": {"scam1": {"verdict": "scam", "flags": ["urgency", "urgency"]}}}, "twice"),
    ({"messages": {}, "extra": 1}, "extra"),
    ({"messages": {"scam1": {"verdict": "scam", "flags": "urgency"}}}, "flags"),
])
def test_answers_that_do_not_fit_are_refused(answers, fragment):
    with pytest.raises(AnswersInvalid, match=fragment):
        score(SCENARIO, KEY, answers)


def test_a_key_of_another_scenario_is_refused():
    other = InboxKey(scenario_id="other", rules=ScoringRules(), messages=KEY.messages)
    with pytest.raises(GradingError, match="does not belong"):
        score(SCENARIO, other, {})
