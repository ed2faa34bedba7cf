"""The news-feed kind, pure: the feed loads through the one registry, scores from a table of answers,
keeps its key out of the public view, names no real site, and gives the same number in the lesson, the
grade cell and the teacher's dashboard."""
from __future__ import annotations

import re
import shutil

import pytest

from hocvuso.core import AnswersInvalid, ContentError, FileStore, Learner, SqlStore, Submission, load_exercise, score
from hocvuso.core._content import content_root
from hocvuso.core.feed import feed_paths, feed_summary, load_feed, post_feedback, score_feed

FEED = "tin-that-tin-gia"
SCENARIO, KEY = load_feed(FEED)


def test_the_registry_finds_the_feed_and_every_post_trains_evaluating_information():
    scenario, key = load_exercise(FEED)
    assert scenario.kind == "feed" and key.scenario_id == FEED
    assert 4 <= len(scenario.posts) <= 6
    assert all("1.2" in p.competences for p in scenario.posts)
    assert [FEED] == [p.stem for p in feed_paths()]
    # one real announcement to share, the rest not to pass on; every kind of false post the lesson promises
    assert sorted(tuple(k.correct) for k in key.posts.values()).count(("share",)) == 1
    assert {"screenshot", "quote", "photo"} <= {p.media.type for p in scenario.posts if p.media}


def test_vietnamese_and_english_differ_and_the_view_holds_no_verdict_and_no_tool_result():
    for locale in ("vi", "en"):
        text = str(SCENARIO.view(locale))
        for post in SCENARIO.posts:
            k = KEY.posts[post.id]
            for secret in (k.explain, k.label, *k.decisions.values(), *post.tools.values()):
                assert secret.get(locale) not in text
    assert SCENARIO.view("vi")["posts"][0]["text"] != SCENARIO.view("en")["posts"][0]["text"]


def test_no_real_domain_anywhere_in_the_feed():
    raw = (content_root() / "feeds" / f"{FEED}.yaml").read_text(encoding="utf-8")
    body = raw.split("\nposts:", 1)[1]
    domains = set(re.findall(r"\b[a-z0-9-]*[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+\b", body))
    assert domains and all(d.endswith(".example") for d in domains), domains


def _answer(decision, *checked):
    return {"decision": decision, "checked": list(checked)}


# post, answer -> (points, max, outcome)
TABLE = [
    ("anh-lu-cu", _answer("report", "image"), 3.0, "correct"),
    ("anh-lu-cu", _answer("dont_share", "image", "date", "source"), 3.0, "correct"),     # extra checks cost nothing
    ("anh-lu-cu", _answer("dont_share"), 2.0, "unchecked"),                               # right call, unchecked
    ("anh-lu-cu", _answer("share", "image"), 0.0, "shared_false"),                        # checked, then ignored it
    ("thong-bao-nghi-hoc", _answer("report", "source", "official"), 4.0, "correct"),
    ("thong-bao-nghi-hoc", _answer("report", "official"), 3.0, "unchecked"),
    ("thong-bao-nghi-hoc", _answer("share", "source", "official", "date", "image"), 0.0, "shared_false"),
    ("thong-bao-that", _answer("share", "source", "official"), 4.0, "correct"),
    ("thong-bao-that", _answer("share", "date"), 2.0, "unchecked"),
    ("thong-bao-that", _answer("dont_share", "source", "official"), 0.0, "held_back_true"),
    ("thong-bao-that", _answer("report"), 0.0, "held_back_true"),
    ("tin-don-suc-khoe", _answer("dont_share", "source", "official"), 4.0, "correct"),
    ("loi-noi-bia-dat", _answer("share"), 0.0, "shared_false"),
]


@pytest.mark.parametrize(("post_id", "answer", "points", "outcome"), TABLE,
                         ids=[f"{p}-{a['decision']}-{'+'.join(a['checked']) or 'none'}" for p, a, *_ in TABLE])
def test_scoring_table(post_id, answer, points, outcome):
    result = score(SCENARIO, KEY, {"posts": {post_id: answer}})
    item = next(i for i in result.items if i.item_id == post_id)
    assert (item.points, item.outcome) == (points, outcome)
    assert item.max_points == 2 + len(KEY.posts[post_id].needed)
    assert result.points == points  # the other posts, unanswered, earn nothing
    assert {i.outcome for i in result.items if i.item_id != post_id} == {"unanswered"}


def _perfect():
    return {"posts": {p.id: _answer(KEY.posts[p.id].correct[0], *KEY.posts[p.id].needed) for p in SCENARIO.posts}}


def test_perfect_empty_and_share_everything():
    full = score_feed(SCENARIO, KEY, _perfect())
    assert full.points == full.max_points == 19 and {i.outcome for i in full.items} == {"correct"}
    empty = score_feed(SCENARIO, KEY, {})
    assert empty.points == 0 and {i.outcome for i in empty.items} == {"unanswered"}
    # Sharing everything after checking everything earns only the real announcement.
    gullible = {"posts": {p.id: _answer("share", *p.tool_ids) for p in SCENARIO.posts}}
    assert score_feed(SCENARIO, KEY, gullible).points == 4
    # Refusing everything (suspecting all news) misses the real one.
    cynic = {"posts": {p.id: _answer("report", *p.tool_ids) for p in SCENARIO.posts}}
    assert score_feed(SCENARIO, KEY, cynic).points == full.max_points - 4


@pytest.mark.parametrize(("answers", "match"), [
    ({"posts": {"nope": _answer("share")}}, "does not have"),
    ({"posts": {"thong-bao-that": _answer("share", "image")}}, "does not offer"),   # no picture to search
    ({"posts": {"anh-lu-cu": _answer("share", "image", "image")}}, "twice"),
    ({"posts": {"anh-lu-cu": _answer("like")}}, "decision"),
    ({"posts": {"anh-lu-cu": {"decision": "share", "checked": [], "points": 99}}}, "points"),
    ({"posts": [], "extra": 1}, "feed answers"),
])
def test_bad_answers_are_refused_with_the_reason(answers, match):
    with pytest.raises(AnswersInvalid, match=match):
        score_feed(SCENARIO, KEY, answers)


def test_feedback_explains_the_decision_and_every_check():
    result = score_feed(SCENARIO, KEY, {"posts": {"anh-lu-cu": _answer("share", "source")}})
    item = next(i for i in result.items if i.item_id == "anh-lu-cu")
    fb = post_feedback(SCENARIO, KEY, item, "vi")
    assert fb["correct"] is False and fb["label"] == KEY.posts["anh-lu-cu"].label.vi
    statuses = [(line["status"], line["label"]) for line in fb["lines"]]
    assert statuses[0] == ("wrong", "Chia sẻ") and ("right", "Báo cáo bài viết") in statuses
    image = next(line for line in fb["lines"] if line["label"] == "Ảnh này từ đâu ra?")
    assert image["status"] == "skipped" and "2019" in image["explain"]
    assert "Cẩn thận" in fb["headline"]


def test_result_screen_lists_done_well_and_to_review():
    answers = _perfect()
    answers["posts"]["anh-lu-cu"] = _answer("share")
    summary = feed_summary(SCENARIO, KEY, score_feed(SCENARIO, KEY, answers), "en")
    assert [p["id"] for p in summary["review"]] == ["anh-lu-cu"]
    assert len(summary["good"]) == len(SCENARIO.posts) - 1 and summary["max_points"] == 19


def test_the_grade_cell_and_the_dashboard_agree_with_the_lesson(tmp_path, monkeypatch):
    from hocvuso.classroom import competence_summary, results_from_rows
    from hocvuso.grader import grade

    answers = _perfect()
    answers["posts"]["tin-don-suc-khoe"] = _answer("dont_share")  # 2 of 4
    lesson = score_feed(SCENARIO, KEY, answers)
    assert lesson.points == 17
    monkeypatch.delenv("HOCVUSO_DB", raising=False)
    files = FileStore(tmp_path / "nb")
    files.save(Submission(task_id="tin-that-tin-gia", kind="feed", scenario_id=FEED, answers=answers))
    assert grade("tin-that-tin-gia", scenario=FEED, out_of=10, store=files) == round(17 / 19 * 10, 2)
    sql = SqlStore(f"sqlite:///{tmp_path / 'class.sqlite'}")
    learner = Learner(class_code="6A", name="Bà Tư", learner_id="l1")
    sql.save(Submission(task_id="tin-that-tin-gia", kind="feed", scenario_id=FEED, answers=answers, learner=learner))
    [row] = results_from_rows(sql.rows(), class_code="6A")
    assert (row.kind, row.points, row.max_points, row.answered) == ("feed", 17, 19, 5)
    # each post counts for its own competences: the health code only on the health rumour (2 of 4)
    assert row.competences["tin-don-suc-khoe"] == ("1.2", "2.2", "4.3") and "4.3" not in row.competences["anh-lu-cu"]
    summary = {c["code"]: c["percent"] for c in competence_summary([row])}
    assert summary == {"1.2": round(100 * 17 / 19, 1), "2.2": round(100 * 17 / 19, 1), "4.3": 50.0}


def _copy(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    return root, root / "feeds" / f"{FEED}.yaml"


@pytest.mark.parametrize(("old", "new", "match"), [
    ('competences: ["1.2", "2.2"]', 'competences: ["9.9"]', r"posts\.0\.competences\.0"),
    ("needed: [image]", "needed: [image, nope]", r"posts\.2\.key\.needed"),
    ("address: tramyte.hoamay.example", "address: tramyte.gov.vn", r"posts\.3\.author\.address"),
    ("id: anh-lu-cu", "id: Ảnh lũ cũ", r"posts\.2\.id"),
    ("correct: [share]", "correct: []", r"posts\.3\.key\.correct"),
])
def test_content_errors_name_the_file_and_the_field(tmp_path, old, new, match):
    root, path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError, match=rf"{FEED}\.yaml.*{match}"):
        load_feed(FEED, root=root)


def test_tools_must_fit_the_post(tmp_path):
    root, path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    # the real announcement has no picture: a reverse image search there is a content mistake
    text = text.replace("      official:\n        vi: \"Trang của xã đăng",
                        "      image: {vi: \"x\", en: \"x\"}\n      official:\n        vi: \"Trang của xã đăng", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match="needs a picture"):
        load_feed(FEED, root=root)


def test_content_check_loads_the_feeds(tmp_path):
    from hocvuso.core.contentcheck import check_content

    root, path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("correct: [share]", "correct: [like]", 1), encoding="utf-8")
    findings = [f for f in check_content(root=root) if FEED in str(f)]
    assert len(findings) == 1 and "posts.3.key.correct" in str(findings[0])
