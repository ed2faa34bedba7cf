"""'Show me' and the result screen of the inbox, in Python: the clues come from the content check's rules,
only after answering, and every shipped scam has something to mark for every flag of its key."""
from __future__ import annotations

import pytest

from hocvuso.core import MemoryStore
from hocvuso.core.contentcheck import clue_words
from hocvuso.core.inbox import InboxScenario, inbox_paths, load_flags, load_inbox, load_message, message_paths
from hocvuso.widgets import ScamInbox

SCAMS = [(m, k) for m, k in (load_message(p) for p in message_paths()) if k.verdict == "scam"]


def _pieces(view: dict) -> list[str]:
    """The separate texts the phone draws for one message (a mark never spans two of them)."""
    return [view["sender"], view["address"], view["subject"], *(s["text"] for s in view["segments"]),
            *(line["text"] for line in view["transcript"])]


@pytest.mark.parametrize(("message", "key"), SCAMS, ids=[m.id for m, _ in SCAMS])
def test_every_flag_of_a_shipped_scam_has_words_to_mark_on_the_message(message, key) -> None:
    alone = InboxScenario(id="x", title=message.sender.name, intro=message.sender.name, messages=(message,),
                          flags=load_flags())
    pieces = [p.lower() for p in _pieces(alone.view("vi")["messages"][0])]
    clues = clue_words(message, key.red_flags)
    assert set(clues) == set(key.red_flags)
    for flag, words in clues.items():
        assert any(w.lower() in p for w in words for p in pieces), (flag, words)


def test_clues_are_the_words_the_learner_sees() -> None:
    scenario, key = load_inbox("tuan-03-doc-ten-mien")
    message = scenario.message("sms-phat-nguoi-dvc")
    clues = clue_words(message, key.messages[message.id].red_flags)
    assert "dichvucong.gov.vn-nopphat.top" in clues["lookalike-link"]  # the link as shown, not its href
    assert "+94 77 555 0198" in clues["unknown-sender"]


def test_clues_and_result_only_after_answering_and_the_result_names_the_next_lesson() -> None:
    widget = ScamInbox("tuan-01-goi-lai-so-quen", task_id="tuan-01", store=MemoryStore(), locale="vi")
    scenario, key = load_inbox("tuan-01-goi-lai-so-quen")
    assert widget.summary == {} and widget.feedback == {}
    first, *rest = scenario.messages
    scam = next(m for m in scenario.messages if key.messages[m.id].verdict == "scam")
    for message in scenario.messages:
        answer = key.messages[message.id]
        if message.id == first.id:  # one mistake: a genuine message called a scam
            widget.answer(message.id, "scam", [])
        else:
            widget.answer(message.id, answer.verdict, list(answer.red_flags))
        if len(widget.answers["messages"]) < len(scenario.messages):
            assert widget.summary == {}
            assert "phía trên" in widget.status["text"]  # the explanation is above the status line, not below
    flags = {f["id"]: f for f in widget.feedback[scam.id]["flags"]}
    assert all(flags[f]["clues"] for f in key.messages[scam.id].red_flags)
    summary = widget.summary
    assert summary["max_points"] == widget.score().max_points and summary["points"] == widget.score().points
    assert [r["id"] for r in summary["review"]] == [first.id]
    assert summary["review"][0]["step"] == 1 and summary["review"][0]["why"]
    assert len(summary["good"]) == len(rest)
    assert summary["next"]["href"] == "../tuan-02-cong-an-that/tuan-02-cong-an-that.ipynb?lang=vi"
    assert summary["next"]["title"].startswith("Tuần 2")
    assert "hết các tin" in widget.status["text"]  # the status line says it is all done, in words
    widget.locale = "en"
    assert widget.summary["next"]["title"].startswith("Week 2")


@pytest.mark.parametrize("inbox_id", [p.stem for p in inbox_paths() if p.stem.startswith("tuan-")])
def test_each_week_names_the_next_one_and_the_last_none(inbox_id: str) -> None:
    scenario, _key = load_inbox(inbox_id)
    week = int(inbox_id[5:7])
    last = max(int(p.stem[5:7]) for p in inbox_paths() if p.stem.startswith("tuan-"))
    if week == last:
        assert scenario.next is None
    else:
        assert scenario.next is not None and scenario.next.startswith(f"tuan-{week + 1:02d}-")


def test_a_finished_inbox_reopens_on_its_result_screen(tmp_path) -> None:
    from hocvuso.core import Learner, SqlStore

    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    learner = Learner(class_code="6a", name="Lan", learner_id="lan")
    scenario, key = load_inbox("tuan-11-tai-khoan-va-nguoi-la")
    first = ScamInbox(scenario.id, task_id="tuan-11", store=SqlStore(url), learner=learner, locale="vi")
    for message in scenario.messages:
        first.answer(message.id, key.messages[message.id].verdict, list(key.messages[message.id].red_flags))
    assert first.summary["points"] == first.summary["max_points"] and first.summary["review"] == []
    assert first.summary["next"] is None  # the last week of the series
    again = ScamInbox(scenario.id, task_id="tuan-11", store=SqlStore(url), learner=learner, locale="vi")
    assert again.summary == first.summary
    contest = ScamInbox(scenario.id, task_id="tuan-11-thi", mode="contest", store=SqlStore(url), learner=learner)
    for message in scenario.messages:
        contest.answer(message.id, "safe")
    assert contest.summary == {} and contest.feedback == {}  # a contest shows no result screen
