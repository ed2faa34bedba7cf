"""ScamInbox without a browser or a kernel (anywidget falls back to comm's DummyComm).

The story: a learner opens the sample inbox, inspects a link, answers; the answer is saved to
whatever store the classroom uses; feedback appears only after answering and only in lesson mode;
a contest widget never holds or shows a right answer; a tampered front end cannot crash anything.
"""
from __future__ import annotations

import json

import pytest

from hocvuso.core import (
    AnswersInvalid,
    FileStore,
    GradingError,
    Learner,
    MemoryStore,
    SqlStore,
    Submission,
    load_exercise,
    load_inbox,
    score,
)
from hocvuso.widgets import ScamInbox

INBOX = "hop-thu-mau"
SCAM = "sms-vneid-sap-nhap"
SAFE = "sms-ngan-hang-otp-that"


@pytest.fixture()
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture()
def lesson(store: MemoryStore) -> ScamInbox:
    return ScamInbox(INBOX, task_id="hop-thu", store=store, locale="vi")


@pytest.fixture()
def contest(store: MemoryStore) -> ScamInbox:
    return ScamInbox(INBOX, task_id="hop-thu", mode="contest", store=store, locale="vi")


def _key_texts(inbox_id: str) -> list[str]:
    """Every right-answer text of an inbox, in every locale, that must never reach the browser early."""
    scenario, key = load_inbox(inbox_id)
    texts = []
    for message_key in key.messages.values():
        for local in (message_key.explanation, message_key.action):
            texts += [local.vi, local.en]
    for flag in scenario.flags:  # flag explanations come only with feedback
        texts += [flag.explain.vi, flag.explain.en]
    return texts


_KEY_FIELDS = {"expected", "expected_flags", "red_flags", "explanation", "action", "outcome", "correct",
               "headline", "explain", "flags_hit", "flags_missed", "flags_wrong"}


def _walk(value, path="state"):
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k, v
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")


def assert_no_key_in_state(widget: ScamInbox, *, answered: set[str] = frozenset()) -> None:
    """No synced trait holds a right answer, except feedback for `answered` messages (lesson mode)."""
    state = widget.get_state()
    shown = {k: v for k, v in state.items() if k != "feedback"}
    shown["feedback"] = {m: f for m, f in state["feedback"].items() if m not in answered}
    text = json.dumps(shown, ensure_ascii=False)
    for secret in _key_texts(widget.inbox_id):
        assert secret not in text, f"a key text reached synced state: {secret[:60]!r}"
    for path, k, _ in _walk(shown):
        assert k not in _KEY_FIELDS, f"a key field {k!r} reached synced state at {path}"
    assert set(state["feedback"]) <= set(answered)


# ------------------------------------------------------------------ answering and persisting


def test_answer_is_saved_to_memory_store(lesson: ScamInbox, store: MemoryStore) -> None:
    lesson.inspect_link(SCAM, 0)
    lesson.answer(SCAM, "scam", ["lookalike-link", "app-outside-store"])
    sub = store.saved[-1]
    assert isinstance(sub, Submission)
    assert (sub.task_id, sub.kind, sub.scenario_id) == ("hop-thu", "inbox", INBOX)
    assert sub.answers == {"messages": {SCAM: {"verdict": "scam", "flags": ["lookalike-link", "app-outside-store"]}},
                           "inspected": {SCAM: [0]}}
    assert lesson.submission.answers == sub.answers


def test_answer_is_saved_to_file_store(tmp_path) -> None:
    widget = ScamInbox(INBOX, task_id="hop-thu", store=FileStore(tmp_path))
    widget.answer(SAFE, "safe")
    loaded = FileStore(tmp_path).load("hop-thu")
    assert loaded.answers["messages"] == {SAFE: {"verdict": "safe", "flags": []}}


def test_answer_is_saved_to_sql_store_and_rescores_to_the_widgets_points(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    learner = Learner(class_code="6a", name="Nguyễn Thị Mai", learner_id="mai-1")
    widget = ScamInbox(INBOX, task_id="hop-thu", store=SqlStore(url), learner=learner)
    widget.answer(SCAM, "scam", ["lookalike-link"])
    widget.answer(SAFE, "safe")
    rows = SqlStore(url).rows()
    assert len(rows) == 2
    last = rows[-1]
    assert (last["task_id"], last["kind"], last["scenario_id"], last["learner_id"]) == \
        ("hop-thu", "inbox", INBOX, "mai-1")
    stored = json.loads(last["payload"])["answers"]
    assert stored["messages"][SAFE] == {"verdict": "safe", "flags": []}
    # The store keeps answers, not scores: the dashboard re-scores them, and gets the widget's number.
    assert "points" not in last
    assert score(*load_exercise(INBOX), stored) == widget.score()


def test_contest_mode_saves_without_points(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'contest.sqlite'}"
    widget = ScamInbox(INBOX, task_id="hop-thu", mode="contest", store=SqlStore(url))
    assert widget.answer(SCAM, "safe") is None
    assert widget.answer(SCAM, "scam", ["secrecy"]) is None  # may change its mind in a contest
    rows = SqlStore(url).rows()
    assert len(rows) == 2 and not any("points" in r for r in rows)
    assert json.loads(rows[-1]["payload"])["answers"]["messages"][SCAM] == {"verdict": "scam", "flags": ["secrecy"]}


def test_typed_text_is_normalised(lesson: ScamInbox, store: MemoryStore) -> None:
    lesson.answer(f"  {SAFE} ", " safe", [])
    assert SAFE in store.saved[-1].answers["messages"]


def test_restores_a_named_learners_earlier_answers(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    learner = Learner(class_code="6a", name="Lan", learner_id="lan")
    ScamInbox(INBOX, task_id="hop-thu", store=SqlStore(url), learner=learner).answer(SCAM, "scam", ["secrecy"])
    again = ScamInbox(INBOX, task_id="hop-thu", store=SqlStore(url), learner=learner)
    assert again.answers["messages"][SCAM]["verdict"] == "scam"
    assert SCAM in again.feedback
    with pytest.raises(AnswersInvalid, match="already answered"):
        again.answer(SCAM, "safe")
    stranger = ScamInbox(INBOX, task_id="hop-thu", store=SqlStore(url))  # anonymous: starts fresh
    assert stranger.answers["messages"] == {}


def test_restores_from_the_notebook_file_but_not_for_voila_visitors(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    ScamInbox(INBOX, task_id="hop-thu", store=FileStore(tmp_path)).answer(SAFE, "safe")
    reopened = ScamInbox(INBOX, task_id="hop-thu", store=FileStore(tmp_path))  # JupyterLab reload
    assert SAFE in reopened.answers["messages"] and reopened.status["level"] == "info"
    monkeypatch.setenv("VOILA_PREHEAT", "False")  # a Voilà kernel: every visitor shares that folder
    visitor = ScamInbox(INBOX, task_id="hop-thu", store=FileStore(tmp_path))
    assert visitor.answers["messages"] == {}


# ------------------------------------------------------------------ lesson feedback


def test_feedback_only_after_answering(lesson: ScamInbox) -> None:
    assert lesson.feedback == {}
    assert_no_key_in_state(lesson)
    result = lesson.answer(SCAM, "scam", ["lookalike-link", "secrecy"])
    assert set(lesson.feedback) == {SCAM}
    assert lesson.feedback[SCAM] == result
    assert result["verdict"] == "scam"
    statuses = {f["id"]: f["status"] for f in result["flags"]}
    assert statuses["lookalike-link"] == "hit"
    assert "missed" in statuses.values()
    assert result["explanation"] and result["action"]
    # the other message's answer is still nowhere in the state
    assert_no_key_in_state(lesson, answered={SCAM})


def test_second_answer_in_lesson_mode_is_refused(lesson: ScamInbox, store: MemoryStore) -> None:
    lesson.answer(SAFE, "scam")
    with pytest.raises(AnswersInvalid, match="already answered"):
        lesson.answer(SAFE, "safe")
    assert lesson.answers["messages"][SAFE]["verdict"] == "scam"
    assert len(store.saved) == 1


def test_score_in_lesson_mode(lesson: ScamInbox) -> None:
    lesson.answer(SAFE, "safe")
    score = lesson.score()
    assert score.points > 0 and score.max_points > score.points


def test_inspection_shows_only_the_asked_link(lesson: ScamInbox, store: MemoryStore) -> None:
    assert lesson.inspections == {}
    described = lesson.inspect_link(SCAM, 0)
    assert described["domain"].endswith(".top") and described["apk"] and not described["gov_vn"]
    assert lesson.inspections == {SCAM: {"0": described}}
    assert store.saved[-1].answers["inspected"] == {SCAM: [0]}
    with pytest.raises(AnswersInvalid, match="does not exist"):
        lesson.inspect_link(SCAM, 5)
    with pytest.raises(AnswersInvalid, match="does not exist"):
        lesson.inspect_link(SAFE, 0)


@pytest.mark.parametrize(("message_id", "verdict", "flags", "match"), [
    ("no-such-message", "scam", [], "no message"),
    (SCAM, "maybe", [], "verdict must be"),
    (SCAM, "scam", ["not-a-flag"], "unknown red flag"),
    (SCAM, "scam", "urgency", "list of red-flag ids"),
    (SCAM, None, [], "verdict must be"),
])
def test_invalid_answers_raise_clearly(lesson: ScamInbox, store: MemoryStore, message_id, verdict, flags,
                                       match) -> None:
    with pytest.raises(AnswersInvalid, match=match):
        lesson.answer(message_id, verdict, flags)
    assert store.saved == []
    assert lesson.answers["messages"] == {}


# ------------------------------------------------------------------ contest mode: no key, ever


def test_contest_widget_holds_no_key(contest: ScamInbox) -> None:
    from hocvuso.core.inbox import InboxKey, MessageKey

    for value in vars(contest).values():
        assert not isinstance(value, (InboxKey, MessageKey))
    with pytest.raises(GradingError, match="contest mode"):
        contest.score()


def test_contest_state_never_contains_the_key(contest: ScamInbox) -> None:
    assert_no_key_in_state(contest)
    contest.inspect_link(SCAM, 0)
    assert contest.answer(SCAM, "scam", ["lookalike-link"]) is None
    assert_no_key_in_state(contest)
    for message in contest.view["messages"]:
        contest.answer(message["id"], "safe")
    contest.set_trait("locale", "en")
    assert contest.feedback == {}
    assert_no_key_in_state(contest)
    assert contest.status["level"] == "ok"


def test_lesson_state_before_answering_has_no_key(lesson: ScamInbox) -> None:
    lesson.inspect_link(SCAM, 0)
    assert_no_key_in_state(lesson)


# ------------------------------------------------------------------ a tampered front end


@pytest.mark.parametrize("payload", [
    "not a dict",
    ["answer"],
    None,
    {},
    {"action": "execute", "code": "import os"},
    {"action": "answer", "message_id": "nope", "verdict": "scam", "flags": []},
    {"action": "answer", "message_id": SCAM, "verdict": "certainly", "flags": []},
    {"action": "answer", "message_id": SCAM, "verdict": "scam", "flags": ["made-up"]},
    {"action": "answer", "message_id": SCAM, "verdict": "scam", "flags": "urgency"},
    {"action": "answer", "message_id": SCAM, "verdict": "scam", "flags": [{"$": 1}]},
    {"action": "answer", "message_id": {"x": 1}, "verdict": "scam"},
    {"action": "inspect", "message_id": SCAM, "index": 99},
    {"action": "inspect", "message_id": SCAM, "index": "0"},
    {"action": "inspect", "message_id": SCAM, "index": True},
    {"action": "locale", "locale": "fr"},
])
def test_tampered_messages_set_status_and_do_not_crash(lesson: ScamInbox, store: MemoryStore, payload) -> None:
    lesson._on_front_end_msg(lesson, payload, [])
    assert lesson.status["level"] == "error"
    assert lesson.status["text"]
    assert lesson.answers["messages"] == {}
    assert store.saved == [] or all(s.answers["messages"] == {} for s in store.saved)
    assert lesson.locale == "vi"


def test_front_end_cannot_write_python_owned_traits(lesson: ScamInbox) -> None:
    lesson.set_state({"answers": {"messages": {SCAM: {"verdict": "scam", "flags": []}}, "inspected": {}},
                      "feedback": {SCAM: {"headline": "x"}}, "mode": "contest"})
    assert lesson.answers["messages"] == {}
    assert lesson.feedback == {}
    assert lesson.mode == "lesson"
    assert lesson.status["level"] == "error"


def test_front_end_actions_work(lesson: ScamInbox, store: MemoryStore) -> None:
    lesson._on_front_end_msg(lesson, {"action": "inspect", "message_id": SCAM, "index": 0}, [])
    lesson._on_front_end_msg(lesson, {"action": "answer", "message_id": SCAM, "verdict": "scam",
                                      "flags": ["lookalike-link"]}, [])
    assert lesson.status["level"] == "ok"
    assert SCAM in lesson.feedback
    lesson._on_front_end_msg(lesson, {"action": "answer", "message_id": SCAM, "verdict": "safe", "flags": []}, [])
    assert lesson.status["level"] == "error"
    assert "đã trả lời" in lesson.status["text"]
    assert store.saved[-1].answers["messages"][SCAM]["verdict"] == "scam"


def test_a_failing_store_is_reported_not_crashed(tmp_path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    widget = ScamInbox(INBOX, task_id="hop-thu", store=FileStore(blocker / "sub"))
    widget._on_front_end_msg(widget, {"action": "answer", "message_id": SAFE, "verdict": "safe", "flags": []}, [])
    assert widget.status["level"] == "error"
    assert widget.answers["messages"][SAFE]["verdict"] == "safe"  # kept; saved again with the next action


# ------------------------------------------------------------------ languages


def test_locale_switch_renders_english(lesson: ScamInbox) -> None:
    scenario, _ = load_inbox(INBOX)
    lesson.answer(SCAM, "scam", ["lookalike-link"])
    assert lesson.strings["scam"] == "Lừa đảo"
    assert lesson.view["title"] == scenario.title.vi
    lesson._on_front_end_msg(lesson, {"action": "locale", "locale": "en"}, [])
    assert lesson.locale == "en"
    assert lesson.view == scenario.view("en")
    assert lesson.strings["scam"] == "Scam" and lesson.strings["inspect"] == "Inspect link"
    assert lesson.feedback[SCAM]["explanation"] == load_inbox(INBOX)[1].messages[SCAM].explanation.en
    assert lesson.status["text"].startswith("Answer saved")


def test_every_ui_string_is_translated() -> None:
    from hocvuso.widgets._inbox import _ui_strings

    vi, en = _ui_strings("vi"), _ui_strings("en")
    assert set(vi) == set(en)
    untranslated = [k for k in en if vi[k] == en[k] and k not in {"channel_sms", "channel_zalo", "channel_email"}]
    assert untranslated == []


def test_every_trait_explains_itself() -> None:
    for name in ("view", "strings", "locale", "mode", "answers", "inspections", "feedback", "status"):
        assert ScamInbox.class_traits()[name].help, name


def test_bad_arguments_say_how_to_fix(store: MemoryStore) -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        ScamInbox(INBOX, task_id="hop-thu", mode="exam", store=store)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="task id"):
        ScamInbox(INBOX, task_id="Hộp thư", store=store)
    with pytest.raises(ValueError, match="unknown locale"):
        ScamInbox(INBOX, task_id="hop-thu", locale="fr", store=store)


def test_a_flag_the_message_does_not_offer_cannot_be_ticked(lesson: ScamInbox, store: MemoryStore) -> None:
    offered = set(lesson._scenario.message(SCAM).offered)
    not_offered = next(f.id for f in lesson._scenario.flags if f.id not in offered)
    lesson._on_front_end_msg(lesson, {"action": "answer", "message_id": SCAM, "verdict": "scam",
                                      "flags": [not_offered]}, [])
    assert lesson.status["level"] == "error"
    assert SCAM not in lesson.answers["messages"]
    assert lesson.view["messages"][[m["id"] for m in lesson.view["messages"]].index(SCAM)]["flags"] == \
        [f.id for f in lesson._scenario.flags if f.id in offered]
