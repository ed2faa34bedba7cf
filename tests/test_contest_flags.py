"""A contest inbox offers the same short flag list as a lesson (≤8 of the 18 flags, every key flag among them),
stored in the public bank by scripts/build_contests.py, so the widget shows it without the key."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hocvuso.contest._inbox import ContestInbox, load_bank, variant_scenario
from hocvuso.core import MemoryStore
from hocvuso.core.inbox import FLAG_CHOICES, load_flags, offered_flags
from hocvuso.widgets._task import Refused

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "notebooks" / "thi-khong-code" / "de-thi" / "hop-thu.json"
JUDGE = ROOT / "contest" / "judge" / "hop-thu-thi.json"


def test_every_bank_item_offers_a_short_list_holding_its_key():
    bank, judge = load_bank(BANK), json.loads(JUDGE.read_text(encoding="utf-8"))
    keys = {item["id"]: item["key"] for slot in judge["slots"] for item in slot["items"]}
    catalogue = load_flags()
    assert len(catalogue) > FLAG_CHOICES
    for slot in bank["slots"]:
        for item in slot["items"]:
            _verdict, flags = keys[item["id"]]
            assert len(item["offered"]) == FLAG_CHOICES, item["id"]
            assert set(flags) <= set(item["offered"]), item["id"]
            assert tuple(item["offered"]) == offered_flags(item["id"], item["channel"], flags, catalogue)


def test_the_contest_widget_offers_the_short_list_and_refuses_another_flag():
    inbox = ContestInbox(BANK, task_id="hop-thu", student="hs-0042", store=MemoryStore())
    scenario = variant_scenario(load_bank(BANK), "hs-0042")
    all_flags = {f.id for f in load_flags()}
    for message in scenario.messages:
        assert len(message.offered) == FLAG_CHOICES
    first = scenario.messages[0]
    hidden = sorted(all_flags - set(first.offered))[0]
    with pytest.raises(Refused, match="not offered"):
        inbox.answer(first.id, "scam", [hidden])
    inbox.answer(first.id, "scam", [first.offered[0]])
