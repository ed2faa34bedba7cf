"""The short red-flag list each message offers (core/inbox/choices.py), and that it keeps scoring fair."""
from __future__ import annotations

import pytest

from hocvuso.core import LocalText
from hocvuso.core.inbox import (
    FLAG_CHOICES,
    Flag,
    MessageAnswer,
    inbox_paths,
    load_flags,
    load_inbox,
    load_message,
    message_paths,
    offered_flags,
    score_message,
)

T = LocalText(vi="x", en="x")
CATALOGUE = tuple(Flag(f"f{i:02d}", T, T, ("sms",) if i % 3 else ("call",)) for i in range(18))
MESSAGES = [load_message(p) for p in message_paths()]


def test_offers_the_key_and_distractors_that_fit_the_channel_in_catalogue_order() -> None:
    offered = offered_flags("m1", "sms", ["f00", "f04"], CATALOGUE)  # f00 is a call flag: in the key, so offered
    assert len(offered) == FLAG_CHOICES
    assert {"f00", "f04"} <= set(offered)
    assert all(f == "f00" or "sms" in CATALOGUE[int(f[1:])].channels for f in offered)
    assert list(offered) == sorted(offered)  # catalogue order: the key flags do not come first
    assert offered_flags("m1", "sms", ["f04", "f00"], CATALOGUE) == offered  # deterministic
    assert offered_flags("m2", "sms", ["f00", "f04"], CATALOGUE) != offered  # distractors differ per message


def test_a_key_longer_than_the_list_is_offered_whole() -> None:
    key = [f.id for f in CATALOGUE if "sms" in f.channels][:10]
    assert set(offered_flags("m", "sms", key, CATALOGUE)) == set(key)


def test_a_channel_with_few_flags_offers_what_fits() -> None:
    assert offered_flags("m", "call", [], CATALOGUE) == tuple(f.id for f in CATALOGUE if "call" in f.channels)


@pytest.mark.parametrize(("message", "key"), MESSAGES, ids=[m.id for m, _ in MESSAGES])
def test_every_shipped_message_offers_a_short_fair_list(message, key) -> None:
    channel_fit = {f.id for f in load_flags() if message.channel in f.channels}
    assert len(message.offered) <= FLAG_CHOICES
    assert set(key.red_flags) <= set(message.offered)
    assert set(message.offered) - set(key.red_flags) <= channel_fit
    # the length does not tell a scam from a genuine message
    assert len(message.offered) == min(FLAG_CHOICES, len(channel_fit | set(key.red_flags)))


@pytest.mark.parametrize("inbox_id", [p.stem for p in inbox_paths()])
def test_ticking_every_offered_correct_flag_gives_full_marks(inbox_id: str) -> None:
    scenario, key = load_inbox(inbox_id)
    for message in scenario.messages:
        message_key = key.messages[message.id]
        assert message.offered, message.id
        ticked = [f for f in message.offered if f in message_key.red_flags]
        item = score_message(message_key, MessageAnswer(verdict=message_key.verdict, flags=ticked), key.rules,
                             message.id)
        assert item.points == item.max_points, message.id
        assert item.outcome == "correct", message.id


def test_the_view_sends_only_the_offered_ids_before_any_answer() -> None:
    scenario, _key = load_inbox("tuan-01-goi-lai-so-quen")
    view = scenario.view("vi")
    for message, drawn in zip(scenario.messages, view["messages"], strict=True):
        assert drawn["flags"] == list(message.offered)


@pytest.mark.parametrize(("message", "key"), MESSAGES, ids=[m.id for m, _ in MESSAGES])
def test_no_offered_flag_gives_the_key_away(message, key) -> None:
    """Distractors are drawn from the flags that fit the channel, so a key flag that did not fit would be
    the one odd choice on the list: every key flag of the shipped content fits its message's channel."""
    fits = {f.id for f in load_flags() if message.channel in f.channels}
    assert set(key.red_flags) <= fits
