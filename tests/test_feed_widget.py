"""NewsFeed without a browser or a kernel: no verdict and no check result before the learner asks,
checks recorded honestly with the decision, tampered front ends refused, answers saved and restored
through the stores, one language at a time, contest mode keyless."""
from __future__ import annotations

import json
import unicodedata

import pytest

from hocvuso.core import FileStore, GradingError, Learner, MemoryStore, SqlStore
from hocvuso.core.feed import load_feed
from hocvuso.widgets import NewsFeed

FEED = "tin-that-tin-gia"
SCENARIO, KEY = load_feed(FEED)


def _synced(widget) -> str:
    state = widget.get_state()
    return json.dumps({k: v for k, v in state.items() if k not in ("_esm", "_css")}, ensure_ascii=False)


def _secrets(post_id: str, locale: str = "vi") -> list[str]:
    k = KEY.posts[post_id]
    return [t.get(locale) for t in (k.explain, k.label, *k.decisions.values())]


@pytest.fixture()
def store() -> MemoryStore:
    return MemoryStore()


def test_nothing_of_the_key_or_the_tools_is_synced_before_the_learner_asks(store):
    w = NewsFeed(FEED, task_id="t", store=store, locale="vi")
    state = _synced(w)
    for post in SCENARIO.posts:
        for text in _secrets(post.id) + [r.vi for r in post.tools.values()]:
            assert text not in state
    assert '"correct"' not in state and "needed" not in state


def test_a_check_reveals_only_its_own_result_and_goes_into_the_saved_answer(store):
    w = NewsFeed(FEED, task_id="t", store=store, locale="vi")
    found = w.check("anh-lu-cu", "image")
    assert "2019" in found
    assert w.revealed == {"anh-lu-cu": [{"tool": "image", "label": "Ảnh này từ đâu ra?", "text": found}]}
    state = _synced(w)
    assert SCENARIO.post("anh-lu-cu").tools["official"].vi not in state
    assert store.saved == []  # a check alone is not an answer
    fb = w.decide("anh-lu-cu", "report")
    assert fb["outcome"] == "correct" and set(w.feedback) == {"anh-lu-cu"}
    assert store.saved[-1].answers == {"posts": {"anh-lu-cu": {"decision": "report", "checked": ["image"]}}}
    assert store.saved[-1].kind == "feed"
    # other posts' verdicts stay secret
    for text in _secrets("thong-bao-that"):
        assert text not in _synced(w)


def test_deciding_without_checking_is_explained_and_decisions_are_final(store):
    w = NewsFeed(FEED, task_id="t", store=store, locale="en")
    fb = w.decide("thong-bao-that", "dont_share")
    assert fb["outcome"] == "held_back_true" and fb["points"] == 0
    assert [line["status"] for line in fb["lines"]][:2] == ["wrong", "right"]
    assert {line["status"] for line in fb["lines"][2:]} == {"skipped", "extra"}
    for bad in ({"action": "decide", "post_id": "thong-bao-that", "decision": "share"},
                {"action": "tool", "post_id": "thong-bao-that", "tool": "source"}):
        w._on_front_end_msg(w, bad)
        assert w.status["level"] == "error" and "cannot be changed" in w.status["text"]
    assert store.saved[-1].answers["posts"]["thong-bao-that"]["decision"] == "dont_share"


def test_a_whole_lesson_ends_on_the_result_screen(store):
    w = NewsFeed(FEED, task_id="t", store=store, locale="vi")
    for post in SCENARIO.posts:
        for tool in post.tool_ids:
            w.check(post.id, tool)
        decision = "share" if post.id == "thong-bao-that" else "dont_share"
        w.decide(post.id, decision if post.id != "tin-don-suc-khoe" else "share")
    assert w.summary["points"] == 15 and w.summary["max_points"] == 19
    assert [p["id"] for p in w.summary["review"]] == ["tin-don-suc-khoe"]
    assert w.score().points == 15


def test_tampered_front_end_is_refused_without_crashing(store):
    w = NewsFeed(FEED, task_id="t", store=store, locale="vi")
    for bad in [None, "x", 3, {"action": "nope"}, {"action": "decide"}, {"action": "decide", "post_id": "zzz"},
                {"action": "decide", "post_id": "anh-lu-cu", "decision": "like"},
                {"action": "decide", "post_id": "anh-lu-cu", "decision": ["share"]},
                {"action": "decide", "post_id": ["anh-lu-cu"], "decision": "share"},
                {"action": "tool", "post_id": "thong-bao-that", "tool": "image"},
                {"action": "tool", "post_id": "anh-lu-cu", "tool": "<script>"},
                {"action": "locale", "locale": "fr"}]:
        w._on_front_end_msg(w, bad)
        assert w.status["level"] == "error"
    assert store.saved == [] and w.answers == {"posts": {}} and w.revealed == {}
    w.set_state({"answers": {"posts": {"anh-lu-cu": {"decision": "report", "checked": ["image"]}}},
                 "feedback": {"x": 1}, "revealed": {"anh-lu-cu": []}, "summary": {"points": 19}, "mode": "contest"})
    assert w.answers == {"posts": {}} and w.feedback == {} and w.revealed == {} and w.summary == {}
    assert w.mode == "lesson"
    # decomposed Vietnamese input (Telex) is normalised like any other text
    w._on_front_end_msg(w, {"action": "tool", "post_id": unicodedata.normalize("NFD", "anh-lu-cu"), "tool": "image"})
    w._on_front_end_msg(w, {"action": "decide", "post_id": "anh-lu-cu", "decision": "report"})
    assert w.status["level"] == "ok" and w.feedback["anh-lu-cu"]["correct"]


def test_one_language_at_a_time_and_switching_keeps_everything(store):
    w = NewsFeed(FEED, task_id="t", store=store, locale="vi")
    w.check("anh-lu-cu", "image")
    w.decide("anh-lu-cu", "report")
    vi = _synced(w)
    assert SCENARIO.post("anh-lu-cu").text.en not in vi
    w._on_front_end_msg(w, {"action": "locale", "locale": "en"})
    assert w.locale == "en" and w.view["title"] == SCENARIO.title.en
    assert w.revealed["anh-lu-cu"][0]["text"] == SCENARIO.post("anh-lu-cu").tools["image"].en
    assert w.feedback["anh-lu-cu"]["label"] == KEY.posts["anh-lu-cu"].label.en
    assert w.strings["next"] == "Next post" and w.strings["read_aloud"] == "Read aloud"
    assert SCENARIO.post("anh-lu-cu").text.vi not in _synced(w)


def test_contest_mode_holds_no_key_and_allows_changes(store):
    w = NewsFeed(FEED, task_id="t", mode="contest", store=store)
    assert w._key is None
    w.check("anh-lu-cu", "source")
    assert w.decide("anh-lu-cu", "share") is None
    w.check("anh-lu-cu", "image")
    w.decide("anh-lu-cu", "report")
    assert w.feedback == {} and w.summary == {}
    assert store.saved[-1].answers["posts"]["anh-lu-cu"] == {"decision": "report", "checked": ["source", "image"]}
    with pytest.raises(GradingError):
        w.score()


def test_answers_persist_and_restore_through_stores(tmp_path):
    learner = Learner(class_code="6A", name="Bà Tư", learner_id="l1")
    sql = SqlStore(f"sqlite:///{tmp_path / 'c.sqlite'}")
    w = NewsFeed(FEED, task_id="tin", store=sql, learner=learner)
    w.check("anh-lu-cu", "image")
    w.decide("anh-lu-cu", "report")
    w.decide("thong-bao-that", "share")
    again = NewsFeed(FEED, task_id="tin", store=sql, learner=learner)
    assert set(again.answers["posts"]) == {"anh-lu-cu", "thong-bao-that"}
    assert set(again.feedback) == set(again.answers["posts"])
    assert [r["tool"] for r in again.revealed["anh-lu-cu"]] == ["image"]
    assert again.status["msgid"] == "Your earlier answers were restored."
    # an anonymous visitor never sees the named learner's answers
    assert NewsFeed(FEED, task_id="tin", store=sql).answers == {"posts": {}}


def test_grade_cell_scores_the_file_the_widget_saved(tmp_path):
    from hocvuso.grader import grade

    files = FileStore(tmp_path)
    w = NewsFeed(FEED, task_id="tin", store=files)
    w.check("thong-bao-that", "source")
    w.check("thong-bao-that", "official")
    w.decide("thong-bao-that", "share")
    assert files.path_for("tin").is_file()
    graded = grade("tin", scenario=FEED, out_of=10, store=files)
    assert graded == round(4 / 19 * 10, 2) == round(w.score().fraction * 10, 2)
    with pytest.raises(GradingError):
        grade("tin", scenario="thanh-toan-an-toan", out_of=10, store=files)


@pytest.mark.nbgrader
@pytest.mark.slow
def test_real_nbgrader_grades_the_feed_lesson_with_the_same_score(tmp_path):
    """A judge's course for the lesson (hocvuso course init + assign), a student who decided on three
    posts and one who handed in nothing, real `nbgrader autograde`: the gradebook holds hocvuso's score
    of the saved answers, and 0 (not nbgrader's full marks for a silent cell) for the empty hand-in."""
    from nbgrader.api import Gradebook

    from graderkit import lesson_course, nbgrader, submitted_folder

    course = lesson_course(tmp_path / "course", FEED)
    folder = submitted_folder(course, "hs-an", FEED)
    w = NewsFeed(FEED, task_id="tin-that-tin-gia", store=FileStore(folder))
    w.check("anh-lu-cu", "image")
    w.decide("anh-lu-cu", "report")
    w.decide("thong-bao-that", "share")
    w.decide("tin-don-suc-khoe", "share")
    expected = w.score().scaled(10)
    submitted_folder(course, "hs-trong", FEED)
    done = nbgrader(course, "autograde", FEED, "--create", "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        graded = gb.find_submission(FEED, "hs-an").score
        assert graded == pytest.approx(expected) == pytest.approx(5 / 19 * 10, abs=0.01)
        assert gb.find_submission(FEED, "hs-trong").score == 0
